/**
 * Checks shared by several verbs' params. Each throws a ValidationError naming the action
 * and the parameter, so a bad call fails before anything is sent.
 */
import { ValidationError } from "../base/errors.ts";
import { preview } from "./path.ts";

export type FieldValidation = "Ignore" | "Warn" | "Strict";

/** Options every write (create, replace, patch, apply) accepts as query parameters. */
export interface WriteParams {
  /** Validate and admit, but persist nothing (dryRun=All). */
  dryRun?: boolean | undefined;
  /** Who makes the change, for managedFields. Printable, at most 128 characters. */
  fieldManager?: string | undefined;
  /** How the server treats unknown or duplicate fields. */
  fieldValidation?: FieldValidation | undefined;
}

export function checkInteger(action: string, name: string, value: unknown, min: number): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < min) {
    const want = min === 0 ? "a non-negative integer" : min === 1 ? "a positive integer" : `an integer >= ${min}`;
    throw new ValidationError(`${action}: ${name} must be ${want}, got ${preview(value)}`);
  }
  return value;
}

export function checkBoolean(action: string, name: string, value: unknown): boolean | undefined {
  if (value === undefined || typeof value === "boolean") return value;
  throw new ValidationError(`${action}: ${name} must be a boolean, got ${preview(value)}`);
}

export function checkString(action: string, name: string, value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "string" || value === "") {
    throw new ValidationError(`${action}: ${name} must be a non-empty string, got ${preview(value)}`);
  }
  return value;
}

export function checkOneOf<T extends string>(
  action: string,
  name: string,
  value: unknown,
  allowed: readonly T[],
): T | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "string" || !(allowed as readonly string[]).includes(value)) {
    throw new ValidationError(`${action}: ${name} must be one of ${allowed.join(", ")}, got ${preview(value)}`);
  }
  return value as T;
}

/** The only dry-run mode the API server accepts is "All". */
export function dryRunParam(action: string, value: unknown): "All" | undefined {
  if (value === undefined || value === false) return undefined;
  if (value === true || value === "All") return "All";
  throw new ValidationError(`${action}: dryRun must be true or "All" (the only mode the API serves), got ${preview(value)}`);
}

/** The API server's rule: at most 128 characters, all printable. */
export function checkFieldManager(action: string, value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "string" || value === "" || value.length > 128 || /[^\x20-\x7e\u00a0-\uffff]/.test(value)) {
    throw new ValidationError(
      `${action}: fieldManager must be 1 to 128 printable characters, got ${preview(value)}`,
    );
  }
  return value;
}

/** Query parameters of create, replace and patch. */
export function writeQuery(action: string, params: WriteParams | undefined): Record<string, string | undefined> {
  return {
    dryRun: dryRunParam(action, params?.dryRun),
    fieldManager: checkFieldManager(action, params?.fieldManager),
    fieldValidation: checkOneOf(action, "fieldValidation", params?.fieldValidation, ["Ignore", "Warn", "Strict"]),
  };
}

/** Drops undefined entries so a request's query only holds what was asked for. */
export function compact<T extends Record<string, unknown>>(query: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(query)) if (v !== undefined) out[k] = v;
  return out as { [K in keyof T]?: Exclude<T[K], undefined> };
}

/** Serialises a JSON body; a cycle or BigInt is a caller mistake, reported as such. */
export function jsonBody(action: string, value: unknown): string {
  try {
    const text = JSON.stringify(value);
    if (text === undefined) throw new TypeError("value is not JSON-serialisable");
    return text;
  } catch (e) {
    throw new ValidationError(`${action}: body cannot be serialised as JSON (${(e as Error).message})`, {}, { cause: e });
  }
}

/** A body must be a plain object (not an array, string or null). */
export function checkObjectBody(action: string, body: unknown): Record<string, unknown> {
  if (body === null || typeof body !== "object" || Array.isArray(body)) {
    throw new ValidationError(`${action}: body must be an object, got ${preview(body)}`);
  }
  return body as Record<string, unknown>;
}
