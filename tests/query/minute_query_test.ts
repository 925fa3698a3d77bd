import assert from "node:assert/strict";
import fc from "fast-check";
import {
  type CpuUsageReading,
  minuteAggregates,
  minuteQuerySql,
} from "../../lib/query/minute_query.ts";
import { QueryParamsReader, type QueryParamsRow } from "../../lib/query/query_params.ts";

const FC_SEED = 60_000;
const DATA_FILE = new URL("../testdata/timescale/query_params.csv", import.meta.url);
const T0 = Date.UTC(2017, 0, 1, 0, 0, 0);
const MINUTE_MS = 60_000;

Deno.test("minuteQuerySql() gives the TimescaleDB and PostgreSQL statements", async (t) => {
  await t.assertSnapshot(minuteQuerySql("timescaledb"));
  await t.assertSnapshot(minuteQuerySql("postgres"));
});

Deno.test("minuteQuerySql() differs between flavors only in the bucket function", () => {
  assert.equal(
    minuteQuerySql("timescaledb").replace("time_bucket(", "date_bin("),
    minuteQuerySql("postgres"),
  );
});

Deno.test("minuteQuerySql() takes other placeholders and table", () => {
  const sql = minuteQuerySql("postgres", {
    params: [":host", ":start_time", ":end_time"],
    table: "metrics.cpu",
  });
  assert.match(sql, /\nFROM metrics\.cpu\n/);
  assert.match(
    sql,
    /WHERE host = :host::text AND ts >= :start_time::timestamptz AND ts < :end_time::timestamptz/,
  );
  assert.ok(!sql.includes("$"));
});

/** Readings every 10 s of one host, usage = a function of the time, plus a decoy host. */
function readings(fromMs: number, toMs: number): CpuUsageReading[] {
  const rows: CpuUsageReading[] = [];
  for (let tsMs = fromMs; tsMs < toMs; tsMs += 10_000) {
    const usage = ((tsMs / 10_000) * 37) % 101;
    rows.push({ tsMs, host: "h", usage }, { tsMs, host: "decoy", usage: 1000 });
  }
  return rows;
}

Deno.test("minuteAggregates() gives partial first and last clock minutes of an unaligned window", () => {
  // Window 00:00:25 .. 00:02:15 (end exclusive); readings at 00:00:00, :10, :20, ...
  const data: CpuUsageReading[] = [
    { tsMs: T0 + 20_000, host: "h", usage: 99 }, // before the start
    { tsMs: T0 + 25_000, host: "h", usage: 40 }, // at the start: included
    { tsMs: T0 + 50_000, host: "h", usage: 45 },
    { tsMs: T0 + 60_000, host: "h", usage: 10 },
    { tsMs: T0 + 60_000, host: "other", usage: 0 },
    { tsMs: T0 + 119_999, host: "h", usage: 90 },
    { tsMs: T0 + 120_000, host: "h", usage: 20 },
    { tsMs: T0 + 135_000, host: "h", usage: 0 }, // at the end: excluded
  ];
  // Out of order on purpose: the reference does not rely on the input order.
  data.reverse();
  assert.deepEqual(
    minuteAggregates(data, { host: "h", startMs: T0 + 25_000, endMs: T0 + 135_000 }),
    [
      { bucketMs: T0, max: 45, min: 40 },
      { bucketMs: T0 + 60_000, max: 90, min: 10 },
      { bucketMs: T0 + 120_000, max: 20, min: 20 },
    ],
  );
});

Deno.test("minuteAggregates() leaves out minutes without readings and other hosts", () => {
  const data = [
    { tsMs: T0 + 5 * MINUTE_MS, host: "h", usage: 3 },
    { tsMs: T0 + 1 * MINUTE_MS, host: "h", usage: -1 },
    { tsMs: T0 + 3 * MINUTE_MS, host: "H", usage: 7 },
  ];
  assert.deepEqual(minuteAggregates(data, { host: "h", startMs: T0, endMs: T0 + 10 * MINUTE_MS }), [
    { bucketMs: T0 + MINUTE_MS, max: -1, min: -1 },
    { bucketMs: T0 + 5 * MINUTE_MS, max: 3, min: 3 },
  ]);
  assert.deepEqual(minuteAggregates(data, { host: "x", startMs: T0, endMs: T0 + MINUTE_MS }), []);
});

Deno.test("minuteAggregates() buckets times before 1970 and 2000 by clock minute", () => {
  const beforeEpoch = Date.UTC(1969, 11, 31, 23, 59, 30);
  assert.deepEqual(
    minuteAggregates([{ tsMs: beforeEpoch, host: "h", usage: 1 }], {
      host: "h",
      startMs: beforeEpoch,
      endMs: beforeEpoch + 1,
    }),
    [{ bucketMs: Date.UTC(1969, 11, 31, 23, 59), max: 1, min: 1 }],
  );
});

Deno.test("minuteAggregates() matches a brute-force per-minute scan (property)", () => {
  const data = readings(T0, T0 + 3 * 3_600_000);
  fc.assert(
    fc.property(
      fc.integer({ min: T0 - 600_000, max: T0 + 3 * 3_600_000 }),
      fc.integer({ min: 1, max: 3_600_000 }),
      (startMs, durationMs) => {
        const endMs = startMs + durationMs;
        const expected: { bucketMs: number; max: number; min: number }[] = [];
        for (
          let minuteMs = startMs - (startMs % MINUTE_MS);
          minuteMs < endMs;
          minuteMs += MINUTE_MS
        ) {
          const usages = data
            .filter((r) => r.host === "h" && r.tsMs >= Math.max(minuteMs, startMs))
            .filter((r) => r.tsMs < Math.min(minuteMs + MINUTE_MS, endMs))
            .map((r) => r.usage);
          if (usages.length > 0) {
            expected.push({
              bucketMs: minuteMs,
              max: Math.max(...usages),
              min: Math.min(...usages),
            });
          }
        }
        assert.deepEqual(minuteAggregates(data, { host: "h", startMs, endMs }), expected);
      },
    ),
    { numRuns: 100, seed: FC_SEED },
  );
});

Deno.test("minuteAggregates() gives the README's 12,167 rows for the assignment's 200 windows", async () => {
  const reader = new QueryParamsReader();
  const text = await Deno.readTextFile(DATA_FILE);
  const rows = [...reader.push(text), ...reader.end()].filter((item): item is QueryParamsRow =>
    item.kind === "row"
  );
  assert.equal(rows.length, 200);
  // Same shape as the real data: every host, one reading every 10 s over 2017-01-01..02.
  const series = readings(T0, T0 + 48 * 3_600_000).filter((r) => r.host === "h");
  let total = 0;
  let sixtyOne = 0;
  for (const row of rows) {
    const count = minuteAggregates(series, { host: "h", startMs: row.startMs, endMs: row.endMs })
      .length;
    assert.ok(count === 60 || count === 61, `line ${row.line}: ${count} buckets`);
    if (count === 61) sixtyOne++;
    total += count;
  }
  assert.equal(total, 12_167);
  assert.equal(sixtyOne, 167);
});
