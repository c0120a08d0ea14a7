/**
 * The one scrubber: registered secrets (and their encodings) never survive into a KubeError,
 * whichever way it is printed, however its text was cut.
 */
import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import { ApiError, AuthError, TransportError } from "../../../src/base/errors.ts";
import { MIN_SECRET_LENGTH, REDACTED, SecretValues, excerpt, scrubText } from "../../../src/base/secrets.ts";

let serial = 0;
const fresh = (label: string): string => `${label}-${++serial}-${Math.random().toString(36).slice(2)}x9Q/+=`;

function printed(e: Error): string[] {
  return [e.message, e.stack ?? "", String(e), JSON.stringify(e), inspect(e, { depth: 10 }), inspect(e, { depth: 10, customInspect: false })];
}

describe("SecretValues and scrubText", () => {
  it("replaces a registered value and its percent-, form- and JSON-escaped forms", () => {
    const secrets = new SecretValues();
    const value = fresh("tok");
    secrets.add(value);
    for (const form of [value, encodeURIComponent(value), new URLSearchParams({ v: value }).toString().slice(2), JSON.stringify(value).slice(1, -1)]) {
      expect(scrubText(`before ${form} after`)).toBe(`before ${REDACTED} after`);
    }
  });

  it("ignores values too short to be secrets", () => {
    const secrets = new SecretValues();
    secrets.add("prod");
    expect("prod".length).toBeLessThan(MIN_SECRET_LENGTH);
    expect(scrubText("production prod")).toBe("production prod");
  });

  it("keeps only the newest few values of a rotating slot", () => {
    const secrets = new SecretValues();
    const values = Array.from({ length: 10 }, () => fresh("rot"));
    for (const v of values) secrets.add(v, "token");
    expect(scrubText(values[9]!)).toBe(REDACTED);
    expect(scrubText(values[6]!)).toBe(REDACTED);
    expect(scrubText(values[0]!)).toBe(values[0]);
  });

  it("registers key material line by line and in its base64 (kubeconfig -data) form", () => {
    const secrets = new SecretValues();
    const line = "MHcCAQEEIB" + fresh("k").replace(/[^A-Za-z0-9]/g, "A");
    const pem = `-----BEGIN EC PRIVATE KEY-----\n${line}\n-----END EC PRIVATE KEY-----\n`;
    secrets.addPem(pem);
    expect(scrubText(`bad key near ${line}`)).toBe(`bad key near ${REDACTED}`);
    expect(scrubText(Buffer.from(pem).toString("base64"))).toBe(REDACTED);
  });

  it("excerpt scrubs before it cuts, so no half of a secret is left", () => {
    const secrets = new SecretValues();
    const value = fresh("cut");
    secrets.add(value);
    const text = `${"a".repeat(290)}${value}${"b".repeat(100)}`;
    const start = excerpt(text, 300);
    expect(start).not.toContain(value.slice(0, 8));
    const tail = excerpt(`line one ${value}\n${"c".repeat(20)}${value}\nlast line`, 40, "end");
    expect(tail).not.toContain(value.slice(-8));
    expect(tail).toMatch(/last line$/);
  });
});

describe("every KubeError is scrubbed when it is made", () => {
  it("message, stack, String, JSON and inspect (with and without custom inspection)", () => {
    const secrets = new SecretValues();
    const value = fresh("err");
    secrets.add(value);
    const e = new AuthError(`the issuer said: ${value} is revoked`);
    expect(e.message).toBe(`the issuer said: ${REDACTED} is revoked`);
    for (const text of printed(e)) expect(text).not.toContain(value);
  });

  it("an ApiError's Status (message, causes, details) is scrubbed", () => {
    const secrets = new SecretValues();
    const value = fresh("status");
    secrets.add(value);
    const e = new ApiError({ kind: "Status", code: 401, reason: "Unauthorized", message: `token ${value}`, details: { causes: [{ message: value, field: "x" }] } });
    expect(e.status.message).toBe(`token ${REDACTED}`);
    expect(e.status.details?.causes?.[0]?.message).toBe(REDACTED);
    for (const text of printed(e)) expect(text).not.toContain(value);
  });

  it("the cause chain a TransportError wraps is scrubbed", () => {
    const secrets = new SecretValues();
    const value = fresh("cause");
    secrets.add(value);
    // Bun's fetch error keeps a proxy's echoed status text in an own property.
    const inner = Object.assign(new Error(`socket said ${value}`, { cause: new Error(`deeper ${value}`) }), { statusText: `Basic ${value}`, status: 407 });
    const e = new TransportError("request failed", {}, { cause: inner, code: "ECONNRESET" });
    for (const text of printed(e)) expect(text).not.toContain(value);
  });

  it("secrets registered after an error was made do not rewrite it, and unregistered text is left alone", () => {
    const value = fresh("later");
    const e = new AuthError(`plain ${value}`);
    new SecretValues().add(value);
    expect(e.message).toBe(`plain ${value}`);
    expect(new AuthError("nothing secret here").message).toBe("nothing secret here");
  });
});
