// `stress query run` against pgbench: the assignment's 200 queries over the assignment's data
// shape (345,600 rows, `query setup --generate 20,2`) on a throwaway PostgreSQL, same SQL, same
// number of clients, same rows per client in the same order (client i runs exactly the rows that
// HostRouting sends to worker i, in file order), one query per pgbench transaction so that the
// per-transaction log (-l, µs) gives one time per query. The sides alternate for `rounds` rounds
// after one untimed warm-up run of each. Every run is checked: 200 queries, the expected count
// per client, and 200 scans of cpu_usage (pg_stat_user_tables).
// Target: our median - pgbench's median <= max(0.1 ms, 10% of pgbench's median).
//
//   deno run -A bench/query_vs_pgbench.ts [workers=4] [rounds=5]
// PROBE=1 also runs bench/_pgbench_probe.ts, to split our overhead (see there).
// deno-lint-ignore-file no-console
import postgres from "postgres";
import { HostRouting } from "../lib/query/host_routing.ts";
import { minuteQuerySql } from "../lib/query/minute_query.ts";
import { QueryParamsReader, type QueryParamsRow } from "../lib/query/query_params.ts";
import { startPostgres } from "../tests/query/_pg_fixture.ts";

const workers = Number(Deno.args[0] ?? 4);
const rounds = Number(Deno.args[1] ?? 5);
const main = new URL("../main.ts", import.meta.url).pathname;
const paramsPath =
  new URL("../tests/testdata/timescale/query_params.csv", import.meta.url).pathname;
const pgbench = "/usr/bin/pgbench";

/** One run's query times in ms, the order does not matter. */
interface Run {
  median: number;
  mean: number;
  p95: number;
  total: number;
}

/** Nearest-rank percentile (the 100th of 200 values for the median, as HDR histograms do). */
function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)];
}

function runOf(timesMs: number[]): Run {
  const sorted = timesMs.toSorted((a, b) => a - b);
  const total = sorted.reduce((sum, t) => sum + t, 0);
  return {
    median: percentile(sorted, 50),
    mean: total / sorted.length,
    p95: percentile(sorted, 95),
    total,
  };
}

function median(values: number[]): number {
  const sorted = values.toSorted((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

async function exec(command: string, args: string[], cwd?: string): Promise<string> {
  const output = await new Deno.Command(command, { args, cwd, stdout: "piped", stderr: "piped" })
    .output();
  const text = new TextDecoder().decode(output.stdout) + new TextDecoder().decode(output.stderr);
  if (!output.success) throw new Error(`${command} ${args.join(" ")} failed:\n${text}`);
  return text;
}

/** The SQL literal of a timestamp, e.g. `'2017-01-01 08:59:22+00'`. */
function timestampLiteral(ms: number): string {
  return `'${new Date(ms).toISOString().replace("T", " ").replace(".000Z", "+00")}'`;
}

/** Statements for rows lo..hi-1 of one client, chosen by a binary search on `:i`. */
function rowTree(sqls: readonly string[], lo: number, hi: number): string[] {
  if (hi - lo === 1) return [sqls[lo]];
  const mid = (lo + hi) >> 1;
  return [
    `\\if :i < ${mid}`,
    ...rowTree(sqls, lo, mid),
    "\\else",
    ...rowTree(sqls, mid, hi),
    "\\endif",
  ];
}

/**
 * The pgbench script: `:i` counts the client's transactions (0, 1, ...); transaction i of client
 * c runs row i of c's rows, and nothing once c has none left.
 */
function pgbenchScript(perClient: readonly (readonly QueryParamsRow[])[]): string {
  const lines = ["\\set i :i + 1"];
  perClient.forEach((rows, client) => {
    lines.push(`${client === 0 ? "\\if" : "\\elif"} :client_id = ${client}`);
    const sqls = rows.map((row) =>
      minuteQuerySql("postgres", {
        params: [`'${row.host}'`, timestampLiteral(row.startMs), timestampLiteral(row.endMs)],
      }) + ";"
    );
    lines.push(`\\if :i < ${rows.length}`, ...rowTree(sqls, 0, rows.length), "\\endif");
  });
  lines.push("\\endif");
  return lines.join("\n") + "\n";
}

const rows: QueryParamsRow[] = [];
{
  const reader = new QueryParamsReader();
  for (const item of [...reader.push(await Deno.readTextFile(paramsPath)), ...reader.end()]) {
    if (item.kind !== "row") throw new Error(item.problem);
    rows.push(item);
  }
}
const routing = new HostRouting(workers, { seed: 0 });
const perClient: QueryParamsRow[][] = Array.from({ length: workers }, () => []);
for (const row of rows) perClient[routing.route(row.host)].push(row);
const counts = perClient.map((r) => r.length);
const maxCount = Math.max(...counts);

const dir = await Deno.makeTempDir({ prefix: "query_vs_pgbench_" });
const scriptPath = `${dir}/minute_query.sql`;
const jsonPath = `${dir}/query_run.json`;

/** What each client should send: `host start` of its rows, in order. */
const expected = perClient.map((rows) =>
  rows.map((row) => `${row.host} ${timestampLiteral(row.startMs)}`).join()
).join("\n");

/** Runs pgbench; with `debug` (-d), checks the host and start of every query each client sent. */
async function pgbenchRun(protocol: string, debug: boolean): Promise<number[]> {
  for await (const entry of Deno.readDir(dir)) {
    if (entry.name.startsWith("pgbench_log")) await Deno.remove(`${dir}/${entry.name}`);
  }
  const output = await exec(pgbench, [...(debug ? ["-d"] : []), ...pgbenchArgs(protocol)], dir);
  if (debug) {
    const sent: string[][] = perClient.map(() => []);
    const query =
      /client (\d+) sending SELECT[^;]*?WHERE host = '([^']+)'::text AND ts >= ('[^']+')/g;
    for (const [, client, host, start] of output.matchAll(query)) {
      sent[Number(client)].push(`${host} ${start}`);
    }
    if (sent.map((s) => s.join()).join("\n") !== expected) {
      throw new Error(`pgbench -M ${protocol} sent other queries than expected:\n${output}`);
    }
    console.log(`pgbench -M ${protocol} -d: each client sent exactly its rows, in file order`);
  }
  const timesMs: number[] = [];
  const seen = new Array<number>(workers).fill(0);
  for await (const entry of Deno.readDir(dir)) {
    if (!entry.name.startsWith("pgbench_log")) continue;
    for (const line of (await Deno.readTextFile(`${dir}/${entry.name}`)).split("\n")) {
      if (line === "") continue;
      // client_id transaction_no (from 1) time(µs) script_no time_epoch time_us
      const [client, transaction, timeUs] = line.split(" ").map(Number);
      if (transaction > counts[client]) continue; // the client had no row left
      seen[client]++;
      timesMs.push(timeUs / 1000);
    }
  }
  if (seen.join() !== counts.join()) {
    throw new Error(`pgbench ran ${seen.join(" ")} queries per client, expected ${counts}`);
  }
  return timesMs;
}

function pgbenchArgs(protocol: string): string[] {
  const url = new URL(server.url);
  return [
    ...["-h", url.hostname, "-p", url.port, "-U", "postgres", "-n", "-M", protocol],
    ...["-c", `${workers}`, "-j", `${workers}`, "-t", `${maxCount}`, "-D", "i=-1", "-l"],
    ...["-f", scriptPath, "postgres"],
  ];
}

function queryRunArgs(extra: string[]): string[] {
  return [
    ...["run", "-A", main, "query", "run", "--url", server.url, "--workers", `${workers}`],
    ...["--file", paramsPath, "--json", jsonPath, ...extra],
  ];
}

async function queryRun(extra: string[]): Promise<Run> {
  await exec(Deno.execPath(), queryRunArgs(extra));
  const json = JSON.parse(await Deno.readTextFile(jsonPath));
  const perWorker = json.workers.map((w: { queries: number }) => w.queries).join();
  if (json.queries !== rows.length || json.errors !== 0 || perWorker !== counts.join()) {
    throw new Error(`query run: ${json.queries} queries (${perWorker}), ${json.errors} errors`);
  }
  return {
    median: json.latencyMs.p50,
    mean: json.queryTimeMs.average,
    p95: json.latencyMs.p95,
    total: json.queryTimeMs.total,
  };
}

const server = await startPostgres();
const sql = postgres(server.url, { max: 1, onnotice: () => {} });
try {
  const setupArgs = ["run", "-A", main, "query", "setup", "--url", server.url];
  console.log(`$ deno ${setupArgs.join(" ")} --generate 20,2`);
  console.log((await exec(Deno.execPath(), [...setupArgs, "--generate", "20,2"])).trimEnd());
  await sql`VACUUM ANALYZE cpu_usage`;
  const [{ version }] = await sql`SELECT version()`;
  const indexes = await sql`SELECT indexdef FROM pg_indexes WHERE tablename = 'cpu_usage'`;
  const [{ n }] = await sql`SELECT count(*)::int AS n FROM cpu_usage`;
  console.log(`\nSetup: ${version}`);
  console.log(`plain table cpu_usage, ${n} rows, VACUUM ANALYZE after the load; indexes:`);
  for (const { indexdef } of indexes) console.log(`  ${indexdef}`);
  console.log(`${rows.length} queries, ${workers} clients, rows per client ${counts.join(" ")}`);

  await Deno.writeTextFile(scriptPath, pgbenchScript(perClient));

  const sides: { name: string; command: string; run: (warmUp: boolean) => Promise<Run> }[] = [
    {
      name: "pgbench -M simple",
      command: `pgbench ${pgbenchArgs("simple").join(" ")}`,
      run: async (warmUp) => runOf(await pgbenchRun("simple", warmUp)),
    },
    {
      name: "stress query run",
      command: `deno ${queryRunArgs([]).join(" ")}`,
      run: () => queryRun([]),
    },
    {
      name: "pgbench -M extended",
      command: `pgbench ${pgbenchArgs("extended").join(" ")}`,
      run: async (warmUp) => runOf(await pgbenchRun("extended", warmUp)),
    },
    {
      name: "stress query run --no-prepare",
      command: `deno ${queryRunArgs(["--no-prepare"]).join(" ")}`,
      run: () => queryRun(["--no-prepare"]),
    },
  ];
  console.log(`\nCommands (cwd of pgbench: ${dir}, script: ${scriptPath}):`);
  for (const side of sides) console.log(`  ${side.command}`);

  const results: Run[][] = sides.map(() => []);
  for (let round = 0; round <= rounds; round++) {
    for (const [index, side] of sides.entries()) {
      const run = await side.run(round === 0);
      if (round > 0) results[index].push(run); // round 0 warms the cache
    }
  }

  const f = (ms: number) => ms.toFixed(3).padStart(8);
  console.log(`\nPer-query time in ms, per round (median  mean  p95  total), ${rounds} rounds:`);
  const summary = sides.map((side, index) => {
    console.log(side.name);
    for (const r of results[index]) {
      console.log(`  ${f(r.median)} ${f(r.mean)} ${f(r.p95)} ${f(r.total)}`);
    }
    const over = (key: keyof Run) => median(results[index].map((r) => r[key]));
    const m = {
      median: over("median"),
      mean: over("mean"),
      p95: over("p95"),
      total: over("total"),
    };
    console.log(`  ${f(m.median)} ${f(m.mean)} ${f(m.p95)} ${f(m.total)}  <- median over rounds`);
    return m;
  });

  // PROBE=1: also a bare postgres.js loop and SELECT 1 / 60-row round trips (bench/_pgbench_probe.ts).
  if (Deno.env.get("PROBE")) {
    console.log(
      await exec(Deno.execPath(), [
        "run",
        "-A",
        new URL("./_pgbench_probe.ts", import.meta.url).pathname,
        server.url,
      ]),
    );
  }
  const compare = (ours: Run, theirs: Run, label: string) => {
    const overhead = ours.median - theirs.median;
    const limit = Math.max(0.1, 0.1 * theirs.median);
    console.log(
      `${label}: overhead ${overhead.toFixed(3)} ms per query (median ${ours.median.toFixed(3)} ` +
        `vs ${theirs.median.toFixed(3)}), limit ${limit.toFixed(3)} ms: ` +
        `${overhead <= limit ? "PASS" : "FAIL"}; total ratio ${
          (ours.total / theirs.total).toFixed(3)
        }, mean ratio ${(ours.mean / theirs.mean).toFixed(3)}`,
    );
  };
  console.log();
  compare(summary[1], summary[0], "stress query run vs pgbench -M simple");
  compare(summary[3], summary[2], "stress query run --no-prepare vs pgbench -M extended");
} finally {
  await sql.end({ timeout: 1 });
  await server.stop();
  await Deno.remove(dir, { recursive: true });
}
