import assert from "node:assert/strict";
import fc from "fast-check";
import {
  type ClientMessage,
  DISK_PROTOCOL_VERSION,
  encodeMessage,
  type HeartbeatMessage,
  isProtocolProblem,
  LineSplitter,
  MAX_HEARTBEAT_BYTES,
  MAX_LINE_BYTES,
  parseClientMessage,
  parseHeartbeat,
  parseHelloMessage,
  parseServerMessage,
  type ProtocolProblem,
  type ServerMessage,
} from "../../lib/disk/disk_protocol.ts";

const encoder = new TextEncoder();

const HELLO = {
  v: 1,
  type: "hello",
  client: "c1",
  host: "bench-1",
  pid: 4242,
  config: {
    chunkBytes: 10_000_000,
    fileBytes: 20_000_000,
    runTimeMs: 10_000,
    path: "/tmp/stress",
    fsync: "file",
    heartbeatMs: 5000,
    statsEveryMs: 10_000,
    minFreeBytes: null,
    minFreePercent: 5,
  },
} as const;

const SAMPLE = {
  v: 1,
  type: "sample",
  seq: 2,
  atMs: 1_700_000_010_000,
  cpuPercent: 37.5,
  userMs: 1200,
  sysMs: 2550.5,
  rssBytes: 48_000_000,
  bytesWritten: 500_000_000,
  chunks: 50,
  intervalMs: 10_000,
  histogram: "HISTFAAAACl4nJNpmSzMwMDAxAABzFCaEUzOmNZg/wEi0NzIyMDA2MTAyMTAxsTIwMwAAHC8Bss=",
} as const;

function problemOf(result: unknown): ProtocolProblem {
  assert.ok(isProtocolProblem(result), `expected a problem, got ${JSON.stringify(result)}`);
  return result;
}

function withField(base: object, path: string[], value: unknown): string {
  const copy = structuredClone(base) as Record<string, unknown>;
  let target = copy;
  for (const key of path.slice(0, -1)) target = target[key] as Record<string, unknown>;
  if (value === undefined) delete target[path.at(-1)!];
  else target[path.at(-1)!] = value;
  return JSON.stringify(copy);
}

Deno.test("DISK_PROTOCOL_VERSION and the limits have the documented values", () => {
  assert.equal(DISK_PROTOCOL_VERSION, 1);
  assert.equal(MAX_LINE_BYTES, 65536);
  assert.equal(MAX_HEARTBEAT_BYTES, 512);
});

Deno.test("parseClientMessage() reads a hello, with and without a token", () => {
  assert.deepEqual(parseClientMessage(JSON.stringify(HELLO)), HELLO);
  const withToken = { ...HELLO, token: "secret" };
  assert.deepEqual(parseClientMessage(JSON.stringify(withToken)), withToken);
});

Deno.test("parseClientMessage() reads every event kind, a sample and bye", () => {
  const events = [
    { kind: "start", detail: { speedBytesPerSec: 212_400_000, expectedRollovers: 5 } },
    {
      kind: "rollover",
      detail: { file: "/tmp/c1/data-1", index: 1, bytes: 2e7, durationMs: 95.5 },
    },
    { kind: "stop", detail: { reason: "done", bytesWritten: 1e8, chunks: 10, rollovers: 5 } },
    { kind: "error", detail: { message: "Cannot write: no space" } },
    { kind: "log", detail: { message: "" } },
  ];
  for (const [index, event] of events.entries()) {
    const message = { v: 1, type: "event", seq: index + 1, atMs: 1000, ...event };
    assert.deepEqual(parseClientMessage(JSON.stringify(message)), message);
  }
  assert.deepEqual(parseClientMessage(JSON.stringify(SAMPLE)), SAMPLE);
  assert.deepEqual(parseClientMessage('{"v":1,"type":"bye","seq":9,"atMs":5}\r\n'), {
    v: 1,
    type: "bye",
    seq: 9,
    atMs: 5,
  });
});

Deno.test("parseClientMessage() drops unknown fields", () => {
  const line = JSON.stringify({ v: 1, type: "bye", seq: 1, atMs: 2, extra: true, __proto__: 1 });
  assert.deepEqual(parseClientMessage(line), { v: 1, type: "bye", seq: 1, atMs: 2 });
});

Deno.test("parseClientMessage() rejects text that is not a JSON object", () => {
  for (const line of ["", "{", "null", "[1]", '"hello"', "42", "garbage\u0000"]) {
    assert.equal(problemOf(parseClientMessage(line)).code, "bad_message", line);
  }
});

Deno.test("parseClientMessage() rejects another or a missing version", () => {
  for (const v of [2, 0, "1", null, undefined, 1.5]) {
    const problem = problemOf(parseClientMessage(withField(HELLO, ["v"], v)));
    assert.equal(problem.code, "bad_version", String(v));
  }
  assert.equal(
    problemOf(parseClientMessage('{"v":2,"type":"bye"}')).message,
    'Cannot accept message: version "2" is not supported, expected 1',
  );
});

Deno.test("parseClientMessage() rejects an unknown or missing type", () => {
  for (const type of ["welcome", "ack", "hb", "HELLO", 3, undefined]) {
    assert.equal(
      problemOf(parseClientMessage(withField(HELLO, ["type"], type))).code,
      "bad_message",
    );
  }
});

Deno.test("parseClientMessage() checks the client id charset and length", () => {
  assert.ok(!isProtocolProblem(parseClientMessage(withField(HELLO, ["client"], "a.B_9:x-1"))));
  assert.ok(!isProtocolProblem(parseClientMessage(withField(HELLO, ["client"], "x".repeat(128)))));
  for (const client of ["", "x".repeat(129), "a b", "é", "a/b", "c1\n", 7, null]) {
    const problem = problemOf(parseClientMessage(withField(HELLO, ["client"], client)));
    assert.match(problem.message, /field "client" is not 1 to 128 characters/);
  }
});

Deno.test("parseClientMessage() checks seq and atMs of records", () => {
  const bye = { v: 1, type: "bye", seq: 1, atMs: 0 };
  for (const seq of [0, -1, 1.5, "1", null, undefined, 2 ** 53, Infinity]) {
    assert.equal(problemOf(parseClientMessage(withField(bye, ["seq"], seq))).code, "bad_message");
  }
  for (const atMs of [-1, "5", null, undefined]) {
    assert.equal(problemOf(parseClientMessage(withField(bye, ["atMs"], atMs))).code, "bad_message");
  }
});

Deno.test("parseClientMessage() checks the hello's fields and config", () => {
  const cases: [string[], unknown, RegExp][] = [
    [["host"], "", /field "host" is empty/],
    [["host"], 5, /field "host" is not a string/],
    [["pid"], -1, /field "pid" is "-1", expected at least 0/],
    [["token"], 5, /field "token" is not a string/],
    [["config"], undefined, /field "config" is not an object/],
    [["config", "chunkBytes"], 0, /field "config.chunkBytes" is "0", expected at least 1/],
    [["config", "fileBytes"], 1.5, /field "config.fileBytes" is not a safe integer/],
    [["config", "runTimeMs"], "10s", /field "config.runTimeMs" is not a finite number/],
    [["config", "path"], "", /field "config.path" is empty/],
    [["config", "fsync"], "always", /field "config.fsync" is not one of chunk, file, never/],
    [["config", "heartbeatMs"], 0, /config.heartbeatMs/],
    [["config", "statsEveryMs"], undefined, /config.statsEveryMs/],
    [["config", "minFreeBytes"], -5, /config.minFreeBytes/],
    [
      ["config", "minFreePercent"],
      101,
      /field "config.minFreePercent" is "101", expected 0 to 100/,
    ],
  ];
  for (const [path, value, pattern] of cases) {
    const problem = problemOf(parseClientMessage(withField(HELLO, path, value)));
    assert.equal(problem.code, "bad_message");
    assert.match(problem.message, pattern);
  }
});

Deno.test("parseClientMessage() checks event details and samples", () => {
  const start = { v: 1, type: "event", seq: 1, atMs: 1, kind: "start", detail: {} };
  assert.match(problemOf(parseClientMessage(JSON.stringify(start))).message, /speedBytesPerSec/);
  const stop = {
    v: 1,
    type: "event",
    seq: 1,
    atMs: 1,
    kind: "stop",
    detail: { reason: "bored", bytesWritten: 1, chunks: 1, rollovers: 0 },
  };
  assert.match(problemOf(parseClientMessage(JSON.stringify(stop))).message, /detail.reason/);
  const unknownKind = { ...start, kind: "gone" };
  assert.match(problemOf(parseClientMessage(JSON.stringify(unknownKind))).message, /"kind"/);
  assert.match(
    problemOf(parseClientMessage(withField(SAMPLE, ["histogram"], "not base64!"))).message,
    /field "histogram" is not base64/,
  );
  assert.match(
    problemOf(parseClientMessage(withField(SAMPLE, ["cpuPercent"], -1))).message,
    /cpuPercent/,
  );
  assert.match(
    problemOf(parseClientMessage(withField(SAMPLE, ["rssBytes"], 1.5))).message,
    /rssBytes/,
  );
});

Deno.test("parseServerMessage() reads welcome, ack and error and rejects the rest", () => {
  const messages: ServerMessage[] = [
    { v: 1, type: "welcome", run: 3, client: "c1", heartbeatMisses: 3 },
    { v: 1, type: "ack", seq: 12 },
    { v: 1, type: "error", code: "too_long", message: "Cannot accept message: too long" },
  ];
  for (const message of messages) {
    assert.deepEqual(parseServerMessage(encodeMessage(message)), message);
  }
  for (
    const line of [
      '{"v":1,"type":"ack","seq":-1}',
      '{"v":1,"type":"error","code":"oops","message":"x"}',
      '{"v":1,"type":"welcome","run":0,"client":"c1","heartbeatMisses":3}',
      '{"v":1,"type":"hello"}',
      '{"v":3,"type":"ack","seq":1}',
      "][",
    ]
  ) {
    problemOf(parseServerMessage(line));
  }
});

Deno.test("parseHeartbeat() reads a heartbeat and enforces its size", () => {
  const heartbeat: HeartbeatMessage = {
    v: 1,
    type: "hb",
    client: "c2",
    seq: 1,
    atMs: 1234,
    state: "measuring",
  };
  assert.deepEqual(parseHeartbeat(encoder.encode(JSON.stringify(heartbeat))), heartbeat);
  const padded = JSON.stringify({ ...heartbeat, pad: "x".repeat(MAX_HEARTBEAT_BYTES) });
  assert.equal(problemOf(parseHeartbeat(padded)).code, "too_long");
  assert.equal(problemOf(parseHeartbeat(new Uint8Array([0xc3, 0x28]))).code, "bad_message");
  assert.equal(
    problemOf(parseHeartbeat(withField(heartbeat, ["state"], "idle"))).code,
    "bad_message",
  );
  assert.equal(problemOf(parseHeartbeat(withField(heartbeat, ["v"], 2))).code, "bad_version");
  assert.equal(
    problemOf(parseHeartbeat(JSON.stringify({ v: 1, type: "bye" }))).code,
    "bad_message",
  );
});

Deno.test("encodeMessage() writes one line and refuses one over the limit", () => {
  const line = encodeMessage(HELLO);
  assert.equal(line.indexOf("\n"), line.length - 1);
  const huge = {
    v: 1,
    type: "event",
    seq: 1,
    atMs: 1,
    kind: "log",
    detail: { message: "é".repeat(40_000) },
  } as const;
  assert.throws(() => encodeMessage(huge), RangeError);
});

Deno.test("LineSplitter.push() joins lines across pushes, including split UTF-8", () => {
  const splitter = new LineSplitter();
  const bytes = encoder.encode('{"m":"héllo"}\n{"n":1}\n');
  const cut = bytes.indexOf(0xc3) + 1; // inside the two bytes of "é"
  assert.deepEqual(splitter.push(bytes.subarray(0, cut)), { lines: [], problem: null });
  assert.equal(splitter.bufferedBytes, cut);
  assert.deepEqual(splitter.push(bytes.subarray(cut)), {
    lines: ['{"m":"héllo"}', '{"n":1}'],
    problem: null,
  });
  assert.equal(splitter.bufferedBytes, 0);
  assert.equal(splitter.end(), null);
});

Deno.test("LineSplitter.push() accepts a line of exactly the limit and refuses one byte more", () => {
  const exact = new LineSplitter();
  const line = "x".repeat(MAX_LINE_BYTES);
  assert.deepEqual(exact.push(encoder.encode(`${line}\n`)).lines, [line]);
  const over = new LineSplitter();
  const result = over.push(encoder.encode(`ok\n${line}x\nlater\n`));
  assert.deepEqual(result.lines, ["ok"]);
  assert.equal(result.problem?.code, "too_long");
  assert.equal(over.closed, true);
  assert.deepEqual(over.push(encoder.encode("more\n")), { lines: [], problem: null });
  assert.equal(over.end(), null);
});

Deno.test("LineSplitter.push() reports too_long once before the newline arrives", () => {
  const splitter = new LineSplitter({ maxLineBytes: 10 });
  assert.deepEqual(splitter.push(encoder.encode("12345")), { lines: [], problem: null });
  assert.equal(splitter.push(encoder.encode("678901")).problem?.code, "too_long");
  assert.equal(splitter.bufferedBytes, 0);
  assert.deepEqual(splitter.push(encoder.encode("\n")), { lines: [], problem: null });
});

Deno.test("LineSplitter.push() refuses invalid UTF-8", () => {
  const splitter = new LineSplitter();
  const result = splitter.push(new Uint8Array([0x61, 0x0a, 0xff, 0xfe, 0x0a, 0x62, 0x0a]));
  assert.deepEqual(result.lines, ["a"]);
  assert.equal(result.problem?.code, "bad_message");
  assert.equal(splitter.closed, true);
});

Deno.test("LineSplitter.end() reports a line cut by the peer", () => {
  const splitter = new LineSplitter();
  splitter.push(encoder.encode('{"v":1,"type":"by'));
  assert.deepEqual(splitter.end(), {
    problem: true,
    code: "bad_message",
    message: "Cannot accept message: connection closed in the middle of a line (17 bytes)",
  });
});

Deno.test("the parsers never throw on random bytes or random JSON", () => {
  fc.assert(
    fc.property(
      fc.array(fc.uint8Array({ maxLength: 200 }), { maxLength: 6 }),
      (chunks) => {
        const splitter = new LineSplitter({ maxLineBytes: 300 });
        for (const chunk of chunks) {
          const { lines, problem } = splitter.push(chunk);
          assert.ok(problem === null || isProtocolProblem(problem));
          for (const line of lines) {
            for (const result of [parseClientMessage(line), parseServerMessage(line)]) {
              assert.ok(isProtocolProblem(result) || result.v === 1);
            }
          }
        }
        const heartbeat = parseHeartbeat(chunks[0] ?? new Uint8Array());
        assert.ok(isProtocolProblem(heartbeat) || heartbeat.type === "hb");
      },
    ),
    { numRuns: 300, seed: 21 },
  );
  fc.assert(
    fc.property(
      fc.oneof(fc.json(), fc.jsonValue().map((value) => JSON.stringify(value))),
      (text) => {
        for (
          const result of [parseClientMessage(text), parseServerMessage(text), parseHeartbeat(text)]
        ) {
          assert.ok(isProtocolProblem(result) || result.v === 1);
        }
      },
    ),
    { numRuns: 500, seed: 22 },
  );
});

Deno.test("the parsers never throw on valid messages with one field changed", () => {
  fc.assert(
    fc.property(
      fc.constantFrom<object>(HELLO, SAMPLE),
      fc.constantFrom("v", "type", "client", "seq", "atMs", "config", "histogram", "pid"),
      fc.jsonValue(),
      (base, key, value) => {
        const result = parseClientMessage(withField(base, [key], value));
        assert.ok(isProtocolProblem(result) || result.v === 1);
      },
    ),
    { numRuns: 500, seed: 23 },
  );
});

const clientIdArb = fc.stringMatching(/^[A-Za-z0-9._:-]{1,128}$/);
const countArb = fc.nat({ max: Number.MAX_SAFE_INTEGER });
const positiveArb = fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER });
const realArb = fc.double({ min: 0, max: 1e12, noNaN: true, noDefaultInfinity: true });
const textArb = fc.string({ unit: "grapheme", maxLength: 40 });
const recordArb = fc.record({ seq: positiveArb, atMs: realArb });

const clientMessageArb: fc.Arbitrary<ClientMessage> = fc.oneof(
  fc.record({
    v: fc.constant(1 as const),
    type: fc.constant("hello" as const),
    client: clientIdArb,
    token: fc.string({ minLength: 0, maxLength: 20 }),
    host: fc.string({ minLength: 1, maxLength: 50 }),
    pid: countArb,
    config: fc.record({
      chunkBytes: positiveArb,
      fileBytes: positiveArb,
      runTimeMs: positiveArb,
      path: textArb.filter((text) => text.length > 0),
      fsync: fc.constantFrom("chunk" as const, "file" as const, "never" as const),
      heartbeatMs: positiveArb,
      statsEveryMs: positiveArb,
      minFreeBytes: fc.option(countArb, { nil: null }),
      minFreePercent: fc.option(fc.double({ min: 0, max: 100, noNaN: true }), { nil: null }),
    }),
  }, { requiredKeys: ["v", "type", "client", "host", "pid", "config"], noNullPrototype: true }),
  fc.tuple(
    recordArb,
    fc.oneof(
      fc.record({
        kind: fc.constant("start" as const),
        detail: fc.record({ speedBytesPerSec: realArb, expectedRollovers: countArb }),
      }),
      fc.record({
        kind: fc.constant("rollover" as const),
        detail: fc.record({
          file: textArb.filter((text) => text.length > 0),
          index: positiveArb,
          bytes: countArb,
          durationMs: realArb,
        }),
      }),
      fc.record({
        kind: fc.constant("stop" as const),
        detail: fc.record({
          reason: fc.constantFrom(
            "done" as const,
            "disk_full" as const,
            "signal" as const,
            "error" as const,
            "server_lost" as const,
          ),
          bytesWritten: countArb,
          chunks: countArb,
          rollovers: countArb,
        }),
      }),
      fc.record({
        kind: fc.constantFrom("error" as const, "log" as const),
        detail: fc.record({ message: textArb }),
      }),
    ),
  ).map(([record, event]) => ({ v: 1 as const, type: "event" as const, ...record, ...event })),
  fc.record({
    v: fc.constant(1 as const),
    type: fc.constant("sample" as const),
    seq: positiveArb,
    atMs: realArb,
    cpuPercent: realArb,
    userMs: realArb,
    sysMs: realArb,
    rssBytes: countArb,
    bytesWritten: countArb,
    chunks: countArb,
    intervalMs: realArb,
    histogram: fc.base64String({ minLength: 4, maxLength: 200 }),
  }),
  recordArb.map((record) => ({ v: 1 as const, type: "bye" as const, ...record })),
);

Deno.test("every valid client message round trips through encodeMessage() and parseClientMessage()", () => {
  fc.assert(
    fc.property(clientMessageArb, (message) => {
      const line = encodeMessage(message);
      const splitter = new LineSplitter();
      const { lines, problem } = splitter.push(encoder.encode(line));
      assert.equal(problem, null);
      assert.equal(lines.length, 1);
      // Compare with the JSON form (fast-check may build null-prototype objects).
      assert.deepEqual(parseClientMessage(lines[0]), JSON.parse(line));
    }),
    { numRuns: 500, seed: 24 },
  );
});

Deno.test("every valid heartbeat round trips through encodeMessage() and parseHeartbeat()", () => {
  fc.assert(
    fc.property(
      clientIdArb,
      positiveArb,
      realArb,
      fc.constantFrom("measuring" as const, "writing" as const, "stopping" as const),
      (client, seq, atMs, state) => {
        const heartbeat: HeartbeatMessage = { v: 1, type: "hb", client, seq, atMs, state };
        assert.deepEqual(parseHeartbeat(encoder.encode(encodeMessage(heartbeat))), heartbeat);
      },
    ),
    { numRuns: 300, seed: 25 },
  );
});

Deno.test("parseHelloMessage() reads a hello and calls any other first message not_hello", () => {
  assert.deepEqual(parseHelloMessage(JSON.stringify(HELLO)), HELLO);
  // The type is checked before the fields: a record first is not_hello even when incomplete.
  for (
    const line of [
      '{"v":1,"type":"event"}',
      '{"v":1,"type":"event","seq":1,"atMs":1,"kind":"log","detail":{"message":"x"}}',
      '{"v":1,"type":"bye","seq":1,"atMs":1}',
      JSON.stringify(SAMPLE),
      '{"v":1,"type":"welcome"}',
    ]
  ) {
    assert.equal(problemOf(parseHelloMessage(line)).code, "not_hello", line);
  }
  assert.equal(problemOf(parseHelloMessage("{not json")).code, "bad_message");
  assert.equal(problemOf(parseHelloMessage('{"v":2,"type":"event"}')).code, "bad_version");
  assert.equal(problemOf(parseHelloMessage('{"v":1,"type":"hello"}')).code, "bad_message");
});
