import { describe, expect, it } from "vitest";
import { TlsError, TransportError } from "../../../src/base/errors.ts";
import { siteOfUrl, toTransportError } from "../../../src/transport/transport-errors.ts";

const URL_ = "https://user:pw@10.0.0.1:6443/api/v1/pods?limit=5";
const err = (code: string, message = code): Error => Object.assign(new Error(message), { code });

describe("toTransportError", () => {
  it.each<[string, unknown, string | undefined, boolean]>([
    ["Node refused", err("ECONNREFUSED", "connect ECONNREFUSED 10.0.0.1:6443"), "ECONNREFUSED", false],
    ["Bun refused by name", err("ConnectionRefused"), "ECONNREFUSED", false],
    ["reset", err("ECONNRESET", "socket hang up"), "ECONNRESET", false],
    ["leaf", err("UNABLE_TO_VERIFY_LEAF_SIGNATURE"), "UNABLE_TO_VERIFY_LEAF_SIGNATURE", true],
    ["self-signed", err("DEPTH_ZERO_SELF_SIGNED_CERT"), "DEPTH_ZERO_SELF_SIGNED_CERT", true],
    ["alt name", err("ERR_TLS_CERT_ALTNAME_INVALID"), "ERR_TLS_CERT_ALTNAME_INVALID", true],
    ["expired", err("CERT_HAS_EXPIRED"), "CERT_HAS_EXPIRED", true],
    ["client cert refused", err("ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED"), "ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED", true],
    ["h2 refused stream", err("ERR_HTTP2_STREAM_ERROR", "Stream closed with error code NGHTTP2_REFUSED_STREAM"), "REFUSED_STREAM", false],
    ["h2 GOAWAY excluded the stream", err("ERR_HTTP2_GOAWAY_SESSION"), "REFUSED_STREAM", false],
    ["h2 session gone before the stream opened", err("ERR_HTTP2_INVALID_SESSION"), "REFUSED_STREAM", false],
    ["nested cause", Object.assign(new Error("fetch failed"), { cause: err("ECONNRESET") }), "ECONNRESET", false],
    ["DOM AbortError", Object.assign(new Error("The operation was aborted."), { name: "AbortError" }), "ABORT_ERR", false],
    ["no code", new Error("weird"), undefined, false],
    ["not an Error", "boom", undefined, false],
  ])("%s", (_label, input, code, tls) => {
    const e = toTransportError(input, "GET", URL_);
    expect(e).toBeInstanceOf(TransportError);
    expect(e instanceof TlsError).toBe(tls);
    expect(e.code).toBe(code);
    expect(e.message).toContain("GET /api/v1/pods?limit=5");
    expect(e.message).toContain("https://10.0.0.1:6443");
    expect(e.message).not.toContain("pw");
    expect(e.cause).toBe(input);
  });

  it.each([
    ["abort", "ABORT_ERR"],
    ["timeout", "TIMEOUT"],
    ["closed", "TRANSPORT_CLOSED"],
  ] as const)("our own end reason %s wins over what the runtime reported", (reason, code) => {
    expect(toTransportError(err("ECONNRESET"), "GET", URL_, reason).code).toBe(code);
  });

  it("passes TransportErrors through", () => {
    const original = new TransportError("proxy said no", {}, { code: "PROXY_CONNECT_FAILED" });
    expect(toTransportError(original, "GET", URL_)).toBe(original);
  });

  it("siteOfUrl never keeps userinfo and survives bad URLs", () => {
    expect(siteOfUrl("GET", URL_)).toEqual({ method: "GET", server: "https://10.0.0.1:6443", path: "/api/v1/pods?limit=5" });
    expect(siteOfUrl("GET", "not a url")).toEqual({ method: "GET", path: "(invalid URL)" });
  });
});
