import { AuthError, ConfigError } from "../../base/errors.ts";
import type { ConfigEnvironment } from "../environment.ts";
import { EXEC_API_VERSIONS, type ExecConfig, type ExecInteractiveMode } from "../kubeconfig.ts";
import { guardDescription } from "../redact.ts";
import type { AuthProvider, Credentials } from "../types.ts";
import { decodeExecCredential } from "./exec-output.ts";
import { PluginStartError, runPlugin, type StderrSink } from "./exec-run.ts";

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
 * A client-go credential plugin (kubeconfig `exec`, ExecCredential v1 or v1beta1). The
 * plugin's answer is cached until its expirationTimestamp; invalidate() runs it again once,
 * and concurrent callers share one run.
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
  #running: Promise<Cached> | undefined;
  #runs = 0;

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
    this.description = `exec ${exec.command}`;
    guardDescription(this, "ExecAuth");
  }

  /** How many times the plugin has been started (for tests and diagnostics). */
  get runs(): number {
    return this.#runs;
  }

  credentials(): Promise<Credentials> {
    const cached = this.#cached;
    if (cached && (cached.expiresAt === undefined || this.#options.env.now() < cached.expiresAt)) {
      return Promise.resolve(cached.credentials);
    }
    return this.#run().then((c) => c.credentials);
  }

  /**
   * Drops the cached credential and runs the plugin again (once, however many callers
   * ask at the same time). Resolves true when the plugin answered something new; rejects
   * with AuthError when the plugin fails.
   */
  async invalidate(): Promise<boolean> {
    if (this.#running) {
      await this.#running;
      return true;
    }
    const before = this.#cached;
    this.#cached = undefined;
    const after = await this.#run();
    return before === undefined || JSON.stringify(before.credentials) !== JSON.stringify(after.credentials);
  }

  #run(): Promise<Cached> {
    this.#running ??= this.#execute().finally(() => (this.#running = undefined));
    return this.#running;
  }

  async #execute(): Promise<Cached> {
    const { exec, userName, env } = this.#options;
    const where = `exec plugin "${exec.command}" of user "${userName}"`;
    const interactive = this.#interactive(where);
    const info: Record<string, unknown> = { interactive };
    if (exec.provideClusterInfo && this.#options.cluster) info.cluster = this.#options.cluster;
    const execInfo = { apiVersion: exec.apiVersion, kind: "ExecCredential", spec: info };
    const childEnv: Record<string, string> = {};
    for (const [k, v] of Object.entries(env.env)) if (v !== undefined) childEnv[k] = v;
    for (const v of exec.env ?? []) childEnv[v.name] = v.value;
    childEnv.KUBERNETES_EXEC_INFO = JSON.stringify(execInfo);

    this.#runs++;
    let outcome;
    try {
      outcome = await runPlugin({
        command: exec.command,
        args: exec.args ?? [],
        env: childEnv,
        interactive,
        ...(this.#options.stderrSink ? { stderrSink: this.#options.stderrSink } : {}),
      });
    } catch (e) {
      if (e instanceof PluginStartError && e.code === "ENOENT") {
        const hint = exec.installHint ? `${DEFAULT_HINT}\n\n${exec.installHint}` : DEFAULT_HINT;
        throw new AuthError(`${where}: executable not found\n\n${hint}`, {}, { cause: e });
      }
      const reason = e instanceof PluginStartError && e.code === "EACCES" ? "is not executable" : `could not run: ${(e as Error).message}`;
      throw new AuthError(`${where} ${reason}`, {}, { cause: e });
    }
    if (outcome.code !== 0) {
      const how = outcome.signal ? `was killed by ${outcome.signal}` : `failed with exit code ${outcome.code}`;
      const stderr = outcome.stderr.trim();
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

  #interactive(where: string): boolean {
    if (this.#mode === "Never") return false;
    const tty = this.#options.env.isTerminal();
    if (this.#mode === "Always" && !tty) {
      throw new AuthError(`${where} needs an interactive terminal (interactiveMode: Always), but standard input is not a terminal`);
    }
    return tty;
  }
}
