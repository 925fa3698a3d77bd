// Test helper: writes protocol bytes by hand, the way the spec lays them out, so expected frames
// read like the spec ([short] 00 0a, [string] 00 02 "ks", ...), and builds response frames and
// v5 segments (plain and LZ4-compressed, the blocks made by a reference LZ4 implementation from
// npm) for decoders, splitters and the misbehaving test server.
import * as lz4Reference from "lz4-wasm-nodejs";
import { crc24, payloadCrc32 } from "../../../lib/cql/native/frame_checksums.ts";

const encoder = new TextEncoder();

/** A byte part: hex text ("00 0a ff"), a number list, or bytes. */
export type Part = string | readonly number[] | Uint8Array;

/** Concatenates parts; hex text may have spaces and newlines. */
export function bytes(...parts: Part[]): Uint8Array {
  const chunks = parts.map((part) => {
    if (typeof part !== "string") return Uint8Array.from(part);
    const clean = part.replace(/\s+/g, "");
    if (clean.length % 2 !== 0 || /[^0-9a-f]/i.test(clean)) throw new Error(`bad hex "${part}"`);
    const chunk = new Uint8Array(clean.length / 2);
    for (let i = 0; i < chunk.length; i++) chunk[i] = parseInt(clean.slice(2 * i, 2 * i + 2), 16);
    return chunk;
  });
  const out = new Uint8Array(chunks.reduce((n, chunk) => n + chunk.length, 0));
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}

/** UTF-8 bytes of a text. */
export function utf8(text: string): Uint8Array {
  return encoder.encode(text);
}

/** [short] */
export function short(n: number): Uint8Array {
  return new Uint8Array([(n >>> 8) & 0xff, n & 0xff]);
}

/** [int] */
export function int(n: number): Uint8Array {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setInt32(0, n);
  return b;
}

/** [string] */
export function string(text: string): Uint8Array {
  const b = utf8(text);
  return bytes(short(b.length), b);
}

/** [long string] */
export function longString(text: string): Uint8Array {
  const b = utf8(text);
  return bytes(int(b.length), b);
}

/** [bytes] (null: length -1) */
export function bytesValue(value: Uint8Array | null): Uint8Array {
  return value === null ? int(-1) : bytes(int(value.length), value);
}

/** A response frame (envelope): version | 0x80, flags, stream, opcode, length, body. */
export function responseFrame(
  version: number,
  stream: number,
  opcode: number,
  body: Uint8Array,
  flags = 0,
): Uint8Array {
  return bytes([0x80 | version, flags], short(stream & 0xffff), [opcode], int(body.length), body);
}

/** One uncompressed v5 segment around `payload` (checksums computed by our own functions). */
export function segment(payload: Uint8Array, selfContained: boolean): Uint8Array {
  const out = new Uint8Array(6 + payload.length + 4);
  const word = payload.length | (selfContained ? 0x20000 : 0);
  out[0] = word & 0xff;
  out[1] = (word >>> 8) & 0xff;
  out[2] = word >>> 16;
  const crc = crc24(out, 0, 3);
  out[3] = crc & 0xff;
  out[4] = (crc >>> 8) & 0xff;
  out[5] = crc >>> 16;
  out.set(payload, 6);
  new DataView(out.buffer).setUint32(
    6 + payload.length,
    payloadCrc32(payload, 0, payload.length),
    true,
  );
  return out;
}

/** The bytes a FrameBuffer holds. */
export function written(out: { bytes: Uint8Array; length: number }): number[] {
  return [...out.bytes.subarray(0, out.length)];
}

/** A byte list, for deepEqual against `written`. */
export function list(...parts: Part[]): number[] {
  return [...bytes(...parts)];
}

/** An LZ4 block of `data` made by the reference implementation (lz4_flex, in lz4-wasm-nodejs). */
export function referenceLz4Block(data: Uint8Array): Uint8Array {
  // Its output is the uncompressed length (4 bytes, little-endian), then the block.
  return lz4Reference.compress(data).slice(4);
}

/** `size` bytes decoded from an LZ4 block by the reference implementation. */
export function referenceLz4Decode(block: Uint8Array, size: number): Uint8Array {
  const input = new Uint8Array(4 + block.length);
  new DataView(input.buffer).setUint32(0, size, true);
  input.set(block, 4);
  return lz4Reference.decompress(input);
}

/**
 * One LZ4-compressed v5 segment around `payload`: the 8-byte header (compressed length,
 * uncompressed length, self-contained flag, CRC24), the payload (compressed by the reference
 * implementation, or as it is when `stored`, with an uncompressed length of 0, or the given
 * `block`), and its CRC32.
 */
export function lz4Segment(
  payload: Uint8Array,
  selfContained: boolean,
  options: { stored?: boolean; block?: Uint8Array } = {},
): Uint8Array {
  const body = options.block ?? (options.stored ? payload : referenceLz4Block(payload));
  const uncompressed = options.stored ? 0 : payload.length;
  const out = new Uint8Array(8 + body.length + 4);
  // 40 bits, little-endian: compressed length, uncompressed length << 17, flag << 34.
  let word = BigInt(body.length) | (BigInt(uncompressed) << 17n) |
    (selfContained ? 1n << 34n : 0n);
  for (let i = 0; i < 5; i++) {
    out[i] = Number(word & 0xffn);
    word >>= 8n;
  }
  const crc = crc24(out, 0, 5);
  out[5] = crc & 0xff;
  out[6] = (crc >>> 8) & 0xff;
  out[7] = crc >>> 16;
  out.set(body, 8);
  new DataView(out.buffer).setUint32(8 + body.length, payloadCrc32(body, 0, body.length), true);
  return out;
}
