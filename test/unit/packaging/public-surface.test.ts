/**
 * The public surface of each entry point, name by name (types included, read with the
 * TypeScript checker). A new export makes this test fail until it is added here: growth is a
 * decision, not an accident.
 */
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { collectImports } from "../architecture/layers.ts";

const root = fileURLToPath(new URL("../../../", import.meta.url));
const entries = {
  root: "src/index.ts",
  config: "src/config/index.ts",
  flux: "src/flux/index.ts",
  podIo: "src/pod-io/index.ts",
  controller: "src/controller/index.ts",
  testing: "src/testing/index.ts",
  manifests: "src/manifests/index.ts",
} as const;

const program = ts.createProgram(
  Object.values(entries).map((e) => root + e),
  { module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, target: ts.ScriptTarget.ES2022, allowImportingTsExtensions: true, noEmit: true, strict: true },
);
const checker = program.getTypeChecker();

function exportsOf(entry: string): string[] {
  const file = program.getSourceFile(root + entry);
  const symbol = file && checker.getSymbolAtLocation(file);
  if (!symbol) throw new Error(`no module symbol for ${entry}`);
  return checker.getExportsOfModule(symbol).map((s) => s.getName()).sort();
}

const ROOT = [
  "AllNamespacesClient", "ApiError", "ApplyConfiguration", "ApplyParams", "AuthError", "Backoff", "BindingTarget", "BookmarkObject",
  "CallOptions", "ChangeInfo", "Clock", "ClusterOptions", "ConfigError", "Connection", "ConnectionOptions", "CreateParams", "DEFAULT_MAX_RESPONSE_BYTES",
  "DecodeError", "DeepPartial", "DeleteCollectionParams", "DeleteParams", "DiscoveredResource", "Discovery", "DynamicObject",
  "DynamicResourceSpec", "ErrorSite", "EvictionParams", "ExponentialBackoff", "ExponentialBackoffOptions", "GetParams",
  "HttpRequest", "HttpResponse", "INITIAL_EVENTS_END_ANNOTATION", "IndexFunction", "Informer", "InformerHandlers",
  "InformerOptions", "JsonPatchOperation", "JsonValue", "KubeClient", "KubeClientOptions", "KubeError", "KubeList", "KubeObject",
  "KubeRequest", "LabelSelector", "LabelSelectorRequirement", "ListClient", "ListMeta", "ListParams", "ListWatchClient",
  "LogParams", "LogStreamParams", "MergePatch", "MetadataClient", "MetadataSource", "NamespacedOptions", "NewerValue",
  "ObjectMetaLike", "ObjectRef", "PartialObjectMetadata", "Patch", "PatchParams", "PollerOptions", "Preconditions",
  "PropagationPolicy", "QuantityMarker", "RateLimit", "ReadonlyCache", "ReplaceParams", "ResetTimerBackoff", "ResourceApi",
  "ResourceClient", "ResourceQuery", "ResourceType", "ResponseTooLargeError", "RetryEvent", "RetryPolicy", "Scale",
  "ScopeOptions", "SecretValues", "SelectorParams", "SendOptions", "ServerVersion", "SharedInformerFactory", "Status",
  "StatusDetails", "StrategicMergePatch", "SyncInfo", "TlsError", "TlsOptions", "TokenRequest", "TokenRequestParams",
  "TransformOptions", "Transport", "TransportError", "TransportOptions", "ValidationError", "Verb", "WaitOptions",
  "WaitTimeoutError", "WatchEvent", "WatchEventType", "WatchMode", "WatchParams", "Watcher", "WatcherEvent",
  "WatcherOptions", "WatcherStats", "Writable", "WriteParams", "api", "apiVersionOf", "applyConfigurationOf",
  "createConnection", "createTransport", "defaultBackoff", "discoverResource", "dropManagedFields", "dynamicResource",
  "formatFieldSelector", "formatLabelSelector", "informer", "isAbortError", "isAlreadyExists", "isConflict", "isForbidden",
  "isGone", "isInvalid", "isNotFound", "isStatus", "isTooManyRequests", "isUnauthorized", "metadataOnly", "objectKey",
  "poller", "serverVersion", "watcher",
  // Pod I/O's plain-HTTP part and the stock wait conditions (issue 12)
  "ProxyParams", "WaitFailedError", "AwaitConditionOptions", "WaitCondition", "awaitCondition", "waitCondition", "crdEstablished",
  "daemonSetRolledOut", "deleted", "deploymentComplete", "jobComplete", "jobFailed", "podReady", "podRunning", "podSucceeded",
  "statefulSetRolledOut",
];

const CONTROLLER = [
  "Condition", "ConditionStatus", "ConditionUpdate", "Controller", "ControllerOptions", "ControllerStats", "DurationHistogram",
  "EventInput", "EventRecorder", "EventRecorderOptions", "EventRecorderStats", "EventType", "FinalizerClient", "FinalizerHandlers",
  "InformerTuning", "KeyMapper", "KeyRef", "KubeTarget", "LEADER_ELECTION_DEFAULTS", "LeaderElectionOptions", "LeaderElectionStats",
  "LeaderElector", "RateLimiter", "ReconcileContext", "ReconcileResult", "Reconciler", "RelationOptions", "RunOptions", "StatusClient",
  "WorkQueue", "WorkQueueOptions", "applyStatus", "bucketRateLimiter", "controller", "defaultControllerRateLimiter", "eventRecorder",
  "finalizer", "findCondition", "isConditionTrue", "itemExponentialRateLimiter", "keyOfRef", "leaderElector", "maxOfRateLimiter",
  "microTime", "objectReference", "openMetrics", "ownerMapper", "setCondition",
];

const TESTING = [
  "BodyEnd", "ControlPlaneOptions", "CrdSource", "FluxServers", "RECORDING_FORMAT", "RECORDING_VERSION", "RecordedExchange", "ReplayMismatchError",
  "StartedControlPlane", "TransportRecorder", "TransportRecorderOptions", "TransportReplay", "TransportReplayOptions",
  "controlPlaneDir", "installCrds", "parseRecording", "redactBody", "startControlPlane",
];

describe("public surface", () => {
  it("bun-k8s exports exactly these names", () => {
    expect(exportsOf(entries.root)).toEqual([...ROOT].sort());
  });

  it("keeps internals out of the root: no GenericClient, no transports, no Flux, no config loaders", () => {
    const names = new Set(exportsOf(entries.root));
    for (const internal of ["GenericClient", "NodeHttp2Transport", "BunFetchTransport", "FluxClient", "loadConfig", "watchStream", "Collection"]) {
      expect(names.has(internal), internal).toBe(false);
    }
  });

  it("bun-k8s/config and bun-k8s/flux carry their own, and Flux its own errors", () => {
    const config = exportsOf(entries.config);
    const flux = exportsOf(entries.flux);
    expect(config).toEqual(expect.arrayContaining(["loadConfig", "loadKubeconfig", "inClusterConfig", "ExecAuth", "ResolvedConfig"]));
    expect(flux).toEqual(expect.arrayContaining(["FluxClient", "FluxNotReadyError", "FluxSuspendedError", "FLUX_RESOURCES"]));
    // No name is exported by two entries: one concept, one home.
    const rootNames = new Set(exportsOf(entries.root));
    expect([...config, ...flux].filter((n) => rootNames.has(n))).toEqual([]);
    expect(config.length).toBeLessThan(70);
    // Flux grew past 70 with tree/trace/export/stats/Git credential Secrets (issue 13): each adds its result type and formatter.
    expect(flux.length).toBeLessThan(80);
  });

  it("bun-k8s/manifests exports exactly these names; DocumentError is its own error, nothing else repeats the root", () => {
    expect(exportsOf(entries.manifests)).toEqual(
      [
        "APPLYSET_GROUP_KINDS_ANNOTATION", "APPLYSET_ID_LABEL", "APPLYSET_NAMESPACES_ANNOTATION", "APPLYSET_PART_OF_LABEL",
        "APPLYSET_TOOLING_ANNOTATION", "AppliedObject", "ApplyAction", "ApplyError", "ApplyManifestsOptions", "ApplyResult",
        "ApplySetError", "ApplySetOptions", "ApplySetParent", "ChangedField", "ConnectionSource", "DEFAULT_TOOLING", "DiffAction",
        "DiffManifestsOptions", "DiffResult", "DocumentError", "FailedObject", "FieldChange", "FieldConflict", "FieldManager",
        "ManifestOrigin", "ObjectDiff", "ObjectId", "ParseOptions", "PathElement", "PrunedObject", "ResourceTables", "YamlLimits",
        "applyManifests", "applySetId", "conflictsOf", "describeObject", "describeOrigin", "diffManifests", "dumpManifests",
        "formatDiff", "formatPath", "originOf", "ownersOf", "parseManifests",
      ].sort(),
    );
    const rootNames = new Set(exportsOf(entries.root));
    expect(exportsOf(entries.manifests).filter((n) => rootNames.has(n))).toEqual([]);
  });

  it("bun-k8s/pod-io exports exactly these names, none of them the root's", () => {
    expect(exportsOf(entries.podIo)).toEqual(
      [
        "CopyOptions", "CopyResult", "ExecError", "ExecOptions", "ExecOutput", "ListenOptions", "PodTarget", "PortForwardError",
        "PortForwardListener", "PortForwardOptions", "PortForwardStream", "PortMapping", "RemoteProcess", "Serves", "SessionOptions",
        "StdinSource", "StreamChoice", "TerminalSize", "attach", "copyFromPod", "copyToPod", "exec", "listenPortForward",
        "openExec", "openPortForward",
      ].sort(),
    );
    const rootNames = new Set(exportsOf(entries.root));
    expect(exportsOf(entries.podIo).filter((n) => rootNames.has(n))).toEqual([]);
  });

  it("nothing the root, config, flux or manifests entries import reaches the WebSocket connector or pod I/O (so no ws, no tar)", () => {
    const edges = collectImports(root, ["src", "generated"]);
    const next = new Map<string, string[]>();
    for (const e of edges) next.set(e.from, [...(next.get(e.from) ?? []), e.to]);
    const reached = new Set<string>();
    const visit = (file: string): void => {
      if (reached.has(file)) return;
      reached.add(file);
      for (const to of next.get(file) ?? []) visit(to);
    };
    for (const entry of [entries.root, entries.config, entries.flux, entries.manifests]) visit(entry);
    expect(reached.size).toBeGreaterThan(50);
    expect([...reached].filter((f) => f.startsWith("src/pod-io/") || f === "src/transport/websocket-ws.ts")).toEqual([]);
    visit(entries.podIo);
    expect(reached.has("src/transport/websocket-ws.ts")).toBe(true);
  });

  it("bun-k8s/controller exports exactly these names, none of them the root's", () => {
    expect(exportsOf(entries.controller)).toEqual([...CONTROLLER].sort());
    const rootNames = new Set(exportsOf(entries.root));
    expect(CONTROLLER.filter((n) => rootNames.has(n))).toEqual([]);
  });

  it("bun-k8s/testing exports exactly these names, none of them another entry's", () => {
    expect(exportsOf(entries.testing)).toEqual([...TESTING].sort());
    const others = new Set([...exportsOf(entries.root), ...exportsOf(entries.controller)]);
    expect(TESTING.filter((n) => others.has(n))).toEqual([]);
  });

  it("every runtime value the root lists is really exported", async () => {
    const module = (await import(root + entries.root)) as Record<string, unknown>;
    for (const name of Object.keys(module)) expect(ROOT).toContain(name);
    expect(Object.keys(module).length).toBeGreaterThan(30);
  });
});
