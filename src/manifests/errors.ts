/**
 * The error `applyManifests` throws when any object failed: it carries the whole result, so the
 * caller sees every failure, and every success, of the same run.
 */
import { KubeError } from "../base/errors.ts";
import type { DynamicObject } from "../base/object.ts";
import type { ApplyResult } from "./apply-result.ts";
import { describeObject } from "./object-id.ts";

/** Some objects failed to apply or prune; `result` holds every outcome, `result.failed` the failures. */
export class ApplyError extends KubeError {
  readonly result: ApplyResult<DynamicObject>;
  constructor(result: ApplyResult<DynamicObject>) {
    const lines = result.failed.map((f) => `  ${describeObject(f.id)}: ${f.error.message}`);
    const shown = lines.slice(0, 20);
    if (lines.length > shown.length) shown.push(`  ... and ${lines.length - shown.length} more`);
    super(`${result.failed.length} of ${result.failed.length + result.applied.length} objects failed:\n${shown.join("\n")}`);
    this.result = result;
  }
}
