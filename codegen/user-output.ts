/**
 * Writing generated kinds into a user's folder: files an earlier run wrote (those that start
 * with the generated header) are replaced, anything else in the folder is left alone.
 */
import { mkdir, readdir, readFile, rm, rmdir, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import type { GeneratedFile } from "./generate.ts";
import { generatedHeader } from "./module-emitter.ts";

const HEADER = generatedHeader("").split("\n")[0] as string;

async function previousFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  const visit = async (d: string): Promise<void> => {
    let entries;
    try {
      entries = await readdir(d, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const path = join(d, e.name);
      if (e.isDirectory()) await visit(path);
      else if (e.name.endsWith(".ts") && (await readFile(path, "utf8")).startsWith(HEADER)) out.push(path);
    }
  };
  await visit(dir);
  return out;
}

/**
 * Replaces the generated files in `outDir` with `files`.
 *
 * @example await writeUserOutput("src/k8s", files);
 */
export async function writeUserOutput(outDir: string, files: readonly GeneratedFile[]): Promise<{ bytes: number }> {
  for (const old of await previousFiles(outDir)) {
    await rm(old);
    // Drop folders the removal emptied, up to the output folder.
    for (let d = dirname(old); d.startsWith(outDir) && d !== outDir; d = dirname(d)) {
      if ((await readdir(d)).length > 0) break;
      await rmdir(d);
    }
  }
  let bytes = 0;
  for (const f of files) {
    const path = join(outDir, f.path);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, f.text);
    bytes += Buffer.byteLength(f.text);
  }
  return { bytes };
}
