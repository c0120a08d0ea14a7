/**
 * What every hostile test file shares: a throwaway PKI and temp folder, kubeconfigs that
 * point at the loopback servers, exec plugins as shell scripts, the secret search over
 * every printed form of an error, and the results table (case, runtime, outcome, peak RSS,
 * time) each file appends to .cache/hostile/results-<runtime>.jsonl and prints.
 */
import { randomBytes } from "node:crypto";
import { appendFileSync, existsSync, mkdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { expect } from "vitest";
import { createLoopbackPki, type LoopbackPki } from "../support/loopback-pki.ts";
import { tempDir, type TempDir } from "../unit/config/fixtures/temp-files.ts";
import { runtime, type ChildRun } from "./child-runner.ts";

const repo = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
export const RESULTS_DIR = join(repo, ".cache", "hostile");

export interface Bench {
  pki: LoopbackPki;
  t: TempDir;
  /** Writes a kubeconfig with one context; `cluster` defaults to a CA the PKI signed. */
  kubeconfig(name: string, server: string, user: Record<string, unknown>, cluster?: Record<string, unknown>): string;
  /** Writes an executable #!/bin/sh script. */
  script(name: string, body: string): string;
  remove(): void;
}

/** @example const bench = hostileBench(); afterAll(() => bench.remove()); */
export function hostileBench(): Bench {
  const pki = createLoopbackPki();
  const t = tempDir("bun-k8s-hostile-");
  return {
    pki,
    t,
    kubeconfig(name, server, user, cluster) {
      const doc = {
        apiVersion: "v1",
        kind: "Config",
        "current-context": "hostile",
        clusters: [{ name: "loopback", cluster: { server, ...(cluster ?? { "certificate-authority-data": b64(pki.ca) }) } }],
        users: [{ name: "me", user }],
        contexts: [{ name: "hostile", context: { cluster: "loopback", user: "me" } }],
      };
      return t.write(`${name}.kubeconfig`, JSON.stringify(doc));
    },
    script: (name, body) => t.script(`bin/${name}`, body),
    remove() {
      t.remove();
      pki.remove();
    },
  };
}

export const b64 = (s: string): string => Buffer.from(s).toString("base64");

/** A kubeconfig user of the legacy OIDC auth-provider, trusting the bench's CA for the issuer. */
export function oidcUser(bench: Pick<Bench, "pki">, issuerUrl: string, config: { clientSecret: string; refreshToken: string; idToken?: string }): Record<string, unknown> {
  return {
    "auth-provider": {
      name: "oidc",
      config: {
        "idp-issuer-url": issuerUrl,
        "idp-certificate-authority-data": b64(bench.pki.ca),
        "client-id": "kube",
        "client-secret": config.clientSecret,
        "refresh-token": config.refreshToken,
        ...(config.idToken !== undefined && { "id-token": config.idToken }),
      },
    },
  };
}

/** A fresh secret-looking value, so a match can only come from this run. */
export const secret = (label: string): string => `${label}-${randomBytes(16).toString("hex")}`;

/** The error the child reported (fails the test when the call succeeded or the child crashed). */
export function failed(run: ChildRun): NonNullable<NonNullable<ChildRun["result"]>["error"]> {
  expect(run.crash, run.crash).toBeUndefined();
  expect(run.result?.ok, JSON.stringify(run.result?.value)).toBe(false);
  return run.result!.error!;
}

/** None of `secrets` appears in any printed form (message, stack, String, inspect, console.dir, JSON). */
export function expectNoSecrets(printed: Record<string, string>, secrets: readonly string[]): void {
  expect(secrets.length).toBeGreaterThan(0);
  expect(Object.keys(printed).sort()).toEqual(["dir", "inspect", "json", "message", "stack", "string"]);
  for (const [form, text] of Object.entries(printed)) {
    const leaked = secrets.filter((s) => text.includes(s));
    expect(leaked, `${form} leaks ${leaked.length} secret(s)`).toEqual([]);
  }
}

export interface Row {
  case: string;
  runtime: string;
  outcome: string;
  peakRssMiB: number;
  ms: number;
}

const rows: Row[] = [];

/** Adds a case to the table: what the call ended with, the child's peak RSS and the call's time. */
export function record(name: string, run: ChildRun, outcome?: string): void {
  const result = run.result;
  const ended = outcome ?? (result?.ok ? "ok" : result?.error ? `${result.error.name}${result.error.code ? ` ${String(result.error.code)}` : ""}` : `crash: ${run.crash}`);
  const row = { case: name, runtime, outcome: ended, peakRssMiB: run.peakRssMiB, ms: result?.elapsedMs ?? run.wallMs };
  rows.push(row);
  mkdirSync(RESULTS_DIR, { recursive: true });
  appendFileSync(join(RESULTS_DIR, `results-${runtime}.jsonl`), `${JSON.stringify(row)}\n`);
}

/** Prints this file's rows (the whole table is in RESULTS_DIR). */
export function printTable(): void {
  if (rows.length === 0) return;
  const lines = rows.map((r) => `| ${r.case} | ${r.runtime} | ${r.outcome} | ${r.peakRssMiB} | ${r.ms} |`);
  console.info(["| case | runtime | outcome | peak RSS MiB | ms |", "|---|---|---|---|---|", ...lines].join("\n"));
}

/** Alive: in /proc and not a zombie (a killed process its parent has not reaped yet is dead). */
export function alive(pid: number): boolean {
  const stat = `/proc/${pid}/stat`;
  if (!existsSync(stat)) return false;
  try {
    return readFileSync(stat, "utf8").split(") ")[1]?.[0] !== "Z";
  } catch {
    return false;
  }
}

export async function until(check: () => boolean, ms = 3_000): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, 25));
  }
  return check();
}
