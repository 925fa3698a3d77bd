/**
 * The inner loops of `stress_data.ts` as a small WebAssembly module: cassandra-stress's key
 * characters, column identities and value bytes, on real 64-bit integers instead of pairs of
 * 32-bit halves (`_java_random.ts` has the same generators in JavaScript; the tests hold the
 * two to the same vectors). Private to lib/cql.
 *
 * Memory layout (one instance per {@linkcode StressData}): bytes 0-7 the data seed of the last
 * key; then the column salts (i64 each), the identities (f64), the sizes (i32), the key bytes and
 * the row bytes, which grow as a row needs.
 *
 * @module
 */

import {
  encodeWasmModule,
  F64,
  f64,
  I32,
  i32,
  I64,
  i64,
  memory,
  OP,
  unsigned,
  VOID,
  type WasmFunction,
} from "./_wasm_encoding.ts";

const LCG_MUL = 0x5deece66dn;
const MASK_48 = (1n << 48n) - 1n;
/** `FasterRandom`'s output multiplier. */
const XS_MUL = 2685821657736338717n;
const PAGE_BYTES = 65536;

function get(local: number): number[] {
  return [OP.localGet, ...unsigned(local)];
}
function set(local: number): number[] {
  return [OP.localSet, ...unsigned(local)];
}
function tee(local: number): number[] {
  return [OP.localTee, ...unsigned(local)];
}
function call(index: number): number[] {
  return [OP.call, ...unsigned(index)];
}
/** `local += step` for an i32 local. */
function bump(local: number, step: number): number[] {
  return [...get(local), ...i32(step), OP.i32Add, ...set(local)];
}
/** A counted loop: `while (counter < limit) { body; counter++ }`, both i32 locals. */
function forEach(counter: number, limit: number, body: readonly number[]): number[] {
  return [
    ...[OP.block, VOID, OP.loop, VOID],
    ...[...get(counter), ...get(limit), OP.i32GeU, OP.brIf, 1],
    ...body,
    ...bump(counter, 1),
    ...[OP.br, 0, OP.end, OP.end],
  ];
}
/** The i64 `high:low` from two i32 locals. */
function joined(high: number, low: number): number[] {
  return [
    ...[...get(high), OP.i64ExtendI32S, ...i64(32n), OP.i64Shl],
    ...[...get(low), OP.i64ExtendI32U, OP.i64Or],
  ];
}

// Function indexes, in declaration order.
const SET_SEED = 0;
const STEP = 1;
const NEXT_IDENTITY = 2;
const NEXT_LONG = 3;
const FILL_VALUE = 4;

/** `java.util.Random.setSeed(seed)`: the state is `(seed ^ multiplier) & (2^48 - 1)`. */
const setSeed: WasmFunction = {
  params: [I64],
  results: [],
  locals: [],
  body: [...get(0), ...i64(LCG_MUL), OP.i64Xor, ...i64(MASK_48), OP.i64And, OP.globalSet, 0],
};

/** One LCG step; returns the new 48-bit state. */
const step: WasmFunction = {
  params: [],
  results: [I64],
  locals: [],
  body: [
    ...[OP.globalGet, 0, ...i64(LCG_MUL), OP.i64Mul, ...i64(0xbn), OP.i64Add],
    ...[...i64(MASK_48), OP.i64And, OP.globalSet, 0, OP.globalGet, 0],
  ],
};

/** `uniform(1..100B)`'s next draw: `nextDouble()` mapped onto `[1, 10^11]`, truncated. */
const nextIdentity: WasmFunction = {
  params: [],
  results: [F64],
  locals: [F64],
  body: [
    // ((next(26) << 27) + next(27)) * 2^-53
    ...[...call(STEP), ...i64(22n), OP.i64ShrU, ...i64(27n), OP.i64Shl],
    ...[...call(STEP), ...i64(21n), OP.i64ShrU, OP.i64Add, OP.f64ConvertI64S],
    ...[...f64(2 ** -53), OP.f64Mul, ...tee(0)],
    // trunc(u * (max + 1) + (1 - u) * min), clamped to [min, max]
    ...[...f64(100_000_000_001), OP.f64Mul],
    ...[...f64(1), ...get(0), OP.f64Sub, ...f64(1), OP.f64Mul, OP.f64Add, OP.f64Trunc],
    ...[...f64(1), OP.f64Max, ...f64(100_000_000_000), OP.f64Min],
  ],
};

/** `nextLong()`: `((long) next(32) << 32) + next(32)`. */
const nextLong: WasmFunction = {
  params: [],
  results: [I64],
  locals: [],
  body: [
    ...[...call(STEP), ...i64(16n), OP.i64ShrU, OP.i32WrapI64, OP.i64ExtendI32S],
    ...[...i64(32n), OP.i64Shl],
    ...[...call(STEP), ...i64(16n), OP.i64ShrU, OP.i32WrapI64, OP.i64ExtendI32S, OP.i64Add],
  ],
};

/**
 * `FasterRandom` seeded with `~value`: `size` bytes at `at`, whole little-endian longs (up to 7
 * bytes past the end are overwritten). Params: value f64, size, at; locals: state, count, k.
 */
const fillValue: WasmFunction = {
  params: [F64, I32, I32],
  results: [],
  locals: [I64, I32, I32],
  body: [
    ...[...get(0), OP.i64TruncF64S, ...i64(-1n), OP.i64Xor, ...call(SET_SEED)],
    ...[...call(NEXT_LONG), ...set(3)],
    ...[OP.block, VOID, OP.loop, VOID],
    ...[...get(5), ...get(1), OP.i32GeU, OP.brIf, 1],
    // reseeded through java.util.Random on every 32nd long
    ...[...get(4), ...i32(1), OP.i32Add, ...tee(4), ...i32(32), OP.i32Eq, OP.if, VOID],
    ...[...get(3), ...call(SET_SEED), ...call(NEXT_LONG), ...set(3), ...i32(0), ...set(4)],
    OP.end,
    ...[...get(3), ...get(3), ...i64(12n), OP.i64ShrS, OP.i64Xor, ...set(3)],
    ...[...get(3), ...get(3), ...i64(25n), OP.i64Shl, OP.i64Xor, ...set(3)],
    ...[...get(3), ...get(3), ...i64(27n), OP.i64ShrS, OP.i64Xor, ...set(3)],
    ...[...get(2), ...get(5), OP.i32Add, ...get(3), ...i64(XS_MUL), OP.i64Mul],
    ...memory(OP.i64Store, 0),
    ...bump(5, 8),
    ...[OP.br, 0, OP.end, OP.end],
  ],
};

/**
 * The key of a seed (already salted): `size` characters at `at`, the data seed at 0.
 * Params: high, low, size, at; locals: value (i64), data seed (i64), i, j, end, byte.
 */
const key: WasmFunction = {
  params: [I32, I32, I32, I32],
  results: [],
  locals: [I64, I64, I32, I32, I32, I32],
  exportAs: "key",
  body: [
    ...[...joined(0, 1), ...call(SET_SEED), ...call(NEXT_IDENTITY), OP.drop],
    ...[OP.block, VOID, OP.loop, VOID],
    ...[...get(6), ...get(2), OP.i32GeU, OP.brIf, 1],
    ...[...call(NEXT_IDENTITY), OP.i64TruncF64S, ...set(4), ...i32(0), ...set(7)],
    // end = min(16, size - i)
    ...[...get(2), ...get(6), OP.i32Sub, ...tee(8), ...i32(16), ...get(8), ...i32(16)],
    ...[OP.i32LtU, OP.select, ...set(8)],
    ...forEach(7, 8, [
      // byte = nibble + (nibble < 10 ? '0' : 'K' - 10)
      ...[...get(4), ...get(7), ...i32(2), OP.i32Shl, OP.i64ExtendI32U, OP.i64ShrU],
      ...[OP.i32WrapI64, ...i32(15), OP.i32And, ...tee(9)],
      ...[...i32(48), ...i32(65), ...get(9), ...i32(10), OP.i32LtU, OP.select, OP.i32Add],
      ...set(9),
      ...[...get(3), ...get(6), OP.i32Add, ...get(7), OP.i32Add, ...get(9)],
      ...memory(OP.i32Store8, 0),
      // data seed = 31 * data seed + byte
      ...[...get(5), ...i64(31n), OP.i64Mul, ...get(9), OP.i64ExtendI32U, OP.i64Add, ...set(5)],
    ]),
    ...bump(6, 16),
    ...[OP.br, 0, OP.end, OP.end],
    ...[...i32(0), ...get(5), ...memory(OP.i64Store, 0)],
  ],
};

/**
 * Each column's identity: reseeded with `data seed ^ salt`, one draw.
 * Params: seed high, seed low, columns, salts at, identities at; locals: seed, c.
 */
const identities: WasmFunction = {
  params: [I32, I32, I32, I32, I32],
  results: [],
  locals: [I64, I32],
  exportAs: "identities",
  body: [
    ...[...joined(0, 1), ...set(5)],
    ...forEach(6, 2, [
      ...[...get(5), ...get(3), ...get(6), ...i32(3), OP.i32Shl, OP.i32Add],
      ...[...memory(OP.i64Load, 0), OP.i64Xor, ...call(SET_SEED)],
      ...[...get(4), ...get(6), ...i32(3), OP.i32Shl, OP.i32Add, ...call(NEXT_IDENTITY)],
      ...memory(OP.f64Store, 0),
    ]),
  ],
};

/**
 * Every column's value back to back from `out at`, each after its big-endian [int] length when
 * `prefixed`; returns the bytes written.
 * Params: columns, identities at, sizes at, out at, prefixed; locals: c, p, size.
 */
const fillRow: WasmFunction = {
  params: [I32, I32, I32, I32, I32],
  results: [I32],
  locals: [I32, I32, I32],
  exportAs: "fillRow",
  body: [
    ...[...get(3), ...set(6)],
    ...forEach(5, 0, [
      ...[...get(2), ...get(5), ...i32(2), OP.i32Shl, OP.i32Add, ...memory(OP.i32Load, 0)],
      ...set(7),
      ...[...get(4), OP.if, VOID],
      ...[0, 1, 2, 3].flatMap((k) => [
        ...[...get(6), ...i32(k), OP.i32Add, ...get(7), ...i32(24 - 8 * k), OP.i32ShrU],
        ...memory(OP.i32Store8, 0),
      ]),
      ...[...bump(6, 4), OP.end],
      ...[...get(1), ...get(5), ...i32(3), OP.i32Shl, OP.i32Add, ...memory(OP.f64Load, 0)],
      ...[...get(7), ...get(6), ...call(FILL_VALUE)],
      ...[...get(6), ...get(7), OP.i32Add, ...set(6)],
    ]),
    ...[...get(6), ...get(3), OP.i32Sub],
  ],
};

function kernelBytes(): Uint8Array<ArrayBuffer> {
  return encodeWasmModule({
    memoryPages: 1,
    i64Globals: 1,
    functions: [setSeed, step, nextIdentity, nextLong, fillValue, key, identities, fillRow],
  });
}

interface KernelExports {
  key(high: number, low: number, size: number, at: number): void;
  identities(high: number, low: number, columns: number, saltsAt: number, at: number): void;
  fillRow(
    columns: number,
    identitiesAt: number,
    sizesAt: number,
    at: number,
    prefixed: number,
  ): number;
}

/**
 * One instance of the kernel for a fixed key size and set of column salts.
 *
 * @example Usage
 * ```ts ignore
 * const kernel = new StressDataKernel(10, saltHigh, saltLow);
 * kernel.keyInto(high, low, out, 0); // then kernel.identities(...), sizes, kernel.fillRowInto(...)
 * ```
 */
export class StressDataKernel {
  readonly #memory = new WebAssembly.Memory({ initial: 1 });
  readonly #exports: KernelExports;
  readonly #keySizeBytes: number;
  readonly #columns: number;
  readonly #saltsAt = 16;
  readonly #identitiesAt: number;
  readonly #sizesAt: number;
  readonly #keyAt: number;
  readonly #rowAt: number;
  #bytes!: Uint8Array;
  #words!: Int32Array;
  #doubles!: Float64Array;

  /**
   * @param keySizeBytes The key length.
   * @param saltHigh Each column's salt, high words.
   * @param saltLow Each column's salt, low words.
   */
  constructor(keySizeBytes: number, saltHigh: Int32Array, saltLow: Int32Array) {
    const module = new WebAssembly.Module(kernelBytes());
    const instance = new WebAssembly.Instance(module, { env: { memory: this.#memory } });
    this.#exports = instance.exports as unknown as KernelExports;
    this.#keySizeBytes = keySizeBytes;
    const n = saltHigh.length;
    this.#columns = n;
    this.#identitiesAt = this.#saltsAt + 8 * n;
    this.#sizesAt = this.#identitiesAt + 8 * n;
    this.#keyAt = this.#sizesAt + 4 * n + 8;
    this.#rowAt = this.#keyAt + Math.ceil((keySizeBytes + 8) / 8) * 8;
    this.#reserve(this.#rowAt + 8);
    for (let c = 0; c < n; c++) {
      this.#words[(this.#saltsAt >> 2) + 2 * c] = saltLow[c];
      this.#words[(this.#saltsAt >> 2) + 2 * c + 1] = saltHigh[c];
    }
  }

  /** The data seed of the last key, high word. */
  get dataSeedHigh(): number {
    return this.#words[1];
  }

  /** The data seed of the last key, low word. */
  get dataSeedLow(): number {
    return this.#words[0];
  }

  /** Writes the key of the salted seed `high:low` into `out` at `at`. */
  keyInto(high: number, low: number, out: Uint8Array, at: number): void {
    const size = this.#keySizeBytes;
    this.#exports.key(high, low, size, this.#keyAt);
    out.set(this.#bytes.subarray(this.#keyAt, this.#keyAt + size), at);
  }

  /** Draws every column's identity from a data seed into `into`. */
  identities(seedHigh: number, seedLow: number, into: Float64Array): void {
    const n = this.#columns;
    this.#exports.identities(seedHigh, seedLow, n, this.#saltsAt, this.#identitiesAt);
    const first = this.#identitiesAt >> 3;
    for (let c = 0; c < n; c++) into[c] = this.#doubles[first + c];
  }

  /**
   * Writes the values of the last {@linkcode StressDataKernel.identities} with these sizes
   * into `out` at `at` (each after its [int] length when `prefixed`); `total` is what they
   * take. Returns `total`.
   */
  fillRowInto(
    sizes: Int32Array,
    total: number,
    out: Uint8Array,
    at: number,
    prefixed: boolean,
  ): number {
    const n = this.#columns;
    this.#reserve(this.#rowAt + total + 8);
    const first = this.#sizesAt >> 2;
    for (let c = 0; c < n; c++) this.#words[first + c] = sizes[c];
    const written = this.#exports.fillRow(
      n,
      this.#identitiesAt,
      this.#sizesAt,
      this.#rowAt,
      prefixed ? 1 : 0,
    );
    out.set(this.#bytes.subarray(this.#rowAt, this.#rowAt + written), at);
    return written;
  }

  /** Grows the memory to hold `bytes`, and refreshes the views. */
  #reserve(bytes: number): void {
    const have = this.#memory.buffer.byteLength;
    if (bytes > have) this.#memory.grow(Math.ceil((bytes - have) / PAGE_BYTES));
    if (this.#bytes === undefined || this.#bytes.buffer !== this.#memory.buffer) {
      const buffer = this.#memory.buffer;
      this.#bytes = new Uint8Array(buffer);
      this.#words = new Int32Array(buffer);
      this.#doubles = new Float64Array(buffer);
    }
  }
}
