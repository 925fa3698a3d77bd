/**
 * The options of `HttpPool` (http_pool.ts) and of one of its requests.
 *
 * @module
 */

/** Options of `HttpPool`. */
export interface HttpPoolOptions {
  /** The base URL, `http:` or `https:`; its path is put before every request path. */
  url: string;
  /** The number of connections, which is also the most requests in flight. */
  connections: number;
  /**
   * The time limit of one request in ms, from sending it on an open connection to its complete
   * answer (time spent in the queue and connecting is not counted).
   *
   * @default {10000}
   */
  timeoutMs?: number;
  /**
   * The time limit to get a connection in ms: waiting for the turn to connect (one handshake at
   * a time), the TCP handshake and the TLS one. Beyond it the request resolves `connect_timeout`
   * without having sent anything.
   *
   * @default {10000}
   */
  connectTimeoutMs?: number;
  /**
   * Headers sent with every request.
   *
   * @default {{}}
   */
  headers?: Record<string, string>;
  /**
   * The largest response body accepted, in bytes; a larger one is `bad_response`.
   *
   * @default {8388608}
   */
  maxResponseBytes?: number;
  /**
   * The most requests waiting for a connection; beyond it a request resolves `queue_full`.
   *
   * @default {65536}
   */
  maxQueue?: number;
  /**
   * Whether responses carry their headers (slower: they are decoded).
   *
   * @default {false}
   */
  responseHeaders?: boolean;
  /**
   * Extra PEM CA certificates trusted for `https:` (for self-signed test servers).
   *
   * @default {[]}
   */
  caCerts?: string[];
}

/** Options of one `HttpPool.request`. */
export interface HttpRequestOptions {
  /**
   * The body; a string is sent as UTF-8. `Content-Length` is set from it.
   *
   * @default {undefined}
   */
  body?: Uint8Array | string;
  /**
   * Headers for this request only.
   *
   * @default {undefined}
   */
  headers?: Record<string, string>;
  /**
   * Called when the request is about to be written to its connection, after its wait for a free
   * connection and any handshake: where the time of its answer starts, given as `sentMs`
   * (`performance.now()`). Not called for a request that never got a connection; called again
   * when it is sent again (see `HttpPool.resent`).
   *
   * @default {undefined}
   */
  onSend?: (sentMs: number) => void;
}
