// LZ4 framing: v5 compressed segments (native_protocol_v5.spec section 2.2: the 8-byte header of
// two 17-bit lengths, the self-contained flag and a CRC24 over 5 bytes; an uncompressed length
// of 0 for a payload stored as it is) both ways, and v3/v4 compressed frame bodies (the flag
// 0x01, a big-endian uncompressed length, an LZ4 block) both ways, with blocks made by the
// reference implementation and bad ones refused with a clear error.
import assert from "node:assert/strict";
import fc from "fast-check";
import { FrameBuffer } from "../../../lib/cql/native/frame_buffer.ts";
import { crc24 } from "../../../lib/cql/native/frame_checksums.ts";
import { Lz4Compressor } from "../../../lib/cql/native/lz4_compressor.ts";
import { writeLz4Frames } from "../../../lib/cql/native/lz4_frames.ts";
import { NativeProtocolError } from "../../../lib/cql/native/native_errors.ts";
import { ResponseSplitter } from "../../../lib/cql/native/response_splitter.ts";
import { writeLz4Segment, writeSegments } from "../../../lib/cql/native/segment_writer.ts";
import { writeQuery } from "../../../lib/cql/native/statement_requests.ts";
import { BodyReader } from "../../../lib/cql/native/body_reader.ts";
import { decodeResult } from "../../../lib/cql/native/decode_result.ts";
import type { RowsResult } from "../../../lib/cql/native/rows_result.ts";
import {
  bytes,
  int,
  list,
  lz4Segment,
  referenceLz4Block,
  referenceLz4Decode,
  responseFrame,
  utf8,
  written,
} from "./_bytes.ts";

const KEYSPACES = "SELECT keyspace_name FROM system_schema.keyspaces";

/** Our QUERY of KEYSPACES on stream 0, as v5 over lz4: one compressed segment Cassandra 5.0.6 took. */
const RECORDED_V5_REQUEST = bytes(
  "41 00 88 00 04 bc 04 fe",
  "f4 26 05 00 00 00 07 00 00 00 3b 00 00 00 31",
  utf8("SELECT keyspace_name FROM system_schema."),
  "21 00 70 73 00 01 00 00 00 00",
  "74 d3 6f 9b",
);
/** Cassandra 5.0.6's answer (lz4-java's block): a compressed segment of 115 bytes, 149 plain. */
const RECORDED_V5_ANSWER = bytes(
  "73 00 2a 01 04 25 4c 41",
  "f1 02 85 00 00 00 08 00 00 00 8c 00 00 00 02 00 00 00 01 04 00 f4 0c 0d 73 79 73 74 65 6d",
  "5f 73 63 68 65 6d 61 00 09 6b 65 79 73 70 61 63 65 73 00 0d 0b 00 f3 00 5f 6e 61 6d 65 00",
  "0d 00 00 00 05 00 00 00 0b 31 00 6c 61 75 74 68 00 00 40 00 33 00 00 12 20 00 f2 00 64 69",
  "73 74 72 69 62 75 74 65 64 00 00 00 06 16 00 07 31 00 60 74 72 61 63 65 73",
  "26 49 6e de",
);
/** The same QUERY over v4 with lz4, as Cassandra 5.0.6 took it. */
const RECORDED_V4_REQUEST = bytes(
  "04 01 00 00 07 00 00 00 3a 00 00 00 38",
  "f3 1d 00 00 00 31",
  utf8("SELECT keyspace_name FROM system_schema."),
  "21 00 50 65 73 00 01 00",
);
/** Its answers over v4: READY (an empty body, compressed too) and the rows. */
const RECORDED_V4_ANSWERS = bytes(
  "84 01 00 00 02 00 00 00 05 00 00 00 00 00",
  "84 01 00 00 08 00 00 00 6d 00 00 00 8c",
  "81 00 00 00 02 00 00 00 01 04 00 f4 0c 0d 73 79 73 74 65 6d 5f 73 63 68 65 6d 61 00 09 6b",
  "65 79 73 70 61 63 65 73 00 0d 0b 00 f3 00 5f 6e 61 6d 65 00 0d 00 00 00 05 00 00 00 0b 31",
  "00 6c 61 75 74 68 00 00 40 00 33 00 00 12 20 00 f2 00 64 69 73 74 72 69 62 75 74 65 64 00",
  "00 00 06 16 00 07 31 00 60 74 72 61 63 65 73",
);

/** The keyspace names of a rows answer the splitter holds. */
function keyspaceNames(splitter: ResponseSplitter): string[] {
  const reader = new BodyReader();
  reader.reset(splitter.bytes, splitter.view, splitter.bodyStart, splitter.bodyEnd);
  const rows = decodeResult(reader, splitter.version, null) as RowsResult;
  return Array.from(
    { length: rows.rowCount },
    (_, r) => new TextDecoder().decode(rows.cell(r, 0)!),
  );
}

/** The frames a splitter returns, as [stream, opcode, flags, body]. */
function drain(splitter: ResponseSplitter): Array<[number, number, number, number[]]> {
  const frames: Array<[number, number, number, number[]]> = [];
  while (splitter.next()) {
    const body = [...splitter.bytes.subarray(splitter.bodyStart, splitter.bodyEnd)];
    frames.push([splitter.stream, splitter.opcode, splitter.flags, body]);
  }
  return frames;
}

function lz4Splitter(segments: boolean): ResponseSplitter {
  const splitter = new ResponseSplitter({ compression: "lz4" });
  if (segments) splitter.useSegments();
  return splitter;
}

/** The 40-bit header word's 5 bytes, worked out with bigints. */
function headerWord(compressed: number, uncompressed: number, selfContained: boolean): number[] {
  const word = BigInt(compressed) + BigInt(uncompressed) * 2n ** 17n +
    (selfContained ? 2n ** 34n : 0n);
  return [0, 1, 2, 3, 4].map((i) => Number((word >> BigInt(8 * i)) & 0xffn));
}

Deno.test("compressed segment header: two 17-bit lengths, the flag at bit 34, CRC24 of 5 bytes", () => {
  const compressor = new Lz4Compressor();
  const out = new FrameBuffer();
  // 200 zeros compress to 11 bytes: 0b 00 | 200 << 17 | 1 << 34.
  writeLz4Segment(out, new Uint8Array(200), {
    offset: 0,
    length: 200,
    selfContained: true,
    compressor,
  });
  const b = written(out);
  assert.deepEqual(b.slice(0, 5), list("0b 00 90 01 04"));
  assert.deepEqual(b.slice(0, 5), headerWord(11, 200, true));
  const crc = crc24(Uint8Array.from(b), 0, 5);
  assert.deepEqual(b.slice(5, 8), [crc & 0xff, (crc >>> 8) & 0xff, crc >>> 16]);
  assert.deepEqual(b.slice(8, 19), list("1f 00 01 00 af 50 00 00 00 00 00"));
  assert.equal(b.length, 8 + 11 + 4);
  // The largest lengths and no flag: every bit of both lengths lands where it should.
  const big = new FrameBuffer();
  const payload = new Uint8Array(131071);
  writeLz4Segment(big, payload, { offset: 0, length: 131071, selfContained: false, compressor });
  const compressed = written(big).length - 12;
  assert.deepEqual(written(big).slice(0, 5), headerWord(compressed, 131071, false));
  assert.deepEqual(headerWord(131071, 131071, true), list("ff ff ff ff 07"));
});

Deno.test("a payload that would not shrink is stored with an uncompressed length of 0", () => {
  const out = new FrameBuffer();
  const payload = utf8("no repeats here");
  writeLz4Segment(out, payload, {
    offset: 0,
    length: payload.length,
    selfContained: true,
    compressor: new Lz4Compressor(),
  });
  assert.deepEqual(written(out), [...lz4Segment(payload, true, { stored: true })]);
});

Deno.test("our compressed segments: envelopes packed, a large one split, all read back", () => {
  const compressor = new Lz4Compressor();
  const envelopeArb = fc.oneof(
    fc.record({ n: fc.nat(300), fill: fc.nat(3) }),
    fc.record({ n: fc.integer({ min: 131_000, max: 300_000 }), fill: fc.nat(3) }),
  );
  fc.assert(
    fc.property(fc.array(envelopeArb, { minLength: 1, maxLength: 6 }), (specs) => {
      const src = new FrameBuffer();
      const bodies = specs.map(({ n, fill }, i) => {
        const body = new Uint8Array(n).map((_, b) =>
          fill === 0 ? (b * 7919) >>> 3 : b % (fill * 5)
        );
        src.beginFrame(0x85, 0, i, 0x08);
        src.writeRaw(body);
        src.endFrame();
        return body;
      });
      const wire = new FrameBuffer();
      writeSegments(wire, src.bytes, { ends: src.frameEnds, count: src.frameCount, compressor });
      const splitter = lz4Splitter(true);
      splitter.push(wire.bytes.subarray(0, wire.length));
      const frames = drain(splitter);
      assert.equal(frames.length, bodies.length);
      frames.forEach(([stream, , , body], i) => {
        assert.equal(stream, i);
        assert.ok(body.length === bodies[i].length && body.every((x, k) => x === bodies[i][k]));
      });
    }),
    { numRuns: 40 },
  );
});

Deno.test("reading compressed segments the reference made, stored ones, and runs of them", () => {
  const ready = responseFrame(5, 1, 0x02, new Uint8Array(0));
  const rows = responseFrame(5, 2, 0x08, bytes(int(2), new Uint8Array(500).fill(0x41)));
  const large = responseFrame(5, 3, 0x08, new Uint8Array(200_000).map((_, i) => i % 251));
  const splitter = lz4Splitter(true);
  splitter.push(lz4Segment(bytes(ready, rows), true));
  splitter.push(lz4Segment(ready, true, { stored: true }));
  splitter.push(lz4Segment(large.subarray(0, 131071), false));
  splitter.push(lz4Segment(large.subarray(131071), false, { stored: true }));
  const frames = drain(splitter);
  assert.deepEqual(frames.map(([stream, opcode]) => [stream, opcode]), [
    [1, 2],
    [2, 8],
    [1, 2],
    [3, 8],
  ]);
  assert.deepEqual(frames[1][3], list(int(2), new Uint8Array(500).fill(0x41)));
  assert.deepEqual(frames[3][3], [...large.subarray(9)]);
});

Deno.test("a compressed segment's payload may be delivered in any chunks", () => {
  const rows = responseFrame(5, 2, 0x08, bytes(int(2), new Uint8Array(3000).fill(7)));
  const wire = bytes(lz4Segment(bytes(rows, rows), true), lz4Segment(rows, true));
  fc.assert(
    fc.property(fc.array(fc.nat(wire.length), { maxLength: 8 }), (cuts) => {
      const splitter = lz4Splitter(true);
      const points = [...new Set([0, ...cuts, wire.length])].sort((a, b) => a - b);
      let count = 0;
      for (let i = 1; i < points.length; i++) {
        splitter.push(wire.subarray(points[i - 1], points[i]));
        while (splitter.next()) {
          assert.equal(splitter.bodyEnd - splitter.bodyStart, 3004);
          count++;
        }
      }
      assert.equal(count, 3);
    }),
    { numRuns: 200 },
  );
});

Deno.test("bad compressed segments: header CRC24, payload CRC32, a corrupt block", () => {
  const rows = responseFrame(5, 2, 0x08, new Uint8Array(400).fill(1));
  const good = lz4Segment(rows, true);
  const cases: Array<[string, Uint8Array, RegExp]> = [
    ["header", bytes([good[0] ^ 1], good.subarray(1)), /segment header CRC24 mismatch/],
    [
      "payload",
      bytes(good.subarray(0, 10), [good[10] ^ 1], good.subarray(11)),
      /segment payload CRC32 mismatch/,
    ],
    // Checksums right, the block itself wrong: an offset past the start.
    [
      "block",
      lz4Segment(rows, true, { block: bytes("1f 00 40 00 ff 00") }),
      /Cannot decompress an LZ4 block: match offset 64/,
    ],
    ["short block", lz4Segment(rows, true, { block: bytes("10 00") }), /LZ4 block/],
  ];
  for (const [name, wire, message] of cases) {
    const splitter = lz4Splitter(true);
    splitter.push(wire);
    assert.throws(() => splitter.next(), (error: Error) => {
      assert.ok(error instanceof NativeProtocolError, name);
      assert.match(error.message, message, name);
      return true;
    });
  }
});

Deno.test("v4 frame bodies: compressed with the flag and a big-endian length, read back", () => {
  const compressor = new Lz4Compressor();
  const src = new FrameBuffer();
  const body = utf8("INSERT INTO t (k, v) VALUES (?, ?) ".repeat(4));
  src.beginFrame(4, 0, 7, 0x0a);
  src.writeRaw(body);
  src.endFrame();
  src.beginFrame(4, 0, 8, 0x05); // OPTIONS: empty, sent as it is
  src.endFrame();
  const out = new FrameBuffer();
  writeLz4Frames(out, src.bytes, { ends: src.frameEnds, count: src.frameCount, compressor });
  const b = out.bytes.subarray(0, out.length);
  assert.deepEqual([...b.subarray(0, 5)], [4, 1, 0, 7, 0x0a]);
  const length = new DataView(b.buffer).getInt32(5);
  assert.equal(new DataView(b.buffer).getInt32(9), body.length);
  const block = b.subarray(13, 9 + length);
  assert.ok(block.length < body.length);
  assert.deepEqual(referenceLz4Decode(block, body.length), body);
  assert.deepEqual([...b.subarray(9 + length)], [4, 0, 0, 8, 0x05, 0, 0, 0, 0]);
});

Deno.test("v4 responses: flagged bodies decompressed and the flag cleared; others as they are", () => {
  const body = bytes(int(2), new Uint8Array(700).fill(0x33));
  const compressed = bytes(int(body.length), referenceLz4Block(body));
  const splitter = lz4Splitter(false);
  splitter.push(responseFrame(4, 1, 0x08, compressed, 0x01 | 0x08));
  splitter.push(responseFrame(4, 2, 0x08, int(1)));
  splitter.push(responseFrame(4, 3, 0x08, bytes(int(0), "00"), 0x01));
  const frames = drain(splitter);
  assert.deepEqual(frames, [[1, 8, 0x08, [...body]], [2, 8, 0, [0, 0, 0, 1]], [3, 8, 0, []]]);
  // Without compression asked for, a flagged body is left alone (the connection refuses it).
  const plain = new ResponseSplitter();
  plain.push(responseFrame(4, 1, 0x08, compressed, 0x01));
  assert.deepEqual(drain(plain)[0][2], 0x01);
});

Deno.test("bad v4 compressed bodies: no length, a length over the limit, a corrupt block", () => {
  const cases: Array<[string, Uint8Array, RegExp]> = [
    ["no length", bytes("00 00"), /shorter than its length prefix/],
    ["over the limit", bytes(int(2000), "00"), /compressed body of 2000 bytes exceeds the limit/],
    ["negative", bytes(int(-1), "00"), /compressed body of -1 bytes/],
    ["corrupt", bytes(int(10), "10 61 05 00 00"), /Cannot decompress an LZ4 block: match offset 5/],
    ["too short", bytes(int(10), "30 61 62 63"), /holds 3 bytes where 10 were expected/],
  ];
  for (const [name, body, message] of cases) {
    const splitter = new ResponseSplitter({ compression: "lz4", maxBodyBytes: 1000 });
    splitter.push(responseFrame(4, 1, 0x08, body, 0x01));
    assert.throws(() => splitter.next(), (error: Error) => {
      assert.ok(error instanceof NativeProtocolError, name);
      assert.match(error.message, message, name);
      return true;
    });
  }
});

Deno.test("lz4 exchanges recorded with Apache Cassandra 5.0.6: our requests, its answers", () => {
  const names = ["system_auth", "system_schema", "system_distributed", "system", "system_traces"];
  const compressor = new Lz4Compressor();
  const v5 = new FrameBuffer();
  writeQuery(v5, 5, 0, KEYSPACES, [], { consistency: 1 });
  const segments = new FrameBuffer();
  writeSegments(segments, v5.bytes, { ends: v5.frameEnds, count: v5.frameCount, compressor });
  assert.deepEqual(written(segments), [...RECORDED_V5_REQUEST]);
  const splitter5 = lz4Splitter(true);
  splitter5.push(RECORDED_V5_ANSWER);
  assert.ok(splitter5.next());
  assert.deepEqual([splitter5.version, splitter5.stream, splitter5.opcode], [5, 0, 0x08]);
  assert.deepEqual(keyspaceNames(splitter5), names);
  const v4 = new FrameBuffer();
  writeQuery(v4, 4, 0, KEYSPACES, [], { consistency: 1 });
  const frames = new FrameBuffer();
  writeLz4Frames(frames, v4.bytes, { ends: v4.frameEnds, count: v4.frameCount, compressor });
  assert.deepEqual(written(frames), [...RECORDED_V4_REQUEST]);
  const splitter4 = lz4Splitter(false);
  splitter4.push(RECORDED_V4_ANSWERS);
  assert.ok(splitter4.next());
  assert.deepEqual([splitter4.opcode, splitter4.flags, splitter4.bodyEnd - splitter4.bodyStart], [
    2,
    0,
    0,
  ]);
  assert.ok(splitter4.next());
  assert.deepEqual(keyspaceNames(splitter4), names);
});
