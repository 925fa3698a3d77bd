/**
 * Private helpers of the value codec: UUIDs (parse, format, version-1 and version-4
 * generation, the timestamp of a timeuuid) and IP addresses.
 *
 * @module
 */

import { fromHex, readInt32, toHex } from "./_value_bytes.ts";

/** 100-ns intervals between 1582-10-15 (the UUID epoch) and 1970-01-01. */
const UUID_EPOCH_OFFSET = 0x01b21dd213814000n;

const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

/** Parses a canonical `8-4-4-4-12` UUID into its 16 bytes. */
export function parseUuid(text: string): Uint8Array | undefined {
  const trimmed = text.trim();
  return UUID.test(trimmed) ? fromHex(trimmed.replaceAll("-", "")) : undefined;
}

/** Formats 16 bytes from `start` as a lower-case canonical UUID. */
export function formatUuid(bytes: Uint8Array, start = 0): string {
  const hex = toHex(bytes.subarray(start, start + 16));
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${
    hex.slice(20)
  }`;
}

/** The 60-bit timestamp (100-ns since 1582-10-15) of a version-1 UUID at `start`. */
export function uuidTimestamp(bytes: Uint8Array, start = 0): bigint {
  const low = BigInt(readInt32(bytes, start) >>> 0);
  const mid = BigInt((bytes[start + 4] << 8) | bytes[start + 5]);
  const high = BigInt(((bytes[start + 6] & 0x0f) << 8) | bytes[start + 7]);
  return (high << 48n) | (mid << 32n) | low;
}

/** Milliseconds since 1970 of a version-1 UUID (floored). */
export function timeuuidMs(bytes: Uint8Array): bigint {
  const ticks = uuidTimestamp(bytes) - UUID_EPOCH_OFFSET;
  const ms = ticks / 10_000n;
  return ticks < 0n && ms * 10_000n !== ticks ? ms - 1n : ms;
}

/**
 * A version-1 UUID for `ms` since 1970. `tail` gives the sub-millisecond ticks, clock sequence
 * and node: 10 bytes (random for `now()`); `min`/`max` give Cassandra's minTimeuuid/maxTimeuuid.
 */
export function makeTimeuuid(ms: bigint, tail: Uint8Array | "min" | "max"): Uint8Array {
  const subMs = tail === "min"
    ? 0n
    : tail === "max"
    ? 9_999n
    : BigInt(((tail[0] << 8) | tail[1]) % 10_000);
  const ticks = BigInt.asUintN(60, ms * 10_000n + UUID_EPOCH_OFFSET + subMs);
  const out = new Uint8Array(16);
  const low = Number(ticks & 0xffffffffn);
  out[0] = low >>> 24;
  out[1] = low >>> 16;
  out[2] = low >>> 8;
  out[3] = low;
  const mid = Number((ticks >> 32n) & 0xffffn);
  out[4] = mid >> 8;
  out[5] = mid;
  const high = Number(ticks >> 48n);
  out[6] = 0x10 | (high >> 8);
  out[7] = high;
  if (tail === "min") out.fill(0x80, 8);
  else if (tail === "max") out.fill(0x7f, 8);
  else {
    out.set(tail.subarray(2, 10), 8);
    out[8] = 0x80 | (out[8] & 0x3f);
  }
  return out;
}

/** A version-4 UUID from 16 random bytes. */
export function makeRandomUuid(random: Uint8Array): Uint8Array {
  const out = random.slice(0, 16);
  out[6] = 0x40 | (out[6] & 0x0f);
  out[8] = 0x80 | (out[8] & 0x3f);
  return out;
}

function parseIpv4(text: string): number[] | undefined {
  const parts = text.split(".");
  if (parts.length !== 4) return undefined;
  const out: number[] = [];
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part) || Number(part) > 255) return undefined;
    out.push(Number(part));
  }
  return out;
}

/** Parses an IPv4 (`127.0.0.1`) or IPv6 (`::1`, `::ffff:1.2.3.4`) address. */
export function parseInet(text: string): Uint8Array | undefined {
  const trimmed = text.trim();
  if (!trimmed.includes(":")) {
    const v4 = parseIpv4(trimmed);
    return v4 === undefined ? undefined : new Uint8Array(v4);
  }
  const halves = trimmed.split("::");
  if (halves.length > 2) return undefined;
  const groups = halves.map((half) => half === "" ? [] : half.split(":"));
  const words: number[][] = [];
  for (const [h, half] of groups.entries()) {
    const out: number[] = [];
    for (const [i, group] of half.entries()) {
      const isLast = h === groups.length - 1 && i === half.length - 1;
      if (isLast && group.includes(".")) {
        const v4 = parseIpv4(group);
        if (v4 === undefined) return undefined;
        out.push((v4[0] << 8) | v4[1], (v4[2] << 8) | v4[3]);
      } else if (/^[0-9a-fA-F]{1,4}$/.test(group)) {
        out.push(parseInt(group, 16));
      } else {
        return undefined;
      }
    }
    words.push(out);
  }
  const count = words.reduce((sum, w) => sum + w.length, 0);
  if (words.length === 1 ? count !== 8 : count > 7) return undefined;
  const all = words.length === 1
    ? words[0]
    : [...words[0], ...new Array(8 - count).fill(0), ...words[1]];
  const bytes = new Uint8Array(16);
  all.forEach((word, i) => {
    bytes[2 * i] = word >> 8;
    bytes[2 * i + 1] = word;
  });
  return bytes;
}

/** Formats 4 or 16 address bytes (IPv6 compressed as RFC 5952 recommends). */
export function formatInet(bytes: Uint8Array): string {
  if (bytes.length === 4) return bytes.join(".");
  const words: number[] = [];
  for (let i = 0; i < 16; i += 2) words.push((bytes[i] << 8) | bytes[i + 1]);
  if (words.slice(0, 5).every((w) => w === 0) && words[5] === 0xffff) {
    return `::ffff:${bytes[12]}.${bytes[13]}.${bytes[14]}.${bytes[15]}`;
  }
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < 8;) {
    if (words[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && words[j] === 0) j++;
    if (j - i > bestLength) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  const hex = words.map((w) => w.toString(16));
  if (bestStart < 0) return hex.join(":");
  return `${hex.slice(0, bestStart).join(":")}::${hex.slice(bestStart + bestLength).join(":")}`;
}
