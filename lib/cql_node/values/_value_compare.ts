/**
 * Private helper of the value codec: Cassandra's ordering of serialized values (clustering
 * columns, set elements, map keys). Inputs are expected to be valid; malformed collections
 * fall back to byte order instead of throwing or looping.
 *
 * @module
 */

import type { CqlType, NativeTypeName } from "./cql_type.ts";
import { compareByteRanges, readInt32 } from "./_value_bytes.ts";
import { compareDecimals, readVarint } from "./_value_numbers.ts";

const TIME_ORDER = [6, 7, 4, 5, 0, 1, 2, 3];

function sign(d: number): number {
  return d < 0 ? -1 : d > 0 ? 1 : 0;
}

function compareSigned(
  a: Uint8Array,
  as: number,
  ae: number,
  b: Uint8Array,
  bs: number,
  be: number,
): number {
  if (ae - as !== be - bs) return compareByteRanges(a, as, ae, b, bs, be);
  const d = (a[as] ^ 0x80) - (b[bs] ^ 0x80);
  return d !== 0 ? sign(d) : compareByteRanges(a, as + 1, ae, b, bs + 1, be);
}

function isNan(bytes: Uint8Array, at: number, length: number): boolean {
  if (length === 4) {
    const exponent = ((bytes[at] & 0x7f) << 1) | (bytes[at + 1] >> 7);
    return exponent === 0xff && ((bytes[at + 1] & 0x7f) | bytes[at + 2] | bytes[at + 3]) !== 0;
  }
  const exponent = ((bytes[at] & 0x7f) << 4) | (bytes[at + 1] >> 4);
  let mantissa = bytes[at + 1] & 0x0f;
  for (let i = 2; i < 8; i++) mantissa |= bytes[at + i];
  return exponent === 0x7ff && mantissa !== 0;
}

/** Java's Float.compare/Double.compare on the bits: -0 < 0, NaN above everything. */
function compareFloat(
  a: Uint8Array,
  as: number,
  ae: number,
  b: Uint8Array,
  bs: number,
  be: number,
): number {
  const length = ae - as;
  if (length !== be - bs || (length !== 4 && length !== 8)) {
    return compareByteRanges(a, as, ae, b, bs, be);
  }
  const nanA = isNan(a, as, length);
  const nanB = isNan(b, bs, length);
  if (nanA || nanB) return nanA === nanB ? 0 : nanA ? 1 : -1;
  const negA = a[as] & 0x80;
  const negB = b[bs] & 0x80;
  if (negA !== negB) return negA ? -1 : 1;
  const magnitude = compareByteRanges(a, as, ae, b, bs, be);
  return negA ? -magnitude : magnitude;
}

function compareUuid(a: Uint8Array, as: number, b: Uint8Array, bs: number, time: boolean): number {
  const versionA = a[as + 6] >> 4;
  const versionB = b[bs + 6] >> 4;
  if (!time && versionA !== versionB) return sign(versionA - versionB);
  if (time || versionA === 1) {
    for (let k = 0; k < 8; k++) {
      const i = TIME_ORDER[k];
      const flip = time && k === 0 ? 0x80 : 0;
      const d = (a[as + i] ^ flip) - (b[bs + i] ^ flip);
      if (d !== 0) return sign(d);
    }
  } else {
    const d = compareByteRanges(a, as, as + 8, b, bs, bs + 8);
    if (d !== 0) return d;
  }
  const flip = time ? 0x80 : 0; // timeuuid compares the low half as signed bytes
  for (let i = 8; i < 16; i++) {
    const d = (a[as + i] ^ flip) - (b[bs + i] ^ flip);
    if (d !== 0) return sign(d);
  }
  return 0;
}

function compareVarint(
  a: Uint8Array,
  as: number,
  ae: number,
  b: Uint8Array,
  bs: number,
  be: number,
): number {
  if (ae - as === be - bs) return compareSigned(a, as, ae, b, bs, be);
  const x = readVarint(a, as, ae);
  const y = readVarint(b, bs, be);
  return x < y ? -1 : x > y ? 1 : 0;
}

function compareDecimal(
  a: Uint8Array,
  as: number,
  ae: number,
  b: Uint8Array,
  bs: number,
  be: number,
): number {
  if (ae - as < 4 || be - bs < 4) return compareByteRanges(a, as, ae, b, bs, be);
  return compareDecimals(
    { scale: readInt32(a, as), unscaled: readVarint(a, as + 4, ae) },
    { scale: readInt32(b, bs), unscaled: readVarint(b, bs + 4, be) },
  );
}

function compareNative(
  name: NativeTypeName,
  a: Uint8Array,
  as: number,
  ae: number,
  b: Uint8Array,
  bs: number,
  be: number,
): number {
  switch (name) {
    case "int":
    case "bigint":
    case "counter":
    case "smallint":
    case "tinyint":
    case "timestamp":
    case "time":
      return compareSigned(a, as, ae, b, bs, be);
    case "float":
    case "double":
      return compareFloat(a, as, ae, b, bs, be);
    case "boolean":
      return sign((a[as] === 0 ? 0 : 1) - (b[bs] === 0 ? 0 : 1));
    case "uuid":
    case "timeuuid":
      if (ae - as !== 16 || be - bs !== 16) return compareByteRanges(a, as, ae, b, bs, be);
      return compareUuid(a, as, b, bs, name === "timeuuid");
    case "varint":
      return compareVarint(a, as, ae, b, bs, be);
    case "decimal":
      return compareDecimal(a, as, ae, b, bs, be);
    default:
      return compareByteRanges(a, as, ae, b, bs, be);
  }
}

/** Reads `[int size][bytes]` at `at`: the start and end of the item (`start < 0` for null). */
function item(bytes: Uint8Array, at: number, end: number): [number, number] | undefined {
  if (end - at < 4) return undefined;
  const size = readInt32(bytes, at);
  if (size < 0) return [-1, at + 4];
  if (end - at - 4 < size) return undefined;
  return [at + 4, at + 4 + size];
}

function compareItems(
  types: (i: number) => CqlType,
  counts: [number, number] | number,
  a: Uint8Array,
  as: number,
  ae: number,
  b: Uint8Array,
  bs: number,
  be: number,
): number {
  let atA = as;
  let atB = bs;
  const tuple = typeof counts === "number";
  let countA = tuple ? counts : 0;
  let countB = countA;
  if (!tuple) {
    if (ae - as < 4 || be - bs < 4) return compareByteRanges(a, as, ae, b, bs, be);
    countA = readInt32(a, as) * counts[0];
    countB = readInt32(b, bs) * counts[1];
    atA += 4;
    atB += 4;
  }
  for (let i = 0; i < countA && i < countB; i++) {
    const endA = tuple && atA >= ae;
    const endB = tuple && atB >= be;
    if (endA || endB) return endA === endB ? 0 : endA ? -1 : 1;
    const x = item(a, atA, ae);
    const y = item(b, atB, be);
    if (x === undefined || y === undefined) return compareByteRanges(a, as, ae, b, bs, be);
    if (x[0] < 0 || y[0] < 0) {
      if (x[0] >= 0 || y[0] >= 0) return x[0] < 0 ? -1 : 1;
    } else {
      const d = compareRange(types(i), a, x[0], x[1], b, y[0], y[1]);
      if (d !== 0) return d;
    }
    atA = x[1];
    atB = y[1];
  }
  return sign(countA - countB);
}

/** Compares two serialized values of `type` in Cassandra's order. */
export function compareRange(
  type: CqlType,
  a: Uint8Array,
  as: number,
  ae: number,
  b: Uint8Array,
  bs: number,
  be: number,
): number {
  if (as === ae || bs === be) return as === ae ? (bs === be ? 0 : -1) : 1;
  switch (type.kind) {
    case "native":
      return compareNative(type.name, a, as, ae, b, bs, be);
    case "list":
    case "set": {
      const element = type.element;
      return compareItems(() => element, [1, 1], a, as, ae, b, bs, be);
    }
    case "map": {
      const { key, value } = type;
      return compareItems((i) => i % 2 === 0 ? key : value, [2, 2], a, as, ae, b, bs, be);
    }
    case "tuple": {
      const elements = type.elements;
      return compareItems((i) => elements[i], elements.length, a, as, ae, b, bs, be);
    }
    default:
      return compareByteRanges(a, as, ae, b, bs, be);
  }
}
