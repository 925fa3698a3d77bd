/**
 * Private helper of the value codec: turns the terms of the syntax tree (literals, bind
 * markers, collection literals, function calls, casts) into serialized values.
 *
 * @module
 */

import type { FunctionTerm, Literal, Term } from "./cql_ast.ts";
import { type CqlType, formatCqlType, type NativeTypeName, parseCqlType } from "./cql_type.ts";
import { CqlValueError } from "./cql_value_error.ts";
import { fromHex, int64Bytes, readInt32, readInt64, toHex } from "./_value_bytes.ts";
import {
  canonicalMap,
  canonicalSet,
  fixedIntBytes,
  integerBytes,
  nativeFromString,
  serializeItems,
} from "./_value_codec.ts";
import { makeRandomUuid, makeTimeuuid, timeuuidMs } from "./_value_ids.ts";
import { parseDecimal, varintBytes } from "./_value_numbers.ts";
import { DATE_EPOCH, durationBytes, MS_PER_DAY, parseDuration } from "./_value_time.ts";
import { validateRange } from "./_value_validate.ts";

/** What a term needs from the statement being executed: bound values, the clock, randomness. */
export interface TermContext {
  /** The bound value of marker `index`: bytes, `null` (CQL null) or `undefined` (unset). */
  bound(index: number): Uint8Array | null | undefined;
  /** The current time in milliseconds since the epoch, for `now()` and friends. */
  nowMs: number;
  /** `length` random bytes, for `now()` and `uuid()`. */
  randomBytes(length: number): Uint8Array;
}

/** Options of `resolveTerm`. */
export interface ResolveTermOptions {
  /**
   * The column the value is for, named in error messages.
   *
   * @default {undefined}
   */
  column?: string;
  /**
   * Whether to check bound values with `validateValue`.
   *
   * @default {true}
   */
  validateBound?: boolean;
}

type Resolved = Uint8Array | null | undefined;

const LITERAL_TYPES: Record<Exclude<Literal["kind"], "null">, readonly NativeTypeName[]> = {
  string: ["ascii", "text", "timestamp", "date", "time", "inet", "uuid", "timeuuid"],
  integer: [
    "bigint",
    "counter",
    "int",
    "smallint",
    "tinyint",
    "varint",
    "decimal",
    "float",
    "double",
    "timestamp",
    "date",
    "time",
  ],
  float: ["decimal", "float", "double"],
  boolean: ["boolean"],
  hex: ["blob"],
  uuid: ["uuid", "timeuuid"],
  duration: ["duration"],
};

function receiver(type: CqlType, options: ResolveTermOptions): string {
  const name = formatCqlType(type);
  return options.column === undefined ? `type ${name}` : `"${options.column}" of type ${name}`;
}

function literalBytes(name: NativeTypeName, literal: Literal): Uint8Array | undefined {
  switch (literal.kind) {
    case "string":
      return nativeFromString(name, literal.text);
    case "integer": {
      if (!/^[+-]?\d+$/.test(literal.text)) return undefined;
      return integerBytes(name, BigInt(literal.text));
    }
    case "float": {
      if (name !== "decimal") return nativeFromString(name, literal.text);
      const parts = parseDecimal(literal.text);
      if (parts === undefined) return undefined;
      const digits = varintBytes(parts.unscaled);
      const out = new Uint8Array(4 + digits.length);
      out.set(fixedIntBytes(BigInt(parts.scale), 4));
      out.set(digits, 4);
      return out;
    }
    case "boolean":
      return nativeFromString(name, literal.text);
    case "hex":
      return fromHex(literal.text);
    case "uuid":
      return nativeFromString(name, literal.text);
    case "duration": {
      const duration = parseDuration(literal.text);
      return duration === undefined ? undefined : durationBytes(duration);
    }
    default:
      return undefined;
  }
}

function resolveLiteral(type: CqlType, literal: Literal, options: ResolveTermOptions): Resolved {
  if (literal.kind === "null") return null;
  let bytes: Uint8Array | undefined;
  if (type.kind === "native" && LITERAL_TYPES[literal.kind].includes(type.name)) {
    bytes = literalBytes(type.name, literal);
  } else if (type.kind === "custom" && literal.kind === "hex") {
    bytes = fromHex(literal.text);
  }
  if (bytes === undefined) {
    throw new CqlValueError(
      `Invalid ${literal.kind.toUpperCase()} constant (${literal.text}) for ${
        receiver(type, options)
      }`,
    );
  }
  return bytes;
}

function resolveElement(
  type: CqlType,
  term: Term,
  context: TermContext,
  options: ResolveTermOptions,
): Uint8Array {
  const bytes = resolve(type, term, context, options);
  if (bytes === null) throw new CqlValueError("null is not supported inside collections");
  if (bytes === undefined) {
    throw new CqlValueError("unset value is not supported inside collections");
  }
  return bytes;
}

function resolveCollection(
  type: CqlType,
  term: Term & { kind: "list" | "set" | "tuple" | "map" },
  context: TermContext,
  options: ResolveTermOptions,
): Uint8Array {
  const wrong = () =>
    new CqlValueError(`Invalid ${term.kind} literal for ${receiver(type, options)}`);
  switch (type.kind) {
    case "list":
    case "set": {
      const emptyMap = term.kind === "map" && term.entries.length === 0;
      if (term.kind !== type.kind && !(type.kind === "set" && emptyMap)) throw wrong();
      const items = term.kind === "map" ? [] : term.items;
      const encoded = items.map((item) => resolveElement(type.element, item, context, options));
      const unique = type.kind === "set" ? canonicalSet(type.element, encoded) : encoded;
      return serializeItems(unique, unique.length);
    }
    case "map": {
      const emptySet = term.kind === "set" && term.items.length === 0;
      if (term.kind !== "map" && !emptySet) throw wrong();
      const entries = term.kind === "map" ? term.entries : [];
      const encoded = entries.map(([k, v]): [Uint8Array, Uint8Array] => [
        resolveElement(type.key, k, context, options),
        resolveElement(type.value, v, context, options),
      ]);
      const flat = canonicalMap(type.key, encoded);
      return serializeItems(flat, flat.length / 2);
    }
    case "tuple": {
      if (term.kind !== "tuple") throw wrong();
      if (term.items.length > type.elements.length) {
        throw new CqlValueError(
          `Invalid tuple literal for ${receiver(type, options)}: too many elements. Type ${
            formatCqlType(type)
          } expects ${type.elements.length} but got ${term.items.length}`,
        );
      }
      const items = type.elements.map((element, i) => {
        if (i >= term.items.length) return null;
        const bytes = resolve(element, term.items[i], context, options);
        if (bytes === undefined) {
          throw new CqlValueError(`Invalid unset value for tuple field number ${i}`);
        }
        return bytes;
      });
      return serializeItems(items, null);
    }
    default:
      throw wrong();
  }
}

/** Whether a value of type `from` may be stored as `to` without conversion. */
function assignable(from: CqlType, to: CqlType): boolean {
  if (from.kind === "native" && to.kind === "native") {
    return from.name === to.name || (from.name === "ascii" && to.name === "text") ||
      (from.name === "timeuuid" && to.name === "uuid");
  }
  const plain = (t: CqlType) => formatCqlType(t).replaceAll("frozen<", "").replaceAll(">", "");
  return plain(from) === plain(to);
}

interface Typed {
  type: CqlType;
  bytes: Uint8Array | null;
}

function native(name: NativeTypeName): CqlType {
  return { kind: "native", name };
}

function arity(call: FunctionTerm, count: number): void {
  if (call.args.length !== count) {
    throw new CqlValueError(
      `Invalid number of arguments in call to function system.${call.name}: ${count} required but ${call.args.length} provided`,
    );
  }
}

/** Resolves a function argument whose type is one of `candidates` (inferred from the term). */
function argument(
  call: FunctionTerm,
  candidates: NativeTypeName[],
  context: TermContext,
): Typed {
  arity(call, 1);
  const term = call.args[0];
  const ambiguous = () =>
    new CqlValueError(
      `Ambiguous call to function system.${call.name} (can be matched by following signatures: ${
        candidates.join(", ")
      }): use type casts to disambiguate`,
    );
  const mismatch = (what: string) =>
    new CqlValueError(
      `Type error: ${what} cannot be passed as argument 0 of function system.${call.name} of type ${
        candidates.join(" or ")
      }`,
    );
  switch (term.kind) {
    case "function": {
      const result = callFunction(term, context);
      const type = result.type;
      if (type.kind !== "native" || !candidates.includes(type.name)) {
        throw mismatch(`${term.name}()`);
      }
      return result;
    }
    case "cast": {
      const type = castType(term.type);
      if (type.kind !== "native" || !candidates.includes(type.name)) throw mismatch(term.type);
      return { type, bytes: resolve(type, term.term, context, {}) ?? null };
    }
    case "bind": {
      if (candidates.length > 1) throw ambiguous();
      const type = native(candidates[0]);
      return { type, bytes: resolve(type, term, context, {}) ?? null };
    }
    default: {
      if (term.kind === "null") return { type: native(candidates[0]), bytes: null };
      for (const name of candidates) {
        try {
          return { type: native(name), bytes: resolve(native(name), term, context, {}) ?? null };
        } catch (error) {
          if (!(error instanceof CqlValueError)) throw error;
        }
      }
      throw mismatch(
        "text" in term ? term.text : `a ${term.kind} literal`,
      );
    }
  }
}

/** Milliseconds since the epoch of a timeuuid, timestamp or date value. */
function millisOf(value: Typed & { bytes: Uint8Array }): bigint {
  const name = value.type.kind === "native" ? value.type.name : "blob";
  if (name === "timeuuid") return timeuuidMs(value.bytes);
  if (name === "date") {
    return BigInt((readInt32(value.bytes, 0) >>> 0) - DATE_EPOCH) * BigInt(MS_PER_DAY);
  }
  return readInt64(value.bytes, 0);
}

function dateBytes(ms: bigint): Uint8Array {
  const day = BigInt(MS_PER_DAY);
  let days = ms / day;
  if (ms < 0n && days * day !== ms) days -= 1n;
  return fixedIntBytes(BigInt.asUintN(32, days + BigInt(DATE_EPOCH)), 4);
}

function convert(
  call: FunctionTerm,
  context: TermContext,
  from: NativeTypeName[],
  to: NativeTypeName,
  map: (ms: bigint) => Uint8Array,
): Typed {
  const arg = argument(call, from, context);
  if (arg.bytes === null || arg.bytes.length === 0) return { type: native(to), bytes: null };
  return { type: native(to), bytes: map(millisOf(arg as Typed & { bytes: Uint8Array })) };
}

/** Evaluates a function call: its result type and bytes (`null` when an argument is null). */
function callFunction(call: FunctionTerm, context: TermContext): Typed {
  const name = call.name.toLowerCase().replace(/^system\./, "");
  const nowMs = BigInt(Math.floor(context.nowMs));
  switch (name) {
    case "now":
    case "currenttimeuuid":
      arity(call, 0);
      return { type: native("timeuuid"), bytes: makeTimeuuid(nowMs, context.randomBytes(10)) };
    case "uuid":
      arity(call, 0);
      return { type: native("uuid"), bytes: makeRandomUuid(context.randomBytes(16)) };
    case "currenttimestamp":
      arity(call, 0);
      return { type: native("timestamp"), bytes: int64Bytes(nowMs) };
    case "currentdate":
      arity(call, 0);
      return { type: native("date"), bytes: dateBytes(nowMs) };
    case "currenttime": {
      arity(call, 0);
      const day = BigInt(MS_PER_DAY);
      return {
        type: native("time"),
        bytes: int64Bytes((((nowMs % day) + day) % day) * 1_000_000n),
      };
    }
    case "totimestamp":
      return convert(call, context, ["timeuuid", "date"], "timestamp", int64Bytes);
    case "dateof":
      return convert(call, context, ["timeuuid"], "timestamp", int64Bytes);
    case "todate":
      return convert(call, context, ["timeuuid", "timestamp"], "date", dateBytes);
    case "tounixtimestamp":
      return convert(call, context, ["timeuuid", "timestamp", "date"], "bigint", int64Bytes);
    case "unixtimestampof":
      return convert(call, context, ["timeuuid"], "bigint", int64Bytes);
    case "mintimeuuid":
    case "maxtimeuuid":
      return convert(
        call,
        context,
        ["timestamp"],
        "timeuuid",
        (ms) => makeTimeuuid(ms, name === "mintimeuuid" ? "min" : "max"),
      );
  }
  if (name.startsWith("blobas") || name.endsWith("asblob")) {
    const typeName = name.startsWith("blobas") ? name.slice(6) : name.slice(0, -6);
    let type: CqlType | undefined;
    try {
      type = parseCqlType(typeName);
    } catch {
      type = undefined;
    }
    if (type !== undefined && type.kind === "native") {
      if (name.startsWith("blobas")) {
        const arg = argument(call, ["blob"], context);
        if (
          arg.bytes !== null && validateRange(type, arg.bytes, 0, arg.bytes.length) !== undefined
        ) {
          throw new CqlValueError(
            `In call to function system.${name}, value 0x${
              toHex(arg.bytes)
            } is not a valid binary representation for type ${type.name}`,
          );
        }
        return { type, bytes: arg.bytes };
      }
      return { type: native("blob"), bytes: argument(call, [type.name], context).bytes };
    }
  }
  throw new CqlValueError(`Unknown function ${call.name}`);
}

function castType(text: string): CqlType {
  try {
    return parseCqlType(text);
  } catch (error) {
    throw new CqlValueError(error instanceof Error ? error.message : String(error), {
      cause: error,
    });
  }
}

/** Resolves `term` as a value of `type` (see `resolveTerm` in `cql_value.ts`). */
export function resolve(
  type: CqlType,
  term: Term,
  context: TermContext,
  options: ResolveTermOptions,
): Resolved {
  switch (term.kind) {
    case "bind": {
      const bytes = context.bound(term.index);
      if (bytes === null || bytes === undefined || options.validateBound === false) return bytes;
      const problem = validateRange(type, bytes, 0, bytes.length);
      if (problem !== undefined) throw new CqlValueError(problem);
      return bytes;
    }
    case "list":
    case "set":
    case "tuple":
    case "map":
      return resolveCollection(type, term, context, options);
    case "function": {
      const result = callFunction(term, context);
      if (!assignable(result.type, type)) {
        throw new CqlValueError(
          `Type error: cannot assign result of function system.${term.name} (type ${
            formatCqlType(result.type)
          }) to ${options.column === undefined ? "a value" : `"${options.column}"`} (type ${
            formatCqlType(type)
          })`,
        );
      }
      return result.bytes;
    }
    case "cast": {
      const hinted = castType(term.type);
      if (!assignable(hinted, type)) {
        throw new CqlValueError(
          `Cannot assign value of type ${formatCqlType(hinted)} to ${receiver(type, options)}`,
        );
      }
      return resolve(hinted, term.term, context, options);
    }
    default:
      return resolveLiteral(type, term, options);
  }
}
