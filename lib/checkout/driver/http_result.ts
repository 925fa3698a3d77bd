/**
 * The outcome of one request of `HttpPool` (http_pool.ts): a response, whatever
 * its status, or a failure of a kind.
 *
 * @module
 */

/**
 * Why a request failed: `connect` (refused, unreachable or a failed TLS handshake),
 * `connect_timeout` (no connection within `connectTimeoutMs`: a server whose accept queue is full
 * drops the handshake), `timeout` (no complete answer within `timeoutMs` of sending the request),
 * `reset` (the connection was closed or reset before the response was complete, or the pool was
 * closed), `bad_response` (not HTTP, a bad status line, header or chunked encoding, or too
 * large), `queue_full` (more than `maxQueue` requests waiting). After `connect`,
 * `connect_timeout` and `queue_full` nothing of the request was sent, so sending it again cannot
 * apply it twice.
 */
export type HttpErrorKind =
  | "connect"
  | "connect_timeout"
  | "timeout"
  | "reset"
  | "bad_response"
  | "queue_full";

/** A complete response (any status: a 500 is a response too). */
export interface HttpResponse {
  /** Always `true`: a response was received. */
  ok: true;
  /** The status code. */
  status: number;
  /** The body (decoded from chunked encoding; empty for HEAD, 204 and 304). */
  body: Uint8Array;
  /** The headers (lower-case names), only with `responseHeaders: true`. */
  headers?: Record<string, string>;
}

/** A request that got no complete response. */
export interface HttpFailure {
  /** Always `false`. */
  ok: false;
  /** The kind of failure. */
  error: HttpErrorKind;
  /** What happened, for humans. */
  message: string;
}

/** The outcome of `HttpPool.request`: a response or a failure. */
export type HttpResult = HttpResponse | HttpFailure;
