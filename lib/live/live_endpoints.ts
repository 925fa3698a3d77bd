/**
 * The live endpoints of a run: the Prometheus `/metrics` server (`-log prometheus=`,
 * `--prometheus`) and the live page (`-log web=`, `--web`), both fed once per interval.
 *
 * @module
 */

import { formatLoaderVerdict, type LoaderVerdict } from "../stats/loader_verdict.ts";
import { UsageError } from "../errors.ts";
import type { ListenAddress } from "../units/listen_address.ts";
import { formatPrometheusText } from "../report/prometheus_text.ts";
import type { OpWindow } from "../stats/op_window.ts";
import { type MetricsServer, startMetricsServer } from "./metrics_server.ts";
import { liveRowOf } from "./live_row.ts";
import { LiveSeries } from "./live_series.ts";
import { type LiveServer, startLiveServer } from "./live_server.ts";
import type { CommandIo } from "../cli/command_io.ts";

/** Options of {@linkcode LiveEndpoints.start}. */
export interface LiveEndpointsOptions {
  /** The command, shown as `stress_info{command}` (e.g. `write`, `query run`). */
  command: string;
  /** The page title, e.g. `stress write`. */
  title: string;
  /** Where `/metrics` listens, or null for none. */
  prometheus: ListenAddress | null;
  /** Where the live page listens, or null for none. */
  web: ListenAddress | null;
  /** The options as the user wrote them, for error messages (e.g. `-log prometheus`). */
  names: { prometheus: string; web: string };
  /**
   * Called when the page's Stop button is pressed (the command should end its run).
   *
   * @default {undefined}
   */
  onStop?: () => void;
}

/** One finished interval of a run. */
export interface LiveInterval {
  /** The interval's windows, one per op type (they may be kept). */
  windows: readonly OpWindow[];
  /** The run's cumulative windows (read now, not kept). */
  totals: readonly OpWindow[];
  /** The interval's length in seconds. */
  lengthSec: number;
  /** Seconds since the measured run started. */
  elapsedSec: number;
  /** The end of the interval in epoch milliseconds. */
  atMs: number;
  /** Threads (or users, or Workers) running. */
  users: number;
  /** Report response time instead of service time. */
  useResponseTime: boolean;
}

/** Waits for a server to bind; a bind error becomes one usage line naming the option. */
async function bound<T>(server: Promise<T>, option: string, where: ListenAddress): Promise<T> {
  try {
    return await server;
  } catch (error) {
    const reason = (error instanceof Error ? error.message : String(error)).split("\n")[0];
    throw new UsageError(
      `Cannot serve ${option} on ${where.hostname}:${where.port}: ${reason}`,
      { cause: error },
    );
  }
}

/** Any address of the host: a server there takes the port on every address. */
const WILDCARD = new Set(["0.0.0.0", "::", "[::]"]);

/**
 * Refuses the metrics and the page on one port before either binds: the second bind failed
 * only after the first had printed its address (give each a port of its own; 0 picks one).
 *
 * @param options Where each one listens, and the options as the user wrote them.
 * @throws {UsageError} When both name one port of one address (a wildcard takes every address).
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { refuseSharedPort } from "./live_endpoints.ts";
 * const names = { prometheus: "--prometheus", web: "--web" };
 * const at = { hostname: "127.0.0.1", port: 9464 };
 * assert.throws(() => refuseSharedPort({ prometheus: at, web: at, names }), /same port 9464/);
 * refuseSharedPort({ prometheus: at, web: { ...at, port: 8089 }, names });
 * ```
 */
export function refuseSharedPort(
  options: Pick<LiveEndpointsOptions, "prometheus" | "web" | "names">,
): void {
  const { prometheus, web } = options;
  if (prometheus === null || web === null || prometheus.port === 0) return;
  if (prometheus.port !== web.port) return;
  const hosts = [prometheus.hostname, web.hostname];
  if (hosts[0] !== hosts[1] && !hosts.some((host) => WILDCARD.has(host))) return;
  throw new UsageError(
    `Cannot serve ${options.names.web} and ${options.names.prometheus} on the same port ` +
      `${web.port}: give each a port of its own`,
  );
}

/**
 * The live page's Stop button joined with the command's own signal (Ctrl-C): {@linkcode
 * PageStop.signal} aborts on either, {@linkcode PageStop.fromPage} says whether the page did it.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { PageStop } from "./live_endpoints.ts";
 * const ctrlC = new AbortController();
 * const stop = new PageStop(ctrlC.signal);
 * stop.stop(); // what the page's Stop button calls (the onStop of LiveEndpoints.start)
 * assert.ok(stop.signal.aborted && stop.fromPage);
 * ```
 */
export class PageStop {
  readonly #page = new AbortController();
  readonly #outer: AbortSignal | undefined;
  /** Aborts on the outer signal (Ctrl-C) or on the page's Stop. */
  readonly signal: AbortSignal;

  /**
   * Joins the page's Stop with a signal.
   *
   * @param outer The command's own signal, if any.
   */
  constructor(outer?: AbortSignal) {
    this.#outer = outer;
    this.signal = outer === undefined
      ? this.#page.signal
      : AbortSignal.any([outer, this.#page.signal]);
  }

  /** Presses Stop: `signal` aborts. */
  stop(): void {
    this.#page.abort();
  }

  /** Whether the page's Stop ended the run (and Ctrl-C did not). */
  get fromPage(): boolean {
    return this.#page.signal.aborted && this.#outer?.aborted !== true;
  }
}

/**
 * The running live endpoints of one command. The metrics text is formatted once per interval
 * (a scrape only copies a string), so every scrape between two intervals reads the same
 * numbers as the interval row printed last.
 *
 * @example Usage
 * ```ts ignore
 * const live = await LiveEndpoints.start({ command: "write", title: "stress write",
 *   prometheus: { hostname: "127.0.0.1", port: 9464 }, web: null,
 *   names: { prometheus: "-log prometheus", web: "-log web" } }, io);
 * live?.interval({ windows, totals, lengthSec: 1, elapsedSec: 1, atMs: Date.now(), users: 8,
 *   useResponseTime: false });
 * await live?.close();
 * ```
 */
export class LiveEndpoints {
  #command: string;
  #metrics: MetricsServer | null = null;
  #page: LiveServer | null = null;
  #series: LiveSeries | null = null;
  /** The latest interval's families. */
  #text: string;
  /** The latest loader verdict's families, served after `#text` (each once). */
  #verdictText = "";

  private constructor(command: string) {
    this.#command = command;
    this.#text = formatPrometheusText({
      command,
      windows: [],
      lengthSec: 1,
      totals: [],
      elapsedSec: 0,
      useResponseTime: false,
    });
  }

  /**
   * Starts the endpoints that were asked for and prints their addresses on stderr.
   *
   * @param options Where each listens, the names and the Stop callback.
   * @param io Where the addresses are printed.
   * @returns The endpoints, or null when neither was asked for.
   * @throws {UsageError} When an address cannot be bound (port in use, unknown address).
   */
  static async start(options: LiveEndpointsOptions, io: CommandIo): Promise<LiveEndpoints | null> {
    if (options.prometheus === null && options.web === null) return null;
    refuseSharedPort(options);
    const live = new LiveEndpoints(options.command);
    try {
      if (options.prometheus !== null) {
        const where = options.prometheus;
        live.#metrics = await bound(
          startMetricsServer({ ...where, snapshot: () => live.#text + live.#verdictText }),
          options.names.prometheus,
          where,
        );
        io.err(`prometheus: metrics at ${live.#metrics.url}`);
      }
      if (options.web !== null) {
        const where = options.web;
        const series = new LiveSeries();
        series.setState("running"); // the command runs (warm-up included) until it ends
        live.#series = series;
        live.#page = await bound(
          startLiveServer({
            ...where,
            series,
            title: options.title,
            mode: "run",
            onStart() {},
            onStop() {
              options.onStop?.();
            },
          }),
          options.names.web,
          where,
        );
        io.err(`web: the live page is at ${live.#page.url}`);
      }
    } catch (error) {
      await live.close();
      throw error;
    }
    return live;
  }

  /**
   * Marks a measured run as running on the page (threads as its users); the page keeps the
   * points of earlier runs of the same command (the steps of a thread-count search).
   *
   * @param threads The run's threads.
   */
  runStarted(threads: number): void {
    this.#series?.setParams({ users: threads, spawnRate: threads });
    this.#series?.setState("running");
  }

  /**
   * Takes one finished interval: formats the metrics text and pushes the page's row.
   *
   * @param interval The interval and the run's totals.
   */
  interval(interval: LiveInterval): void {
    if (this.#metrics !== null) {
      this.#text = formatPrometheusText({
        command: this.#command,
        windows: interval.windows,
        lengthSec: interval.lengthSec,
        totals: interval.totals,
        elapsedSec: interval.elapsedSec,
        useResponseTime: interval.useResponseTime,
      });
    }
    const series = this.#series;
    if (series === null) return;
    series.push(liveRowOf(interval.windows, interval));
    let requests = 0;
    let failures = 0;
    const failuresByKind: Record<string, number> = {};
    for (const window of interval.totals) {
      requests += window.ops;
      failures += window.errors;
      if (window.errors > 0) failuresByKind[`${window.name} errors`] = window.errors;
    }
    series.setTotals({ requests, failures, failuresByKind });
  }

  /**
   * Publishes whether the loader itself was a limit: the verdict line on the page, and on
   * `/metrics` the gauge `stress_loader_limited` (1 or 0) with each Worker's CPU share
   * (`stress_loader_worker_cpu_ratio{worker}`) and the slot lateness of a scheduled run
   * (`stress_loader_slot_lateness_seconds{quantile}`). A later verdict replaces this one.
   *
   * @param verdict The run's verdict.
   */
  loaderVerdict(verdict: LoaderVerdict): void {
    this.#series?.setMessage(formatLoaderVerdict(verdict));
    if (this.#metrics === null) return;
    const { figures } = verdict;
    const lines = [
      "# HELP stress_loader_limited Whether the load generator itself was a limit of the run.",
      "# TYPE stress_loader_limited gauge",
      `stress_loader_limited ${verdict.verdict === "limited" ? 1 : 0}`,
      "# HELP stress_loader_worker_cpu_ratio Each Worker thread's CPU, as a share of one core.",
      "# TYPE stress_loader_worker_cpu_ratio gauge",
      ...figures.workerCpu.flatMap((share, i) =>
        share === null ? [] : [`stress_loader_worker_cpu_ratio{worker="${i}"} ${share}`]
      ),
    ];
    if (figures.dispatch !== null) {
      lines.push(
        "# HELP stress_loader_slot_lateness_seconds How late ops that waited for their slot started.",
        "# TYPE stress_loader_slot_lateness_seconds gauge",
        `stress_loader_slot_lateness_seconds{quantile="0.5"} ${figures.dispatch.p50Ms / 1e3}`,
        `stress_loader_slot_lateness_seconds{quantile="0.99"} ${figures.dispatch.p99Ms / 1e3}`,
      );
    }
    this.#verdictText = lines.join("\n") + "\n";
  }

  /**
   * Shows the run as ended on the page, with a message when it did not end by itself.
   *
   * @param message Why it ended early, or null.
   */
  runEnded(message: string | null = null): void {
    this.#series?.setState("stopped");
    if (message !== null) this.#series?.setMessage(message);
  }

  /**
   * Shows the run as ended on the page, waits until each open page has fetched that end state
   * (at most two and a half seconds), and stops both servers; safe to call twice.
   */
  async close(): Promise<void> {
    this.#series?.setState("stopped");
    const page = this.#page;
    await Promise.all([this.#metrics?.close(), page?.shown().then(() => page.close())]);
  }
}
