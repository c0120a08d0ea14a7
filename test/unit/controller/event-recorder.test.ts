import { describe, expect, it } from "vitest";
import { TransportError, ValidationError } from "../../../src/base/errors.ts";
import { eventRecorder } from "../../../src/controller/event-recorder.ts";
import { microTime, objectReference } from "../../../src/controller/object-reference.ts";
import { FakeClock } from "../runtime/fake-clock.ts";
import { FakeCluster } from "./fake-cluster.ts";

const EVENTS = "/apis/events.k8s.io/v1/events";
const pod = { apiVersion: "v1", kind: "Pod", metadata: { name: "web-0", namespace: "prod", uid: "u1", resourceVersion: "9" } };
const node = { apiVersion: "v1", kind: "Node", metadata: { name: "n1", uid: "u2" } };
const secret = { apiVersion: "v1", kind: "Secret", metadata: { name: "db", namespace: "prod", uid: "u3" } };

function setup(options: Partial<Parameters<typeof eventRecorder>[1]> = {}) {
  const clock = new FakeClock({ settle: "macrotask" });
  const cluster = new FakeCluster();
  let wall = Date.UTC(2026, 0, 1, 12, 0, 0);
  const recorder = eventRecorder(cluster, {
    reportingController: "example.com/mirror",
    reportingInstance: "mirror-0",
    clock,
    now: () => new Date(wall),
    ...options,
  });
  const events = () => cluster.list(EVENTS);
  return { clock, cluster, recorder, events, tick: (ms: number) => (wall += ms) };
}

describe("object references and MicroTime", () => {
  it("leave resourceVersion out, and write six fractional digits", () => {
    expect(objectReference(pod)).toEqual({ apiVersion: "v1", kind: "Pod", namespace: "prod", name: "web-0", uid: "u1" });
    expect(objectReference(node)).toEqual({ apiVersion: "v1", kind: "Node", name: "n1", uid: "u2" });
    expect(() => objectReference({})).toThrow(ValidationError);
    expect(microTime(new Date(Date.UTC(2026, 0, 2, 3, 4, 5, 67)))).toBe("2026-01-02T03:04:05.067000Z");
  });
});

describe("event recorder", () => {
  it("creates an events.k8s.io/v1 Event with the reporting fields, regarding and related", async () => {
    const { recorder, events } = setup();
    await recorder.record(pod, { type: "Normal", reason: "Mirrored", action: "Copy", note: "copied", related: secret });
    const [e] = events();
    expect(e).toMatchObject({
      apiVersion: "events.k8s.io/v1",
      kind: "Event",
      metadata: { namespace: "prod" },
      eventTime: "2026-01-01T12:00:00.000000Z",
      reportingController: "example.com/mirror",
      reportingInstance: "mirror-0",
      action: "Copy",
      reason: "Mirrored",
      type: "Normal",
      note: "copied",
      regarding: { kind: "Pod", name: "web-0", namespace: "prod", uid: "u1" },
      related: { kind: "Secret", name: "db", uid: "u3" },
    });
    expect(e!.metadata!.name).toMatch(/^web-0\.[0-9a-f]+$/);
    expect(e!.series).toBeUndefined();
    // A cluster-scoped object's events go to "default".
    await recorder.record(node, { type: "Warning", reason: "Full", action: "Check" });
    expect(events().find((x) => (x.regarding as { name: string }).name === "n1")!.metadata!.namespace).toBe("default");
    expect(recorder.stats).toMatchObject({ created: 2, seriesUpdates: 0, aggregated: 0 });
  });

  it("aggregates repeats into an EventSeries: count 2 at once, later counts on the heartbeat, the finish, or flush", async () => {
    const { recorder, events, clock, tick } = setup({ seriesRefreshMs: 60_000, seriesFinishMs: 120_000 });
    const again = (note: string) => recorder.record(pod, { type: "Warning", reason: "SourceMissing", action: "Copy", note });
    await again("first");
    tick(1000);
    await again("second, other note: still the same series");
    expect(events()).toHaveLength(1);
    expect(events()[0]!.series).toEqual({ count: 2, lastObservedTime: "2026-01-01T12:00:01.000000Z" });
    for (let i = 0; i < 5; i++) {
      tick(1000);
      await again(`repeat ${i}`);
    }
    // Counted locally: the server still says 2.
    expect(events()[0]!.series).toMatchObject({ count: 2 });
    expect(recorder.stats).toMatchObject({ created: 1, seriesUpdates: 1, aggregated: 5 });
    await clock.advance(60_000);
    expect(events()[0]!.series).toEqual({ count: 7, lastObservedTime: "2026-01-01T12:00:06.000000Z" });
    // A different reason is another series; so is another regarding object.
    await recorder.record(pod, { type: "Warning", reason: "Other", action: "Copy" });
    await recorder.record(secret, { type: "Warning", reason: "SourceMissing", action: "Copy" });
    expect(events()).toHaveLength(3);
    tick(1000);
    await again("one more");
    await recorder.close();
    expect(events().find((e) => e.reason === "SourceMissing" && (e.regarding as { name: string }).name === "web-0")!.series).toMatchObject({ count: 8 });
    await recorder.record(pod, { type: "Normal", reason: "AfterClose", action: "X" });
    expect(events()).toHaveLength(3);
  });

  it("a series whose event vanished is created again, series included", async () => {
    const { recorder, events, cluster } = setup();
    await recorder.record(pod, { type: "Normal", reason: "R", action: "A" });
    const name = events()[0]!.metadata!.name!;
    await cluster.send({ method: "DELETE", path: `/apis/events.k8s.io/v1/namespaces/prod/events/${name}` });
    await recorder.record(pod, { type: "Normal", reason: "R", action: "A" });
    expect(events()).toHaveLength(1);
    expect(events()[0]!.series).toMatchObject({ count: 2 });
    expect(recorder.stats.created).toBe(2);
  });

  it("rate-limits writes per regarding object: a hot loop cannot flood the server", async () => {
    const { recorder, events, cluster, clock } = setup({ rateLimit: { burst: 3, qps: 1 / 60 } });
    for (let i = 0; i < 50; i++) await recorder.record(pod, { type: "Normal", reason: `R${i}`, action: "Loop" });
    expect(events()).toHaveLength(3);
    expect(recorder.stats.dropped).toBe(47);
    // Another object has its own bucket.
    await recorder.record(secret, { type: "Normal", reason: "R0", action: "Loop" });
    expect(events()).toHaveLength(4);
    // The bucket refills with time.
    await clock.advance(60_000);
    await recorder.record(pod, { type: "Normal", reason: "Later", action: "Loop" });
    expect(events()).toHaveLength(5);
    expect(cluster.requests.filter((r) => r.method === "POST")).toHaveLength(5);
    await recorder.close();
  });

  it("rate-limits the whole recorder too: a hot loop over many objects is capped as well", async () => {
    const { recorder, events, clock } = setup({ overallRateLimit: { burst: 10, qps: 2 } });
    const many = Array.from({ length: 40 }, (_, i) => ({ apiVersion: "v1", kind: "Pod", metadata: { name: `p${i}`, namespace: "prod", uid: `p${i}` } }));
    for (const p of many) await recorder.record(p, { type: "Normal", reason: "Hot", action: "Loop" });
    expect(events()).toHaveLength(10);
    expect(recorder.stats.dropped).toBe(30);
    // A refusal by the recorder-wide bucket does not spend the object's own tokens.
    await clock.advance(500);
    await recorder.record(many[39]!, { type: "Normal", reason: "Other", action: "Loop" });
    expect(events()).toHaveLength(11);
    await recorder.close();
  });

  it("remembers at most maxTracked series, the least recently used forgotten first (with its last count written)", async () => {
    const { recorder, events } = setup({ maxTracked: 2, rateLimit: false, overallRateLimit: false });
    for (let i = 0; i < 3; i++) await recorder.record(pod, { type: "Normal", reason: "A", action: "X" });
    await recorder.record(pod, { type: "Normal", reason: "B", action: "X" });
    // Touch A so that B is the oldest, then a third key evicts B, not A.
    await recorder.record(pod, { type: "Normal", reason: "A", action: "X" });
    await recorder.record(pod, { type: "Normal", reason: "C", action: "X" });
    await recorder.record(pod, { type: "Normal", reason: "A", action: "X" });
    // A's fifth occurrence is only counted locally; touching C makes A the oldest, and D evicts it.
    await recorder.record(pod, { type: "Normal", reason: "C", action: "X" });
    await recorder.record(pod, { type: "Normal", reason: "D", action: "X" });
    const byReason = (r: string) => events().filter((e) => e.reason === r);
    await recorder.flush();
    expect(byReason("A")).toHaveLength(1);
    expect(byReason("A")[0]!.series).toMatchObject({ count: 5 });
    // B was forgotten: its next occurrence starts a new Event.
    await recorder.record(pod, { type: "Normal", reason: "B", action: "X" });
    expect(byReason("B")).toHaveLength(2);
    // So was A: it starts afresh too.
    await recorder.record(pod, { type: "Normal", reason: "A", action: "X" });
    expect(byReason("A")).toHaveLength(2);
    expect(byReason("A")[0]!.series).toMatchObject({ count: 5 });
    await recorder.close();
  });

  it("never rejects: refusals and unreachable servers go to onError; an unreachable series is retried later", async () => {
    const errors: string[] = [];
    const { recorder, events, cluster } = setup({ onError: (e) => errors.push(e.constructor.name) });
    cluster.intercept = () => {
      throw new TransportError("connection refused", {}, { code: "ECONNREFUSED" });
    };
    await recorder.record(pod, { type: "Normal", reason: "R", action: "A" });
    expect(errors).toEqual(["TransportError"]);
    cluster.intercept = undefined;
    await recorder.flush();
    expect(events()).toHaveLength(0);
    await recorder.record(pod, { type: "Normal", reason: "R", action: "A" });
    expect(events()).toHaveLength(1);
    expect(events()[0]!.series).toMatchObject({ count: 2 });
    expect(() => recorder.record(pod, { type: "Info" as "Normal", reason: "R", action: "A" })).toThrow(ValidationError);
    expect(() => recorder.record(pod, { type: "Normal", reason: "x".repeat(129), action: "A" })).toThrow(/reason/);
    await recorder.close();
  });
});
