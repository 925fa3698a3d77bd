/**
 * The CQL types cassandra-stress's profiles generate, and what its partition generator does
 * with a generated value besides binding it: fold it into a seed (`PartitionIterator.seed`)
 * and, for `SORTED` clustering, compare it in Java's natural order. Both work on the value's
 * CQL wire bytes. Private to lib/cql/profile_data.
 *
 * @module
 */

import { OptionError } from "../../errors.ts";
import { doubleToLongWords, SeedWords, TWO_POW_32 } from "./_seed_words.ts";
import { type CqlColumnType, parseCqlColumnType } from "../profile/parse_cql_column_type.ts";

export const TEXT = 0;
export const BLOB = 1;
export const INT = 2;
export const BIGINT = 3;
export const SMALLINT = 4;
export const TINYINT = 5;
export const VARINT = 6;
export const DECIMAL = 7;
export const FLOAT = 8;
export const DOUBLE = 9;
export const BOOLEAN = 10;
export const INET = 11;
export const UUID = 12;
export const TIMEUUID = 13;
export const TIMESTAMP = 14;
export const DATE = 15;
export const TIME = 16;

const SCALARS: Readonly<Record<string, number>> = {
  text: TEXT,
  varchar: TEXT,
  ascii: TEXT,
  blob: BLOB,
  int: INT,
  bigint: BIGINT,
  counter: BIGINT,
  smallint: SMALLINT,
  tinyint: TINYINT,
  varint: VARINT,
  decimal: DECIMAL,
  float: FLOAT,
  double: DOUBLE,
  boolean: BOOLEAN,
  inet: INET,
  uuid: UUID,
  timeuuid: TIMEUUID,
  timestamp: TIMESTAMP,
  date: DATE,
  time: TIME,
};

/** No collection, `list<T>`, `set<T>`. */
export const SCALAR = 0;
export const LIST = 1;
export const SET = 2;

/** A column type: its scalar (or element) kind and its collection kind. */
export interface CqlKind {
  /** The scalar type (of the elements, for a collection): one of the constants above. */
  readonly scalar: number;
  /** `SCALAR`, `LIST` or `SET`. */
  readonly collection: number;
}

/**
 * Reads a CQL type as the profile generators know it: the scalars of cassandra-stress's
 * `getGenerator`, `list<T>` and `set<T>` of a scalar. The fork has no map generator.
 */
export function parseCqlKind(type: string, column: string): CqlKind {
  const parsed = readType(type);
  const isCollection = parsed !== null && (parsed.name === "list" || parsed.name === "set") &&
    parsed.args.length === 1;
  const element = isCollection ? parsed.args[0] : parsed;
  const name = element !== null && element.args.length === 0 ? element.name : "";
  if (!Object.hasOwn(SCALARS, name)) {
    throw new OptionError({
      option: `column ${column}`,
      value: type,
      problem: "has a type cassandra-stress cannot generate",
      expected: `one of ${Object.keys(SCALARS).join(", ")}, or list<T> or set<T> of one of them`,
    });
  }
  return {
    scalar: SCALARS[name],
    collection: !isCollection ? SCALAR : parsed.name === "list" ? LIST : SET,
  };
}

/** The type, or null when it is not a CQL type. */
function readType(type: string): CqlColumnType | null {
  try {
    return parseCqlColumnType(type);
  } catch {
    return null;
  }
}

/** The value of `bytes[at..at+width)` as a signed big-endian long, into `out`. */
function readSigned(bytes: Uint8Array, at: number, width: number, out: SeedWords): void {
  let high = (bytes[at] << 24) >> 31; // sign extension
  let low = high;
  for (let i = 0; i < width; i++) {
    high = (high << 8) | (low >>> 24);
    low = (low << 8) | bytes[at + i];
  }
  out.set(high, low);
}

/** The value of 8 big-endian bytes as a number (exact below 2^53). */
function readNumber(bytes: Uint8Array, at: number, width: number, scratch: SeedWords): number {
  readSigned(bytes, at, width, scratch);
  return scratch.high * TWO_POW_32 + scratch.low;
}

/** Decodes a float or double column value. */
function readFloating(kind: number, bytes: Uint8Array): number {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return kind === FLOAT ? view.getFloat32(0) : view.getFloat64(0);
}

/**
 * `PartitionIterator.seed(value, type, seed)`: folds a value into `seed` as cassandra-stress
 * does. Strings and bytes (and, through their serialised form, timestamps, inets and
 * booleans) fold each (signed) byte; numbers their `longValue()`; UUIDs `lsb ^ msb`.
 * The value is `bytes[0..length)` (all of `bytes` by default).
 */
export function mixValue(
  scalar: number,
  bytes: Uint8Array,
  seed: SeedWords,
  scratch: SeedWords,
  length: number = bytes.length,
): void {
  switch (scalar) {
    case TEXT:
    case BLOB:
    case BOOLEAN:
    case INET:
    case TIMESTAMP:
      seed.mixBytes(bytes, length);
      return;
    case DATE: // the wire holds days + 2^31; c-s folds the Integer days
      readSigned(bytes, 0, 4, scratch);
      seed.mixSmall(scratch.low ^ 0x80000000);
      return;
    case DECIMAL: // scale 0, then the unscaled varint
      readSigned(bytes, 4, length - 4, scratch);
      break;
    case FLOAT:
    case DOUBLE:
      doubleToLongWords(readFloating(scalar, bytes), scratch);
      break;
    case UUID:
    case TIMEUUID: {
      readSigned(bytes, 0, 8, scratch);
      const high = scratch.high;
      const low = scratch.low;
      readSigned(bytes, 8, 8, scratch);
      scratch.set(scratch.high ^ high, scratch.low ^ low);
      break;
    }
    default: // int, bigint, counter, smallint, tinyint, varint, time
      readSigned(bytes, 0, length, scratch);
  }
  seed.mixLong(scratch.high, scratch.low);
}

function compareUnsigned(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
}

function compareSigned(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    if (a[i] !== b[i]) return ((a[i] << 24) >> 24) - ((b[i] << 24) >> 24);
  }
  return a.length - b.length;
}

/** Compares two equal-width two's complement big-endian numbers starting at `at`. */
function compareFixed(a: Uint8Array, b: Uint8Array, at: number, width: number): number {
  if (a[at] !== b[at]) return ((a[at] << 24) >> 24) - ((b[at] << 24) >> 24);
  for (let i = at + 1; i < at + width; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return 0;
}

/** Java's `Double.compare`. */
function compareDoubles(x: number, y: number): number {
  if (x < y) return -1;
  if (x > y) return 1;
  if (x === y && (x !== 0 || Object.is(x, y))) return 0;
  if (x !== x) return y !== y ? 0 : 1;
  if (y !== y) return -1;
  return Object.is(x, -0) ? -1 : 1;
}

/**
 * The natural order (`compareTo`) of the Java value each wire form stands for, or null when
 * the Java class is not `Comparable` (inet, collections): `SORTED` then keeps generation order.
 */
export function comparatorOf(kind: CqlKind): ((a: Uint8Array, b: Uint8Array) => number) | null {
  if (kind.collection !== SCALAR) return null;
  const scratch = new SeedWords();
  switch (kind.scalar) {
    case TEXT:
    case DATE:
    case BOOLEAN:
      return compareUnsigned;
    case BLOB:
      return compareSigned;
    case INET:
      return null;
    case VARINT:
    case DECIMAL: {
      const skip = kind.scalar === DECIMAL ? 4 : 0;
      return (a, b) =>
        readNumber(a, skip, a.length - skip, scratch) -
        readNumber(b, skip, b.length - skip, scratch);
    }
    case FLOAT:
    case DOUBLE:
      return (a, b) => compareDoubles(readFloating(kind.scalar, a), readFloating(kind.scalar, b));
    case UUID:
    case TIMEUUID:
      return (a, b) => compareFixed(a, b, 0, 8) || compareFixed(a, b, 8, 8);
    default: // int, bigint, counter, smallint, tinyint, time, timestamp
      return (a, b) => compareFixed(a, b, 0, a.length);
  }
}
