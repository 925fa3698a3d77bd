import assert from "node:assert/strict";
import fc from "fast-check";
import { FrameDecodeError, FrameReader } from "../../lib/cql_node/protocol/frame_reader.ts";
import { FrameSplitter, type SplitResult } from "../../lib/cql_node/protocol/frame_splitter.ts";
import { FrameWriter } from "../../lib/cql_node/protocol/frame_writer.ts";

function header(
  version: number,
  stream: number,
  opcode: number,
  length: number,
  flags = 0,
): Uint8Array {
  const out = new Uint8Array(9);
  const view = new DataView(out.buffer);
  out[0] = version;
  out[1] = flags;
  view.setInt16(2, stream);
  out[4] = opcode;
  view.setUint32(5, length);
  return out;
}

function frameBytes(version: number, stream: number, opcode: number, body: number[]): Uint8Array {
  const out = new Uint8Array(9 + body.length);
  out.set(header(version, stream, opcode, body.length));
  out.set(body, 9);
  return out;
}

/** A plain-data copy of a split result (bodies copied, since they are views). */
type Snapshot =
  | {
    kind: "frame";
    version: number;
    flags: number;
    stream: number;
    opcode: number;
    body: number[];
  }
  | Exclude<SplitResult, { kind: "frame" }>;

function snapshot(result: SplitResult): Snapshot {
  if (result.kind !== "frame") return { ...result };
  const { version, flags, stream, opcode, body } = result.frame;
  return { kind: "frame", version, flags, stream, opcode, body: [...body] };
}

/** Reference: what a splitter fed the whole stream at once returns, until the first error. */
function referenceSplit(bytes: Uint8Array, maxBodyBytes: number): Snapshot[] {
  const out: Snapshot[] = [];
  let at = 0;
  for (;;) {
    const have = bytes.length - at;
    if (have < 1) return out;
    const version = bytes[at] & 0x7f;
    const isResponse = (bytes[at] & 0x80) !== 0;
    if (version < 3 || version > 4 || isResponse) {
      if (have < (version <= 2 ? 3 : 4)) return out;
      const view = new DataView(bytes.buffer, bytes.byteOffset + at);
      const stream = version <= 2 ? view.getInt8(2) : view.getInt16(2);
      out.push({ kind: "badVersion", version, stream, isResponse });
      return out;
    }
    if (have < 9) return out;
    const view = new DataView(bytes.buffer, bytes.byteOffset + at);
    const stream = view.getInt16(2);
    const length = view.getUint32(5);
    if (length > maxBodyBytes) {
      out.push({ kind: "tooLarge", version, stream, length });
      return out;
    }
    if (have < 9 + length) return out;
    out.push({
      kind: "frame",
      version,
      flags: bytes[at + 1],
      stream,
      opcode: bytes[at + 4],
      body: [...bytes.subarray(at + 9, at + 9 + length)],
    });
    at += 9 + length;
  }
}

/** Feeds `bytes` in chunks cut at `cuts`, draining after each push, until the first error. */
function chunkedSplit(bytes: Uint8Array, cuts: number[], maxBodyBytes: number): Snapshot[] {
  const splitter = new FrameSplitter({ maxBodyBytes });
  const out: Snapshot[] = [];
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  let from = 0;
  for (const to of [...points, bytes.length]) {
    splitter.push(bytes.subarray(from, to));
    from = to;
    for (;;) {
      const result = splitter.next();
      if (result.kind === "incomplete") break;
      if (result.kind === "frame") {
        const declared = new DataView(result.frame.body.buffer).getUint32(
          result.frame.body.byteOffset - 4,
        );
        assert.equal(result.frame.body.length, declared, "body length equals the declared one");
        assert.ok(result.frame.body.length <= maxBodyBytes, "body within the limit");
      }
      out.push(snapshot(result));
      if (result.kind !== "frame") return out;
    }
  }
  return out;
}

Deno.test("FrameWriter writes every notation big-endian and grows past its first buffer", () => {
  const w = new FrameWriter(4);
  w.writeByte(0xab);
  w.writeShort(0x0102);
  w.writeInt(-2);
  w.writeLong(-3n);
  w.writeString("é");
  w.writeLongString("ab");
  w.writeBytes(null);
  w.writeBytes(new Uint8Array([9]));
  w.writeShortBytes(new Uint8Array([7, 8]));
  w.writeStringList(["x"]);
  w.writeStringMultimap({ k: ["v", "w"] });
  w.writeInetAddr(new Uint8Array([127, 0, 0, 1]));
  assert.deepEqual([...w.bytes()], [
    0xab,
    1,
    2,
    ...[0xff, 0xff, 0xff, 0xfe],
    ...[0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfd],
    ...[0, 2, 0xc3, 0xa9],
    ...[0, 0, 0, 2, 97, 98],
    ...[0xff, 0xff, 0xff, 0xff],
    ...[0, 0, 0, 1, 9],
    ...[0, 2, 7, 8],
    ...[0, 1, 0, 1, 120],
    ...[0, 1, 0, 1, 107, 0, 2, 0, 1, 118, 0, 1, 119],
    ...[4, 127, 0, 0, 1],
  ]);
  assert.equal(w.length, w.bytes().length);
});

Deno.test("FrameWriter grows from an empty initial buffer", () => {
  const w = new FrameWriter(0);
  w.writeInt(1);
  w.writeRaw(new Uint8Array(100_000).fill(7));
  w.writeInt(2);
  const r = new FrameReader(w.bytes());
  assert.equal(r.readInt(), 1);
  assert.equal(r.readRaw(100_000).every((b) => b === 7), true);
  assert.equal(r.readInt(), 2);
});

Deno.test("FrameWriter.reset() keeps the buffer and copy() is independent of later writes", () => {
  const w = new FrameWriter(16);
  w.writeInt(1);
  const copy = w.copy();
  w.reset();
  assert.equal(w.length, 0);
  w.writeInt(0x7fffffff);
  w.patchInt(0, 5);
  assert.deepEqual([...copy], [0, 0, 0, 1]);
  assert.deepEqual([...w.bytes()], [0, 0, 0, 5]);
});

Deno.test("FrameWriter writes a long string of multi-byte characters with its UTF-8 length", () => {
  const w = new FrameWriter(8);
  const text = "€".repeat(5000) + "😀";
  w.writeLongString(text);
  const r = new FrameReader(w.bytes());
  assert.equal(r.readLongString(), text);
  assert.equal(r.remaining, 0);
  assert.equal(w.length, 4 + 5000 * 3 + 4);
});

Deno.test("FrameReader reads back what FrameWriter wrote", () => {
  const w = new FrameWriter();
  w.writeByte(200);
  w.writeShort(65535);
  w.writeInt(-7);
  w.writeLong(-(2n ** 63n));
  w.writeString("hello");
  w.writeBytes(null);
  w.writeBytes(new Uint8Array([1, 2]));
  w.writeInt(-2);
  w.writeShortBytes(new Uint8Array([3]));
  w.writeShort(1);
  w.writeString("CQL_VERSION");
  w.writeString("3.0.0");
  const r = new FrameReader(w.copy());
  assert.equal(r.readByte(), 200);
  assert.equal(r.readShort(), 65535);
  assert.equal(r.readInt(), -7);
  assert.equal(r.readLong(), -(2n ** 63n));
  assert.equal(r.readString(), "hello");
  assert.equal(r.readBytes(), null);
  assert.deepEqual([...r.readBytes()!], [1, 2]);
  assert.equal(r.readValue(), undefined);
  assert.deepEqual([...r.readShortBytes()], [3]);
  assert.deepEqual(r.readStringMap(), new Map([["CQL_VERSION", "3.0.0"]]));
  assert.equal(r.remaining, 0);
});

Deno.test("FrameReader reads a body that is a view at an offset into a larger buffer", () => {
  const backing = new Uint8Array([0xee, 0xee, 0xee, 0, 0, 0, 9, 0, 1, 65, 0xee]);
  const r = new FrameReader(backing.subarray(3, 10));
  assert.equal(r.readInt(), 9);
  assert.equal(r.readString(), "A");
  assert.equal(r.remaining, 0);
  assert.throws(() => r.readByte(), FrameDecodeError);
});

Deno.test("FrameReader rejects reads past the end, bad lengths and invalid UTF-8", () => {
  const cases: [string, number[], (r: FrameReader) => unknown][] = [
    ["a short from one byte", [1], (r) => r.readShort()],
    ["an int from three bytes", [0, 0, 1], (r) => r.readInt()],
    ["a long from seven bytes", [0, 0, 0, 0, 0, 0, 1], (r) => r.readLong()],
    ["a string past the end", [0, 5, 65], (r) => r.readString()],
    ["a long string past the end", [0, 0, 1, 0, 65], (r) => r.readLongString()],
    ["a negative long string", [0xff, 0xff, 0xff, 0xfe], (r) => r.readLongString()],
    ["bytes past the end", [0, 0, 0, 2, 1], (r) => r.readBytes()],
    ["a value of length -3", [0xff, 0xff, 0xff, 0xfd], (r) => r.readValue()],
    ["short bytes past the end", [0, 3, 1], (r) => r.readShortBytes()],
    ["a string map past the end", [0, 2, 0, 1, 65, 0, 1, 66], (r) => r.readStringMap()],
    ["invalid UTF-8", [0, 2, 0xc3, 0x28], (r) => r.readString()],
    ["a lone surrogate", [0, 3, 0xed, 0xa0, 0x80], (r) => r.readString()],
    ["raw bytes with a negative count", [1, 2], (r) => r.readRaw(-1)],
  ];
  for (const [name, bytes, read] of cases) {
    assert.throws(() => read(new FrameReader(new Uint8Array(bytes))), FrameDecodeError, name);
  }
});

Deno.test("FrameReader never throws anything but FrameDecodeError on random bodies", () => {
  const reads: ((r: FrameReader) => unknown)[] = [
    (r) => r.readByte(),
    (r) => r.readShort(),
    (r) => r.readInt(),
    (r) => r.readLong(),
    (r) => r.readString(),
    (r) => r.readLongString(),
    (r) => r.readBytes(),
    (r) => r.readValue(),
    (r) => r.readShortBytes(),
    (r) => r.readStringMap(),
  ];
  fc.assert(
    fc.property(
      fc.uint8Array({ maxLength: 64 }),
      fc.array(fc.integer({ min: 0, max: reads.length - 1 }), { maxLength: 12 }),
      (bytes, plan) => {
        const r = new FrameReader(bytes);
        for (const step of plan) {
          const before = r.remaining;
          try {
            reads[step](r);
          } catch (error) {
            if (!(error instanceof FrameDecodeError)) throw error;
            return;
          }
          assert.ok(r.remaining <= before && r.remaining >= 0);
        }
      },
    ),
    { numRuns: 500, seed: 20240603 },
  );
});

Deno.test("FrameSplitter returns a frame split byte by byte only once it is complete", () => {
  const splitter = new FrameSplitter({ maxBodyBytes: 100 });
  const bytes = frameBytes(4, -2, 7, [1, 2, 3]);
  for (let i = 0; i < bytes.length - 1; i++) {
    splitter.push(bytes.subarray(i, i + 1));
    assert.equal(splitter.next().kind, "incomplete", `after ${i + 1} bytes`);
  }
  splitter.push(bytes.subarray(bytes.length - 1));
  assert.equal(splitter.buffered, bytes.length);
  assert.deepEqual(snapshot(splitter.next()), {
    kind: "frame",
    version: 4,
    flags: 0,
    stream: -2,
    opcode: 7,
    body: [1, 2, 3],
  });
  assert.equal(splitter.buffered, 0);
  assert.equal(splitter.next().kind, "incomplete");
});

Deno.test("FrameSplitter returns several frames pushed at once, v3 and v4, empty bodies", () => {
  const splitter = new FrameSplitter({ maxBodyBytes: 100 });
  const a = frameBytes(3, 1, 5, []);
  const b = frameBytes(4, 32767, 1, [9, 9]);
  const c = frameBytes(4, 3, 7, [1]);
  const all = new Uint8Array([...a, ...b, ...c]);
  splitter.push(all.subarray(0, a.length + b.length + 4));
  assert.deepEqual(
    [snapshot(splitter.next()), snapshot(splitter.next()), splitter.next().kind],
    [
      { kind: "frame", version: 3, flags: 0, stream: 1, opcode: 5, body: [] },
      { kind: "frame", version: 4, flags: 0, stream: 32767, opcode: 1, body: [9, 9] },
      "incomplete",
    ],
  );
  splitter.push(all.subarray(a.length + b.length + 4));
  assert.deepEqual(snapshot(splitter.next()), {
    kind: "frame",
    version: 4,
    flags: 0,
    stream: 3,
    opcode: 7,
    body: [1],
  });
});

Deno.test("FrameSplitter accepts a body at the limit and reports one over it from the header", () => {
  const atLimit = new FrameSplitter({ maxBodyBytes: 4 });
  atLimit.push(frameBytes(4, 1, 7, [1, 2, 3, 4]));
  assert.equal(atLimit.next().kind, "frame");
  const over = new FrameSplitter({ maxBodyBytes: 4 });
  over.push(header(4, 6, 7, 5));
  assert.deepEqual(over.next(), { kind: "tooLarge", version: 4, stream: 6, length: 5 });
  const huge = new FrameSplitter({ maxBodyBytes: 256 * 1024 * 1024 });
  huge.push(header(4, 2, 7, 0xffffffff));
  assert.deepEqual(huge.next(), { kind: "tooLarge", version: 4, stream: 2, length: 0xffffffff });
});

Deno.test("FrameSplitter reports bad versions and response frames once the stream id is known", () => {
  const cases: [number[], Snapshot | "incomplete"][] = [
    [[1, 0], "incomplete"],
    [[1, 0, 0xfe], { kind: "badVersion", version: 1, stream: -2, isResponse: false }],
    [[2, 0, 5, 1], { kind: "badVersion", version: 2, stream: 5, isResponse: false }],
    [[0, 0, 7], { kind: "badVersion", version: 0, stream: 7, isResponse: false }],
    [[5, 0, 0], "incomplete"],
    [[5, 0, 0, 17], { kind: "badVersion", version: 5, stream: 17, isResponse: false }],
    [[6, 0, 1, 0, 1], { kind: "badVersion", version: 6, stream: 256, isResponse: false }],
    [[0x84, 0, 0, 9], { kind: "badVersion", version: 4, stream: 9, isResponse: true }],
    [[0x7f, 0, 0x80, 0], { kind: "badVersion", version: 127, stream: -32768, isResponse: false }],
    [[4, 0, 0, 1, 5, 0, 0, 0], "incomplete"],
  ];
  for (const [bytes, expected] of cases) {
    const splitter = new FrameSplitter({ maxBodyBytes: 100 });
    splitter.push(new Uint8Array(bytes));
    const result = splitter.next();
    assert.deepEqual(
      expected === "incomplete" ? result.kind : snapshot(result),
      expected,
      `${bytes}`,
    );
  }
});

Deno.test("FrameSplitter compacts its buffer and keeps a partial frame across pushes", () => {
  const splitter = new FrameSplitter({ maxBodyBytes: 200_000 });
  const big = frameBytes(4, 1, 7, Array.from({ length: 100_000 }, (_, i) => i & 0xff));
  const small = frameBytes(4, 2, 7, [42]);
  for (let round = 0; round < 5; round++) {
    splitter.push(big.subarray(0, 70_000));
    assert.equal(splitter.next().kind, "incomplete");
    splitter.push(new Uint8Array([...big.subarray(70_000), ...small.subarray(0, 5)]));
    const frame = splitter.next();
    assert.equal(frame.kind, "frame");
    if (frame.kind === "frame") {
      assert.equal(frame.frame.body.length, 100_000);
      assert.equal(frame.frame.body[99_999], 99_999 & 0xff);
    }
    assert.equal(splitter.next().kind, "incomplete");
    splitter.push(small.subarray(5));
    assert.deepEqual(snapshot(splitter.next()).kind, "frame");
    assert.equal(splitter.buffered, 0);
  }
});

Deno.test("FrameSplitter never throws and never returns a body longer than declared", () => {
  // Streams mix well-formed v3/v4 frames, plausible headers with any length, and raw garbage.
  const segment = fc.oneof(
    fc.record({
      version: fc.constantFrom(3, 4),
      stream: fc.integer({ min: -32768, max: 32767 }),
      opcode: fc.integer({ min: 0, max: 255 }),
      body: fc.uint8Array({ maxLength: 40 }),
    }).map(({ version, stream, opcode, body }) => frameBytes(version, stream, opcode, [...body])),
    fc.tuple(fc.constantFrom(3, 4), fc.integer({ min: 0, max: 0xffffffff }))
      .map(([version, length]) => header(version, 1, 7, length)),
    fc.uint8Array({ minLength: 1, maxLength: 24 }),
  );
  fc.assert(
    fc.property(
      fc.array(segment, { maxLength: 8 }),
      fc.array(fc.nat(), { maxLength: 20 }),
      fc.integer({ min: 0, max: 64 }),
      (segments, cuts, maxBodyBytes) => {
        const bytes = new Uint8Array(segments.reduce((n, s) => n + s.length, 0));
        let at = 0;
        for (const s of segments) {
          bytes.set(s, at);
          at += s.length;
        }
        const chunked = chunkedSplit(bytes, cuts, maxBodyBytes);
        assert.deepEqual(chunked, referenceSplit(bytes, maxBodyBytes));
      },
    ),
    { numRuns: 1000, seed: 117 },
  );
});

Deno.test("FrameSplitter returns exactly the frames of a well-formed stream cut anywhere", () => {
  fc.assert(
    fc.property(
      fc.array(
        fc.record({
          stream: fc.integer({ min: 0, max: 32767 }),
          opcode: fc.integer({ min: 0, max: 15 }),
          body: fc.uint8Array({ maxLength: 300 }),
        }),
        { minLength: 1, maxLength: 10 },
      ),
      fc.array(fc.nat(), { maxLength: 30 }),
      (frames, cuts) => {
        const parts = frames.map((f) => frameBytes(4, f.stream, f.opcode, [...f.body]));
        const bytes = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
        let at = 0;
        for (const p of parts) {
          bytes.set(p, at);
          at += p.length;
        }
        const got = chunkedSplit(bytes, cuts, 300);
        assert.deepEqual(
          got,
          frames.map((f) => ({
            kind: "frame",
            version: 4,
            flags: 0,
            stream: f.stream,
            opcode: f.opcode,
            body: [...f.body],
          })),
        );
      },
    ),
    { numRuns: 300, seed: 7 },
  );
});
