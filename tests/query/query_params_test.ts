import assert from "node:assert/strict";
import fc from "fast-check";
import {
  type QueryParamsItem,
  QueryParamsReader,
  type QueryParamsRow,
} from "../../lib/query/query_params.ts";

const FC_SEED = 20170101;
const FC_RUNS = 300;
const DATA_FILE = new URL("../testdata/timescale/query_params.csv", import.meta.url);
const EXPECTED = "expected hostname,start_time,end_time";
const TIME_FORMS = "YYYY-MM-DD HH:MM:SS (UTC) or ISO 8601 YYYY-MM-DDTHH:MM:SS[.fff][Z|±hh:mm]";
const T0 = Date.UTC(2017, 0, 1, 0, 0, 0);
const HOUR_MS = 3_600_000;

function readAll(chunks: string[]): QueryParamsItem[] {
  const reader = new QueryParamsReader();
  const items: QueryParamsItem[] = [];
  for (const chunk of chunks) items.push(...reader.push(chunk));
  items.push(...reader.end());
  return items;
}

function readOne(text: string): QueryParamsItem {
  const items = readAll([text]);
  assert.equal(items.length, 1, `expected one item from ${JSON.stringify(text)}`);
  return items[0];
}

function problemOf(text: string): string {
  const item = readOne(text);
  assert.equal(item.kind, "bad", `expected ${JSON.stringify(text)} to be bad`);
  return item.problem;
}

function rowOf(text: string): QueryParamsRow {
  const item = readOne(text);
  assert.equal(item.kind, "row", item.kind === "bad" ? item.problem : "");
  return item;
}

Deno.test("QueryParamsReader reports every kind of bad row with its line and content", async (t) => {
  const cases: [name: string, line: string, problem: string][] = [
    ["two columns", "host_1,2017-01-01 00:00:00", `has 2 columns, ${EXPECTED}`],
    ["one column", "host_1", `has 1 column, ${EXPECTED}`],
    ["four columns", "h,2017-01-01 00:00:00,2017-01-01 01:00:00,x", `has 4 columns, ${EXPECTED}`],
    [
      "a trailing comma",
      "h,2017-01-01 00:00:00,2017-01-01 01:00:00,",
      `has 4 columns, ${EXPECTED}`,
    ],
    [
      "an empty host",
      ",2017-01-01 00:00:00,2017-01-01 01:00:00",
      "has an empty hostname, expected a host name",
    ],
    [
      "a blank host",
      "  ,2017-01-01 00:00:00,2017-01-01 01:00:00",
      "has an empty hostname, expected a host name",
    ],
    [
      "an unparsable start",
      "h,yesterday,2017-01-01 01:00:00",
      `has start_time "yesterday", expected ${TIME_FORMS}`,
    ],
    [
      "an unparsable end",
      "h,2017-01-01 00:00:00,2017/01/01 01:00:00",
      `has end_time "2017/01/01 01:00:00", expected ${TIME_FORMS}`,
    ],
    [
      "an empty start",
      "h,,2017-01-01 01:00:00",
      `has start_time "", expected ${TIME_FORMS}`,
    ],
    [
      "February 30",
      "h,2017-02-30 00:00:00,2017-03-01 01:00:00",
      `has start_time "2017-02-30 00:00:00", expected ${TIME_FORMS}`,
    ],
    [
      "February 29 of a common year",
      "h,2017-02-28 23:00:00,2017-02-29 00:00:00",
      `has end_time "2017-02-29 00:00:00", expected ${TIME_FORMS}`,
    ],
    [
      "month 13",
      "h,2017-13-01 00:00:00,2018-01-01 01:00:00",
      `has start_time "2017-13-01 00:00:00", expected ${TIME_FORMS}`,
    ],
    [
      "April 31",
      "h,2017-04-31 00:00:00,2017-05-01 01:00:00",
      `has start_time "2017-04-31 00:00:00", expected ${TIME_FORMS}`,
    ],
    [
      "hour 24",
      "h,2017-01-01 24:00:00,2017-01-02 01:00:00",
      `has start_time "2017-01-01 24:00:00", expected ${TIME_FORMS}`,
    ],
    [
      "minute 60",
      "h,2017-01-01 00:60:00,2017-01-02 01:00:00",
      `has start_time "2017-01-01 00:60:00", expected ${TIME_FORMS}`,
    ],
    [
      "a leap second",
      "h,2016-12-31 23:59:60,2017-01-02 01:00:00",
      `has start_time "2016-12-31 23:59:60", expected ${TIME_FORMS}`,
    ],
    [
      "a date without a time",
      "h,2017-01-01,2017-01-02",
      `has start_time "2017-01-01", expected ${TIME_FORMS}`,
    ],
    [
      "microseconds",
      "h,2017-01-01 00:00:00.123456,2017-01-02 00:00:00",
      `has start_time "2017-01-01 00:00:00.123456", expected ${TIME_FORMS}`,
    ],
    [
      "an offset of 24 hours",
      "h,2017-01-01T00:00:00+24:00,2017-01-02 00:00:00",
      `has start_time "2017-01-01T00:00:00+24:00", expected ${TIME_FORMS}`,
    ],
    [
      "end before start",
      "h,2017-01-01 01:00:00,2017-01-01 00:00:00",
      'has end_time "2017-01-01 00:00:00" not after start_time "2017-01-01 01:00:00", ' +
      "expected an end after the start",
    ],
    [
      "end equal to start",
      "h,2017-01-01 01:00:00,2017-01-01 01:00:00",
      'has end_time "2017-01-01 01:00:00" not after start_time "2017-01-01 01:00:00", ' +
      "expected an end after the start",
    ],
    [
      "end equal to start in another zone",
      "h,2017-01-01T01:00:00+01:00,2017-01-01 00:00:00",
      'has end_time "2017-01-01 00:00:00" not after start_time "2017-01-01T01:00:00+01:00", ' +
      "expected an end after the start",
    ],
    [
      "a quote inside an unquoted field",
      'ho"st,2017-01-01 00:00:00,2017-01-01 01:00:00',
      "has a quote inside an unquoted field",
    ],
    [
      "text after a closing quote",
      '"host"x,2017-01-01 00:00:00,2017-01-01 01:00:00',
      "has text after the closing quote of a field",
    ],
    [
      "a quote that is never closed",
      '"host,2017-01-01 00:00:00,2017-01-01 01:00:00',
      "has a quoted field that is never closed",
    ],
    [
      "a quoted empty line",
      '""',
      `has 1 column, ${EXPECTED}`,
    ],
  ];
  for (const [name, line, problem] of cases) {
    await t.step(name, () => {
      const items = readAll([`hostname,start_time,end_time\n\n${line}\n`]);
      assert.deepEqual(items, [
        { kind: "bad", line: 3, text: line, problem: `line 3: ${JSON.stringify(line)} ${problem}` },
      ]);
    });
  }
});

Deno.test("QueryParamsReader words a bad row as the brief's one-line example", () => {
  const items = readAll([
    "hostname,start_time,end_time\n",
    "\n".repeat(5),
    "host_1,2017-01-01 00:00:00\n",
  ]);
  assert.equal(
    items[0].kind === "bad" && items[0].problem,
    'line 7: "host_1,2017-01-01 00:00:00" has 2 columns, expected hostname,start_time,end_time',
  );
});

Deno.test("QueryParamsReader escapes line breaks of a quoted field in the problem", () => {
  const problem = problemOf('"a\nb",2017-01-01 00:00:00\n');
  assert.equal(problem, `line 1: "\\"a\\nb\\",2017-01-01 00:00:00" has 2 columns, ${EXPECTED}`);
  assert.ok(!problem.includes("\n"));
});

Deno.test("QueryParamsReader accepts every documented timestamp form", async (t) => {
  const end = "2017-01-02 00:00:00";
  const cases: [string, number][] = [
    ["2017-01-01 00:23:38", T0 + 23 * 60_000 + 38_000],
    ["2017-01-01T00:23:38", T0 + 23 * 60_000 + 38_000],
    ["2017-01-01t00:23:38z", T0 + 23 * 60_000 + 38_000],
    ["2017-01-01T00:23:38Z", T0 + 23 * 60_000 + 38_000],
    ["2017-01-01T00:23:38.5Z", T0 + 23 * 60_000 + 38_500],
    ["2017-01-01T00:23:38.123Z", T0 + 23 * 60_000 + 38_123],
    ["2017-01-01T02:23:38+02:00", T0 + 23 * 60_000 + 38_000],
    ["2016-12-31T18:53:38-05:30", T0 + 23 * 60_000 + 38_000],
    ["2016-12-31T18:53:38-0530", T0 + 23 * 60_000 + 38_000],
    ["2017-01-01 05:23:38+05", T0 + 23 * 60_000 + 38_000],
    ["  2017-01-01 00:23:38 ", T0 + 23 * 60_000 + 38_000],
    ["2016-02-29 00:00:00", Date.UTC(2016, 1, 29)],
    ["2000-02-29 00:00:00", Date.UTC(2000, 1, 29)],
    ["0099-06-01 00:00:00", new Date("0099-06-01T00:00:00Z").getTime()],
  ];
  for (const [text, expectedMs] of cases) {
    await t.step(text, () => {
      const row = rowOf(`h,${text},${end}`);
      assert.equal(row.startMs, expectedMs);
      assert.equal(row.endMs, Date.UTC(2017, 0, 2));
    });
  }
  await t.step("1900-02-29 is not a date", () => {
    assert.match(problemOf(`h,1900-02-29 00:00:00,${end}`), /has start_time "1900-02-29/);
  });
});

Deno.test("QueryParamsReader reads RFC 4180 quoting, CRLF, lone CR, a BOM and blank lines", () => {
  const text = "\ufeffHostName, Start_Time ,END_TIME\r\n" +
    "\r\n" +
    '"host,""1""",2017-01-01 00:00:00,"2017-01-01 01:00:00"\r\n' +
    "   \n" +
    '"multi\r\nline",2017-01-01 00:00:00,2017-01-01 01:00:00\r' +
    " host_2 ,2017-01-01 00:00:00,2017-01-01 01:00:00";
  assert.deepEqual(readAll([text]), [
    {
      kind: "row",
      line: 3,
      host: 'host,"1"',
      startMs: T0,
      endMs: T0 + HOUR_MS,
      text: '"host,""1""",2017-01-01 00:00:00,"2017-01-01 01:00:00"',
    },
    {
      kind: "row",
      line: 5,
      host: "multi\r\nline",
      startMs: T0,
      endMs: T0 + HOUR_MS,
      text: '"multi\r\nline",2017-01-01 00:00:00,2017-01-01 01:00:00',
    },
    {
      kind: "row",
      line: 7,
      host: " host_2 ",
      startMs: T0,
      endMs: T0 + HOUR_MS,
      text: " host_2 ,2017-01-01 00:00:00,2017-01-01 01:00:00",
    },
  ]);
});

Deno.test("QueryParamsReader skips the header only on the first line", () => {
  const items = readAll([
    "h,2017-01-01 00:00:00,2017-01-01 01:00:00\nhostname,start_time,end_time\n",
  ]);
  assert.equal(items.length, 2);
  assert.equal(items[0].kind, "row");
  assert.deepEqual(
    items[1].kind === "bad" && [items[1].line, items[1].problem],
    [
      2,
      `line 2: "hostname,start_time,end_time" has start_time "start_time", expected ${TIME_FORMS}`,
    ],
  );
});

Deno.test("QueryParamsReader returns each row as soon as its line ends", () => {
  const reader = new QueryParamsReader();
  assert.deepEqual(reader.push("hostname,start_time,end_time\nh,2017-01-01 00:00:00,"), []);
  assert.deepEqual(reader.push("2017-01-01 01:00:00"), []);
  const [row] = reader.push("\r");
  assert.equal(row.kind, "row");
  assert.deepEqual(reader.push("\n"), []);
  assert.deepEqual(reader.end(), []);
});

Deno.test("QueryParamsReader refuses push() after end() and a second end()", () => {
  const reader = new QueryParamsReader();
  reader.end();
  assert.throws(() => reader.push("x"), /Cannot push text: the reader has ended/);
  assert.throws(() => reader.end(), /Cannot end reader: it has already ended/);
});

Deno.test("QueryParamsReader gives the same items wherever the chunks split a sample", () => {
  const sample = "\ufeffhostname,start_time,end_time\r\n" +
    "host_000008,2017-01-01 08:59:22,2017-01-01 09:59:22\r\n" +
    "\r\n" +
    '"host,""q""",2017-01-01T00:00:00Z,"2017-01-01 01:00:00"\n' +
    '"two\r\nlines",2017-01-01 00:00:00,2017-01-01 01:00:00\r' +
    "host_1,2017-01-01 00:00:00\n" +
    'ho"st,2017-01-01 00:00:00,2017-01-01 01:00:00\r\n' +
    '"a"b,x,y\n' +
    "host_2,2017-02-30 00:00:00,2017-01-01 01:00:00\r\n" +
    "host_3,2017-01-01 00:00:00,2017-01-01 01:00:00";
  const whole = readAll([sample]);
  assert.equal(whole.length, 8);
  assert.deepEqual(whole.map((item) => [item.kind, item.line]), [
    ["row", 2],
    ["row", 4],
    ["row", 5],
    ["bad", 7],
    ["bad", 8],
    ["bad", 9],
    ["bad", 10],
    ["row", 11],
  ]);
  for (let cut = 0; cut <= sample.length; cut++) {
    assert.deepEqual(readAll([sample.slice(0, cut), sample.slice(cut)]), whole, `cut at ${cut}`);
  }
  for (let cut = 0; cut + 3 <= sample.length; cut++) {
    const chunks = [sample.slice(0, cut), sample.slice(cut, cut + 3), sample.slice(cut + 3)];
    assert.deepEqual(readAll(chunks), whole, `3-char chunk at ${cut}`);
  }
  assert.deepEqual(readAll([...sample]), whole, "one character per chunk");
});

const fieldArbitrary = fc.string({
  unit: fc.constantFrom("a", "_", "1", " ", ",", '"', "\n", "\r"),
});

Deno.test("QueryParamsReader reads back any written rows in any chunking (property)", () => {
  const rowArbitrary = fc.record({
    host: fieldArbitrary.filter((host) => host.trim() !== ""),
    startMs: fc.integer({ min: Date.UTC(1970, 0, 1), max: Date.UTC(2100, 0, 1) }),
    durationMs: fc.integer({ min: 1, max: 7 * 24 * HOUR_MS }),
    iso: fc.boolean(),
    quoteAll: fc.boolean(),
  });
  const property = fc.property(
    fc.array(rowArbitrary, { maxLength: 8 }),
    fc.constantFrom("\n", "\r\n", "\r"),
    fc.boolean(),
    fc.array(fc.nat(), { maxLength: 6 }),
    (rows, eol, header, cuts) => {
      function time(ms: number, iso: boolean): string {
        const text = new Date(ms).toISOString();
        return iso ? text : text.slice(0, 19).replace("T", " ") + "." + text.slice(20, 23);
      }
      function field(value: string, quoteAll: boolean): string {
        return quoteAll || /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
      }
      const lines = rows.map((row) =>
        [
          field(row.host, row.quoteAll),
          field(time(row.startMs, row.iso), row.quoteAll),
          field(time(row.startMs + row.durationMs, row.iso), false),
        ].join(",")
      );
      if (header) lines.unshift("hostname,start_time,end_time");
      const text = lines.join(eol);
      const offsets = cuts.map((cut) => cut % (text.length + 1)).sort((a, b) => a - b);
      const chunks: string[] = [];
      let from = 0;
      for (const offset of offsets) {
        chunks.push(text.slice(from, offset));
        from = offset;
      }
      chunks.push(text.slice(from));
      const items = readAll(chunks);
      assert.deepEqual(
        items.map((item) => item.kind === "row" ? [item.host, item.startMs, item.endMs] : item),
        rows.map((row) => [row.host, row.startMs, row.startMs + row.durationMs]),
      );
    },
  );
  fc.assert(property, { numRuns: FC_RUNS, seed: FC_SEED });
});

Deno.test("QueryParamsReader never throws and accounts for every line (property)", () => {
  const textArbitrary = fc.string({
    unit: fc.constantFrom("h", ",", '"', "\n", "\r", " ", "2017-01-01 00:00:00", "\ufeff"),
    maxLength: 40,
  });
  fc.assert(
    fc.property(textArbitrary, fc.nat(), (text, cut) => {
      const at = cut % (text.length + 1);
      const items = readAll([text.slice(0, at), text.slice(at)]);
      assert.deepEqual(items, readAll([text]));
      const lines = text.split(/\r\n|\r|\n/).length;
      let previous = 0;
      for (const item of items) {
        assert.ok(item.line > previous && item.line <= lines, `line ${item.line} of ${lines}`);
        previous = item.line;
        if (item.kind === "bad") {
          assert.ok(item.problem.startsWith(`line ${item.line}: `));
          assert.ok(!/[\r\n]/.test(item.problem));
        }
      }
    }),
    { numRuns: FC_RUNS, seed: FC_SEED },
  );
});

Deno.test("QueryParamsReader reads the assignment's query_params.csv as the data README says", async () => {
  const bytes = await Deno.readFile(DATA_FILE);
  // Stream it as a decoder would: 512-byte chunks.
  const decoder = new TextDecoder();
  const reader = new QueryParamsReader();
  const items: QueryParamsItem[] = [];
  for (let offset = 0; offset < bytes.length; offset += 512) {
    items.push(
      ...reader.push(decoder.decode(bytes.subarray(offset, offset + 512), { stream: true })),
    );
  }
  items.push(...reader.push(decoder.decode()), ...reader.end());
  const rows = items.filter((item) => item.kind === "row");
  assert.equal(items.length, 200);
  assert.equal(rows.length, 200);
  assert.deepEqual(rows.map((row) => row.line), Array.from({ length: 200 }, (_, i) => i + 2));
  const perHost = new Map<string, number>();
  for (const row of rows) perHost.set(row.host, (perHost.get(row.host) ?? 0) + 1);
  assert.deepEqual(Object.fromEntries([...perHost].sort()), {
    host_000000: 17,
    host_000001: 22,
    host_000002: 17,
    host_000003: 25,
    host_000004: 18,
    host_000005: 23,
    host_000006: 27,
    host_000007: 19,
    host_000008: 17,
    host_000009: 15,
  });
  assert.ok(rows.every((row) => row.endMs - row.startMs === HOUR_MS));
  assert.equal(Math.min(...rows.map((row) => row.startMs)), Date.UTC(2017, 0, 1, 0, 23, 38));
  assert.equal(Math.max(...rows.map((row) => row.endMs)), Date.UTC(2017, 0, 2, 23, 48, 52));
  assert.equal(rows.filter((row) => row.startMs % 60_000 === 0).length, 5);
  assert.deepEqual(rows[0], {
    kind: "row",
    line: 2,
    host: "host_000008",
    startMs: Date.UTC(2017, 0, 1, 8, 59, 22),
    endMs: Date.UTC(2017, 0, 1, 9, 59, 22),
    text: "host_000008,2017-01-01 08:59:22,2017-01-01 09:59:22",
  });
});

Deno.test("QueryParamsReader quotes at most 200 characters of a bad row", () => {
  const host = "h".repeat(300);
  const item = readOne(`"${host},2017-01-01 00:00:00\n\nmore\n`);
  assert.equal(item.kind, "bad");
  assert.equal(item.text, `"${host},2017-01-01 00:00:00\n\nmore`);
  assert.equal(
    item.kind === "bad" && item.problem,
    `line 1: "\\"${"h".repeat(199)}..." has a quoted field that is never closed`,
  );
});

Deno.test("QueryParamsReader makes an over-long record one bad row and keeps only its start", () => {
  // A binary file, or a quote never closed in a big file: the record must not grow without end.
  const good = "host_1,2017-01-01 00:00:00,2017-01-01 01:00:00";
  for (const start of ["", 'h,"2017-01-01 00:00:00,']) {
    const reader = new QueryParamsReader();
    const items = [...reader.push(`${good}\n${start}`)];
    for (let i = 0; i < 8; i++) items.push(...reader.push("x".repeat(65_536)));
    items.push(...reader.push(`\n${good}\n`), ...reader.end());
    assert.deepEqual(items.map((item) => [item.kind, item.line]), [
      ["row", 1],
      ["bad", 2],
      ["row", 3],
    ]);
    const bad = items[1];
    assert.ok(bad.kind === "bad");
    assert.ok(bad.text.length <= 65_536, `${bad.text.length} characters kept`);
    assert.match(bad.problem, /^line 2: ".+\.\.\." is longer than 65536 characters, expected/);
    assert.ok(bad.problem.length < 400, bad.problem);
  }
});
