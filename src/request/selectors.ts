/**
 * Label and field selectors, built from objects instead of hand-written strings. The
 * syntax checks mirror the API server's, so a typo fails here with a clear message rather
 * than as a 400 from the server.
 */
import { ValidationError } from "../base/errors.ts";
import { preview } from "./path.ts";

/** A set-based requirement, shaped like meta/v1 LabelSelectorRequirement. */
export interface LabelSelectorRequirement {
  key: string;
  /** In, NotIn, Exists or DoesNotExist (strings are accepted so generated types fit). */
  operator: "In" | "NotIn" | "Exists" | "DoesNotExist" | (string & {});
  values?: readonly string[] | undefined;
}

/** Shaped like meta/v1 LabelSelector, so `deployment.spec.selector` can be passed as is. */
export interface LabelSelector {
  matchLabels?: Readonly<Record<string, string>> | undefined;
  matchExpressions?: readonly LabelSelectorRequirement[] | undefined;
}

const NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

function checkLabelKey(key: string): void {
  const slash = key.indexOf("/");
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  const ok =
    name.length <= 63 &&
    NAME.test(name) &&
    (prefix === undefined || (prefix.length <= 253 && DNS_SUBDOMAIN.test(prefix)));
  if (!ok) {
    throw new ValidationError(
      `label selector: invalid label key ${preview(key)} (want [prefix/]name, name <= 63 chars of [A-Za-z0-9_.-])`,
    );
  }
}

function checkLabelValue(key: string, value: unknown): string {
  if (typeof value !== "string" || value.length > 63 || (value !== "" && !NAME.test(value))) {
    throw new ValidationError(
      `label selector: invalid value ${preview(value)} for ${preview(key)} (want <= 63 chars of [A-Za-z0-9_.-], alphanumeric at both ends)`,
    );
  }
  return value;
}

function isLabelSelector(input: object): input is LabelSelector {
  // A label value is always a string; an object or array under these keys means the
  // meta/v1 LabelSelector form.
  const { matchLabels, matchExpressions } = input as Record<string, unknown>;
  return (
    (matchLabels !== undefined && typeof matchLabels !== "string") ||
    (matchExpressions !== undefined && typeof matchExpressions !== "string")
  );
}

function formatRequirement(req: LabelSelectorRequirement): string {
  checkLabelKey(req.key);
  const values = req.values ?? [];
  switch (req.operator) {
    case "In":
    case "NotIn":
      if (values.length === 0) {
        throw new ValidationError(`label selector: ${req.operator} on ${preview(req.key)} needs at least one value`);
      }
      for (const v of values) checkLabelValue(req.key, v);
      return `${req.key} ${req.operator === "In" ? "in" : "notin"} (${values.join(",")})`;
    case "Exists":
    case "DoesNotExist":
      if (values.length > 0) {
        throw new ValidationError(`label selector: ${req.operator} on ${preview(req.key)} takes no values`);
      }
      return req.operator === "Exists" ? req.key : `!${req.key}`;
    default:
      throw new ValidationError(
        `label selector: unknown operator ${preview(req.operator)} (want In, NotIn, Exists or DoesNotExist)`,
      );
  }
}

/**
 * Formats a label selector: either a plain map of labels (equality) or the meta/v1
 * LabelSelector form with set-based expressions. Requirements keep the given order.
 *
 * @example
 * formatLabelSelector({ app: "web" }) // "app=web"
 * formatLabelSelector({ matchLabels: { app: "web" }, matchExpressions: [{ key: "tier", operator: "In", values: ["a", "b"] }] })
 * // "app=web,tier in (a,b)"
 */
export function formatLabelSelector(selector: LabelSelector | Readonly<Record<string, string>>): string {
  if (selector === null || typeof selector !== "object" || Array.isArray(selector)) {
    throw new ValidationError(`label selector must be an object, got ${preview(selector)}`);
  }
  const parts: string[] = [];
  const labels = isLabelSelector(selector) ? (selector.matchLabels ?? {}) : selector;
  for (const [key, value] of Object.entries(labels)) {
    checkLabelKey(key);
    parts.push(`${key}=${checkLabelValue(key, value)}`);
  }
  if (isLabelSelector(selector)) {
    for (const req of selector.matchExpressions ?? []) parts.push(formatRequirement(req));
  }
  return parts.join(",");
}

/**
 * Escapes a field selector value the way the API server's fields.EscapeValue does.
 *
 * @example escapeFieldValue("a,b") // "a\\,b"
 */
export function escapeFieldValue(value: string): string {
  return value.replace(/[\\,=]/g, (c) => `\\${c}`);
}

/**
 * Formats a field selector from a map of field paths to required values (equality only;
 * use a string for `!=`). Values are escaped, so a name containing "," stays one value.
 *
 * @example formatFieldSelector({ "metadata.name": "web", "status.phase": "Running" }) // "metadata.name=web,status.phase=Running"
 */
export function formatFieldSelector(fields: Readonly<Record<string, string>>): string {
  if (fields === null || typeof fields !== "object" || Array.isArray(fields)) {
    throw new ValidationError(`field selector must be an object, got ${preview(fields)}`);
  }
  return Object.entries(fields)
    .map(([field, value]) => {
      if (!/^[A-Za-z0-9_.-]+$/.test(field)) {
        throw new ValidationError(`field selector: invalid field path ${preview(field)}`);
      }
      if (typeof value !== "string") {
        throw new ValidationError(`field selector: value for ${preview(field)} must be a string, got ${preview(value)}`);
      }
      return `${field}=${escapeFieldValue(value)}`;
    })
    .join(",");
}

/** A selector as a query value: strings pass through, objects are formatted. */
export function labelSelectorParam(
  selector: string | LabelSelector | Readonly<Record<string, string>> | undefined,
): string | undefined {
  if (selector === undefined || typeof selector === "string") return selector;
  return formatLabelSelector(selector);
}

export function fieldSelectorParam(selector: string | Readonly<Record<string, string>> | undefined): string | undefined {
  if (selector === undefined || typeof selector === "string") return selector;
  return formatFieldSelector(selector);
}
