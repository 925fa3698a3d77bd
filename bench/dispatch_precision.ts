// How precisely scheduled ops start (issue 25): `write` on a schedule against an idle node, with
// `throttle=R` (latency from the actual start: service time) and `fixed=R` (latency from the
// intended start: response time), at each rate R, for `stress` and, with `--cassandra-stress
// PATH`, the real cassandra-stress (this script never builds or downloads one) on the same node.
// Each run writes an HDR log; the figures come from its `-st`, `-rt` and `-wt` histograms (wait
// time: intended start to actual start), so both tools are read the same way. Also the client's
// CPU (user+sys of its whole process tree, start-up included) per second of run, in cores.
//
// The client runs on core 0 (`taskset -c 0`: one Worker, so R is the rate per Worker), the node
// on core 1: `stress serve` started here, or the node at `--port P` (`deno task cassandra`).
// First it prints the machine's floor (bench/_wake_floor.ts): how late a bare timed sleep on the
// client core wakes, which no dispatcher on this machine can beat.
// Targets: wait time p50 <= 50 us and p99 <= 500 us at 2,000 and 20,000 op/s per Worker;
// `fixed=`'s median within 0.1 ms of `throttle=`'s.
//
//   deno run -A bench/dispatch_precision.ts [--port P] [--rates 2000,20000] [--duration 10]
//     [--threads 32] [--cassandra-stress PATH]
// deno-lint-ignore-file no-console
import { parseArgs } from "node:util";
import { readHdrLog } from "../lib/report/read_hdr_log.ts";
import type { LatencyHistogram } from "../lib/stats/latency_histogram.ts";
import { startServeNode } from "./_serve_node.ts";
import { timedRun } from "./_timed_run.ts";

const MAIN = new URL("../main.ts", import.meta.url).pathname;
const WAKE_FLOOR = new URL("./_wake_floor.ts", import.meta.url).pathname;
const CLIENT_CPUS = "0";
const NODE_CPUS = "1";

interface Flags {
  port: number | null;
  rates: number[];
  durationSec: number;
  threads: number;
  cassandraStress: string | null;
}

function flagsOf(args: string[]): Flags {
  const { values } = parseArgs({
    args,
    options: {
      port: { type: "string" },
      rates: { type: "string", default: "2000,20000" },
      duration: { type: "string", default: "10" },
      threads: { type: "string", default: "32" },
      "cassandra-stress": { type: "string" },
    },
  });
  const whole = (name: string, text: string) => {
    if (!/^[1-9]\d*$/.test(text)) throw new TypeError(`--${name} "${text}" is not a whole number`);
    return Number(text);
  };
  return {
    port: values.port === undefined ? null : whole("port", values.port),
    rates: values.rates.split(",").map((rate) => whole("rates", rate)),
    durationSec: whole("duration", values.duration),
    threads: whole("threads", values.threads),
    cassandraStress: values["cassandra-stress"] ?? null,
  };
}

/** One run's figures, in microseconds (CPU in cores). */
interface Row {
  tool: string;
  mode: string;
  rate: number;
  ops: number;
  opRate: number;
  st: [number, number];
  rt: [number, number];
  wt: [number, number];
  cores: number;
}

/** The p50 and p99 (us) of every interval of `tag` merged. */
function percentiles(histograms: LatencyHistogram[]): [number, number] {
  if (histograms.length === 0) return [NaN, NaN];
  const merged = histograms[0];
  for (const other of histograms.slice(1)) merged.add(other);
  return [merged.valueAtPercentile(50) / 1e3, merged.valueAtPercentile(99) / 1e3];
}

/** The merged -st, -rt and -wt histograms of an HDR log (either tool's). */
function figuresOf(path: string): Pick<Row, "ops" | "st" | "rt" | "wt"> {
  const log = readHdrLog(Deno.readTextFileSync(path), path);
  const of = (suffix: string) =>
    log.intervals.filter((i) => i.tag.endsWith(suffix)).map((i) => i.histogram);
  const st = of("-st");
  return {
    ops: st.reduce((n, h) => n + h.totalCount, 0),
    st: percentiles(st),
    rt: percentiles(of("-rt")),
    wt: percentiles(of("-wt")),
  };
}

async function run(
  tool: string,
  argv: string[],
  hdr: string,
  rate: number,
  mode: string,
  durationSec: number,
): Promise<Row> {
  const result = await timedRun(argv, { cpus: CLIENT_CPUS, timeoutMs: (durationSec + 120) * 1e3 });
  if (result.code !== 0) {
    throw new Error(`${tool} exited ${result.code}:\n${result.stdout}\n${result.stderr}`);
  }
  const rateLine = /^Op rate\s+:\s+([\d,]+)/m.exec(result.stdout);
  return {
    tool,
    mode,
    rate,
    opRate: rateLine === null ? NaN : Number(rateLine[1].replaceAll(",", "")),
    cores: result.cpuSec / result.wallSec,
    ...figuresOf(hdr),
  };
}

function format(row: Row): string {
  const us = (n: number) => (Number.isFinite(n) ? n.toFixed(0) : "-").padStart(7);
  return `${row.tool.padEnd(17)} ${row.mode.padEnd(9)} ${String(row.rate).padStart(6)} ${
    String(row.opRate).padStart(7)
  } ${us(row.st[0])} ${us(row.st[1])} ${us(row.rt[0])} ${us(row.rt[1])} ${us(row.wt[0])} ${
    us(row.wt[1])
  } ${row.cores.toFixed(3).padStart(6)}`;
}

/** The machine's floor: how late a bare 0.4 ms sleep on the client core wakes. */
async function wakeFloor(): Promise<string> {
  const result = await timedRun([Deno.execPath(), "run", "-A", WAKE_FLOOR, "5"], {
    cpus: CLIENT_CPUS,
    timeoutMs: 60_000,
  });
  const floor = JSON.parse(result.stdout) as Record<string, number>;
  return `floor: a bare 0.4 ms sleep on core ${CLIENT_CPUS} (${floor.sleeps} sleeps) wakes ` +
    `p50 ${floor.p50} us, p99 ${floor.p99} us, p99.9 ${floor.p999} us late; ` +
    `${floor.over300} over 300 us`;
}

async function main(flags: Flags): Promise<void> {
  const served = flags.port === null ? await startServeNode(NODE_CPUS) : null;
  const port = flags.port ?? served!.port;
  const dir = await Deno.makeTempDir({ prefix: "dispatch_precision_" });
  try {
    const target = ["-node", "127.0.0.1", "-port", `native=${port}`];
    // The schema, and a warm node.
    await timedRun([Deno.execPath(), "run", "-A", MAIN, "write", "n=20000", ...target], {
      cpus: CLIENT_CPUS,
      timeoutMs: 120_000,
    });
    console.log(
      `write duration=${flags.durationSec}s -rate threads=${flags.threads} MODE=RATE/s, ` +
        `client on core ${CLIENT_CPUS}, node ${
          served === null ? `at port ${port}` : "stress serve"
        }` +
        ` on core ${NODE_CPUS}; latencies in us (st: service, rt: response, wt: wait)`,
    );
    console.log(
      "tool              mode        rate    op/s  st p50  st p99  rt p50  rt p99  wt p50  wt p99  cores",
    );
    console.log(await wakeFloor());
    for (const rate of flags.rates) {
      for (const mode of ["throttle", "fixed"]) {
        const common = [
          `duration=${flags.durationSec}s`,
          "no-warmup",
          "-rate",
          `threads=${flags.threads}`,
          `${mode}=${rate}/s`,
          ...target,
        ];
        const hdr = `${dir}/stress-${mode}-${rate}.hdr`;
        const ours = [Deno.execPath(), "run", "-A", MAIN, "write", ...common];
        const stressArgs = [...ours, "-log", `hdrfile=${hdr}`, "no-settings"];
        console.log(format(await run("stress", stressArgs, hdr, rate, mode, flags.durationSec)));
        if (flags.cassandraStress === null) continue;
        const csHdr = `${dir}/cs-${mode}-${rate}.hdr`;
        const cs = [flags.cassandraStress, "write", ...common, "-log", `hdrfile=${csHdr}`];
        console.log(
          format(await run("cassandra-stress", cs, csHdr, rate, mode, flags.durationSec)),
        );
      }
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
    if (served !== null) {
      served.process.kill("SIGTERM");
      await served.process.status;
    }
  }
}

try {
  await main(flagsOf(Deno.args));
} catch (error) {
  console.error(`error: ${error instanceof Error ? error.message : String(error)}`);
  Deno.exit(2);
}
