/**
 * `stress simulate SECONDS`: a real load run against the synthetic target for SECONDS,
 * printing the seed tool's CSV (`Throughput (ops/s),Latency (ms)`), a row per `--interval`.
 *
 * @module
 */

import { InterruptedError } from "../errors.ts";
import { formatLoaderVerdict, judgeLoader, loaderExitCode } from "../stats/loader_verdict.ts";
import { type RunPlan, runWorkload } from "../engine/run_workload.ts";
import { type CommandIo, printText } from "../cli/command_io.ts";
import { LiveEndpoints, PageStop } from "../live/live_endpoints.ts";
import { parseSimulateSettings, type SimulateSettings } from "./_simulate_settings.ts";
import { SimulateHdrFile } from "./_simulate_hdr_file.ts";
import { distributionMax } from "../units/distribution_spec.ts";

/** The help text of `stress simulate`. */
export const SIMULATE_HELP: string = `Usage: stress simulate SECONDS [options]

Runs a real load test for SECONDS against the built-in synthetic target (no server:
each op completes after a latency drawn from a distribution) and prints one CSV row
per --interval (1 s), then a last, shorter row for the ops still in flight at the end:

  Throughput (ops/s),Latency (ms)

Options:
  --threads N        concurrent op loops (default 16)
  --workers N        Workers to spread them over (default: one per core, at most N)
  --latency DIST     op latency in microseconds, cassandra-stress distribution syntax
                     (default uniform(1000..10000), i.e. 1 to 10 ms)
  --interval MS      length of one row in milliseconds (default 1000)
  --hdrfile PATH     also write the HDR interval log (tag SIMULATE-st) to PATH
  --prometheus ADDR  serve the last interval's metrics at http://ADDR/metrics
                     ([HOST:]PORT; a bare port binds 127.0.0.1)
  --web ADDR         serve the live page (charts, and a Stop button) at http://ADDR/
  --fail-if-limited  exit 4 when the load generator itself was a limit of the run (the
                     Loader: line on stderr at the end says ok or limited, and why)
  -h, --help         this help

Example:
  stress simulate 3 --latency "exp(100..20000)"`;

/** The engine's plan of a simulate run. */
function simulatePlan(settings: SimulateSettings): RunPlan {
  return {
    opNames: ["SIMULATE"],
    threads: settings.threads,
    workers: settings.workers,
    totalOps: -1,
    durationMs: settings.seconds * 1000,
    uncertainty: null,
    schedule: null,
    mix: null,
    population: { kind: "seq", lo: 1, hi: 1_000_000 },
    target: { kind: "synthetic", latencyUs: settings.latency, errorRate: 0 },
    errors: { tries: 1, ignore: false },
    seed: 1,
    intervalMs: settings.intervalMs,
    // The ops in flight at the end get 5 s more than the longest latency one can draw.
    stopGraceMs: 5000 + Math.ceil(distributionMax(settings.latency) / 1000),
    startTimeoutMs: 30_000,
  };
}

/**
 * Runs `stress simulate`.
 *
 * @param args The arguments after `simulate`.
 * @param io Where output goes.
 * @param options An abort signal (SIGINT).
 * @returns The exit code.
 * @throws {UsageError} On bad arguments; an {@linkcode InterruptedError} when Ctrl-C or SIGTERM
 * stopped the run (after its rows and verdict are printed).
 *
 * @example Usage
 * ```ts ignore
 * const code = await simulateCommand(["1"], io, {});
 * ```
 */
export async function simulateCommand(
  args: readonly string[],
  io: CommandIo,
  options: { signal?: AbortSignal } = {},
): Promise<number> {
  const settings = parseSimulateSettings(args);
  if (settings === null) {
    printText(io, SIMULATE_HELP);
    return 0;
  }
  const { threads, prometheus, web } = settings;

  // The live page's Stop ends the run as Ctrl-C does.
  const pageStop = new PageStop(options.signal);
  // A --hdrfile that cannot be written (a full disk) stops the run too.
  const fileStop = new AbortController();
  // The endpoints bind first: a taken port fails before the HDR log is created.
  const live = await LiveEndpoints.start({
    command: "simulate",
    title: "stress simulate",
    prometheus,
    web,
    names: { prometheus: "--prometheus", web: "--web" },
    onStop: () => pageStop.stop(),
  }, io);
  let hdr: SimulateHdrFile | null = null;
  try {
    hdr = settings.hdrfile === null
      ? null
      : new SimulateHdrFile(settings.hdrfile, () => fileStop.abort());
    live?.runStarted(threads);
    io.out("Throughput (ops/s),Latency (ms)");
    const result = await runWorkload(simulatePlan(settings), {
      signal: AbortSignal.any([pageStop.signal, fileStop.signal]),
      onInterval(report) {
        const window = report.windows[0];
        const opsPerSec = window.ops / report.lengthSec;
        const meanMs = window.ops > 0 ? window.service.meanNs / 1e6 : 0;
        io.out(`${Math.round(opsPerSec)},${meanMs.toFixed(3)}`);
        hdr?.writeInterval(report);
        live?.interval({
          windows: report.windows,
          totals: report.totals,
          lengthSec: report.lengthSec,
          elapsedSec: report.elapsedSec,
          atMs: report.runStartEpochMs + report.elapsedSec * 1000,
          users: threads,
          useResponseTime: false,
        });
        // The verdict so far, on the page and on /metrics while the run goes on.
        const loader = live === null ? null : report.loader();
        if (loader !== null) live?.loaderVerdict(judgeLoader(loader));
      },
    });
    hdr?.close();
    // The verdict goes to stderr: stdout stays the seed's CSV.
    const loader = result.loader === null ? null : judgeLoader(result.loader);
    if (loader !== null) {
      io.err(formatLoaderVerdict(loader));
      live?.loaderVerdict(loader);
    }
    const fileError = hdr?.error ?? null;
    live?.runEnded(
      pageStop.fromPage
        ? "stopped from the live page"
        : fileError !== null
        ? "an output file could not be written"
        : result.aborted,
    );
    // What was measured is printed: now the file that could not be written, as one error line.
    if (fileError !== null) throw fileError;
    if (pageStop.fromPage) {
      throw new InterruptedError("Run stopped from the live page: printed what was measured");
    }
    // Ctrl-C or SIGTERM: one line on stderr says so, as every other command's does.
    if (result.aborted === "interrupted") throw new InterruptedError();
    // Why the run failed, as the cassandra-stress commands say it: never a silent exit 1.
    const why = result.aborted ?? result.failure;
    if (why !== null) {
      io.err(`error: ${why}`);
      return 1;
    }
    return loaderExitCode(loader, settings.failIfLimited);
  } finally {
    hdr?.close();
    await live?.close();
  }
}
