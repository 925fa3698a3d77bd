/**
 * Private helper of the value codec: the CQL functions a term may call (`now()`, `uuid()`,
 * `toTimestamp()`, `blobAsX()`, ...), type-hint casts and assignment compatibility.
 *
 * @module
 */

import type { FunctionTerm } from "../parse/cql_ast.ts";
import { type CqlType, formatCqlType, type NativeTypeName, parseCqlType } from "./cql_type.ts";
import { CqlValueError } from "./cql_value_error.ts";
import { int64Bytes, readInt32, readInt64, toHex } from "./_value_bytes.ts";
import { fixedIntBytes } from "./_value_codec.ts";
import { makeRandomUuid, makeTimeuuid, timeuuidMs } from "./_value_ids.ts";
import { DATE_EPOCH, MS_PER_DAY } from "./_value_time.ts";
import type { TermContext, TermResolver } from "./_term_context.ts";
import { validateRange } from "./_value_validate.ts";

/** Whether a value of type `from` may be stored as `to` without conversion. */
export function assignable(from: CqlType, to: CqlType): boolean {
  if (from.kind === "native" && to.kind === "native") {
    return from.name === to.name || (from.name === "ascii" && to.name === "text") ||
      (from.name === "timeuuid" && to.name === "uuid");
  }
  const plain = (t: CqlType) => formatCqlType(t).replaceAll("frozen<", "").replaceAll(">", "");
  return plain(from) === plain(to);
}

/** A function result: its type and its bytes (`null` for a null result). */
export interface Typed {
  /** The result type. */
  type: CqlType;
  /** The serialized result. */
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
  resolve: TermResolver,
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
      const result = callFunction(term, context, resolve);
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

/** The `to` value of the time in `arg` (`null` for a null or empty argument). */
function convert(arg: Typed, to: NativeTypeName, map: (ms: bigint) => Uint8Array): Typed {
  if (arg.bytes === null || arg.bytes.length === 0) return { type: native(to), bytes: null };
  return { type: native(to), bytes: map(millisOf(arg as Typed & { bytes: Uint8Array })) };
}

/**
 * Evaluates a function call: its result type and bytes (`null` when an argument is null).
 * `resolve` resolves the arguments (it is `resolve` of `_value_term.ts`, passed in so that the
 * two files do not import each other).
 */
export function callFunction(
  call: FunctionTerm,
  context: TermContext,
  resolve: TermResolver,
): Typed {
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
      return convert(
        argument(call, ["timeuuid", "date"], context, resolve),
        "timestamp",
        int64Bytes,
      );
    case "dateof":
      return convert(argument(call, ["timeuuid"], context, resolve), "timestamp", int64Bytes);
    case "todate":
      return convert(
        argument(call, ["timeuuid", "timestamp"], context, resolve),
        "date",
        dateBytes,
      );
    case "tounixtimestamp":
      return convert(
        argument(call, ["timeuuid", "timestamp", "date"], context, resolve),
        "bigint",
        int64Bytes,
      );
    case "unixtimestampof":
      return convert(argument(call, ["timeuuid"], context, resolve), "bigint", int64Bytes);
    case "mintimeuuid":
    case "maxtimeuuid":
      return convert(
        argument(call, ["timestamp"], context, resolve),
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
        const arg = argument(call, ["blob"], context, resolve);
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
      return { type: native("blob"), bytes: argument(call, [type.name], context, resolve).bytes };
    }
  }
  throw new CqlValueError(`Unknown function ${call.name}`);
}

/**
 * The type of the argument of function `name` when it has one signature, as a bind marker in
 * that argument is typed in PREPARED metadata (`minTimeuuid(?)`: timestamp); `undefined` for a
 * function without arguments, an overloaded one (`toTimestamp(?)` is ambiguous) or an unknown one.
 */
export function argumentTypeOf(name: string): CqlType | undefined {
  const lower = name.toLowerCase().replace(/^system\./, "");
  switch (lower) {
    case "mintimeuuid":
    case "maxtimeuuid":
      return native("timestamp");
    case "dateof":
    case "unixtimestampof":
      return native("timeuuid");
  }
  const typeName = lower.startsWith("blobas")
    ? lower.slice(6)
    : lower.endsWith("asblob")
    ? lower.slice(0, -6)
    : undefined;
  if (typeName === undefined) return undefined;
  let type: CqlType;
  try {
    type = parseCqlType(typeName);
  } catch {
    return undefined;
  }
  if (type.kind !== "native") return undefined;
  return lower.startsWith("blobas") ? native("blob") : type;
}

/** Parses the type of a cast, reporting a bad type as a value error. */
export function castType(text: string): CqlType {
  try {
    return parseCqlType(text);
  } catch (error) {
    throw new CqlValueError(error instanceof Error ? error.message : String(error), {
      cause: error,
    });
  }
}
