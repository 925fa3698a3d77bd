import assert from "node:assert/strict";
import fc from "fast-check";
import { encodeWasmModule, I32, OP, signed, unsigned } from "../../lib/cql/_wasm_encoding.ts";
import { FasterRandom } from "../../lib/cql/_faster_random.ts";

const PROPERTY_SEED = 20261207;
const M48 = (1n << 48n) - 1n;
const M64 = (1n << 64n) - 1n;

/** `java.util.Random` and cassandra-stress's `FasterRandom` on BigInt longs: the oracle. */
class BigIntFasterRandom {
  #lcg = 0n;
  #state = 0n;
  #count = 0;

  setSeed(seed: bigint): void {
    this.#rollover(seed);
  }

  #next32(): bigint {
    this.#lcg = (this.#lcg * 0x5deece66dn + 0xbn) & M48;
    return BigInt.asIntN(32, this.#lcg >> 16n);
  }

  #rollover(seed: bigint): void {
    this.#lcg = (seed ^ 0x5deece66dn) & M48;
    this.#state = BigInt.asIntN(64, (this.#next32() << 32n) + this.#next32());
    this.#count = 0;
  }

  bytes(size: number): Uint8Array {
    const out = new Uint8Array(size);
    for (let at = 0; at < size; at += 8) {
      if (++this.#count === 32) this.#rollover(this.#state);
      let s = this.#state;
      s ^= s >> 12n;
      s = BigInt.asIntN(64, s ^ (s << 25n));
      s ^= s >> 27n;
      this.#state = s;
      let word = (s * 2685821657736338717n) & M64;
      for (let k = 0; k < 8 && at + k < size; k++, word >>= 8n) out[at + k] = Number(word & 0xffn);
    }
    return out;
  }
}

function words(seed: bigint): [number, number] {
  const long = BigInt.asUintN(64, seed);
  return [Number(BigInt.asIntN(32, long >> 32n)), Number(long & 0xffffffffn)];
}

Deno.test("LEB128 encodings match the WebAssembly specification's examples", () => {
  assert.deepEqual(unsigned(0), [0]);
  assert.deepEqual(unsigned(624485), [0xe5, 0x8e, 0x26]);
  assert.deepEqual(signed(-123456n), [0xc0, 0xbb, 0x78]);
  assert.deepEqual(signed(63n), [0x3f]);
  assert.deepEqual(signed(64n), [0xc0, 0x00]);
  assert.deepEqual(signed(-64n), [0x40]);
  assert.deepEqual(signed(-(1n << 63n)), [...Array(9).fill(0x80), 0x7f]);
});

Deno.test("encodeWasmModule builds a module that validates and runs", () => {
  const bytes = encodeWasmModule({
    memoryPages: 1,
    globals: [I32],
    functions: [{
      params: [I32, I32],
      results: [I32],
      locals: [],
      exportAs: "add",
      body: [OP.localGet, 0, OP.localGet, 1, OP.i32Add],
    }],
  });
  assert.ok(WebAssembly.validate(bytes));
  const memory = new WebAssembly.Memory({ initial: 1 });
  const { exports } = new WebAssembly.Instance(new WebAssembly.Module(bytes), {
    env: { memory },
  });
  assert.equal((exports.add as (a: number, b: number) => number)(40, 2), 42);
});

Deno.test("FasterRandom gives the bytes of the BigInt oracle, reseeds included", () => {
  fc.assert(
    fc.property(
      fc.bigInt({ min: -(1n << 63n), max: (1n << 63n) - 1n }),
      fc.nat(700),
      (seed, size) => {
        const oracle = new BigIntFasterRandom();
        oracle.setSeed(seed);
        const random = new FasterRandom();
        random.setSeed(...words(seed));
        const out = new Uint8Array(size + 3);
        random.fill(out, 3, size);
        assert.deepEqual(out.subarray(3), oracle.bytes(size));
        assert.deepEqual(out.subarray(0, 3), new Uint8Array(3), "nothing before the offset");
      },
    ),
    { numRuns: 300, seed: PROPERTY_SEED },
  );
});

Deno.test("FasterRandom keeps its state from one fill to the next", () => {
  const oracle = new BigIntFasterRandom();
  oracle.setSeed(-42n);
  const random = new FasterRandom();
  random.setSeed(...words(-42n));
  for (const size of [8, 240, 16, 512, 64]) {
    const out = new Uint8Array(size);
    random.fill(out, 0, size);
    assert.deepEqual(out, oracle.bytes(size), `fill of ${size}`);
  }
});

Deno.test("FasterRandom makes its kernel at the first seed, and refuses a fill before it", () => {
  const random = new FasterRandom();
  assert.throws(() => random.fill(new Uint8Array(8), 0, 8), /fill\(\) before setSeed\(\)/);
  random.setSeed(...words(7n));
  const out = new Uint8Array(8);
  random.fill(out, 0, 8);
  const oracle = new BigIntFasterRandom();
  oracle.setSeed(7n);
  assert.deepEqual(out, oracle.bytes(8));
});
