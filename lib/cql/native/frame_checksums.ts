/**
 * The checksums of protocol v5 framing: the CRC24 that guards each segment header (initial value
 * 0x875060, polynomial 0x1974F0B, most significant bit first) and the CRC32 that guards each
 * payload (the IEEE CRC32, primed, as Cassandra primes it, with the bytes FA 2D 55 CA).
 *
 * @module
 */

import zlib from "node:zlib";

const CRC24_INIT = 0x875060;
const CRC24_POLY = 0x1974f0b;

/**
 * The CRC24 of `length` bytes at `offset`, as a v5 segment header carries it.
 *
 * @param bytes The bytes.
 * @param offset Where they start.
 * @param length How many (3 for an uncompressed header, 5 for a compressed one).
 * @returns The 24-bit checksum.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { crc24 } from "./frame_checksums.ts";
 * // No bytes: the initial value.
 * assert.equal(crc24(new Uint8Array(0), 0, 0), 0x875060);
 * ```
 */
export function crc24(bytes: Uint8Array, offset: number, length: number): number {
  let crc = CRC24_INIT;
  for (let i = 0; i < length; i++) {
    crc ^= bytes[offset + i] << 16;
    for (let bit = 0; bit < 8; bit++) {
      crc <<= 1;
      if ((crc & 0x1000000) !== 0) crc ^= CRC24_POLY;
    }
  }
  return crc & 0xffffff;
}

/** Slicing-by-8 tables of the reflected IEEE polynomial. */
function crc32Tables(): Int32Array[] {
  const tables = [0, 1, 2, 3, 4, 5, 6, 7].map(() => new Int32Array(256));
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = (c & 1) !== 0 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    tables[0][n] = c;
  }
  for (let n = 0; n < 256; n++) {
    for (let t = 1; t < 8; t++) {
      const prev = tables[t - 1][n];
      tables[t][n] = tables[0][prev & 0xff] ^ (prev >>> 8);
    }
  }
  return tables;
}

const [T0, T1, T2, T3, T4, T5, T6, T7] = crc32Tables();

/**
 * Continues an IEEE CRC32 register (not yet inverted) over `length` bytes.
 *
 * @param register The register (0xffffffff at the start).
 * @param bytes The bytes.
 * @param offset Where they start.
 * @param length How many.
 * @returns The register after them.
 */
function crc32Update(register: number, bytes: Uint8Array, offset: number, length: number): number {
  let c = register;
  let i = offset;
  const end = offset + length;
  const end8 = end - 7;
  while (i < end8) {
    c ^= bytes[i] | (bytes[i + 1] << 8) | (bytes[i + 2] << 16) | (bytes[i + 3] << 24);
    const high = bytes[i + 4] | (bytes[i + 5] << 8) | (bytes[i + 6] << 16) | (bytes[i + 7] << 24);
    c = T7[c & 0xff] ^ T6[(c >>> 8) & 0xff] ^ T5[(c >>> 16) & 0xff] ^ T4[c >>> 24] ^
      T3[high & 0xff] ^ T2[(high >>> 8) & 0xff] ^ T1[(high >>> 16) & 0xff] ^ T0[high >>> 24];
    i += 8;
  }
  while (i < end) c = T0[(c ^ bytes[i++]) & 0xff] ^ (c >>> 8);
  return c;
}

const PRIMED = crc32Update(-1, new Uint8Array([0xfa, 0x2d, 0x55, 0xca]), 0, 4);

/** The runtime's own CRC32 (`zlib.crc32(data, previous)`), where it has one. */
const runtimeCrc32 = (zlib as {
  crc32?: (data: Uint8Array, previous: number) => number;
}).crc32;

/** From this many bytes on, the runtime's CRC32 beats ours despite the call (measured). */
const RUNTIME_CRC32_MIN_BYTES = 48;

/**
 * The plain IEEE CRC32 (as zlib computes it) of `length` bytes at `offset`.
 *
 * @param bytes The bytes.
 * @param offset Where they start.
 * @param length How many.
 * @returns The unsigned 32-bit checksum.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { crc32 } from "./frame_checksums.ts";
 * // The standard check value of CRC-32/ISO-HDLC.
 * assert.equal(crc32(new TextEncoder().encode("123456789"), 0, 9), 0xcbf43926);
 * ```
 */
export function crc32(bytes: Uint8Array, offset: number, length: number): number {
  if (runtimeCrc32 !== undefined && length >= RUNTIME_CRC32_MIN_BYTES) {
    return runtimeCrc32(bytes.subarray(offset, offset + length), 0);
  }
  return ~crc32Update(-1, bytes, offset, length) >>> 0;
}

/**
 * The CRC32 of a v5 segment payload: the IEEE CRC32 of the bytes FA 2D 55 CA followed by the
 * payload.
 *
 * @param bytes The bytes.
 * @param offset Where the payload starts.
 * @param length Its length.
 * @returns The unsigned 32-bit checksum.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { crc32, payloadCrc32 } from "./frame_checksums.ts";
 * const bytes = new Uint8Array([0xfa, 0x2d, 0x55, 0xca, 1, 2, 3]);
 * assert.equal(payloadCrc32(bytes, 4, 3), crc32(bytes, 0, 7));
 * ```
 */
export function payloadCrc32(bytes: Uint8Array, offset: number, length: number): number {
  if (runtimeCrc32 !== undefined && length >= RUNTIME_CRC32_MIN_BYTES) {
    return runtimeCrc32(bytes.subarray(offset, offset + length), ~PRIMED >>> 0);
  }
  return ~crc32Update(PRIMED, bytes, offset, length) >>> 0;
}
