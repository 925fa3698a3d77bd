/**
 * `deno run -A scripts/cross_check.ts --cassandra-stress PATH [--node H --port P] [--n N]
 * [--threads T]`: data both ways between the real cassandra-stress and ours, on one real node:
 * the one given, or without `--port` one started here with scripts/cassandra (pinned to core 1)
 * and stopped at the end.
 *
 * In keyspace `xcheck_cs_to_stress`, cassandra-stress runs `write` and `counter_write` of keys
 * 1..N (`-pop seq=1..N`) and ours reads every one of them back with `read` / `counter_read`
 * (validating each row); in `xcheck_stress_to_cs` the roles swap. A step passes when it exits 0
 * with N partitions and 0 errors (readers run with `-errors ignore`, so a bad row is counted, not
 * fatal). After each direction, three controls that must report errors, so that a pass above
 * cannot come from a reader that checks nothing: the reader reads 1,000 keys never written
 * (`read` and `counter_read`), and reads written rows expecting 33-byte values (`-col
 * size=FIXED(33)`) instead of the 34 bytes written. Each keyspace is dropped before and after
 * its direction. Clients run pinned to core 0 (`taskset -c 0`). Prints each command and its verdict; exit 0 only if every step passed, 1 if
 * one failed, 2 on a bad flag.
 *
 * Test infrastructure: never builds or downloads cassandra-stress; give it a built one.
 *
 * @module
 */

// deno-lint-ignore-file no-console
import { type CrossCheckFlags, parseCrossCheckFlags } from "./_cross_check_flags.ts";
import { CqlAdmin } from "../bench/_cql_admin.ts";
import { type PeerNode, peerNode } from "../bench/_peer_node.ts";
import { resultsBlock } from "../bench/_results_block.ts";
import { timedRun } from "../bench/_timed_run.ts";

const MAIN = new URL("../main.ts", import.meta.url).pathname;
const CLIENT_CPUS = "0";
const NODE_CPUS = "1";
const CONTROL_KEYS = 1_000;

type Flags = CrossCheckFlags;

/** One tool: how to start it. */
interface Tool {
  name: string;
  argv: string[];
}

/** A step: the command and what a pass means. */
interface Step {
  tool: Tool;
  args: string[];
  /** `pass`: exit 0, `partitions` partitions, 0 errors; `fail`: errors or a non-zero exit. */
  expect: "pass" | "fail";
  partitions: number;
}

function parseFlags(args: string[]): Flags {
  return parseCrossCheckFlags(args, { n: 100000, threads: 32 });
}

/** Where the node answers. */
interface Address {
  host: string;
  port: number;
}

function stepsOf(flags: Flags, at: Address, writer: Tool, reader: Tool, keyspace: string): Step[] {
  const common = [
    ...["-rate", `threads=${flags.threads}`, "-node", at.host, "-port", `native=${at.port}`],
    ...["-schema", `keyspace=${keyspace}`],
  ];
  const n = flags.n;
  const all = ["-pop", `seq=1..${n}`, ...common];
  const read = ["-errors", "ignore", ...all];
  const pass = (tool: Tool, args: string[]): Step => ({
    tool,
    args,
    expect: "pass",
    partitions: n,
  });
  const control = (command: string, keys: number, extra: string[]): Step => ({
    tool: reader,
    args: [command, `n=${keys}`, "-errors", "ignore", ...extra, ...common],
    expect: "fail",
    partitions: keys,
  });
  const written = Math.min(n, CONTROL_KEYS);
  const unwritten = ["-pop", `seq=${n + 1}..${n + CONTROL_KEYS}`];
  return [
    pass(writer, ["write", `n=${n}`, ...all]),
    pass(reader, ["read", `n=${n}`, ...read]),
    pass(writer, ["counter_write", `n=${n}`, ...all]),
    pass(reader, ["counter_read", `n=${n}`, ...read]),
    // Controls: keys never written, and written rows read as if their values were 33 bytes long.
    control("read", CONTROL_KEYS, unwritten),
    control("read", written, ["-pop", `seq=1..${written}`, "-col", "size=FIXED(33)"]),
    control("counter_read", CONTROL_KEYS, unwritten),
  ];
}

function fmt(value: number): string {
  return Number.isNaN(value) ? "?" : value.toLocaleString("en-US");
}

/** Runs a step, prints its command and verdict; resolves with whether it passed. */
async function runStep(step: Step, timeoutMs: number): Promise<boolean> {
  console.log(`$ taskset -c ${CLIENT_CPUS} ${[...step.tool.argv, ...step.args].join(" ")}`);
  const run = await timedRun([...step.tool.argv, ...step.args], { cpus: CLIENT_CPUS, timeoutMs });
  const results = resultsBlock(run.stdout);
  const errors = results?.errors ?? NaN;
  const partitions = results?.partitions ?? NaN;
  const clean = run.code === 0 && errors === 0 && partitions === step.partitions;
  const passed = step.expect === "pass" ? clean : run.code !== 0 || errors > 0;
  const want = step.expect === "pass" ? `want ${fmt(step.partitions)}, 0 errors` : "want errors";
  console.log(
    `  exit ${run.code}, ${fmt(partitions)} partitions, ${fmt(errors)} errors (${want}), ` +
      `${run.wallSec.toFixed(1)} s: ${passed ? "PASS" : "FAIL"}`,
  );
  if (!passed && step.expect === "pass") {
    const tail = (run.stdout + run.stderr).trim().split("\n").slice(-8).join("\n    ");
    console.log(`    ${tail}`);
  }
  return passed;
}

/** Runs both directions; resolves with the number of steps and of passes. */
async function crossCheck(flags: Flags, at: Address): Promise<{ steps: number; passed: number }> {
  const cs: Tool = { name: "cassandra-stress", argv: [flags.cassandraStress] };
  const ours: Tool = { name: "stress", argv: [Deno.execPath(), "run", "-A", MAIN] };
  const timeoutMs = Math.max(180_000, flags.n * 10);
  const admin = await CqlAdmin.connect(at.host, at.port);
  let steps = 0;
  let passed = 0;
  try {
    console.log(`Cassandra ${await admin.version()}; clients pinned to core ${CLIENT_CPUS}\n`);
    const directions: [Tool, Tool, string][] = [
      [cs, ours, "xcheck_cs_to_stress"],
      [ours, cs, "xcheck_stress_to_cs"],
    ];
    for (const [writer, reader, keyspace] of directions) {
      console.log(`## ${writer.name} writes, ${reader.name} reads (keyspace ${keyspace})`);
      await admin.dropKeyspace(keyspace);
      for (const step of stepsOf(flags, at, writer, reader, keyspace)) {
        steps++;
        if (await runStep(step, timeoutMs)) passed++;
      }
      await admin.dropKeyspace(keyspace);
      console.log();
    }
  } finally {
    await admin.close();
  }
  return { steps, passed };
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await Deno.stat(path)).isFile;
  } catch {
    return false;
  }
}

/** Runs the command; resolves with the exit code. */
export async function crossCheckMain(args: string[]): Promise<number> {
  let flags: Flags;
  try {
    flags = parseFlags(args);
  } catch (error) {
    console.error(`error: ${(error as Error).message}`);
    return 2;
  }
  if (!await isFile(flags.cassandraStress)) {
    console.error(`error: --cassandra-stress: no file at ${flags.cassandraStress}`);
    return 2;
  }
  let outcome;
  let node: PeerNode | null = null;
  try {
    node = await peerNode({ host: flags.node, port: flags.port }, NODE_CPUS);
    console.log(
      `node ${node.host}:${node.port}, ${node.started ? "started here" : "given"}, ` +
        `pid ${node.pid ?? "?"}, CPUs allowed: ${node.cpus}`,
    );
    outcome = await crossCheck(flags, node);
  } catch (error) {
    console.error(`error: ${(error as Error).message}`);
    return 1;
  } finally {
    await node?.stop();
  }
  const { steps, passed } = outcome;
  console.log(`cross-check: ${passed} of ${steps} steps passed`);
  return passed === steps ? 0 : 1;
}

if (import.meta.main) Deno.exit(await crossCheckMain(Deno.args));
