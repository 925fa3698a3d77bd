/**
 * Numbers of the CQL native protocol (v3/v4): opcodes, error codes, flags, consistency levels.
 *
 * @module
 */

/**
 * Frame opcodes.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { OPCODE } from "./protocol_constants.ts";
 * assert.equal(OPCODE.query, 0x07);
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
 * ERROR frame codes.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { ERROR_CODE } from "./protocol_constants.ts";
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
  syntaxError: 0x2000,
  unauthorized: 0x2100,
  invalid: 0x2200,
  configError: 0x2300,
  alreadyExists: 0x2400,
  unprepared: 0x2500,
} as const;

/**
 * RESULT kinds.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { RESULT_KIND } from "./protocol_constants.ts";
 * assert.equal(RESULT_KIND.rows, 2);
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
 * Frame header flags.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { FRAME_FLAG } from "./protocol_constants.ts";
 * assert.equal(FRAME_FLAG.compression, 1);
 * ```
 */
export const FRAME_FLAG = {
  compression: 0x01,
  tracing: 0x02,
  customPayload: 0x04,
  warning: 0x08,
} as const;

/**
 * Query parameter flags (QUERY and EXECUTE).
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { QUERY_FLAG } from "./protocol_constants.ts";
 * assert.equal(QUERY_FLAG.pageSize, 4);
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
} as const;

/**
 * Consistency level names by protocol code.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { CONSISTENCY_NAMES } from "./protocol_constants.ts";
 * assert.equal(CONSISTENCY_NAMES[1], "ONE");
 * ```
 */
export const CONSISTENCY_NAMES: readonly string[] = [
  "ANY",
  "ONE",
  "TWO",
  "THREE",
  "QUORUM",
  "ALL",
  "LOCAL_QUORUM",
  "EACH_QUORUM",
  "SERIAL",
  "LOCAL_SERIAL",
  "LOCAL_ONE",
];

/** The largest frame body the node accepts by default: the protocol's 256 MB. */
export const MAX_FRAME_BYTES_DEFAULT = 256 * 1024 * 1024;
