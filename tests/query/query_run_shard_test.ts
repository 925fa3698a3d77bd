import assert from "node:assert/strict";
import { main } from "../../main.ts";
import { BufferedIo } from "../../lib/cli/command_io.ts";
import { cpuUsageHost } from "../../lib/query/cpu_usage.ts";
import { Prng } from "../../lib/core/prng.ts";
import { type Answer, iso, readAnswers } from "./_query_answers.ts";
import { RendezvousDispatcher } from "../../lib/core/rendezvous_dispatcher.ts";
import { freshDatabase, startPostgres } from "./_pg_fixture.ts";

// One server for the whole file; the last test stops it.
const server = await startPostgres();
const SEED = 11;
const HOSTS = 12;
const ROWS_PER_HOST = 5;
const SHARDS = 3;
const DAYS = 0.1; // 2.4 hours of readings per host
const T0 = Date.UTC(2017, 0, 1);

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

/** `ROWS_PER_HOST` rows of every host, shuffled; windows within the generated data. */
function paramsCsv(seed: number): string {
  const prng = new Prng(seed);
  const rows: string[] = [];
  for (let h = 0; h < HOSTS; h++) {
    for (let r = 0; r < ROWS_PER_HOST; r++) {
      const startMs = T0 + Math.floor(prng.nextDouble() * 2 * 3600) * 1000;
      const endMs = startMs + (60 + Math.floor(prng.nextDouble() * 600)) * 1000;
      rows.push(`${cpuUsageHost(h)},${iso(startMs)},${iso(endMs)}`);
    }
  }
  for (let i = rows.length - 1; i > 0; i--) {
    const j = Math.floor(prng.nextDouble() * (i + 1));
    [rows[i], rows[j]] = [rows[j], rows[i]];
  }
  return ["hostname,start_time,end_time", ...rows].join("\n") + "\n";
}

interface Run {
  code: number;
  io: BufferedIo;
  answers: Answer[];
  queries: number;
  /** The `shard` field of the JSON summary. */
  shard: unknown;
}

/** Runs `query run` through main() with `--results` and `--json`, and reads both back. */
async function runQuery(
  name: string,
  csv: string,
  extra: string[],
  env: Record<string, string> = {},
): Promise<Run> {
  const results = `${dir}/${name}.jsonl`;
  const json = `${dir}/${name}.json`;
  const io = new BufferedIo();
  const code = await main([
    "query",
    "run",
    "--url",
    url,
    "--workers",
    "2",
    "--file",
    csv,
    "--results",
    results,
    "--json",
    json,
    ...extra,
  ], { io, env });
  assert.equal(code, 0, `${name}: ${io.stderr.join("\n")}`);
  const summary = JSON.parse(await Deno.readTextFile(json));
  return {
    code,
    io,
    answers: await readAnswers(results),
    queries: summary.queries,
    shard: summary.shard,
  };
}

function figure(io: BufferedIo, label: string): string {
  const line = io.stdout.find((l) => l.startsWith(label));
  assert.ok(line !== undefined, `no "${label}" line in:\n${io.stdout.join("\n")}`);
  return line.slice(line.indexOf(":") + 1).trim();
}

const byLine = (a: { line: number }, b: { line: number }) => a.line - b.line;
const withoutWorker = ({ line, host, minutes }: Answer) => ({ line, host, minutes });

const dir = await Deno.makeTempDir({ prefix: "stress_query_run_shard_" });
const url = await database("qshard");
const CSV = `${dir}/params.csv`;
const CSV_TEXT = paramsCsv(5);
await Deno.writeTextFile(CSV, CSV_TEXT);

/** Which shard each host belongs to, computed here the way `query run` is documented to. */
const SHARD_OF = new RendezvousDispatcher(SHARDS, { seed: 0x5a17 });

/** The hosts among the first `hosts` whose shard is `index`, sorted. */
function hostsOfShard(index: number, hosts: number): string[] {
  return Array.from({ length: hosts }, (_, h) => cpuUsageHost(h))
    .filter((host) => SHARD_OF.select(host) === index).sort();
}
const TOTAL = HOSTS * ROWS_PER_HOST;
/** The unsharded run and the runs of `--shard i/3`, filled by the first test. */
let whole: Run | null = null;
const shardRuns: Run[] = [];

Deno.test("query run --shard I/3 splits the rows by host: every row once, as the unsharded run answers it", async () => {
  whole = await runQuery("whole", CSV, []);
  assert.equal(whole.queries, TOTAL);
  assert.equal(whole.answers.length, TOTAL);
  assert.equal(whole.shard, null, "the JSON summary of a whole run");
  assert.ok(!whole.io.stdout.some((l) => l.startsWith("shard ")), whole.io.stdout.join("\n"));
  // The comparison below means something only when the answers carry data.
  assert.ok(
    whole.answers.filter((a) => a.minutes.length > 0).length > TOTAL * 0.9,
    "most windows should have data",
  );
  const expected = new Map(whole.answers.map((a) => [a.line, withoutWorker(a)]));

  for (let index = 0; index < SHARDS; index++) {
    shardRuns.push(await runQuery(`shard_${index}`, CSV, ["--shard", `${index}/${SHARDS}`]));
  }
  const shardOfLine = new Map<number, number>();
  const shardOfHost = new Map<string, number>();
  for (const [index, run] of shardRuns.entries()) {
    const { io, answers, queries } = run;
    assert.deepEqual(run.shard, { index, count: SHARDS }, "the JSON summary records the shard");
    assert.ok(
      io.stdout.some((l) => l.startsWith(`shard ${index}/${SHARDS}: the rows of the hosts`)),
      io.stdout.join("\n"),
    );
    assert.equal(queries, answers.length);
    assert.equal(figure(io, "Number of queries"), String(answers.length));
    assert.equal(figure(io, "Failed queries"), "0");
    assert.ok(
      io.stdout.includes(
        `shard ${index}/${SHARDS}: ${TOTAL - answers.length} rows belong to other shards`,
      ),
      io.stdout.join("\n"),
    );
    const hosts = new Set<string>();
    for (const answer of answers) {
      assert.equal(shardOfLine.get(answer.line), undefined, `line ${answer.line} in two shards`);
      shardOfLine.set(answer.line, index);
      assert.equal(
        shardOfHost.get(answer.host) ?? index,
        index,
        `host ${answer.host} in shards ${shardOfHost.get(answer.host)} and ${index}`,
      );
      shardOfHost.set(answer.host, index);
      hosts.add(answer.host);
      // The same answer as the unsharded run gives for that row.
      assert.deepEqual(withoutWorker(answer), expected.get(answer.line), `line ${answer.line}`);
    }
    // Hosts, not rows, are split: every shard has all the rows of its hosts.
    assert.equal(answers.length, hosts.size * ROWS_PER_HOST);
    // The hosts are the ones rendezvous hashing of the host name gives to this shard.
    assert.deepEqual([...hosts].sort(), hostsOfShard(index, HOSTS));
  }
  // Together the shards ran exactly the input: every line and host once, nothing more.
  assert.deepEqual(
    [...shardOfLine.keys()].sort((a, b) => a - b),
    whole.answers.map((a) => a.line).sort((a, b) => a - b),
  );
  assert.equal(shardOfHost.size, HOSTS);
  assert.equal(shardRuns.reduce((sum, run) => sum + run.queries, 0), whole.queries);
  assert.deepEqual(
    shardRuns.flatMap((run) => run.answers).map(withoutWorker).sort(byLine),
    whole.answers.map(withoutWorker).sort(byLine),
  );
});

Deno.test("query run --shards 3 takes its index from JOB_COMPLETION_INDEX: the rows of --shard I/3", async () => {
  assert.equal(shardRuns.length, SHARDS, "the --shard test runs first");
  for (let index = 0; index < SHARDS; index++) {
    const flags = index === 1 ? ["--shards=3"] : ["--shards", "3"];
    const run = await runQuery(`job_${index}`, CSV, flags, {
      JOB_COMPLETION_INDEX: String(index),
    });
    assert.ok(
      run.io.stdout.some((l) => l.startsWith(`shard ${index}/${SHARDS}: the rows`)),
      run.io.stdout.join("\n"),
    );
    assert.deepEqual(
      run.answers.map(withoutWorker).sort(byLine),
      shardRuns[index].answers.map(withoutWorker).sort(byLine),
    );
  }
});

Deno.test("query run --shard picks the same hosts whatever order its input is in", async () => {
  const lines = CSV_TEXT.trimEnd().split("\n");
  const reversed = `${dir}/reversed.csv`;
  await Deno.writeTextFile(reversed, [lines[0], ...lines.slice(1).reverse()].join("\n") + "\n");
  for (let index = 0; index < SHARDS; index++) {
    const run = await runQuery(`rev_${index}`, reversed, ["--shard", `${index}/${SHARDS}`]);
    assert.deepEqual(
      [...new Set(run.answers.map((a) => a.host))].sort(),
      hostsOfShard(index, HOSTS),
      `shard ${index} on the reversed input`,
    );
  }
});

Deno.test("query run on a shard whose hosts are all elsewhere runs nothing and exits 0", async () => {
  // Two hosts on two different shards of three: the third shard gets none of them.
  const first = cpuUsageHost(0);
  const other = Array.from({ length: 50 }, (_, h) => cpuUsageHost(h))
    .find((host) => SHARD_OF.select(host) !== SHARD_OF.select(first))!;
  const csv = `${dir}/two_hosts.csv`;
  await Deno.writeTextFile(
    csv,
    [first, other, first].map((h) => `${h},2017-01-01 00:10:00,2017-01-01 00:12:00`).join("\n"),
  );
  const runs: Run[] = [];
  for (let index = 0; index < SHARDS; index++) {
    runs.push(await runQuery(`two_${index}`, csv, ["--shard", `${index}/${SHARDS}`]));
  }
  const counts = runs.map((run) => run.queries);
  assert.deepEqual(counts.toSorted(), [0, 1, 2], `queries per shard: ${counts}`);
  const empty = runs[counts.indexOf(0)];
  assert.deepEqual(empty.answers, []);
  assert.equal(figure(empty.io, "Number of queries"), "0");
  assert.ok(
    empty.io.stdout.includes(`shard ${counts.indexOf(0)}/${SHARDS}: 3 rows belong to other shards`),
    empty.io.stdout.join("\n"),
  );
});

const BAD_SHARDS: [string, string[], Record<string, string>, RegExp][] = [
  ["--shard 3/3", ["--shard", "3/3"], {}, /^error: Cannot parse option "--shard": "3\/3"/],
  ["--shard 0/0", ["--shard=0/0"], {}, /^error: Cannot parse option "--shard": "0\/0"/],
  ["--shard -1/3", ["--shard", "-1/3"], {}, /^error: Cannot parse option "--shard": "-1\/3"/],
  ["--shard 1", ["--shard", "1"], {}, /^error: Cannot parse option "--shard": "1" .*I\/N/],
  [
    "--shards 3 without JOB_COMPLETION_INDEX",
    ["--shards", "3"],
    {},
    /^error: Cannot parse option "--shards": "3" needs JOB_COMPLETION_INDEX, which is not set, expected JOB_COMPLETION_INDEX in the environment/,
  ],
  [
    "--shards 3 with an empty JOB_COMPLETION_INDEX",
    ["--shards", "3"],
    { JOB_COMPLETION_INDEX: "" },
    /^error: Cannot parse option "--shards": "3" .*expected JOB_COMPLETION_INDEX/,
  ],
  [
    "--shards 3 with JOB_COMPLETION_INDEX=3",
    ["--shards", "3"],
    { JOB_COMPLETION_INDEX: "3" },
    /^error: Cannot parse option "JOB_COMPLETION_INDEX": "3" is invalid, expected a shard index 0..2 \(--shards 3\)$/,
  ],
  [
    "--shards 0",
    ["--shards", "0"],
    { JOB_COMPLETION_INDEX: "0" },
    /^error: Cannot parse option "--shards": "0" .*N >= 1/,
  ],
  [
    "both --shard and --shards",
    ["--shard", "0/3", "--shards", "3"],
    { JOB_COMPLETION_INDEX: "0" },
    /^error: Cannot parse option "--shards": "3" .*not both/,
  ],
];

for (const [name, flags, env, message] of BAD_SHARDS) {
  Deno.test(`query run ${name} gives exit 2 and one error line, before any query`, async () => {
    const results = `${dir}/bad_shard.jsonl`;
    const io = new BufferedIo();
    const code = await main(
      ["query", "run", "--url", url, "--file", CSV, "--results", results, ...flags],
      { io, env },
    );
    assert.equal(code, 2, io.stderr.join("\n"));
    assert.deepEqual(io.stdout, []);
    assert.equal(io.stderr.length, 1, io.stderr.join("\n"));
    assert.match(io.stderr[0], message);
    await assert.rejects(Deno.stat(results), Deno.errors.NotFound);
  });
}

Deno.test("query setup --shard is refused: its work is not split between loaders", async () => {
  const io = new BufferedIo();
  const code = await main(["query", "setup", "--url", url, "--shard", "0/2"], { io, env: {} });
  assert.equal(code, 2);
  assert.deepEqual(io.stdout, []);
  assert.equal(io.stderr.length, 1, io.stderr.join("\n"));
  assert.match(io.stderr[0], /^error: Cannot use --shard with "query setup"/);
});

Deno.test("query run shard tests stop the PostgreSQL server", async () => {
  await Deno.remove(dir, { recursive: true });
  await server.stop();
});
