/**
 * What a proxy URL says about its credentials, in their own module so the Connection and the Deno
 * transport can use them without loading the tunnel (node:net, node:tls).
 */

/**
 * Proxy-Authorization from userinfo in the proxy URL, if any.
 *
 * @example proxyAuthorization(new URL("http://bob:pw@proxy:3128")) // "Basic Ym9iOnB3"
 */
export function proxyAuthorization(u: URL): string | undefined {
  if (!u.username && !u.password) return undefined;
  const user = decodeURIComponent(u.username);
  const pass = decodeURIComponent(u.password);
  return `Basic ${Buffer.from(`${user}:${pass}`).toString("base64")}`;
}

/**
 * The proxy origin without credentials, for messages.
 *
 * @example describeProxy("socks5://bob:pw@proxy:1080") // "socks5://proxy:1080"
 */
export function describeProxy(proxyUrl: string): string {
  try {
    const u = new URL(proxyUrl);
    return `${u.protocol}//${u.host}`;
  } catch {
    return "(invalid proxy URL)";
  }
}
