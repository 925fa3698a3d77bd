// Test helper: writes protocol bytes by hand, the way the spec lays them out, so expected frames
// read like the spec ([short] 00 0a, [string] 00 02 "ks", ...), and builds response frames and
// v5 segments for decoders, splitters and the misbehaving test server.
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
