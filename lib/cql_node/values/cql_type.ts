/**
 * CQL types of the embedded node: parse them as written in `CREATE TABLE`, format them as
 * Cassandra 3+/4 stores them in `system_schema.columns.type`, and encode them as the native
 * protocol v4 `[option]` of result metadata.
 *
 * @module
 */

import { CqlTypeError } from "./cql_type_error.ts";

export { CqlTypeError } from "./cql_type_error.ts";

/** The name of a native (non-collection) CQL type; `varchar` is read as `text`. */
export type NativeTypeName =
  | "ascii"
  | "bigint"
  | "blob"
  | "boolean"
  | "counter"
  | "decimal"
  | "double"
  | "float"
  | "inet"
  | "int"
  | "smallint"
  | "text"
  | "timestamp"
  | "timeuuid"
  | "tinyint"
  | "uuid"
  | "varint"
  | "date"
  | "time"
  | "duration";

/**
 * A CQL type. Collections carry `frozen`; tuples are always frozen; `custom` is a quoted
 * marshal class that is not one of the native types.
 */
export type CqlType =
  | { kind: "native"; name: NativeTypeName }
  | { kind: "list" | "set"; element: CqlType; frozen: boolean }
  | { kind: "map"; key: CqlType; value: CqlType; frozen: boolean }
  | { kind: "tuple"; elements: CqlType[] }
  | { kind: "custom"; className: string };

const NATIVE_NAMES: Record<string, NativeTypeName> = {
  ascii: "ascii",
  bigint: "bigint",
  blob: "blob",
  boolean: "boolean",
  counter: "counter",
  decimal: "decimal",
  double: "double",
  float: "float",
  inet: "inet",
  int: "int",
  smallint: "smallint",
  text: "text",
  varchar: "text",
  timestamp: "timestamp",
  timeuuid: "timeuuid",
  tinyint: "tinyint",
  uuid: "uuid",
  varint: "varint",
  date: "date",
  time: "time",
  duration: "duration",
};

const MARSHAL_PACKAGE = "org.apache.cassandra.db.marshal.";
const MARSHAL_CLASSES: Record<string, NativeTypeName> = {
  AsciiType: "ascii",
  LongType: "bigint",
  BytesType: "blob",
  BooleanType: "boolean",
  CounterColumnType: "counter",
  DecimalType: "decimal",
  DoubleType: "double",
  FloatType: "float",
  InetAddressType: "inet",
  Int32Type: "int",
  ShortType: "smallint",
  UTF8Type: "text",
  TimestampType: "timestamp",
  DateType: "timestamp",
  TimeUUIDType: "timeuuid",
  ByteType: "tinyint",
  UUIDType: "uuid",
  IntegerType: "varint",
  SimpleDateType: "date",
  TimeType: "time",
  DurationType: "duration",
};

const OPTION_IDS: Record<NativeTypeName, number> = {
  ascii: 0x0001,
  bigint: 0x0002,
  blob: 0x0003,
  boolean: 0x0004,
  counter: 0x0005,
  decimal: 0x0006,
  double: 0x0007,
  float: 0x0008,
  int: 0x0009,
  timestamp: 0x000b,
  uuid: 0x000c,
  text: 0x000d,
  varint: 0x000e,
  timeuuid: 0x000f,
  inet: 0x0010,
  date: 0x0011,
  time: 0x0012,
  smallint: 0x0013,
  tinyint: 0x0014,
  duration: 0x0015,
};

const TOKEN = /\s*(?:([A-Za-z_][A-Za-z0-9_]*)|('(?:[^']|'')*')|([<>,])|(\S))/y;

/** A small recursive-descent reader over the tokens of one type string. */
class TypeReader {
  readonly #text: string;
  #pos = 0;
  #peeked: string | undefined;

  constructor(text: string) {
    this.#text = text;
  }

  peek(): string {
    if (this.#peeked !== undefined) return this.#peeked;
    TOKEN.lastIndex = this.#pos;
    const match = TOKEN.exec(this.#text);
    if (match === null) {
      this.#peeked = "";
    } else {
      this.#pos = TOKEN.lastIndex;
      this.#peeked = match[0].trim();
    }
    return this.#peeked;
  }

  next(): string {
    const token = this.peek();
    this.#peeked = undefined;
    return token;
  }

  expect(token: string): void {
    const got = this.next();
    if (got !== token) {
      throw new CqlTypeError(
        `Cannot parse type "${this.#text}": found "${got}", expected "${token}"`,
      );
    }
  }

  fail(problem: string): never {
    throw new CqlTypeError(`Cannot parse type "${this.#text}": ${problem}`);
  }
}

function freezeInner(type: CqlType): CqlType {
  switch (type.kind) {
    case "list":
    case "set":
      return { kind: type.kind, element: freezeInner(type.element), frozen: true };
    case "map":
      return {
        kind: "map",
        key: freezeInner(type.key),
        value: freezeInner(type.value),
        frozen: true,
      };
    case "tuple":
      return { kind: "tuple", elements: type.elements.map(freezeInner) };
    default:
      return type;
  }
}

function inner(type: CqlType, frozen: boolean): CqlType {
  return frozen ? freezeInner(type) : type;
}

function customType(quoted: string): CqlType {
  const className = quoted.slice(1, -1).replaceAll("''", "'").trim();
  const short = className.startsWith(MARSHAL_PACKAGE)
    ? className.slice(MARSHAL_PACKAGE.length)
    : className;
  const native = Object.hasOwn(MARSHAL_CLASSES, short) ? MARSHAL_CLASSES[short] : undefined;
  if (native !== undefined) return { kind: "native", name: native };
  return { kind: "custom", className };
}

function checkInner(inner: CqlType, outer: string, text: string): void {
  const isCollection = inner.kind === "list" || inner.kind === "set" || inner.kind === "map";
  if (isCollection && !inner.frozen) {
    throw new CqlTypeError(`Non-frozen collections are not allowed inside collections: ${text}`);
  }
  if (inner.kind === "native" && inner.name === "counter") {
    throw new CqlTypeError(`Counters are not allowed inside collections: ${text}`);
  }
  if (outer === "set" && inner.kind === "native" && inner.name === "duration") {
    throw new CqlTypeError(`Durations are not allowed inside sets: ${text}`);
  }
}

function readType(reader: TypeReader, text: string, frozen: boolean): CqlType {
  const token = reader.next();
  if (token.startsWith("'")) return customType(token);
  if (!/^[A-Za-z_]/.test(token)) reader.fail(token === "" ? "it ends early" : `"${token}"`);
  const name = token.toLowerCase();
  if (Object.hasOwn(NATIVE_NAMES, name)) return { kind: "native", name: NATIVE_NAMES[name] };
  switch (name) {
    case "frozen": {
      reader.expect("<");
      const inner = readType(reader, text, true);
      reader.expect(">");
      if (inner.kind === "native" || inner.kind === "custom") {
        throw new CqlTypeError(
          "frozen<> is only allowed on collections, tuples, and user-defined types",
        );
      }
      return freezeInner(inner);
    }
    case "list":
    case "set": {
      reader.expect("<");
      const element = inner(readType(reader, text, frozen), frozen);
      reader.expect(">");
      checkInner(element, name, text);
      return { kind: name, element, frozen };
    }
    case "map": {
      reader.expect("<");
      const key = inner(readType(reader, text, frozen), frozen);
      reader.expect(",");
      const value = inner(readType(reader, text, frozen), frozen);
      reader.expect(">");
      checkInner(key, "set", text);
      checkInner(value, "map", text);
      return { kind: "map", key, value, frozen };
    }
    case "tuple": {
      reader.expect("<");
      const elements = [readType(reader, text, true)];
      while (reader.peek() === ",") {
        reader.next();
        elements.push(readType(reader, text, true));
      }
      reader.expect(">");
      return { kind: "tuple", elements: elements.map(freezeInner) };
    }
    default:
      throw new CqlTypeError(`Unknown type ${name}`);
  }
}

/**
 * Parses a CQL type as written in a statement: case-insensitive, spaces allowed, `varchar`
 * read as `text`, `frozen<...>`, nested generics, and quoted custom marshal classes (the
 * well-known ones, such as `'org.apache.cassandra.db.marshal.Int32Type'`, become native types).
 *
 * @param text The type, for example `map<text, frozen<list<int>>>`.
 * @returns The parsed type.
 * @throws {CqlTypeError} For an unknown name (`Unknown type foo`), bad syntax, or a nesting
 * Cassandra forbids (a non-frozen collection or a counter inside a collection).
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseCqlType } from "./cql_type.ts";
 * assert.deepEqual(parseCqlType("LIST < VarChar >"), {
 *   kind: "list",
 *   element: { kind: "native", name: "text" },
 *   frozen: false,
 * });
 * assert.throws(() => parseCqlType("foo"), /Unknown type foo/);
 * ```
 */
export function parseCqlType(text: string): CqlType {
  const reader = new TypeReader(text);
  const type = readType(reader, text, false);
  const rest = reader.next();
  if (rest !== "") reader.fail(`unexpected "${rest}" after the type`);
  return type;
}

function formatInner(type: CqlType, withFrozen: boolean): string {
  switch (type.kind) {
    case "native":
      return type.name;
    case "custom":
      return `'${type.className.replaceAll("'", "''")}'`;
    case "tuple": {
      const inner = `tuple<${type.elements.map((e) => formatInner(e, false)).join(", ")}>`;
      return withFrozen ? `frozen<${inner}>` : inner;
    }
    default: {
      const args = type.kind === "map"
        ? `${formatInner(type.key, !type.frozen)}, ${formatInner(type.value, !type.frozen)}`
        : formatInner(type.element, !type.frozen);
      const inner = `${type.kind}<${args}>`;
      return type.frozen && withFrozen ? `frozen<${inner}>` : inner;
    }
  }
}

/**
 * Formats a type as Cassandra 3+/4 writes it in `system_schema.columns.type`: `text` (never
 * `varchar`), `map<text, text>`, `frozen<list<int>>`, `frozen<tuple<int, text>>`; types
 * nested in a frozen collection or a tuple are not marked frozen again.
 *
 * @param type The type.
 * @returns The CQL text of the type.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatCqlType, parseCqlType } from "./cql_type.ts";
 * assert.equal(formatCqlType(parseCqlType("MAP<varchar,varchar>")), "map<text, text>");
 * assert.equal(formatCqlType(parseCqlType("frozen<list<int>>")), "frozen<list<int>>");
 * assert.equal(formatCqlType(parseCqlType("list<frozen<set<int>>>")), "list<frozen<set<int>>>");
 * ```
 */
export function formatCqlType(type: CqlType): string {
  return formatInner(type, true);
}

/**
 * The class a duration goes by in result metadata: its id (0x0015) is protocol v5's, so
 * Cassandra sends it to v3 and v4 clients, the versions this node speaks, as a custom type.
 */
const DURATION_CLASS = "org.apache.cassandra.db.marshal.DurationType";
const DURATION_CUSTOM: CqlType = { kind: "custom", className: DURATION_CLASS };

function optionLength(type: CqlType): number {
  switch (type.kind) {
    case "native":
      return type.name === "duration" ? optionLength(DURATION_CUSTOM) : 2;
    case "custom":
      return 4 + new TextEncoder().encode(type.className).length;
    case "list":
    case "set":
      return 2 + optionLength(type.element);
    case "map":
      return 2 + optionLength(type.key) + optionLength(type.value);
    case "tuple":
      return 4 + type.elements.reduce((sum, e) => sum + optionLength(e), 0);
  }
}

function writeOption(type: CqlType, out: Uint8Array, view: DataView, offset: number): number {
  switch (type.kind) {
    case "native":
      if (type.name === "duration") return writeOption(DURATION_CUSTOM, out, view, offset);
      view.setUint16(offset, OPTION_IDS[type.name]);
      return offset + 2;
    case "custom": {
      const name = new TextEncoder().encode(type.className);
      view.setUint16(offset, 0x0000);
      view.setUint16(offset + 2, name.length);
      out.set(name, offset + 4);
      return offset + 4 + name.length;
    }
    case "list":
    case "set":
      view.setUint16(offset, type.kind === "list" ? 0x0020 : 0x0022);
      return writeOption(type.element, out, view, offset + 2);
    case "map":
      view.setUint16(offset, 0x0021);
      return writeOption(type.value, out, view, writeOption(type.key, out, view, offset + 2));
    case "tuple": {
      view.setUint16(offset, 0x0031);
      view.setUint16(offset + 2, type.elements.length);
      let at = offset + 4;
      for (const element of type.elements) at = writeOption(element, out, view, at);
      return at;
    }
  }
}

/**
 * Encodes a type as the native protocol `[option]` of result metadata: a `[short]` id, then
 * the element option for list/set, key and value options for map, `[short] n` and n options
 * for tuple, and the class name `[string]` for custom. `text` uses the varchar id 0x000D;
 * `duration` is the custom `org.apache.cassandra.db.marshal.DurationType`, as Cassandra writes it
 * for protocol v3 and v4.
 *
 * @param type The type.
 * @returns The encoded option.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { encodeTypeOption, parseCqlType } from "./cql_type.ts";
 * assert.deepEqual(encodeTypeOption(parseCqlType("int")), new Uint8Array([0x00, 0x09]));
 * assert.deepEqual(
 *   encodeTypeOption(parseCqlType("map<text, int>")),
 *   new Uint8Array([0x00, 0x21, 0x00, 0x0d, 0x00, 0x09]),
 * );
 * ```
 */
export function encodeTypeOption(type: CqlType): Uint8Array {
  const out = new Uint8Array(optionLength(type));
  writeOption(type, out, new DataView(out.buffer), 0);
  return out;
}
