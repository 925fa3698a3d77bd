/**
 * Private helper of the value codec: turns the terms of the syntax tree (literals, bind
 * markers, collection literals, function calls, casts) into serialized values.
 *
 * @module
 */

import type { Literal, Term } from "../parse/cql_ast.ts";
import { type CqlType, formatCqlType, type NativeTypeName } from "./cql_type.ts";
import { CqlValueError } from "./cql_value_error.ts";
import { fromHex } from "./_value_bytes.ts";
import {
  canonicalMap,
  canonicalSet,
  fixedIntBytes,
  integerBytes,
  nativeFromString,
  serializeItems,
} from "./_value_codec.ts";
import { parseDecimal, varintBytes } from "./_value_numbers.ts";
import { durationBytes, parseDuration } from "./_value_time.ts";
import { validateRange } from "./_value_validate.ts";
import { assignable, callFunction, castType } from "./_value_functions.ts";
import type { ResolveTermOptions, TermContext } from "./_term_context.ts";

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

/** What Cassandra's parsers of the types say of a literal of the type's kind they cannot read. */
type Unreadable = (text: string, kind: Literal["kind"]) => string | undefined;

const UNREADABLE: Partial<Record<NativeTypeName, Unreadable>> = {
  int: (text) => `Unable to make int from '${text}'`,
  bigint: (text) => `Unable to make long from '${text}'`,
  counter: (text) => `Unable to make long from '${text}'`,
  smallint: (text) => `Unable to make short from '${text}'`,
  tinyint: (text) => `Unable to make byte from '${text}'`,
  timestamp: (text) => `Unable to parse a date/time from '${text}'`,
  date: (text, kind) =>
    kind === "integer"
      ? `Unable to make unsigned int (for date) from: '${text}'`
      : `Unable to coerce '${text}' to a formatted date (long)`,
  time: (text, kind) =>
    kind === "integer"
      ? `Unable to make long (for time) from: '${text}'`
      : `(TimeType) Unable to coerce '${text}' to a formatted time (long)`,
  inet: (text) => `Unable to make inet address from '${text}'`,
  decimal: (text) => `unable to make BigDecimal from '${text}'`,
  ascii: (text) =>
    "Invalid ASCII character in string literal: java.nio.charset.UnmappableCharacterException: " +
    `Input length = ${[...text].find((char) => char.charCodeAt(0) > 0x7f)?.length ?? 1}`,
  // A string is no timeuuid literal on Cassandra (this node reads one): the message below.
  timeuuid: (_text, kind) => kind === "uuid" ? "TimeUUID supports only version 1 UUIDs" : undefined,
};

function resolveLiteral(type: CqlType, literal: Literal, options: ResolveTermOptions): Resolved {
  if (literal.kind === "null") return null;
  let bytes: Uint8Array | undefined;
  if (type.kind === "native" && LITERAL_TYPES[literal.kind].includes(type.name)) {
    bytes = literalBytes(type.name, literal);
    const unreadable = bytes === undefined
      ? UNREADABLE[type.name]?.(literal.text, literal.kind)
      : undefined;
    if (unreadable !== undefined) throw new CqlValueError(unreadable);
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

/** Resolves `term` as a value of `type` (see `resolveTerm` in `cql_value.ts`). */
export function resolve(
  type: CqlType,
  term: Term,
  context: TermContext,
  options: ResolveTermOptions,
): Uint8Array | null | undefined {
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
      const result = callFunction(term, context, resolve);
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
