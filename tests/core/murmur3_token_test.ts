import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import fc from "fast-check";
import tokenizer from "cassandra-driver/lib/tokenizer.js";
import { Murmur3PartitionToken, murmur3PartitionToken } from "../../lib/core/murmur3_token.ts";
import { encodePartitionKey } from "../../lib/cql_node/engine/_keys.ts";

const text = (s: string) => new TextEncoder().encode(s);
const driver = new tokenizer.Murmur3Tokenizer();
const driverToken = (key: Uint8Array) => BigInt(driver.hash(Buffer.from(key)).toString());

Deno.test("murmur3PartitionToken() gives Cassandra 5.0.6's tokens", () => {
  // Recorded from Cassandra 5.0.6: SELECT token(k1) FROM ko (k1 text) for 'p' and 'a'.
  assert.equal(murmur3PartitionToken(text("p")), -4369997082720685421n);
  assert.equal(murmur3PartitionToken(text("a")), -8839064797231613815n);
});

Deno.test("murmur3PartitionToken() agrees with cassandra-driver on keys of 0 to 100 bytes", () => {
  fc.assert(
    fc.property(fc.uint8Array({ minLength: 0, maxLength: 100 }), (key) => {
      const expected = driverToken(key);
      assert.equal(murmur3PartitionToken(key), expected);
    }),
    { numRuns: 3000, seed: 2020 },
  );
});

Deno.test("Murmur3PartitionToken.hash() of every length 0..48 and every tail byte sign agrees with the driver", () => {
  const token = new Murmur3PartitionToken();
  for (let length = 0; length <= 48; length++) {
    for (const fill of [0x00, 0x7f, 0x80, 0xff, -1]) {
      const key = new Uint8Array(length);
      for (let i = 0; i < length; i++) key[i] = fill >= 0 ? fill : (i * 37 + length) & 0xff;
      token.hash(key);
      const expected = driverToken(key);
      assert.equal(token.toBigInt(), expected, `length ${length} fill ${fill}`);
      assert.equal(token.high, Number(BigInt.asIntN(32, expected >> 32n)));
      assert.equal(token.low, Number(BigInt.asUintN(32, expected)));
    }
  }
});

Deno.test("Murmur3PartitionToken.hash() hashes the part of a buffer between start and end", () => {
  const token = new Murmur3PartitionToken();
  const frame = new Uint8Array(64).map((_, i) => i * 7);
  for (const [start, end] of [[0, 0], [3, 13], [5, 40], [0, 64], [63, 64]]) {
    assert.equal(token.hash(frame, start, end).toBigInt(), driverToken(frame.slice(start, end)));
  }
});

Deno.test("Murmur3PartitionToken.hashComposite() hashes the CompositeType form, as the node serializes it", () => {
  fc.assert(
    fc.property(
      fc.array(fc.uint8Array({ minLength: 0, maxLength: 40 }), { minLength: 1, maxLength: 4 }),
      (components) => {
        const serialized = encodePartitionKey(components);
        const expected = driverToken(serialized);
        assert.equal(new Murmur3PartitionToken().hashComposite(components).toBigInt(), expected);
        assert.equal(murmur3PartitionToken(components), expected);
      },
    ),
    { numRuns: 1000, seed: 77 },
  );
});

Deno.test("Murmur3PartitionToken.hashComposite() reuses and grows its buffer between calls", () => {
  const token = new Murmur3PartitionToken();
  const small = [text("a"), text("b")];
  const large = [new Uint8Array(300).fill(9), new Uint8Array(500).fill(200), text("c")];
  const first = token.hashComposite(small).toBigInt();
  assert.equal(token.hashComposite(large).toBigInt(), driverToken(encodePartitionKey(large)));
  assert.equal(token.hashComposite(small).toBigInt(), first);
  // The composite of 'a' and 'b' is 00 01 61 00 00 01 62 00.
  assert.equal(first, driverToken(new Uint8Array([0, 1, 0x61, 0, 0, 1, 0x62, 0])));
  // One component is hashed as itself.
  assert.equal(token.hashComposite([text("p")]).toBigInt(), -4369997082720685421n);
});
