/**
 * The small consumer programs of the cold-start and footprint cases, as source text. They
 * are plain JavaScript run from a consumer folder where only the package under test is
 * installed, exactly as a user's program would load it from npm.
 */

/**
 * How a consumer program reaches bun-k8s: "KubeClient" is the documented one-liner from the
 * package's main entry; "functions" calls loadConfig/createConnection/api from the main entry;
 * "dist-modules" imports the built modules by file path, for as long as the main entry
 * offers neither (the package's export map has no subpath for them).
 */
export type BunK8sEntry = "KubeClient" | "functions" | "dist-modules";

const DIST = "./node_modules/bun-k8s/dist/src";

/** Prints the one line the cold-start runner waits for. */
const REPORT = `process.stdout.write("BENCH_COLD " + JSON.stringify({ importMs: t1 - t0, totalInProcessMs: performance.now() - t0, count }) + "\\n");`;

export function bunK8sColdStart(entry: BunK8sEntry): string {
  if (entry === "KubeClient") {
    return `const t0 = performance.now();
const [{ KubeClient }, { Namespace }] = await Promise.all([import("bun-k8s"), import("bun-k8s/core/v1")]);
const t1 = performance.now();
const kube = await KubeClient.load();
const count = (await kube.api(Namespace).list()).items.length;
${REPORT}
process.exit(0);
`;
  }
  const modules =
    entry === "functions"
      ? `import("bun-k8s").then((m) => [m, m, m])`
      : `Promise.all([import("${DIST}/config/load-config.js"), import("${DIST}/connection.js"), import("${DIST}/api/client.js")])`;
  return `const t0 = performance.now();
const [[{ loadConfig }, { createConnection }, { api }], { Namespace }] = await Promise.all([
  ${modules},
  import("bun-k8s/core/v1"),
]);
const t1 = performance.now();
const conn = createConnection(await loadConfig());
const count = (await api(conn, Namespace).list()).items.length;
${REPORT}
process.exit(0);
`;
}

export const CLIENT_NODE_COLD_START = `const t0 = performance.now();
const { KubeConfig, CoreV1Api } = await import("@kubernetes/client-node");
const t1 = performance.now();
const kc = new KubeConfig();
kc.loadFromDefault();
const count = (await kc.makeApiClient(CoreV1Api).listNamespace()).items.length;
${REPORT}
process.exit(0);
`;

/** No SDK: PEM files from BENCH_TARGET, the runtime's own TLS client. */
export const FLOOR_COLD_START = `const t0 = performance.now();
const isBun = typeof Bun !== "undefined";
const { readFileSync } = await import("node:fs");
const https = isBun ? undefined : await import("node:https");
const t1 = performance.now();
const t = JSON.parse(process.env.BENCH_TARGET);
const tls = { ca: readFileSync(t.caFile, "utf8"), cert: readFileSync(t.certFile, "utf8"), key: readFileSync(t.keyFile, "utf8") };
const url = t.server + "/api/v1/namespaces";
const headers = { accept: "application/json" };
const body = isBun
  ? await (await fetch(url, { headers, tls })).text()
  : await new Promise((resolve, reject) => {
      https.get(url, { headers, ...tls }, (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (c) => (text += c));
        res.on("end", () => resolve(text));
      }).on("error", reject);
    });
const count = JSON.parse(body).items.length;
${REPORT}
process.exit(0);
`;

/** The minimal "list pods" program whose bundle size the footprint case reports. */
export function bunK8sListPods(entry: BunK8sEntry): string {
  const print = `for (const pod of pods.items) console.log(pod.metadata.namespace, pod.metadata.name);`;
  if (entry === "KubeClient") {
    return `import { KubeClient } from "bun-k8s";
import { Pod } from "bun-k8s/core/v1";

const kube = await KubeClient.load();
const pods = await kube.api(Pod).list();
${print}
kube.close();
`;
  }
  const imports =
    entry === "functions"
      ? `import { api, createConnection, loadConfig } from "bun-k8s";`
      : [
          `import { loadConfig } from "${DIST}/config/load-config.js";`,
          `import { createConnection } from "${DIST}/connection.js";`,
          `import { api } from "${DIST}/api/client.js";`,
        ].join("\n");
  return `${imports}
import { Pod } from "bun-k8s/core/v1";

const conn = createConnection(await loadConfig());
const pods = await api(conn, Pod).list();
${print}
conn.close();
`;
}

/**
 * "list pods" in a pod: the in-cluster config, no kubeconfig, so no YAML parser in the bundle.
 * client-node has no such split (loadFromDefault covers both), so its one program is the yardstick.
 */
export const BUN_K8S_LIST_PODS_IN_CLUSTER = `import { api, createConnection } from "bun-k8s";
import { inClusterConfig } from "bun-k8s/config";
import { Pod } from "bun-k8s/core/v1";

const conn = createConnection(await inClusterConfig());
const pods = await api(conn, Pod).list();
for (const pod of pods.items) console.log(pod.metadata.namespace, pod.metadata.name);
conn.close();
`;

export const CLIENT_NODE_LIST_PODS = `import { CoreV1Api, KubeConfig } from "@kubernetes/client-node";

const kc = new KubeConfig();
kc.loadFromDefault();
const pods = await kc.makeApiClient(CoreV1Api).listPodForAllNamespaces();
for (const pod of pods.items) console.log(pod.metadata.namespace, pod.metadata.name);
`;
