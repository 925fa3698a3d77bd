/**
 * Private helper of the value codec: checks serialized values as Cassandra's serializers do,
 * returning Cassandra's message. Never reads outside the given range, never throws.
 *
 * @module
 */

import type { CqlType } from "./cql_type.ts";
import { isValidUtf8, readInt32, toHex } from "./_value_bytes.ts";
import { readDuration } from "./_value_time.ts";

function validateCollection(
  kind: "list" | "set" | "map",
  key: CqlType,
  value: CqlType | undefined,
  bytes: Uint8Array,
  start: number,
  end: number,
): string | undefined {
  const short = `Not enough bytes to read a ${kind}`;
  if (end - start < 4) return short;
  const count = readInt32(bytes, start);
  if (count < 0) return short;
  let at = start + 4;
  const perItem = value === undefined ? 1 : 2;
  for (let i = 0; i < count * perItem; i++) {
    if (end - at < 4) return short;
    const size = readInt32(bytes, at);
    at += 4;
    if (size < 0) return "null is not supported inside collections";
    if (end - at < size) return short;
    const problem = validateRange(
      value !== undefined && i % 2 === 1 ? value : key,
      bytes,
      at,
      at + size,
    );
    if (problem !== undefined) return problem;
    at += size;
  }
  return at === end ? undefined : `Unexpected extraneous bytes after ${kind} value`;
}

function validateTuple(
  elements: CqlType[],
  bytes: Uint8Array,
  start: number,
  end: number,
): string | undefined {
  let at = start;
  for (let i = 0; i < elements.length && at < end; i++) {
    if (end - at < 4) return `Not enough bytes to read size of ${i}th component`;
    const size = readInt32(bytes, at);
    at += 4;
    if (size < 0) continue;
    if (end - at < size) return `Not enough bytes to read ${i}th component`;
    const problem = validateRange(elements[i], bytes, at, at + size);
    if (problem !== undefined) return problem;
    at += size;
  }
  return at === end ? undefined : "Invalid remaining data after end of tuple value";
}

/** Validates `bytes[start, end)` as a value of `type`; Cassandra's message, or `undefined`. */
export function validateRange(
  type: CqlType,
  bytes: Uint8Array,
  start: number,
  end: number,
): string | undefined {
  const n = end - start;
  if (type.kind === "native") {
    switch (type.name) {
      case "blob":
      case "varint":
        return undefined;
      case "int":
        return n === 4 || n === 0 ? undefined : `Expected 4 or 0 byte int (${n})`;
      case "bigint":
      case "counter":
        return n === 8 || n === 0 ? undefined : `Expected 8 or 0 byte long (${n})`;
      case "text":
        return isValidUtf8(bytes, start, end) ? undefined : "String didn't validate.";
      case "ascii":
        for (let i = start; i < end; i++) {
          if (bytes[i] > 0x7f) return `Invalid byte for ascii: ${bytes[i] - 256}`;
        }
        return undefined;
      case "timestamp":
        return n === 8 || n === 0 ? undefined : `Expected 8 or 0 byte long for date (${n})`;
      case "uuid":
        return n === 16 || n === 0 ? undefined : `UUID should be 16 or 0 bytes (${n})`;
      case "timeuuid":
        if (n !== 16 && n !== 0) return `UUID should be 16 or 0 bytes (${n})`;
        return n === 0 || (bytes[start + 6] & 0xf0) === 0x10
          ? undefined
          : "Invalid version for TimeUUID type.";
      case "boolean":
        return n === 1 || n === 0 ? undefined : `Expected 1 or 0 byte value (${n})`;
      case "float":
        return n === 4 || n === 0 ? undefined : `Expected 4 or 0 byte value for a float (${n})`;
      case "double":
        return n === 8 || n === 0 ? undefined : `Expected 8 or 0 byte value for a double (${n})`;
      case "smallint":
        return n === 2 ? undefined : `Expected 2 bytes for a smallint (${n})`;
      case "tinyint":
        return n === 1 ? undefined : `Expected 1 byte for a tinyint (${n})`;
      case "date":
        return n === 4 ? undefined : `Expected 4 byte long for date (${n})`;
      case "time":
        return n === 8 ? undefined : `Expected 8 byte long for a time (${n})`;
      case "decimal":
        return n === 0 || n >= 4 ? undefined : `Expected 0 or at least 4 bytes (${n})`;
      case "inet":
        return n === 0 || n === 4 || n === 16
          ? undefined
          : `Expected 4 or 16 byte inetaddress; got ${toHex(bytes.subarray(start, end))}`;
      case "duration": {
        const duration = readDuration(bytes, start, end);
        return typeof duration === "string" ? duration : undefined;
      }
    }
  }
  switch (type.kind) {
    case "list":
    case "set":
      return validateCollection(type.kind, type.element, undefined, bytes, start, end);
    case "map":
      return validateCollection("map", type.key, type.value, bytes, start, end);
    case "tuple":
      return validateTuple(type.elements, bytes, start, end);
    default:
      return undefined;
  }
}
