// The response decoders against the byte layouts of native_protocol_v4.spec and v5.spec: ERROR
// (and the messages cassandra-driver 4.8.0 derives, checked against its own reader), RESULT of
// every kind, the prefix flags, and malformed bodies.
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
// @ts-expect-error: the driver ships no declarations for its internal reader
import readers from "cassandra-driver/lib/readers.js";
import { BodyReader } from "../../../lib/cql/native/body_reader.ts";
import { decodeError } from "../../../lib/cql/native/decode_error.ts";
import {
  decodePrepared,
  decodeResult,
  skipResponsePrefix,
  VOID_RESULT,
} from "../../../lib/cql/native/decode_result.ts";
import { NativeProtocolError, NativeResponseError } from "../../../lib/cql/native/native_errors.ts";
import { RowsResult } from "../../../lib/cql/native/rows_result.ts";
import { bytes, bytesValue, int, type Part, short, string } from "./_bytes.ts";

function readerOf(...parts: Part[]): BodyReader {
  const body = bytes(...parts);
  const reader = new BodyReader();
  reader.reset(body, new DataView(body.buffer), 0, body.length);
  return reader;
}

/** What cassandra-driver 4.8.0's reader makes of the same ERROR body. */
function driverError(version: number, body: Uint8Array): { message: string; code: number } {
  const header = { version, flags: 0, streamId: 0, opcode: 0, bodyLength: body.length };
  return new readers.FrameReader(header, Buffer.from(body)).readError();
}

function checkError(version: number, body: Uint8Array, message: string): NativeResponseError {
  const reader = new BodyReader();
  reader.reset(body, new DataView(body.buffer), 0, body.length);
  const error = decodeError(reader, version);
  assert.equal(error.name, "ResponseError");
  assert.ok(error instanceof NativeResponseError);
  assert.equal(error.message, message);
  const driver = driverError(version, body);
  assert.equal(error.message, driver.message, "the driver words it the same");
  assert.equal(error.code, driver.code);
  return error;
}

Deno.test("ERROR Unavailable: <cl><required><alive>, the driver's message", () => {
  const error = checkError(
    4,
    bytes(int(0x1000), string("Cannot achieve consistency level ALL"), "0005", int(2), int(1)),
    "Not enough replicas available for query at consistency ALL (2 required but only 1 alive)",
  );
  assert.deepEqual([error.consistencies, error.required, error.alive], [5, 2, 1]);
});

Deno.test("ERROR Read_timeout: <cl><received><blockfor><data_present>, three wordings", () => {
  const body = (received: number, blockFor: number, present: number) =>
    bytes(int(0x1200), string("timeout"), "0004", int(received), int(blockFor), [present]);
  const at = "Server timeout during read query at consistency QUORUM";
  checkError(4, body(1, 2, 0), `${at} (1 replica(s) responded over 2 required)`);
  checkError(4, body(2, 2, 0), `${at} (the replica queried for the data didn't respond)`);
  const error = checkError(
    5,
    body(2, 2, 1),
    `${at} (timeout while waiting for repair of inconsistent replica)`,
  );
  assert.equal(error.isDataPresent, true);
});

Deno.test("ERROR Write_timeout: <cl><received><blockfor><writeType>, batchlog worded apart", () => {
  const body = (type: string) =>
    bytes(int(0x1100), string("timeout"), "0001", int(0), int(1), string(type));
  const error = checkError(
    4,
    body("SIMPLE"),
    "Server timeout during write query at consistency ONE (0 peer(s) acknowledged the write over 1 required)",
  );
  assert.equal(error.writeType, "SIMPLE");
  checkError(
    4,
    body("BATCH_LOG"),
    "Server timeout during batchlog write at consistency ONE (0 peer(s) acknowledged the write over 1 required)",
  );
  // v5 CAS timeouts carry <contentions> at the end: ignored.
  checkError(
    5,
    bytes(body("CAS"), "0003"),
    "Server timeout during write query at consistency ONE (0 peer(s) acknowledged the write over 1 required)",
  );
});

Deno.test("ERROR Read_failure / Write_failure: v4 <numfailures>, v5 <reasonmap>", () => {
  const v4 = bytes(int(0x1300), string("failed"), "0006", int(1), int(2), int(1), [0]);
  checkError(
    4,
    v4,
    "Server failure during read query at consistency LOCAL_QUORUM (2 responses were required but only 1 replicas responded, 1 failed)",
  );
  const reasons = bytes(int(1), "04 7f000001", "0000");
  const v5 = bytes(
    int(0x1500),
    string("failed"),
    "0006",
    int(1),
    int(2),
    reasons,
    string("SIMPLE"),
  );
  const error = checkError(
    5,
    v5,
    "Server failure during write query at consistency LOCAL_QUORUM (2 responses were required but only 1 replicas responded, 1 failed)",
  );
  assert.equal(error.failures, 1);
});

Deno.test("ERROR Unprepared carries the unknown id; other codes keep the server's message", () => {
  const error = checkError(
    4,
    bytes(int(0x2500), string("Prepared query not found"), "0002 abcd"),
    "Prepared query not found",
  );
  assert.deepEqual([...error.queryId!], [0xab, 0xcd]);
  const exists = checkError(
    4,
    bytes(int(0x2400), string("exists"), string("ks"), string("")),
    "exists",
  );
  assert.equal(exists.keyspace, "ks");
  assert.equal(exists.table, undefined);
  checkError(4, bytes(int(0x2200), string("Invalid")), "Invalid");
  assert.throws(
    () => decodeError(readerOf(int(0x1000), string("x"), "0005"), 4),
    NativeProtocolError,
  );
});

Deno.test("RESULT Void is the shared constant", () => {
  assert.equal(decodeResult(readerOf(int(1)), 4, null), VOID_RESULT);
});

/** A Rows body: 2 columns k blob, v varchar, global spec ks.t, a paging state, 2 rows. */
function rowsBody(flags: number, ...extra: Part[]): Uint8Array {
  return bytes(
    int(2),
    int(flags),
    int(2),
    bytesValue(bytes("cafe")),
    ...extra,
    string("ks"),
    string("t"),
    string("k"),
    "0003",
    string("v"),
    "000d",
    int(2),
    bytesValue(bytes("01")),
    bytesValue(bytes("6869")),
    bytesValue(bytes("02")),
    bytesValue(null),
  );
}

Deno.test("RESULT Rows: metadata (global spec, paging state), raw cells, nulls", () => {
  const rows = decodeResult(readerOf(rowsBody(0x0003)), 4, null);
  assert.ok(rows instanceof RowsResult);
  assert.deepEqual(rows.columns!.map((c) => [c.keyspace, c.table, c.name, c.type.code]), [
    ["ks", "t", "k", 3],
    ["ks", "t", "v", 0x0d],
  ]);
  assert.deepEqual([...rows.pagingState!], [0xca, 0xfe]);
  assert.equal(rows.rowCount, 2);
  assert.deepEqual([...rows.cell(0, 1)!], [0x68, 0x69]);
  assert.equal(rows.cell(1, 1), null);
  assert.equal(rows.cellLength(1, 1), -1);
  assert.ok(rows.cellEquals(1, 0, new Uint8Array([2])));
  assert.ok(!rows.cellEquals(1, 1, new Uint8Array(0)));
  assert.equal(rows.columnIndex("v"), 1);
  assert.throws(() => rows.cell(2, 0), RangeError);
  // v5 Metadata_changed (0x08): a [short bytes] new metadata id after the paging state.
  const changed = decodeResult(readerOf(rowsBody(0x000b, "0001 77")), 5, null) as RowsResult;
  assert.deepEqual([...changed.newMetadataId!], [0x77]);
  assert.equal(changed.columns!.length, 2);
});

Deno.test("RESULT Rows without metadata take the statement's columns; per-column specs", () => {
  const columns = [{
    keyspace: "a",
    table: "b",
    name: "c",
    type: { code: 3, customClass: null, args: [], udt: null },
  }];
  const rows = decodeResult(
    readerOf(int(2), int(4), int(1), int(1), bytesValue(bytes("05"))),
    4,
    columns,
  ) as RowsResult;
  assert.equal(rows.columns, columns);
  const perColumn = bytes(
    int(2),
    int(0),
    int(1),
    string("ks"),
    string("t"),
    string("c"),
    "0020 0009",
    int(0),
  );
  const empty = decodeResult(readerOf(perColumn), 4, null) as RowsResult;
  assert.equal(empty.rowCount, 0);
  assert.deepEqual(empty.columns![0].type.args.map((t) => t.code), [9]); // list<int>
});

Deno.test("RESULT Set_keyspace and Schema_change", () => {
  assert.deepEqual(decodeResult(readerOf(int(3), string("ks")), 4, null), {
    kind: "setKeyspace",
    keyspace: "ks",
  });
  assert.deepEqual(
    decodeResult(
      readerOf(int(5), string("CREATED"), string("TABLE"), string("ks"), string("t")),
      4,
      null,
    ),
    { kind: "schemaChange", change: "CREATED", target: "TABLE", options: ["ks", "t"] },
  );
  assert.deepEqual(
    decodeResult(readerOf(int(5), string("DROPPED"), string("KEYSPACE"), string("ks")), 5, null),
    { kind: "schemaChange", change: "DROPPED", target: "KEYSPACE", options: ["ks"] },
  );
});

/** <flags 1><2 vars><pk 1: index 0> ks.t k blob, v map<varchar, int> */
const BIND = bytes(
  int(1),
  int(2),
  int(1),
  "0000",
  string("ks"),
  string("t"),
  string("k"),
  "0003",
  string("v"),
  "0021 000d 0009",
);
/** Result metadata: global ks.t, 1 column v varchar. */
const RESULT_META = bytes(int(1), int(1), string("ks"), string("t"), string("v"), "000d");

Deno.test("RESULT Prepared v4: id, bind metadata with pk indexes, result metadata", () => {
  const prepared = decodePrepared(readerOf(int(4), "0002 abcd", BIND, RESULT_META), 4, "SELECT");
  assert.equal(prepared.query, "SELECT");
  assert.deepEqual([...prepared.id], [0xab, 0xcd]);
  assert.equal(prepared.resultMetadataId, null);
  assert.deepEqual(prepared.partitionKeyIndexes, [0]);
  assert.deepEqual(prepared.variables.map((v) => v.name), ["k", "v"]);
  assert.deepEqual(prepared.variables[1].type.args.map((t) => t.code), [0x0d, 0x09]);
  assert.deepEqual(prepared.resultColumns!.map((c) => c.name), ["v"]);
});

Deno.test("RESULT Prepared v5 has the result metadata id; v3 has no pk indexes; writes have no columns", () => {
  const v5 = decodePrepared(
    readerOf(int(4), "0002 abcd", "0001 ee", BIND, int(4), int(0)),
    5,
    "INSERT",
  );
  assert.deepEqual([...v5.resultMetadataId!], [0xee]);
  assert.equal(v5.resultColumns, null);
  const v3Bind = bytes(int(1), int(1), string("ks"), string("t"), string("k"), "0003");
  const v3 = decodePrepared(readerOf(int(4), "0001 01", v3Bind, int(4), int(0)), 3, "X");
  assert.deepEqual(v3.partitionKeyIndexes, []);
  assert.equal(v3.variables[0].keyspace, "ks");
  assert.throws(() => decodePrepared(readerOf(int(1)), 4, "X"), /where Prepared was expected/);
});

Deno.test("the tracing id, warnings and custom payload before a message are skipped", () => {
  const reader = readerOf(
    "00112233445566778899aabbccddeeff",
    short(1),
    string("careful"),
    short(1),
    string("key"),
    bytesValue(bytes("01")),
    int(1),
  );
  skipResponsePrefix(reader, 0x02 | 0x08 | 0x04);
  assert.equal(decodeResult(reader, 4, null), VOID_RESULT);
});

Deno.test("malformed bodies are NativeProtocolErrors, never reads past the end", () => {
  const cases: Part[][] = [
    [int(2), int(0), int(2), int(1), bytesValue(bytes("01"))], // 1 of 2 cells
    [int(2), int(0), int(1), int(1), int(5), "01"], // a cell longer than the body
    [int(2), int(0), int(1), int(2000000000)], // absurd row count
    [int(2), int(0), int(-1)], // negative column count
    [int(2), int(0), int(1), string("ks"), string("t"), string("c"), "00ff"], // unknown type
    [int(9)], // unknown kind
    [int(4)], // Prepared where a statement result is expected
    [int(3), "0005 6b"], // string past the end
  ];
  for (const parts of cases) {
    assert.throws(
      () => decodeResult(readerOf(...parts), 4, null),
      NativeProtocolError,
      String(parts),
    );
  }
  let deep: Part[] = ["0009"];
  for (let i = 0; i < 100; i++) deep = ["0020", ...deep];
  const nested = [int(2), int(0), int(1), string("ks"), string("t"), string("c"), ...deep, int(0)];
  assert.throws(() => decodeResult(readerOf(...nested), 4, null), /nested too deep/);
});

Deno.test("BodyReader.copyRest(): copies survive the next body, small ones share a block", () => {
  const reader = new BodyReader();
  const copies: Uint8Array[] = [];
  const body = new Uint8Array(300);
  for (let i = 0; i < 400; i++) {
    body.fill(i & 0xff);
    reader.reset(body, new DataView(body.buffer), 2, 2 + 200);
    const copy = reader.copyRest();
    assert.equal(reader.remaining, 0);
    assert.equal(copy.length, 200);
    copies.push(copy);
  }
  copies.forEach((copy, i) => assert.ok(copy.every((b) => b === (i & 0xff)), `copy ${i}`));
  assert.equal(copies[0].buffer, copies[1].buffer, "small copies share a block");
  assert.notEqual(copies[0].buffer, copies[399].buffer, "a full block is never written again");
  const large = new Uint8Array(20_000).fill(7);
  reader.reset(large, new DataView(large.buffer), 0, large.length);
  const own = reader.copyRest();
  assert.equal(own.byteLength, own.buffer.byteLength, "a large rest gets a buffer of its own");
  large.fill(0);
  assert.ok(own.every((b) => b === 7));
});
