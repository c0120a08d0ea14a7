/** Command lines of the control-plane components, all bound to loopback. */
import { join } from "node:path";

export function etcdArgs(dir: string, clientPort: number, peerPort: number): string[] {
  return [
    "--name=bun-k8s",
    `--data-dir=${join(dir, "etcd")}`,
    `--listen-client-urls=http://127.0.0.1:${clientPort}`,
    `--advertise-client-urls=http://127.0.0.1:${clientPort}`,
    `--listen-peer-urls=http://127.0.0.1:${peerPort}`,
    `--initial-advertise-peer-urls=http://127.0.0.1:${peerPort}`,
    `--initial-cluster=bun-k8s=http://127.0.0.1:${peerPort}`,
    "--log-level=warn",
    // Throwaway data: durability buys nothing and fsync costs seconds on slow disks.
    "--unsafe-no-fsync=true",
  ];
}

export function apiserverArgsFor(dir: string, pki: string, etcdPort: number, securePort: number): string[] {
  return [
    `--etcd-servers=http://127.0.0.1:${etcdPort}`,
    "--bind-address=127.0.0.1",
    "--advertise-address=127.0.0.1",
    `--secure-port=${securePort}`,
    `--tls-cert-file=${join(pki, "apiserver.crt")}`,
    `--tls-private-key-file=${join(pki, "apiserver.key")}`,
    `--client-ca-file=${join(pki, "ca.crt")}`,
    `--token-auth-file=${join(dir, "tokens.csv")}`,
    // A request without credentials must get 401, not 403 as system:anonymous.
    "--anonymous-auth=false",
    "--authorization-mode=Node,RBAC",
    "--service-account-issuer=https://kubernetes.default.svc.cluster.local",
    `--service-account-key-file=${join(pki, "sa.pub")}`,
    `--service-account-signing-key-file=${join(pki, "sa.key")}`,
    "--service-cluster-ip-range=10.0.0.0/24",
    "--allow-privileged=true",
    // The loopback address may not back the "kubernetes" Service's endpoints.
    "--endpoint-reconciler-type=none",
    `--cert-dir=${join(dir, "apiserver-certs")}`,
    "--profiling=false",
    // kwok's kubelet endpoint (logs, exec, attach, port-forward) serves a certificate from
    // our CA: the API server verifies it instead of trusting any.
    `--kubelet-certificate-authority=${join(pki, "ca.crt")}`,
  ];
}

export function controllerManagerArgs(dir: string, pki: string, kubeconfig: string, port: number): string[] {
  return [
    `--kubeconfig=${kubeconfig}`,
    `--authentication-kubeconfig=${kubeconfig}`,
    `--authorization-kubeconfig=${kubeconfig}`,
    "--bind-address=127.0.0.1",
    `--secure-port=${port}`,
    `--cert-dir=${join(dir, "kcm-certs")}`,
    `--service-account-private-key-file=${join(pki, "sa.key")}`,
    `--root-ca-file=${join(pki, "ca.crt")}`,
    "--use-service-account-credentials=true",
    "--leader-elect=false",
    // Lets tests approve CertificateSigningRequests and see them signed.
    `--cluster-signing-cert-file=${join(pki, "ca.crt")}`,
    `--cluster-signing-key-file=${join(pki, "ca.key")}`,
  ];
}

export function schedulerArgs(kubeconfig: string): string[] {
  return [
    `--kubeconfig=${kubeconfig}`,
    // Serves nothing: no port to bind, and no delegated authentication to set up.
    "--secure-port=0",
    "--leader-elect=false",
  ];
}

/** kwok's flags; everything else is in the KwokConfiguration among `configFiles`. */
export function kwokArgs(kubeconfig: string, configFiles: string[]): string[] {
  return [`--kubeconfig=${kubeconfig}`, ...configFiles.map((f) => `--config=${f}`)];
}
