// The request encoders against the byte layouts of native_protocol_v4.spec and v5.spec, each
// expected frame written out by hand in the spec's notation.
import assert from "node:assert/strict";
import { type BatchStatement, writeBatch } from "../../../lib/cql/native/batch_request.ts";
import {
  type BoundValue,
  EncodedValues,
  FrameBuffer,
  UNSET,
} from "../../../lib/cql/native/frame_buffer.ts";
import {
  plainAuthToken,
  writeAuthResponse,
  writeOptions,
  writeStartup,
} from "../../../lib/cql/native/handshake_requests.ts";
import { BATCH_TYPE, CONSISTENCY } from "../../../lib/protocol/protocol_codes.ts";
import {
  writeExecute,
  writePrepare,
  writeQuery,
} from "../../../lib/cql/native/statement_requests.ts";
import { int, list, longString, short, string, utf8, written } from "./_bytes.ts";

const TIMESTAMP_US = 1_700_000_000_123_456;
const TIMESTAMP_BYTES = "00 06 0a 24 18 20 22 40";

Deno.test("STARTUP: [string map] of CQL_VERSION, and COMPRESSION when asked (v4 header)", () => {
  const out = new FrameBuffer();
  writeStartup(out, 4, 0);
  const body = list(short(1), string("CQL_VERSION"), string("3.0.0"));
  assert.deepEqual(written(out), list("04 00 0000 01", int(body.length), body));
  const lz4 = new FrameBuffer();
  writeStartup(lz4, 5, 0, { compression: "lz4" });
  const body2 = list(
    short(2),
    string("CQL_VERSION"),
    string("3.0.0"),
    string("COMPRESSION"),
    string("lz4"),
  );
  assert.deepEqual(written(lz4), list("05 00 0000 01", int(body2.length), body2));
});

Deno.test("OPTIONS: an empty body", () => {
  const out = new FrameBuffer();
  writeOptions(out, 4, 0x0102);
  assert.deepEqual(written(out), list("04 00 0102 05 00000000"));
});

Deno.test("AUTH_RESPONSE: one [bytes] token, SASL PLAIN \\0user\\0password", () => {
  const token = plainAuthToken("cassandra", "p\u00e4ss");
  assert.deepEqual([...token], list("00", utf8("cassandra"), "00", utf8("p\u00e4ss")));
  const out = new FrameBuffer();
  writeAuthResponse(out, 4, 0, token);
  assert.deepEqual(
    written(out),
    list("04 00 0000 0f", int(4 + token.length), int(token.length), token),
  );
  const none = new FrameBuffer();
  writeAuthResponse(none, 4, 0, null);
  assert.deepEqual(written(none), list("04 00 0000 0f 00000004 ffffffff"));
});

Deno.test("PREPARE: [long string] query; v5 adds [int] flags", () => {
  const v4 = new FrameBuffer();
  writePrepare(v4, 4, 1, "SELECT 1");
  assert.deepEqual(written(v4), list("04 00 0001 09 0000000c", longString("SELECT 1")));
  const v5 = new FrameBuffer();
  writePrepare(v5, 5, 1, "SELECT 1");
  assert.deepEqual(written(v5), list("05 00 0001 09 00000010", longString("SELECT 1"), int(0)));
});

/** Every <query_parameters> field: values (a value, null, unset), page, paging state, serial, ts. */
const FULL_PARAMS = {
  consistency: CONSISTENCY.LOCAL_ONE,
  serialConsistency: CONSISTENCY.LOCAL_SERIAL,
  timestampUs: TIMESTAMP_US,
  pageSize: 5000,
  pagingState: new Uint8Array([0xaa]),
};
const FULL_VALUES: BoundValue[] = [new Uint8Array([1, 2]), null, UNSET];
/** The values part: [short] n, then [value]s: 2 bytes, null (-1), unset (-2). */
const VALUES_BYTES = "0003  00000002 0102  ffffffff  fffffffe";
/** After the values: page size 5000, paging state [bytes] aa, LOCAL_SERIAL, the timestamp. */
const TAIL_BYTES = `00001388  00000001 aa  0009  ${TIMESTAMP_BYTES}`;

Deno.test("EXECUTE v4: [short bytes] id, consistency, [byte] flags 0x3d, then each field", () => {
  const out = new FrameBuffer();
  const ids = { id: new Uint8Array([0xab, 0xcd]), resultMetadataId: null };
  writeExecute(out, 4, 5, ids, FULL_VALUES, FULL_PARAMS);
  const body = list("0002 abcd  000a  3d", VALUES_BYTES, TAIL_BYTES);
  assert.deepEqual(written(out), list("04 00 0005 0a", int(body.length), body));
});

Deno.test("EXECUTE v5: the result metadata id after the id, and [int] flags", () => {
  const out = new FrameBuffer();
  const ids = { id: new Uint8Array([0xab, 0xcd]), resultMetadataId: new Uint8Array([0xee]) };
  writeExecute(out, 5, 5, ids, FULL_VALUES, FULL_PARAMS);
  const body = list("0002 abcd  0001 ee  000a  0000003d", VALUES_BYTES, TAIL_BYTES);
  assert.deepEqual(written(out), list("05 00 0005 0a", int(body.length), body));
  assert.throws(
    () => writeExecute(out, 5, 6, { id: ids.id, resultMetadataId: null }, [], FULL_PARAMS),
    RangeError,
  );
});

Deno.test("EXECUTE and QUERY: values already encoded give the same frame as one by one", () => {
  const encoded = new EncodedValues(32);
  const wire = [0, 0, 0, 2, 1, 2, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe];
  encoded.bytes.set(wire);
  encoded.count = 3;
  encoded.length = wire.length;
  const ids = { id: new Uint8Array([0xab, 0xcd]), resultMetadataId: new Uint8Array([0xee]) };
  for (const version of [4, 5]) {
    const one = new FrameBuffer();
    const other = new FrameBuffer();
    writeExecute(one, version, 5, ids, FULL_VALUES, FULL_PARAMS);
    writeExecute(other, version, 5, ids, encoded, FULL_PARAMS);
    writeQuery(one, version, 6, "X", FULL_VALUES, FULL_PARAMS);
    writeQuery(other, version, 6, "X", encoded, FULL_PARAMS);
    assert.deepEqual(written(other), written(one));
  }
  // No values: no Values flag, no count.
  const none = new FrameBuffer();
  writeQuery(none, 4, 0, "X", new EncodedValues(0), { consistency: 1 });
  assert.deepEqual(written(none).slice(9), list(longString("X"), "0001 00"));
});

Deno.test("EXECUTE: Skip_metadata (0x02) when the result columns are known, unless turned off", () => {
  const ids = { id: new Uint8Array([1]), resultMetadataId: null, resultColumns: [] };
  const out = new FrameBuffer();
  writeExecute(out, 4, 0, ids, [], { consistency: 1 });
  assert.deepEqual(written(out).slice(9), list("0001 01  0001  02"));
  const off = new FrameBuffer();
  writeExecute(off, 4, 0, ids, [], { consistency: 1, skipMetadata: false });
  assert.deepEqual(written(off).slice(9), list("0001 01  0001  00"));
});

Deno.test("QUERY: [long string] then <query_parameters>; no values, no flags", () => {
  const v4 = new FrameBuffer();
  writeQuery(v4, 4, 2, "SELECT 1", [], { consistency: CONSISTENCY.ONE });
  assert.deepEqual(written(v4), list("04 00 0002 07 0000000f", longString("SELECT 1"), "0001 00"));
  const v5 = new FrameBuffer();
  writeQuery(v5, 5, 2, "SELECT 1", FULL_VALUES, FULL_PARAMS);
  const body = list(longString("SELECT 1"), "000a 0000003d", VALUES_BYTES, TAIL_BYTES);
  assert.deepEqual(written(v5), list("05 00 0002 07", int(body.length), body));
});

Deno.test("BATCH: type, [short] n, kind 1 (id) and kind 0 (text) statements, consistency, flags", () => {
  const id = new Uint8Array([0xab, 0xcd]);
  const statements: BatchStatement[] = [
    { statement: id, values: [new Uint8Array([1])] },
    { statement: "INSERT", values: [] },
    { statement: { id }, values: [null, UNSET] },
  ];
  const entries = list(
    "01 0002 abcd 0001 00000001 01",
    "00",
    longString("INSERT"),
    "0000",
    "01 0002 abcd 0002 ffffffff fffffffe",
  );
  for (const [type, name] of [[0, "logged"], [1, "unlogged"], [2, "counter"]] as const) {
    assert.equal(BATCH_TYPE[name], type);
    const v4 = new FrameBuffer();
    writeBatch(v4, 4, 9, { type, statements }, { consistency: CONSISTENCY.QUORUM, timestampUs: 5 });
    const body4 = list([type], "0003", entries, "0004 20 0000000000000005");
    assert.deepEqual(written(v4), list("04 00 0009 0d", int(body4.length), body4));
    const v5 = new FrameBuffer();
    writeBatch(v5, 5, 9, { type, statements }, {
      consistency: CONSISTENCY.QUORUM,
      serialConsistency: CONSISTENCY.SERIAL,
    });
    const body5 = list([type], "0003", entries, "0004 00000010 0008");
    assert.deepEqual(written(v5), list("05 00 0009 0d", int(body5.length), body5));
  }
});

Deno.test("frames go back to back; a failed encoding leaves nothing behind (v3 has no unset)", () => {
  const out = new FrameBuffer(16);
  writeOptions(out, 3, 0);
  const before = out.length;
  assert.throws(
    () => writeQuery(out, 3, 1, "UPDATE t SET v = ? WHERE k = 1", [UNSET], { consistency: 1 }),
    /protocol v3 has no unset/,
  );
  assert.throws(
    () =>
      writeBatch(out, 3, 1, { type: 0, statements: [{ statement: "X", values: [UNSET] }] }, {
        consistency: 1,
      }),
    RangeError,
  );
  assert.equal(out.length, before);
  writeQuery(out, 3, 2, "SELECT 1", [null], { consistency: 1 });
  assert.equal(out.frameCount, 2);
  assert.deepEqual(written(out).slice(9, 18), list("03 00 0002 07 00000015"));
  // v3 flags are a [byte] too, and a null value is [bytes] -1.
  assert.deepEqual(written(out).slice(18 + 12), list("0001 01 0001 ffffffff"));
});

Deno.test("[long] timestamps: numbers and bigints give the same bytes; the buffer grows", () => {
  const a = new FrameBuffer(16);
  const b = new FrameBuffer(16);
  writeQuery(a, 4, 0, "X", [], { consistency: 1, timestampUs: TIMESTAMP_US });
  writeQuery(b, 4, 0, "X", [], { consistency: 1, timestampUs: BigInt(TIMESTAMP_US) });
  assert.deepEqual(written(a), written(b));
  assert.deepEqual(written(a).slice(-8), list(TIMESTAMP_BYTES));
  const big = new Uint8Array(100_000).fill(7);
  writeQuery(a, 4, 1, "Y", [big], { consistency: 1 });
  assert.equal(a.length, 2 * 9 + 5 + 3 + 8 + 5 + 3 + 2 + 4 + 100_000);
});
