// The CQL peers side by side on one real Cassandra node: `stress` (main.ts, as a subprocess), a
// bare cassandra-driver loop (bench/_bare_cql_loop.ts), latte (`--latte PATH`, with a workload of
// our own: bench/_latte_peer.ts) and the real cassandra-stress (`--cassandra-stress PATH`; this
// script never builds or downloads one). Each runs `write n=N` then `read n=N` of the same rows
// (cassandra-stress's default `standard1`: a 10-byte key and five 34-byte blobs C0..C4; keys 1..N
// in order, `-pop seq=1..N`, so the read fetches every row once) with the same number of
// requests in flight (`-rate threads=T`, the loop's C, latte's `-p T -t 1`), in a keyspace of its
// own that is dropped and created fresh (the table as cassandra-stress creates it) before it runs
// and dropped after. stress and cassandra-stress run with `no-warmup`, latte with `-w 0`, so each
// run is exactly N ops; reads are checked: stress and cassandra-stress validate every row
// (0 errors, N partitions), the loop and latte must get N rows back.
//
// Per run: throughput and p50/p99 from the tool's own output (the `Results:` block; latte's JSON
// report; the loop's own count); client CPU per op = user+sys of the client's whole process
// tree over N (from /usr/bin/time, start-up included) and the same net of start-up (minus the
// CPU of a 1-op run of the same tool, once per tool); peak RSS; and ours/peer ratios. Clients
// run on core 0 (`taskset -c 0`), the node on core 1: a node started here is pinned so; for a
// given node (`--node H --port P`) the script prints the CPUs it may use. Prints a markdown table
// (medians over `--rounds`). Each tool keeps its own connection defaults (cassandra-stress: 8 per
// host; latte: 1; stress: one per host per Worker on its native path; the loop: cassandra-driver's
// 1 per client).
//
//   deno run -A bench/cql_peers.ts [--node 127.0.0.1 --port P] [--n 100000] [--threads 128]
//     [--latte PATH] [--cassandra-stress PATH] [--rounds 1]
// Without --port it starts its own node with scripts/cassandra (pinned to core 1).
// deno-lint-ignore-file no-console
import { parseArgs } from "node:util";
import { CqlAdmin } from "./_cql_admin.ts";
import { latteFigures, latteWorkload } from "./_latte_peer.ts";
import { isLoopbackHost, type PeerNode, peerNode } from "./_peer_node.ts";
import { resultsBlock } from "./_results_block.ts";
import { type TimedRun, timedRun } from "./_timed_run.ts";

const MAIN = new URL("../main.ts", import.meta.url).pathname;
const BARE = new URL("./_bare_cql_loop.ts", import.meta.url).pathname;
const CLIENT_CPUS = "0";
const NODE_CPUS = "1";

type Phase = "write" | "read";
const PHASES: Phase[] = ["write", "read"];

interface Flags {
  n: number;
  threads: number;
  node: string;
  port: number | null;
  latte: string | null;
  cassandraStress: string | null;
  rounds: number;
}

/** One measured run. */
interface Figures {
  opRate: number;
  p50Ms: number;
  p99Ms: number;
  cpuSec: number;
  peakRssMb: number;
  /** Empty when the run did all its ops without an error, else what went wrong. */
  problem: string;
}

/** Where a side's run happens. */
interface RunPlace {
  host: string;
  port: number;
  keyspace: string;
  dir: string;
}

/** A client under test. */
interface Side {
  name: string;
  keyspace: string;
  argv(phase: Phase, n: number, threads: number, place: RunPlace): string[];
  figures(run: TimedRun, phase: Phase, n: number, place: RunPlace): Promise<Figures>;
  /** The folder to run it in, when it writes files of its own there (latte's logs). */
  cwd?: (place: RunPlace) => string;
}

function positiveInt(name: string, text: string): number {
  if (!/^[1-9]\d*$/.test(text)) {
    throw new TypeError(`--${name} is "${text}", expected a whole number >= 1`);
  }
  return Number(text);
}

function parseFlags(args: string[]): Flags {
  const { values } = parseArgs({
    args,
    options: {
      n: { type: "string", default: "100000" },
      threads: { type: "string", default: "128" },
      node: { type: "string", default: "127.0.0.1" },
      port: { type: "string" },
      latte: { type: "string" },
      "cassandra-stress": { type: "string" },
      rounds: { type: "string", default: "1" },
    },
    strict: true,
    allowPositionals: false,
  });
  if (!isLoopbackHost(values.node)) {
    throw new TypeError(`--node is "${values.node}": loopback only`);
  }
  return {
    n: positiveInt("n", values.n),
    threads: positiveInt("threads", values.threads),
    node: values.node,
    port: values.port === undefined ? null : positiveInt("port", values.port),
    latte: values.latte ?? null,
    cassandraStress: values["cassandra-stress"] ?? null,
    rounds: positiveInt("rounds", values.rounds),
  };
}

/** What a stress or cassandra-stress run printed, checked. */
function stressFigures(run: TimedRun, phase: Phase, n: number): Figures {
  const results = resultsBlock(run.stdout);
  const problem = run.code !== 0
    ? `exit ${run.code}`
    : results === null
    ? "no Results block"
    : results.errors !== 0 || results.partitions !== n
    ? `${results.errors} errors, ${results.partitions} partitions`
    : "";
  return {
    opRate: results?.opRate ?? NaN,
    p50Ms: results?.p50Ms ?? NaN,
    p99Ms: results?.p99Ms ?? NaN,
    cpuSec: run.cpuSec,
    peakRssMb: run.peakRssMb,
    problem: problem === "" ? "" : `${phase}: ${problem}`,
  };
}

/** The args stress and cassandra-stress share. */
function stressArgs(phase: Phase, n: number, threads: number, place: RunPlace): string[] {
  return [
    ...[phase, `n=${n}`, "no-warmup", "-pop", `seq=1..${n}`, "-rate", `threads=${threads}`],
    ...[
      "-node",
      place.host,
      "-port",
      `native=${place.port}`,
      "-schema",
      `keyspace=${place.keyspace}`,
    ],
  ];
}

function stressSide(): Side {
  return {
    name: "stress",
    keyspace: "peers_stress",
    argv: (phase, n, threads, place) => [
      ...[Deno.execPath(), "run", "-A", MAIN],
      ...stressArgs(phase, n, threads, place),
    ],
    figures: (run, phase, n) => Promise.resolve(stressFigures(run, phase, n)),
  };
}

function cassandraStressSide(path: string): Side {
  return {
    name: "cassandra-stress",
    keyspace: "peers_cs",
    argv: (phase, n, threads, place) => [path, ...stressArgs(phase, n, threads, place)],
    figures: (run, phase, n) => Promise.resolve(stressFigures(run, phase, n)),
  };
}

function bareSide(): Side {
  return {
    name: "cassandra-driver loop",
    keyspace: "peers_driver",
    argv: (phase, n, threads, place) => [
      ...[Deno.execPath(), "run", "-A", BARE, place.host, String(place.port), place.keyspace],
      ...[phase, String(n), String(threads)],
    ],
    figures: (run, phase, n) => {
      const line = run.stdout.trim().split("\n").at(-1) ?? "";
      const out = run.code === 0 && line.startsWith("{") ? JSON.parse(line) : null;
      const problem = out === null
        ? `exit ${run.code}`
        : out.missing !== 0 || out.failed !== 0 || out.ops !== n
        ? `${out.missing} rows missing, ${out.failed} ops failed of ${out.ops} (${out.firstError})`
        : "";
      return Promise.resolve({
        opRate: out === null ? NaN : out.ops / out.seconds,
        p50Ms: out?.p50Ms ?? NaN,
        p99Ms: out?.p99Ms ?? NaN,
        cpuSec: run.cpuSec,
        peakRssMb: run.peakRssMb,
        problem: problem === "" ? "" : `${phase}: ${problem}`,
      });
    },
  };
}

function latteSide(path: string): Side {
  const report = (place: RunPlace, phase: Phase) => `${place.dir}/latte_${phase}.json`;
  return {
    cwd: (place) => place.dir,
    name: "latte",
    keyspace: "peers_latte",
    argv: (phase, n, threads, place) => [
      ...[
        path,
        "run",
        `${place.dir}/${place.keyspace}.rn`,
        "-f",
        phase,
        "-d",
        String(n),
        "-w",
        "0",
      ],
      ...["-p", String(threads), "-t", "1", "--consistency", "LOCAL_ONE", "-q"],
      ...["-o", report(place, phase), `${place.host}:${place.port}`],
    ],
    figures: async (run, phase, n, place) => {
      const text = run.code === 0 ? await Deno.readTextFile(report(place, phase)) : null;
      const figures = text === null ? null : latteFigures(text);
      const problem = figures === null
        ? `exit ${run.code}`
        : figures.errors !== 0 || figures.cycles !== n || (phase === "read" && figures.rows !== n)
        ? `${figures.errors} errors, ${figures.cycles} cycles, ${figures.rows} rows`
        : "";
      await Deno.remove(report(place, phase)).catch(() => {});
      return {
        opRate: figures?.opRate ?? NaN,
        p50Ms: figures?.p50Ms ?? NaN,
        p99Ms: figures?.p99Ms ?? NaN,
        cpuSec: run.cpuSec,
        peakRssMb: run.peakRssMb,
        problem: problem === "" ? "" : `${phase}: ${problem}`,
      };
    },
  };
}

function median(values: number[]): number {
  const sorted = values.toSorted((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** The first line of a command's output, or `?`. */
async function firstLine(command: string, args: string[]): Promise<string> {
  try {
    const output = await new Deno.Command(command, { args, stdout: "piped", stderr: "piped" })
      .output();
    const text = new TextDecoder().decode(output.stdout);
    return text.split("\n").find((line) => line.trim() !== "")?.trim() ?? "?";
  } catch {
    return "?";
  }
}

async function printSetUp(flags: Flags, sides: Side[], places: RunPlace[]): Promise<void> {
  const cpu = /model name\s*:\s*(.*)/.exec(await Deno.readTextFile("/proc/cpuinfo"))?.[1] ?? "?";
  const load = (await Deno.readTextFile("/proc/loadavg")).split(" ").slice(0, 3).join(" ");
  console.log(`machine: ${navigator.hardwareConcurrency} CPUs (${cpu}), load average ${load}`);
  console.log(
    `deno ${Deno.version.deno}; stress on its native path; cassandra-driver 4.8.0 (the loop)`,
  );
  if (flags.latte !== null) console.log(await firstLine(flags.latte, ["--version"]));
  if (flags.cassandraStress !== null) {
    const script = `"$0" version 2>&1 | grep ^Version`;
    console.log(
      `cassandra-stress ${await firstLine("bash", ["-c", script, flags.cassandraStress])}`,
    );
  }
  console.log(
    `${flags.n} writes then ${flags.n} reads per client, ${flags.threads} in flight, ` +
      `${flags.rounds} round(s)`,
  );
  console.log(`\nCommands (each run as \`taskset -c ${CLIENT_CPUS} COMMAND\`):`);
  sides.forEach((side, index) => {
    for (const phase of PHASES) {
      console.log(`  ${side.argv(phase, flags.n, flags.threads, places[index]).join(" ")}`);
    }
  });
}

/** Runs one side: fresh keyspace, write, read; resolves with its figures per phase. */
async function runSide(
  side: Side,
  flags: Flags,
  place: RunPlace,
  admin: CqlAdmin,
): Promise<Record<Phase, Figures>> {
  const timeoutMs = Math.max(180_000, flags.n * 5);
  await admin.dropKeyspace(place.keyspace);
  await admin.createStandard1(place.keyspace);
  const figures = {} as Record<Phase, Figures>;
  for (const phase of PHASES) {
    const argv = side.argv(phase, flags.n, flags.threads, place);
    const run = await timedRun(argv, {
      cpus: CLIENT_CPUS,
      timeoutMs,
      env: { NO_COLOR: "1" },
      cwd: side.cwd?.(place),
    });
    figures[phase] = await side.figures(run, phase, flags.n, place);
    if (figures[phase].problem !== "") {
      const lines = (run.stdout + run.stderr).trim().split("\n");
      const shown = [
        ...lines.filter((l) => /error|exception/i.test(l)).slice(0, 3),
        ...lines.slice(-3),
      ];
      console.log(`  ${side.name} ${figures[phase].problem}\n    ${shown.join("\n    ")}`);
    }
  }
  await admin.dropKeyspace(place.keyspace);
  return figures;
}

/** CPU seconds of a 1-op write of a side (its start-up and shutdown). */
async function startUpCpu(side: Side, place: RunPlace, admin: CqlAdmin): Promise<number> {
  await admin.dropKeyspace(place.keyspace);
  await admin.createStandard1(place.keyspace);
  const run = await timedRun(side.argv("write", 1, 1, place), {
    cpus: CLIENT_CPUS,
    timeoutMs: 180_000,
    cwd: side.cwd?.(place),
  });
  return run.code === 0 ? run.cpuSec : NaN;
}

/** Medians over rounds of each figure. */
function medianFigures(runs: Figures[]): Figures {
  const of = (key: "opRate" | "p50Ms" | "p99Ms" | "cpuSec" | "peakRssMb") =>
    median(runs.map((r) => r[key]));
  return {
    opRate: of("opRate"),
    p50Ms: of("p50Ms"),
    p99Ms: of("p99Ms"),
    cpuSec: of("cpuSec"),
    peakRssMb: of("peakRssMb"),
    problem: runs.map((r) => r.problem).filter((p) => p !== "").join("; "),
  };
}

interface Row {
  side: string;
  phase: Phase;
  figures: Figures;
  cpuUsPerOp: number;
  netCpuUsPerOp: number;
}

function fixed(value: number, digits: number): string {
  return Number.isFinite(value) ? value.toFixed(digits) : "?";
}

function printTable(rows: Row[]): void {
  console.log(
    "\n| client | phase | op/s | CPU µs/op | CPU µs/op net of start-up | peak RSS MB | p50 ms " +
      "| p99 ms | ours/peer op/s | ours/peer CPU/op (net) | ours/peer RSS |",
  );
  console.log("|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|");
  for (const row of rows) {
    const ours = rows.find((r) => r.side === "stress" && r.phase === row.phase)!;
    const ratio = (a: number, b: number) => row === ours ? "-" : fixed(a / b, 2);
    const f = row.figures;
    console.log(
      `| ${row.side}${f.problem === "" ? "" : " (!)"} | ${row.phase} | ${fixed(f.opRate, 0)} ` +
        `| ${fixed(row.cpuUsPerOp, 1)} | ${fixed(row.netCpuUsPerOp, 1)} ` +
        `| ${fixed(f.peakRssMb, 0)} | ${fixed(f.p50Ms, 2)} | ${fixed(f.p99Ms, 2)} ` +
        `| ${ratio(ours.figures.opRate, f.opRate)} ` +
        `| ${ratio(ours.netCpuUsPerOp, row.netCpuUsPerOp)} ` +
        `| ${ratio(ours.figures.peakRssMb, f.peakRssMb)} |`,
    );
  }
  for (const row of rows) {
    if (row.figures.problem !== "") console.log(`(!) ${row.side}: ${row.figures.problem}`);
  }
}

function sidesOf(flags: Flags): Side[] {
  return [
    stressSide(),
    bareSide(),
    ...(flags.latte === null ? [] : [latteSide(flags.latte)]),
    ...(flags.cassandraStress === null ? [] : [cassandraStressSide(flags.cassandraStress)]),
  ];
}

async function bench(flags: Flags, admin: CqlAdmin, host: string, port: number): Promise<Row[]> {
  const dir = await Deno.makeTempDir({ prefix: "cql_peers_" });
  try {
    const sides = sidesOf(flags);
    const places = sides.map((side) => ({ host, port, keyspace: side.keyspace, dir }));
    for (const place of places) {
      await Deno.writeTextFile(`${dir}/${place.keyspace}.rn`, latteWorkload(place.keyspace));
    }
    await printSetUp(flags, sides, places);
    const startUp: number[] = [];
    for (const [index, side] of sides.entries()) {
      startUp.push(await startUpCpu(side, places[index], admin));
    }
    const runs: Record<Phase, Figures>[][] = sides.map(() => []);
    for (let round = 1; round <= flags.rounds; round++) {
      for (const [index, side] of sides.entries()) {
        console.log(`round ${round}: ${side.name}`);
        runs[index].push(await runSide(side, flags, places[index], admin));
      }
    }
    return sides.flatMap((side, index) =>
      PHASES.map((phase) => {
        const figures = medianFigures(runs[index].map((r) => r[phase]));
        return {
          side: side.name,
          phase,
          figures,
          cpuUsPerOp: figures.cpuSec * 1e6 / flags.n,
          netCpuUsPerOp: (figures.cpuSec - startUp[index]) * 1e6 / flags.n,
        };
      })
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await Deno.stat(path)).isFile;
  } catch {
    return false;
  }
}

/** Runs against a node: prints the set-up and the table; resolves with the exit code. */
async function benchOn(flags: Flags, node: PeerNode): Promise<number> {
  const admin = await CqlAdmin.connect(node.host, node.port);
  try {
    const pinned = node.cpus === NODE_CPUS ? "" : ` (not pinned to core ${NODE_CPUS}!)`;
    console.log(
      `node: Cassandra ${await admin.version()} at ${node.host}:${node.port}, ` +
        `${node.started ? "started here" : "given"}, pid ${node.pid ?? "?"}, ` +
        `CPUs allowed: ${node.cpus}${pinned}`,
    );
    console.log(`clients: pinned to core ${CLIENT_CPUS} (taskset -c ${CLIENT_CPUS})`);
    const rows = await bench(flags, admin, node.host, node.port);
    printTable(rows);
    console.log(
      "\nCPU/op: user+sys of the client's process tree over N (/usr/bin/time); net: minus " +
        "the CPU of a 1-op run of the same client. Ratios: ours (stress) over the peer: " +
        "op/s > 1 and CPU/op < 1 favour ours.",
    );
    return rows.some((r) => r.figures.problem !== "") ? 1 : 0;
  } finally {
    await admin.close();
  }
}

async function main(args: string[]): Promise<number> {
  let flags: Flags;
  try {
    flags = parseFlags(args);
  } catch (error) {
    console.error(`error: ${(error as Error).message}`);
    return 2;
  }
  for (
    const [flag, path] of [["latte", flags.latte], ["cassandra-stress", flags.cassandraStress]]
  ) {
    if (path !== null && !await isFile(path)) {
      console.error(`error: --${flag}: no file at ${path}`);
      return 2;
    }
  }
  let node: PeerNode | null = null;
  try {
    node = await peerNode({ host: flags.node, port: flags.port }, NODE_CPUS);
    return await benchOn(flags, node);
  } catch (error) {
    console.error(`error: ${(error as Error).message}`);
    return 1;
  } finally {
    await node?.stop();
  }
}

if (import.meta.main) Deno.exit(await main(Deno.args));
