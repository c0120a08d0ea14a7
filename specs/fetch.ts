/**
 * `npm run specs [-- --kubernetes 1.35.4] [--pin-flux]`
 *
 * Materialises the pinned inputs into specs/cache/ and verifies their checksums.
 * --kubernetes X  selects version X; when X is not pinned yet, downloads it and records its checksums.
 * --pin-flux      probes the Flux controllers again (Go module, else ../shared) and records the result.
 * With no manifest at all, it pins the defaults below.
 */
import { existsSync } from "node:fs";
import type { FluxControllerPin, SpecManifest } from "./manifest-types.ts";
import {
  manifestPath,
  materialise,
  normaliseVersion,
  pinFluxController,
  pinKubernetes,
  readManifest,
  writeManifest,
} from "./materialise.ts";

/** The version the project's control plane builds. */
const defaultKubernetes = "v1.37.2";

/** The Flux set; fallback file names are the CRDs each controller installs. */
const fluxControllers: readonly { controller: string; version: string; fallbackFiles: readonly string[] }[] = [
  {
    controller: "source-controller",
    version: "v1.9.6",
    fallbackFiles: [
      "source.toolkit.fluxcd.io_buckets.yaml",
      "source.toolkit.fluxcd.io_externalartifacts.yaml",
      "source.toolkit.fluxcd.io_gitrepositories.yaml",
      "source.toolkit.fluxcd.io_helmcharts.yaml",
      "source.toolkit.fluxcd.io_helmrepositories.yaml",
      "source.toolkit.fluxcd.io_ocirepositories.yaml",
    ],
  },
  { controller: "kustomize-controller", version: "v1.9.6", fallbackFiles: ["kustomize.toolkit.fluxcd.io_kustomizations.yaml"] },
  { controller: "helm-controller", version: "v1.6.4", fallbackFiles: ["helm.toolkit.fluxcd.io_helmreleases.yaml"] },
  {
    controller: "notification-controller",
    version: "v1.9.0",
    fallbackFiles: [
      "notification.toolkit.fluxcd.io_alerts.yaml",
      "notification.toolkit.fluxcd.io_providers.yaml",
      "notification.toolkit.fluxcd.io_receivers.yaml",
    ],
  },
  {
    controller: "image-reflector-controller",
    version: "v1.2.0",
    fallbackFiles: ["image.toolkit.fluxcd.io_imagepolicies.yaml", "image.toolkit.fluxcd.io_imagerepositories.yaml"],
  },
  {
    controller: "image-automation-controller",
    version: "v1.2.0",
    fallbackFiles: ["image.toolkit.fluxcd.io_imageupdateautomations.yaml"],
  },
];

function parseArgs(argv: readonly string[]): { kubernetes?: string; pinFlux: boolean } {
  const out: { kubernetes?: string; pinFlux: boolean } = { pinFlux: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--kubernetes") {
      const value = argv[++i];
      if (!value) throw new Error("--kubernetes needs a version, e.g. --kubernetes 1.35.4");
      out.kubernetes = normaliseVersion(value);
    } else if (arg?.startsWith("--kubernetes=")) out.kubernetes = normaliseVersion(arg.slice("--kubernetes=".length));
    else if (arg === "--pin-flux") out.pinFlux = true;
    else throw new Error(`unknown argument "${arg}" (expected --kubernetes X or --pin-flux)`);
  }
  return out;
}

async function pinFlux(): Promise<FluxControllerPin[]> {
  const pins: FluxControllerPin[] = [];
  for (const c of fluxControllers) {
    const pin = await pinFluxController(c.controller, c.version, c.fallbackFiles);
    console.log(`flux ${c.controller}@${c.version}: ${pin.source}${pin.note ? ` (${pin.note.split("\n")[0]})` : ""}`);
    pins.push(pin);
  }
  return pins;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const exists = existsSync(manifestPath);
  let manifest: SpecManifest = exists
    ? await readManifest()
    : { kubernetes: { selected: defaultKubernetes, versions: {} }, flux: [] };
  let changed = !exists;

  const wanted = args.kubernetes ?? manifest.kubernetes.selected;
  // Pins recorded before enums were read: re-pin (the documents' checksums must stay the same).
  for (const [version, pin] of Object.entries(manifest.kubernetes.versions)) {
    if (pin.enums) continue;
    console.log(`pinning the enum source of Kubernetes ${version}`);
    const fresh = await pinKubernetes(version);
    if (JSON.stringify(fresh.files) !== JSON.stringify(pin.files)) throw new Error(`Kubernetes ${version}: the documents no longer match their pins`);
    manifest = { ...manifest, kubernetes: { ...manifest.kubernetes, versions: { ...manifest.kubernetes.versions, [version]: { ...pin, enums: fresh.enums } } } };
    changed = true;
  }
  if (!manifest.kubernetes.versions[wanted]) {
    console.log(`pinning Kubernetes ${wanted}`);
    const pin = await pinKubernetes(wanted);
    manifest = { ...manifest, kubernetes: { ...manifest.kubernetes, versions: { ...manifest.kubernetes.versions, [wanted]: pin } } };
    changed = true;
  }
  if (manifest.kubernetes.selected !== wanted) {
    manifest = { ...manifest, kubernetes: { ...manifest.kubernetes, selected: wanted } };
    changed = true;
  }
  if (args.pinFlux || manifest.flux.length === 0) {
    manifest = { ...manifest, flux: await pinFlux() };
    changed = true;
  }
  if (changed) {
    await writeManifest(manifest);
    console.log(`recorded ${manifestPath}`);
  }

  const started = performance.now();
  const inputs = await materialise(manifest, { log: (line) => console.log(line) });
  const k8sFiles = Object.keys(manifest.kubernetes.versions[wanted]?.files ?? {}).length;
  console.log(`Kubernetes ${inputs.kubernetesVersion}: ${k8sFiles} documents verified in ${inputs.kubernetesDir}`);
  for (const f of manifest.flux) {
    console.log(`flux ${f.controller}@${f.version} (${f.source}): ${Object.keys(f.files).length} CRDs verified`);
  }
  console.log(`inputs ready in ${Math.round(performance.now() - started)} ms`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
