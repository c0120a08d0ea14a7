/**
 * Helm charts for the loopback chart repository, made without the helm CLI: a chart is a
 * gzipped tar (ustar) of CHART/Chart.yaml, CHART/values.yaml and CHART/templates/*, and a
 * repository is a folder with index.yaml listing each archive with its sha256 digest.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import yaml from "js-yaml";

export interface ChartSource {
  name: string;
  /** SemVer, e.g. "0.1.0". */
  version: string;
  appVersion?: string;
  description?: string;
  /** File name under templates/ → template text. */
  templates: Record<string, string>;
  values?: Record<string, unknown>;
}

const BLOCK = 512;
/** Fixed, so that the same chart always packs to the same bytes (and digest). */
const MTIME = 1_700_000_000;

function octal(value: number, width: number): string {
  return value.toString(8).padStart(width - 1, "0") + "\0";
}

/** One ustar header block for a regular file. */
function tarHeader(path: string, size: number): Buffer {
  const name = Buffer.from(path, "utf8");
  if (name.length > 100) throw new Error(`tar entry name longer than 100 bytes: ${path}`);
  const header = Buffer.alloc(BLOCK);
  name.copy(header, 0);
  header.write(octal(0o644, 8), 100, "ascii");
  header.write(octal(0, 8), 108, "ascii");
  header.write(octal(0, 8), 116, "ascii");
  header.write(octal(size, 12), 124, "ascii");
  header.write(octal(MTIME, 12), 136, "ascii");
  header.write("        ", 148, "ascii"); // the checksum counts its own field as spaces
  header.write("0", 156, "ascii");
  header.write("ustar\0" + "00", 257, "ascii");
  let sum = 0;
  for (const byte of header) sum += byte;
  header.write(sum.toString(8).padStart(6, "0") + "\0 ", 148, "ascii");
  return header;
}

/**
 * A gzipped tar of `files` (path → content), in the given order.
 *
 * @example writeFileSync("a.tgz", tarGz({ "a/hello.txt": "hi\n" }));
 */
export function tarGz(files: Record<string, string>): Buffer {
  const parts: Buffer[] = [];
  for (const [path, content] of Object.entries(files)) {
    const data = Buffer.from(content, "utf8");
    parts.push(tarHeader(path, data.length), data, Buffer.alloc((BLOCK - (data.length % BLOCK)) % BLOCK));
  }
  parts.push(Buffer.alloc(2 * BLOCK)); // end of archive
  return gzipSync(Buffer.concat(parts));
}

/**
 * The chart's archive, as `helm package` would lay it out.
 *
 * @example const tgz = chartArchive({ name: "web", version: "0.1.0", templates: { "cm.yaml": "..." } });
 */
export function chartArchive(chart: ChartSource): Buffer {
  const meta = {
    apiVersion: "v2",
    name: chart.name,
    version: chart.version,
    type: "application",
    ...(chart.appVersion ? { appVersion: chart.appVersion } : {}),
    ...(chart.description ? { description: chart.description } : {}),
  };
  const files: Record<string, string> = {
    [`${chart.name}/Chart.yaml`]: yaml.dump(meta),
    [`${chart.name}/values.yaml`]: yaml.dump(chart.values ?? {}),
  };
  for (const [file, text] of Object.entries(chart.templates)) files[`${chart.name}/templates/${file}`] = text;
  return tarGz(files);
}

interface IndexEntry {
  apiVersion: string;
  name: string;
  version: string;
  appVersion?: string;
  description?: string;
  digest: string;
  urls: string[];
  created: string;
}

interface RepositoryIndex {
  apiVersion: "v1";
  entries: Record<string, IndexEntry[]>;
  generated: string;
}

/**
 * Packs `chart` into `repoDir/charts/` and lists it in `repoDir/index.yaml` (the latest
 * published first; source-controller picks versions by SemVer, not by order); returns the
 * archive's sha256. The index is replaced whole, so a server never serves half of it.
 *
 * @example const digest = publishChart(cluster.flux.helm.dir, { name: "web", version: "0.1.0", templates });
 */
export function publishChart(repoDir: string, chart: ChartSource): string {
  const archive = chartArchive(chart);
  const digest = createHash("sha256").update(archive).digest("hex");
  const file = `${chart.name}-${chart.version}.tgz`;
  mkdirSync(join(repoDir, "charts"), { recursive: true });
  writeFileSync(join(repoDir, "charts", file), archive);

  const indexPath = join(repoDir, "index.yaml");
  const index: RepositoryIndex = existsSync(indexPath)
    ? (yaml.load(readFileSync(indexPath, "utf8")) as RepositoryIndex)
    : { apiVersion: "v1", entries: {}, generated: "" };
  const now = new Date().toISOString();
  const entry: IndexEntry = {
    apiVersion: "v2",
    name: chart.name,
    version: chart.version,
    ...(chart.appVersion ? { appVersion: chart.appVersion } : {}),
    ...(chart.description ? { description: chart.description } : {}),
    digest,
    urls: [`charts/${file}`],
    created: now,
  };
  const others = (index.entries[chart.name] ?? []).filter((e) => e.version !== chart.version);
  index.entries[chart.name] = [entry, ...others];
  index.generated = now;
  writeFileSync(`${indexPath}.tmp`, yaml.dump(index));
  renameSync(`${indexPath}.tmp`, indexPath);
  return digest;
}
