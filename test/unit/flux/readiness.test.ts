import fc from "fast-check";
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
    // What source-controller writes while it retries a failing first clone: status.observedGeneration
    // stays at the CRD default, the conditions carry the generation they are about.
    [
      "Ready=False for the current generation by its own observedGeneration, status.observedGeneration still -1",
      obj(1, -1, [cond("Ready", "False", "GitOperationFailed", "m", 1), cond("Reconciling", "True", "ProgressingWithRetry", "m", 1)]),
      "failed",
      "GitOperationFailed",
    ],
    ["Ready=False by its own observedGeneration after an older success", obj(3, 2, [cond("Ready", "False", "GitOperationFailed", "m", 3)]), "failed", "GitOperationFailed"],
    ["Ready=False whose own observedGeneration is older", obj(3, 2, [cond("Ready", "False", "GitOperationFailed", "m", 2)]), "progressing", "GitOperationFailed"],
    ["Stalled=True by its own observedGeneration, status.observedGeneration behind", obj(2, 1, [cond("Stalled", "True", "InvalidURL", "m", 2)]), "stalled", "InvalidURL"],
    // HelmRepository: Ready=True for the generation a moment before the artifact and observedGeneration are written.
    ["Ready=True for the generation, results not recorded yet", obj(1, -1, [cond("Ready", "True", "Succeeded", "m", 1)]), "progressing", "Succeeded"],
    ["Ready=True by its own observedGeneration, status.observedGeneration an older one", obj(2, 1, [cond("Ready", "True", "Succeeded", "m", 2)]), "progressing", "Succeeded"],
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
    expect(evaluateReadiness(obj(2, 1, [cond("Ready", "True", "Succeeded", "m", 2)])).message).toBe(
      "Ready=True for generation 2, waiting for the controller to record its results (status.observedGeneration: generation 1)",
    );
  });

  test("a failing retry is failed but not observed, and reconciling", () => {
    const r = evaluateReadiness(obj(1, -1, [cond("Ready", "False", "GitOperationFailed", "authentication required", 1), cond("Reconciling", "True", "ProgressingWithRetry", "", 1)]));
    expect(r).toEqual({ state: "failed", reason: "GitOperationFailed", message: "authentication required", observed: false, reconciling: true });
    expect(readinessOutcome(r, "failure")).toBe("fail");
    expect(readinessOutcome(r, "stalled")).toBe("wait");
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

describe("evaluateReadiness properties", () => {
  const status = fc.constantFrom<FluxCondition["status"]>("True", "False", "Unknown");
  const generation = fc.integer({ min: 1, max: 5 });
  const conditionGen = fc.option(fc.integer({ min: 1, max: 5 }), { nil: undefined });
  const condition = (type: string) =>
    fc.option(
      fc.record({ status, gen: conditionGen }).map(({ status: s, gen }) => cond(type, s, `${type}Reason`, "m", gen)),
      { nil: undefined },
    );
  const object = fc
    .record({ generation, observed: fc.integer({ min: -1, max: 5 }), ready: condition("Ready"), stalled: condition("Stalled") })
    .map(({ generation: g, observed, ready, stalled }) => obj(g, observed, [ready, stalled].filter((c) => c !== undefined)));

  test("ready only with Ready=True and status.observedGeneration caught up", () => {
    fc.assert(
      fc.property(object, (o) => {
        if (evaluateReadiness(o).state !== "ready") return;
        expect(o.status?.observedGeneration).toBe(o.metadata?.generation);
        expect(o.status?.conditions?.find((c) => c.type === "Ready")?.status).toBe("True");
      }),
    );
  });

  test("a Ready=False stamped with the current generation is failed, whatever status.observedGeneration says", () => {
    fc.assert(
      fc.property(generation, fc.integer({ min: -1, max: 5 }), (g, observed) => {
        const r = evaluateReadiness(obj(g, observed, [cond("Ready", "False", "GitOperationFailed", "m", g)]));
        expect(r.state).toBe("failed");
        expect(r.observed).toBe(observed === g);
      }),
    );
  });

  test("a condition stamped with another generation never decides", () => {
    fc.assert(
      fc.property(generation, fc.integer({ min: -1, max: 5 }), status, (g, observed, s) => {
        const r = evaluateReadiness(obj(g, observed, [cond("Ready", s, "Old", "m", g + 1), cond("Stalled", "True", "Old", "m", g + 1)]));
        expect(r.state).toBe("progressing");
      }),
    );
  });
});
