/**
 * File order for the contract suite: vitest's own (files that failed last first, then by cached
 * duration), except that the files that stop or restart the shared kube-apiserver run last.
 *
 * After a restart, every client of the control plane (kube-controller-manager, kube-scheduler,
 * kwok, the Flux controllers) reconnects with client-go's backoff, up to 30 s per watch and one
 * watch after another: a test run in that window waited a minute for a Kustomization to become
 * Ready (flux-gitops, run right after record-replay and leader-election, 1 December 2026).
 * Nothing else restarts the server, so the disruptive files go last and the rest see a settled
 * cluster whatever the cached order. A file is disruptive when it calls `controlApiserver(`.
 */
import { readFileSync } from "node:fs";
import { BaseSequencer, type TestSpecification } from "vitest/node";

/** Whether a test file stops or restarts the shared kube-apiserver. */
export function restartsApiServer(source: string): boolean {
  return source.includes("controlApiserver(");
}

/**
 * Moves the specs `disruptive` picks behind the others of their project, keeping the order within
 * each group.
 *
 * @example
 * disruptiveLast(["a", "b", "c"], (s) => s === "a", () => "p"); // ["b", "c", "a"]
 */
export function disruptiveLast<T>(specs: readonly T[], disruptive: (spec: T) => boolean, projectOf: (spec: T) => string): T[] {
  const projectRank = new Map<string, number>();
  for (const spec of specs) if (!projectRank.has(projectOf(spec))) projectRank.set(projectOf(spec), projectRank.size);
  return specs
    .map((spec, index) => ({ spec, index, rank: projectRank.get(projectOf(spec))!, last: disruptive(spec) ? 1 : 0 }))
    .sort((a, b) => a.rank - b.rank || a.last - b.last || a.index - b.index)
    .map((e) => e.spec);
}

export class ContractSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    return disruptiveLast(
      sorted,
      (spec) => spec.project.name === "contract" && restartsApiServer(readFileSync(spec.moduleId, "utf8")),
      (spec) => spec.project.name,
    );
  }
}
