import { expect, test } from "vitest";
import { KubeError } from "../../../src/base/errors.ts";
import { FluxNotReadyError, FluxSuspendedError } from "../../../src/flux/errors.ts";

const repo = { kind: "GitRepository", name: "podinfo", namespace: "flux-system" };

test.each([
  [{ reason: "GitOperationFailed", message: "auth required", stalled: false }, "GitRepository flux-system/podinfo is not ready: Ready=False (GitOperationFailed): auth required"],
  [{ reason: "InvalidURL", message: "bad scheme", stalled: true }, "GitRepository flux-system/podinfo is not ready: Stalled=True (InvalidURL): bad scheme"],
  [{ reason: undefined, message: undefined, stalled: false }, "GitRepository flux-system/podinfo is not ready: Ready=False (Unknown)"],
])("FluxNotReadyError %j", (condition, message) => {
  const e = new FluxNotReadyError(repo, condition);
  expect(e).toBeInstanceOf(KubeError);
  expect(e.name).toBe("FluxNotReadyError");
  expect(e.message).toBe(message);
  expect(e.reason).toBe(condition.reason ?? "Unknown");
  expect(e.conditionMessage).toBe(condition.message ?? "");
  expect(e.stalled).toBe(condition.stalled);
  expect(e.object).toEqual(repo);
});

test("FluxSuspendedError says what could not be done and why", () => {
  const e = new FluxSuspendedError(repo, "reconcile");
  expect(e).toBeInstanceOf(KubeError);
  expect(e.message).toBe("cannot reconcile GitRepository flux-system/podinfo: it is suspended (resume it first)");
});
