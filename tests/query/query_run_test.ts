import assert from "node:assert/strict";
import postgres from "postgres";
import { main } from "../../main.ts";
import { BufferedIo } from "../../lib/cli/command_io.ts";
import { queryRunCommand } from "../../lib/query/query_run.ts";
import { readHdrLog } from "../../lib/report/read_hdr_log.ts";
import { CheckFailedError, InterruptedError, UsageError } from "../../lib/errors.ts";
import { cpuUsageHost, generateCpuUsage } from "../../lib/query/cpu_usage.ts";
import { type CpuUsageReading, minuteAggregates } from "../../lib/query/minute_query.ts";
import { Prng } from "../../lib/core/prng.ts";
import { type Answer, iso, readAnswers } from "./_query_answers.ts";
import { freshDatabase, startPostgres } from "./_pg_fixture.ts";

// One server for the whole file; the last test stops it.
const server = await startPostgres();
const SEED = 7;
const HOSTS = 12;
const DAYS = 0.25; // 6 hours: 12 × 2160 rows
const T0 = Date.UTC(2017, 0, 1);

async function withSql<T>(url: string, run: (sql: postgres.Sql) => Promise<T>): Promise<T> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    return await run(sql);
  } finally {
    await sql.end();
  }
}

/** A fresh database with generated cpu_usage data; returns its URL. */
async function database(name: string): Promise<string> {
  const url = await freshDatabase(server, name);
  const io = new BufferedIo();
  const code = await main(
    ["query", "setup", "--url", url, "--generate", `${HOSTS},${DAYS}`, "--seed", String(SEED)],
    { io },
  );
  assert.equal(code, 0, io.stderr.join("\n"));
  return url;
}

const READINGS: CpuUsageReading[] = [...generateCpuUsage(HOSTS, DAYS, { seed: SEED })].map(
  (line) => {
    const [ts, host, usage] = line.split(",");
    return { tsMs: Date.parse(ts.replace(" ", "T") + "Z"), host, usage: Number(usage) };
  },
);

/** `count` random windows (odd seconds, some past the data) over the generated hosts. */
function paramsCsv(count: number, seed: number): string {
  const prng = new Prng(seed);
  const lines = ["hostname,start_time,end_time"];
  for (let i = 0; i < count; i++) {
    const host = cpuUsageHost(Math.floor(prng.nextDouble() * HOSTS));
    const startMs = T0 + Math.floor(prng.nextDouble() * 7 * 3600) * 1000;
    const endMs = startMs + (1 + Math.floor(prng.nextDouble() * 1800)) * 1000;
    lines.push(`${host},${iso(startMs)},${iso(endMs)}`);
  }
  return lines.join("\n") + "\n";
}

async function run(args: string[]): Promise<{ code: number; io: BufferedIo }> {
  const io = new BufferedIo();
  const code = await main(["query", "run", ...args], { io });
  return { code, io };
}

function figure(io: BufferedIo, label: string): string {
  const line = io.stdout.find((l) => l.startsWith(label));
  assert.ok(line !== undefined, `no "${label}" line in:\n${io.stdout.join("\n")}`);
  return line.slice(line.indexOf(":") + 1).trim();
}

const dir = await Deno.makeTempDir({ prefix: "stress_query_run_" });
const url = await database("qrun");

Deno.test("query run answers every row as the reference computes it, each host on one worker in input order", async () => {
  const csv = `${dir}/params.csv`;
  await Deno.writeTextFile(csv, paramsCsv(60, 1));
  const results = `${dir}/answers.jsonl`;
  const json = `${dir}/run.json`;
  const { code, io } = await run([
    "--url",
    url,
    "--workers",
    "3",
    "--file",
    csv,
    "--results",
    results,
    "--json",
    json,
  ]);
  assert.equal(code, 0, io.stderr.join("\n"));
  assert.match(io.stdout[0], /^query: date_bin on PostgreSQL \d+/);
  assert.equal(figure(io, "Number of queries"), "60");
  assert.equal(figure(io, "Failed queries"), "0");

  const rows = (await Deno.readTextFile(csv)).trim().split("\n").slice(1);
  const answers = await readAnswers(results);
  assert.equal(answers.length, 60);
  let nonEmpty = 0;
  for (const answer of answers) {
    const [host, start, end] = rows[answer.line - 2].split(",");
    assert.equal(answer.host, host);
    const expected = minuteAggregates(READINGS, {
      host,
      startMs: Date.parse(start.replace(" ", "T") + "Z"),
      endMs: Date.parse(end.replace(" ", "T") + "Z"),
    }).map((m) => [new Date(m.bucketMs).toISOString(), m.max, m.min]);
    assert.deepEqual(answer.minutes, expected, `line ${answer.line}`);
    if (expected.length > 0) nonEmpty++;
  }
  assert.ok(nonEmpty > 30, `only ${nonEmpty} windows had data`);

  // Every host ran on one worker, and each worker ran its rows in input order.
  const workerOfHost = new Map<string, number>();
  const lastLineOfWorker = new Map<number, number>();
  for (const answer of answers) {
    assert.equal(workerOfHost.get(answer.host) ?? answer.worker, answer.worker, answer.host);
    workerOfHost.set(answer.host, answer.worker);
    assert.ok((lastLineOfWorker.get(answer.worker) ?? 0) < answer.line, "out of order");
    lastLineOfWorker.set(answer.worker, answer.line);
  }
  // The JSON agrees with the text and with the answers.
  const summary = JSON.parse(await Deno.readTextFile(json));
  assert.equal(summary.queries, 60);
  assert.equal(summary.workers.length, 3);
  for (const share of summary.workers) {
    const hosts = [...workerOfHost.values()].filter((w) => w === share.worker).length;
    assert.equal(share.hosts, hosts);
    assert.equal(share.queries, answers.filter((a) => a.worker === share.worker).length);
  }
  assert.equal(
    Number(figure(io, "Total processing time").split(" ")[0]),
    Number(summary.queryTimeMs.total.toFixed(3)),
  );
  assert.ok(summary.queryTimeMs.min <= summary.latencyMs.p50);
  assert.ok(summary.latencyMs.p50 <= summary.queryTimeMs.max);
});

Deno.test("query run judges its loader: the Loader line, the JSON loader object, --fail-if-limited", async () => {
  const csv = `${dir}/loader.csv`;
  await Deno.writeTextFile(csv, paramsCsv(300, 3));
  const json = `${dir}/loader.json`;
  const { code, io } = await run(
    ["--url", url, "--workers", "2", "--file", csv, "--json", json, "--fail-if-limited"],
  );
  const line = io.stdout.find((l) => l.startsWith("Loader: "));
  assert.ok(line !== undefined, io.stdout.join("\n"));
  // The line comes after the results, as in the other commands.
  assert.ok(
    io.stdout.indexOf(line) > io.stdout.findIndex((l) => l.startsWith("Number of queries")),
  );
  const { loader } = JSON.parse(await Deno.readTextFile(json));
  assert.match(line, new RegExp(`^Loader: ${loader.verdict}\\b`));
  // Each Worker's CPU share as the JSON has it ("unknown" for a run too short to measure it,
  // once when no share is known).
  const shares: (number | null)[] = loader.figures.workerCpu;
  const cpu = shares.every((share) => share === null)
    ? "unknown"
    : shares.map((share) =>
      share === null ? "unknown" : `${(share * 100).toFixed(share < 0.1 ? 1 : 0)}%`
    ).join(", ");
  assert.ok(line.includes(`Worker CPU ${cpu}; event loop delay p99 `), line);
  // --fail-if-limited: exit 4 exactly when the verdict is limited.
  assert.equal(code, loader.verdict === "limited" ? 4 : 0, io.stderr.join("\n"));
  const figures = loader.figures;
  assert.equal(figures.loops, "workers");
  assert.equal(figures.threads, 2);
  assert.equal(figures.scheduled, false);
  assert.equal(figures.dispatch, null);
  assert.equal(figures.workerCpu.length, 2);
  // CPU comes in 10 ms ticks: a short run may show 0%.
  for (const share of figures.workerCpu) assert.ok(share >= 0 && share <= 1.5, String(share));
  // Each Worker had rows in hand for part of its run: a share, not a constant.
  assert.ok(figures.threadsBusy > 0 && figures.threadsBusy <= 1, String(figures.threadsBusy));
  assert.ok(figures.eventLoopDelayMs.max >= figures.eventLoopDelayMs.p99);
});

Deno.test("query run spreads hosts: no worker with one host when there are two per worker", async () => {
  const csv = `${dir}/spread.csv`;
  // Every host once, then again: 24 rows over 12 hosts for 4 workers (3 hosts each).
  const lines = ["hostname,start_time,end_time"];
  for (let round = 0; round < 2; round++) {
    for (let h = 0; h < HOSTS; h++) {
      lines.push(`${cpuUsageHost(h)},2017-01-01 01:00:00,2017-01-01 01:10:00`);
    }
  }
  await Deno.writeTextFile(csv, lines.join("\n"));
  const json = `${dir}/spread.json`;
  const { code, io } = await run(["--url", url, "--workers", "4", "--file", csv, "--json", json]);
  assert.equal(code, 0, io.stderr.join("\n"));
  const summary = JSON.parse(await Deno.readTextFile(json));
  const hosts = summary.workers.map((w: { hosts: number }) => w.hosts);
  assert.equal(hosts.reduce((a: number, b: number) => a + b, 0), HOSTS);
  assert.ok(Math.min(...hosts) >= 2, `hosts per worker: ${hosts}`);
  for (const share of summary.workers) assert.equal(share.queries, share.hosts * 2);
});

Deno.test("query run streams stdin: queries run before the input ends", async () => {
  const results = `${dir}/stream.jsonl`;
  let feed!: ReadableStreamDefaultController<Uint8Array>;
  const stdin = new ReadableStream<Uint8Array>({
    start(controller) {
      feed = controller;
    },
  });
  const encoder = new TextEncoder();
  const io = new BufferedIo();
  const running = queryRunCommand(
    ["--url", url, "--workers", "2", "--results", results],
    io,
    { stdin, stdinIsTerminal: false },
  );
  feed.enqueue(encoder.encode("hostname,start_time,end_time\nhost_000001,2017-01-01 00:00:00,"));
  feed.enqueue(encoder.encode("2017-01-01 00:05:00\nhost_000002,2017-01-01 00:00:00,2017-01-01"));
  feed.enqueue(encoder.encode(" 00:05:00\n"));
  // The two complete rows are answered while stdin is still open.
  const deadline = performance.now() + 20_000;
  let answered: Answer[] = [];
  while (performance.now() < deadline) {
    answered = await readAnswers(results).catch(() => []);
    if (answered.length === 2) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  assert.deepEqual(answered.map((a) => a.line).sort(), [2, 3]);
  assert.equal(answered[0].minutes.length, 5);
  feed.enqueue(encoder.encode("host_000003,2017-01-01 00:00:00,2017-01-01 00:05:00\n"));
  feed.close();
  assert.equal(await running, 0);
  assert.equal(figure(io, "Number of queries"), "3");
  assert.equal((await readAnswers(results)).length, 3);
});

Deno.test("query run reads stdin by default when it is not a terminal (a real pipe)", async () => {
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      new URL("../../main.ts", import.meta.url).pathname,
      "query",
      "run",
      "--url",
      url,
      "--workers",
      "2",
    ],
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(paramsCsv(10, 3)));
  await writer.close();
  const output = await child.output();
  const stdout = new TextDecoder().decode(output.stdout);
  assert.equal(output.code, 0, new TextDecoder().decode(output.stderr));
  assert.match(stdout, /input: stdin/);
  assert.match(stdout, /Number of queries\s+: 10\n/);
});

const BAD_ROWS: [string, RegExp][] = [
  ["host_000001,2017-01-01 00:00:00", /line 3: .* has 2 columns/],
  ["host_000001,2017-13-01 00:00:00,2017-01-01 01:00:00", /line 3: .*2017-13-01/],
  ["host_000001,2017-01-01 02:00:00,2017-01-01 01:00:00", /line 3: .*end/],
  [",2017-01-01 00:00:00,2017-01-01 01:00:00", /line 3: .*host/],
];

for (const [row, problem] of BAD_ROWS) {
  Deno.test(`query run stops before any query on a bad --file row: ${row}`, async () => {
    const csv = `${dir}/bad.csv`;
    const results = `${dir}/bad_${BAD_ROWS.findIndex((b) => b[0] === row)}.jsonl`;
    await Deno.writeTextFile(
      csv,
      `hostname,start_time,end_time\nhost_000002,2017-01-01 00:00:00,2017-01-01 00:01:00\n${row}\n`,
    );
    const { code, io } = await run(["--url", url, "--file", csv, "--results", results]);
    assert.equal(code, 2);
    assert.deepEqual(io.stdout, []);
    assert.equal(io.stderr.length, 2, io.stderr.join("\n"));
    assert.match(io.stderr[0], problem);
    assert.ok(io.stderr[0].includes(JSON.stringify(row).slice(1, -1).slice(0, 20)));
    assert.match(io.stderr[1], /^error: .*1 malformed row, no query was run .*--skip-bad-rows/);
    await assert.rejects(Deno.stat(results), Deno.errors.NotFound);
  });
}

Deno.test("query run --skip-bad-rows counts and skips every kind of bad row", async () => {
  const csv = `${dir}/skip.csv`;
  const good = "host_000002,2017-01-01 00:00:00,2017-01-01 00:01:00";
  await Deno.writeTextFile(
    csv,
    ["hostname,start_time,end_time", good, ...BAD_ROWS.map(([row]) => row), good].join("\n"),
  );
  const { code, io } = await run(["--url", url, "--file", csv, "--skip-bad-rows"]);
  assert.equal(code, 0, io.stderr.join("\n"));
  assert.equal(figure(io, "Number of queries"), "2");
  assert.equal(figure(io, "Bad rows skipped"), "4");
  assert.deepEqual(
    io.stderr.map((line) => line.match(/^skipped bad row: line (\d+):/)?.[1]),
    ["3", "4", "5", "6"],
  );
});

Deno.test("query run on stdin stops at a bad row after running the rows before it", async () => {
  const io = new BufferedIo();
  const text = "host_000001,2017-01-01 00:00:00,2017-01-01 00:02:00\nnot a row\n" +
    "host_000002,2017-01-01 00:00:00,2017-01-01 00:02:00\n";
  const json = `${dir}/stopped_at_bad_row.json`;
  const error = await queryRunCommand(["--url", url, "--json", json], io, {
    stdin: ReadableStream.from([new TextEncoder().encode(text)]),
    stdinIsTerminal: false,
  }).then(() => null, (e) => e);
  assert.ok(error instanceof UsageError, String(error));
  assert.match(error.message, /line 2: "not a row" has 1 column/);
  assert.equal(figure(io, "Number of queries"), "1");
  // The summary says the run did not go through its input.
  const summary = JSON.parse(await Deno.readTextFile(json));
  assert.equal(summary.queries, 1);
  assert.equal(summary.aborted, "a malformed input row stopped the measured run");
});

Deno.test("query run interrupted while stdin is quiet prints what it measured, then exit 130", async () => {
  const controller = new AbortController();
  let feed!: ReadableStreamDefaultController<Uint8Array>;
  const stdin = new ReadableStream<Uint8Array>({
    start(c) {
      feed = c;
    },
  });
  const results = `${dir}/interrupted.jsonl`;
  const io = new BufferedIo();
  const running = queryRunCommand(["--url", url, "--results", results], io, {
    stdin,
    stdinIsTerminal: false,
    signal: controller.signal,
  }).then(() => null, (e) => e);
  feed.enqueue(new TextEncoder().encode("host_000001,2017-01-01 00:00:00,2017-01-01 00:02:00\n"));
  const deadline = performance.now() + 20_000;
  while ((await readAnswers(results).catch(() => [])).length < 1) {
    assert.ok(performance.now() < deadline, "the first row was not answered");
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  controller.abort();
  const error = await running;
  assert.ok(error instanceof InterruptedError, String(error));
  assert.equal(figure(io, "Number of queries"), "1");
});

Deno.test("query run rejects empty input and a terminal stdin", async () => {
  const empty = `${dir}/empty.csv`;
  await Deno.writeTextFile(empty, "hostname,start_time,end_time\n");
  const { code, io } = await run(["--url", url, "--file", empty]);
  assert.equal(code, 2);
  assert.match(io.stderr[0], /^error: .*has no rows/);
  await assert.rejects(
    queryRunCommand(["--url", url], new BufferedIo(), { stdinIsTerminal: true }),
    /stdin is a terminal/,
  );
});

Deno.test("query run gives one line and exit 3 for an unreachable, wrong or unprepared database", async () => {
  const csv = `${dir}/one.csv`;
  await Deno.writeTextFile(csv, "host_000001,2017-01-01 00:00:00,2017-01-01 00:01:00\n");
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const closedPort = (listener.addr as Deno.NetAddr).port;
  listener.close();
  await withSql(server.url, async (sql) => {
    await sql.unsafe("DROP DATABASE IF EXISTS bare");
    await sql.unsafe("CREATE DATABASE bare");
  });
  for (
    const [target, message] of [
      [
        `postgres://postgres@127.0.0.1:${closedPort}/postgres`,
        /Cannot connect to .*ECONNREFUSED|refused/,
      ],
      [
        server.url.replace(/\/postgres$/, "/nosuchdb"),
        /Cannot connect to .*nosuchdb.*does not exist/,
      ],
      [server.url.replace(/\/postgres$/, "/bare"), /table "cpu_usage" does not exist/],
    ] as const
  ) {
    const { code, io } = await run(["--url", target, "--file", csv]);
    assert.equal(code, 3, io.stderr.join("\n"));
    assert.deepEqual(io.stdout, []);
    assert.equal(io.stderr.length, 1, io.stderr.join("\n"));
    assert.match(io.stderr[0], message);
  }
});

Deno.test("query run counts failed queries by kind, and --fail-fast stops at the first", async () => {
  const broken = await database("qbroken");
  await withSql(broken, async (sql) => {
    await sql.unsafe("ALTER TABLE cpu_usage RENAME TO cpu_raw");
    await sql.unsafe(`CREATE VIEW cpu_usage AS SELECT ts, host,
      CASE WHEN host = 'host_000003' THEN usage / 0
           WHEN host = 'host_000004' THEN usage + (SELECT 0 FROM pg_sleep(0.3))
           ELSE usage END AS usage FROM cpu_raw`);
  });
  const csv = `${dir}/errors.csv`;
  const rows = ["host_000001", "host_000003", "host_000004", "host_000003", "host_000002"].map(
    (host) => `${host},2017-01-01 00:00:00,2017-01-01 00:01:00`,
  );
  await Deno.writeTextFile(csv, rows.join("\n") + "\n");
  const json = `${dir}/errors.json`;
  const { code, io } = await run([
    "--url",
    broken,
    "--workers",
    "2",
    "--file",
    csv,
    "--timeout",
    "100ms",
    "--json",
    json,
  ]);
  assert.equal(code, 0, io.stderr.join("\n"));
  assert.equal(figure(io, "Number of queries"), "2");
  assert.equal(figure(io, "Failed queries"), "3");
  const kinds = io.stdout.slice(io.stdout.indexOf("Errors by kind:") + 1);
  assert.match(
    kinds[0],
    /^ {2}22012 division_by_zero: 2 \(first at line 2, host "host_000003": division by zero\)$/,
  );
  assert.match(
    kinds[1],
    /^ {2}57014 query_canceled: 1 \(first at line 3, host "host_000004": canceling statement due to statement timeout\)$/,
  );
  const summary = JSON.parse(await Deno.readTextFile(json));
  assert.deepEqual(
    summary.errorsByKind.map((e: { kind: string; count: number }) => [e.kind, e.count]),
    [["22012 division_by_zero", 2], ["57014 query_canceled", 1]],
  );

  const io2 = new BufferedIo();
  const failFast = await main(
    ["query", "run", "--url", broken, "--file", csv, "--fail-fast"],
    { io: io2 },
  );
  assert.equal(failFast, new CheckFailedError("x").exitCode);
  assert.match(
    io2.stderr.at(-1)!,
    /^error: Query failed at line 2 \(host "host_000003"\): 22012 division_by_zero: division by zero; --fail-fast stopped the run$/,
  );
  // One worker runs the rows in order: the failure stops it before the rows after it.
  assert.equal(figure(io2, "Number of queries"), "1");
  assert.equal(figure(io2, "Failed queries"), "1");
});

Deno.test("query run in which every query failed prints its report, then exit 1", async () => {
  const denied = await database("qdenied");
  await withSql(denied, async (sql) => {
    await sql.unsafe("DROP ROLE IF EXISTS stress_no_select");
    await sql.unsafe("CREATE ROLE stress_no_select LOGIN");
  });
  const csv = `${dir}/denied.csv`;
  const rows = ["host_000001", "host_000002"].map(
    (host) => `${host},2017-01-01 00:00:00,2017-01-01 00:01:00`,
  );
  await Deno.writeTextFile(csv, rows.join("\n") + "\n");
  const asReader = denied.replace("postgres@", "stress_no_select@");
  const { code, io } = await run(["--url", asReader, "--workers", "2", "--file", csv]);
  assert.equal(code, new CheckFailedError("x").exitCode, io.stderr.join("\n"));
  assert.equal(figure(io, "Number of queries"), "0");
  assert.equal(figure(io, "Failed queries"), "2");
  assert.match(
    io.stderr.at(-1)!,
    /^error: Every query failed \(2 of 2\), nothing was measured; the first at line [12] \(host "host_00000[12]"\): 42501 insufficient_privilege: permission denied for table cpu_usage$/,
  );
});

Deno.test("query run writes an HDR log whose histograms hold every query", async () => {
  const csv = `${dir}/hdr.csv`;
  await Deno.writeTextFile(csv, paramsCsv(40, 9));
  const hdr = `${dir}/run.hdr`;
  const { code, io } = await run([
    "--url",
    url,
    "--workers",
    "2",
    "--file",
    csv,
    "--hdr-log",
    hdr,
    "--interval",
    "100ms",
  ]);
  assert.equal(code, 0, io.stderr.join("\n"));
  const log = readHdrLog(await Deno.readTextFile(hdr), hdr);
  const counted = log.intervals.reduce((sum, interval) => sum + interval.histogram.totalCount, 0);
  assert.equal(counted, 40);
  assert.ok(log.intervals.every((interval) => interval.tag === "QUERY-st"));
});

Deno.test("query run --json holds the interval series that stress compare reads", async () => {
  const json = `${dir}/series.json`;
  const rows = paramsCsv(40, 7).trim().split("\n");
  const encoder = new TextEncoder();
  // Rows arrive over about 0.8 s, so 100 ms intervals have queries in most of them.
  const stdin = new ReadableStream<Uint8Array>({
    async start(controller) {
      for (const row of rows) {
        controller.enqueue(encoder.encode(row + "\n"));
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      controller.close();
    },
  });
  const io = new BufferedIo();
  const code = await queryRunCommand(
    ["--url", url, "--workers", "2", "--interval", "100ms", "--json", json],
    io,
    { stdin, stdinIsTerminal: false },
  );
  assert.equal(code, 0, io.stderr.join("\n"));
  const summary = JSON.parse(await Deno.readTextFile(json));
  assert.equal(summary.queries, 40);
  assert.ok(summary.intervals.length >= 3, JSON.stringify(summary.intervals));
  let ops = 0;
  for (const point of summary.intervals) {
    ops += point.ops;
    assert.ok(point.ops === 0 || (point.p50Ms > 0 && point.p50Ms <= point.maxMs), point);
  }
  assert.equal(ops, 40, "the intervals hold every query");
  // The interval lines printed and the series agree.
  const printed = io.stdout.filter((l) => /^\s*\d+\.\d+\s+\d+\s/.test(l));
  assert.equal(printed.length, summary.intervals.length, io.stdout.join("\n"));

  const compared = new BufferedIo();
  assert.equal(await main(["compare", json, json, "--metric", "p50"], { io: compared }), 0);
  assert.match(compared.stdout[0], /: query run$/);
  assert.match(compared.stdout.at(-1)!, /^Result: no significant change in p50/);
});

Deno.test("query run tests stop the PostgreSQL server", async () => {
  await Deno.remove(dir, { recursive: true });
  await server.stop();
});
