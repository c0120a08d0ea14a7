/**
 * The proxy from the environment, when the kubeconfig names none: HTTPS_PROXY (or https_proxy)
 * for https servers, HTTP_PROXY for http ones, unless NO_PROXY (or no_proxy) exempts the server.
 * These are client-go's rules (Go's http.ProxyFromEnvironment, golang.org/x/net/http/httpproxy):
 *   - localhost and loopback addresses never go through a proxy;
 *   - NO_PROXY is a comma-separated list of: `*` (everything), IP addresses, CIDRs, domain names
 *     (`example.com` matches it and its subdomains, `.example.com` and `*.example.com` only the
 *     subdomains), each optionally with a `:port`;
 *   - a proxy given without a scheme is http://.
 */
import { isIP } from "node:net";

/** The server's host and port (the scheme's default when the URL has none), host in lower case, IPv6 unbracketed. */
function hostPort(server: URL): { host: string; port: string } {
  const host = server.hostname.replace(/^\[(.*)\]$/, "$1").toLowerCase();
  return { host, port: server.port || (server.protocol === "https:" ? "443" : "80") };
}

/** An IPv4 or IPv6 address as 16 bytes (IPv4 mapped), for comparing and masking. */
function ipBytes(ip: string): Uint8Array | undefined {
  const kind = isIP(ip);
  if (kind === 4) return Uint8Array.from([...new Array<number>(10).fill(0), 0xff, 0xff, ...ip.split(".").map(Number)]);
  if (kind !== 6) return undefined;
  let text = ip;
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text)?.[1];
  if (v4) {
    const [a, b, c, d] = v4.split(".").map(Number) as [number, number, number, number];
    text = text.slice(0, -v4.length) + `${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.split("::") as [string, string | undefined];
  const groups = (s: string | undefined) => (s ? s.split(":").filter((g) => g !== "") : []);
  const h = groups(head);
  const t = groups(tail);
  const all = tail === undefined ? h : [...h, ...new Array<string>(8 - h.length - t.length).fill("0"), ...t];
  const out = new Uint8Array(16);
  all.forEach((g, i) => {
    const n = Number.parseInt(g, 16);
    out[i * 2] = n >> 8;
    out[i * 2 + 1] = n & 0xff;
  });
  return out;
}

function isLoopback(ip: Uint8Array): boolean {
  const mapped = ip.slice(0, 12).every((b, i) => (i < 10 ? b === 0 : b === 0xff));
  if (mapped) return ip[12] === 127;
  return ip.slice(0, 15).every((b) => b === 0) && ip[15] === 1;
}

function inCidr(ip: Uint8Array, cidr: string): boolean {
  const [base, bitsText] = cidr.split("/") as [string, string];
  const network = ipBytes(base);
  if (!network) return false;
  // An IPv4 prefix counts within the mapped form.
  let bits = Number(bitsText);
  if (isIP(base) === 4) bits += 96;
  for (let i = 0; i < 16 && bits > 0; i++, bits -= 8) {
    const mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
    if (((ip[i] as number) & mask) !== ((network[i] as number) & mask)) return false;
  }
  return true;
}

/** Splits "host:port", "[v6]:port", "v6" or "host" into host and port ("" when none). */
function splitEntry(entry: string): { host: string; port: string } {
  const bracketed = /^\[([^\]]*)\](?::(\d+))?$/.exec(entry);
  if (bracketed) return { host: bracketed[1] as string, port: bracketed[2] ?? "" };
  if (isIP(entry) === 6) return { host: entry, port: "" };
  const m = /^(.*):(\d+)$/.exec(entry);
  return m ? { host: m[1] as string, port: m[2] as string } : { host: entry, port: "" };
}

/**
 * Whether NO_PROXY exempts the server from the proxy (Go's httpproxy rules).
 *
 * @example bypassesProxy(new URL("https://api.internal.example:6443"), ".example,10.0.0.0/8") // true
 */
export function bypassesProxy(server: URL, noProxy: string): boolean {
  const { host, port } = hostPort(server);
  if (host === "localhost") return true;
  const ip = ipBytes(host);
  if (ip && isLoopback(ip)) return true;
  for (const raw of noProxy.split(",")) {
    const entry = raw.trim().toLowerCase();
    if (entry === "") continue;
    if (entry === "*") return true;
    if (/^[^/]+\/\d+$/.test(entry) && ipBytes(entry.split("/")[0] as string)) {
      if (ip && inCidr(ip, entry)) return true;
      continue;
    }
    const { host: h, port: p } = splitEntry(entry);
    if (h === "") continue;
    const entryIp = ipBytes(h);
    if (entryIp) {
      if (ip && entryIp.every((b, i) => b === ip[i]) && (p === "" || p === port)) return true;
      continue;
    }
    // Names never match an IP address.
    if (ip) continue;
    const bare = h.startsWith("*.") ? h.slice(1) : h;
    const matchHost = !bare.startsWith(".");
    const suffix = matchHost ? `.${bare}` : bare;
    if ((host.endsWith(suffix) || (matchHost && host === bare)) && (p === "" || p === port)) return true;
  }
  return false;
}

/**
 * The proxy the environment names for a server, or undefined (none set, or NO_PROXY exempts it).
 *
 * @example proxyFromEnvironment("https://10.0.0.1:6443", { HTTPS_PROXY: "proxy:3128" }) // "http://proxy:3128"
 */
export function proxyFromEnvironment(server: string, env: Readonly<Record<string, string | undefined>>): string | undefined {
  const url = new URL(server);
  const pick = (...names: string[]) => names.map((n) => env[n]).find((v) => v !== undefined && v !== "");
  const proxy = url.protocol === "https:" ? pick("HTTPS_PROXY", "https_proxy") : pick("HTTP_PROXY", "http_proxy");
  if (!proxy) return undefined;
  if (bypassesProxy(url, pick("NO_PROXY", "no_proxy") ?? "")) return undefined;
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(proxy) ? proxy : `http://${proxy}`;
}
