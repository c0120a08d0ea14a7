/**
 * The two waits of an attempt that are not the HTTP exchange itself: getting credentials
 * (a plugin may hang, an issuer may stall) and reading an error body (a server may send a
 * gigabyte of it). Both are bounded: the first by the request's deadline and signal, the
 * second by a size far above any Status the API server writes.
 */
import { TransportError, type ErrorSite } from "../base/errors.ts";
import type { AuthProvider, CredentialWait } from "../config/types.ts";
import { ABORT_ERR, TIMEOUT } from "../transport/transport-errors.ts";
import { collectLimited } from "../transport/body-limit.ts";
import type { HttpResponse } from "../transport/types.ts";

export interface WaitLimits {
  auth: Pick<AuthProvider, "description">;
  /** The request's signal (the caller's, the connection's, close()). */
  signal: AbortSignal;
  /** The attempt's deadline in ms; 0: none. */
  timeoutMs: number;
  site: ErrorSite;
}

/**
 * Runs `work` (credentials() or invalidate()) with a signal that aborts at the deadline or
 * with the request, and stops waiting then even if the provider ignores the signal: a
 * TIMEOUT or ABORT_ERR TransportError naming the auth provider.
 *
 * @example
 * const credentials = await waitForCredentials((wait) => auth.credentials(wait), { auth, signal, timeoutMs: 30_000, site });
 */
export async function waitForCredentials<T>(work: (wait: CredentialWait) => Promise<T>, limits: WaitLimits): Promise<T> {
  const { signal, timeoutMs, site, auth } = limits;
  const stop = new AbortController();
  let timedOut = false;
  const onAbort = (): void => stop.abort(signal.reason);
  if (signal.aborted) onAbort();
  else signal.addEventListener("abort", onAbort, { once: true });
  const timer =
    timeoutMs > 0
      ? setTimeout(() => {
          timedOut = true;
          stop.abort("timeout");
        }, timeoutMs)
      : undefined;
  try {
    if (stop.signal.aborted) throw stop.signal.reason;
    return await new Promise<T>((resolve, reject) => {
      stop.signal.addEventListener("abort", () => reject(stop.signal.reason as unknown), { once: true });
      Promise.resolve()
        .then(() => work({ signal: stop.signal }))
        .then(resolve, reject);
    });
  } catch (err) {
    if (timedOut) {
      throw new TransportError(`no credentials from ${auth.description} within timeoutMs (${timeoutMs} ms)`, site, { code: TIMEOUT });
    }
    if (signal.aborted) throw new TransportError("request aborted while waiting for credentials", site, { code: ABORT_ERR });
    throw err;
  } finally {
    clearTimeout(timer);
    signal.removeEventListener("abort", onAbort);
  }
}

/**
 * The largest error body read: kube-apiserver's Status bodies are a few KiB, a 422 with
 * every field cause of a big object a few hundred.
 */
export const MAX_ERROR_BODY_BYTES = 1024 * 1024;

/**
 * The body of a failed response as text, at most MAX_ERROR_BODY_BYTES of it; a larger body
 * is not read and a note says so (it becomes the error's message, as any non-Status body).
 *
 * @example const body = await readErrorBody(res);
 */
export async function readErrorBody(res: HttpResponse): Promise<string> {
  try {
    return new TextDecoder().decode(await collectLimited(res.stream(), MAX_ERROR_BODY_BYTES, {}));
  } catch (err) {
    if (err instanceof TransportError) return "";
    return `(the server answered ${res.status} with a body larger than ${MAX_ERROR_BODY_BYTES / 1024 / 1024} MiB, not read)`;
  }
}
