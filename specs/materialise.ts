/**
 * Brings the pinned upstream inputs into specs/cache/ (git-ignored) and proves each file
 * matches the sha256 recorded in specs/manifest.json. Kubernetes comes from the
 * k8s.io/kubernetes Go module; each Flux controller from its root Go module, or from
 * ../shared/specs/flux/ when the manifest says the module proxy could not serve it.
 */
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { copyFile, mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { ConfigError } from "../src/base/errors.ts";
import type { FileChecksums, FluxControllerPin, KubernetesPin, SpecManifest } from "./manifest-types.ts";

/** Repository root (the folder holding package.json). */
export const repoRoot = resolve(fileURLToPath(new URL("..", import.meta.url)));
export const manifestPath = join(repoRoot, "specs", "manifest.json");
export const defaultCacheDir = join(repoRoot, "specs", "cache");
/** Fallback Flux CRDs, read in place (never copied into the repository). */
export const sharedFluxDir = resolve(repoRoot, "..", "shared", "specs", "flux");

const kubernetesModule = "k8s.io/kubernetes";
const kubernetesSpecDir = "api/openapi-spec/v3";
/** The generated OpenAPI definitions in Go, which keep the +enum values. */
export const kubernetesEnumFile = "pkg/generated/openapi/zz_generated.openapi.go";
/** Only group/version documents carry schemas and paths; discovery documents are skipped. */
const groupVersionDocument = /^(api__v1|apis__[^_]+__[^_]+)_openapi\.json$/;

/** The folders a materialised input set lives in. */
export interface MaterialisedInputs {
  readonly kubernetesVersion: string;
  /** Folder of `*_openapi.json` group/version documents. */
  readonly kubernetesDir: string;
  /** The enum table extracted from the pinned Go definitions (JSON, see codegen/enums/). */
  readonly kubernetesEnums: string;
  /** Per Flux controller: the folder and the pinned CRD YAML files in it. */
  readonly fluxDirs: readonly FluxInput[];
}

export interface FluxInput {
  readonly controller: string;
  readonly version: string;
  readonly dir: string;
  readonly files: readonly string[];
}

/** Lowercase hex sha256 of bytes. */
export function sha256(bytes: Uint8Array | string): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/**
 * Reads specs/manifest.json (or another manifest path).
 *
 * @example
 * const manifest = await readManifest();
 * console.log(manifest.kubernetes.selected); // "v1.37.2"
 */
export async function readManifest(path = manifestPath): Promise<SpecManifest> {
  const text = await readFile(path, "utf8").catch((cause: unknown) => {
    throw new ConfigError(`cannot read spec manifest ${path}`, {}, { cause });
  });
  return JSON.parse(text) as SpecManifest;
}

/** Writes the manifest with stable formatting so diffs between versions stay readable. */
export async function writeManifest(manifest: SpecManifest, path = manifestPath): Promise<void> {
  await writeFile(path, `${JSON.stringify(sortKeys(manifest), null, 2)}\n`);
}

/** Accepts "1.35.4" or "v1.35.4". */
export function normaliseVersion(version: string): string {
  const v = version.startsWith("v") ? version : `v${version}`;
  if (!/^v\d+\.\d+\.\d+$/.test(v)) throw new ConfigError(`not a Kubernetes release version: "${version}"`);
  return v;
}

interface GoDownload {
  Dir?: string;
  Sum?: string;
  Error?: string;
}

/** `go mod download -json module@version`, run outside any Go module so no go.mod is touched. */
export async function goModDownload(module: string, version: string): Promise<{ dir: string; sum: string }> {
  const stdout = await new Promise<string>((done) => {
    execFile(
      "go",
      ["mod", "download", "-json", `${module}@${version}`],
      // The public checksum database does not list some Flux controller releases (404), so
      // the go command refuses them. Our manifest pins the sha256 of every file we take from
      // a module and checks it on every materialise, which is the integrity we rely on.
      { cwd: tmpdir(), maxBuffer: 1 << 20, env: { ...process.env, GONOSUMDB: "github.com/fluxcd" } },
      (error, out, err) => done(out || (error ? JSON.stringify({ Error: err || error.message }) : "")),
    );
  });
  let parsed: GoDownload;
  try {
    parsed = JSON.parse(stdout) as GoDownload;
  } catch {
    throw new ConfigError(`go mod download ${module}@${version} printed no JSON: ${stdout.slice(0, 200)}`);
  }
  if (parsed.Error || !parsed.Dir) {
    throw new ConfigError(`go mod download ${module}@${version} failed: ${parsed.Error ?? "no Dir"}`);
  }
  return { dir: parsed.Dir, sum: parsed.Sum ?? "" };
}

async function checksumFiles(dir: string, names: readonly string[]): Promise<FileChecksums> {
  const out: Record<string, string> = {};
  for (const name of [...names].sort()) out[name] = sha256(await readFile(join(dir, name)));
  return out;
}

/** Downloads a Kubernetes version and returns its pin (checksums of every group/version document). */
export async function pinKubernetes(version: string): Promise<KubernetesPin> {
  const { dir, sum } = await goModDownload(kubernetesModule, version);
  const specDir = join(dir, kubernetesSpecDir);
  const names = (await readdir(specDir)).filter((n) => groupVersionDocument.test(n));
  if (names.length === 0) throw new ConfigError(`no OpenAPI v3 group/version documents in ${specDir}`);
  const enums = { file: kubernetesEnumFile, sha256: sha256(await readFile(join(dir, kubernetesEnumFile))) };
  return { module: kubernetesModule, dir: kubernetesSpecDir, goSum: sum, files: await checksumFiles(specDir, names), enums };
}

/**
 * Probes where a Flux controller's CRDs can come from: its Go module first, else the shared
 * fallback folder (files named after the controller's API groups, listed by `fallbackFiles`).
 */
export async function pinFluxController(
  controller: string,
  version: string,
  fallbackFiles: readonly string[],
): Promise<FluxControllerPin> {
  const module = `github.com/fluxcd/${controller}`;
  const dir = "config/crd/bases";
  try {
    const got = await goModDownload(module, version);
    const base = join(got.dir, dir);
    const names = (await readdir(base)).filter((n) => n.endsWith(".yaml"));
    return { controller, module, version, source: "go-module", dir, goSum: got.sum, files: await checksumFiles(base, names) };
  } catch (cause) {
    // Keep the recorded note free of host names: it is committed.
    const note = (cause instanceof Error ? cause.message : String(cause)).replace(/\b\w+:\/\/\S+/g, "<url>");
    return {
      controller,
      module,
      version,
      source: "shared",
      dir: "specs/flux",
      note,
      files: await checksumFiles(sharedFluxDir, fallbackFiles),
    };
  }
}

function compareChecksums(where: string, expected: FileChecksums, actual: FileChecksums): void {
  const problems: string[] = [];
  for (const [name, sum] of Object.entries(expected)) {
    if (actual[name] === undefined) problems.push(`${name}: missing`);
    else if (actual[name] !== sum) problems.push(`${name}: sha256 ${actual[name]} but the manifest pins ${sum}`);
  }
  if (problems.length > 0) {
    throw new ConfigError(`checksum mismatch in ${where}:\n  ${problems.join("\n  ")}`);
  }
}

async function copyVerified(fromDir: string, toDir: string, files: FileChecksums, where: string): Promise<void> {
  const names = Object.keys(files);
  compareChecksums(where, files, await checksumFiles(fromDir, names));
  await rm(toDir, { recursive: true, force: true });
  await mkdir(toDir, { recursive: true });
  for (const name of names) await copyFile(join(fromDir, name), join(toDir, name));
}

/** Cache folder of one Kubernetes version. */
export function kubernetesCacheDir(cacheDir: string, version: string): string {
  return join(cacheDir, "kubernetes", version);
}

function fluxCacheDir(cacheDir: string, pin: FluxControllerPin): string {
  return join(cacheDir, "flux", `${pin.controller}@${pin.version}`);
}

/** True when every file of the cache folder is present and matches its pin. */
async function cacheIsValid(dir: string, files: FileChecksums): Promise<boolean> {
  try {
    compareChecksums(dir, files, await checksumFiles(dir, Object.keys(files)));
    return true;
  } catch {
    return false;
  }
}

/**
 * Makes sure the cache holds the pinned inputs for `kubernetesVersion` (default: the
 * manifest's selected one) and the Flux set, downloading and verifying what is missing.
 * Every file in the cache is checked against the manifest; a mismatch throws ConfigError.
 *
 * @example
 * const inputs = await materialise(await readManifest(), { kubernetesVersion: "v1.34.4" });
 * console.log(inputs.kubernetesDir);
 */
export async function materialise(
  manifest: SpecManifest,
  options: { kubernetesVersion?: string; cacheDir?: string; log?: (line: string) => void } = {},
): Promise<MaterialisedInputs> {
  const cacheDir = options.cacheDir ?? defaultCacheDir;
  const log = options.log ?? (() => {});
  const version = normaliseVersion(options.kubernetesVersion ?? manifest.kubernetes.selected);
  const pin = manifest.kubernetes.versions[version];
  if (!pin) {
    throw new ConfigError(
      `Kubernetes ${version} is not pinned in specs/manifest.json; run \`npm run specs -- --kubernetes ${version}\` first`,
    );
  }
  const kubernetesDir = kubernetesCacheDir(cacheDir, version);
  if (!(await cacheIsValid(kubernetesDir, pin.files))) {
    log(`fetching ${pin.module}@${version}`);
    const { dir } = await goModDownload(pin.module, version);
    await copyVerified(join(dir, pin.dir), kubernetesDir, pin.files, `${pin.module}@${version}/${pin.dir}`);
  }
  const kubernetesEnums = await materialiseEnums(pin, version, cacheDir, log);
  const fluxDirs: FluxInput[] = [];
  for (const flux of manifest.flux) {
    const files = Object.keys(flux.files).sort();
    if (flux.source === "shared") {
      // The shared fallback is read in place and verified, never copied into the checkout.
      compareChecksums(sharedFluxDir, flux.files, await checksumFiles(sharedFluxDir, files));
      fluxDirs.push({ controller: flux.controller, version: flux.version, dir: sharedFluxDir, files });
      continue;
    }
    const dir = fluxCacheDir(cacheDir, flux);
    if (!(await cacheIsValid(dir, flux.files))) {
      log(`fetching ${flux.module}@${flux.version}`);
      const got = await goModDownload(flux.module, flux.version);
      await copyVerified(join(got.dir, flux.dir), dir, flux.files, `${flux.module}@${flux.version}/${flux.dir}`);
    }
    fluxDirs.push({ controller: flux.controller, version: flux.version, dir, files });
  }
  return { kubernetesVersion: version, kubernetesDir, kubernetesEnums, fluxDirs };
}

/** codegen/enums/, the Go program that reads the enums; its sources key the cache. */
const enumTool = join(repoRoot, "codegen", "enums");

/**
 * The enum table of a Kubernetes version: from the cache when the pinned file and the tool are
 * unchanged, else the pinned Go file is checked against its sha256 and read by codegen/enums/
 * (`go run`, standard library only).
 */
async function materialiseEnums(pin: KubernetesPin, version: string, cacheDir: string, log: (line: string) => void): Promise<string> {
  if (!pin.enums) {
    throw new ConfigError(`Kubernetes ${version} in specs/manifest.json pins no enum source; run \`npm run specs -- --kubernetes ${version}\` to pin it`);
  }
  const tool = sha256((await Promise.all(["go.mod", "main.go"].map((f) => readFile(join(enumTool, f), "utf8")))).join("\0"));
  const cached = join(cacheDir, "enums", `${version}-${pin.enums.sha256.slice(0, 16)}-${tool.slice(0, 16)}.json`);
  if (await readFile(cached, "utf8").then(() => true, () => false)) return cached;
  log(`reading enums of ${pin.module}@${version} (${pin.enums.file})`);
  const { dir } = await goModDownload(pin.module, version);
  const source = join(dir, pin.enums.file);
  compareChecksums(`${pin.module}@${version}`, { [pin.enums.file]: pin.enums.sha256 }, { [pin.enums.file]: sha256(await readFile(source)) });
  const json = await new Promise<string>((done, fail) => {
    execFile("go", ["run", ".", source], { cwd: enumTool, maxBuffer: 64 << 20 }, (error, out, err) =>
      error ? fail(new ConfigError(`codegen/enums failed on ${pin.enums?.file}: ${err || error.message}`)) : done(out),
    );
  });
  await mkdir(dirname(cached), { recursive: true });
  await writeFile(cached, json);
  return cached;
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return Object.fromEntries(entries.map(([k, v]) => [k, sortKeys(v)]));
  }
  return value;
}
