// Our LZ4 block codec (lz4_compressor.ts, lz4_decompress.ts): hand-made blocks worked out from
// the LZ4 block format, a block made by the reference C library, every way a corrupt block is
// refused, and round trips checked both ways against the reference implementation from npm
// (lz4_flex in lz4-wasm-nodejs): its decoder reads our blocks, ours reads its blocks.
import assert from "node:assert/strict";
import fc from "fast-check";
import { Lz4Compressor, lz4MaxCompressedBytes } from "../../../lib/cql/native/lz4_compressor.ts";
import { decompressLz4Block } from "../../../lib/cql/native/lz4_decompress.ts";
import { NativeProtocolError } from "../../../lib/cql/native/native_errors.ts";
import { bytes, referenceLz4Block, referenceLz4Decode, utf8 } from "./_bytes.ts";

function decode(block: Uint8Array, size: number): Uint8Array {
  const out = new Uint8Array(size);
  decompressLz4Block(block, out, {
    srcStart: 0,
    srcEnd: block.length,
    dstStart: 0,
    dstEnd: size,
  });
  return out;
}

function encode(data: Uint8Array, compressor = new Lz4Compressor()): Uint8Array {
  const out = new Uint8Array(lz4MaxCompressedBytes(data.length));
  return out.slice(0, compressor.compress(data, 0, data.length, out, 0));
}

/** Data with repeats: runs, copies of earlier parts at varied distances, and noise. */
const repetitiveArb = fc.array(
  fc.oneof(
    fc.uint8Array({ minLength: 1, maxLength: 40 }),
    fc.record({ byte: fc.nat(255), n: fc.integer({ min: 1, max: 300 }) }).map(({ byte, n }) =>
      new Uint8Array(n).fill(byte)
    ),
    fc.record({ back: fc.nat(70_000), n: fc.integer({ min: 4, max: 600 }) }),
  ),
  { maxLength: 60 },
).map((parts) => {
  const out: number[] = [];
  for (const part of parts) {
    if (part instanceof Uint8Array) out.push(...part);
    else if (out.length > 0) {
      const from = Math.max(0, out.length - 1 - (part.back % out.length));
      for (let i = 0; i < part.n; i++) out.push(out[from + i]);
    }
  }
  return Uint8Array.from(out);
});

Deno.test("decoding hand-made blocks: literals, overlapping matches, length extensions", () => {
  assert.deepEqual(decode(new Uint8Array(0), 0), new Uint8Array(0));
  assert.deepEqual(decode(bytes("00"), 0), new Uint8Array(0));
  assert.deepEqual(decode(bytes("30 61 62 63"), 3), utf8("abc"));
  // "a", then a match of 9 at offset 1: ten a's.
  assert.deepEqual(decode(bytes("15 61 01 00 00"), 10), utf8("a".repeat(10)));
  // 15 + 255 + 3 = 273 literals.
  const literals = new Uint8Array(273).map((_, i) => i & 0xff);
  assert.deepEqual(decode(bytes("f0 ff 03", literals), 273), literals);
  // "xy", then a match of 4 + 15 + 255 + 0 = 274 at offset 2, then 5 literals.
  const repeated = utf8("xy".repeat(138) + "abcde");
  assert.deepEqual(decode(bytes("2f 78 79 02 00 ff 00 50", utf8("abcde")), 281), repeated);
  // A block the reference C library (python lz4 4.4.5) made of "ab" x 50.
  assert.deepEqual(
    decode(bytes("2f 61 62 02 00 4a 50 62 61 62 61 62"), 100),
    utf8("ab".repeat(50)),
  );
});

Deno.test("decoding into a range of a larger array writes nothing outside it", () => {
  const out = new Uint8Array(10).fill(0xee);
  decompressLz4Block(bytes("99", "30 61 62 63", "99"), out, {
    srcStart: 1,
    srcEnd: 5,
    dstStart: 4,
    dstEnd: 7,
  });
  assert.deepEqual([...out], [0xee, 0xee, 0xee, 0xee, 0x61, 0x62, 0x63, 0xee, 0xee, 0xee]);
  // An offset may not reach before dstStart, even where the array has bytes.
  assert.throws(
    () =>
      decompressLz4Block(bytes("10 61 04 00 00"), out, {
        srcStart: 0,
        srcEnd: 5,
        dstStart: 4,
        dstEnd: 9,
      }),
    /match offset 4 points before the start of the output/,
  );
});

Deno.test("corrupt blocks: a clear NativeProtocolError, never a read or write out of bounds", () => {
  const cases: Array<[string, Uint8Array, number, RegExp]> = [
    ["empty block for bytes", new Uint8Array(0), 3, /the block is empty where 3 bytes/],
    ["literal length cut", bytes("f0 ff"), 300, /a literal length runs past the block/],
    ["literals cut", bytes("30 61 62"), 3, /literals run past the block/],
    ["more literals than the output", bytes("30 61 62 63"), 2, /past the uncompressed length/],
    ["offset cut", bytes("10 61 01"), 5, /a match offset runs past the block/],
    ["offset 0", bytes("10 61 00 00 00"), 5, /match offset 0 points before/],
    ["offset past the start", bytes("10 61 02 00 00"), 5, /match offset 2 points before/],
    ["match length cut", bytes("1f 61 01 00 ff"), 300, /a match length runs past the block/],
    ["match past the output", bytes("1f 61 01 00 10 00"), 20, /a match runs past/],
    ["too few bytes", bytes("30 61 62 63"), 4, /it holds 3 bytes where 4 were expected/],
    ["a match with no last literals", bytes("10 61 01 00"), 5, /ends with a match/],
  ];
  for (const [name, block, size, message] of cases) {
    assert.throws(() => decode(block, size), (error: Error) => {
      assert.ok(error instanceof NativeProtocolError, name);
      assert.match(error.message, /^Cannot decompress an LZ4 block: /, name);
      assert.match(error.message, message, name);
      return true;
    });
  }
});

Deno.test("random bytes as a block fail cleanly or decode within bounds", () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 300 }), fc.nat(2000), (block, size) => {
      try {
        assert.equal(decode(block, size).length, size);
      } catch (error) {
        assert.ok(error instanceof NativeProtocolError, String(error));
      }
    }),
    { numRuns: 2000 },
  );
});

Deno.test("encoding hand-checked inputs: short inputs as literals, a run, long extensions", () => {
  // Fewer than 13 bytes: literals only.
  assert.deepEqual(encode(utf8("aaaaaaaaaaaa")), bytes("c0", utf8("aaaaaaaaaaaa")));
  assert.deepEqual(encode(new Uint8Array(0)), bytes("00"));
  // 200 zeros: one literal, a match of 194 at offset 1 (15 + 175 past 4), 5 last literals.
  assert.deepEqual(encode(new Uint8Array(200)), bytes("1f 00 01 00 af 50 00 00 00 00 00"));
  // 300 bytes with no repeat: 15 + 255 + 30 literals.
  let x = 1;
  const noise = new Uint8Array(300).map(() => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return x & 0xff;
  });
  const block = encode(noise);
  assert.deepEqual([...block.subarray(0, 3)], [0xf0, 0xff, 30]);
  assert.deepEqual(block.subarray(3), noise);
});

Deno.test("every block we make keeps the end-of-block rules and decodes with the reference", () => {
  const compressor = new Lz4Compressor();
  fc.assert(
    fc.property(repetitiveArb, (data) => {
      const block = encode(data, compressor);
      assert.ok(block.length <= lz4MaxCompressedBytes(data.length));
      assert.deepEqual(decode(block, data.length), data);
      assert.deepEqual(referenceLz4Decode(block, data.length), data);
      assertEndRules(block, data.length);
    }),
    { numRuns: 500 },
  );
});

Deno.test("every block the reference makes decodes with ours", () => {
  fc.assert(
    fc.property(fc.oneof(repetitiveArb, fc.uint8Array({ maxLength: 2000 })), (data) => {
      assert.deepEqual(decode(referenceLz4Block(data), data.length), data);
    }),
    { numRuns: 500 },
  );
});

Deno.test("one compressor over 40,000 blocks: stale table entries never make a wrong match", () => {
  // Enough blocks to wrap its numbering (the table is cleared once on the way).
  const compressor = new Lz4Compressor();
  const a = utf8("the quick brown fox jumps over the lazy dog, the quick brown fox");
  const b = utf8("THE QUICK BROWN FOX JUMPS OVER THE LAZY DOG, THE QUICK BROWN FOX");
  for (let i = 0; i < 40_000; i++) {
    const data = i % 2 === 0 ? a : b;
    const block = encode(data, compressor);
    if (i % 997 === 0 || i > 39_990) assert.deepEqual(decode(block, data.length), data, `${i}`);
    else assert.equal(block.length, encode(data).length);
  }
  const big = new Uint8Array(131_071).map((_, i) => (i % 1000) & 0xff);
  assert.deepEqual(decode(encode(big, compressor), big.length), big);
});

Deno.test("compressing needs room for the bound", () => {
  const data = new Uint8Array(100);
  assert.throws(
    () => new Lz4Compressor().compress(data, 0, 100, new Uint8Array(50), 0),
    /Cannot compress 100 bytes: the output has room for 50/,
  );
});

/**
 * The block format's end rules (what strict decoders rely on): the last sequence is literals
 * only, at least 5 of them when the block holds a match, and the last match starts at least 12
 * bytes before the end.
 */
function assertEndRules(block: Uint8Array, size: number): void {
  let ip = 0;
  let op = 0;
  let lastMatchStart = -1;
  for (;;) {
    const token = block[ip++];
    let literals = token >>> 4;
    if (literals === 15) {
      for (;;) {
        const b = block[ip++];
        literals += b;
        if (b !== 255) break;
      }
    }
    ip += literals;
    op += literals;
    if (ip >= block.length) {
      if (lastMatchStart >= 0) assert.ok(literals >= 5, `last literals ${literals}`);
      break;
    }
    ip += 2;
    let length = token & 15;
    if (length === 15) {
      for (;;) {
        const b = block[ip++];
        length += b;
        if (b !== 255) break;
      }
    }
    lastMatchStart = op;
    op += length + 4;
  }
  assert.equal(op, size);
  if (lastMatchStart >= 0) {
    assert.ok(size - lastMatchStart >= 12, `last match at ${lastMatchStart}`);
  }
}
