import assert from "node:assert/strict";
import { InterruptedError } from "../../lib/errors.ts";
import { BufferedIo } from "../../lib/cli/command_io.ts";
import { queryRunCommand } from "../../lib/query/query_run.ts";
import { main } from "../../main.ts";
import { cpuUsageHost } from "../../lib/query/cpu_usage.ts";
import { parseExposition, valueOf } from "../report/_prometheus_parse.ts";
import { pressStop, printedUrl, waitUntil } from "../live/_chromium.ts";
import { freshDatabase, startPostgres } from "./_pg_fixture.ts";

// One server for the whole file; the last test stops it.
const server = await startPostgres();
const HOSTS = 4;

async function database(name: string): Promise<string> {
  const url = await freshDatabase(server, name);
  const io = new BufferedIo();
  const code = await main(["query", "setup", "--url", url, "--generate", `${HOSTS},0.05`], { io });
  assert.equal(code, 0, io.stderr.join("\n"));
  return url;
}

/** A stdin the test writes rows into, as a slow producer piping into `query run` would. */
function slowInput() {
  const encoder = new TextEncoder();
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  const stream = new ReadableStream<Uint8Array>({ start: (c) => (controller = c) });
  controller.enqueue(encoder.encode("hostname,start_time,end_time\n"));
  let n = 0;
  return {
    stream,
    row() {
      const host = cpuUsageHost(n++ % HOSTS);
      controller.enqueue(encoder.encode(`${host},2017-01-01 00:10:00,2017-01-01 00:40:00\n`));
    },
    end() {
      try {
        controller.close();
      } catch {
        // the reader cancelled the stream (the run was stopped)
      }
    },
    get rows() {
      return n;
    },
  };
}

/** The queries of the interval lines printed so far (`time_s  queries  ...`). */
function printedQueries(io: BufferedIo): number {
  let sum = 0;
  for (const line of io.stdout) {
    const m = /^\s*\d+\.\d+\s+(\d+)\s/.exec(line);
    if (m !== null) sum += Number(m[1]);
  }
  return sum;
}

Deno.test("query run --prometheus: each scrape's query count is the interval lines' sum so far", async () => {
  const url = await database("live_prom");
  const input = slowInput();
  const io = new BufferedIo();
  const exit = queryRunCommand(
    ["--url", url, "--workers", "2", "--interval", "200ms", "--prometheus", "127.0.0.1:0"],
    io,
    { stdin: input.stream, stdinIsTerminal: false },
  );
  const metrics = await printedUrl(io.stderr, "prometheus: metrics at ");
  const seen = new Set<number>();
  // Until four intervals were scraped (Worker start-up is slow on a loaded machine).
  const deadline = Date.now() + 20_000;
  while (seen.size < 4 && Date.now() < deadline) {
    for (let i = 0; i < 5; i++) input.row();
    const before = printedQueries(io);
    const families = parseExposition(await (await fetch(metrics)).text());
    const after = printedQueries(io);
    assert.equal(valueOf(families, "stress_info", { command: "query run" }), 1);
    if (valueOf(families, "stress_elapsed_seconds") === 0) continue; // no interval yet
    const total = valueOf(families, "stress_ops_total", { op: "QUERY" });
    assert.ok(before <= total && total <= after, `${before} <= ${total} <= ${after}`);
    assert.equal(valueOf(families, "stress_errors_total", { op: "QUERY" }), 0);
    seen.add(total);
    await new Promise((resolve) => setTimeout(resolve, 60));
  }
  input.end();
  assert.equal(await exit, 0, io.stderr.join("\n"));
  assert.ok(seen.size >= 4, `distinct totals scraped: ${[...seen]}`);
  assert.ok(
    io.stdout.some((l) => l.replace(/\s+/g, " ") === `Number of queries : ${input.rows}`),
    io.stdout.join("\n"),
  );
});

Deno.test("query run --web: the page's stats follow the run, and Stop ends it with its results", async () => {
  const url = await database("live_web");
  const input = slowInput();
  const io = new BufferedIo();
  const exit = queryRunCommand(
    ["--url", url, "--interval", "200ms", "--web", "0"],
    io,
    { stdin: input.stream, stdinIsTerminal: false },
  );
  // Settled now, so its rejection is never unhandled while the test awaits something else.
  const outcome = exit.then((code) => code, (error: unknown) => error);
  const page = await printedUrl(io.stderr, "web: the live page is at ");
  assert.match(page, /^http:\/\/127\.0\.0\.1:\d+\/$/);
  const html = await (await fetch(page)).text();
  assert.match(html, /<title>stress query run<\/title>/);
  let stats = { nextIndex: 0, state: "", totals: { requests: 0 }, points: [] as unknown[] };
  await waitUntil(
    async () => {
      input.row();
      stats = await (await fetch(new URL("/api/stats", page))).json();
      return stats.nextIndex >= 3 && stats.totals.requests > 0;
    },
    "three points with queries",
    20_000,
  );
  assert.equal(stats.state, "running");
  assert.ok(JSON.stringify(stats.points).includes('"name":"QUERY"'));
  // Stop while stdin is quiet: the run ends anyway and prints what it measured.
  await pressStop(page);
  const error = await outcome;
  assert.ok(error instanceof InterruptedError, String(error));
  assert.match(error.message, /^Run stopped from the live page/);
  assert.ok(io.stdout.some((l) => l.startsWith("Number of queries ")), io.stdout.join("\n"));
  input.end();
});

Deno.test("query run --web on a taken port stops before it creates --hdr-log or --results", async () => {
  const url = await database("taken_port");
  const dir = await Deno.makeTempDir();
  const taken = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  try {
    const input = `${dir}/rows.csv`;
    await Deno.writeTextFile(input, `${cpuUsageHost(0)},2017-01-01 00:10:00,2017-01-01 00:40:00\n`);
    for (const name of ["run.hdr", "answers.jsonl"]) {
      await Deno.writeTextFile(`${dir}/${name}`, "an earlier run's file\n");
    }
    const io = new BufferedIo();
    const code = await main([
      "query",
      "run",
      "--url",
      url,
      "--file",
      input,
      "--hdr-log",
      `${dir}/run.hdr`,
      "--results",
      `${dir}/answers.jsonl`,
      "--web",
      `127.0.0.1:${taken.addr.port}`,
    ], { io });
    assert.equal(code, 2, io.stderr.join("\n"));
    assert.equal(io.stderr.length, 1, io.stderr.join("\n"));
    assert.match(io.stderr[0], /^error: .*--web/);
    for (const name of ["run.hdr", "answers.jsonl"]) {
      assert.equal(await Deno.readTextFile(`${dir}/${name}`), "an earlier run's file\n", name);
    }
  } finally {
    taken.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("query run --prometheus refuses a bad address with one line (and stops the server)", async () => {
  try {
    const io = new BufferedIo();
    const code = await main(
      ["query", "run", "--url", server.url, "--file", "-", "--prometheus", "localhost"],
      { io },
    );
    assert.equal(code, 2);
    assert.deepEqual(io.stderr, [
      'error: Cannot parse option "--prometheus": "localhost" is invalid, expected PORT, HOST:PORT or [IPV6]:PORT with a port 0..65535',
    ]);
  } finally {
    await server.stop();
  }
});
