import type { KubeRequest, SendOptions } from "../request/types.ts";
import type { HttpResponse } from "../transport/types.ts";

/**
 * A live link to one cluster as one user: server URL, TLS, credentials, impersonation,
 * retries and rate limits, over a pooled Transport. The generic API client and the
 * watch machinery only ever see this interface, so tests and users may inject their own.
 */
export interface Connection {
  /** Server URL, e.g. https://127.0.0.1:6443 (no trailing slash). */
  readonly server: string;
  /** The namespace of the selected context ("default" when it names none). */
  readonly namespace: string;
  /** Name of the kubeconfig context in use, for error messages. */
  readonly contextName: string | undefined;
  /**
   * Sends a request. Resolves with the response when the status is 2xx; otherwise
   * rejects with an ApiError carrying the parsed Status (see src/base/errors.ts).
   */
  send(request: KubeRequest, options?: SendOptions): Promise<HttpResponse>;
  /** Closes pooled connections. */
  close(): void;
}
