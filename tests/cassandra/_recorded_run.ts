// Test fixture: runs a recorded cassandra-stress command line (tests/testdata/cassandra-stress-real/)
// through main() against a node (the embedded one, or a real Cassandra node), and checks our output
// against the recording with tests/cassandra/_compare_output.ts: exactly the known differences, the
// pool we open, and the exit status.
import assert from "node:assert/strict";
import { main } from "../../main.ts";
import type { CommandIo } from "../../lib/cli/command_io.ts";
import {
  type CompareOptions,
  compareWithRecorded,
  formatDifferences,
  lateTickLimitMs,
  type Mask,
  readRecorded,
  recordedArgs,
  splitOutput,
} from "./_compare_output.ts";
import { connectionsPerHostOf, workersOf } from "../../lib/cql/driver/cql_settings.ts";
import { parseStressArgs } from "../../lib/cql/options/parse_stress_args.ts";

/** Where a node answers CQL: its host (default 127.0.0.1) and native port. */
export interface NodeAddress {
  readonly host?: string;
  readonly port: number;
}

/**
 * The differences every run shows with the default `-mode` and `-schema`: none (the pool, which
 * differs on purpose, is masked and checked by {@linkcode checkPool}).
 */
export const DEFAULTS: readonly string[] = [];

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

export interface Run {
  args: string[];
  code: number;
  out: string[];
  err: string[];
  /** The longest the test process's event loop (the run's main thread) was late, in ms. */
  stallMs: number;
}

/**
 * Watches the event loop of this process, which runs main() and so the run's interval ticks:
 * how late a 10 ms timer fired, at most, until stopped.
 */
function watchStalls(): () => number {
  let longestMs = 0;
  let last = performance.now();
  const timer = setInterval(() => {
    const now = performance.now();
    longestMs = Math.max(longestMs, now - last - 10);
    last = now;
  }, 10);
  return () => {
    clearInterval(timer);
    return longestMs;
  };
}

export interface RunOptions {
  /** Called with each stdout line as it is printed. */
  onLine?: (line: string) => void;
  signal?: AbortSignal;
  /** Called for each sleep (schema propagation, `Sleeping 2s...`); returns at once. */
  onSleep?: () => void;
  /** The folder for the recording's `OUT/`. */
  out?: string;
}

/** Runs a recorded command line through main() against `node`, with no real sleeps. */
export async function runRecorded(
  node: NodeAddress,
  name: string,
  options: RunOptions = {},
): Promise<Run> {
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
    node: ["-node", node.host ?? "127.0.0.1", "-port", `native=${node.port}`],
    out: options.out,
  });
  const stopWatching = watchStalls();
  let stallMs = 0;
  let code: number;
  try {
    code = await main(args, {
      io,
      signal: options.signal ?? new AbortController().signal,
      sleep: () => {
        options.onSleep?.();
        return Promise.resolve();
      },
    });
  } finally {
    stallMs = stopWatching();
  }
  return { args, code, out, err, stallMs };
}

/** Checks ours against the recording: exactly the `known` differences, and the exit status. */
export function check(
  name: string,
  run: Run,
  known: readonly string[],
  options: CompareOptions & { exitStatus?: number } = {},
): void {
  const masks = [...POOL_MASKS, ...(options.masks ?? [])];
  // Rows end on whole intervals when the ticks fire on time: not checked after a stall of this
  // process longer than a row may be late (a busy machine, not our scheduling).
  const timeGrid = run.stallMs <= lateTickLimitMs(options.intervalMs ?? 1000);
  const differences = compareWithRecorded(name, run.out, { ...options, masks, timeGrid });
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

/**
 * Run 13 (uncertainty mode, `n>5000` intervals): the fork ran until it was killed after 170 s.
 * Ours is stopped after three interval rows, as Ctrl-C stops it, and checked against the
 * recording's beginning.
 */
export async function checkStoppedUncertaintyRun(node: NodeAddress): Promise<void> {
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
}
