/**
 * The salt of a cassandra-stress data generator (MurmurHash3 x64/128 of its name). Private to
 * lib/cql (see `stress_data.ts`).
 *
 * @module
 */

const MASK_64 = (1n << 64n) - 1n;

function rotl64(v: bigint, n: bigint): bigint {
  return ((v << n) | (v >> (64n - n))) & MASK_64;
}

function fmix64(k: bigint): bigint {
  k ^= k >> 33n;
  k = (k * 0xff51afd7ed558ccdn) & MASK_64;
  k ^= k >> 33n;
  k = (k * 0xc4ceb9fe1a85ec53n) & MASK_64;
  return k ^ (k >> 33n);
}

/**
 * The salt of a generator: h1 of Cassandra's MurmurHash3 x64/128 (seed 0) over the UTF-8 of
 * `text`, as `[high, low]` int32 words. Cassandra's version sign-extends the tail bytes.
 * Runs once per column at construction, so BigInt is fine here.
 */
export function saltOf(text: string): [number, number] {
  const data = new TextEncoder().encode(text);
  const c1 = 0x87c37b91114253d5n;
  const c2 = 0x4cf5ad432745937fn;
  const block = (at: number): bigint => {
    let v = 0n;
    for (let i = 7; i >= 0; i--) v = (v << 8n) | BigInt(data[at + i]);
    return v;
  };
  const tail = (at: number): bigint => BigInt.asUintN(64, BigInt((data[at] << 24) >> 24));
  let h1 = 0n;
  let h2 = 0n;
  const blocks = data.length >> 4;
  for (let i = 0; i < blocks; i++) {
    let k1 = block(i * 16);
    let k2 = block(i * 16 + 8);
    k1 = (rotl64((k1 * c1) & MASK_64, 31n) * c2) & MASK_64;
    h1 ^= k1;
    h1 = (((rotl64(h1, 27n) + h2) * 5n) + 0x52dce729n) & MASK_64;
    k2 = (rotl64((k2 * c2) & MASK_64, 33n) * c1) & MASK_64;
    h2 ^= k2;
    h2 = (((rotl64(h2, 31n) + h1) * 5n) + 0x38495ab5n) & MASK_64;
  }
  const start = blocks * 16;
  const rest = data.length & 15;
  let k1 = 0n;
  let k2 = 0n;
  for (let i = rest - 1; i >= 8; i--) k2 ^= (tail(start + i) << BigInt((i - 8) * 8)) & MASK_64;
  if (rest > 8) h2 ^= (rotl64((k2 * c2) & MASK_64, 33n) * c1) & MASK_64;
  for (let i = Math.min(rest, 8) - 1; i >= 0; i--) {
    k1 ^= (tail(start + i) << BigInt(i * 8)) & MASK_64;
  }
  if (rest > 0) h1 ^= (rotl64((k1 * c1) & MASK_64, 31n) * c2) & MASK_64;
  const length = BigInt(data.length);
  h1 ^= length;
  h2 ^= length;
  h1 = (h1 + h2) & MASK_64;
  h2 = (h2 + h1) & MASK_64;
  h1 = fmix64(h1);
  h2 = fmix64(h2);
  h1 = (h1 + h2) & MASK_64;
  return [Number(BigInt.asIntN(32, h1 >> 32n)), Number(BigInt.asIntN(32, h1))];
}
