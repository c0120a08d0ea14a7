import { describe, expect, it } from "vitest";
import { bypassesProxy, proxyFromEnvironment } from "../../../src/config/proxy-env.ts";

describe("proxyFromEnvironment (Go's http.ProxyFromEnvironment rules)", () => {
  it("picks HTTPS_PROXY for https and HTTP_PROXY for http, upper case first, http:// when no scheme is given", () => {
    expect(proxyFromEnvironment("https://10.1.2.3:6443", {})).toBeUndefined();
    expect(proxyFromEnvironment("https://10.1.2.3:6443", { HTTPS_PROXY: "proxy:3128" })).toBe("http://proxy:3128");
    expect(proxyFromEnvironment("https://10.1.2.3:6443", { https_proxy: "https://p:443" })).toBe("https://p:443");
    expect(proxyFromEnvironment("https://10.1.2.3:6443", { HTTPS_PROXY: "socks5://s:1080", https_proxy: "http://lower" })).toBe("socks5://s:1080");
    expect(proxyFromEnvironment("https://10.1.2.3:6443", { HTTP_PROXY: "http://plain" })).toBeUndefined();
    expect(proxyFromEnvironment("http://10.1.2.3:8080", { HTTP_PROXY: "http://plain", HTTPS_PROXY: "http://secure" })).toBe("http://plain");
    expect(proxyFromEnvironment("https://10.1.2.3", { HTTPS_PROXY: "" , https_proxy: "http://fallback" })).toBe("http://fallback");
  });

  it("never proxies localhost or loopback addresses", () => {
    for (const server of ["https://localhost:6443", "https://127.0.0.1:6443", "https://127.9.9.9", "https://[::1]:6443", "https://[::ffff:127.0.0.1]:6443"]) {
      expect(proxyFromEnvironment(server, { HTTPS_PROXY: "http://p" }), server).toBeUndefined();
    }
  });

  it.each([
    // [server, NO_PROXY, bypassed]
    ["https://api.example.com", "*", true],
    ["https://api.example.com", "example.com", true],
    ["https://example.com", "example.com", true],
    ["https://notexample.com", "example.com", false],
    ["https://example.com", ".example.com", false],
    ["https://api.example.com", ".example.com", true],
    ["https://api.example.com", "*.example.com", true],
    ["https://example.com", "*.example.com", false],
    ["https://API.Example.COM", " Example.com ", true],
    ["https://api.example.com:6443", "example.com:6443", true],
    ["https://api.example.com:6443", "example.com:443", false],
    ["https://api.example.com", "example.com:443", true],
    ["https://10.0.0.5:6443", "10.0.0.0/8", true],
    ["https://11.0.0.5:6443", "10.0.0.0/8", false],
    ["https://10.0.0.5:6443", "10.0.0.5", true],
    ["https://10.0.0.5:6443", "10.0.0.5:6443", true],
    ["https://10.0.0.5:6443", "10.0.0.5:443", false],
    ["https://10.0.0.5", "10.0.0.5:443", true],
    ["https://[fd00::5]:6443", "fd00::/8", true],
    ["https://[fd00::5]:6443", "[fd00::5]:6443", true],
    ["https://[fd00::5]:6443", "fd00::5", true],
    ["https://[fe80::5]:6443", "fd00::/8", false],
    ["https://10.0.0.5", "10.0.0.5.example.com,example.com", false],
    ["https://api.example.com", "other.com,,, example.com", true],
    ["https://api.example.com", ":443", false],
  ] as const)("%s with NO_PROXY=%j: bypassed %s", (server, noProxy, bypassed) => {
    expect(bypassesProxy(new URL(server), noProxy)).toBe(bypassed);
    expect(proxyFromEnvironment(server, { HTTPS_PROXY: "http://p:1", no_proxy: noProxy })).toBe(bypassed ? undefined : "http://p:1");
  });
});
