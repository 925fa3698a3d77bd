/**
 * CQL values compared as values, for the `validate` op of a `user` profile: bytes decoded with
 * cassandra-driver's own decoder (no connection: its Encoder is pure), turned into text that is
 * equal for equal CQL values (a set's elements in any order). Column types come as the driver
 * describes them (`{ code, info }`), or as our native result metadata does
 * ({@linkcode driverTypeOf} converts). Private to lib/cql/driver.
 *
 * @module
 */

import { Buffer } from "node:buffer";
import cassandra from "cassandra-driver";
import type { CqlType } from "../native/column_metadata.ts";

/** A column type as cassandra-driver's decoder takes it. */
export interface DriverType {
  /** The type's [option] id. */
  readonly code: number;
  /** Element, key/value, field or item types, or a custom class; null for a native type. */
  readonly info: unknown;
}

/** The driver's decoder of CQL values (public in its JavaScript, missing from its types). */
interface Decoder {
  decode(buffer: Buffer, type: unknown): unknown;
}

const decoder: Decoder = new (cassandra as unknown as {
  Encoder: new (version: number, options: object) => Decoder;
}).Encoder(4, {});

/** The CQL type code of a set. */
const SET_TYPE = 0x22;

/**
 * A column type of our result metadata, as cassandra-driver describes it.
 *
 * @param type The type.
 * @returns The driver's `{ code, info }`.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { driverTypeOf } from "./_cql_value_decoder.ts";
 * const int = { code: 9, customClass: null, args: [], udt: null };
 * assert.deepEqual(driverTypeOf({ code: 0x22, customClass: null, args: [int], udt: null }), {
 *   code: 0x22,
 *   info: { code: 9, info: null },
 * });
 * ```
 */
export function driverTypeOf(type: CqlType): DriverType {
  switch (type.code) {
    case 0x0000:
      return { code: 0, info: type.customClass };
    case 0x0020:
    case 0x0022:
      return { code: type.code, info: driverTypeOf(type.args[0]) };
    case 0x0021:
    case 0x0031:
      return { code: type.code, info: type.args.map(driverTypeOf) };
    case 0x0030: {
      const udt = type.udt;
      return {
        code: type.code,
        info: {
          keyspace: udt?.keyspace ?? "",
          name: udt?.name ?? "",
          fields: type.args.map((arg, i) => ({
            name: udt?.fieldNames[i],
            type: driverTypeOf(arg),
          })),
        },
      };
    }
    default:
      return { code: type.code, info: null };
  }
}

/**
 * A CQL value's bytes decoded as cassandra-driver decodes them (null for a NULL).
 *
 * @param bytes The serialized value, or null.
 * @param type Its type.
 * @returns The value.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { decodeCqlValue } from "./_cql_value_decoder.ts";
 * assert.equal(decodeCqlValue(new Uint8Array([0, 0, 0, 7]), { code: 9, info: null }), 7);
 * ```
 */
export function decodeCqlValue(bytes: Uint8Array | null, type: DriverType): unknown {
  if (bytes === null) return null;
  return decoder.decode(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), type);
}

/**
 * A decoded value as text that compares equal for equal CQL values (set elements sorted).
 *
 * @param value The decoded value.
 * @param type Its type (a set's elements are sorted).
 * @returns The text.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { comparableCqlValue } from "./_cql_value_decoder.ts";
 * const set = { code: 0x22, info: { code: 9, info: null } };
 * assert.equal(comparableCqlValue([2, 1], set), comparableCqlValue([1, 2], set));
 * ```
 */
export function comparableCqlValue(value: unknown, type: DriverType): string {
  return comparable(value, type.code === SET_TYPE);
}

function comparable(value: unknown, setType: boolean): string {
  if (value === null || value === undefined) return "null";
  if (value instanceof Uint8Array) {
    return `0x${[...value].map((b) => b.toString(16).padStart(2, "0")).join("")}`;
  }
  if (value instanceof Date) return `t${value.getTime()}`;
  if (Array.isArray(value)) {
    const items = value.map((item) => comparable(item, false));
    if (setType) items.sort();
    return `[${items.join(",")}]`;
  }
  return String(value);
}
