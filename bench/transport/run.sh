#!/usr/bin/env bash
# Transport benchmark on Node and on Bun. Node 20 cannot run .ts, so both files are bundled
# with `bun build --target=node` first. Results: bench/results/transport-{node,bun}.json.
set -euo pipefail
cd "$(dirname "$0")/../.."
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
npx bun build bench/transport/loopback-server.ts --target=node --outfile "$out/server.mjs" >/dev/null
npx bun build bench/transport/transport-bench.ts --target=node --outfile "$out/bench.mjs" >/dev/null
export BENCH_SERVER="node $out/server.mjs"
echo "== Node $(node --version)"
node "$out/bench.mjs"
echo "== Bun $(npx bun --version)"
npx bun bench/transport/transport-bench.ts
