/**
 * Reading and writing the native-protocol bodies the parity tests compare (the embedded node
 * against a real Cassandra node): SUPPORTED maps, RESULT bodies (warnings, SCHEMA_CHANGE,
 * PREPARED ids), and QUERY/EXECUTE bodies with values and a consistency level. Used with the raw
 * client of `_raw_client.ts`.
 *
 * @module
 */

import { decompressBody } from "../../lib/cql_node/protocol/_frame_compression.ts";
import { compressBody } from "./_compress.ts";
import {
  concat,
  cqlString,
  OP,
  parseError,
  type RawCqlClient,
  type RawError,
  type RawFrame,
} from "./_raw_client.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Consistency codes used by the parity tests. */
export const CONSISTENCY = { one: 0x0001, quorum: 0x0004, all: 0x0005 } as const;

/** What a response carried, in a form two nodes' answers can be compared in. */
export type Answer =
  | { kind: "error"; error: ErrorAnswer; warnings: string[] }
  | { kind: "void"; warnings: string[] }
  | { kind: "rows"; columns: string[]; rowCount: number; warnings: string[] }
  | { kind: "setKeyspace"; keyspace: string; warnings: string[] }
  | { kind: "prepared"; id: Uint8Array; warnings: string[] }
  | {
    kind: "schemaChange";
    change: string;
    target: string;
    options: string[];
    warnings: string[];
  }
  | { kind: "other"; opcode: number; warnings: string[] };

class BodyReader {
  readonly #body: Uint8Array;
  readonly #view: DataView;
  at = 0;

  constructor(body: Uint8Array) {
    this.#body = body;
    this.#view = new DataView(body.buffer, body.byteOffset, body.byteLength);
  }

  short(): number {
    const v = this.#view.getUint16(this.at);
    this.at += 2;
    return v;
  }

  int(): number {
    const v = this.#view.getInt32(this.at);
    this.at += 4;
    return v;
  }

  string(): string {
    const n = this.short();
    const s = decoder.decode(this.#body.subarray(this.at, this.at + n));
    this.at += n;
    return s;
  }

  shortBytes(): Uint8Array {
    const n = this.short();
    const b = this.#body.slice(this.at, this.at + n);
    this.at += n;
    return b;
  }

  stringList(): string[] {
    const n = this.short();
    const out: string[] = [];
    for (let i = 0; i < n; i++) out.push(this.string());
    return out;
  }

  rest(): Uint8Array {
    return this.#body.subarray(this.at);
  }
}

/** Skips a type [option], returning its name (`blob`, `list<text>`, custom class names). */
function readType(r: BodyReader): string {
  const id = r.short();
  switch (id) {
    case 0x0000:
      return r.string();
    case 0x0020:
      return `list<${readType(r)}>`;
    case 0x0022:
      return `set<${readType(r)}>`;
    case 0x0021:
      return `map<${readType(r)}, ${readType(r)}>`;
    case 0x0030: {
      const keyspace = r.string();
      const name = r.string();
      const n = r.short();
      for (let i = 0; i < n; i++) {
        r.string();
        readType(r);
      }
      return `${keyspace}.${name}`;
    }
    case 0x0031: {
      const n = r.short();
      const parts: string[] = [];
      for (let i = 0; i < n; i++) parts.push(readType(r));
      return `tuple<${parts.join(", ")}>`;
    }
    default:
      return NATIVE_TYPES[id] ?? `0x${id.toString(16)}`;
  }
}

/** CQL's native type names by their protocol type id. */
export const NATIVE_TYPES: Record<number, string> = {
  0x01: "ascii",
  0x02: "bigint",
  0x03: "blob",
  0x04: "boolean",
  0x05: "counter",
  0x06: "decimal",
  0x07: "double",
  0x08: "float",
  0x09: "int",
  0x0b: "timestamp",
  0x0c: "uuid",
  0x0d: "text",
  0x0e: "varint",
  0x0f: "timeuuid",
  0x10: "inet",
  0x11: "date",
  0x12: "time",
  0x13: "smallint",
  0x14: "tinyint",
  0x15: "duration",
};

/** The column names and types (`name type`) and the row count of a Rows result. */
function readRows(r: BodyReader): { columns: string[]; rowCount: number } {
  const flags = r.int();
  const count = r.int();
  if (flags & 0x0002) {
    const n = r.int();
    if (n > 0) r.at += n;
  }
  const columns: string[] = [];
  if (!(flags & 0x0004)) {
    const global = (flags & 0x0001) !== 0;
    if (global) {
      r.string();
      r.string();
    }
    for (let i = 0; i < count; i++) {
      if (!global) {
        r.string();
        r.string();
      }
      const name = r.string();
      columns.push(`${name} ${readType(r)}`);
    }
  }
  return { columns, rowCount: r.int() };
}

/**
 * Parses a SUPPORTED body ([string multimap]).
 *
 * @param body The body.
 * @returns Each option with its values.
 */
export function parseSupported(body: Uint8Array): Record<string, string[]> {
  const r = new BodyReader(body);
  const out: Record<string, string[]> = {};
  const n = r.short();
  for (let i = 0; i < n; i++) {
    const key = r.string();
    out[key] = r.stringList();
  }
  return out;
}

/** An ERROR body: code, message, and the fields its code carries. */
export interface ErrorAnswer extends RawError {
  /** already_exists: the keyspace and the table (empty for a keyspace). */
  alreadyExists?: { keyspace: string; table: string };
}

function readError(body: Uint8Array): ErrorAnswer {
  const error: ErrorAnswer = parseError(body);
  if (error.code === 0x2400) {
    const r = new BodyReader(body);
    r.int();
    r.string();
    error.alreadyExists = { keyspace: r.string(), table: r.string() };
    error.trailingBytes = body.length - r.at;
  }
  return error;
}

/**
 * Reads a response frame: the warnings its header flag announces, then an ERROR or a RESULT.
 *
 * @param frame The frame.
 * @returns What it said.
 */
export function parseAnswer(frame: RawFrame, compression?: "lz4" | "snappy"): Answer {
  const compressed = (frame.flags & 0x01) !== 0;
  if (compressed && compression === undefined) throw new Error("compressed frame, no algorithm");
  const body = compressed ? decompressBody(compression!, frame.body, 1 << 28) : frame.body;
  const r = new BodyReader(body);
  const warnings = frame.flags & 0x08 ? r.stringList() : [];
  if (frame.opcode === OP.error) return { kind: "error", error: readError(r.rest()), warnings };
  if (frame.opcode !== OP.result) return { kind: "other", opcode: frame.opcode, warnings };
  const kind = r.int();
  switch (kind) {
    case 1:
      return { kind: "void", warnings };
    case 2:
      return { kind: "rows", ...readRows(r), warnings };
    case 3:
      return { kind: "setKeyspace", keyspace: r.string(), warnings };
    case 4:
      return { kind: "prepared", id: r.shortBytes(), warnings };
    case 5: {
      const change = r.string();
      const target = r.string();
      const options = target === "KEYSPACE" ? [r.string()] : [r.string(), r.string()];
      return { kind: "schemaChange", change, target, options, warnings };
    }
    default:
      return { kind: "other", opcode: frame.opcode, warnings };
  }
}

/**
 * The body of a QUERY or EXECUTE's parameters: consistency, flags and the values (all given as
 * [bytes]).
 *
 * @param values The values.
 * @param consistency The consistency code.
 * @returns The bytes.
 */
export function queryParameters(values: Uint8Array[], consistency: number): Uint8Array {
  const head = new Uint8Array(3);
  new DataView(head.buffer).setUint16(0, consistency);
  if (values.length === 0) return head;
  head[2] = 0x01;
  const count = new Uint8Array(2);
  new DataView(count.buffer).setUint16(0, values.length);
  const parts = values.map((v) => {
    const len = new Uint8Array(4);
    new DataView(len.buffer).setInt32(0, v.length);
    return concat(len, v);
  });
  return concat(head, count, ...parts);
}

function longString(text: string): Uint8Array {
  const bytes = encoder.encode(text);
  const len = new Uint8Array(4);
  new DataView(len.buffer).setInt32(0, bytes.length);
  return concat(len, bytes);
}

/**
 * Sends a QUERY with values and a consistency level.
 *
 * @param client A started client.
 * @param cql The statement.
 * @param options Values and consistency (ONE by default).
 * @returns What the node answered.
 */
export async function rawQuery(
  client: RawCqlClient,
  cql: string,
  options: { values?: Uint8Array[]; consistency?: number } = {},
): Promise<Answer> {
  const body = concat(
    longString(cql),
    queryParameters(options.values ?? [], options.consistency ?? CONSISTENCY.one),
  );
  return parseAnswer(await client.request(OP.query, body));
}

/**
 * Sends a PREPARE.
 *
 * @param client A started client.
 * @param cql The statement.
 * @returns What the node answered.
 */
export async function rawPrepare(client: RawCqlClient, cql: string): Promise<Answer> {
  return parseAnswer(await client.request(OP.prepare, longString(cql)));
}

/**
 * Sends an EXECUTE of a prepared statement.
 *
 * @param client A started client.
 * @param id The statement id.
 * @param options Values and consistency (ONE by default).
 * @returns What the node answered.
 */
export async function rawExecute(
  client: RawCqlClient,
  id: Uint8Array,
  options: { values?: Uint8Array[]; consistency?: number } = {},
): Promise<Answer> {
  const idBytes = new Uint8Array(2 + id.length);
  new DataView(idBytes.buffer).setUint16(0, id.length);
  idBytes.set(id, 2);
  const body = concat(
    idBytes,
    queryParameters(options.values ?? [], options.consistency ?? CONSISTENCY.one),
  );
  return parseAnswer(await client.request(OP.execute, body));
}

/**
 * Sends OPTIONS and reads the SUPPORTED map.
 *
 * @param client A connected client (before or after STARTUP).
 * @returns The map.
 */
export async function rawOptions(client: RawCqlClient): Promise<Record<string, string[]>> {
  const frame = await client.request(OP.options, new Uint8Array(0));
  if (frame.opcode !== OP.supported) {
    throw new Error(`OPTIONS answered with opcode ${frame.opcode}`);
  }
  return parseSupported(frame.body);
}

/**
 * Sends STARTUP with the given options (CQL_VERSION 3.0.0 and, say, COMPRESSION).
 *
 * @param client A connected client.
 * @param options Extra STARTUP options.
 * @returns What the node answered (READY is `other` with opcode 2).
 */
export async function rawStartup(
  client: RawCqlClient,
  options: Record<string, string>,
): Promise<Answer> {
  const frame = await client.request(OP.startup, startupWith({ CQL_VERSION: "3.0.0", ...options }));
  const algorithm = options["COMPRESSION"]?.toLowerCase() as "lz4" | "snappy" | undefined;
  return parseAnswer(frame, algorithm);
}

/**
 * Sends a QUERY at ONE with its body compressed (the compression flag set) and reads the answer,
 * compressed or not.
 *
 * @param client A client started with COMPRESSION `algorithm`.
 * @param algorithm The compression.
 * @param cql The statement.
 * @returns What the node answered.
 */
export async function rawCompressedQuery(
  client: RawCqlClient,
  algorithm: "lz4" | "snappy",
  cql: string,
): Promise<Answer> {
  const body = compressBody(
    algorithm,
    concat(longString(cql), queryParameters([], CONSISTENCY.one)),
  );
  return parseAnswer(await client.request(OP.query, body, { flags: 0x01 }), algorithm);
}

/** Encodes a STARTUP body with the given options. */
export function startupWith(options: Record<string, string>): Uint8Array {
  const entries = Object.entries(options);
  const n = new Uint8Array(2);
  new DataView(n.buffer).setUint16(0, entries.length);
  return concat(n, ...entries.flatMap(([k, v]) => [cqlString(k), cqlString(v)]));
}
