/**
 * The one scrubber. Whatever holds a secret (an auth provider, a connection) registers the
 * value in its own SecretValues; every KubeError is scrubbed of every value registered in
 * the process at the moment it is made: its message (and so its stack), its Status and its
 * `cause` chain. So a token that a server, a plugin or an issuer echoes back cannot reach a
 * message, a log line or a printed error, whichever layer builds the error.
 *
 * Sets are held weakly: a provider that is gone takes its secrets with it. Rotating
 * credentials (exec tokens, refreshed OIDC tokens) keep only their newest few values.
 */

/** What a secret is replaced with, in errors and in printed kubeconfigs (kubectl's word). */
export const REDACTED = "REDACTED";

/**
 * Values shorter than this are not scrubbed: real tokens, keys and passwords are far longer,
 * and blanking every "prod" or "1" out of messages would make them unreadable.
 */
export const MIN_SECRET_LENGTH = 8;

/** Per slot (one rotating credential), how many past values stay known. */
const KEPT_PER_SLOT = 4;

const live = new Set<WeakRef<SecretValues>>();
const forget = new FinalizationRegistry<WeakRef<SecretValues>>((ref) => live.delete(ref));

/**
 * The secret values one component holds. Registering is enough: every KubeError made
 * afterwards, anywhere in the process, is scrubbed of them.
 *
 * @example
 * const secrets = new SecretValues();
 * secrets.add(token, "token");
 * new AuthError(`the issuer said: ${reply}`); // any copy of token in reply reads REDACTED
 */
export class SecretValues {
  readonly #slots = new Map<string, string[]>();
  #forms: string[] = [];

  constructor() {
    const ref = new WeakRef(this);
    live.add(ref);
    forget.register(this, ref);
  }

  /**
   * Registers a secret and the encodings it travels in (percent-, form- and JSON-escaped).
   * A new value in the same `slot` joins the slot's last few rather than piling up.
   */
  add(value: string | undefined, slot = "fixed"): void {
    if (value === undefined || value.length < MIN_SECRET_LENGTH) return;
    const values = this.#slots.get(slot) ?? [];
    if (values.includes(value)) return;
    values.push(value);
    if (values.length > KEPT_PER_SLOT) values.shift();
    this.#slots.set(slot, values);
    this.#rebuild();
  }

  /**
   * Registers key material: the PEM, each of its base64 lines, and its base64 form (how a
   * kubeconfig's `-data` fields hold it).
   */
  addPem(pem: string | undefined, slot = "pem"): void {
    if (!pem) return;
    this.add(pem, slot);
    this.add(base64(pem), `${slot}:base64`);
    const lines = pem.split(/\r?\n/).filter((l) => !l.startsWith("-----") && l.trim().length >= 16);
    lines.forEach((line, i) => this.add(line.trim(), `${slot}:line${i}`));
  }

  /** Every registered form, longest first (so a secret containing another is replaced whole). */
  get forms(): readonly string[] {
    return this.#forms;
  }

  #rebuild(): void {
    const forms = new Set<string>();
    for (const values of this.#slots.values()) {
      for (const v of values) for (const f of encodings(v)) if (f.length >= MIN_SECRET_LENGTH) forms.add(f);
    }
    this.#forms = [...forms].sort((a, b) => b.length - a.length);
  }
}

function base64(text: string): string {
  let binary = "";
  for (const byte of new TextEncoder().encode(text)) binary += String.fromCharCode(byte);
  return btoa(binary);
}

function encodings(value: string): string[] {
  const out = [value, JSON.stringify(value).slice(1, -1)];
  try {
    out.push(encodeURIComponent(value), new URLSearchParams({ v: value }).toString().slice(2));
  } catch {
    // A lone surrogate cannot be percent-encoded; the raw form is still registered.
  }
  return out;
}

function allForms(): string[] {
  const forms: string[] = [];
  for (const ref of live) {
    const set = ref.deref();
    if (set) forms.push(...set.forms);
  }
  return forms.length > 1 ? forms.sort((a, b) => b.length - a.length) : forms;
}

/**
 * `text` with every registered secret replaced by REDACTED.
 *
 * @example scrubText(`token ${token} is revoked`) // "token REDACTED is revoked"
 */
export function scrubText(text: string): string {
  return scrubWith(text, allForms());
}

function scrubWith(text: string, forms: readonly string[]): string {
  let out = text;
  for (const f of forms) if (out.includes(f)) out = out.split(f).join(REDACTED);
  return out;
}

/**
 * A copy of a JSON-like value (a Status) with every string scrubbed. Depth-bounded.
 *
 * @example const status = scrubDeep(JSON.parse(body));
 */
export function scrubDeep<T>(value: T): T {
  const forms = allForms();
  if (forms.length === 0) return value;
  return copyScrubbed(value, forms, 0) as T;
}

function copyScrubbed(value: unknown, forms: readonly string[], depth: number): unknown {
  if (typeof value === "string") return scrubWith(value, forms);
  if (typeof value !== "object" || value === null || depth > 32) return value;
  if (Array.isArray(value)) return value.map((v) => copyScrubbed(v, forms, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[scrubWith(k, forms)] = copyScrubbed(v, forms, depth + 1);
  return out;
}

/**
 * Scrubs a `cause` chain in place: the runtime errors a KubeError wraps (a socket error, a
 * spawn error, Bun's fetch error with the proxy's `statusText`) print with their message,
 * stack and every own property under `util.inspect`, so every string property is scrubbed.
 *
 * @example new TransportError("request failed", site, { cause: scrubCause(err) });
 */
export function scrubCause(cause: unknown): unknown {
  const forms = allForms();
  if (forms.length === 0) return cause;
  let e: unknown = cause;
  for (let depth = 0; depth < 8 && e instanceof Error; depth++) {
    for (const key of Object.getOwnPropertyNames(e)) {
      const descriptor = Object.getOwnPropertyDescriptor(e, key);
      const text: unknown = descriptor?.value;
      if (typeof text !== "string") continue;
      const clean = scrubWith(text, forms);
      if (clean === text) continue;
      try {
        Object.defineProperty(e, key, { value: clean, writable: true, configurable: true, enumerable: descriptor?.enumerable ?? false });
      } catch {
        // A frozen foreign error: nothing we can do, and it is not ours to print either.
      }
    }
    e = e.cause;
  }
  return cause;
}

/**
 * At most `max` characters of someone else's text (a server's, a plugin's) for a message:
 * scrubbed first, so a cut can never leave half a secret behind. With `keep: "end"` the
 * tail is kept, starting at a line boundary when the text was cut.
 *
 * @example excerpt(body, 300) // the first 300 characters, secrets already replaced
 */
export function excerpt(text: string, max: number, keep: "start" | "end" = "start"): string {
  const clean = scrubText(text);
  if (clean.length <= max) return clean;
  if (keep === "start") return `${clean.slice(0, max)}…`;
  const tail = clean.slice(-max);
  const newline = tail.indexOf("\n");
  return `…${newline >= 0 && newline < tail.length - 1 ? tail.slice(newline + 1) : tail}`;
}
