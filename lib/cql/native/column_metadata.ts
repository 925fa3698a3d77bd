/**
 * Reads the metadata of RESULT messages: column types ([option] trees), column specs, the
 * `<metadata>` of a Rows result (flags, paging state, v5's new metadata id, columns) and the bind
 * metadata of a Prepared result (its variables and partition key indexes).
 *
 * @module
 */

import type { BodyReader } from "./body_reader.ts";
import { NativeProtocolError } from "./native_errors.ts";
import { ROWS_FLAG } from "../../protocol/protocol_codes.ts";

/** A column type: its [option] id and, for custom, collection, UDT and tuple types, more. */
export interface CqlType {
  /** The option id: 0x0003 blob, 0x000D varchar, 0x0020 list, 0x0021 map, ... */
  readonly code: number;
  /** The Java class of a custom type (id 0x0000), else null. */
  readonly customClass: string | null;
  /** list/set: [element]; map: [key, value]; tuple: the items; UDT: the field types. */
  readonly args: readonly CqlType[];
  /** A UDT's keyspace, name and field names, else null. */
  readonly udt: {
    readonly keyspace: string;
    readonly name: string;
    readonly fieldNames: readonly string[];
  } | null;
}

/** A column of a result, or a bound variable of a prepared statement. */
export interface ColumnSpec {
  /** The keyspace. */
  readonly keyspace: string;
  /** The table. */
  readonly table: string;
  /** The column (or bind marker) name. */
  readonly name: string;
  /** Its type. */
  readonly type: CqlType;
}

/** The `<metadata>` of a Rows result. */
export interface ResultMetadata {
  /** The metadata flags. */
  readonly flags: number;
  /** Columns per row. */
  readonly columnCount: number;
  /** Where to continue (Has_more_pages), else null. */
  readonly pagingState: Uint8Array | null;
  /** v5 Metadata_changed: the new result metadata id, else null. */
  readonly newMetadataId: Uint8Array | null;
  /** The columns, or null under No_metadata. */
  readonly columns: readonly ColumnSpec[] | null;
}

/** The bind metadata of a Prepared result. */
export interface BindMetadata {
  /** The bound variables, in marker order. */
  readonly variables: readonly ColumnSpec[];
  /** For each partition key column, the index of its variable (v4 and later; else empty). */
  readonly partitionKeyIndexes: readonly number[];
}

const MAX_TYPE_DEPTH = 64;
const NATIVE_TYPES: readonly CqlType[] = Array.from(
  { length: 0x20 },
  (_, code) => Object.freeze({ code, customClass: null, args: [], udt: null }),
);

function readTypeAt(reader: BodyReader, depth: number): CqlType {
  if (depth > MAX_TYPE_DEPTH) {
    throw new NativeProtocolError("Cannot read a response: column type nested too deep");
  }
  const code = reader.readShort();
  switch (code) {
    case 0x0000:
      return { code, customClass: reader.readString(), args: [], udt: null };
    case 0x0020:
    case 0x0022:
      return { code, customClass: null, args: [readTypeAt(reader, depth + 1)], udt: null };
    case 0x0021: {
      const key = readTypeAt(reader, depth + 1);
      return { code, customClass: null, args: [key, readTypeAt(reader, depth + 1)], udt: null };
    }
    case 0x0030: {
      const keyspace = reader.readString();
      const name = reader.readString();
      const n = reader.readShort();
      const fieldNames: string[] = [];
      const args: CqlType[] = [];
      for (let i = 0; i < n; i++) {
        fieldNames.push(reader.readString());
        args.push(readTypeAt(reader, depth + 1));
      }
      return { code, customClass: null, args, udt: { keyspace, name, fieldNames } };
    }
    case 0x0031: {
      const n = reader.readShort();
      const args: CqlType[] = [];
      for (let i = 0; i < n; i++) args.push(readTypeAt(reader, depth + 1));
      return { code, customClass: null, args, udt: null };
    }
    default:
      if (code < NATIVE_TYPES.length) return NATIVE_TYPES[code];
      throw new NativeProtocolError(
        `Cannot read a response: unknown column type 0x${code.toString(16)}`,
      );
  }
}

/**
 * Reads an [option] column type.
 *
 * @param reader The reader.
 * @returns The type.
 * @throws {NativeProtocolError} On an unknown type id or a body too short.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { BodyReader } from "./body_reader.ts";
 * import { readType } from "./column_metadata.ts";
 * const bytes = new Uint8Array([0, 0x21, 0, 0x0d, 0, 0x03]); // map<varchar, blob>
 * const reader = new BodyReader();
 * reader.reset(bytes, new DataView(bytes.buffer), 0, bytes.length);
 * const type = readType(reader);
 * assert.deepEqual(type.args.map((t) => t.code), [0x0d, 0x03]);
 * ```
 */
export function readType(reader: BodyReader): CqlType {
  return readTypeAt(reader, 0);
}

/** Rejects a count that cannot fit in the rest of the body (`minBytes` bytes each). */
function checkCount(reader: BodyReader, count: number, minBytes: number, what: string): void {
  if (count < 0 || count * minBytes > reader.remaining) {
    throw new NativeProtocolError(
      `Cannot read a response: ${count} ${what} do not fit in the ${reader.remaining} bytes left`,
    );
  }
}

function readColumnSpecs(reader: BodyReader, count: number, global: boolean): ColumnSpec[] {
  let keyspace = "";
  let table = "";
  if (global) {
    keyspace = reader.readString();
    table = reader.readString();
  }
  checkCount(reader, count, global ? 4 : 8, "columns");
  const columns: ColumnSpec[] = [];
  for (let i = 0; i < count; i++) {
    const ks = global ? keyspace : reader.readString();
    const tb = global ? table : reader.readString();
    const name = reader.readString();
    columns.push({ keyspace: ks, table: tb, name, type: readType(reader) });
  }
  return columns;
}

/**
 * Reads the `<metadata>` of a Rows result (or the `<result_metadata>` of a Prepared one).
 *
 * @param reader The reader, at the metadata's flags.
 * @param version The protocol version (v5 may carry a new metadata id).
 * @returns The metadata.
 * @throws {NativeProtocolError} When the body is malformed.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { BodyReader } from "./body_reader.ts";
 * import { readResultMetadata } from "./column_metadata.ts";
 * // No_metadata, 5 columns.
 * const bytes = new Uint8Array([0, 0, 0, 4, 0, 0, 0, 5]);
 * const reader = new BodyReader();
 * reader.reset(bytes, new DataView(bytes.buffer), 0, bytes.length);
 * const metadata = readResultMetadata(reader, 4);
 * assert.equal(metadata.columnCount, 5);
 * assert.equal(metadata.columns, null);
 * ```
 */
export function readResultMetadata(reader: BodyReader, version: number): ResultMetadata {
  const flags = reader.readInt();
  const columnCount = reader.readInt();
  checkCount(reader, columnCount, 0, "columns");
  const pagingState = (flags & ROWS_FLAG.hasMorePages) !== 0 ? reader.readBytes() : null;
  const newMetadataId = version >= 5 && (flags & ROWS_FLAG.metadataChanged) !== 0
    ? reader.readShortBytes()
    : null;
  const columns = (flags & ROWS_FLAG.noMetadata) !== 0
    ? null
    : readColumnSpecs(reader, columnCount, (flags & ROWS_FLAG.globalTablesSpec) !== 0);
  return { flags, columnCount, pagingState, newMetadataId, columns };
}

/**
 * Reads the `<metadata>` of a Prepared result: flags, variable count, (v4+) the partition key
 * indexes, then the variables' specs.
 *
 * @param reader The reader, at the metadata's flags.
 * @param version The protocol version.
 * @returns The variables and partition key indexes.
 * @throws {NativeProtocolError} When the body is malformed.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { BodyReader } from "./body_reader.ts";
 * import { readPreparedMetadata } from "./column_metadata.ts";
 * // Global spec ks.t, 1 variable, pk index 0, variable "k" of type blob.
 * const bytes = new Uint8Array([
 *   0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0,
 *   0, 2, 107, 115, 0, 1, 116, 0, 1, 107, 0, 3,
 * ]);
 * const reader = new BodyReader();
 * reader.reset(bytes, new DataView(bytes.buffer), 0, bytes.length);
 * const metadata = readPreparedMetadata(reader, 4);
 * assert.deepEqual(metadata.partitionKeyIndexes, [0]);
 * assert.equal(metadata.variables[0].keyspace, "ks");
 * assert.equal(metadata.variables[0].name, "k");
 * ```
 */
export function readPreparedMetadata(reader: BodyReader, version: number): BindMetadata {
  const flags = reader.readInt();
  const count = reader.readInt();
  const partitionKeyIndexes: number[] = [];
  if (version >= 4) {
    const pkCount = reader.readInt();
    checkCount(reader, pkCount, 2, "partition key indexes");
    for (let i = 0; i < pkCount; i++) partitionKeyIndexes.push(reader.readShort());
  }
  const variables = readColumnSpecs(reader, count, (flags & ROWS_FLAG.globalTablesSpec) !== 0);
  return { variables, partitionKeyIndexes };
}
