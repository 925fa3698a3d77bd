/**
 * The numbers of the CQL native protocol (v3, v4, v5): opcodes, consistency levels, error
 * codes, result kinds and the flag bits of requests and responses, as the protocol
 * specifications define them; shared by the client (`lib/cql/native`) and the embedded node
 * (`lib/cql_node/protocol`).
 *
 * @module
 */

/**
 * Message opcodes (spec section 2.4 of v4, 2.4.1.4 of v5).
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { OPCODE } from "./protocol_codes.ts";
 * assert.equal(OPCODE.execute, 0x0a);
 * ```
 */
export const OPCODE = {
  error: 0x00,
  startup: 0x01,
  ready: 0x02,
  authenticate: 0x03,
  options: 0x05,
  supported: 0x06,
  query: 0x07,
  result: 0x08,
  prepare: 0x09,
  execute: 0x0a,
  register: 0x0b,
  event: 0x0c,
  batch: 0x0d,
  authChallenge: 0x0e,
  authResponse: 0x0f,
  authSuccess: 0x10,
} as const;

/**
 * Consistency levels by name, as the [consistency] [short] codes.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { CONSISTENCY } from "./protocol_codes.ts";
 * assert.equal(CONSISTENCY.LOCAL_ONE, 0x000a);
 * ```
 */
export const CONSISTENCY = {
  ANY: 0x0000,
  ONE: 0x0001,
  TWO: 0x0002,
  THREE: 0x0003,
  QUORUM: 0x0004,
  ALL: 0x0005,
  LOCAL_QUORUM: 0x0006,
  EACH_QUORUM: 0x0007,
  SERIAL: 0x0008,
  LOCAL_SERIAL: 0x0009,
  LOCAL_ONE: 0x000a,
} as const;

/** A consistency level name. */
export type ConsistencyName = keyof typeof CONSISTENCY;

/**
 * The consistency names by code (`CONSISTENCY_NAMES[1]` is `"ONE"`).
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { CONSISTENCY_NAMES } from "./protocol_codes.ts";
 * assert.equal(CONSISTENCY_NAMES[10], "LOCAL_ONE");
 * ```
 */
export const CONSISTENCY_NAMES: readonly string[] = Object.keys(CONSISTENCY);

/**
 * The name of a consistency code, as cassandra-driver prints it (`LOCAL_ONE`), or the code in
 * hex when the protocol defines no such level.
 *
 * @param code The [consistency] code.
 * @returns The name.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { consistencyName } from "./protocol_codes.ts";
 * assert.equal(consistencyName(4), "QUORUM");
 * assert.equal(consistencyName(99), "0x0063");
 * ```
 */
export function consistencyName(code: number): string {
  return CONSISTENCY_NAMES[code] ?? `0x${code.toString(16).padStart(4, "0")}`;
}

/**
 * ERROR codes (spec section 9 of v4, 8 of v5).
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { ERROR_CODE } from "./protocol_codes.ts";
 * assert.equal(ERROR_CODE.unprepared, 0x2500);
 * ```
 */
export const ERROR_CODE = {
  serverError: 0x0000,
  protocolError: 0x000a,
  badCredentials: 0x0100,
  unavailable: 0x1000,
  overloaded: 0x1001,
  isBootstrapping: 0x1002,
  truncateError: 0x1003,
  writeTimeout: 0x1100,
  readTimeout: 0x1200,
  readFailure: 0x1300,
  functionFailure: 0x1400,
  writeFailure: 0x1500,
  cdcWriteFailure: 0x1600,
  casWriteUnknown: 0x1700,
  syntaxError: 0x2000,
  unauthorized: 0x2100,
  invalid: 0x2200,
  configError: 0x2300,
  alreadyExists: 0x2400,
  unprepared: 0x2500,
} as const;

/**
 * RESULT kinds (spec section 4.2.5).
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { RESULT_KIND } from "./protocol_codes.ts";
 * assert.equal(RESULT_KIND.void, 1);
 * ```
 */
export const RESULT_KIND = {
  void: 0x0001,
  rows: 0x0002,
  setKeyspace: 0x0003,
  prepared: 0x0004,
  schemaChange: 0x0005,
} as const;

/**
 * Frame header flag bits (spec section 2.2 of v4, 2.4.1.2 of v5).
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { FRAME_FLAG } from "./protocol_codes.ts";
 * assert.equal(FRAME_FLAG.warning, 0x08);
 * ```
 */
export const FRAME_FLAG = {
  compression: 0x01,
  tracing: 0x02,
  customPayload: 0x04,
  warning: 0x08,
  useBeta: 0x10,
} as const;

/**
 * The flag bits of `<query_parameters>` (QUERY, EXECUTE) and of BATCH: a [byte] before v5,
 * an [int] in v5.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { QUERY_FLAG } from "./protocol_codes.ts";
 * assert.equal(QUERY_FLAG.values | QUERY_FLAG.defaultTimestamp, 0x21);
 * ```
 */
export const QUERY_FLAG = {
  values: 0x01,
  skipMetadata: 0x02,
  pageSize: 0x04,
  pagingState: 0x08,
  serialConsistency: 0x10,
  defaultTimestamp: 0x20,
  namesForValues: 0x40,
  keyspace: 0x80,
  nowInSeconds: 0x100,
} as const;

/**
 * The flag bits of a Rows result's `<metadata>`.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { ROWS_FLAG } from "./protocol_codes.ts";
 * assert.equal(ROWS_FLAG.hasMorePages, 2);
 * ```
 */
export const ROWS_FLAG = {
  globalTablesSpec: 0x0001,
  hasMorePages: 0x0002,
  noMetadata: 0x0004,
  metadataChanged: 0x0008,
} as const;

/**
 * BATCH types.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { BATCH_TYPE } from "./protocol_codes.ts";
 * assert.equal(BATCH_TYPE.counter, 2);
 * ```
 */
export const BATCH_TYPE = {
  logged: 0,
  unlogged: 1,
  counter: 2,
} as const;

/** A BATCH type: 0 logged, 1 unlogged, 2 counter. */
export type BatchType = (typeof BATCH_TYPE)[keyof typeof BATCH_TYPE];

/**
 * The largest envelope body the protocol allows (256 MiB), the default limit on responses.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { MAX_BODY_BYTES } from "./protocol_codes.ts";
 * assert.equal(MAX_BODY_BYTES, 268435456);
 * ```
 */
export const MAX_BODY_BYTES = 256 * 1024 * 1024;

/**
 * The 9-byte header of a v3/v4 frame or a v5 envelope.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { HEADER_BYTES } from "./protocol_codes.ts";
 * assert.equal(HEADER_BYTES, 9);
 * ```
 */
export const HEADER_BYTES = 9;
