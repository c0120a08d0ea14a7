import type { FluxInfo } from "../flux/flux-info.ts";

/**
 * What the contract suite's globalSetup hands every test file (through vitest's
 * provide/inject): where the cluster is and which kubeconfigs reach it.
 *
 * In "local" mode the suite started its own kube-apiserver, etcd,
 * kube-controller-manager, and (unless BUN_K8S_NODES=0) kube-scheduler and kwok. In "external" mode BUN_K8S_TEST_KUBECONFIG named an admin
 * kubeconfig of an existing cluster (kind, say) and the suite started nothing.
 */
export interface ClusterInfo {
  mode: "local" | "external";
  /** https://127.0.0.1:PORT in local mode. */
  server: string;
  /** The gitVersion the local build pins; undefined for an external cluster. */
  expectedVersion: string | undefined;
  /** Folder of this run: kubeconfigs, PKI (local mode), scratch files. */
  dir: string;
  kubeconfigs: {
    /** Client certificate, group system:masters. */
    admin: string;
    /** Bearer-token user with cluster-wide rights. */
    token: string;
    /** A user that RBAC admits into `restrictedNamespace` only. */
    restricted: string;
    /** Cluster CA only, no credentials. */
    anonymous: string;
  };
  /** PEM file of the cluster CA. */
  caFile: string;
  restrictedNamespace: string;
  /** Local mode only: the throwaway PKI (see test/controlplane/cptool/pki.go for its files). */
  pkiDir: string | undefined;
  /** Local mode only: a DNS name on the serving certificate that is not the dialled address. */
  serverNameAlias: string | undefined;
  /** Local mode only: extra static bearer tokens the API server accepts, by user name. */
  staticTokens: Record<string, string>;
  /** The kubectl built with the control plane (built in external mode too). */
  kubectl: string;
  /**
   * Local mode only: an http://127.0.0.1 URL of the launcher's control endpoint.
   * POST {controlUrl}/apiserver/restart restarts kube-apiserver on the same etcd data.
   */
  controlUrl: string | undefined;
  /** Whether the Flux CRDs are installed. */
  fluxCrds: boolean;
  /**
   * Local mode only, unless BUN_K8S_NODES=0: kwok's fake nodes, whose pods become Running
   * and Ready (kube-scheduler places them), and the folder their I/O lives in (see
   * test/support/pod-io.ts for the layout and preparePodIO).
   */
  nodes: NodesInfo | undefined;
  /**
   * Local mode, when the real Flux controllers run (test/flux/launcher.ts): the loopback Git
   * and Helm repositories they read from, and the Git credentials.
   */
  flux?: FluxInfo;
}

export interface NodesInfo {
  /** Names of the fake nodes, all Ready. */
  names: string[];
  /** Exec working folders and container log files, per pod: podsDir/<namespace>/<pod>/. */
  podsDir: string;
}

declare module "vitest" {
  export interface ProvidedContext {
    cluster: ClusterInfo;
  }
}
