import assert from "node:assert/strict";
import postgres from "postgres";
import { BufferedIo } from "../../lib/cli/command_io.ts";
import { InterruptedError, TargetError } from "../../lib/errors.ts";
import { readHdrLog } from "../../lib/report/read_hdr_log.ts";
import { queryRunCommand } from "../../lib/query/query_run.ts";
import { main } from "../../main.ts";
import { cpuUsageHost } from "../../lib/query/cpu_usage.ts";
import { readAnswers } from "./_query_answers.ts";
import { freshDatabase, type PgServer, startPostgres } from "./_pg_fixture.ts";

const HOSTS = 4;
/** Each query of the `slow_cpu` view sleeps this long on the server. */
const QUERY_MS = 20;
const dir = await Deno.makeTempDir({ prefix: "stress_query_stop_" });

/** A fresh database with generated data and `slow_cpu`, a view whose every query is slow. */
async function slowDatabase(server: PgServer, name: string, queryMs = QUERY_MS): Promise<string> {
  const url = await freshDatabase(server, name);
  const io = new BufferedIo();
  const code = await main(["query", "setup", "--url", url, "--generate", `${HOSTS},0.05`], { io });
  assert.equal(code, 0, io.stderr.join("\n"));
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    // An uncorrelated subquery (an InitPlan): one sleep per query, not per row.
    await sql.unsafe(`CREATE VIEW slow_cpu AS SELECT ts, host, usage FROM cpu_usage
      WHERE (SELECT true FROM pg_sleep(${queryMs / 1000}))`);
  } finally {
    await sql.end();
  }
  return url;
}

/** A CSV of `rows` rows over the generated hosts, written to `dir`. */
async function paramsFile(name: string, rows: number): Promise<string> {
  const lines = ["hostname,start_time,end_time"];
  for (let i = 0; i < rows; i++) {
    lines.push(`${cpuUsageHost(i % HOSTS)},2017-01-01 00:10:00,2017-01-01 00:40:00`);
  }
  const path = `${dir}/${name}`;
  await Deno.writeTextFile(path, lines.join("\n") + "\n");
  return path;
}

/** The interval lines printed (`time_s  queries  ...`). */
function intervalLines(io: BufferedIo): string[] {
  return io.stdout.filter((line) => /^\s*\d+\.\d+\s+\d+\s/.test(line));
}

function figure(io: BufferedIo, label: string): number {
  const line = io.stdout.find((l) => l.startsWith(label));
  assert.ok(line !== undefined, `no "${label}" line in:\n${io.stdout.join("\n")}`);
  return Number(line.slice(line.indexOf(":") + 1).trim());
}

/** Polls `ready` until it holds (true), the run ends or 20 s pass (false). */
async function waitFor(
  run: Promise<unknown>,
  ready: () => boolean | Promise<boolean>,
): Promise<boolean> {
  let settled = false;
  const settle = () => {
    settled = true;
  };
  run.then(settle, settle);
  const deadline = performance.now() + 20_000;
  while (!settled && performance.now() < deadline) {
    if (await ready()) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return false;
}

/**
 * Aborts the run and checks that it ends interrupted within 5 s: the query or connect it waits
 * for would take 10 s or more.
 */
async function stopsSoonAtCtrlC(controller: AbortController, running: Promise<unknown>) {
  controller.abort();
  const abortedAt = performance.now();
  const error = await running;
  const stopMs = performance.now() - abortedAt;
  assert.ok(error instanceof InterruptedError, String(error));
  assert.ok(stopMs < 5000, `the run took ${stopMs.toFixed(0)} ms to stop`);
}

Deno.test("query run stops its Workers at Ctrl-C although every row fits in their queues, with progress rows until then", async () => {
  const server = await startPostgres();
  try {
    const url = await slowDatabase(server, "qstop");
    // 2 Workers × 200 rows × 20 ms: 4 s of queries, every row queued at once (4096 a Worker).
    const csv = await paramsFile("queued.csv", 400);
    const controller = new AbortController();
    const io = new BufferedIo();
    const running = queryRunCommand(
      ["--url", url, "--file", csv, "--workers", "2", "--table", "slow_cpu", "--interval", "200ms"],
      io,
      { signal: controller.signal },
    ).then((code) => code, (error) => error);
    // Every row is queued at once; progress rows must still come while the Workers run them.
    const printedBefore = await waitFor(running, () => intervalLines(io).length >= 3);
    controller.abort();
    const abortedAt = performance.now();
    const error = await running;
    const stopMs = performance.now() - abortedAt;
    assert.ok(printedBefore, `no 3 progress rows before the end:\n${io.stdout.join("\n")}`);
    assert.ok(error instanceof InterruptedError, String(error));
    assert.ok(stopMs < 1000, `the run took ${stopMs.toFixed(0)} ms to stop`);
    const queries = figure(io, "Number of queries");
    assert.ok(queries > 0 && queries < 250, `${queries} queries`);
    assert.equal(figure(io, "Rows not run"), 400 - queries);
  } finally {
    await server.stop();
  }
});

Deno.test("query run stops at Ctrl-C within a second or so although its queries never end", async () => {
  const server = await startPostgres();
  try {
    // Every query sleeps 30 s on the server: a lock held by a migration, a stalled server.
    const url = await slowDatabase(server, "qstuck", 30_000);
    const csv = await paramsFile("stuck.csv", 8);
    const controller = new AbortController();
    const io = new BufferedIo();
    const running = queryRunCommand(
      ["--url", url, "--file", csv, "--workers", "2", "--table", "slow_cpu"],
      io,
      { signal: controller.signal },
    ).then((code) => code, (error) => error);
    const sql = postgres(url, { max: 1, onnotice: () => {} });
    const active = async () =>
      (await sql`SELECT count(*)::int AS n FROM pg_stat_activity
        WHERE application_name LIKE 'stress query run worker%' AND state = 'active'`)[0].n;
    try {
      assert.ok(
        await waitFor(running, async () => await active() === 2),
        "the two Workers never ran their first query",
      );
      await stopsSoonAtCtrlC(controller, running);
      // The queries given up on were not measured: rows not run, not failed queries.
      assert.equal(figure(io, "Number of queries"), 0);
      assert.equal(figure(io, "Failed queries"), 0);
      assert.equal(figure(io, "Rows not run"), 8);
      // They were cancelled on the server too, not left to sleep out their 30 s there (a
      // closed socket alone goes unnoticed until the query writes its result).
      const cancelled = await waitFor(new Promise(() => {}), async () => await active() === 0);
      assert.ok(cancelled, `${await active()} queries still run on the server`);
    } finally {
      await sql.end();
    }
  } finally {
    await server.stop();
  }
});

/**
 * A proxy to `port` for its first connection (the run's probe) that takes every later one (the
 * Workers') and never answers it: a server that stalls under load. Resolves `workerCame` at the
 * first held connection.
 */
function stallAfterFirst(port: number) {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const open: Deno.Conn[] = [];
  let cameResolve = () => {};
  const workerCame = new Promise<void>((resolve) => cameResolve = resolve);
  const accepting = (async () => {
    for await (const conn of listener) {
      open.push(conn);
      if (open.length > 1) {
        cameResolve();
        continue;
      }
      const upstream = await Deno.connect({ hostname: "127.0.0.1", port });
      open.push(upstream);
      conn.readable.pipeTo(upstream.writable).catch(() => {});
      upstream.readable.pipeTo(conn.writable).catch(() => {});
    }
  })();
  return {
    port: listener.addr.port,
    workerCame,
    async close() {
      listener.close();
      for (const conn of open) {
        try {
          conn.close();
        } catch {
          // Closed by its pipe.
        }
      }
      await accepting.catch(() => {});
    },
  };
}

Deno.test("query run stops at Ctrl-C within a second or so while its Workers wait to connect", async () => {
  const server = await startPostgres();
  const proxy = stallAfterFirst(server.port);
  try {
    const url = await freshDatabase(server, "qconnect");
    const setupIo = new BufferedIo();
    const setup = await main(["query", "setup", "--url", url, "--generate", "2,0.01"], {
      io: setupIo,
    });
    assert.equal(setup, 0, setupIo.stderr.join("\n"));
    const csv = await paramsFile("connect.csv", 4);
    const controller = new AbortController();
    const io = new BufferedIo();
    const proxied = url.replace(`:${server.port}/`, `:${proxy.port}/`);
    const running = queryRunCommand(["--url", proxied, "--file", csv], io, {
      signal: controller.signal,
    }).then((code) => code, (error) => error);
    await proxy.workerCame;
    // The connect timeout is 10 s: the stop gives the connect the 1 s a query gets.
    await stopsSoonAtCtrlC(controller, running);
    assert.equal(figure(io, "Number of queries"), 0);
    assert.equal(figure(io, "Rows not run"), 4);
  } finally {
    await proxy.close();
    await server.stop();
  }
});

Deno.test("query run stops with exit 3 when the database goes away, after printing what it measured", async () => {
  const server = await startPostgres();
  let stopped = false;
  try {
    const url = await slowDatabase(server, "qlost");
    const csv = await paramsFile("lost.csv", 400);
    const json = `${dir}/lost.json`;
    const hdr = `${dir}/lost.hdr`;
    const results = `${dir}/lost.jsonl`;
    const io = new BufferedIo();
    const running = main([
      ...["query", "run", "--url", url, "--file", csv, "--workers", "2", "--table", "slow_cpu"],
      ...["--interval", "200ms", "--json", json, "--hdr-log", hdr, "--results", results],
    ], { io });
    const answered = async () => (await readAnswers(results).catch(() => [])).length > 0;
    assert.ok(await waitFor(running, answered), "no query was answered");
    await server.stop(); // fast shutdown: the server ends every session
    stopped = true;
    const code = await running;
    assert.equal(code, new TargetError("x").exitCode, io.stderr.join("\n"));
    assert.equal(io.stderr.length, 1, io.stderr.join("\n"));
    assert.match(
      io.stderr[0],
      /^error: Cannot finish "query run": worker \d lost its connection at line \d+ \(host "host_\d+"\): connection /,
    );
    const queries = figure(io, "Number of queries");
    const failed = figure(io, "Failed queries");
    assert.ok(queries > 0, io.stdout.join("\n"));
    assert.ok(failed <= 2, `${failed} failed queries: one at most per Worker`);
    assert.equal(figure(io, "Rows not run"), 400 - queries - failed);
    const summary = JSON.parse(await Deno.readTextFile(json));
    assert.equal(summary.queries, queries);
    assert.match(summary.aborted, /lost its connection/);
    const log = readHdrLog(await Deno.readTextFile(hdr), hdr);
    assert.equal(log.intervals.reduce((sum, i) => sum + i.histogram.totalCount, 0), queries);
    assert.equal((await readAnswers(results)).length, queries);
  } finally {
    if (!stopped) await server.stop();
  }
});

Deno.test("query run stop tests remove their folder", async () => {
  await Deno.remove(dir, { recursive: true });
});
