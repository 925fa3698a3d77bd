import assert from "node:assert/strict";
import fc from "fast-check";
import {
  checkCpuUsageLine,
  cpuUsageHost,
  cpuUsageRowCount,
  cpuUsageSchema,
  generateCpuUsage,
} from "../../lib/query/cpu_usage.ts";

const FC_SEED = 20170101;

Deno.test("cpuUsageSchema() gives the plain table its (ts DESC) index after loading", () => {
  assert.deepEqual(cpuUsageSchema(), {
    create: ["CREATE TABLE cpu_usage (ts TIMESTAMPTZ, host TEXT, usage DOUBLE PRECISION)"],
    index: ["CREATE INDEX cpu_usage_ts_idx ON cpu_usage (ts DESC)"],
    indexes: ["(ts DESC)"],
  });
});

Deno.test("cpuUsageSchema() makes a hypertable on TimescaleDB, which indexes (ts DESC) itself", () => {
  assert.deepEqual(cpuUsageSchema({ timescale: true }), {
    create: [
      "CREATE TABLE cpu_usage (ts TIMESTAMPTZ, host TEXT, usage DOUBLE PRECISION)",
      "SELECT create_hypertable('cpu_usage', 'ts')",
    ],
    index: [],
    indexes: ["(ts DESC)"],
  });
});

Deno.test("cpuUsageSchema() adds the (host, ts DESC) index only when asked", () => {
  const host = "CREATE INDEX cpu_usage_host_ts_idx ON cpu_usage (host, ts DESC)";
  assert.deepEqual(cpuUsageSchema({ timescale: true, hostIndex: true }).index, [host]);
  assert.deepEqual(cpuUsageSchema({ hostIndex: true }).index.at(-1), host);
  assert.deepEqual(cpuUsageSchema({ hostIndex: true }).indexes, ["(ts DESC)", "(host, ts DESC)"]);
});

Deno.test("generateCpuUsage(20, 2) has the shape of the assignment's cpu_usage.csv", () => {
  const lines = [...generateCpuUsage(20, 2)];
  assert.equal(lines.length, 345_600);
  assert.match(lines[0], /^2017-01-01 00:00:00,host_000000,\d{1,3}\.\d\d$/);
  assert.match(lines[19], /^2017-01-01 00:00:00,host_000019,/);
  assert.match(lines[20], /^2017-01-01 00:00:10,host_000000,/);
  assert.match(lines.at(-1)!, /^2017-01-02 23:59:50,host_000019,/);
  let sum = 0;
  let previous = "";
  const perHost = new Map<string, number>();
  for (const line of lines) {
    const [ts, host, usage] = line.split(",");
    assert.ok(`${ts},${host}` > previous, `not sorted by (ts, host) at ${line}`);
    previous = `${ts},${host}`;
    perHost.set(host, (perHost.get(host) ?? 0) + 1);
    const value = Number(usage);
    assert.ok(value >= 0 && value <= 100 && /^\d+\.\d\d$/.test(usage), line);
    sum += value;
  }
  assert.deepEqual([...perHost.values()], new Array(20).fill(17_280));
  // Uniform 0..100: mean 50 with a standard error of ~0.05.
  assert.ok(Math.abs(sum / lines.length - 50) < 0.3, `mean ${sum / lines.length}`);
});

Deno.test("generateCpuUsage() honours startIso and stepSec", () => {
  const lines = [...generateCpuUsage(1, 1 / 24, { startIso: "2020-02-29T23:30:00Z", stepSec: 60 })];
  assert.equal(lines.length, 60);
  assert.match(lines[0], /^2020-02-29 23:30:00,host_000000,/);
  assert.match(lines[30], /^2020-03-01 00:00:00,host_000000,/);
  assert.match(lines[59], /^2020-03-01 00:29:00,host_000000,/);
});

Deno.test("generateCpuUsage() gives the same lines for the same seed and others for another", () => {
  const a = [...generateCpuUsage(3, 0.01, { seed: 5 })];
  assert.deepEqual([...generateCpuUsage(3, 0.01, { seed: 5 })], a);
  const b = [...generateCpuUsage(3, 0.01, { seed: 6 })];
  assert.equal(b.length, a.length);
  assert.ok(b.filter((line, i) => line !== a[i]).length > a.length * 0.9);
});

Deno.test("generateCpuUsage() rejects invalid arguments", () => {
  const cases: [number, number, Parameters<typeof generateCpuUsage>[2], RegExp][] = [
    [0, 1, {}, /hosts "0" is invalid/],
    [1.5, 1, {}, /hosts "1.5" is invalid/],
    [1, 0, {}, /days "0" is invalid/],
    [1, Infinity, {}, /days "Infinity" is invalid/],
    [1, 1, { stepSec: 0 }, /stepSec "0" is invalid/],
    [1, 1, { startIso: "yesterday" }, /startIso "yesterday" is invalid/],
  ];
  for (const [hosts, days, options, pattern] of cases) {
    assert.throws(() => generateCpuUsage(hosts, days, options).next(), (error: unknown) => {
      assert.ok(error instanceof RangeError);
      assert.match(error.message, pattern);
      return true;
    });
  }
});

Deno.test("cpuUsageHost() pads to six digits", () => {
  assert.deepEqual([0, 7, 123456].map(cpuUsageHost), [
    "host_000000",
    "host_000007",
    "host_123456",
  ]);
});

Deno.test("checkCpuUsageLine() accepts good lines and names what is wrong with bad ones", async (t) => {
  const cases: [string, string | null][] = [
    ["2017-01-01 00:00:00,host_000000,92.77", null],
    ["2017-01-01T00:00:00,host_000000,0", null],
    ["2017-01-01 00:00:00.5+00,host_000000,1e2", null],
    ["2017-01-01 00:00:00-05:30,h,-1", null],
    ['"2017-01-01 00:00:00","host_000000","1.5"', null],
    ['2017-01-01 00:00:00,"a ""b""",1', null],
    ['"2017-01-01 00:00:00",h,"x"', 'its usage "x" is invalid, expected a number'],
    ['2017-01-01 00:00:00,"",1', "its host is empty, expected a host name"],
    ["2017-01-01 00:00:00,host_000000", "it has 2 fields, expected 3"],
    ["", "it has 1 field, expected 3"],
    ["2017-01-01 00:00:00,host_000000,1,2", "it has 4 fields, expected 3"],
    [
      "2017-02-30 00:00:00,host_000000,1",
      'its timestamp "2017-02-30 00:00:00" is invalid, expected YYYY-MM-DD HH:MM:SS',
    ],
    [
      "2017-01-01 24:00:01,host_000000,1",
      'its timestamp "2017-01-01 24:00:01" is invalid, expected YYYY-MM-DD HH:MM:SS',
    ],
    [
      "yesterday,host_000000,1",
      'its timestamp "yesterday" is invalid, expected YYYY-MM-DD HH:MM:SS',
    ],
    ["2017-01-01 00:00:00, ,1", "its host is empty, expected a host name"],
    ["2017-01-01 00:00:00,h,", 'its usage "" is invalid, expected a number'],
    ["2017-01-01 00:00:00,h,abc", 'its usage "abc" is invalid, expected a number'],
    ["2017-01-01 00:00:00,h,1e999", 'its usage "1e999" is invalid, expected a number'],
  ];
  for (const [line, expected] of cases) {
    await t.step(JSON.stringify(line), () => assert.equal(checkCpuUsageLine(line), expected));
  }
});

Deno.test("generateCpuUsage() property: row count as computed, every line passes the check", () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 30 }),
      fc.double({ min: 0.0005, max: 0.02, noNaN: true }),
      fc.integer({ min: 1, max: 600 }),
      fc.integer(),
      (hosts, days, stepSec, seed) => {
        const lines = [...generateCpuUsage(hosts, days, { stepSec, seed })];
        assert.equal(lines.length, cpuUsageRowCount(hosts, days, { stepSec }));
        for (const line of lines) assert.equal(checkCpuUsageLine(line), null, line);
      },
    ),
    { numRuns: 100, seed: FC_SEED },
  );
});
