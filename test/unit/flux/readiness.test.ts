import { describe, expect, test } from "vitest";
import {
  WAITING_REASONS,
  describeReadiness,
  evaluateReadiness,
  readinessOutcome,
  type FluxCondition,
  type FluxObjectLike,
  type ReadinessState,
} from "../../../src/flux/readiness.ts";

const cond = (type: string, status: FluxCondition["status"], reason = "R", message = "m", observedGeneration?: number): FluxCondition => ({
  type,
  status,
  reason,
  message,
  lastTransitionTime: "2025-01-01T00:00:00Z",
  ...(observedGeneration !== undefined ? { observedGeneration } : {}),
});
const obj = (generation: number, observedGeneration: number | undefined, conditions: FluxCondition[], kind = "GitRepository"): FluxObjectLike => ({
  kind,
  metadata: { generation },
  status: { ...(observedGeneration !== undefined ? { observedGeneration } : {}), conditions },
});

describe("evaluateReadiness", () => {
  const cases: [string, FluxObjectLike, ReadinessState, string | undefined][] = [
    ["no status at all", { kind: "GitRepository", metadata: { generation: 1 } }, "progressing", undefined],
    ["CRD default observedGeneration -1", obj(1, -1, [cond("Ready", "True", "Succeeded")]), "progressing", "Succeeded"],
    ["Ready=True for the current generation", obj(3, 3, [cond("Ready", "True", "Succeeded")]), "ready", "Succeeded"],
    ["Ready=True for an older generation", obj(3, 2, [cond("Ready", "True", "Succeeded")]), "progressing", "Succeeded"],
    ["Ready=True but the condition's own observedGeneration is stale", obj(3, 3, [cond("Ready", "True", "Succeeded", "m", 2)]), "progressing", "Succeeded"],
    ["Ready=True with matching condition observedGeneration", obj(3, 3, [cond("Ready", "True", "Succeeded", "m", 3)]), "ready", "Succeeded"],
    ["observed but no Ready condition", obj(1, 1, []), "progressing", undefined],
    ["Ready=Unknown while reconciling", obj(1, 1, [cond("Ready", "Unknown", "Progressing"), cond("Reconciling", "True", "Progressing")]), "progressing", "Progressing"],
    ["Ready=False for the current generation", obj(2, 2, [cond("Ready", "False", "GitOperationFailed")]), "failed", "GitOperationFailed"],
    ["Ready=False for an older generation", obj(2, 1, [cond("Ready", "False", "GitOperationFailed")]), "progressing", "GitOperationFailed"],
    ["Stalled=True wins over Ready=False", obj(2, 2, [cond("Ready", "False", "X"), cond("Stalled", "True", "InvalidURL")]), "stalled", "InvalidURL"],
    ["Stalled=True for an older generation is not current", obj(2, 2, [cond("Ready", "Unknown", "P"), cond("Stalled", "True", "InvalidURL", "m", 1)]), "progressing", "P"],
    ["Stalled=False is ignored", obj(2, 2, [cond("Ready", "True", "Succeeded"), cond("Stalled", "False", "X")]), "ready", "Succeeded"],
    ["Alert is static", { kind: "Alert", metadata: { generation: 1 } }, "static", undefined],
    ["Provider is static", { kind: "Provider" }, "static", undefined],
    ["HelmRepository of type oci is static", { kind: "HelmRepository", spec: { type: "oci" } }, "static", undefined],
    ["HelmRepository of type default is not", { kind: "HelmRepository", spec: { type: "default" }, metadata: { generation: 1 } }, "progressing", undefined],
  ];
  test.each(cases)("%s → %s", (_name, object, state, reason) => {
    const r = evaluateReadiness(object);
    expect(r.state).toBe(state);
    expect(r.reason).toBe(reason);
  });

  test("observed and reconciling flags", () => {
    const r = evaluateReadiness(obj(4, 4, [cond("Ready", "False", "AuthenticationFailed"), cond("Reconciling", "True", "ProgressingWithRetry")]));
    expect(r).toMatchObject({ state: "failed", observed: true, reconciling: true, message: "m" });
    expect(evaluateReadiness(obj(4, 3, [])).observed).toBe(false);
  });

  test("an unobserved object explains what it waits for", () => {
    expect(evaluateReadiness(obj(5, 4, [])).message).toBe("waiting for the controller to observe generation 5 (it has seen generation 4)");
    expect(evaluateReadiness(obj(1, -1, [])).message).toBe("waiting for the controller to observe generation 1 (it has seen nothing yet)");
  });

  test("Stalled message falls back to Ready's when empty", () => {
    const r = evaluateReadiness(obj(1, 1, [cond("Ready", "False", "X", "from ready"), cond("Stalled", "True", "Y", "")]));
    expect(r.message).toBe("from ready");
  });
});

describe("readinessOutcome", () => {
  const r = (state: ReadinessState, reason?: string) => ({ state, reason, message: undefined, observed: true, reconciling: false });
  const cases: [ReadinessState, string | undefined, "failure" | "stalled", "done" | "fail" | "wait"][] = [
    ["ready", "Succeeded", "failure", "done"],
    ["static", undefined, "stalled", "done"],
    ["progressing", "Progressing", "failure", "wait"],
    ["stalled", "InvalidURL", "failure", "fail"],
    ["stalled", "InvalidURL", "stalled", "fail"],
    ["failed", "GitOperationFailed", "failure", "fail"],
    ["failed", "GitOperationFailed", "stalled", "wait"],
    ["failed", undefined, "failure", "fail"],
  ];
  test.each(cases)("%s (%s) with failOn %s → %s", (state, reason, failOn, expected) => {
    expect(readinessOutcome(r(state, reason), failOn)).toBe(expected);
  });

  test.each([...WAITING_REASONS])("Ready=False %s keeps waiting: it waits on a dependency or source", (reason) => {
    expect(readinessOutcome(r("failed", reason), "failure")).toBe("wait");
  });
});

test("describeReadiness", () => {
  expect(describeReadiness(evaluateReadiness(obj(1, 1, [cond("Ready", "False", "AuthFailed", "bad creds")])))).toBe("Ready=False (AuthFailed): bad creds");
  expect(describeReadiness(evaluateReadiness({ kind: "Alert" }))).toBe("static (no reconciler)");
});
