/**
 * One run of `stress checkout load` from its first line to its summary.
 *
 * @module
 */

import { loaderExitCode } from "../stats/loader_verdict.ts";
import type { LiveEndpoints } from "../live/live_endpoints.ts";
import type { LiveSeries } from "../live/live_series.ts";
import { formatWaitTime } from "./wait_time.ts";
import { formatPerSecond } from "./format_per_second.ts";
import { redactUrls } from "./checkout_urls.ts";
import { LoadReporter } from "./checkout_load_reporter.ts";
import type { LoadRun, LoadRunParams } from "./checkout_load_run.ts";
import type { LoadSettings } from "./checkout_load_settings.ts";
import type { CommandIo } from "../cli/command_io.ts";

function describeRun(settings: LoadSettings, params: LoadRunParams): string {
  const set = settings.set;
  const load = params.rate === null
    ? `${params.users} users at ${formatPerSecond(params.spawnRate)}`
    : `${formatPerSecond(params.rate)} arrivals (at most ${params.maxInFlight} in flight)`;
  return `checkout load: scenario ${set.name} (${set.scenarios.length} scenario${
    set.scenarios.length === 1 ? "" : "s"
  }, wait ${formatWaitTime(set.waitTime)}), ${load} for ${
    params.durationMs / 1000
  } s, ${settings.connections} connections per service, timeout ${
    settings.timeoutMs / 1000
  } s, connect timeout ${settings.connectTimeoutMs / 1000} s, seed ${params.seed}`;
}

/** Where one load run reports. */
export interface ExecuteOptions {
  /** The settings of the load test. */
  readonly settings: LoadSettings;
  /** Where the lines go. */
  readonly io: CommandIo;
  /** The live page's series, or null without `--web`. */
  readonly series: LiveSeries | null;
  /** The `/metrics` endpoint, or null. */
  readonly live: LiveEndpoints | null;
}

/**
 * Runs one load run to its end and reports it: a line that describes it, interval rows every
 * `intervalMs`, then the summary and the files.
 *
 * @param run The run.
 * @param options The settings and where the run reports.
 * @returns The exit code: `--exit-code-on-error` when a request failed, else 4 when the loader
 * was a limit and `--fail-if-limited` was given, else 0.
 * @throws {Error} The unexpected error that stopped the run (a bug), after the summary and the
 * files.
 * @throws {UsageError} When the HDR log or the JSON file could not be written (the write error
 * stopped the run), after the summary and the other file.
 *
 * @example Usage
 * ```ts ignore
 * const failures = await executeLoadRun(run, { settings, io, series: null, live: null });
 * ```
 */
export async function executeLoadRun(run: LoadRun, options: ExecuteOptions): Promise<number> {
  const { settings, io, series, live } = options;
  io.out(describeRun(settings, run.params));
  const reporter = new LoadReporter(run, {
    io,
    series,
    live,
    hdrPath: settings.hdrPath,
    jsonPath: settings.jsonPath,
    shard: settings.shard,
    intervalMs: settings.intervalMs,
    settings: {
      scenario: settings.set.name,
      urls: redactUrls(settings.services.urls),
      ...run.params,
      connections: settings.connections,
      timeoutMs: settings.timeoutMs,
      connectTimeoutMs: settings.connectTimeoutMs,
      intervalMs: settings.intervalMs,
    },
  });
  const timer = setInterval(() => reporter.tick(), settings.intervalMs);
  try {
    await run.run();
  } finally {
    clearInterval(timer);
  }
  const failures = reporter.finish();
  // A bug that stopped the run surfaces once what was measured is printed and written.
  if (run.failure !== null) throw run.failure.error;
  if (reporter.writeError !== null) throw reporter.writeError;
  if (failures > 0) return settings.exitCodeOnError;
  return loaderExitCode(reporter.verdict, settings.failIfLimited);
}
