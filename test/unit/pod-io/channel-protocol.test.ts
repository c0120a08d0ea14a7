/**
 * The channel protocol of exec, attach and port-forward: framing, the close and resize
 * messages, the error channel's Status, and the port prefix, however messages are cut.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  CLOSE,
  MAX_FRAME_PAYLOAD,
  PortPrefix,
  REMOTE_COMMAND_PROTOCOLS,
  STDIN,
  closeFrame,
  commandOutcome,
  frame,
  frames,
  resizeFrame,
} from "../../../src/pod-io/channel-protocol.ts";

describe("channel protocol", () => {
  it("offers v5 (with the close signal) before v4", () => {
    expect(REMOTE_COMMAND_PROTOCOLS).toEqual(["v5.channel.k8s.io", "v4.channel.k8s.io"]);
  });

  it("frames: every message starts with the channel, carries at most MAX_FRAME_PAYLOAD bytes, and together they are the payload", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 4 }), fc.uint8Array({ minLength: 1, maxLength: 3 * MAX_FRAME_PAYLOAD + 7 }), (channel, payload) => {
        const out = [...frames(channel, payload)];
        expect(out.length).toBe(Math.ceil(payload.byteLength / MAX_FRAME_PAYLOAD));
        for (const m of out) {
          expect(m[0]).toBe(channel);
          expect(m.byteLength - 1).toBeLessThanOrEqual(MAX_FRAME_PAYLOAD);
          expect(m.byteLength).toBeGreaterThan(1);
        }
        expect(Buffer.concat(out.map((m) => m.subarray(1)))).toEqual(Buffer.from(payload));
      }),
    );
    expect(frame(STDIN, Uint8Array.of(104, 105))).toEqual(Uint8Array.of(0, 104, 105));
  });

  it("close and resize messages", () => {
    expect(closeFrame(STDIN)).toEqual(Uint8Array.of(CLOSE, STDIN));
    const resize = resizeFrame({ width: 132, height: 43 });
    expect(resize[0]).toBe(4);
    expect(JSON.parse(new TextDecoder().decode(resize.subarray(1)))).toEqual({ Width: 132, Height: 43 });
  });

  it("the error channel: Success is 0, NonZeroExitCode carries the code, anything else is a failure to run", () => {
    expect(commandOutcome('{"metadata":{},"status":"Success"}')).toMatchObject({ kind: "exited", exitCode: 0 });
    const three = '{"metadata":{},"status":"Failure","message":"command terminated with non-zero exit code: exit status 3","reason":"NonZeroExitCode","details":{"causes":[{"reason":"ExitCode","message":"3"}]}}';
    expect(commandOutcome(three)).toMatchObject({ kind: "exited", exitCode: 3, status: { reason: "NonZeroExitCode" } });
    expect(commandOutcome('{"status":"Failure","reason":"NonZeroExitCode","details":{"causes":[{"reason":"ExitCode","message":"x"}]}}')).toMatchObject({ kind: "failed" });
    expect(commandOutcome('{"status":"Failure","reason":"InternalError","message":"executable file not found"}')).toEqual({
      kind: "failed",
      status: { status: "Failure", reason: "InternalError", message: "executable file not found" },
    });
    // v1/v2 servers wrote plain text.
    expect(commandOutcome("error executing command\n")).toEqual({ kind: "failed", status: { status: "Failure", reason: "InternalError", message: "error executing command" } });
  });

  it("the port prefix: the first two bytes of a channel are its port (little-endian), however the messages are cut", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 65535 }), fc.uint8Array({ maxLength: 200 }), fc.array(fc.integer({ min: 0, max: 50 }), { minLength: 1, maxLength: 10 }), (port, data, cuts) => {
        const stream = Buffer.concat([Buffer.from([port & 0xff, port >> 8]), data]);
        const prefix = new PortPrefix();
        const out: Uint8Array[] = [];
        let at = 0;
        for (let i = 0; at < stream.length; i++) {
          const size = cuts[i % cuts.length]!;
          out.push(prefix.strip(stream.subarray(at, at + size)));
          at += size;
          if (size === 0 && cuts.every((c) => c === 0)) break;
        }
        if (at >= stream.length) {
          expect(prefix.port).toBe(port);
          expect(Buffer.concat(out)).toEqual(Buffer.from(data));
        }
      }),
    );
    const p = new PortPrefix();
    expect(p.strip(Uint8Array.of(0x90))).toEqual(new Uint8Array(0));
    expect(p.port).toBeUndefined();
    expect(p.strip(Uint8Array.of(0x1f, 65))).toEqual(Uint8Array.of(65));
    expect(p.port).toBe(8080);
  });
});
