/**
 * Value types the generated kinds share: any JSON value, the open end of enums, and the
 * read/write split of resource quantities. Types only; nothing here exists at run time.
 */

declare const unknownEnumValue: unique symbol;
declare const quantityMarker: unique symbol;

/** Any JSON value: what `x-kubernetes-preserve-unknown-fields` fields (e.g. HelmRelease values) hold. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue | undefined };

/**
 * An enum value this SDK's version does not know, which a newer server may send. Generated enum
 * fields are `"A" | "B" | NewerValue`: a string literal can never be a NewerValue, so what you
 * write is checked against the known values ("Recreat" does not compile), while an exhaustive
 * `switch` over a value read back keeps a branch for values added later.
 *
 * @example
 * function describe(t: DeploymentStrategy["type"]): string {
 *   switch (t) {
 *     case "Recreate": return "all at once";
 *     case "RollingUpdate": return "gradually";
 *     default: return `unknown to this SDK: ${t}`;
 *   }
 * }
 */
export type NewerValue = string & { readonly [unknownEnumValue]: "NewerValue" };

/**
 * Marks a resource quantity ("500m", "1Gi"). The server always answers with the canonical
 * string, so generated kinds type a quantity as `string & QuantityMarker`; what you send may be
 * a number too (`cpu: 1`), which `Writable<T>` and the write methods' parameter types allow.
 */
export interface QuantityMarker {
  readonly [quantityMarker]?: "Quantity";
}

/** A field's write form: a quantity also takes a number; every other type is unchanged. */
export type WriteValue<T> = T extends unknown ? (typeof quantityMarker extends keyof T ? T | number : T) : never;

/**
 * The form of `T` that may be sent: the same fields, where quantities also take numbers. The
 * write methods (`create`, `replace`, `apply`, `applyManifests`) take it, so objects read back
 * (`T`) always fit, and a literal may say `cpu: 1`.
 *
 * @example
 * const pod: Writable<Pod> = { metadata: { name: "p" }, spec: { containers: [{ name: "c", resources: { limits: { cpu: 1 } } }] } };
 */
export type Writable<T> = T extends unknown
  ? typeof quantityMarker extends keyof T
    ? T | number
    : T extends Scalar
      ? T
      : T extends readonly (infer U)[]
        ? Writable<U>[]
        : T extends object
          ? { [K in keyof T]: Writable<T[K]> }
          : T
  : never;

/** Primitives, branded ones included (a NewerValue is a string, not an object to map over). */
export type Scalar = string | number | boolean | bigint | symbol | null | undefined;
