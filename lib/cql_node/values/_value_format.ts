/**
 * Private helper of the value codec: renders serialized values as CQL literals.
 *
 * @module
 */

import type { CqlType } from "./cql_type.ts";
import { readInt32, readInt64, toHex } from "./_value_bytes.ts";
import { decodeRange, itemTypeAt } from "./_value_decode.ts";
import { formatDate, formatDuration, formatTime, formatTimestamp } from "./_value_time.ts";
import { validateRange } from "./_value_validate.ts";

const MAX_DATE_MS = 8_640_000_000_000_000n;

function quote(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

function formatFloat(value: number): string {
  if (Number.isNaN(value)) return "NaN";
  if (!Number.isFinite(value)) return value > 0 ? "Infinity" : "-Infinity";
  return Object.is(value, -0) ? "-0.0" : String(value);
}

function formatRange(type: CqlType, bytes: Uint8Array, start: number, end: number): string {
  if (type.kind === "custom") return "0x" + toHex(bytes.subarray(start, end));
  if (type.kind === "native") {
    if (start === end && type.name !== "text" && type.name !== "ascii") {
      return type.name === "blob" ? "0x" : "''";
    }
    switch (type.name) {
      case "text":
      case "ascii":
      case "inet":
        return quote(String(decodeRange(type, bytes, start, end)));
      case "blob":
        return "0x" + toHex(bytes.subarray(start, end));
      case "float":
      case "double":
        return formatFloat(decodeRange(type, bytes, start, end) as number);
      case "timestamp": {
        const ms = readInt64(bytes, start);
        return ms > MAX_DATE_MS || ms < -MAX_DATE_MS ? ms.toString() : quote(formatTimestamp(ms));
      }
      case "date":
        return quote(formatDate(readInt32(bytes, start) >>> 0));
      case "time":
        return quote(formatTime(readInt64(bytes, start)));
      case "duration":
        return formatDuration(
          decodeRange(type, bytes, start, end) as Parameters<typeof formatDuration>[0],
        );
      default:
        return String(decodeRange(type, bytes, start, end));
    }
  }
  const parts: string[] = [];
  let at = start;
  let count = type.kind === "tuple" ? type.elements.length : readInt32(bytes, start);
  if (type.kind !== "tuple") at += 4;
  if (type.kind === "map") count *= 2;
  for (let i = 0; i < count && at < end; i++) {
    const size = readInt32(bytes, at);
    at += 4;
    const itemType = itemTypeAt(type, i);
    parts.push(size < 0 ? "null" : formatRange(itemType, bytes, at, at + size));
    if (size > 0) at += size;
  }
  switch (type.kind) {
    case "list":
      return `[${parts.join(", ")}]`;
    case "set":
      return `{${parts.join(", ")}}`;
    case "tuple":
      return `(${parts.join(", ")})`;
    case "map": {
      const entries: string[] = [];
      for (let i = 0; i < parts.length; i += 2) entries.push(`${parts[i]}: ${parts[i + 1]}`);
      return `{${entries.join(", ")}}`;
    }
  }
}

/** Renders bytes as a CQL literal; invalid bytes render as a blob literal. */
export function formatValue(type: CqlType, bytes: Uint8Array): string {
  if (validateRange(type, bytes, 0, bytes.length) !== undefined) return "0x" + toHex(bytes);
  return formatRange(type, bytes, 0, bytes.length);
}
