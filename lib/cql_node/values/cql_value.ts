/**
 * The value codec of the embedded CQL node: native protocol v4 serialization of every CQL
 * type, the validation of bound values, the conversion of CQL terms (literals, bind markers,
 * collection literals, `now()`, casts) to bytes, Cassandra's ordering, and CQL literal
 * rendering. Pure: the clock and randomness come in through {@linkcode TermContext}.
 *
 * Collections use the v3+ layout: `[int n]` then n items `[int length][bytes]` (maps: key,
 * value, key, ...). Tuples are the items without the count, `null` components as length -1.
 *
 * @module
 */

import type { Term } from "../parse/cql_ast.ts";
import type { CqlType } from "./cql_type.ts";
import { CqlValueError } from "./cql_value_error.ts";
import { encodeJs } from "./_value_codec.ts";
import { decodeRange } from "./_value_decode.ts";
import { compareRange } from "./_value_compare.ts";
import { formatValue } from "./_value_format.ts";
import { resolve } from "./_value_term.ts";
import type { ResolveTermOptions, TermContext } from "./_term_context.ts";
import { validateRange } from "./_value_validate.ts";

export { CqlValueError } from "./cql_value_error.ts";
export type { ResolveTermOptions, TermContext } from "./_term_context.ts";
export type { DurationValue } from "./_value_time.ts";
export { argumentTypeOf } from "./_value_functions.ts";

/**
 * Encodes a plain JS value as a serialized value of `type`, for system table rows and tests.
 *
 * Accepted: strings for every native type in its CQL text form (`"127.0.0.1"`, a canonical
 * UUID, `"2024-01-02 03:04:05+0000"`, `"12.50"` for decimal, `"0xcafe"` for blob, `"1h30m"`);
 * numbers for the integer types, float, double and decimal (a `date` number is days since
 * 1970-01-01, a `time` number nanoseconds of the day); bigints for the integer types; booleans;
 * a `Date` for timestamp and date; a `Uint8Array` of valid bytes for any native type (and the
 * only form for custom types); `{ months, days, nanoseconds }` for duration; arrays (or a
 * `Set`) for list and set (sets come out sorted and deduplicated); a `Map` or plain object for
 * map (sorted by key); arrays for tuples (`null`/`undefined` components are null).
 *
 * @param type The CQL type.
 * @param value The value.
 * @returns The serialized value.
 * @throws {CqlValueError} When the value does not fit the type (`Cannot encode "x" as int`).
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { encodeValue } from "./cql_value.ts";
 * const int = { kind: "native", name: "int" } as const;
 * assert.deepEqual(encodeValue(int, 258), new Uint8Array([0, 0, 1, 2]));
 * assert.throws(() => encodeValue(int, "x"), /Cannot encode "x" as int/);
 * ```
 */
export function encodeValue(type: CqlType, value: unknown): Uint8Array {
  return encodeJs(type, value);
}

/**
 * Decodes a serialized value (strictly checked first, so hostile bytes give a
 * {@linkcode CqlValueError}, never another exception). Results: `string` for text, ascii,
 * inet, uuid and timeuuid (canonical lower case) and decimal (Java `BigDecimal.toString()`,
 * scale kept); `number` for tinyint, smallint, int, float, double and date (days since
 * 1970-01-01); `bigint` for bigint, counter, varint, timestamp (milliseconds since the epoch:
 * lossless for the whole 64-bit range, unlike `Date`) and time (nanoseconds of the day);
 * `boolean`; a `Uint8Array` copy for blob and custom types; `{ months, days, nanoseconds }`
 * for duration; arrays for list, set and tuple; a `Map` for map. An empty value of a type
 * other than text, ascii and blob decodes as `null`, as drivers do.
 *
 * @param type The CQL type.
 * @param bytes The serialized value.
 * @returns The decoded value.
 * @throws {CqlValueError} With {@linkcode validateValue}'s message when the bytes are invalid.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { decodeValue, encodeValue } from "./cql_value.ts";
 * const map = { kind: "map", key: { kind: "native", name: "text" }, value: { kind: "native", name: "int" }, frozen: false } as const;
 * assert.deepEqual(decodeValue(map, encodeValue(map, { b: 2, a: 1 })), new Map([["a", 1], ["b", 2]]));
 * ```
 */
export function decodeValue(type: CqlType, bytes: Uint8Array): unknown {
  const problem = validateRange(type, bytes, 0, bytes.length);
  if (problem !== undefined) throw new CqlValueError(problem);
  return decodeRange(type, bytes, 0, bytes.length);
}

/**
 * Checks a serialized value received from a client, as Cassandra's serializers do. Fast: no
 * allocation for native types, a length check for most, nothing for blob.
 *
 * @param type The CQL type.
 * @param bytes The value.
 * @returns Cassandra's error message (`Expected 4 or 0 byte int (3)`, `String didn't
 * validate.`, `Not enough bytes to read a list`, ...) or `undefined` when valid.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { validateValue } from "./cql_value.ts";
 * const int = { kind: "native", name: "int" } as const;
 * assert.equal(validateValue(int, new Uint8Array(3)), "Expected 4 or 0 byte int (3)");
 * assert.equal(validateValue(int, new Uint8Array(4)), undefined);
 * ```
 */
export function validateValue(type: CqlType, bytes: Uint8Array): string | undefined {
  return validateRange(type, bytes, 0, bytes.length);
}

/**
 * Converts a term of the syntax tree to the serialized value of `type`, with Cassandra's
 * literal rules: string literals for text, ascii, timestamp, date, time, inet and (as this
 * node also allows) uuid/timeuuid; integer literals for the integer types (range checked),
 * varint, decimal, float, double, timestamp (ms), date (raw) and time (ns); float literals
 * for decimal, float and double; hex only for blob; UUID literals for uuid and timeuuid;
 * booleans; durations. Collection literals convert their elements (sets sorted and
 * deduplicated, maps sorted by key). Functions: `now()`, `currentTimeUUID()`, `uuid()`,
 * `currentTimestamp()`, `currentDate()`, `currentTime()`, `toTimestamp()`, `toDate()`,
 * `toUnixTimestamp()`, `dateOf()`, `unixTimestampOf()`, `minTimeuuid()`, `maxTimeuuid()`,
 * `blobAsX()` and `xAsBlob()`. Bound values are checked with {@linkcode validateValue}.
 *
 * @param type The type of the receiving column.
 * @param term The term.
 * @param context Bound values, the clock and randomness.
 * @param options The column name for messages; whether to validate bound values.
 * @returns The bytes, `null` for CQL null, `undefined` for an unset bound value.
 * @throws {CqlValueError} For a term that does not fit the type, for example
 * `Invalid STRING constant (foo) for "k" of type int`.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { resolveTerm } from "./cql_value.ts";
 * const int = { kind: "native", name: "int" } as const;
 * const context = { bound: () => undefined, nowMs: 0, randomBytes: (n: number) => new Uint8Array(n) };
 * assert.deepEqual(resolveTerm(int, { kind: "integer", text: "7" }, context), new Uint8Array([0, 0, 0, 7]));
 * assert.throws(
 *   () => resolveTerm(int, { kind: "string", text: "foo" }, context, { column: "k" }),
 *   { message: 'Invalid STRING constant (foo) for "k" of type int' },
 * );
 * ```
 */
export function resolveTerm(
  type: CqlType,
  term: Term,
  context: TermContext,
  options: ResolveTermOptions = {},
): Uint8Array | null | undefined {
  return resolve(type, term, context, options);
}

/**
 * Compares two serialized values in Cassandra's order (clustering columns, set elements, map
 * keys): empty values first; signed for the integer types, timestamp and time; Java's
 * `Float.compare` for float and double (-0 before 0, NaN last); unsigned bytes for blob,
 * text, ascii, inet and date; timeuuid by time, then the low half as signed bytes; uuid as
 * Cassandra's UUIDType (version, then time for version 1 or the bytes); false before true;
 * varint and decimal numerically; collections and tuples element by element.
 *
 * @param type The CQL type of both values.
 * @param a A valid serialized value.
 * @param b A valid serialized value.
 * @returns A negative number, 0, or a positive number.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { compareValues, encodeValue } from "./cql_value.ts";
 * const int = { kind: "native", name: "int" } as const;
 * assert.ok(compareValues(int, encodeValue(int, -1), encodeValue(int, 1)) < 0);
 * ```
 */
export function compareValues(type: CqlType, a: Uint8Array, b: Uint8Array): number {
  return compareRange(type, a, 0, a.length, b, 0, b.length);
}

/**
 * Renders a serialized value as a CQL literal (for messages and tests): `'it''s'`, `42`,
 * `0xcafe`, uuids bare, `'2024-01-02T03:04:05.000Z'` for timestamps, `'2024-01-02'`,
 * `'03:04:05.000000000'`, `1h30m`, `[1, 2]`, `{1, 2}`, `{'a': 1}`, `(1, null)`. Invalid
 * bytes render as a blob literal.
 *
 * @param type The CQL type.
 * @param bytes The serialized value.
 * @returns The CQL literal.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { encodeValue, formatValueForCql } from "./cql_value.ts";
 * const list = { kind: "list", element: { kind: "native", name: "text" }, frozen: false } as const;
 * assert.equal(formatValueForCql(list, encodeValue(list, ["it's", "b"])), "['it''s', 'b']");
 * ```
 */
export function formatValueForCql(type: CqlType, bytes: Uint8Array): string {
  return formatValue(type, bytes);
}
