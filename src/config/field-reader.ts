import { ConfigError } from "../base/errors.ts";
import { isRecord } from "../base/object.ts";

/**
 * Reads typed fields out of untyped YAML, failing with a ConfigError that names the
 * file and the field path. Values are never quoted in messages: a field may hold a secret.
 */
export class FieldReader {
  readonly file: string;
  readonly path: string;
  readonly #object: Record<string, unknown>;

  constructor(object: Record<string, unknown>, file: string, path: string) {
    this.#object = object;
    this.file = file;
    this.path = path;
  }

  /** A reader for a top-level document, or a ConfigError when it is not a mapping. */
  static root(value: unknown, file: string): FieldReader {
    if (value === null || value === undefined) return new FieldReader({}, file, "");
    if (!isRecord(value)) throw new ConfigError(`kubeconfig ${file}: the document must be a mapping, not ${kindOf(value)}`);
    return new FieldReader(value, file, "");
  }

  fail(key: string, problem: string): never {
    throw new ConfigError(`kubeconfig ${this.file}: ${this.at(key)} ${problem}`);
  }

  at(key: string): string {
    return this.path ? `${this.path}.${key}` : key;
  }

  has(key: string): boolean {
    const v = this.#object[key];
    return v !== undefined && v !== null;
  }

  raw(key: string): unknown {
    const v = this.#object[key];
    return v === null ? undefined : v;
  }

  string(key: string): string | undefined {
    const v = this.raw(key);
    if (v === undefined) return undefined;
    if (typeof v !== "string") this.fail(key, `must be a string, not ${kindOf(v)}`);
    return v;
  }

  requiredString(key: string): string {
    const v = this.string(key);
    if (v === undefined || v === "") this.fail(key, "is required");
    return v;
  }

  boolean(key: string): boolean | undefined {
    const v = this.raw(key);
    if (v === undefined) return undefined;
    if (typeof v !== "boolean") this.fail(key, `must be true or false, not ${kindOf(v)}`);
    return v;
  }

  /** A base64 field (the `-data` fields); kept encoded, but checked now. */
  base64(key: string): string | undefined {
    const v = this.string(key);
    if (v === undefined) return undefined;
    const compact = v.replace(/\s+/g, "");
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(compact) || compact.length % 4 === 1) {
      this.fail(key, "is not valid base64");
    }
    return compact;
  }

  stringList(key: string): string[] | undefined {
    const v = this.raw(key);
    if (v === undefined) return undefined;
    if (!Array.isArray(v)) this.fail(key, `must be a list of strings, not ${kindOf(v)}`);
    return v.map((item, i) => {
      if (typeof item !== "string") this.fail(`${key}[${i}]`, `must be a string, not ${kindOf(item)}`);
      return item;
    });
  }

  stringMap(key: string): Record<string, string> | undefined {
    const sub = this.object(key);
    if (!sub) return undefined;
    const out: Record<string, string> = {};
    for (const k of sub.keys()) {
      const v = sub.raw(k);
      // client-go decodes map[string]string; a missing value is an empty string there.
      if (v === undefined) out[k] = "";
      else out[k] = sub.string(k) ?? "";
    }
    return out;
  }

  object(key: string): FieldReader | undefined {
    const v = this.raw(key);
    if (v === undefined) return undefined;
    if (!isRecord(v)) this.fail(key, `must be a mapping, not ${kindOf(v)}`);
    return new FieldReader(v, this.file, this.at(key));
  }

  /** Each entry of a list of mappings. */
  objectList(key: string): FieldReader[] {
    const v = this.raw(key);
    if (v === undefined) return [];
    if (!Array.isArray(v)) this.fail(key, `must be a list, not ${kindOf(v)}`);
    return v.map((item, i) => {
      if (!isRecord(item)) this.fail(`${key}[${i}]`, `must be a mapping, not ${kindOf(item)}`);
      return new FieldReader(item, this.file, this.at(`${key}[${i}]`));
    });
  }

  /** The same mapping, with a friendlier path once the entry's name is known. */
  renamed(path: string): FieldReader {
    return new FieldReader(this.#object, this.file, path);
  }

  keys(): string[] {
    return Object.keys(this.#object);
  }
}

function kindOf(v: unknown): string {
  if (v === null || v === undefined) return "empty";
  if (Array.isArray(v)) return "a list";
  if (v instanceof Date) return "a timestamp";
  if (typeof v === "object") return "a mapping";
  return `a ${typeof v}`;
}
