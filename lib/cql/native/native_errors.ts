/**
 * The errors of the native CQL client: a server's ERROR response, a response that breaks the
 * protocol, a connection that failed or closed, and a request the server did not answer in time.
 * Their names match what cassandra-driver calls the same failures where it has one
 * (`ResponseError`, `OperationTimedOutError`), since the run's output prints names and messages.
 *
 * @module
 */

/** The extra fields some ERROR codes carry (spec section 9 of v4, 8 of v5). */
export interface ResponseErrorDetails {
  /** The consistency code of Unavailable, timeouts and failures. */
  readonly consistencies?: number;
  /** Unavailable: replicas required. */
  readonly required?: number;
  /** Unavailable: replicas alive. */
  readonly alive?: number;
  /** Timeouts and failures: replicas that answered. */
  readonly received?: number;
  /** Timeouts and failures: replicas required. */
  readonly blockFor?: number;
  /** Read timeout and failure: whether the replica asked for data answered. */
  readonly isDataPresent?: boolean;
  /** Write timeout and failure: `SIMPLE`, `BATCH`, `BATCH_LOG`, `CAS`, ... */
  readonly writeType?: string;
  /** Read and write failures: replicas that failed. */
  readonly failures?: number;
  /** Unprepared: the statement id the node does not know. */
  readonly queryId?: Uint8Array;
  /** Already exists and function failure: the keyspace. */
  readonly keyspace?: string;
  /** Already exists: the table (absent for a keyspace). */
  readonly table?: string;
  /** Function failure: the function. */
  readonly functionName?: string;
}

/**
 * An ERROR response from the server: its `code` and `message` (for Unavailable, timeouts and
 * failures the message cassandra-driver derives from the fields), named `ResponseError` as
 * cassandra-driver names it.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { NativeResponseError } from "./native_errors.ts";
 * const error = new NativeResponseError(0x2200, "Invalid query");
 * assert.equal(error.name, "ResponseError");
 * assert.equal(error.code, 0x2200);
 * ```
 */
export class NativeResponseError extends Error {
  /** The ERROR code. */
  readonly code: number;
  /** Consistency code (Unavailable, timeouts, failures). */
  readonly consistencies?: number;
  /** Unavailable: replicas required. */
  readonly required?: number;
  /** Unavailable: replicas alive. */
  readonly alive?: number;
  /** Timeouts and failures: replicas that answered. */
  readonly received?: number;
  /** Timeouts and failures: replicas required. */
  readonly blockFor?: number;
  /** Read timeout and failure: whether the data replica answered. */
  readonly isDataPresent?: boolean;
  /** Write timeout and failure: the write type. */
  readonly writeType?: string;
  /** Read and write failures: replicas that failed. */
  readonly failures?: number;
  /** Unprepared: the unknown statement id. */
  readonly queryId?: Uint8Array;
  /** Already exists, function failure: the keyspace. */
  readonly keyspace?: string;
  /** Already exists: the table. */
  readonly table?: string;
  /** Function failure: the function. */
  readonly functionName?: string;

  /**
   * Creates the error.
   *
   * @param code The ERROR code.
   * @param message The message.
   * @param details The code's extra fields.
   */
  constructor(code: number, message: string, details: ResponseErrorDetails = {}) {
    super(message);
    this.name = "ResponseError";
    this.code = code;
    Object.assign(this, details);
  }
}

/**
 * A response that does not follow the protocol (a bad header, a checksum mismatch, a body too
 * short for what it declares, an unknown stream id): the connection cannot be trusted after it.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { NativeProtocolError } from "./native_errors.ts";
 * assert.equal(new NativeProtocolError("bad").name, "NativeProtocolError");
 * ```
 */
export class NativeProtocolError extends Error {
  /**
   * Creates the error.
   *
   * @param message What was wrong.
   * @param options The cause, if any.
   */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "NativeProtocolError";
  }
}

/**
 * A connection that could not be opened, or failed or closed with requests in flight.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { NativeConnectionError } from "./native_errors.ts";
 * const error = new NativeConnectionError("Connection to 127.0.0.1:9042 closed");
 * assert.equal(error.name, "NativeConnectionError");
 * ```
 */
export class NativeConnectionError extends Error {
  /**
   * Creates the error.
   *
   * @param message What happened to the connection.
   * @param options The cause, if any.
   */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "NativeConnectionError";
  }
}

/**
 * A request the server did not answer within its timeout, worded as cassandra-driver words it:
 * `The host 127.0.0.1:9042 did not reply before timeout 12000 ms`.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { NativeTimeoutError } from "./native_errors.ts";
 * const error = new NativeTimeoutError("127.0.0.1:9042", 500);
 * assert.equal(error.name, "OperationTimedOutError");
 * assert.equal(error.message, "The host 127.0.0.1:9042 did not reply before timeout 500 ms");
 * ```
 */
export class NativeTimeoutError extends Error {
  /** `host:port` of the server. */
  readonly host: string;

  /**
   * Creates the error.
   *
   * @param host `host:port` of the server.
   * @param timeoutMs The timeout that passed.
   */
  constructor(host: string, timeoutMs: number) {
    super(`The host ${host} did not reply before timeout ${timeoutMs} ms`);
    this.name = "OperationTimedOutError";
    this.host = host;
  }
}
