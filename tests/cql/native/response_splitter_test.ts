// The streaming splitter reassembles response frames from any chunking of the bytes: v4 frames,
// v5 segments (self-contained and runs), and the switch between them after the v5 handshake;
// headers that break the protocol are errors as soon as the header is in.
import assert from "node:assert/strict";
import fc from "fast-check";
import { FrameBuffer } from "../../../lib/cql/native/frame_buffer.ts";
import { ResponseSplitter } from "../../../lib/cql/native/response_splitter.ts";
import { writeSegments } from "../../../lib/cql/native/segment_writer.ts";
import { bytes, responseFrame } from "./_bytes.ts";

interface Sent {
  stream: number;
  opcode: number;
  body: Uint8Array;
}

const frameArb: fc.Arbitrary<Sent> = fc.tuple(
  fc.oneof(fc.integer({ min: 0, max: 32767 }), fc.constant(-1)),
  fc.integer({ min: 0, max: 0x10 }),
  fc.uint8Array({ maxLength: 600 }),
).map(([stream, opcode, body]) => ({ stream, opcode, body }));

/** Cut points splitting `length` bytes into chunks (sorted, unique, inside). */
function chunksOf(wire: Uint8Array, cuts: number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((c) => c % (wire.length + 1)))].sort((a, b) => a - b);
  const chunks: Uint8Array[] = [];
  let from = 0;
  for (const point of [...points, wire.length]) {
    chunks.push(wire.slice(from, point));
    from = point;
  }
  return chunks;
}

/**
 * Feeds chunks through push(), or through reserve()/commit() as the connection does (then every
 * frame is read before the next chunk); with push(), at most `perChunk` frames are read after
 * each chunk (more bytes arrive while a segment's envelopes are half read), the rest at the end.
 */
function split(
  splitter: ResponseSplitter,
  chunks: Uint8Array[],
  useReserve: boolean,
  perChunk = Infinity,
): Sent[] {
  const got: Sent[] = [];
  const read = (limit: number) => {
    for (let n = 0; n < limit && splitter.next(); n++) {
      got.push({
        stream: splitter.stream,
        opcode: splitter.opcode,
        body: splitter.bytes.slice(splitter.bodyStart, splitter.bodyEnd),
      });
    }
  };
  for (const chunk of chunks) {
    if (useReserve) {
      const room = splitter.reserve(Math.max(1, chunk.length));
      room.set(chunk);
      splitter.commit(chunk.length);
      read(Infinity);
    } else {
      splitter.push(chunk);
      read(perChunk);
    }
  }
  read(Infinity);
  return got;
}

/** v5 envelopes in segments, as the node packs them. */
function segmented(frames: Sent[]): Uint8Array {
  const envelopes = new FrameBuffer();
  for (const f of frames) {
    envelopes.beginFrame(0x85, 0, f.stream & 0xffff, f.opcode);
    envelopes.writeRaw(f.body);
    envelopes.endFrame();
  }
  const out = new FrameBuffer();
  writeSegments(out, envelopes.bytes, { ends: envelopes.frameEnds, count: envelopes.frameCount });
  return out.bytes.slice(0, out.length);
}

Deno.test("v4 frames come back whole and in order from any chunking", () => {
  fc.assert(
    fc.property(
      fc.array(frameArb, { maxLength: 30 }),
      fc.array(fc.nat(), { maxLength: 40 }),
      fc.boolean(),
      fc.integer({ min: 0, max: 3 }),
      (frames, cuts, useReserve, perChunk) => {
        const wire = bytes(...frames.map((f) => responseFrame(4, f.stream, f.opcode, f.body)));
        const chunks = chunksOf(wire, cuts);
        assert.deepEqual(split(new ResponseSplitter(), chunks, useReserve, perChunk), frames);
      },
    ),
    { numRuns: 300 },
  );
});

Deno.test("v5 segments come back as their envelopes from any chunking", () => {
  fc.assert(
    fc.property(
      fc.array(frameArb, { maxLength: 30 }),
      fc.array(fc.nat(), { maxLength: 40 }),
      fc.boolean(),
      fc.integer({ min: 0, max: 3 }),
      (frames, cuts, useReserve, perChunk) => {
        const splitter = new ResponseSplitter();
        splitter.useSegments();
        const chunks = chunksOf(segmented(frames), cuts);
        assert.deepEqual(split(splitter, chunks, useReserve, perChunk), frames);
      },
    ),
    { numRuns: 300 },
  );
});

Deno.test("v5 envelopes larger than a segment, between small ones, from any chunking", () => {
  const big = (size: number, seed: number): Sent => ({
    stream: seed,
    opcode: 8,
    body: new Uint8Array(size).map((_, i) => (i * seed) & 0xff),
  });
  fc.assert(
    fc.property(
      fc.array(
        fc.oneof(frameArb, fc.integer({ min: 131_000, max: 400_000 }).map((n) => big(n, 7))),
        {
          maxLength: 6,
        },
      ),
      fc.array(fc.nat(), { maxLength: 30 }),
      fc.boolean(),
      (frames, cuts, useReserve) => {
        const splitter = new ResponseSplitter();
        splitter.useSegments();
        const got = split(splitter, chunksOf(segmented(frames), cuts), useReserve);
        assert.equal(got.length, frames.length);
        got.forEach((g, i) =>
          assert.ok(g.body.length === frames[i].body.length && g.stream === frames[i].stream)
        );
        assert.deepEqual(got, frames);
      },
    ),
    { numRuns: 25 },
  );
});

Deno.test("an unframed READY, then segments in the same chunk (the v5 handshake)", () => {
  const ready = responseFrame(5, 0, 0x02, new Uint8Array(0));
  const after: Sent[] = [{ stream: 1, opcode: 8, body: bytes("00000001") }];
  const splitter = new ResponseSplitter();
  splitter.push(bytes(ready, segmented(after)));
  assert.ok(splitter.next());
  assert.equal(splitter.opcode, 0x02);
  splitter.useSegments();
  assert.ok(splitter.next());
  assert.equal(splitter.stream, 1);
  assert.equal(splitter.next(), false);
});

Deno.test("a header that breaks the protocol is an error as soon as it is in", () => {
  const reject = (header: Uint8Array, pattern: RegExp, maxBodyBytes?: number) => {
    const splitter = new ResponseSplitter({ maxBodyBytes });
    splitter.push(header);
    assert.throws(() => splitter.next(), pattern);
  };
  reject(bytes("04 00 0001 08 00000000"), /not a v3, v4 or v5 response/); // a request
  reject(bytes("82 00 01 08 00000000 00"), /not a v3, v4 or v5 response/); // v2
  reject(bytes("86 00 0001 08 00000000"), /not a v3, v4 or v5 response/); // v6
  reject(bytes("84 00 0001 08 7fffffff"), /exceeds the limit of 268435456/); // huge, no body
  reject(bytes("84 00 0001 08 00000401"), /exceeds the limit of 1024/, 1024);
  const partial = new ResponseSplitter();
  partial.push(bytes("84 00 0001 08 0000"));
  assert.equal(partial.next(), false); // not a whole header yet
  assert.equal(partial.buffered, 7);
});

Deno.test("negative stream ids (events) and signed ids read back as they were sent", () => {
  const splitter = new ResponseSplitter();
  splitter.push(responseFrame(4, -1, 0x0c, new Uint8Array(0)));
  splitter.push(responseFrame(4, 32767, 0x08, new Uint8Array(0)));
  assert.ok(splitter.next());
  assert.equal(splitter.stream, -1);
  assert.ok(splitter.next());
  assert.equal(splitter.stream, 32767);
});

Deno.test("after a 5 MB response the splitter goes on with a small buffer, frames intact", () => {
  const splitter = new ResponseSplitter();
  const big = new Uint8Array(5 * 1024 * 1024).fill(3);
  const wire = bytes(responseFrame(4, 1, 8, big), responseFrame(4, 2, 8, bytes("00000001")));
  let at = 0;
  const streams: number[] = [];
  while (at < wire.length) {
    const room = splitter.reserve();
    const n = Math.min(room.length, wire.length - at, 100_000);
    room.set(wire.subarray(at, at + n));
    splitter.commit(n);
    at += n;
    while (splitter.next()) {
      streams.push(splitter.stream);
      if (splitter.stream === 1) assert.equal(splitter.bodyEnd - splitter.bodyStart, big.length);
    }
  }
  assert.equal(splitter.reserve().length, 65536, "the big buffer was let go");
  splitter.push(responseFrame(4, 3, 8, bytes("00000001")));
  assert.ok(splitter.next());
  streams.push(splitter.stream);
  assert.deepEqual(streams, [1, 2, 3]);
});
