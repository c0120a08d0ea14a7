#!/usr/bin/env bash
# bun-k8s/manifests benchmark on Bun and on Node against a running cluster (KUBECONFIG, e.g.
# from `npm run cluster:up`). Node 20 cannot run .ts, so the file is bundled with
# `bun build --target=node` first. BENCH_OBJECTS sets the batch size (default 200).
set -euo pipefail
cd "$(dirname "$0")/../.."
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
export KUBECTL="${KUBECTL:-$(ls -d .cache/controlplane/*/kubectl | tail -1)}"
export FLUX_CRDS="${FLUX_CRDS:-$(ls -d specs/cache/flux/helm-controller@* | tail -1)/..}"
npx bun build bench/manifests/manifests-bench.ts --target=node --outfile "$out/bench.mjs" >/dev/null
# Every pinned Flux CRD in one bundle, as a release manifest ships them.
mkdir -p "$out/flux"
cat specs/cache/flux/*/*.yaml > "$out/flux/flux-crds.yaml"
export FLUX_CRDS="$out/flux"
echo "== Node $(node --version)"
node "$out/bench.mjs"
echo "== Bun $(npx bun --version)"
npx bun bench/manifests/manifests-bench.ts
