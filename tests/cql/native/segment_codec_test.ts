// Protocol v5 framing (native_protocol_v5.spec section 2.1): the CRC24 of segment headers and the
// CRC32 of payloads, the uncompressed 6-byte header, packing envelopes into self-contained
// segments and splitting a large one, and reading segments back, against vectors computed
// independently and bytes recorded from Apache Cassandra 5.0.6.
import assert from "node:assert/strict";
import { FrameBuffer } from "../../../lib/cql/native/frame_buffer.ts";
import { crc24, crc32, payloadCrc32 } from "../../../lib/cql/native/frame_checksums.ts";
import { ResponseSplitter } from "../../../lib/cql/native/response_splitter.ts";
import {
  SEGMENT_MAX_PAYLOAD_BYTES,
  writeSegment,
  writeSegments,
} from "../../../lib/cql/native/segment_writer.ts";
import { writeQuery } from "../../../lib/cql/native/statement_requests.ts";
import { bytes, list, responseFrame, segment, utf8, written } from "./_bytes.ts";

const CHECK = utf8("123456789");

Deno.test("CRC32: the IEEE check value; the payload CRC is primed with FA 2D 55 CA", () => {
  assert.equal(crc32(CHECK, 0, 9), 0xcbf43926);
  // zlib.crc32(bytes([0xfa, 0x2d, 0x55, 0xca]) + b"123456789"), computed apart.
  assert.equal(payloadCrc32(CHECK, 0, 9), 0xe2a261a7);
  assert.equal(payloadCrc32(new Uint8Array(0), 0, 0), 0x44777ed3);
  // Offsets and every tail length of the slicing loop.
  const long = new Uint8Array(1031).map((_, i) => (i * 31) & 0xff);
  for (let n = 0; n < 9; n++) {
    const copy = long.slice(5, 5 + 1000 + n);
    assert.equal(crc32(long, 5, 1000 + n), crc32(copy, 0, copy.length));
  }
});

Deno.test("CRC24: initial value 0x875060, polynomial 0x1974F0B, most significant bit first", () => {
  assert.equal(crc24(new Uint8Array(0), 0, 0), 0x875060);
  // An independent bitwise implementation (Python) gives these.
  assert.equal(crc24(CHECK, 0, 9), 0x4b3f02);
  const header = (n: number, selfContained: boolean) => {
    const out = new FrameBuffer();
    writeSegment(out, new Uint8Array(n), { offset: 0, length: n, selfContained });
    return written(out).slice(0, 6);
  };
  assert.deepEqual(header(0, true), list("00 00 02  6a 36 c4"));
  assert.deepEqual(header(9, true), list("09 00 02  a4 c8 c1"));
  assert.deepEqual(header(0x1234, true), list("34 12 02  cf d2 17"));
  assert.deepEqual(header(SEGMENT_MAX_PAYLOAD_BYTES, false), list("ff ff 01  38 91 fe"));
  assert.throws(() => header(SEGMENT_MAX_PAYLOAD_BYTES + 1, false), RangeError);
});

/** `USE system` as QUERY v5 on stream 1, in one self-contained segment (Cassandra 5.0.6 took it). */
const RECORDED_REQUEST = bytes(
  "1d 00 02 63 3a 2c",
  "05 00 00 01 07 00 00 00 14 00 00 00 0a",
  utf8("USE system"),
  "00 01 00 00 00 00",
  "df 0a 7b 83",
);
/** Cassandra 5.0.6's answer: RESULT Set_keyspace "system" on stream 1, in one segment. */
const RECORDED_ANSWER = bytes(
  "15 00 02 b5 a4 41",
  "85 00 00 01 08 00 00 00 0c 00 00 00 03 00 06",
  utf8("system"),
  "47 fb f9 ec",
);

Deno.test("segments match what Apache Cassandra 5.0.6 sent and accepted", () => {
  const query = new FrameBuffer();
  writeQuery(query, 5, 1, "USE system", [], { consistency: 1 });
  const out = new FrameBuffer();
  writeSegments(out, query.bytes, { ends: query.frameEnds, count: query.frameCount });
  assert.deepEqual(written(out), [...RECORDED_REQUEST]);
  const splitter = new ResponseSplitter();
  splitter.useSegments();
  splitter.push(RECORDED_ANSWER);
  assert.ok(splitter.next());
  assert.deepEqual([splitter.version, splitter.stream, splitter.opcode], [5, 1, 0x08]);
  assert.deepEqual(
    [...splitter.bytes.subarray(splitter.bodyStart, splitter.bodyEnd)],
    list("00 00 00 03 00 06", utf8("system")),
  );
  assert.equal(splitter.next(), false);
});

/** Envelopes of these body sizes, back to back, as a FrameBuffer holds them. */
function envelopes(sizes: number[]): FrameBuffer {
  const out = new FrameBuffer();
  sizes.forEach((size, i) => {
    out.beginFrame(5, 0, i, 0x0a);
    out.writeRaw(new Uint8Array(size).fill(i & 0xff));
    out.endFrame();
  });
  return out;
}

/** The segments of `out`: [selfContained, payload length]. */
function segmentsOf(sizes: number[]): [boolean, number][] {
  const src = envelopes(sizes);
  const out = new FrameBuffer();
  writeSegments(out, src.bytes, { ends: src.frameEnds, count: src.frameCount });
  const found: [boolean, number][] = [];
  for (let p = 0; p < out.length;) {
    const word = out.bytes[p] | (out.bytes[p + 1] << 8) | (out.bytes[p + 2] << 16);
    found.push([(word & 0x20000) !== 0, word & 0x1ffff]);
    p += 6 + (word & 0x1ffff) + 4;
  }
  return found;
}

Deno.test("envelopes share self-contained segments up to 131071 bytes; a larger one gets its own run", () => {
  assert.deepEqual(segmentsOf([]), []);
  assert.deepEqual(segmentsOf([0, 10, 20]), [[true, 9 + 19 + 29]]);
  // Two envelopes that together exceed the limit: one segment each.
  assert.deepEqual(segmentsOf([70_000, 70_000]), [[true, 70_009], [true, 70_009]]);
  // Exactly the limit fits.
  assert.deepEqual(segmentsOf([SEGMENT_MAX_PAYLOAD_BYTES - 9]), [[
    true,
    SEGMENT_MAX_PAYLOAD_BYTES,
  ]]);
  // A large envelope between small ones: small ones before, its run, small ones after.
  const big = 300_000;
  assert.deepEqual(segmentsOf([5, big, 7]), [
    [true, 14],
    [false, SEGMENT_MAX_PAYLOAD_BYTES],
    [false, SEGMENT_MAX_PAYLOAD_BYTES],
    [false, big + 9 - 2 * SEGMENT_MAX_PAYLOAD_BYTES],
    [true, 16],
  ]);
});

Deno.test("the splitter reads many envelopes of a segment and reassembles a run", () => {
  const small = [
    responseFrame(5, 1, 8, bytes("00000001")),
    responseFrame(5, 2, 8, bytes("00000001")),
  ];
  const bigBody = new Uint8Array(200_000).map((_, i) => i & 0xff);
  const big = responseFrame(5, 3, 8, bigBody);
  const wire = bytes(
    segment(bytes(small[0], small[1]), true),
    segment(big.subarray(0, 131071), false),
    segment(big.subarray(131071), false),
    segment(small[0], true),
  );
  const splitter = new ResponseSplitter();
  splitter.useSegments();
  splitter.push(wire);
  const streams: number[] = [];
  while (splitter.next()) {
    streams.push(splitter.stream);
    if (splitter.stream === 3) {
      assert.deepEqual(splitter.bytes.subarray(splitter.bodyStart, splitter.bodyEnd), bigBody);
    }
  }
  assert.deepEqual(streams, [1, 2, 3, 1]);
  assert.equal(splitter.buffered, 0);
});

Deno.test("the splitter rejects checksum mismatches and envelopes that do not fit their segments", () => {
  const frame = responseFrame(5, 1, 8, bytes("00000001"));
  const reject = (wire: Uint8Array, pattern: RegExp) => {
    const splitter = new ResponseSplitter();
    splitter.useSegments();
    splitter.push(wire);
    assert.throws(() => {
      while (splitter.next());
    }, pattern);
  };
  const badHeader = segment(frame, true);
  badHeader[3] ^= 1;
  reject(badHeader, /header CRC24 mismatch/);
  const badPayload = segment(frame, true);
  badPayload[8] ^= 1;
  reject(badPayload, /payload CRC32 mismatch/);
  reject(segment(frame.subarray(0, 12), true), /overruns its self-contained segment/);
  reject(
    bytes(segment(frame.subarray(0, 5), false), segment(frame, true)),
    /interrupts a large envelope/,
  );
  reject(segment(bytes(frame, frame), false), /more than one envelope/);
  reject(segment(bytes("04 00 0001 08 00000000"), true), /not a v3, v4 or v5 response/);
});
