/**
 * `stress checkout load --web`: the live page, whose Start and Stop buttons start and stop runs.
 *
 * @module
 */

import type { LiveEndpoints } from "../live/live_endpoints.ts";
import { EXIT_CODES, firstLineOf, messageOf, UsageError, UserError } from "../errors.ts";
import { LiveSeries } from "../live/live_series.ts";
import { startLiveServer } from "../live/live_server.ts";
import { LoadRun, type LoadRunParams } from "./checkout_load_run.ts";
import type { LoadSettings } from "./checkout_load_settings.ts";
import { executeLoadRun } from "./checkout_load_execute.ts";
import type { CommandIo } from "../cli/command_io.ts";

/** Until the signal aborts. */
function aborted(signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (signal === undefined) return;
    if (signal.aborted) resolve();
    else signal.addEventListener("abort", () => resolve(), { once: true });
  });
}

/**
 * Prints the error that ended a run (after its summary) and returns its exit code, as `main`
 * would have: a file that cannot be written is 2, a bug 70 (it was 1 for both).
 */
function exitCodeOfFailure(error: unknown, io: CommandIo): number {
  if (error instanceof UserError) {
    io.err(`error: ${error.message}`);
    return error.exitCode;
  }
  io.err(`error: internal error (a bug in stress): ${messageOf(error)}`);
  return EXIT_CODES.internal;
}

/** Where the web-driven load test serves and reports. */
export interface LoadWebOptions {
  /** The address of the live page. */
  readonly web: { hostname: string; port: number };
  /** Where the lines go. */
  readonly io: CommandIo;
  /** Quits when it aborts (Ctrl-C). */
  readonly signal: AbortSignal | undefined;
  /** The `/metrics` endpoint, or null. */
  readonly live: LiveEndpoints | null;
}

/**
 * Serves the live page and runs the load each time its Start button is pressed (at once with
 * `--autostart`), until the signal aborts or, with `--autoquit`, that long after the first run.
 *
 * @param settings The settings of the load test.
 * @param options The page's address, the output, the signal and `/metrics`.
 * @returns The exit code of the last run: 0, `--exit-code-on-error`, 4 (`--fail-if-limited`), or
 * what its error says: 2 for a file that cannot be written, 70 for a bug.
 * @throws {UsageError} When the page cannot be served on the address.
 *
 * @example Usage
 * ```ts ignore
 * const code = await runLoadWithWeb(settings, { web, io, signal, live: null });
 * ```
 */
export async function runLoadWithWeb(
  settings: LoadSettings,
  options: LoadWebOptions,
): Promise<number> {
  const { web, io, signal, live } = options;
  const series = new LiveSeries();
  let current: { run: LoadRun; done: Promise<number> } | null = null;
  let exitCode = 0;
  let runEnded: () => void = () => {};
  const firstRunEnded = new Promise<void>((resolve) => (runEnded = resolve));
  const start = (params: LoadRunParams) => {
    const run = new LoadRun(settings.set, settings.services, params);
    const done = executeLoadRun(run, { settings, io, series, live }).then(
      (code) => {
        exitCode = code;
        return code;
      },
      (error) => {
        series.setMessage(`the run failed: ${messageOf(error)}`);
        exitCode = exitCodeOfFailure(error, io);
        return exitCode;
      },
    ).finally(() => {
      series.setState("stopped");
      runEnded();
    });
    current = { run, done };
  };
  const server = await startLiveServer({
    hostname: web.hostname,
    port: web.port,
    series,
    title: `stress checkout load: ${settings.set.name}`,
    defaults: {
      users: settings.params.users,
      spawnRate: settings.params.spawnRate,
      ...(settings.params.rate === null ? {} : { rate: settings.params.rate }),
    },
    onStart(page) {
      start({
        ...settings.params,
        users: page.users,
        spawnRate: page.spawnRate,
        // Any rate above 0 (the live server checks it): a shard's page offers its share of
        // --rate, a fraction (10/s over 3 shards is 3.33 each), which its Start must take.
        rate: page.rate ?? null,
      });
    },
    async onStop() {
      const running = current;
      running?.run.stop("stopped from the live page");
      await running?.done;
    },
  }).catch((error) => {
    throw new UsageError(
      `Cannot serve --web on ${web.hostname}:${web.port}: ${firstLineOf(error)}`,
      { cause: error },
    );
  });
  io.out(`web: the live page is at ${server.url} (Ctrl-C to quit)`);
  try {
    if (settings.autostart) {
      series.reset();
      const { users, spawnRate, rate } = settings.params;
      series.setParams(rate === null ? { users, spawnRate } : { users, spawnRate, rate });
      series.setState("running");
      start(settings.params);
    }
    const quit = settings.autoquitMs === null ? aborted(signal) : Promise.race([
      aborted(signal),
      firstRunEnded.then(() => new Promise<void>((r) => setTimeout(r, settings.autoquitMs!))),
    ]);
    await quit;
  } finally {
    const running = current as { run: LoadRun; done: Promise<number> } | null;
    running?.run.stop();
    await running?.done;
    await server.close();
  }
  return exitCode;
}
