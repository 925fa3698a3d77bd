/**
 * The token of Cassandra's Murmur3Partitioner: the first 64 bits of MurmurHash3 x64 128 (seed 0)
 * of a serialized partition key, with Cassandra's quirk kept (the bytes of the last, partial block
 * are sign-extended) and the minimum long mapped to the maximum. Computed on 32-bit halves, so no
 * BigInt is made unless asked for.
 *
 * @module
 */

// 64-bit values are (hi, lo) pairs of unsigned 32-bit numbers; results land in these two.
let outHi = 0;
let outLo = 0;

/** The high 32 bits of the 64-bit product of two unsigned 32-bit numbers. */
function mulHigh(a: number, b: number): number {
  const a0 = a & 0xffff;
  const a1 = a >>> 16;
  const b0 = b & 0xffff;
  const b1 = b >>> 16;
  const p01 = a0 * b1;
  const p10 = a1 * b0;
  const mid = ((a0 * b0) >>> 16) + (p01 & 0xffff) + (p10 & 0xffff);
  return (a1 * b1 + (p01 >>> 16) + (p10 >>> 16) + (mid >>> 16)) >>> 0;
}

/** (ah, al) * (bh, bl) mod 2^64. */
function mul(ah: number, al: number, bh: number, bl: number): void {
  outHi = (mulHigh(al, bl) + Math.imul(ah, bl) + Math.imul(al, bh)) >>> 0;
  outLo = Math.imul(al, bl) >>> 0;
}

/** (ah, al) + (bh, bl) mod 2^64. */
function add(ah: number, al: number, bh: number, bl: number): void {
  const lo = al + bl;
  outLo = lo >>> 0;
  outHi = (ah + bh + (lo > 0xffffffff ? 1 : 0)) >>> 0;
}

/** Rotates (hi, lo) left by `r` bits (0 < r < 64, r !== 32). */
function rotl(hi: number, lo: number, r: number): void {
  if (r > 32) {
    const t = hi;
    hi = lo;
    lo = t;
    r -= 32;
  }
  outHi = ((hi << r) | (lo >>> (32 - r))) >>> 0;
  outLo = ((lo << r) | (hi >>> (32 - r))) >>> 0;
}

const C1_HI = 0x87c37b91;
const C1_LO = 0x114253d5;
const C2_HI = 0x4cf5ad43;
const C2_LO = 0x2745937f;

/** MurmurHash3's fmix64 (result in outHi, outLo). */
function fmix(hi: number, lo: number): void {
  lo = (lo ^ (hi >>> 1)) >>> 0; // k ^= k >>> 33
  mul(hi, lo, 0xff51afd7, 0xed558ccd);
  hi = outHi;
  lo = (outLo ^ (hi >>> 1)) >>> 0;
  mul(hi, lo, 0xc4ceb9fe, 0x1a85ec53);
  hi = outHi;
  outLo = (outLo ^ (hi >>> 1)) >>> 0;
}

/** k1 * c1, rotl 31, * c2 (result in outHi, outLo). */
function mixK1(hi: number, lo: number): void {
  mul(hi, lo, C1_HI, C1_LO);
  rotl(outHi, outLo, 31);
  mul(outHi, outLo, C2_HI, C2_LO);
}

/** k2 * c2, rotl 33, * c1 (result in outHi, outLo). */
function mixK2(hi: number, lo: number): void {
  mul(hi, lo, C2_HI, C2_LO);
  rotl(outHi, outLo, 33);
  mul(outHi, outLo, C1_HI, C1_LO);
}

function u32le(key: Uint8Array, at: number): number {
  return (key[at] | (key[at + 1] << 8) | (key[at + 2] << 16) | (key[at + 3] << 24)) >>> 0;
}

/** XORs byte `b`, sign-extended as Java's `(long) byte`, shifted left by `shift`, into (hi, lo). */
function tailByte(hi: number, lo: number, b: number, shift: number): void {
  const signHi = b >= 0x80 ? 0xffffffff : 0;
  const signLo = b >= 0x80 ? (0xffffff00 | b) >>> 0 : b;
  // (signHi, signLo) << shift
  let sh: number;
  let sl: number;
  if (shift === 0) {
    sh = signHi;
    sl = signLo;
  } else if (shift < 32) {
    sh = ((signHi << shift) | (signLo >>> (32 - shift))) >>> 0;
    sl = (signLo << shift) >>> 0;
  } else {
    sh = (signLo << (shift - 32)) >>> 0;
    sl = 0;
  }
  outHi = (hi ^ sh) >>> 0;
  outLo = (lo ^ sl) >>> 0;
}

/** The (hi, lo) of the tail block of `length & 15` bytes at `at` (`from` up to `to` bytes). */
function tailBlock(key: Uint8Array, at: number, from: number, to: number): void {
  let hi = 0;
  let lo = 0;
  for (let i = to - 1; i >= from; i--) {
    tailByte(hi, lo, key[at + i], (i - from) * 8);
    hi = outHi;
    lo = outLo;
  }
  outHi = hi;
  outLo = lo;
}

/**
 * Computes the Murmur3 token of a serialized partition key; the result is in
 * {@linkcode tokenHigh} and {@linkcode tokenLow} (the signed high and unsigned low 32 bits).
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { computeMurmur3Token, tokenHigh, tokenLow } from "./murmur3_token.ts";
 * computeMurmur3Token(new TextEncoder().encode("p"));
 * // Cassandra 5.0 answers token('p') = -4369997082720685421
 * assert.equal((BigInt(tokenHigh()) << 32n) + BigInt(tokenLow()), -4369997082720685421n);
 * ```
 *
 * @param key The partition key bytes (composite keys serialized as CompositeType).
 */
export function computeMurmur3Token(key: Uint8Array): void {
  const length = key.length;
  const blocks = length >> 4;
  let h1h = 0;
  let h1l = 0;
  let h2h = 0;
  let h2l = 0;
  for (let i = 0; i < blocks; i++) {
    const at = i * 16;
    mixK1(u32le(key, at + 4), u32le(key, at));
    h1h = (h1h ^ outHi) >>> 0;
    h1l = (h1l ^ outLo) >>> 0;
    rotl(h1h, h1l, 27);
    add(outHi, outLo, h2h, h2l);
    mul(outHi, outLo, 0, 5);
    add(outHi, outLo, 0, 0x52dce729);
    h1h = outHi;
    h1l = outLo;
    mixK2(u32le(key, at + 12), u32le(key, at + 8));
    h2h = (h2h ^ outHi) >>> 0;
    h2l = (h2l ^ outLo) >>> 0;
    rotl(h2h, h2l, 31);
    add(outHi, outLo, h1h, h1l);
    mul(outHi, outLo, 0, 5);
    add(outHi, outLo, 0, 0x38495ab5);
    h2h = outHi;
    h2l = outLo;
  }
  const at = blocks * 16;
  const rest = length & 15;
  if (rest > 8) {
    tailBlock(key, at, 8, rest);
    mixK2(outHi, outLo);
    h2h = (h2h ^ outHi) >>> 0;
    h2l = (h2l ^ outLo) >>> 0;
  }
  if (rest > 0) {
    tailBlock(key, at, 0, Math.min(rest, 8));
    mixK1(outHi, outLo);
    h1h = (h1h ^ outHi) >>> 0;
    h1l = (h1l ^ outLo) >>> 0;
  }
  h1l = (h1l ^ length) >>> 0;
  h2l = (h2l ^ length) >>> 0;
  add(h1h, h1l, h2h, h2l);
  h1h = outHi;
  h1l = outLo;
  add(h2h, h2l, h1h, h1l);
  h2h = outHi;
  h2l = outLo;
  fmix(h1h, h1l);
  h1h = outHi;
  h1l = outLo;
  fmix(h2h, h2l);
  add(h1h, h1l, outHi, outLo);
  // Long.MIN_VALUE is not a valid token: Cassandra maps it to Long.MAX_VALUE.
  if (outHi === 0x80000000 && outLo === 0) {
    outHi = 0x7fffffff;
    outLo = 0xffffffff;
  }
}

/**
 * The signed high 32 bits of the last token {@linkcode computeMurmur3Token} computed.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { computeMurmur3Token, tokenHigh } from "./murmur3_token.ts";
 * computeMurmur3Token(new TextEncoder().encode("p"));
 * assert.ok(tokenHigh() < 0);
 * ```
 *
 * @returns The high half, as a signed 32-bit number.
 */
export function tokenHigh(): number {
  return outHi | 0;
}

/**
 * The unsigned low 32 bits of the last token {@linkcode computeMurmur3Token} computed.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { computeMurmur3Token, tokenLow } from "./murmur3_token.ts";
 * computeMurmur3Token(new Uint8Array(0));
 * assert.ok(tokenLow() >= 0);
 * ```
 *
 * @returns The low half, as an unsigned 32-bit number.
 */
export function tokenLow(): number {
  return outLo;
}

/**
 * The Murmur3 token of a serialized partition key, as a bigint.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { murmur3Token } from "./murmur3_token.ts";
 * assert.equal(murmur3Token(new TextEncoder().encode("p")), -4369997082720685421n);
 * ```
 *
 * @param key The partition key bytes.
 * @returns The token.
 */
export function murmur3Token(key: Uint8Array): bigint {
  computeMurmur3Token(key);
  return (BigInt(outHi | 0) << 32n) + BigInt(outLo);
}
