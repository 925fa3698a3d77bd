/**
 * A minimal WebAssembly binary encoder: enough to build a module of a few functions on an
 * imported memory, from bodies written as opcode lists (WebAssembly Core Specification 1.0,
 * section 5, "Binary Format"). Private to lib/cql (see `_stress_data_kernel.ts`).
 *
 * @module
 */

/** Value types. */
export const I32 = 0x7f;
/** Value types. */
export const I64 = 0x7e;
/** Value types. */
export const F64 = 0x7c;

/** The opcodes the kernels use (an immediate follows some: see the encoders below). */
export const OP = {
  block: 0x02,
  loop: 0x03,
  if: 0x04,
  else: 0x05,
  end: 0x0b,
  br: 0x0c,
  brIf: 0x0d,
  return: 0x0f,
  call: 0x10,
  drop: 0x1a,
  select: 0x1b,
  localGet: 0x20,
  localSet: 0x21,
  localTee: 0x22,
  globalGet: 0x23,
  globalSet: 0x24,
  i32Load: 0x28,
  i64Load: 0x29,
  f64Load: 0x2b,
  i32Load8U: 0x2d,
  i64Load8S: 0x30,
  i32Store: 0x36,
  i64Store: 0x37,
  f64Store: 0x39,
  i32Store8: 0x3a,
  i32Const: 0x41,
  i64Const: 0x42,
  f64Const: 0x44,
  i32Eqz: 0x45,
  i32Eq: 0x46,
  i32LtU: 0x49,
  i32GeU: 0x4f,
  i32GeS: 0x4e,
  i32Add: 0x6a,
  i32Sub: 0x6b,
  i32Mul: 0x6c,
  i32And: 0x71,
  i32Shl: 0x74,
  i32ShrU: 0x76,
  i64Add: 0x7c,
  i64Sub: 0x7d,
  i64Mul: 0x7e,
  i64And: 0x83,
  i64Or: 0x84,
  i64Xor: 0x85,
  i64Shl: 0x86,
  i64ShrS: 0x87,
  i64ShrU: 0x88,
  f64Trunc: 0x9d,
  f64Add: 0xa0,
  f64Sub: 0xa1,
  f64Mul: 0xa2,
  f64Min: 0xa4,
  f64Max: 0xa5,
  i32WrapI64: 0xa7,
  i32TruncF64S: 0xaa,
  i64ExtendI32S: 0xac,
  i64ExtendI32U: 0xad,
  i64TruncF64S: 0xb0,
  f64ConvertI64S: 0xb9,
} as const;

/** The empty block type (a block, loop or if that leaves nothing on the stack). */
export const VOID = 0x40;

/** An unsigned LEB128 integer. */
export function unsigned(value: number): number[] {
  const out: number[] = [];
  do {
    let byte = value & 0x7f;
    value = Math.floor(value / 128);
    if (value !== 0) byte |= 0x80;
    out.push(byte);
  } while (value !== 0);
  return out;
}

/** A signed LEB128 integer (any 64-bit value). */
export function signed(value: bigint): number[] {
  const out: number[] = [];
  for (;;) {
    const byte = Number(value & 0x7fn);
    value >>= 7n;
    const done = (value === 0n && (byte & 0x40) === 0) || (value === -1n && (byte & 0x40) !== 0);
    out.push(done ? byte : byte | 0x80);
    if (done) return out;
  }
}

/** `i64.const value`. */
export function i64(value: bigint): number[] {
  return [OP.i64Const, ...signed(BigInt.asIntN(64, value))];
}

/** `i32.const value`. */
export function i32(value: number): number[] {
  return [OP.i32Const, ...signed(BigInt(value | 0))];
}

/** `f64.const value`. */
export function f64(value: number): number[] {
  const bytes = new Uint8Array(8);
  new DataView(bytes.buffer).setFloat64(0, value, true);
  return [OP.f64Const, ...bytes];
}

/** `memory.copy` (bulk memory): pops destination, source and length. */
export const MEMORY_COPY: readonly number[] = [0xfc, 10, 0, 0];

/** A load or store with its alignment (log2 of the width) and a zero offset. */
export function memory(op: number, alignLog2: number): number[] {
  return [op, alignLog2, 0];
}

// Body helpers: a few common sequences.

/** `local.get`. */
export function get(local: number): number[] {
  return [OP.localGet, ...unsigned(local)];
}
/** `local.set`. */
export function set(local: number): number[] {
  return [OP.localSet, ...unsigned(local)];
}
/** `local.tee`. */
export function tee(local: number): number[] {
  return [OP.localTee, ...unsigned(local)];
}
/** `call`. */
export function call(index: number): number[] {
  return [OP.call, ...unsigned(index)];
}
/** `local += step` for an i32 local. */
export function bump(local: number, step: number): number[] {
  return [...get(local), ...i32(step), OP.i32Add, ...set(local)];
}
/** A counted loop: `while (counter < limit) { body; counter++ }`, both i32 locals. */
export function forEach(counter: number, limit: number, body: readonly number[]): number[] {
  return [
    ...[OP.block, VOID, OP.loop, VOID],
    ...[...get(counter), ...get(limit), OP.i32GeU, OP.brIf, 1],
    ...body,
    ...bump(counter, 1),
    ...[OP.br, 0, OP.end, OP.end],
  ];
}
/** `count` consecutive local indexes from `first`. */
export function count(first: number, n: number): number[] {
  return Array.from({ length: n }, (_, i) => first + i);
}
/** The i64 `high:low` from two i32 locals. */
export function joined(high: number, low: number): number[] {
  return [
    ...[...get(high), OP.i64ExtendI32S, ...i64(32n), OP.i64Shl],
    ...[...get(low), OP.i64ExtendI32U, OP.i64Or],
  ];
}

/** One function of a module: its signature, extra locals, body (without `end`) and export. */
export interface WasmFunction {
  readonly params: readonly number[];
  readonly results: readonly number[];
  readonly locals: readonly number[];
  readonly body: readonly number[];
  /** The export name, or none for a function only called inside the module. */
  readonly exportAs?: string;
}

/** What {@linkcode encodeWasmModule} builds. */
export interface WasmModuleSpec {
  /** Imported as `env.memory`, with this many pages at least. */
  readonly memoryPages: number;
  /** Mutable globals by type (I32 or I64), each starting at 0. */
  readonly globals: readonly (typeof I32 | typeof I64)[];
  /** Called by index in declaration order. */
  readonly functions: readonly WasmFunction[];
}

function vector(items: readonly (readonly number[])[]): number[] {
  return [...unsigned(items.length), ...items.flat()];
}

function name(text: string): number[] {
  const bytes = [...new TextEncoder().encode(text)];
  return [...unsigned(bytes.length), ...bytes];
}

function section(id: number, contents: readonly number[]): number[] {
  return [id, ...unsigned(contents.length), ...contents];
}

/** Encodes a module: one type per function, the memory import, globals, exports, code. */
export function encodeWasmModule(spec: WasmModuleSpec): Uint8Array<ArrayBuffer> {
  const { functions } = spec;
  const types = functions.map((f) => [
    0x60,
    ...[...unsigned(f.params.length), ...f.params],
    ...[...unsigned(f.results.length), ...f.results],
  ]);
  const memoryImport = [
    ...name("env"),
    ...name("memory"),
    0x02,
    0x00,
    ...unsigned(spec.memoryPages),
  ];
  const globals = spec.globals.map((type) => [
    type,
    0x01,
    ...(type === I64 ? i64(0n) : i32(0)),
    OP.end,
  ]);
  const exports = functions.flatMap((f, index) =>
    f.exportAs === undefined ? [] : [[...name(f.exportAs), 0x00, ...unsigned(index)]]
  );
  const code = functions.map((f) => {
    const locals = vector(f.locals.map((type) => [1, type]));
    const body = [...locals, ...f.body, OP.end];
    return [...unsigned(body.length), ...body];
  });
  return new Uint8Array([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, vector(types)),
    ...section(2, vector([memoryImport])),
    ...section(3, vector(functions.map((_, index) => unsigned(index)))),
    ...section(6, vector(globals)),
    ...section(7, vector(exports)),
    ...section(10, vector(code)),
  ]);
}
