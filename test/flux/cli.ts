/**
 * npm run flux:build — builds (or finds cached) the Flux controllers and the loopback
 * Git/Helm server, and prints the timing as JSON.
 */
import { buildFlux } from "./build.ts";

const result = buildFlux((line) => console.log(`[flux] ${line}`));
console.log(JSON.stringify({ versions: result.versions, built: result.built, seconds: Number(result.seconds.toFixed(1)) }));
