/**
 * What console.dir really prints on this runtime, captured: Node's console.dir skips custom
 * inspection (so redaction hooks do not apply), Bun's honours it. Secret searches use both.
 */
import { Console } from "node:console";
import { Writable } from "node:stream";

/** @example expect(dirOutput(loaded.config)).not.toContain(token); */
export function dirOutput(value: unknown): string {
  let out = "";
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      out += chunk.toString();
      done();
    },
  });
  new Console({ stdout: sink, stderr: sink }).dir(value, { depth: 10 });
  return out;
}
