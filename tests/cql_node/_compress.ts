/**
 * Small greedy LZ4 and Snappy compressors for tests: they produce valid blocks with back
 * references (overlapping ones too), so tests can send compressed frames to the embedded node
 * and to a real node. Slow and simple; not for production.
 *
 * @module
 */

const MIN_MATCH = 4;

/** The longest earlier match for `at` (offset, length), or null; at most `window` back. */
function findMatch(
  input: Uint8Array,
  at: number,
  end: number,
  window: number,
): { offset: number; length: number } | null {
  let best: { offset: number; length: number } | null = null;
  for (let from = Math.max(0, at - window); from < at; from++) {
    let length = 0;
    while (at + length < end && input[from + length] === input[at + length]) length++;
    if (length >= MIN_MATCH && (best === null || length > best.length)) {
      best = { offset: at - from, length };
    }
  }
  return best;
}

function lz4LengthBytes(extra: number): number[] {
  const out: number[] = [];
  while (extra >= 255) {
    out.push(255);
    extra -= 255;
  }
  out.push(extra);
  return out;
}

/**
 * Compresses `input` into one LZ4 block, keeping the format's end rules (the last 5 bytes are
 * literals; no match starts in the last 12).
 *
 * @param input The bytes.
 * @returns The block.
 */
export function lz4Compress(input: Uint8Array): Uint8Array {
  const out: number[] = [];
  const matchLimit = input.length - 12;
  let anchor = 0;
  let at = 0;
  const emit = (literalEnd: number, match: { offset: number; length: number } | null) => {
    const literals = literalEnd - anchor;
    const matchCode = match === null ? 0 : match.length - MIN_MATCH;
    out.push((Math.min(literals, 15) << 4) | Math.min(matchCode, 15));
    if (literals >= 15) out.push(...lz4LengthBytes(literals - 15));
    for (let i = anchor; i < literalEnd; i++) out.push(input[i]);
    if (match === null) return;
    out.push(match.offset & 0xff, match.offset >> 8);
    if (matchCode >= 15) out.push(...lz4LengthBytes(matchCode - 15));
  };
  while (at < matchLimit) {
    const match = findMatch(input, at, input.length - 5, 0xffff);
    if (match === null) {
      at++;
      continue;
    }
    emit(at, match);
    at += match.length;
    anchor = at;
  }
  emit(input.length, null);
  return new Uint8Array(out);
}

function snappyVarint(value: number): number[] {
  const out: number[] = [];
  while (value >= 0x80) {
    out.push((value & 0x7f) | 0x80);
    value = Math.floor(value / 128);
  }
  out.push(value);
  return out;
}

function snappyLiteral(out: number[], bytes: Uint8Array): void {
  if (bytes.length === 0) return;
  const n = bytes.length - 1;
  if (n < 60) out.push(n << 2);
  else if (n < 0x100) out.push(60 << 2, n);
  else out.push(61 << 2, n & 0xff, n >> 8);
  out.push(...bytes);
}

function snappyCopy(out: number[], offset: number, length: number): void {
  while (length > 0) {
    const n = Math.min(length, 64);
    if (n >= 4 && n <= 11 && offset < 2048) {
      out.push(((offset >> 8) << 5) | ((n - 4) << 2) | 1, offset & 0xff);
    } else {
      out.push(((n - 1) << 2) | 2, offset & 0xff, offset >> 8);
    }
    length -= n;
  }
}

/**
 * Compresses `input` into one raw Snappy block (the length varint, then literals and copies).
 *
 * @param input The bytes (under 64 KiB).
 * @returns The block.
 */
export function snappyCompress(input: Uint8Array): Uint8Array {
  const out = snappyVarint(input.length);
  let anchor = 0;
  let at = 0;
  while (at < input.length) {
    const match = findMatch(input, at, input.length, 0xffff);
    if (match === null) {
      at++;
      continue;
    }
    snappyLiteral(out, input.subarray(anchor, at));
    snappyCopy(out, match.offset, match.length);
    at += match.length;
    anchor = at;
  }
  snappyLiteral(out, input.subarray(anchor));
  return new Uint8Array(out);
}

/**
 * A frame body compressed as protocol v4 sends it: lz4 with its 4-byte uncompressed length first,
 * snappy as a raw block.
 *
 * @param algorithm `lz4` or `snappy`.
 * @param body The body.
 * @returns The compressed body.
 */
export function compressBody(algorithm: "lz4" | "snappy", body: Uint8Array): Uint8Array {
  if (algorithm === "snappy") return snappyCompress(body);
  const block = lz4Compress(body);
  const out = new Uint8Array(4 + block.length);
  new DataView(out.buffer).setInt32(0, body.length);
  out.set(block, 4);
  return out;
}
