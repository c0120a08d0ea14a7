/**
 * cp (bun-k8s/pod-io) through exec to kwok, whose commands run GNU tar on this machine in
 * the pod's folder: a folder with binary files, an empty file, a long name and a symlink,
 * there and back, byte for byte; and what tar in the container says when a path is missing.
 * Local control plane with nodes only.
 */
import { randomBytes } from "node:crypto";
import { lstatSync, mkdirSync, readFileSync, readdirSync, readlinkSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, test } from "vitest";
import { api } from "../../src/api/client.ts";
import type { Connection } from "../../src/connection/types.ts";
import { copyFromPod, copyToPod, ExecError } from "../../src/pod-io/index.ts";
import { Pod } from "../../generated/k8s/core/v1/index.ts";
import type { PodIO } from "../support/pod-io.ts";
import { readyPod } from "../support/pod-fixture.ts";
import { tempDir } from "../unit/config/fixtures/temp-files.ts";
import { connect, scratchNamespace } from "./api-connection.ts";

const cluster = inject("cluster");
const POD = "files";
const LONG = `${"a-very-long-name-".repeat(9)}.bin`;

/** Every file under `dir` with its bytes (symlinks as "-> target"), by relative path. */
function tree(dir: string, prefix = ""): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    const rel = `${prefix}${name}`;
    const st = lstatSync(path);
    if (st.isSymbolicLink()) out[rel] = `-> ${readlinkSync(path)}`;
    else if (st.isDirectory()) Object.assign(out, tree(path, `${rel}/`), { [`${rel}/`]: "dir" });
    else out[rel] = `${st.mode & 0o777} ${readFileSync(path).toString("base64")}`;
  }
  return out;
}

describe.skipIf(!cluster.nodes)("cp (bun-k8s/pod-io) through tar over exec", () => {
  const t = tempDir("bun-k8s-pod-copy-");
  let conn: Connection;
  let removeNamespace: () => Promise<void>;
  let io: PodIO;
  let ns: string;

  beforeAll(async () => {
    conn = await connect();
    ({ name: ns, remove: removeNamespace } = await scratchNamespace(conn, "pod-copy"));
    io = await readyPod(cluster, conn, ns, POD);
  });
  afterAll(async () => {
    await removeNamespace?.();
    conn?.close();
    t.remove();
  });

  test("a folder with binary files round-trips byte for byte (there with copyToPod, back with copyFromPod)", async () => {
    const pods = api(conn, Pod, { namespace: ns });
    const src = t.path("src");
    mkdirSync(join(src, "nested", "deeper"), { recursive: true });
    writeFileSync(join(src, "random.bin"), randomBytes(5 * 1024 * 1024 + 7));
    writeFileSync(join(src, "all-bytes.bin"), Buffer.from(Array.from({ length: 256 * 4 }, (_, i) => i % 256)));
    writeFileSync(join(src, "empty"), "");
    writeFileSync(join(src, "nested", "deeper", LONG), randomBytes(1000));
    writeFileSync(join(src, "nested", "script.sh"), "#!/bin/sh\necho hi\n", { mode: 0o755 });
    symlinkSync("random.bin", join(src, "link-to-random"));

    const sent = await copyToPod(pods, POD, src, "uploaded", { container: "app" });
    expect(sent).toEqual({ files: 6, directories: 3, skipped: [] });
    // It landed in the pod's folder as tar in the container wrote it.
    expect(tree(join(io.workDir, "uploaded"))).toEqual(tree(src));

    const back = t.path("back");
    const received = await copyFromPod(pods, POD, "uploaded", back, { container: "app" });
    expect(received).toEqual({ files: 6, directories: 3, skipped: [] });
    expect(tree(back)).toEqual(tree(src));
  }, 300_000);

  test("a single file, to a new name and back", async () => {
    const pods = api(conn, Pod, { namespace: ns });
    const file = t.path("one.bin");
    writeFileSync(file, randomBytes(70_000));
    await copyToPod(pods, POD, file, "renamed.bin");
    expect(readFileSync(join(io.workDir, "renamed.bin")).equals(readFileSync(file))).toBe(true);
    await copyFromPod(pods, POD, `${io.workDir}/renamed.bin`, t.path("again.bin"));
    expect(readFileSync(t.path("again.bin")).equals(readFileSync(file))).toBe(true);
  });

  test("a missing path in the container: ExecError with tar's exit code and its message", async () => {
    const e = await copyFromPod(api(conn, Pod, { namespace: ns }), POD, "not-there", t.path("nothing")).catch((err: unknown) => err);
    expect(e).toBeInstanceOf(ExecError);
    expect((e as ExecError).exitCode).toBe(2);
    expect((e as ExecError).stderr).toMatch(/not-there: Cannot stat: No such file or directory/);
  });
});
