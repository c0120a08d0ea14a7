/** Its own module so the Connection can set the header without loading the tunnel (node:net, node:tls). */

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
