// Our output of the recorded cassandra-stress command lines (tests/testdata/cassandra-stress-real/,
// the ScyllaDB fork 3.19.0 against Cassandra 5.0.6) against the embedded node, compared part
// by part with the real tool's (tests/cassandra/_compare_output.ts): settings dump, the order
// of the banner lines, interval header and row shapes, Results blocks. Each test runs the
// recording's command lines in its order on one node, so reads find what writes stored.
import assert from "node:assert/strict";
import { main } from "../../main.ts";
import type { CommandIo } from "../../lib/commands/command_io.ts";
import type { CqlServer } from "../../lib/embedded/cql/cql_server.ts";
import {
  type CompareOptions,
  compareWithRecorded,
  formatDifferences,
  type Mask,
  readRecorded,
  recordedArgs,
  splitOutput,
} from "../cassandra/_compare_output.ts";
import { startNode } from "./_cql_run.ts";
import { connectionsPerHostOf, workersOf } from "../../lib/commands/cql_settings.ts";
import { parseStressArgs } from "../../lib/options/parse_stress_args.ts";

/**
 * The fork's default replication strategy is NetworkTopologyStrategy; ours is still
 * SimpleStrategy (its default lives in lib/options/_groups_target.ts).
 */
const STRATEGY = ["Schema/Replication Strategy"];

/** The differences of a run with the default `-mode` and `-schema`. */
const DEFAULTS = STRATEGY;

/**
 * Our pool differs from the fork's on purpose: each Worker's driver client opens one
 * connection per host (or its share of `connectionsPerHost=`) where the fork opens 8. The
 * settings dump and the connect banner print ours, which depends on the core count: both are
 * masked here and checked against the pool by {@linkcode checkPool}.
 */
const POOL_MASKS: Mask[] = [
  [/^( {2}Connections Per Host: )\d+$/, "$1<n>"],
  [/(max connections per host )\d+$/, "$1<n>"],
];

/** The dump prints the pool we open (or the given `connectionsPerHost=`), the banner our pool. */
function checkPool(run: Run): void {
  const settings = parseStressArgs(run.args);
  const workers = workersOf(settings, navigator.hardwareConcurrency);
  const total = connectionsPerHostOf(settings, workers).total;
  const dump = `  Connections Per Host: ${settings.mode.connectionsPerHost ?? total}`;
  assert.ok(run.out.includes(dump), `${dump} in\n${run.out.join("\n")}`);
  const banner = run.out.find((line) => line.startsWith("Connected to cluster: "));
  assert.match(banner ?? "", new RegExp(`, max connections per host ${total}$`));
}

interface Run {
  args: string[];
  code: number;
  out: string[];
  err: string[];
}

interface RunOptions {
  /** Called with each stdout line as it is printed. */
  onLine?: (line: string) => void;
  signal?: AbortSignal;
  /** Called for each sleep (schema propagation, `Sleeping 2s...`); returns at once. */
  onSleep?: () => void;
  /** The folder for the recording's `OUT/`. */
  out?: string;
}

/** Runs a recorded command line through main() against `node`, with no real sleeps. */
async function runRecorded(node: CqlServer, name: string, options: RunOptions = {}): Promise<Run> {
  const out: string[] = [];
  const err: string[] = [];
  const io: CommandIo = {
    out(line) {
      out.push(line);
      options.onLine?.(line);
    },
    err: (line) => err.push(line),
  };
  const args = recordedArgs(name, {
    node: ["-node", "127.0.0.1", "-port", `native=${node.port}`],
    out: options.out,
  });
  const code = await main(args, {
    io,
    signal: options.signal ?? new AbortController().signal,
    sleep: () => {
      options.onSleep?.();
      return Promise.resolve();
    },
  });
  return { args, code, out, err };
}

/** Checks ours against the recording: exactly the `known` differences, and the exit status. */
function check(
  name: string,
  run: Run,
  known: readonly string[],
  options: CompareOptions & { exitStatus?: number } = {},
): void {
  const masks = [...POOL_MASKS, ...(options.masks ?? [])];
  const differences = compareWithRecorded(name, run.out, { ...options, masks });
  assert.deepEqual(
    differences.map((d) => d.where).sort(),
    [...known].sort(),
    `${name}:\n${formatDifferences(differences)}\n--- our stdout:\n${run.out.join("\n")}\n` +
      `--- stderr (first lines):\n${run.err.slice(0, 5).join("\n")}`,
  );
  checkPool(run);
  const expected = options.exitStatus ?? splitOutput(readRecorded(name)).exitStatus;
  assert.equal(run.code, expected, `${name} exit code; stderr:\n${run.err.slice(0, 5).join("\n")}`);
}

Deno.test("write, then read, mixed, duration and auto-thread reads print what cassandra-stress prints (runs 01, 02, 03, 07, 09, 12, 15)", async (t) => {
  const node = await startNode();
  try {
    for (const name of ["01-write", "02-read", "03-mixed", "07-read-duration-log"]) {
      await t.step(name, async () => check(name, await runRecorded(node, name), DEFAULTS));
    }
    await t.step("09-read-missing-keys", async () => {
      // The fork gives up at the failed warm-up; ours goes on to the measured run, which fails.
      const run = await runRecorded(node, "09-read-missing-keys");
      check("09-read-missing-keys", run, DEFAULTS, { prefix: true });
      assert.equal(run.out.at(-1), "FAILURE");
    });
    for (const name of ["12-read-auto-threads", "15-mixed-clustering"]) {
      await t.step(name, async () => check(name, await runRecorded(node, name), DEFAULTS));
    }
  } finally {
    await node.close();
  }
});

Deno.test("counter, schema, no-warmup, graph, -mode and truncate runs print what cassandra-stress prints (runs 04, 05, 06, 14, 16, 18, 20)", async (t) => {
  const node = await startNode();
  const out = await Deno.makeTempDir();
  try {
    for (const name of ["04-counter-write", "05-counter-read", "14-write-no-warmup-dist"]) {
      await t.step(name, async () => check(name, await runRecorded(node, name), DEFAULTS));
    }
    await t.step("06-write-cols-schema", async () => {
      // The fork fails to create the table on Cassandra 5.0 (its pre-4.0 compression map);
      // ours creates it and runs.
      const run = await runRecorded(node, "06-write-cols-schema");
      check("06-write-cols-schema", run, DEFAULTS, { prefix: true, exitStatus: 0 });
      assert.equal(run.out.at(-1), "END");
    });
    await t.step("16-write-hdr-graph", async () => {
      const run = await runRecorded(node, "16-write-hdr-graph", { out });
      const masks: Mask[] = [[new RegExp(out.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"), "g"), "OUT"]];
      check("16-write-hdr-graph", run, DEFAULTS, { masks });
      const hdr = await Deno.readTextFile(`${out}/16.hdr`);
      assert.match(hdr, /^Tag=WRITE-st,/m);
      assert.match(await Deno.readTextFile(`${out}/16-graph.html`), /demo/);
    });
    await t.step("18-write-mode-options", async () => {
      check("18-write-mode-options", await runRecorded(node, "18-write-mode-options"), DEFAULTS);
    });
    await t.step("20-write-truncate", async () => {
      // The fork truncates a table it never made and fails; ours truncates standard1.
      const run = await runRecorded(node, "20-write-truncate");
      check("20-write-truncate", run, DEFAULTS, { prefix: true, exitStatus: 0 });
      assert.equal(run.out.at(-1), "END");
    });
  } finally {
    await node.close();
    await Deno.remove(out, { recursive: true });
  }
});

Deno.test("throttled and fixed-rate writes print what cassandra-stress prints (runs 10, 11)", async (t) => {
  const node = await startNode();
  try {
    for (const name of ["10-write-throttle", "11-write-fixed"]) {
      await t.step(name, async () => check(name, await runRecorded(node, name), DEFAULTS));
    }
  } finally {
    await node.close();
  }
});

Deno.test("writes that every replica refuses, ignored, print what cassandra-stress prints (runs 08, 17)", async (t) => {
  const node = await startNode();
  try {
    for (const name of ["08-write-cl-all-errors-ignore", "17-write-errors-retries"]) {
      await t.step(name, async () => {
        // One node answers every consistency level: it refuses every op once the schema is
        // made (the first sleep), as Cassandra refuses cl=ALL with replication factor 2.
        node.setFaults({ errorRate: 0 });
        let sleeps = 0;
        const run = await runRecorded(node, name, {
          onSleep: () => {
            if (sleeps++ === 0) node.setFaults({ errorRate: 1, errorKinds: ["unavailable"] });
          },
        });
        node.setFaults({ errorRate: 0 });
        check(name, run, DEFAULTS);
        assert.ok(run.out.some((l) => /^Total errors\s+:\s+2,000 \[WRITE: 2,000\]$/.test(l)));
      });
    }
  } finally {
    await node.close();
  }
});

Deno.test("an uncertainty run prints what cassandra-stress prints until it is stopped (run 13)", async () => {
  const node = await startNode();
  try {
    // n>5000 counts intervals: the fork ran until it was killed after 170 s. Ours is
    // stopped after three interval rows, as Ctrl-C stops it.
    const controller = new AbortController();
    let rows = 0;
    const run = await runRecorded(node, "13-write-uncertainty", {
      signal: controller.signal,
      onLine: (line) => {
        if (line.startsWith("total,") && ++rows === 3) controller.abort();
      },
    });
    check("13-write-uncertainty", run, DEFAULTS, {
      prefix: true,
      masks: [[/^Caught signal: TERM$/, ""]],
      exitStatus: 130,
    });
  } finally {
    await node.close();
  }
});
