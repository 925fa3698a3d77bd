/**
 * Private helpers of the value codec: byte arrays, hex, UTF-8 and big-endian integers.
 *
 * @module
 */

const ENCODER = new TextEncoder();
const DECODER = new TextDecoder();
const HEX_DIGITS = "0123456789abcdef";

/** Encodes a string as UTF-8. */
export function utf8Encode(text: string): Uint8Array {
  return ENCODER.encode(text);
}

/** Decodes UTF-8 bytes already checked by {@linkcode isValidUtf8}. */
export function utf8Decode(bytes: Uint8Array): string {
  return DECODER.decode(bytes);
}

/** Whether `bytes[start, end)` is well-formed UTF-8 (no overlongs, surrogates or > U+10FFFF). */
export function isValidUtf8(bytes: Uint8Array, start: number, end: number): boolean {
  let i = start;
  while (i < end) {
    const b = bytes[i];
    if (b < 0x80) {
      i++;
      continue;
    }
    if (b >= 0xc2 && b <= 0xdf) {
      if (i + 1 >= end || (bytes[i + 1] & 0xc0) !== 0x80) return false;
      i += 2;
    } else if (b >= 0xe0 && b <= 0xef) {
      if (i + 2 >= end) return false;
      const b1 = bytes[i + 1];
      if ((b1 & 0xc0) !== 0x80 || (bytes[i + 2] & 0xc0) !== 0x80) return false;
      if (b === 0xe0 && b1 < 0xa0) return false; // overlong
      if (b === 0xed && b1 >= 0xa0) return false; // surrogate
      i += 3;
    } else if (b >= 0xf0 && b <= 0xf4) {
      if (i + 3 >= end) return false;
      const b1 = bytes[i + 1];
      if ((b1 & 0xc0) !== 0x80 || (bytes[i + 2] & 0xc0) !== 0x80) return false;
      if ((bytes[i + 3] & 0xc0) !== 0x80) return false;
      if (b === 0xf0 && b1 < 0x90) return false; // overlong
      if (b === 0xf4 && b1 >= 0x90) return false; // above U+10FFFF
      i += 4;
    } else {
      return false;
    }
  }
  return true;
}

/** Lower-case hex of `bytes` without a prefix. */
export function toHex(bytes: Uint8Array): string {
  let out = "";
  for (let i = 0; i < bytes.length; i++) {
    out += HEX_DIGITS[bytes[i] >> 4] + HEX_DIGITS[bytes[i] & 15];
  }
  return out;
}

/** Parses hex digits (no prefix, even or odd count as Cassandra pads on the left). */
export function fromHex(text: string): Uint8Array | undefined {
  if (!/^[0-9a-fA-F]*$/.test(text)) return undefined;
  const padded = text.length % 2 === 1 ? "0" + text : text;
  const out = new Uint8Array(padded.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(padded.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/** Concatenates byte arrays. */
export function concatBytes(parts: Uint8Array[]): Uint8Array {
  let length = 0;
  for (const part of parts) length += part.length;
  const out = new Uint8Array(length);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/** Reads a signed big-endian 32-bit integer at `at` (the caller checks the bounds). */
export function readInt32(bytes: Uint8Array, at: number): number {
  return (bytes[at] << 24) | (bytes[at + 1] << 16) | (bytes[at + 2] << 8) | bytes[at + 3];
}

/** Writes a big-endian 32-bit integer at `at`. */
export function writeInt32(bytes: Uint8Array, at: number, value: number): void {
  bytes[at] = value >>> 24;
  bytes[at + 1] = value >>> 16;
  bytes[at + 2] = value >>> 8;
  bytes[at + 3] = value;
}

/** Reads a signed big-endian 64-bit integer at `at` (the caller checks the bounds). */
export function readInt64(bytes: Uint8Array, at: number): bigint {
  const high = BigInt(readInt32(bytes, at));
  const low = BigInt(readInt32(bytes, at + 4) >>> 0);
  return (high << 32n) | low;
}

/** An 8-byte big-endian encoding of a signed 64-bit integer (the caller checks the range). */
export function int64Bytes(value: bigint): Uint8Array {
  const out = new Uint8Array(8);
  const unsigned = BigInt.asUintN(64, value);
  writeInt32(out, 0, Number(unsigned >> 32n));
  writeInt32(out, 4, Number(unsigned & 0xffffffffn));
  return out;
}

/** Unsigned lexicographic comparison of two byte ranges; a proper prefix sorts first. */
export function compareByteRanges(
  a: Uint8Array,
  aStart: number,
  aEnd: number,
  b: Uint8Array,
  bStart: number,
  bEnd: number,
): number {
  const aLength = aEnd - aStart;
  const bLength = bEnd - bStart;
  const length = aLength < bLength ? aLength : bLength;
  for (let i = 0; i < length; i++) {
    const d = a[aStart + i] - b[bStart + i];
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  return aLength === bLength ? 0 : aLength < bLength ? -1 : 1;
}
