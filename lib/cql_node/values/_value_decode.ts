/**
 * Private helper of the value codec: serialized values (already validated) to plain JS values.
 *
 * @module
 */

import type { CqlType } from "./cql_type.ts";
import { readInt32, readInt64, utf8Decode } from "./_value_bytes.ts";
import { formatInet, formatUuid } from "./_value_ids.ts";
import { formatDecimal, readVarint } from "./_value_numbers.ts";
import { DATE_EPOCH, readDuration } from "./_value_time.ts";

/** The type of the i-th serialized item of a collection or tuple (maps alternate key, value). */
export function itemTypeAt(
  type: Extract<CqlType, { kind: "list" | "set" | "map" | "tuple" }>,
  i: number,
): CqlType {
  if (type.kind === "tuple") return type.elements[i];
  if (type.kind === "map") return i % 2 === 0 ? type.key : type.value;
  return type.element;
}

/** Decodes a range already checked by `validateRange` (see `decodeValue` in `cql_value.ts`). */
export function decodeRange(type: CqlType, bytes: Uint8Array, start: number, end: number): unknown {
  if (type.kind === "native") {
    const name = type.name;
    if (start === end && name !== "text" && name !== "ascii" && name !== "blob") return null;
    const view = new DataView(bytes.buffer, bytes.byteOffset + start, end - start);
    switch (name) {
      case "text":
      case "ascii":
        return utf8Decode(bytes.subarray(start, end));
      case "blob":
        return bytes.slice(start, end);
      case "boolean":
        return bytes[start] !== 0;
      case "tinyint":
        return view.getInt8(0);
      case "smallint":
        return view.getInt16(0);
      case "int":
        return view.getInt32(0);
      case "bigint":
      case "counter":
      case "timestamp":
      case "time":
        return readInt64(bytes, start);
      case "date":
        return view.getUint32(0) - DATE_EPOCH;
      case "float":
        return view.getFloat32(0);
      case "double":
        return view.getFloat64(0);
      case "varint":
        return readVarint(bytes, start, end);
      case "decimal":
        return formatDecimal({
          scale: readInt32(bytes, start),
          unscaled: readVarint(bytes, start + 4, end),
        });
      case "uuid":
      case "timeuuid":
        return formatUuid(bytes, start);
      case "inet":
        return formatInet(bytes.subarray(start, end));
      case "duration":
        return readDuration(bytes, start, end);
    }
  }
  if (type.kind === "custom") return bytes.slice(start, end);
  const items: (unknown | null)[] = [];
  let at = start;
  let count = type.kind === "tuple" ? type.elements.length : readInt32(bytes, start);
  if (type.kind !== "tuple") at += 4;
  if (type.kind === "map") count *= 2;
  for (let i = 0; i < count; i++) {
    if (at >= end) {
      items.push(null);
      continue;
    }
    const size = readInt32(bytes, at);
    at += 4;
    const itemType = itemTypeAt(type, i);
    items.push(size < 0 ? null : decodeRange(itemType, bytes, at, at + size));
    if (size > 0) at += size;
  }
  if (type.kind !== "map") return items;
  const map = new Map<unknown, unknown>();
  for (let i = 0; i < items.length; i += 2) map.set(items[i], items[i + 1]);
  return map;
}
