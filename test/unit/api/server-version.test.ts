import { describe, expect, it } from "vitest";
import { DecodeError } from "../../../src/base/errors.ts";
import { serverVersion } from "../../../src/api/server-version.ts";
import { RecordingConnection } from "./recording-connection.ts";

describe("serverVersion", () => {
  it("GETs /version and refuses an answer that is no version, without quoting it", async () => {
    const conn = new RecordingConnection([{ body: '{"kind":"Status","message":"secret-ish"}' }, { body: "not json" }]);
    const error = await serverVersion(conn).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DecodeError);
    expect((error as Error).message).toMatch(/^\/version answered no version \(gitVersion, major and minor\) \(GET \/version/);
    expect((error as Error).message).not.toContain("secret-ish");
    await expect(serverVersion(conn)).rejects.toThrow(/response body is not valid JSON/);
    expect(conn.sent.map((s) => `${s.request.method} ${s.request.path}`)).toEqual(["GET /version", "GET /version"]);
  });
});
