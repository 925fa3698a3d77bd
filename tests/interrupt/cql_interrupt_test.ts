// The interrupt matrix of the cassandra-stress commands: Ctrl-C (the abort path SIGTERM and a
// closed stdout share) at each phase, a fatal error and a failed connect, each checked on every
// file the command line names: `-log hdrfile= json= file=` and `-graph file=` (a graph file an
// earlier run wrote, whose revision must survive). A file is absent/untouched or complete and
// valid, the JSON says in which phase and why the run ended, the exit code is the documented
// one and stderr holds no stack trace.
import assert from "node:assert/strict";
import {
  assertEnded,
  checkGraph,
  checkHdrLog,
  checkJson,
  closedPort,
  readOrNull,
  runMain,
} from "./_interrupt_run.ts";
import { readUntil, spawnMain } from "../_main_child.ts";

const dir = await Deno.makeTempDir({ prefix: "stress_interrupt_cql_" });
const PROFILE = new URL("../testdata/profiles/keyvalue.yaml", import.meta.url).pathname;
const SYNTHETIC = ["-node", "synthetic:fixed(1000)"];
const THREADS = ["-rate", "threads=2"];

// The graph file an earlier successful run wrote; every case starts from a copy of it.
const EARLIER = `${dir}/earlier.html`;
{
  const run = await runMain([
    "write",
    "n=200",
    "no-warmup",
    ...THREADS,
    ...SYNTHETIC,
    "-log",
    "no-settings",
    "-graph",
    `file=${EARLIER}`,
    "revision=earlier",
    "title=earlier-run",
  ]);
  assertEnded(run, 0);
  checkGraph(EARLIER, ["earlier"]);
}
const EARLIER_HTML = Deno.readTextFileSync(EARLIER);

/** What a case expects of its files. */
interface Expected {
  code: number;
  /** `aborted` of the JSON summary; null for a run that completed. */
  aborted: RegExp | null;
  /** Whether the measured run started: intervals may be logged and the graph gets a revision. */
  measured: boolean;
  /**
   * The graph's revision names after the run's, when measured (default `this`): a thread search
   * adds one per step it ran, `this - N threads`, as cassandra-stress's graph does.
   */
  revisions?: string[];
}

let caseNumber = 0;

/** Runs one case with every file option, then checks each file. */
async function runCase(
  args: readonly string[],
  abortOn: RegExp | undefined,
  expected: Expected,
): Promise<void> {
  const base = `${dir}/case${++caseNumber}`;
  const graph = `${base}.html`;
  await Deno.writeTextFile(graph, EARLIER_HTML);
  const run = await runMain([
    ...args,
    "-log",
    "interval=200ms",
    `hdrfile=${base}.hdr`,
    `json=${base}.json`,
    `file=${base}.log`,
    "-graph",
    `file=${graph}`,
    "revision=this",
    "title=this-run",
  ], { abortOn });
  assertEnded(run, expected.code);
  if (expected.code === 130) {
    // The error line says whether anything was printed.
    const said = expected.measured ? /: printed what was measured$/ : /: nothing was measured$/;
    assert.match(run.err.at(-1) ?? "", said);
  }
  const intervals = checkHdrLog(`${base}.hdr`);
  if (!expected.measured) assert.equal(intervals, 0, "intervals logged before the measured run");
  checkJson(`${base}.json`, expected.aborted);
  // `-log file=` holds the output as printed, line for line.
  assert.equal(readOrNull(`${base}.log`), run.out.map((l) => l + "\n").join(""));
  if (expected.measured) {
    checkGraph(graph, ["earlier", ...(expected.revisions ?? ["this"])]);
  } else {
    assert.equal(await Deno.readTextFile(graph), EARLIER_HTML, "the graph file was changed");
  }
  const temporary = (await Array.fromAsync(Deno.readDir(dir))).filter((e) =>
    e.name.includes(".tmp-")
  );
  assert.deepEqual(temporary, [], "a graph temporary file was left");
}

const ctrlC = (phase: string, measured = false): Expected => ({
  code: 130,
  aborted: new RegExp(`^interrupted during ${phase}$`),
  measured,
});

// Synthetic target: no schema; the warm-up, the thread search, the measured run, the summary.
for (const command of ["write", "read", "mixed"]) {
  Deno.test(`${command} (synthetic): Ctrl-C in the warm-up`, async () => {
    await runCase(
      [command, "duration=30s", ...THREADS, ...SYNTHETIC],
      /^Warming up /,
      ctrlC("the warm-up"),
    );
  });
  Deno.test(`${command} (synthetic): Ctrl-C in the thread search`, async () => {
    await runCase(
      [command, "duration=30s", "no-warmup", "-rate", "threads>=2", "threads<=4", ...SYNTHETIC],
      /^total,/,
      { ...ctrlC("the thread search", true), revisions: ["this - 2 threads"] },
    );
  });
  Deno.test(`${command} (synthetic): Ctrl-C in the measured run`, async () => {
    await runCase(
      [command, "duration=30s", "no-warmup", ...THREADS, ...SYNTHETIC],
      /^total,/,
      ctrlC("the measured run", true),
    );
  });
  Deno.test(`${command} (synthetic): Ctrl-C in the summary`, async () => {
    await runCase(
      [command, "n=200", "no-warmup", ...THREADS, ...SYNTHETIC],
      /^Results:/,
      ctrlC("the summary", true),
    );
  });
}

Deno.test("write (synthetic): a run that completes leaves complete files and no aborted", async () => {
  await runCase(["write", "n=200", "no-warmup", ...THREADS, ...SYNTHETIC], undefined, {
    code: 0,
    aborted: null,
    measured: true,
  });
});

Deno.test("write (synthetic): a fatal error (every op fails, -errors not ignore): FAILURE, exit 1", async () => {
  await runCase(
    ["write", "n=200", "no-warmup", ...THREADS, "-node", "synthetic:fixed(100):errors(1)"],
    undefined,
    { code: 1, aborted: /^FAILURE: .* during the measured run$/, measured: true },
  );
});

for (const command of ["write", "read"]) {
  Deno.test(`${command}: a failed connect (closed port): exit 3`, async () => {
    await runCase(
      [command, "n=10", ...THREADS, "-node", "127.0.0.1", "-port", `native=${closedPort()}`],
      undefined,
      {
        code: 3,
        aborted: /^Cannot connect .* during the connection and schema creation$/,
        measured: false,
      },
    );
  });
}

// Embedded node: connect and schema creation matter.
for (
  const [command, line] of [
    ["write", /^Connected to cluster/],
    ["mixed", /^Connected to cluster/],
    [
      "read",
      /^TokenRange:/,
    ],
  ] as const
) {
  Deno.test(`${command} (embedded): Ctrl-C in the connection and schema creation`, async () => {
    await runCase(
      [command, "n=100", ...THREADS, "-node", "embedded"],
      line,
      ctrlC("the connection and schema creation"),
    );
  });
}

const USER = ["user", `profile=${PROFILE}`, "ops(insert=3,read=1)"];

Deno.test("user (embedded): Ctrl-C in the schema creation", async () => {
  await runCase(
    [...USER, "n=100", ...THREADS, "-node", "embedded"],
    /^Connected to cluster/,
    ctrlC("the connection and schema creation"),
  );
});

Deno.test("user (embedded): Ctrl-C in the warm-up", async () => {
  await runCase(
    [...USER, "duration=30s", ...THREADS, "-node", "embedded"],
    /^Warming up /,
    ctrlC("the warm-up"),
  );
});

Deno.test("user (embedded): Ctrl-C in the measured run", async () => {
  await runCase(
    [...USER, "duration=30s", "no-warmup", ...THREADS, "-node", "embedded"],
    /^total,/,
    ctrlC("the measured run", true),
  );
});

Deno.test("user (embedded): Ctrl-C in the summary", async () => {
  await runCase(
    [...USER, "n=100", "no-warmup", ...THREADS, "-node", "embedded"],
    /^Results:/,
    ctrlC("the summary", true),
  );
});

Deno.test("SIGTERM in the warm-up (a child process): valid files that say so, exit 143", async () => {
  const base = `${dir}/sigterm`;
  await Deno.writeTextFile(`${base}.html`, EARLIER_HTML);
  const child = spawnMain([
    "write",
    "duration=30s",
    ...THREADS,
    ...SYNTHETIC,
    "-log",
    `hdrfile=${base}.hdr`,
    `json=${base}.json`,
    `file=${base}.log`,
    "-graph",
    `file=${base}.html`,
    "revision=this",
  ]);
  const reader = child.stdout.getReader();
  const timer = setTimeout(() => child.kill("SIGKILL"), 30_000);
  try {
    await readUntil(reader, "Warming up ", 1);
    child.kill("SIGTERM");
    while (!(await reader.read()).done) {
      // Drain stdout.
    }
    const [status, stderr] = await Promise.all([child.status, new Response(child.stderr).text()]);
    assert.equal(status.code, 143, stderr);
    assert.match(stderr, /^error: Run interrupted by SIGTERM/m);
    assert.doesNotMatch(stderr, /^\s+at\s/m);
  } finally {
    clearTimeout(timer);
  }
  assert.equal(checkHdrLog(`${base}.hdr`), 0);
  checkJson(`${base}.json`, /^interrupted during the warm-up$/);
  assert.match(await Deno.readTextFile(`${base}.log`), /^Warming up WRITE/m);
  assert.equal(await Deno.readTextFile(`${base}.html`), EARLIER_HTML);
});

Deno.test("cassandra-stress interrupt matrix: remove the temporary directory", async () => {
  await Deno.remove(dir, { recursive: true });
});
