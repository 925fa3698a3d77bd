/**
 * Benchmarks of the embedded CQL node's value codec: the checks on every bound value and the
 * text encoding used for system table rows.
 *
 * Run: deno bench -A bench/cql_value_bench.ts
 */

import type { CqlType } from "../lib/cql_node/values/cql_type.ts";
import { decodeValue, encodeValue, validateValue } from "../lib/cql_node/values/cql_value.ts";

const BLOB: CqlType = { kind: "native", name: "blob" };
const INT: CqlType = { kind: "native", name: "int" };
const TEXT: CqlType = { kind: "native", name: "text" };

const blob34 = new Uint8Array(34).map((_, i) => (i * 31 + 7) & 0xff);
const int4 = new Uint8Array([0, 0, 1, 2]);
const text = "a typical partition key 0123456789";
const encoder = new TextEncoder();

/** The simplest correct validation: decode the value and see whether that fails. */
function validateByDecoding(type: CqlType, bytes: Uint8Array): string | undefined {
  try {
    decodeValue(type, bytes);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

// validateValue on a 34-byte blob (the cassandra-stress key size)

Deno.bench({
  name: "validate blob by decoding",
  group: "validate blob 34 B",
  baseline: true,
  fn() {
    if (validateByDecoding(BLOB, blob34) !== undefined) throw new Error("invalid");
  },
});

Deno.bench({
  name: "validateValue(blob)",
  group: "validate blob 34 B",
  fn() {
    if (validateValue(BLOB, blob34) !== undefined) throw new Error("invalid");
  },
});

// validateValue on a 4-byte int

Deno.bench({
  name: "validate int by decoding",
  group: "validate int 4 B",
  baseline: true,
  fn() {
    if (validateByDecoding(INT, int4) !== undefined) throw new Error("invalid");
  },
});

Deno.bench({
  name: "validateValue(int)",
  group: "validate int 4 B",
  fn() {
    if (validateValue(INT, int4) !== undefined) throw new Error("invalid");
  },
});

// encodeValue on a 34-character text

Deno.bench({
  name: "TextEncoder.encode",
  group: "encode text",
  baseline: true,
  fn() {
    if (encoder.encode(text).length !== 34) throw new Error("wrong length");
  },
});

Deno.bench({
  name: "encodeValue(text)",
  group: "encode text",
  fn() {
    if (encodeValue(TEXT, text).length !== 34) throw new Error("wrong length");
  },
});
