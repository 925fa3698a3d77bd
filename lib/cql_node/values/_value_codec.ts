/**
 * Private helper of the value codec: plain JS values to bytes and back, the string forms of
 * native types, and the v4 collection layout (`[int n]` then `[int length][bytes]` items).
 *
 * @module
 */

import { type CqlType, formatCqlType, type NativeTypeName } from "./cql_type.ts";
import { CqlValueError } from "./cql_value_error.ts";
import { fromHex, int64Bytes, utf8Encode, writeInt32 } from "./_value_bytes.ts";
import { compareRange } from "./_value_compare.ts";
import { parseInet, parseUuid } from "./_value_ids.ts";
import { parseDecimal, varintBytes } from "./_value_numbers.ts";
import {
  DATE_EPOCH,
  durationBytes,
  type DurationValue,
  MS_PER_DAY,
  NS_PER_DAY,
  parseDate,
  parseDuration,
  parseTime,
  parseTimestamp,
  readDuration,
} from "./_value_time.ts";
import { validateRange } from "./_value_validate.ts";

const INT_RANGES: Partial<Record<NativeTypeName, [bigint, bigint, number]>> = {
  tinyint: [-128n, 127n, 1],
  smallint: [-32768n, 32767n, 2],
  int: [-2147483648n, 2147483647n, 4],
  bigint: [-(2n ** 63n), 2n ** 63n - 1n, 8],
  counter: [-(2n ** 63n), 2n ** 63n - 1n, 8],
  timestamp: [-(2n ** 63n), 2n ** 63n - 1n, 8],
};

const FLOAT_TEXT = /^[+-]?(?:\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?|NaN|Infinity)$/;

/** A fixed-width big-endian two's-complement integer (the caller checks the range). */
export function fixedIntBytes(value: bigint, width: number): Uint8Array {
  if (width === 8) return int64Bytes(value);
  const out = new Uint8Array(width);
  let v = Number(value);
  for (let i = width - 1; i >= 0; i--) {
    out[i] = v & 0xff;
    v >>= 8;
  }
  return out;
}

/** An integer value for an integer-like native type, or `undefined` when out of range. */
export function integerBytes(name: NativeTypeName, value: bigint): Uint8Array | undefined {
  const range = INT_RANGES[name];
  if (range !== undefined) {
    return value < range[0] || value > range[1] ? undefined : fixedIntBytes(value, range[2]);
  }
  switch (name) {
    case "varint":
      return varintBytes(value);
    case "decimal":
      return decimalBytes(value, 0);
    case "float":
    case "double":
      return floatBytes(name, Number(value));
    case "date":
      return value < 0n || value > 0xffffffffn ? undefined : fixedIntBytes(value, 4);
    case "time":
      return value < 0n || value >= NS_PER_DAY ? undefined : int64Bytes(value);
    default:
      return undefined;
  }
}

function decimalBytes(unscaled: bigint, scale: number): Uint8Array {
  const digits = varintBytes(unscaled);
  const out = new Uint8Array(4 + digits.length);
  writeInt32(out, 0, scale);
  out.set(digits, 4);
  return out;
}

function floatBytes(name: "float" | "double", value: number): Uint8Array {
  const out = new Uint8Array(name === "float" ? 4 : 8);
  const view = new DataView(out.buffer);
  if (name === "float") view.setFloat32(0, value);
  else view.setFloat64(0, value);
  return out;
}

function textToInteger(text: string): bigint | undefined {
  const trimmed = text.trim();
  return /^[+-]?\d+$/.test(trimmed) ? BigInt(trimmed) : undefined;
}

/**
 * Converts the text form of a native value to bytes, as Cassandra's `fromString` does; also
 * the conversion behind CQL string literals. `undefined` when the text does not parse.
 */
export function nativeFromString(name: NativeTypeName, text: string): Uint8Array | undefined {
  switch (name) {
    case "text":
      return utf8Encode(text);
    case "ascii": {
      for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 0x7f) return undefined;
      return utf8Encode(text);
    }
    case "blob": {
      const hex = text.startsWith("0x") || text.startsWith("0X") ? text.slice(2) : text;
      return fromHex(hex);
    }
    case "boolean": {
      const lower = text.trim().toLowerCase();
      return lower === "true" || lower === "false"
        ? new Uint8Array([lower === "true" ? 1 : 0])
        : undefined;
    }
    case "tinyint":
    case "smallint":
    case "int":
    case "bigint":
    case "counter":
    case "varint": {
      const value = textToInteger(text);
      return value === undefined ? undefined : integerBytes(name, value);
    }
    case "decimal": {
      const parts = parseDecimal(text.trim());
      return parts === undefined ? undefined : decimalBytes(parts.unscaled, parts.scale);
    }
    case "float":
    case "double": {
      const trimmed = text.trim();
      return FLOAT_TEXT.test(trimmed) ? floatBytes(name, Number(trimmed)) : undefined;
    }
    case "uuid":
      return parseUuid(text);
    case "timeuuid": {
      const bytes = parseUuid(text);
      return bytes !== undefined && (bytes[6] & 0xf0) === 0x10 ? bytes : undefined;
    }
    case "inet":
      return parseInet(text);
    case "timestamp": {
      const ms = parseTimestamp(text);
      return ms === undefined ? undefined : int64Bytes(ms);
    }
    case "date": {
      const raw = parseDate(text);
      return raw === undefined ? undefined : fixedIntBytes(BigInt(raw), 4);
    }
    case "time": {
      const ns = parseTime(text);
      return ns === undefined ? undefined : int64Bytes(ns);
    }
    case "duration": {
      const duration = parseDuration(text);
      return duration === undefined ? undefined : durationBytes(duration);
    }
  }
}

/** Serializes items as `[int length][bytes]` (`null` as length -1), after `[int count]` if given. */
export function serializeItems(items: (Uint8Array | null)[], count: number | null): Uint8Array {
  const withCount = count !== null;
  let length = withCount ? 4 : 0;
  for (const item of items) length += 4 + (item === null ? 0 : item.length);
  const out = new Uint8Array(length);
  let at = 0;
  if (withCount) {
    writeInt32(out, 0, count);
    at = 4;
  }
  for (const item of items) {
    writeInt32(out, at, item === null ? -1 : item.length);
    at += 4;
    if (item !== null) {
      out.set(item, at);
      at += item.length;
    }
  }
  return out;
}

/** Sorts set elements in `element` order and drops duplicates. */
export function canonicalSet(element: CqlType, items: Uint8Array[]): Uint8Array[] {
  const sorted = [...items].sort((a, b) => compareRange(element, a, 0, a.length, b, 0, b.length));
  return sorted.filter((item, i) =>
    i === 0 ||
    compareRange(element, sorted[i - 1], 0, sorted[i - 1].length, item, 0, item.length) !== 0
  );
}

/** Sorts map entries by key; for a repeated key the last entry wins. */
export function canonicalMap(key: CqlType, entries: [Uint8Array, Uint8Array][]): Uint8Array[] {
  const indexed = entries.map((entry, i) => ({ entry, i }));
  indexed.sort((x, y) => {
    const [a, b] = [x.entry[0], y.entry[0]];
    return compareRange(key, a, 0, a.length, b, 0, b.length) || y.i - x.i;
  });
  const out: Uint8Array[] = [];
  let previous: Uint8Array | undefined;
  for (const { entry } of indexed) {
    if (
      previous !== undefined &&
      compareRange(key, previous, 0, previous.length, entry[0], 0, entry[0].length) === 0
    ) {
      continue;
    }
    previous = entry[0];
    out.push(entry[0], entry[1]);
  }
  return out;
}

function describe(value: unknown): string {
  if (typeof value === "string") {
    return `"${value.length > 40 ? value.slice(0, 40) + "..." : value}"`;
  }
  if (typeof value === "bigint") return `${value}n`;
  if (value === null || typeof value !== "object") return String(value);
  if (value instanceof Uint8Array) return `a ${value.length}-byte Uint8Array`;
  return `a ${value.constructor?.name ?? "object"}`;
}

function mismatch(type: CqlType, value: unknown, reason?: string): CqlValueError {
  return new CqlValueError(
    `Cannot encode ${describe(value)} as ${formatCqlType(type)}${reason ? `: ${reason}` : ""}`,
  );
}

function isDurationObject(value: unknown): value is DurationValue {
  if (value === null || typeof value !== "object") return false;
  const v = value as Record<string, unknown>;
  return typeof v.months === "number" && typeof v.days === "number" &&
    (typeof v.nanoseconds === "bigint" || typeof v.nanoseconds === "number");
}

function encodeNative(type: CqlType & { kind: "native" }, value: unknown): Uint8Array | undefined {
  const name = type.name;
  if (value instanceof Uint8Array) {
    return validateRange(type, value, 0, value.length) === undefined ? value.slice() : undefined;
  }
  if (typeof value === "string") return nativeFromString(name, value);
  if (typeof value === "bigint") return integerBytes(name, value);
  if (typeof value === "boolean") {
    return name === "boolean" ? new Uint8Array([value ? 1 : 0]) : undefined;
  }
  if (typeof value === "number") {
    if (name === "float" || name === "double") return floatBytes(name, value);
    if (name === "decimal") {
      const parts = Number.isFinite(value) ? parseDecimal(String(value)) : undefined;
      return parts && decimalBytes(parts.unscaled, parts.scale);
    }
    if (name === "date" && Number.isInteger(value)) {
      return integerBytes(name, BigInt(value) + BigInt(DATE_EPOCH));
    }
    return Number.isInteger(value) ? integerBytes(name, BigInt(value)) : undefined;
  }
  if (value instanceof Date) {
    const ms = value.getTime();
    if (!Number.isFinite(ms)) return undefined;
    if (name === "timestamp") return int64Bytes(BigInt(ms));
    if (name === "date") {
      return integerBytes(name, BigInt(Math.floor(ms / MS_PER_DAY) + DATE_EPOCH));
    }
    return undefined;
  }
  if (name === "duration" && isDurationObject(value)) {
    const bytes = durationBytes({ ...value, nanoseconds: BigInt(value.nanoseconds) });
    return typeof readDuration(bytes, 0, bytes.length) === "string" ? undefined : bytes;
  }
  return undefined;
}

function mapEntries(value: unknown): [unknown, unknown][] | undefined {
  if (value instanceof Map) return [...value.entries()];
  if (
    value !== null && typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype
  ) {
    return Object.entries(value);
  }
  return undefined;
}

function encodeElement(type: CqlType, value: unknown): Uint8Array {
  if (value === null || value === undefined) {
    throw new CqlValueError(
      `Cannot encode ${value} inside ${
        formatCqlType(type)
      }: null is not supported inside collections`,
    );
  }
  return encodeJs(type, value);
}

/** Encodes a plain JS value as `type` (see `encodeValue` in `cql_value.ts`). */
export function encodeJs(type: CqlType, value: unknown): Uint8Array {
  switch (type.kind) {
    case "native": {
      const bytes = encodeNative(type, value);
      if (bytes === undefined) throw mismatch(type, value);
      return bytes;
    }
    case "custom":
      if (value instanceof Uint8Array) return value.slice();
      throw mismatch(type, value, "expected a Uint8Array");
    case "list":
    case "set": {
      const items = Array.isArray(value) ? value : value instanceof Set ? [...value] : undefined;
      if (items === undefined) throw mismatch(type, value, "expected an array");
      const encoded = items.map((item) => encodeElement(type.element, item));
      const unique = type.kind === "set" ? canonicalSet(type.element, encoded) : encoded;
      return serializeItems(unique, unique.length);
    }
    case "map": {
      const entries = mapEntries(value);
      if (entries === undefined) throw mismatch(type, value, "expected a Map or a plain object");
      const encoded = entries.map(([k, v]): [Uint8Array, Uint8Array] => [
        encodeElement(type.key, k),
        encodeElement(type.value, v),
      ]);
      const flat = canonicalMap(type.key, encoded);
      return serializeItems(flat, flat.length / 2);
    }
    case "tuple": {
      if (!Array.isArray(value) || value.length > type.elements.length) {
        throw mismatch(type, value, `expected an array of at most ${type.elements.length} items`);
      }
      const items = type.elements.map((element, i) =>
        value[i] === null || value[i] === undefined ? null : encodeJs(element, value[i])
      );
      return serializeItems(items, null);
    }
  }
}
