/**
 * A string that refuses to be printed. Credentials read from a Secret are wrapped in it,
 * so logging, inspecting, string-interpolating or JSON-encoding a credentials object shows
 * "REDACTED"; only `reveal()` gives the value, at the one place that needs it.
 */
import { REDACTED } from "../config/redact.ts";

const INSPECT = Symbol.for("nodejs.util.inspect.custom");

/**
 * A secret string that prints as REDACTED everywhere; `reveal()` gives the value.
 *
 * @example
 * const creds = await flux.credentials({ kind: "GitRepository", name: "app", namespace: "flux-system" });
 * console.log(creds); // passwords show as REDACTED
 * const password = creds?.basicAuth?.password?.reveal();
 */
export class SecretValue {
  // A private field: invisible to console.log, util.inspect, Object.keys, spreads and structuredClone.
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  /** The secret itself. Call it where the value is used, never where it is logged. */
  reveal(): string {
    return this.#value;
  }

  /** Its length, which is not secret and helps to spot an empty or truncated value. */
  get length(): number {
    return this.#value.length;
  }

  /** "REDACTED", never the value. */
  toString(): string {
    return REDACTED;
  }

  /** "REDACTED" in JSON.stringify, never the value. */
  toJSON(): string {
    return REDACTED;
  }

  /** "REDACTED" in template strings and concatenation. */
  [Symbol.toPrimitive](): string {
    return REDACTED;
  }

  /** What console.log and util.inspect show: `SecretValue(REDACTED)`. */
  [INSPECT](): string {
    return `SecretValue(${REDACTED})`;
  }
}
