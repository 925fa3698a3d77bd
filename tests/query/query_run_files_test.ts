import assert from "node:assert/strict";
import { BufferedIo } from "../../lib/cli/command_io.ts";
import { readHdrLog } from "../../lib/report/read_hdr_log.ts";
import { main } from "../../main.ts";
import { cpuUsageHost } from "../../lib/query/cpu_usage.ts";
import { readAnswers } from "./_query_answers.ts";
import { freshDatabase, startPostgres } from "./_pg_fixture.ts";

// One server for the whole file; the last test stops it.
const server = await startPostgres();
const HOSTS = 4;
const ROWS = 200;
const dir = await Deno.makeTempDir({ prefix: "stress_query_files_" });

const url = await (async () => {
  const url = await freshDatabase(server, "qfiles");
  const io = new BufferedIo();
  const code = await main(["query", "setup", "--url", url, "--generate", `${HOSTS},0.05`], { io });
  assert.equal(code, 0, io.stderr.join("\n"));
  return url;
})();

/** `ROWS` rows over the generated hosts. */
function paramsCsv(): string {
  const lines = ["hostname,start_time,end_time"];
  for (let i = 0; i < ROWS; i++) {
    lines.push(`${cpuUsageHost(i % HOSTS)},2017-01-01 00:10:00,2017-01-01 00:40:00`);
  }
  return lines.join("\n") + "\n";
}

const csv = `${dir}/params.csv`;
const CSV_TEXT = paramsCsv();

/** Runs `query run` on a fresh copy of the input (so that no case sees another's damage). */
async function run(args: string[]): Promise<{ code: number; io: BufferedIo }> {
  await Deno.writeTextFile(csv, CSV_TEXT);
  const io = new BufferedIo();
  const code = await main(["query", "run", "--url", url, ...args], { io });
  return { code, io };
}

/** Asserts exit 2 with one `error:` line matching `message`, and nothing run (no banner). */
function assertRefusedBeforeRun(result: { code: number; io: BufferedIo }, message: RegExp): void {
  const { code, io } = result;
  assert.equal(code, 2, io.stderr.join("\n"));
  assert.deepEqual(io.stdout, []);
  assert.equal(io.stderr.length, 1, io.stderr.join("\n"));
  assert.match(io.stderr[0], message);
}

/** Asserts the results were printed, then exit 2 with one `error:` line matching `message`. */
function assertMeasuredThenRefused(result: { code: number; io: BufferedIo }, message: RegExp) {
  const { code, io } = result;
  assert.equal(code, 2, io.stderr.join("\n"));
  assert.ok(io.stdout.some((line) => line.startsWith("Number of queries")), io.stdout.join("\n"));
  assert.equal(io.stderr.length, 1, io.stderr.join("\n"));
  assert.match(io.stderr[0], message);
}

Deno.test("query run refuses an output that is the input or another output, before it writes anything", async (t) => {
  const shared = `${dir}/shared.out`;
  const hardLink = `${dir}/hard.csv`;
  await Deno.writeTextFile(csv, CSV_TEXT);
  await Deno.link(csv, hardLink); // run() rewrites the input in place: the link stays one

  const cases: [string, string[], RegExp][] = [
    [
      "--results on the input",
      ["--results", csv],
      /--results ".*": it is the file of --file, which/,
    ],
    [
      "--hdr-log on the input",
      ["--hdr-log", csv],
      /--hdr-log ".*": it is the file of --file, which/,
    ],
    ["--json on the input", ["--json", csv], /--json ".*": it is the file of --file, which/],
    ["--json on dir/./input", ["--json", `${dir}/./params.csv`], /--json ".*": it is the file/],
    [
      "--results on a hard link to the input",
      ["--results", hardLink],
      /--results ".*hard\.csv": it is the file of --file, which/,
    ],
    ["--json and --results", ["--json", shared, "--results", shared], /--results .* of --json,/],
    ["--json and --hdr-log", ["--json", shared, "--hdr-log", shared], /--hdr-log .* of --json,/],
  ];
  for (const [name, args, message] of cases) {
    await t.step(name, async () => {
      const result = await run(["--file", csv, ...args]);
      assertRefusedBeforeRun(
        result,
        new RegExp(`^error: Cannot write the file of ${message.source}`),
      );
      assert.equal(await Deno.readTextFile(csv), CSV_TEXT, "the input is intact");
      await assert.rejects(Deno.stat(shared), Deno.errors.NotFound);
    });
  }
});

Deno.test("query run refuses a --json it cannot write before any query runs", async (t) => {
  const cases: [string, string, RegExp][] = [
    ["a missing folder", `${dir}/nodir/x.json`, /"[^"]*\/nodir\/x\.json": No such file/],
    ["a folder", dir, /"[^"]*": it is a directory, expected a file$/],
    ...(Deno.build.os === "linux"
      ? [["a /proc file", "/proc/version", /"\/proc\/version": /] as [string, string, RegExp]]
      : []),
  ];
  for (const [name, path, message] of cases) {
    await t.step(name, async () => {
      const result = await run(["--file", csv, "--json", path]);
      assertRefusedBeforeRun(
        result,
        new RegExp(`^error: Cannot write the file of --json ${message.source}`),
      );
    });
  }
});

Deno.test("query run gives one line for a --file that is a directory", async () => {
  assertRefusedBeforeRun(
    await run(["--file", dir]),
    /^error: Cannot read --file ".*": it is a directory, expected a CSV file/,
  );
  assertRefusedBeforeRun(
    await run(["--file", dir, "--skip-bad-rows"]),
    /^error: Cannot read --file ".*": it is a directory, expected a CSV file/,
  );
});

Deno.test("query run reads a --file that is a pipe once, as it reads stdin", async () => {
  // bash's <(...) hands the command /dev/fd/N: a pipe, which a second open finds at its end.
  const mainTs = new URL("../../main.ts", import.meta.url).pathname;
  const output = await new Deno.Command("bash", {
    args: [
      "-c",
      'exec "$0" run -A "$1" query run --url "$2" --file <(printf %s "$3")',
      Deno.execPath(),
      mainTs,
      url,
      CSV_TEXT,
    ],
    env: { NO_COLOR: "1" },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stdout = new TextDecoder().decode(output.stdout);
  const stderr = new TextDecoder().decode(output.stderr);
  assert.equal(output.code, 0, stdout + stderr);
  assert.match(stdout, new RegExp(`^Number of queries +: ${ROWS}$`, "m"));
  assert.equal(stderr, "");
});

Deno.test("query run refuses more than 1024 Workers, saying why", async () => {
  for (const workers of ["1025", "1000000000"]) {
    assertRefusedBeforeRun(
      await run(["--file", csv, "--workers", workers]),
      new RegExp(
        `^error: Cannot parse --workers: "${workers}" is too many, expected a positive integer ` +
          "of at most 1024 \\(each Worker is a thread with its own connection",
      ),
    );
  }
});

Deno.test("query run --seed quotes the value given", async () => {
  for (const seed of ["-7", "-1", "1.5", "x"]) {
    assertRefusedBeforeRun(
      await run(["--file", csv, "--seed", seed]),
      new RegExp(`^error: Cannot parse --seed: "${seed.replace(".", "\\.")}" is invalid, expected`),
    );
  }
});

Deno.test({
  name:
    "query run on a full device prints what it measured, then one error line, other files valid",
  ignore: Deno.build.os !== "linux",
  fn: async (t) => {
    const full = /"\/dev\/full": No space left on device/;
    await t.step("--json /dev/full", async () => {
      const result = await run(["--file", csv, "--json", "/dev/full"]);
      assertMeasuredThenRefused(
        result,
        new RegExp(`^error: Cannot write the file of --json ${full.source}`),
      );
    });
    await t.step("--hdr-log /dev/full", async () => {
      const result = await run(["--file", csv, "--hdr-log", "/dev/full"]);
      assertMeasuredThenRefused(
        result,
        new RegExp(`^error: Cannot write the file of --hdr-log ${full.source}`),
      );
    });
    await t.step("--results /dev/full stops the run; --json and --hdr-log stay valid", async () => {
      const json = `${dir}/full.json`;
      const hdr = `${dir}/full.hdr`;
      const result = await run([
        "--file",
        csv,
        "--results",
        "/dev/full",
        "--json",
        json,
        "--hdr-log",
        hdr,
      ]);
      assertMeasuredThenRefused(
        result,
        new RegExp(`^error: Cannot write the file of --results ${full.source}`),
      );
      const summary = JSON.parse(await Deno.readTextFile(json));
      assert.equal(summary.aborted, "an output file could not be written during the measured run");
      const log = readHdrLog(await Deno.readTextFile(hdr), hdr);
      const counted = log.intervals.reduce((sum, i) => sum + i.histogram.totalCount, 0);
      assert.equal(counted, summary.queries);
    });
  },
});

Deno.test("query run still writes a --json that is a new file, and replaces an old one", async () => {
  const json = `${dir}/fresh.json`;
  const results = `${dir}/fresh.jsonl`;
  await Deno.writeTextFile(json, "old");
  const { code, io } = await run(["--file", csv, "--json", json, "--results", results]);
  assert.equal(code, 0, io.stderr.join("\n"));
  assert.equal(JSON.parse(await Deno.readTextFile(json)).queries, ROWS);
  assert.equal((await readAnswers(results)).length, ROWS);
  const left: string[] = [];
  for await (const entry of Deno.readDir(dir)) {
    if (entry.name.includes(".tmp-")) left.push(entry.name);
  }
  assert.deepEqual(left, [], "no sibling is left behind");
});

Deno.test("query run files tests stop the PostgreSQL server", async () => {
  await Deno.remove(dir, { recursive: true });
  await server.stop();
});
