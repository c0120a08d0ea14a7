import { AuthError, ConfigError } from "../../base/errors.ts";
import { abortReason } from "../../base/abort.ts";
import { isRecord } from "../../base/object.ts";
import { SecretValues, excerpt } from "../../base/secrets.ts";
import type { ConfigEnvironment } from "../environment.ts";
import { EXEC_API_VERSIONS, type ExecConfig, type ExecInteractiveMode } from "../kubeconfig.ts";
import { guardDescription } from "../redact.ts";
import type { AuthProvider, CredentialWait, Credentials } from "../types.ts";
import { decodeExecCredential } from "./exec-output.ts";
import { PluginStartError, runPlugin, type PluginOutcome, type StderrSink } from "./exec-run.ts";

/**
 * How long a plugin may run without a terminal: cloud plugins (aws, gke-gcloud-auth-plugin,
 * kubelogin with a cached token) answer in a second or two, so a minute means it is stuck.
 */
export const DEFAULT_EXEC_TIMEOUT_MS = 60_000;
/** How long an interactive plugin may run: kubelogin's own browser-login timeout (180 s). */
export const DEFAULT_INTERACTIVE_EXEC_TIMEOUT_MS = 180_000;

/** spec.cluster of the ExecCredential handed to a plugin in KUBERNETES_EXEC_INFO (kebab-case, as in client-go). */
export interface ExecClusterInfo {
  server: string;
  "tls-server-name"?: string;
  "insecure-skip-tls-verify"?: boolean;
  /** Base64 of the PEM CA bundle. */
  "certificate-authority-data"?: string;
  "proxy-url"?: string;
  "disable-compression"?: boolean;
  /** The cluster's extension named "client.authentication.k8s.io/exec". */
  config?: unknown;
}

/**
 * What an exec credential plugin provider needs: the plugin's kubeconfig block and the environment it runs in.
 */
export interface ExecAuthOptions {
  exec: ExecConfig;
  /** The kubeconfig user, for messages. */
  userName: string;
  /** Sent to the plugin when `exec.provideClusterInfo` is true. */
  cluster?: ExecClusterInfo;
  env: Pick<ConfigEnvironment, "env" | "now" | "isTerminal">;
  /** Where the plugin's stderr is shown live when it runs interactively. Default: process.stderr. */
  stderrSink?: StderrSink;
  /**
   * Kill the plugin (and what it started) after this many ms; 0: never. Default 60 s, or
   * 180 s when it runs interactively.
   */
  timeoutMs?: number;
}

const DEFAULT_HINT =
  "It looks like you are trying to use a client-go credential plugin that is not installed.\n\n" +
  "To learn more about this feature, consult the documentation available at:\n" +
  "      https://kubernetes.io/docs/reference/access-authn-authz/authentication/#client-go-credential-plugins";

interface Cached {
  credentials: Credentials;
  /** Epoch ms; undefined: valid until invalidated (client-go's rule when no expiry is given). */
  expiresAt: number | undefined;
}

/**
 * One plugin run and who waits for it: when every waiter with a signal has left, a run
 * without a terminal is killed. An interactive run (a person logging in) is left to finish,
 * up to its own timeout, so the next request finds the credential.
 */
interface Run {
  promise: Promise<Cached>;
  stop: AbortController;
  /** Waiters without a signal count forever. */
  waiters: number;
  interactive: boolean;
}

/**
 * A client-go credential plugin (kubeconfig `exec`, ExecCredential v1 or v1beta1). The
 * plugin's answer is cached until its expirationTimestamp; invalidate() runs it again once,
 * and concurrent callers share one run. A run is killed when it passes its timeout, or, when
 * it runs without a terminal, as soon as every caller waiting for it has given up (their
 * signals aborted); an interactive run is left to finish so the next request finds its answer. The env values given to
 * the plugin and every credential it prints are registered secrets: no error quotes them,
 * not even the plugin's own stderr.
 *
 * @example
 * const auth = new ExecAuth({ exec: { command: "aws", args: ["eks", "get-token"], apiVersion: "client.authentication.k8s.io/v1beta1" }, userName: "eks", env: configEnvironment() });
 * const { headers } = await auth.credentials();
 */
export class ExecAuth implements AuthProvider {
  readonly description: string;
  readonly #options: ExecAuthOptions;
  readonly #mode: ExecInteractiveMode;
  #cached: Cached | undefined;
  #running: Run | undefined;
  #runs = 0;
  readonly #secrets = new SecretValues();

  constructor(options: ExecAuthOptions) {
    const { exec, userName } = options;
    const where = `exec plugin of user "${userName}"`;
    if (!exec.command) throw new ConfigError(`${where}: command is required`);
    if (!exec.apiVersion) throw new ConfigError(`${where}: apiVersion is required`);
    if (!(EXEC_API_VERSIONS as readonly string[]).includes(exec.apiVersion)) {
      throw new ConfigError(`${where}: apiVersion "${exec.apiVersion}" is not supported (use one of ${EXEC_API_VERSIONS.join(", ")})`);
    }
    for (const v of exec.env ?? []) if (!v.name) throw new ConfigError(`${where}: every env entry needs a name`);
    // client-go defaults interactiveMode for v1beta1 only; v1 must say it.
    const mode = exec.interactiveMode ?? (exec.apiVersion.endsWith("/v1beta1") ? "IfAvailable" : undefined);
    if (!mode) throw new ConfigError(`${where}: interactiveMode must be specified (Never, IfAvailable or Always) for ${exec.apiVersion}`);
    this.#mode = mode;
    this.#options = options;
    (exec.env ?? []).forEach((v, i) => this.#secrets.add(v.value, `env${i}`));
    this.description = `exec ${exec.command}`;
    guardDescription(this, "ExecAuth");
  }

  /** How many times the plugin has been started (for tests and diagnostics). */
  get runs(): number {
    return this.#runs;
  }

  credentials(wait?: CredentialWait): Promise<Credentials> {
    const cached = this.#cached;
    if (cached && (cached.expiresAt === undefined || this.#options.env.now() < cached.expiresAt)) {
      return Promise.resolve(cached.credentials);
    }
    return this.#join(wait?.signal).then((c) => c.credentials);
  }

  /**
   * Drops the cached credential and runs the plugin again (once, however many callers
   * ask at the same time). Resolves true when the plugin answered something new; rejects
   * with AuthError when the plugin fails.
   */
  async invalidate(wait?: CredentialWait): Promise<boolean> {
    if (this.#running) {
      await this.#join(wait?.signal);
      return true;
    }
    const before = this.#cached;
    this.#cached = undefined;
    const after = await this.#join(wait?.signal);
    return before === undefined || JSON.stringify(before.credentials) !== JSON.stringify(after.credentials);
  }

  /** Waits for the current run (starting one if needed) until `signal` aborts. */
  #join(signal: AbortSignal | undefined): Promise<Cached> {
    let run = this.#running;
    if (!run) {
      const started = { stop: new AbortController(), waiters: 0, interactive: false } as Run;
      // #execute decides (and records) interactive before its first await.
      started.promise = this.#execute(started).finally(() => (this.#running = undefined));
      // Nobody may be left to observe a run killed because everyone left.
      started.promise.catch(() => undefined);
      this.#running = run = started;
    }
    const current = run;
    current.waiters++;
    if (!signal) return current.promise;
    return new Promise<Cached>((resolve, reject) => {
      const leave = (): void => {
        reject(abortReason(signal));
        if (--current.waiters === 0 && !current.interactive) current.stop.abort();
      };
      if (signal.aborted) return leave();
      signal.addEventListener("abort", leave, { once: true });
      current.promise.then(
        (v) => (signal.removeEventListener("abort", leave), resolve(v)),
        (e: unknown) => (signal.removeEventListener("abort", leave), reject(e)),
      );
    });
  }

  async #execute(run: Run): Promise<Cached> {
    const { exec, userName, env } = this.#options;
    const where = `exec plugin "${exec.command}" of user "${userName}"`;
    const interactive = this.#interactive(where);
    run.interactive = interactive;
    const info: Record<string, unknown> = { interactive };
    if (exec.provideClusterInfo && this.#options.cluster) info.cluster = this.#options.cluster;
    const execInfo = { apiVersion: exec.apiVersion, kind: "ExecCredential", spec: info };
    const childEnv: Record<string, string> = {};
    for (const [k, v] of Object.entries(env.env)) if (v !== undefined) childEnv[k] = v;
    for (const v of exec.env ?? []) childEnv[v.name] = v.value;
    childEnv.KUBERNETES_EXEC_INFO = JSON.stringify(execInfo);

    this.#runs++;
    const timeoutMs = this.#options.timeoutMs ?? (interactive ? DEFAULT_INTERACTIVE_EXEC_TIMEOUT_MS : DEFAULT_EXEC_TIMEOUT_MS);
    let outcome: PluginOutcome;
    try {
      outcome = await runPlugin({
        command: exec.command,
        args: exec.args ?? [],
        env: childEnv,
        interactive,
        timeoutMs,
        signal: run.stop.signal,
        ...(this.#options.stderrSink ? { stderrSink: this.#options.stderrSink } : {}),
      });
    } catch (e) {
      if (e instanceof PluginStartError && e.code === "ENOENT") {
        const hint = exec.installHint ? `${DEFAULT_HINT}\n\n${exec.installHint}` : DEFAULT_HINT;
        throw new AuthError(`${where}: executable not found\n\n${hint}`, {}, { cause: e });
      }
      const known = e instanceof PluginStartError && e.code !== undefined && ["EACCES", "ETIMEDOUT", "ABORT_ERR", "EOVERFLOW"].includes(e.code);
      const reason = e instanceof PluginStartError && e.code === "EACCES" ? "is not executable" : known ? (e as Error).message : `could not run: ${(e as Error).message}`;
      throw new AuthError(`${where} ${reason}`, {}, { cause: e });
    }
    // Whatever it printed may hold a credential, even when it failed: known before any message.
    this.#registerOutput(outcome.stdout);
    if (outcome.code !== 0) {
      const how = outcome.signal ? `was killed by ${outcome.signal}` : `failed with exit code ${outcome.code}`;
      // Scrubbed before it is cut, so the cut cannot leave half a token behind.
      const stderr = excerpt(outcome.stderr.trim(), 4 * 1024, "end");
      throw new AuthError(`${where} ${how}${stderr ? `; its stderr:\n${stderr}` : " (no stderr)"}`);
    }
    const decoded = decodeExecCredential(outcome.stdout, exec.apiVersion, where);
    const credentials: Credentials = { headers: {} };
    if (decoded.token) credentials.headers.authorization = `Bearer ${decoded.token}`;
    if (decoded.clientCertificate) credentials.clientCertificate = decoded.clientCertificate;
    const cached: Cached = { credentials, expiresAt: decoded.expiresAt };
    this.#cached = cached;
    return cached;
  }

  /** Registers the credential fields of whatever ExecCredential-like JSON the plugin printed. */
  #registerOutput(stdout: string): void {
    let doc: unknown;
    try {
      doc = JSON.parse(stdout);
    } catch {
      return;
    }
    const status = isRecord(doc) ? doc.status : undefined;
    if (!isRecord(status)) return;
    if (typeof status.token === "string") this.#secrets.add(status.token, "token");
    if (typeof status.clientKeyData === "string") this.#secrets.addPem(status.clientKeyData, "key");
  }

  #interactive(where: string): boolean {
    if (this.#mode === "Never") return false;
    const tty = this.#options.env.isTerminal();
    if (this.#mode === "Always" && !tty) {
      throw new AuthError(`${where} needs an interactive terminal (interactiveMode: Always), but standard input is not a terminal`);
    }
    return tty;
  }
}
