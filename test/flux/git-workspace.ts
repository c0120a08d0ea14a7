/**
 * A local Git working copy that pushes to the loopback Git server, for tests that need a
 * new commit for Flux to find. Uses the git CLI; the credentials travel in the environment
 * (an Authorization header in GIT_CONFIG_*), never in argv or in the remote URL.
 */
import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

export interface GitRemote {
  /** The server's base URL, https://127.0.0.1:PORT. */
  url: string;
  username: string;
  password: string;
  caFile: string;
}

export class GitWorkspace {
  /** The repository's URL on the server, as a GitRepository's spec.url. */
  readonly url: string;
  /** The local working copy. */
  readonly dir: string;
  readonly branch: string;
  private readonly env: Record<string, string>;

  private constructor(url: string, dir: string, branch: string, env: Record<string, string>) {
    this.url = url;
    this.dir = dir;
    this.branch = branch;
    this.env = env;
  }

  /**
   * An empty working copy whose `origin` is `repoPath` on the server (created there by the
   * first push).
   *
   * @example
   * const repo = await GitWorkspace.create(cluster.flux.git, "team/app");
   * const sha = await repo.commitAndPush({ "deploy/cm.yaml": text }, "first");
   */
  static async create(remote: GitRemote, repoPath: string, branch = "main"): Promise<GitWorkspace> {
    const url = `${remote.url}/${repoPath.replace(/^\/+|\.git$/g, "")}.git`;
    const dir = mkdtempSync(join(tmpdir(), "bun-k8s-git-"));
    const basic = Buffer.from(`${remote.username}:${remote.password}`).toString("base64");
    const env = {
      GIT_CONFIG_NOSYSTEM: "1",
      GIT_CONFIG_GLOBAL: "/dev/null",
      GIT_TERMINAL_PROMPT: "0",
      GIT_CONFIG_COUNT: "1",
      GIT_CONFIG_KEY_0: "http.extraHeader",
      GIT_CONFIG_VALUE_0: `Authorization: Basic ${basic}`,
      // The variable, not http.sslCAInfo: a GIT_SSL_CAINFO inherited from the machine would win.
      GIT_SSL_CAINFO: remote.caFile,
      GIT_AUTHOR_NAME: "bun-k8s test",
      GIT_AUTHOR_EMAIL: "test@bun-k8s.invalid",
      GIT_COMMITTER_NAME: "bun-k8s test",
      GIT_COMMITTER_EMAIL: "test@bun-k8s.invalid",
    };
    const workspace = new GitWorkspace(url, dir, branch, env);
    await workspace.git("init", "--quiet", "--initial-branch", branch);
    await workspace.git("remote", "add", "origin", url);
    return workspace;
  }

  /**
   * Writes `files` (path → content; null deletes), commits everything and pushes; returns
   * the new commit's SHA-1, as Flux reports it in `<branch>@sha1:<sha>`.
   */
  async commitAndPush(files: Record<string, string | null>, message: string): Promise<string> {
    for (const [path, content] of Object.entries(files)) {
      const file = join(this.dir, path);
      if (content === null) rmSync(file, { force: true });
      else {
        mkdirSync(dirname(file), { recursive: true });
        writeFileSync(file, content);
      }
    }
    await this.git("add", "--all");
    await this.git("commit", "--quiet", "--allow-empty", "-m", message);
    await this.git("push", "--quiet", "origin", `HEAD:refs/heads/${this.branch}`);
    return (await this.git("rev-parse", "HEAD")).trim();
  }

  /** Removes the local working copy (the server keeps the repository). */
  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }

  private git(...args: string[]): Promise<string> {
    return new Promise((resolve, reject) => {
      execFile("git", args, { cwd: this.dir, env: { ...process.env, ...this.env }, timeout: 30_000 }, (error, stdout, stderr) => {
        // The header holds the password: keep it out of any error we raise.
        if (error) reject(new Error(`git ${args[0]} failed in ${this.dir}: ${stderr.trim() || error.message}`));
        else resolve(stdout);
      });
    });
  }
}
