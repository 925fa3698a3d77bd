import assert from "node:assert/strict";
import { main } from "../main.ts";
import { BufferedIo } from "../lib/cli/command_io.ts";
import { VERSION } from "../lib/version.ts";

async function run(args: string[], signal?: AbortSignal) {
  const io = new BufferedIo();
  const code = await main(args, { io, signal: signal ?? new AbortController().signal });
  return { code, out: io.stdout, err: io.stderr };
}

Deno.test("main() runs write n=20000 against the synthetic target end to end", async () => {
  const { code, out, err } = await run([
    "write",
    "n=20000",
    "-rate",
    "threads=16",
    "-node",
    "synthetic:uniform(100..300)",
  ]);
  assert.equal(code, 0, err.join("\n"));
  // stderr has the loader verdict only (stdout stays what cassandra-stress prints).
  assert.equal(err.length, 1, err.join("\n"));
  assert.match(err[0], /^Loader: (ok|limited)[ :]/);
  assert.equal(out[0], "******************** Stress Settings ********************");
  assert.ok(out.includes("Warming up WRITE with 5000 iterations..."));
  assert.ok(out.includes("Running WRITE with 16 threads for 20000 iteration"));
  const header = out.findIndex((l) => l.startsWith("type       total ops,"));
  assert.ok(header > 0);
  const rows = out.filter((l) => l.startsWith("total,"));
  assert.ok(rows.length >= 1);
  assert.match(rows[rows.length - 1], /^total,\s+20000,/);
  const results = out.indexOf("Results:");
  assert.ok(results > header);
  assert.deepEqual(out.slice(results - 2, results), ["", ""]);
  assert.equal(out[results + 10], "Total partitions          :     20,000 [WRITE: 20,000]");
  assert.equal(out[results + 11], "Total errors              :          0 [WRITE: 0]");
  assert.match(out[results + 1], /^Op rate {19}: +[0-9,]+ op\/s {2}\[WRITE: [0-9,]+ op\/s\]$/);
  assert.equal(out[out.length - 1], "END");
});

Deno.test("main() writes -log hdrfile=, json= and file= for a throttled run", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const args = [
      "write",
      "n=3000",
      "no-warmup",
      "-rate",
      "threads=8",
      "fixed=3000/s",
      "-node",
      "synthetic:fixed(200)",
      "-log",
      `hdrfile=${dir}/run.hdr`,
      `json=${dir}/run.json`,
      `file=${dir}/run.log`,
      "interval=500ms",
    ];
    const { code, out } = await run(args);
    assert.equal(code, 0);
    assert.equal(await Deno.readTextFile(`${dir}/run.log`), out.join("\n") + "\n");
    const hdr = await Deno.readTextFile(`${dir}/run.hdr`);
    assert.match(hdr, /^#\[Histogram log format version 1\.3\]$/m);
    for (const kind of ["st", "rt", "wt"]) {
      assert.match(hdr, new RegExp(`^Tag=WRITE-${kind},`, "m"));
    }
    const json = JSON.parse(await Deno.readTextFile(`${dir}/run.json`));
    assert.equal(json.total.ops, 3000);
    assert.equal(json.latencyKind, "response");
    assert.ok(json.intervals.length >= 1);
    assert.equal(json.command, args.join(" "));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("main() prints one error line and exits 2 on a bad command line", async (t) => {
  const cases: [string[], RegExp][] = [
    [["write", "n=oops"], /"oops"/],
    [["write", "n=10", "duration=10s"], /duration=10s|n=10/],
    [["write", "-rate", "threads=4", "-rat", "x"], /-rat/],
    [["write", "-sendto", "127.0.0.1"], /not supported/],
    [["wrte", "n=10"], /"wrte"/],
    [["simulate"], /SECONDS/],
    [["simulate", "3", "4"], /"4" is extra/],
    // Longer than a timer can wait: it would have fired at once.
    [["simulate", "99999999999999999999"], /is too long/],
    [["write", "duration=720h"], /"720h" is too long, expected at most 596h/],
    [["analyze", "zero"], /"zero"/],
    // Distributions a Worker could not build fail before the settings dump and the connect
    // (port 1 would be exit 3).
    [
      ["write", "n=10", "-col", "size=FIXED(-1)", "-node", "127.0.0.1", "-port", "native=1"],
      /"FIXED\(-1\)" has size "-1"/,
    ],
    [
      [
        "write",
        "n=10",
        "-pop",
        "dist=extreme(1..100,0)",
        "-node",
        "127.0.0.1",
        "-port",
        "native=1",
      ],
      /has shape "0"/,
    ],
    [
      [
        "mixed",
        "n=10",
        "clustering=gaussian(1..10,5,0)",
        "-node",
        "127.0.0.1",
        "-port",
        "native=1",
      ],
      /stdev "0"/,
    ],
    // Two outputs in one file would overwrite or mix into each other.
    [
      ["write", "n=10", "-log", "file=o.txt", "hdrfile=o.txt"],
      /"o\.txt" is also the file of -log file/,
    ],
    [
      ["write", "n=10", "-log", "json=r.html", "-graph", "file=./r.html"],
      /is also the file of -log json/,
    ],
    // Names every object inherits are no command and no help topic.
    [["constructor"], /"constructor" is not a known command/],
    [["help", "constructor"], /"constructor" is not a known command or option/],
    [["help", "toString"], /"toString" is not a known command or option/],
    [["__proto__", "n=1"], /"__proto__" is not a known command/],
    [["disk", "constructor"], /"disk constructor": it is not a disk command/],
  ];
  for (const [args, pattern] of cases) {
    await t.step(args.join(" "), async () => {
      const { code, out, err } = await run(args);
      assert.equal(code, 2);
      assert.deepEqual(out, []);
      assert.equal(err.length, 1);
      assert.match(err[0], /^error: /);
      assert.match(err[0], pattern);
    });
  }
});

Deno.test("main() exits 3 with one line for a CQL node this build cannot reach", async () => {
  const { code, err } = await run(["write", "n=10", "-node", "127.0.0.1"]);
  assert.equal(code, 3);
  assert.equal(err.length, 1);
  assert.match(err[0], /^error: Cannot connect to CQL node\(s\) "127\.0\.0\.1"/);
});

Deno.test("main() names the port of a -node host:port it cannot reach, not -port's", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = listener.addr.port;
  listener.close();
  const { code, err } = await run(["write", "n=10", "-node", `127.0.0.1:${port}`]);
  assert.equal(code, 3);
  assert.equal(err.length, 1, err.join("\n"));
  assert.match(
    err[0],
    new RegExp(`^error: Cannot connect to CQL node\\(s\\) "127\\.0\\.0\\.1:${port}": `),
  );
});

Deno.test("main() --dry-run prints the settings dump and touches no target", async () => {
  const { code, out } = await run(["--dry-run", "read", "n=1m", "-node", "127.9.9.9"]);
  assert.equal(code, 0);
  assert.equal(out[0], "******************** Stress Settings ********************");
  assert.ok(out.includes("  Type: read"));
  assert.ok(out.includes("  Nodes: [127.9.9.9]"));
  assert.deepEqual(out.slice(-4), ["TokenRange:", "  Wrap: false", "  Split Factor: 1", ""]);
});

Deno.test("main() help, version and print exit 0", async () => {
  const help = await run(["help", "-rate"]);
  assert.equal(help.code, 0);
  assert.ok(help.out.some((l) => l.includes("throttle=")));
  const general = await run(["--help"]);
  assert.equal(general.code, 0);
  assert.ok(general.out.some((l) => l.includes("simulate")));
  const version = await run(["version"]);
  assert.deepEqual(version.out, [`stress ${VERSION} (cassandra-stress compatible command line)`]);
  // What most tools answer to, too.
  const dashed = await run(["--version"]);
  assert.equal(dashed.code, 0);
  assert.deepEqual(dashed.out, version.out);
  const print = await run(["print", "dist=gaussian(1..100)"]);
  assert.equal(print.code, 0);
  assert.equal(print.out[0], "% of samples    Range       % of total");
});

Deno.test("main() disk, query and checkout list their commands on --help, -h and help", async () => {
  const groups = {
    disk: ["server", "client", "report"],
    query: ["setup", "run"],
    checkout: ["consistency", "load"],
  };
  for (const [group, subcommands] of Object.entries(groups)) {
    for (const flag of ["--help", "-h", "help"]) {
      const usage = await run([group, flag]);
      assert.equal(usage.code, 0, usage.err.join("\n"));
      assert.equal(usage.out[0], `Usage: stress ${group} ${subcommands.join("|")} [options]`);
      for (const sub of subcommands) {
        assert.ok(usage.out.some((l) => l.startsWith(`  ${sub} `)), `${group} ${sub}`);
      }
    }
    assert.deepEqual((await run(["help", group])).out, (await run([group, "--help"])).out);
    const none = await run([group]);
    assert.equal(none.code, 2);
    assert.deepEqual(none.err, [
      `error: Cannot run "${group}": it needs a command, expected ${
        subcommands.map((sub) => `${group} ${sub}`).join(", ").replace(/, ([^,]*)$/, " or $1")
      } (stress ${group} --help lists them)`,
    ]);
    const wrong = await run([group, "nope"]);
    assert.equal(wrong.code, 2);
    assert.match(wrong.err[0], new RegExp(`^error: Cannot run "${group} nope": it is not a`));
  }
});

Deno.test("main() help COMMAND prints the usage of our own commands too", async () => {
  const commands = ["simulate", "analyze", "compare", "merge", "serve", "disk", "checkout load"];
  for (const command of commands) {
    const words = command.split(" ");
    const help = await run(["help", ...words]);
    assert.equal(help.code, 0, help.err.join("\n"));
    assert.deepEqual(help.out, (await run([...words, "--help"])).out, command);
    assert.match(help.out[0], new RegExp(`^Usage: stress ${command}\\b`));
  }
});

Deno.test("main() ends with FAILURE and exit 1 when ops fail without -errors ignore", async () => {
  const { code, out, err } = await run([
    "write",
    "n=500",
    "no-warmup",
    "-rate",
    "threads=4",
    "-node",
    "synthetic:fixed(100):errors(1)",
    "-errors",
    "retries=1",
  ]);
  assert.equal(code, 1);
  assert.equal(out.at(-1), "FAILURE");
  assert.ok(err.some((l) => l.startsWith("Operation x2 on key(s) [")));
});

Deno.test("main() counts ignored errors and still ends with END", async () => {
  const { code, out } = await run([
    "write",
    "n=2000",
    "no-warmup",
    "-rate",
    "threads=4",
    "-node",
    "synthetic:fixed(50):errors(0.5)",
    "-errors",
    "ignore",
    "retries=0",
    "-log",
    "level=minimal",
  ]);
  assert.equal(code, 0);
  assert.equal(out.at(-1), "END");
  const errors = out.find((l) => l.startsWith("Total errors"))!;
  const count = Number(/: +([0-9,]+) \[/.exec(errors)![1].replaceAll(",", ""));
  assert.ok(count > 600 && count < 1400, errors);
});

Deno.test("main() on SIGINT prints what was measured and exits 130", async () => {
  const controller = new AbortController();
  setTimeout(() => controller.abort(), 700);
  const { code, out, err } = await run([
    "write",
    "duration=30s",
    "no-warmup",
    "-rate",
    "threads=4",
    "-node",
    "synthetic:fixed(1000)",
  ], controller.signal);
  assert.equal(code, 130);
  assert.ok(out.includes("Results:"));
  assert.match(err.at(-1)!, /^error: Run interrupted/);
});

Deno.test("VERSION matches deno.json", async () => {
  const config = JSON.parse(await Deno.readTextFile(new URL("../deno.json", import.meta.url)));
  assert.equal(VERSION, config.version);
});

Deno.test("main() rejects an unwritable -log json= path before running anything", async () => {
  const { code, out, err } = await run([
    "write",
    "n=10",
    "-node",
    "synthetic",
    "-log",
    "json=/nonexistent-dir/run.json",
  ]);
  assert.equal(code, 2);
  assert.deepEqual(out, []);
  assert.equal(err.length, 1);
  assert.match(
    err[0],
    /^error: Cannot create the file of -log json "\/nonexistent-dir\/run\.json"/,
  );
});

Deno.test("main() -pop seq=LO..HI no-wrap ends the run once every seed was visited", async () => {
  for (const stop of ["n=1000", "duration=60s"]) {
    const { code, out, err } = await run([
      "write",
      stop,
      "no-warmup",
      "-pop",
      "seq=1..300",
      "no-wrap",
      "-rate",
      "threads=4",
      "-node",
      "synthetic:fixed(100)",
    ]);
    assert.equal(code, 0, err.join("\n"));
    assert.ok(out.includes("Total partitions          :        300 [WRITE: 300]"), out.join("\n"));
    // A duration run ends with the seeds, not after 60 s.
    assert.match(out.find((l) => l.startsWith("Total operation time")) ?? "", /00:00:0\d$/);
  }
});

Deno.test("main() prints at most 100 failed operations a Worker, then says the rest are not printed", async () => {
  const { code, out, err } = await run([
    "write",
    "n=2000",
    "no-warmup",
    "-rate",
    "threads=4",
    "-node",
    "synthetic:fixed(50):errors(0.5)",
    "-errors",
    "ignore",
    "retries=0",
  ]);
  assert.equal(code, 0, err.join("\n"));
  const errors = out.find((l) => l.startsWith("Total errors"))!;
  const count = Number(/: +([0-9,]+) \[/.exec(errors)![1].replaceAll(",", ""));
  const printed = err.filter((l) => l.startsWith("Operation x1 on key(s) ["));
  const notices = err.filter((l) =>
    /^Worker \d: further failed operations are not printed/.test(l)
  );
  // At most 4 Workers share 2,000 ops, half of them failing: every Worker passes 100.
  assert.ok(notices.length >= 1, err.join("\n"));
  assert.equal(printed.length, 100 * notices.length);
  assert.ok(count > printed.length, `${count} errors, ${printed.length} printed`);
});
