/**
 * cassandra-stress's generators as a small WebAssembly module of our own, on real 64-bit
 * integers instead of pairs of 32-bit halves: `java.util.Random`, the identity draw, its
 * `FasterRandom`, and the key and row loops of `stress_data.ts` (`_java_random.ts` keeps the
 * `java.util.Random` of the distributions in JavaScript; the tests hold both to the vectors
 * printed by cassandra-stress's own classes). Private to lib/cql.
 *
 * Globals: 0 the `java.util.Random` state, 1 the `FasterRandom` state, 2 its count of longs
 * since it was reseeded. Each {@linkcode RandomKernel} has its own instance and memory.
 *
 * @module
 */

import {
  bump,
  call,
  count,
  encodeWasmModule,
  F64,
  f64,
  forEach,
  get,
  I32,
  i32,
  I64,
  i64,
  joined,
  memory,
  MEMORY_COPY,
  OP,
  set,
  tee,
  unsigned,
  VOID,
  type WasmFunction,
} from "./_wasm_encoding.ts";

const LCG_MUL = 0x5deece66dn;
const MASK_48 = (1n << 48n) - 1n;
/** `FasterRandom`'s output multiplier. */
const XS_MUL = 2685821657736338717n;
const PAGE_BYTES = 65536;
/** Up to this size {@linkcode RandomKernel.copyOut} copies byte by byte. */
const SMALL_COPY_BYTES = 64;

// Function indexes, in declaration order.
const SET_SEED = 0;
const STEP = 1;
const NEXT_IDENTITY = 2;
const NEXT_LONG = 3;
const RESEED_FASTER = 4;
const FASTER_FILL = 6;
const UNIFORM_NEXT = 10;

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

/** `uniform(1..100B)`'s next draw: the identity distribution of cassandra-stress's generators. */
const nextIdentity: WasmFunction = {
  params: [],
  results: [F64],
  locals: [],
  body: [...f64(1), ...f64(100_000_000_000), ...call(UNIFORM_NEXT)],
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

/** `FasterRandom.setSeed(seed)`: its state is the `nextLong()` of a `java.util.Random`. */
const reseedFaster: WasmFunction = {
  params: [I64],
  results: [],
  locals: [],
  body: [
    ...[...get(0), ...call(SET_SEED), ...call(NEXT_LONG), OP.globalSet, 1],
    ...[...i32(0), OP.globalSet, 2],
  ],
};

/** `FasterRandom.setSeed(high:low)`. */
const fasterSeed: WasmFunction = {
  params: [I32, I32],
  results: [],
  locals: [],
  exportAs: "fasterSeed",
  body: [...joined(0, 1), ...call(RESEED_FASTER)],
};

/**
 * `FasterRandom`'s next `size` bytes at `at`: whole little-endian longs (up to 7 bytes past the
 * end are overwritten). Params: size, at; locals: state, count, k.
 */
const fasterFill: WasmFunction = {
  params: [I32, I32],
  results: [],
  locals: [I64, I32, I32],
  exportAs: "fasterFill",
  body: [
    ...[OP.globalGet, 1, ...set(2), OP.globalGet, 2, ...set(3)],
    ...[OP.block, VOID, OP.loop, VOID],
    ...[...get(4), ...get(0), OP.i32GeU, OP.brIf, 1],
    // reseeded through java.util.Random on every 32nd long
    ...[...get(3), ...i32(1), OP.i32Add, ...tee(3), ...i32(32), OP.i32Eq, OP.if, VOID],
    ...[...get(2), ...call(SET_SEED), ...call(NEXT_LONG), ...set(2), ...i32(0), ...set(3)],
    OP.end,
    ...[...get(2), ...get(2), ...i64(12n), OP.i64ShrS, OP.i64Xor, ...set(2)],
    ...[...get(2), ...get(2), ...i64(25n), OP.i64Shl, OP.i64Xor, ...set(2)],
    ...[...get(2), ...get(2), ...i64(27n), OP.i64ShrS, OP.i64Xor, ...set(2)],
    ...[...get(1), ...get(4), OP.i32Add, ...get(2), ...i64(XS_MUL), OP.i64Mul],
    ...memory(OP.i64Store, 0),
    ...bump(4, 8),
    ...[OP.br, 0, OP.end, OP.end],
    ...[...get(2), OP.globalSet, 1, ...get(3), OP.globalSet, 2],
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
      // FasterRandom seeded with ~identity
      ...[...get(1), ...get(5), ...i32(3), OP.i32Shl, OP.i32Add, ...memory(OP.f64Load, 0)],
      ...[OP.i64TruncF64S, ...i64(-1n), OP.i64Xor, ...call(RESEED_FASTER)],
      ...[...get(7), ...get(6), ...call(FASTER_FILL)],
      ...[...get(6), ...get(7), OP.i32Add, ...set(6)],
    ]),
    ...[...get(6), ...get(3), OP.i32Sub],
  ],
};

/**
 * commons-math3's uniform draw on the seeded `java.util.Random`, as `SeededDistribution.next()`
 * takes it: `trunc(u * (max + 1) + (1 - u) * min)`, clamped to `[min, max]`.
 * Params: min, max; local: u.
 */
const uniformNext: WasmFunction = {
  params: [F64, F64],
  results: [F64],
  locals: [F64],
  body: [
    ...[...call(STEP), ...i64(22n), OP.i64ShrU, ...i64(27n), OP.i64Shl],
    ...[...call(STEP), ...i64(21n), OP.i64ShrU, OP.i64Add, OP.f64ConvertI64S],
    ...[...f64(2 ** -53), OP.f64Mul, ...tee(2)],
    ...[...get(1), ...f64(1), OP.f64Add, OP.f64Mul],
    ...[...f64(1), ...get(2), OP.f64Sub, ...get(0), OP.f64Mul, OP.f64Add, OP.f64Trunc],
    ...[...get(0), OP.f64Max, ...get(1), OP.f64Min],
  ],
};

/** `value` drawn from the column spec at `spec + offset` (uniform when `flags & bit`). */
function drawn(spec: number, offset: number, flags: number, bit: number, seed: number[]): number[] {
  return [
    ...[...get(flags), ...i32(bit), OP.i32And, OP.if, F64],
    ...[...seed, ...call(SET_SEED)],
    ...[...get(spec), OP.f64Load, 0, ...unsigned(offset)],
    ...[...get(spec), OP.f64Load, 0, ...unsigned(offset + 8), ...call(UNIFORM_NEXT)],
    OP.else,
    ...[...get(spec), OP.f64Load, 0, ...unsigned(offset)],
    OP.end,
  ];
}

/**
 * The text and blob columns of a `user` row: each column's identity from its population, its
 * size from its size distribution seeded with the identity, its bytes from a `FasterRandom`
 * seeded with `~identity` (text: folded to 7-bit characters); the key columns are drawn from
 * the partition seed and folded into the seed of the value columns (`31 * s + byte`). Writes
 * the bytes back to back from `out at` (each after its big-endian [int] length when
 * `prefixed`) and each size (i32) at `sizes at`; returns the bytes written. A column spec (48
 * bytes): salt i64, population min and max f64, size min and max f64, flags i32 (1 population
 * uniform, 2 size uniform, 4 text).
 */
const blobColumns: WasmFunction = (() => {
  // params
  const [seedHigh, seedLow, columns, keyColumns, specsAt, sizesAt, outAt, prefixed] = count(0, 8);
  // locals
  const [seed, rowSeed, c, p, spec, flags, identity, size, k, at] = count(8, 10);
  return {
    params: [I32, I32, I32, I32, I32, I32, I32, I32],
    results: [I32],
    locals: [I64, I64, I32, I32, I32, I32, F64, I32, I32, I32],
    exportAs: "blobColumns",
    body: [
      ...[...joined(seedHigh, seedLow), ...set(seed), ...get(outAt), ...set(p)],
      ...forEach(c, columns, [
        ...[...get(specsAt), ...get(c), ...i32(48), OP.i32Mul, OP.i32Add, ...tee(spec)],
        ...[OP.i32Load, 0, 40, ...set(flags)],
        // identity: from the partition seed (key columns) or the row seed, xor the salt
        ...drawn(spec, 8, flags, 1, [
          ...[...get(seed), ...get(rowSeed), ...get(c), ...get(keyColumns), OP.i32LtU],
          ...[OP.select, ...get(spec), ...memory(OP.i64Load, 0), OP.i64Xor],
        ]),
        ...set(identity),
        // size: seeded with the identity
        ...drawn(spec, 24, flags, 2, [...get(identity), OP.i64TruncF64S]),
        ...[OP.i32TruncF64S, ...set(size)],
        ...[...get(sizesAt), ...get(c), ...i32(2), OP.i32Shl, OP.i32Add, ...get(size)],
        ...memory(OP.i32Store, 0),
        ...[...get(prefixed), OP.if, VOID],
        ...[0, 1, 2, 3].flatMap((byte) => [
          ...[...get(p), ...i32(byte), OP.i32Add, ...get(size), ...i32(24 - 8 * byte)],
          ...[OP.i32ShrU, ...memory(OP.i32Store8, 0)],
        ]),
        ...[...bump(p, 4), OP.end],
        // bytes: FasterRandom seeded with ~identity
        ...[...get(identity), OP.i64TruncF64S, ...i64(-1n), OP.i64Xor, ...call(RESEED_FASTER)],
        ...[...get(size), ...get(p), ...call(FASTER_FILL), ...i32(0), ...set(k)],
        ...[...get(flags), ...i32(4), OP.i32And, OP.if, VOID],
        ...forEach(k, size, [
          ...[...get(p), ...get(k), OP.i32Add, ...tee(at)],
          ...[...get(at), ...memory(OP.i32Load8U, 0), ...i32(127), OP.i32And, ...i32(32)],
          ...[OP.i32Add, ...i32(127), OP.i32And, ...memory(OP.i32Store8, 0)],
        ]),
        OP.end,
        ...[...i32(0), ...set(k), ...get(c), ...get(keyColumns), OP.i32LtU, OP.if, VOID],
        ...forEach(k, size, [
          ...[...get(rowSeed), ...i64(31n), OP.i64Mul, ...get(p), ...get(k), OP.i32Add],
          ...[...memory(OP.i64Load8S, 0), OP.i64Add, ...set(rowSeed)],
        ]),
        OP.end,
        ...[...get(p), ...get(size), OP.i32Add, ...set(p)],
      ]),
      ...[...get(p), ...get(outAt), OP.i32Sub],
    ],
  };
})();

/**
 * Puts the [value]s of a row that `blobColumns` wrote (prefixed, in column order) into the
 * order of a statement's markers: marker m binds column `order[m]`, NULL (length -1) for a
 * column past the `generated` ones. Returns the bytes written at `dst at`.
 */
const reorder: WasmFunction = (() => {
  const [generated, markers, orderAt, sizesAt, srcAt, offsetsAt, dstAt] = count(0, 7);
  const [c, p, column, q, length] = count(7, 5);
  const wordAt = (base: number, index: number) => [
    ...[...get(base), ...get(index), ...i32(2), OP.i32Shl, OP.i32Add],
  ];
  return {
    params: [I32, I32, I32, I32, I32, I32, I32],
    results: [I32],
    locals: [I32, I32, I32, I32, I32],
    exportAs: "reorder",
    body: [
      // where each generated column's [value] starts
      ...[...get(srcAt), ...set(p)],
      ...forEach(c, generated, [
        ...[...wordAt(offsetsAt, c), ...get(p), ...memory(OP.i32Store, 0)],
        ...[...get(p), ...i32(4), OP.i32Add, ...wordAt(sizesAt, c), ...memory(OP.i32Load, 0)],
        ...[OP.i32Add, ...set(p)],
      ]),
      ...[...get(dstAt), ...set(q), ...i32(0), ...set(c)],
      ...forEach(c, markers, [
        ...[...wordAt(orderAt, c), ...memory(OP.i32Load, 0), ...tee(column)],
        ...[...get(generated), OP.i32GeU, OP.if, VOID],
        ...[...get(q), ...i32(-1), ...memory(OP.i32Store, 0), ...bump(q, 4)],
        OP.else,
        ...[...wordAt(sizesAt, column), ...memory(OP.i32Load, 0), ...i32(4), OP.i32Add],
        ...[...set(length), ...get(q), ...wordAt(offsetsAt, column)],
        ...[...memory(OP.i32Load, 0), ...get(length), ...MEMORY_COPY],
        ...[...get(q), ...get(length), OP.i32Add, ...set(q)],
        OP.end,
      ]),
      ...[...get(q), ...get(dstAt), OP.i32Sub],
    ],
  };
})();

/** The module's bytes (a few hundred; built and compiled when the first kernel is made). */
function kernelBytes(): Uint8Array<ArrayBuffer> {
  return encodeWasmModule({
    memoryPages: 1,
    globals: [I64, I64, I32],
    functions: [
      ...[setSeed, step, nextIdentity, nextLong, reseedFaster, fasterSeed, fasterFill],
      ...[key, identities, fillRow, uniformNext, blobColumns, reorder],
    ],
  });
}

/** The kernel's exports (every offset is a byte offset into its memory). */
export interface RandomKernelExports {
  /** Writes the key of the salted seed `high:low` (`size` characters) at `at`, its data seed at 0. */
  key(high: number, low: number, size: number, at: number): void;
  /** Each column's identity (f64 at `at`) from a data seed and the salts (i64) at `saltsAt`. */
  identities(high: number, low: number, columns: number, saltsAt: number, at: number): void;
  /** The values of the identities and sizes (i32), each after its [int] length if `prefixed`. */
  fillRow(
    columns: number,
    identitiesAt: number,
    sizesAt: number,
    at: number,
    prefixed: number,
  ): number;
  /** `FasterRandom.setSeed(high:low)`. */
  fasterSeed(high: number, low: number): void;
  /** The text and blob columns of a `user` row (see the function's comment). */
  blobColumns(
    seedHigh: number,
    seedLow: number,
    columns: number,
    keyColumns: number,
    specsAt: number,
    sizesAt: number,
    at: number,
    prefixed: number,
  ): number;
  /** The [value]s of `blobColumns` in a statement's marker order (see the function's comment). */
  reorder(
    generated: number,
    markers: number,
    orderAt: number,
    sizesAt: number,
    srcAt: number,
    offsetsAt: number,
    dstAt: number,
  ): number;
  /** `FasterRandom`'s next `size` bytes at `at` (whole longs: up to 7 more bytes written). */
  fasterFill(size: number, at: number): void;
}

/**
 * One instance of the kernel with its own memory, and views on that memory.
 *
 * @example Usage
 * ```ts ignore
 * const kernel = new RandomKernel();
 * kernel.reserve(64);
 * kernel.exports.fasterSeed(0, 42);
 * kernel.exports.fasterFill(34, 0); // kernel.bytes.subarray(0, 34)
 * ```
 */
export class RandomKernel {
  readonly #memory = new WebAssembly.Memory({ initial: 1 });
  /** The module's functions. */
  readonly exports: RandomKernelExports;
  /** The memory as bytes, int32 and float64 (replaced when {@linkcode RandomKernel.reserve} grows it). */
  bytes: Uint8Array;
  /** The memory as int32 words. */
  words: Int32Array;
  /** The memory as float64s. */
  doubles: Float64Array;

  /** Compiled once per thread, by the first kernel (a thread that makes none never pays). */
  static #module: WebAssembly.Module | null = null;

  constructor() {
    RandomKernel.#module ??= new WebAssembly.Module(kernelBytes());
    const instance = new WebAssembly.Instance(RandomKernel.#module, {
      env: { memory: this.#memory },
    });
    this.exports = instance.exports as unknown as RandomKernelExports;
    const buffer = this.#memory.buffer;
    this.bytes = new Uint8Array(buffer);
    this.words = new Int32Array(buffer);
    this.doubles = new Float64Array(buffer);
  }

  /**
   * Copies `size` bytes of the memory from `start` into `to` at `at`: byte by byte when few
   * (cheaper than the new view a `set()` needs), else in one `set()`.
   */
  copyOut(start: number, size: number, to: Uint8Array, at: number): void {
    const from = this.bytes;
    if (size > SMALL_COPY_BYTES) {
      to.set(from.subarray(start, start + size), at);
      return;
    }
    for (let i = 0; i < size; i++) to[at + i] = from[start + i];
  }

  /** Grows the memory to at least `sizeBytes` (and refreshes the views). */
  reserve(sizeBytes: number): void {
    const have = this.#memory.buffer.byteLength;
    if (sizeBytes <= have) return;
    this.#memory.grow(Math.ceil((sizeBytes - have) / PAGE_BYTES));
    const buffer = this.#memory.buffer;
    this.bytes = new Uint8Array(buffer);
    this.words = new Int32Array(buffer);
    this.doubles = new Float64Array(buffer);
  }
}
