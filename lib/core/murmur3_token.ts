/**
 * The token Cassandra's Murmur3Partitioner gives a partition key: the first 64 bits of
 * MurmurHash3 x64 128 (seed 0) of the key's serialized bytes, with Cassandra's quirk kept (the
 * bytes of the last, partial block are sign-extended before they are shifted) and the minimum
 * long mapped to the maximum. A composite partition key is hashed in its CompositeType form: for
 * each component a 2-byte big-endian length, the bytes, and a 0 byte.
 *
 * 64-bit arithmetic is done on pairs of 32-bit halves in a scratch `Int32Array`, so computing a
 * token allocates nothing; {@linkcode Murmur3PartitionToken} keeps the last token as two numbers.
 * The client routes each op to its replicas by it; the embedded node orders its partitions by it.
 *
 * @module
 */

const C1_HIGH = 0x87c37b91 | 0;
const C1_LOW = 0x114253d5;
const C2_HIGH = 0x4cf5ad43;
const C2_LOW = 0x2745937f;
const FMIX1_HIGH = 0xff51afd7 | 0;
const FMIX1_LOW = 0xed558ccd | 0;
const FMIX2_HIGH = 0xc4ceb9fe | 0;
const FMIX2_LOW = 0x1a85ec53;

// Slots of the scratch array: [0, 1] the result of the last 64-bit operation (high, low).
const HIGH = 0;
const LOW = 1;

/** The high 32 bits of the unsigned 64-bit product of two 32-bit values. */
function mulHigh(a: number, b: number): number {
  const a0 = a & 0xffff;
  const a1 = a >>> 16;
  const b0 = b & 0xffff;
  const b1 = b >>> 16;
  const cross1 = a1 * b0;
  const cross2 = a0 * b1;
  const carry = (((a0 * b0) >>> 16) + (cross1 & 0xffff) + (cross2 & 0xffff)) >>> 16;
  return (a1 * b1 + (cross1 >>> 16) + (cross2 >>> 16) + carry) | 0;
}

/** out = (ah, al) * (bh, bl) mod 2^64. */
function mul(out: Int32Array, ah: number, al: number, bh: number, bl: number): void {
  out[HIGH] = mulHigh(al, bl) + Math.imul(ah, bl) + Math.imul(al, bh);
  out[LOW] = Math.imul(al, bl);
}

/** out = (ah, al) + (bh, bl) mod 2^64. */
function add(out: Int32Array, ah: number, al: number, bh: number, bl: number): void {
  const low = (al >>> 0) + (bl >>> 0);
  out[HIGH] = ah + bh + (low > 0xffffffff ? 1 : 0);
  out[LOW] = low;
}

/** out = (h, l) rotated left by `r` bits, 0 < r < 32. */
function rotl(out: Int32Array, h: number, l: number, r: number): void {
  out[HIGH] = (h << r) | (l >>> (32 - r));
  out[LOW] = (l << r) | (h >>> (32 - r));
}

/** out = (h, l) * 5 + (0, c). */
function times5Plus(out: Int32Array, h: number, l: number, c: number): void {
  // x * 5 = (x << 2) + x
  add(out, (h << 2) | (l >>> 30), l << 2, h, l);
  add(out, out[HIGH], out[LOW], 0, c);
}

/** out = k1 * c1, rotated left 31, * c2. */
function mixK1(out: Int32Array, h: number, l: number): void {
  mul(out, h, l, C1_HIGH, C1_LOW);
  rotl(out, out[HIGH], out[LOW], 31);
  mul(out, out[HIGH], out[LOW], C2_HIGH, C2_LOW);
}

/** out = k2 * c2, rotated left 33, * c1. */
function mixK2(out: Int32Array, h: number, l: number): void {
  mul(out, h, l, C2_HIGH, C2_LOW);
  rotl(out, out[LOW], out[HIGH], 1); // rotating by 33 = swapping the halves, then 1
  mul(out, out[HIGH], out[LOW], C1_HIGH, C1_LOW);
}

/** out = MurmurHash3's fmix64 of (h, l). */
function fmix(out: Int32Array, h: number, l: number): void {
  mul(out, h, l ^ (h >>> 1), FMIX1_HIGH, FMIX1_LOW); // k ^= k >>> 33; k *= ...
  const h2 = out[HIGH];
  mul(out, h2, out[LOW] ^ (h2 >>> 1), FMIX2_HIGH, FMIX2_LOW);
  out[LOW] = out[LOW] ^ (out[HIGH] >>> 1);
}

/** The little-endian 32-bit word at `at`. */
function word(key: Uint8Array, at: number): number {
  return key[at] | (key[at + 1] << 8) | (key[at + 2] << 16) | (key[at + 3] << 24);
}

/**
 * out = the tail bytes `key[at + from .. at + to)` as Cassandra folds them into k1 or k2: each
 * byte sign-extended to 64 bits, shifted left by 8 times its place, XORed together.
 */
function tail(out: Int32Array, key: Uint8Array, at: number, from: number, to: number): void {
  let h = 0;
  let l = 0;
  for (let i = from; i < to; i++) {
    const signed = (key[at + i] << 24) >> 24;
    const place = i - from;
    if (place < 4) {
      l ^= signed << (place * 8);
      h ^= signed >> 31; // the sign fills every higher bit
    } else {
      h ^= signed << ((place - 4) * 8);
    }
  }
  out[HIGH] = h;
  out[LOW] = l;
}

/**
 * Hashes `key[start..end)`; `out` is the scratch of the 64-bit operations and ends holding the
 * token [high, low]. The core of {@linkcode Murmur3PartitionToken}.
 */
function hashInto(
  out: Int32Array,
  key: Uint8Array,
  start: number,
  end: number,
): void {
  const length = end - start;
  const blocksEnd = start + (length & ~15);
  let h1h = 0;
  let h1l = 0;
  let h2h = 0;
  let h2l = 0;
  for (let at = start; at < blocksEnd; at += 16) {
    mixK1(out, word(key, at + 4), word(key, at));
    rotl(out, h1h ^ out[HIGH], h1l ^ out[LOW], 27);
    add(out, out[HIGH], out[LOW], h2h, h2l);
    times5Plus(out, out[HIGH], out[LOW], 0x52dce729);
    h1h = out[HIGH];
    h1l = out[LOW];
    mixK2(out, word(key, at + 12), word(key, at + 8));
    rotl(out, h2h ^ out[HIGH], h2l ^ out[LOW], 31);
    add(out, out[HIGH], out[LOW], h1h, h1l);
    times5Plus(out, out[HIGH], out[LOW], 0x38495ab5);
    h2h = out[HIGH];
    h2l = out[LOW];
  }
  const rest = length & 15;
  if (rest > 8) {
    tail(out, key, blocksEnd, 8, rest);
    mixK2(out, out[HIGH], out[LOW]);
    h2h ^= out[HIGH];
    h2l ^= out[LOW];
  }
  if (rest > 0) {
    tail(out, key, blocksEnd, 0, rest < 8 ? rest : 8);
    mixK1(out, out[HIGH], out[LOW]);
    h1h ^= out[HIGH];
    h1l ^= out[LOW];
  }
  add(out, h1h, h1l ^ length, h2h, h2l ^ length);
  h1h = out[HIGH];
  h1l = out[LOW];
  add(out, h2h, h2l ^ length, h1h, h1l);
  fmix(out, out[HIGH], out[LOW]);
  h2h = out[HIGH];
  h2l = out[LOW];
  fmix(out, h1h, h1l);
  add(out, out[HIGH], out[LOW], h2h, h2l);
  // Long.MIN_VALUE is no token: Murmur3Partitioner maps it to Long.MAX_VALUE.
  if (out[HIGH] === -0x80000000 && out[LOW] === 0) {
    out[HIGH] = 0x7fffffff;
    out[LOW] = -1;
  }
}

/**
 * Computes Murmur3Partitioner tokens without allocating: after {@linkcode hash} or
 * {@linkcode hashComposite}, {@linkcode high} and {@linkcode low} hold the token's signed high
 * and unsigned low 32 bits. Keep one per Worker (or per connection) and reuse it for every op.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { Murmur3PartitionToken } from "./murmur3_token.ts";
 * const token = new Murmur3PartitionToken();
 * token.hash(new TextEncoder().encode("p"));
 * // Cassandra 5.0 answers token('p') = -4369997082720685421
 * assert.equal(token.toBigInt(), -4369997082720685421n);
 * assert.equal((BigInt(token.high) << 32n) + BigInt(token.low), -4369997082720685421n);
 * ```
 */
export class Murmur3PartitionToken {
  readonly #out: Int32Array = new Int32Array(2);
  #composite: Uint8Array = new Uint8Array(256);

  /** The signed high 32 bits of the last token (-2^31 .. 2^31 - 1). */
  get high(): number {
    return this.#out[HIGH];
  }

  /** The unsigned low 32 bits of the last token (0 .. 2^32 - 1). */
  get low(): number {
    return this.#out[LOW] >>> 0;
  }

  /**
   * Hashes a serialized partition key (one column's value bytes), or the part of a buffer from
   * `start` to `end`.
   *
   * @param key The bytes.
   * @param start Where the key starts in `key`.
   * @param end Where it ends (exclusive).
   * @returns This, holding the token.
   */
  hash(key: Uint8Array, start: number = 0, end: number = key.length): this {
    hashInto(this.#out, key, start, end);
    return this;
  }

  /**
   * Hashes a composite partition key from its components' serialized values, in partition key
   * order (one component is hashed as itself, as Cassandra does). The composite form is built in
   * a buffer kept for the next call.
   *
   * @param components Each partition key column's value bytes.
   * @returns This, holding the token.
   */
  hashComposite(components: readonly Uint8Array[]): this {
    if (components.length === 1) return this.hash(components[0]);
    let size = 0;
    for (let i = 0; i < components.length; i++) size += components[i].length + 3;
    if (size > this.#composite.length) {
      this.#composite = new Uint8Array(Math.max(size, this.#composite.length * 2));
    }
    const buffer = this.#composite;
    let at = 0;
    for (let i = 0; i < components.length; i++) {
      const component = components[i];
      buffer[at] = component.length >>> 8;
      buffer[at + 1] = component.length & 0xff;
      buffer.set(component, at + 2);
      at += component.length + 2;
      buffer[at++] = 0;
    }
    return this.hash(buffer, 0, at);
  }

  /**
   * The last token as a bigint (allocates; for tests and cold paths).
   *
   * @returns The signed 64-bit token.
   */
  toBigInt(): bigint {
    return (BigInt(this.high) << 32n) | BigInt(this.low);
  }
}

/**
 * The Murmur3Partitioner token of a serialized partition key, as a bigint: a convenience over
 * {@linkcode Murmur3PartitionToken} for tests and cold paths.
 *
 * @param key The key's bytes, or its components' bytes for a composite partition key.
 * @returns The signed 64-bit token.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { murmur3PartitionToken } from "./murmur3_token.ts";
 * const text = (s: string) => new TextEncoder().encode(s);
 * assert.equal(murmur3PartitionToken(text("a")), -8839064797231613815n);
 * assert.equal(typeof murmur3PartitionToken([text("a"), text("b")]), "bigint");
 * ```
 */
export function murmur3PartitionToken(key: Uint8Array | readonly Uint8Array[]): bigint {
  const token = new Murmur3PartitionToken();
  return (key instanceof Uint8Array ? token.hash(key) : token.hashComposite(key)).toBigInt();
}
