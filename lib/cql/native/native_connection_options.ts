/**
 * The options of a native CQL connection ({@linkcode NativeConnectionOptions}), of its requests
 * ({@linkcode RequestOptions}), and the statements of its batches ({@linkcode BatchEntry}).
 *
 * @module
 */

import type { CqlTlsSpec } from "../cql_connection_spec.ts";
import type { BatchStatement } from "./batch_request.ts";
import type { BoundValue } from "./frame_buffer.ts";
import type { PreparedStatement } from "./prepared_statement.ts";

export type { CqlTlsSpec } from "../cql_connection_spec.ts";

/** How to open a native connection (`NativeConnection.open`). */
export interface NativeConnectionOptions {
  /** Host name or address. */
  readonly host: string;
  /** The native protocol port. */
  readonly port: number;
  /**
   * TLS (CA, client certificate, host name check), or null for plain TCP.
   *
   * @default {null}
   */
  readonly tls?: CqlTlsSpec | null;
  /**
   * PasswordAuthenticator credentials (SASL PLAIN), or null.
   *
   * @default {null}
   */
  readonly credentials?: { readonly user: string; readonly password: string } | null;
  /**
   * The highest protocol version to try: 5 falls back to 4 when the node refuses it; 4 and 3
   * are used as given.
   *
   * @default {5}
   */
  readonly maxProtocolVersion?: 3 | 4 | 5;
  /**
   * How long opening may take in all (socket, TLS, STARTUP, authentication, USE), in ms.
   *
   * @default {5000}
   */
  readonly connectTimeoutMs?: number;
  /**
   * The keyspace to `USE` after the handshake (quoted: the name as stored, case and all), or
   * null.
   *
   * @default {null}
   */
  readonly keyspace?: string | null;
  /**
   * Stream ids, that is requests in flight at most (1..32768); more wait in order.
   *
   * @default {2048}
   */
  readonly maxInFlight?: number;
  /**
   * The timeout of requests whose options give none, in ms (0: none).
   *
   * @default {12000}
   */
  readonly requestTimeoutMs?: number;
  /**
   * The largest response body accepted, in bytes.
   *
   * @default {268435456}
   */
  readonly maxResponseBytes?: number;
  /**
   * Frame compression: `lz4` asks STARTUP for it after checking that the node lists it in
   * SUPPORTED (OPTIONS), and the open fails with a `NativeConnectionError` when it
   * does not (no silent fallback). Then v3/v4 frame bodies are compressed (the compression flag
   * 0x01, a 4-byte big-endian uncompressed length and an LZ4 block), or v5 segments are
   * (the 8-byte compressed segment header). `snappy` is not supported (the open rejects it).
   *
   * @default {"none"}
   */
  readonly compression?: "none" | "lz4";
}

/** How one request runs. */
export interface RequestOptions {
  /** The consistency code (`CONSISTENCY` of protocol_codes.ts). */
  readonly consistency: number;
  /**
   * The serial consistency code; the node's default (SERIAL) when absent.
   *
   * @default {undefined}
   */
  readonly serialConsistency?: number;
  /**
   * The default timestamp (µs since the epoch); the node's clock when absent.
   *
   * @default {undefined}
   */
  readonly timestampUs?: number | bigint;
  /**
   * Rows per page; no paging when absent.
   *
   * @default {undefined}
   */
  readonly pageSize?: number;
  /**
   * Where the previous page ended.
   *
   * @default {null}
   */
  readonly pagingState?: Uint8Array | null;
  /**
   * The request's timeout in ms (0: none); the connection's `requestTimeoutMs` when absent.
   *
   * @default {undefined}
   */
  readonly timeoutMs?: number;
}

/** One statement of a batch: prepared, or a text, with its bound values. */
export interface BatchEntry extends BatchStatement {
  /** The prepared statement, or the statement text. */
  readonly statement: PreparedStatement | string;
  /** Its bound values, in marker order. */
  readonly values: readonly BoundValue[];
}
