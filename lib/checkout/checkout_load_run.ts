/**
 * The engine of `stress checkout load`: virtual users (the closed model, as locust runs them) or
 * arrivals at a fixed rate (the open model), sending the scenario's requests over keep-alive
 * connection pools and recording every answer in a {@linkcode LoadTally}.
 *
 * @module
 */

import { failureKind } from "./failure_kind.ts";
import type { ScenarioSet, Service } from "./load_scenario.ts";
import { scenarioEndpoints } from "./scenario_endpoints.ts";
import { ScenarioRunner } from "./scenario_runner.ts";
import { LoadTally } from "./load_tally.ts";
import { Prng } from "../core/prng.ts";
import { RateSchedule } from "../core/rate_schedule.ts";
import { SlotDispatcher, SlotTicker } from "../engine/slot_dispatcher.ts";
import { LoaderProbe } from "../engine/loader_probe.ts";
import { type LoaderFigures, mergeLoaderSamples } from "../stats/loader_verdict.ts";
import type { HttpPool, HttpRequestOptions } from "./driver/http_pool.ts";
import type { HttpResult } from "./driver/http_result.ts";
import { firstLineOf } from "../errors.ts";

/** What to run. */
export interface LoadRunParams {
  /** Closed model: virtual users to reach. */
  users: number;
  /** Closed model: users started per second until all run. */
  spawnRate: number;
  /** Open model: scenario iterations started per second; null for the closed model. */
  rate: number | null;
  /** Open model: the most iterations in flight; later arrivals wait (and their latency shows it). */
  maxInFlight: number;
  /** How long to run, in ms. */
  durationMs: number;
  /** The seed of every virtual user's random choices. */
  seed: number;
}

/** The pools the requests go to, by service (the same pool may serve several). */
export type ServicePools = Readonly<Record<Service, HttpPool>>;

const decoder = new TextDecoder();

/** How often the loader's probe timer fires, in ms. */
const PROBE_MS = 20;

/**
 * The longest a timer can wait, in ms: a longer `setTimeout` fires at once (with a warning on
 * stderr), so a user due in 4 months (`--spawn-rate 1e-7`) started at once.
 */
const MAX_TIMER_MS = 2 ** 31 - 1;

function nowNs(): number {
  return Math.round(performance.now() * 1e6);
}

/**
 * When a user's request was written to its connection, set by the pool's `onSend`: one object a
 * user (or iteration), not one a request, as it is on the hot path.
 */
class SendClock {
  sentNs = 0;
  readonly options: HttpRequestOptions = {
    onSend: (sentMs: number) => {
      this.sentNs = Math.round(sentMs * 1e6);
    },
  };
}

/** Timers (each at most `MAX_TIMER_MS`) that {@linkcode Sleeper.wakeAll} ends early. */
class Sleeper {
  #pending = new Map<ReturnType<typeof setTimeout>, () => void>();

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const id = setTimeout(() => {
        this.#pending.delete(id);
        resolve();
      }, Math.min(ms, MAX_TIMER_MS));
      this.#pending.set(id, resolve);
    });
  }

  wakeAll(): void {
    for (const [id, resolve] of this.#pending) {
      clearTimeout(id);
      resolve();
    }
    this.#pending.clear();
  }
}

/**
 * One run of the load: start it with {@linkcode LoadRun.run}, read its progress while it runs,
 * end it early with {@linkcode LoadRun.stop}.
 *
 * @example Usage
 * ```ts ignore
 * const run = new LoadRun(set, pools, { users: 10, spawnRate: 10, rate: null, ... });
 * setTimeout(() => run.stop(), 1000);
 * await run.run();
 * console.log(run.tally.takeInterval());
 * ```
 */
export class LoadRun {
  /** The measurements; take intervals from it while the run goes on. */
  readonly tally: LoadTally;
  /** The parameters. */
  readonly params: LoadRunParams;
  #set: ScenarioSet;
  #pools: ServicePools;
  #stopped = false;
  #stopReason: string | null = null;
  /** What the loader measured of itself over the run, once it ended (null before). */
  loader: LoaderFigures | null = null;
  #probe: LoaderProbe | null = null;
  /** Releases the open model's arrivals at their slots, while it runs. */
  #slots: SlotDispatcher | null = null;
  #stoppedAtNs: number | null = null;
  #ended = false;
  #slotFreed: (() => void) | null = null;
  #sleeper = new Sleeper();
  #active = 0;
  #runners: ScenarioRunner[] = [];
  #arrivalsDue = 0;
  #arrivalsStarted = 0;
  #startMs = 0;
  #endMs = 0;
  #failure: { readonly error: unknown } | null = null;

  /**
   * Prepares a run.
   *
   * @param set The scenario set (already checked).
   * @param pools Where each service's requests go.
   * @param params What to run.
   */
  constructor(set: ScenarioSet, pools: ServicePools, params: LoadRunParams) {
    this.#set = set;
    this.#pools = pools;
    this.params = params;
    this.tally = new LoadTally(scenarioEndpoints(set), {
      scheduled: params.rate !== null,
    });
  }

  /** Virtual users running (closed model) or iterations in flight (open model). */
  get active(): number {
    return this.#active;
  }

  /** Iterations of every runner that ran all their steps. */
  get completedIterations(): number {
    let sum = 0;
    for (const runner of this.#runners) sum += runner.completedIterations;
    return sum;
  }

  /** Iterations of every runner ended by a failed step. */
  get abortedIterations(): number {
    let sum = 0;
    for (const runner of this.#runners) sum += runner.abortedIterations;
    return sum;
  }

  /** Open model: arrivals due before the run ended, and how many of them were started. */
  get arrivals(): { due: number; started: number } {
    return { due: this.#arrivalsDue, started: this.#arrivalsStarted };
  }

  /** Milliseconds (on `performance.now()`) from the start to now, or to the end once ended. */
  get elapsedMs(): number {
    if (this.#startMs === 0) return 0;
    return (this.#endMs === 0 ? performance.now() : this.#endMs) - this.#startMs;
  }

  /**
   * Why the run ended before its duration (`interrupted`, or what the caller said), or null
   * while it has not been stopped early.
   */
  get stoppedEarly(): string | null {
    return this.#stopReason;
  }

  /**
   * The first unexpected error of the run (a bug: a virtual user threw), which stopped it, or
   * null. {@linkcode LoadRun.run} does not throw it, so that what was measured can be reported.
   */
  get failure(): { readonly error: unknown } | null {
    return this.#failure;
  }

  /**
   * Ends the run early: no new request is sent; those in flight finish (or time out).
   *
   * @param reason Why, for the summary (default `interrupted`).
   */
  stop(reason: string = "interrupted"): void {
    this.#end();
    this.#stopReason ??= reason;
  }

  /** Stops the run on an unexpected error, keeping the first one for the caller. */
  #fail(error: unknown): void {
    this.#failure ??= { error };
    this.stop(`stopped by an internal error (${firstLineOf(error)})`);
  }

  /** Ends the run (early or at its deadline). */
  #end(): void {
    if (this.#stopped) return;
    this.#stopped = true;
    this.#stoppedAtNs = nowNs();
    this.#sleeper.wakeAll();
    this.#slots?.close();
    this.#wakeSlotWaiter();
  }

  /**
   * Runs until the duration has passed or {@linkcode LoadRun.stop} is called, then waits for the
   * requests in flight. An unexpected error stops the run and is kept in
   * {@linkcode LoadRun.failure}, not thrown.
   *
   * @returns When every request has ended.
   */
  async run(): Promise<void> {
    this.#startMs = performance.now();
    // What the loader measures of itself: its thread's CPU, how late its probe timer fires, how
    // late it released the arrivals that waited for their slot, how long users were busy.
    const { users, rate, maxInFlight } = this.params;
    const probe = new LoaderProbe(rate === null ? users : maxInFlight, nowNs);
    this.#probe = probe;
    probe.start();
    probe.watchLoop(PROBE_MS);
    // The closed model stops at the deadline. The open model's loop ends by itself at the last
    // arrival due before it; the deadline only frees it from waiting for a slot.
    const deadline = setTimeout(() => {
      if (this.params.rate === null) {
        this.#end();
      } else {
        this.#ended = true;
        this.#wakeSlotWaiter();
      }
    }, this.params.durationMs);
    try {
      if (this.params.rate === null) await this.#closed();
      else await this.#open(this.params.rate);
    } catch (error) {
      this.#fail(error);
    } finally {
      clearTimeout(deadline);
      this.#endMs = performance.now();
      this.loader = mergeLoaderSamples([probe.finish()], rate !== null, "users");
    }
  }

  #newRunner(index: number): ScenarioRunner {
    const prng = new Prng(this.params.seed * 1_000_003 + index);
    const runner = new ScenarioRunner(this.#set, () => prng.nextDouble());
    this.#runners.push(runner);
    return runner;
  }

  /** Sends the runner's next request and records it; returns its wait before the next one. */
  async #step(runner: ScenarioRunner, clock: SendClock, intendedNs: number): Promise<void> {
    const request = runner.next();
    const queuedNs = nowNs();
    // Service time starts when the request is written to its connection, not while it waits
    // for a free one (users outnumbering --connections); never sent, it is the whole time.
    clock.sentNs = queuedNs;
    const result: HttpResult = await this.#pools[request.service].request(
      request.method,
      request.path,
      clock.options,
    );
    const sentNs = clock.sentNs;
    const doneNs = nowNs();
    this.#probe?.busy(doneNs - queuedNs);
    const status = result.ok ? result.status : 0;
    let json: unknown;
    if (request.needsJson && status >= 200 && status < 300 && result.ok) {
      try {
        json = JSON.parse(decoder.decode(result.body));
      } catch {
        json = undefined;
      }
    }
    const outcome = runner.complete({ status, json });
    this.tally.record(request.endpoint, {
      intendedNs: intendedNs < 0 ? queuedNs : intendedNs,
      sentNs,
      doneNs,
      failure: failureKind(outcome, status, result.ok ? undefined : result.error),
    });
  }

  async #user(runner: ScenarioRunner): Promise<void> {
    this.#active++;
    const startNs = nowNs();
    const clock = new SendClock();
    try {
      while (!this.#stopped) {
        await this.#step(runner, clock, -1);
        const waitMs = runner.waitMs;
        if (waitMs > 0 && !this.#stopped) await this.#sleeper.sleep(waitMs);
      }
    } catch (error) {
      this.#fail(error);
    } finally {
      this.#active--;
      this.#probe?.alive(nowNs() - startNs);
    }
  }

  async #closed(): Promise<void> {
    const { users, spawnRate } = this.params;
    const running: Promise<void>[] = [];
    for (let i = 0; i < users && !this.#stopped; i++) {
      const dueMs = this.#startMs + (i * 1000) / spawnRate;
      // A sleep is at most what a timer can wait: sleep again until the user is due.
      for (let aheadMs = dueMs - performance.now(); aheadMs >= 1 && !this.#stopped;) {
        await this.#sleeper.sleep(aheadMs);
        aheadMs = dueMs - performance.now();
      }
      if (this.#stopped) break;
      running.push(this.#user(this.#newRunner(i)));
    }
    await Promise.all(running);
  }

  async #open(rate: number): Promise<void> {
    const running = new Set<Promise<void>>();
    // Arrivals start at their slot within microseconds (a timer would start them a millisecond
    // or more late): a ticker thread wakes this thread, which sleeps itself while nothing is
    // in flight.
    const ticker = SlotTicker.start();
    this.#slots = new SlotDispatcher(ticker.link, {
      clock: nowNs,
      stopped: () => this.#stopped,
      busy: () => running.size > 0,
    });
    try {
      await this.#arrivals(rate, this.#slots, running);
    } finally {
      this.#slots.close();
      this.#slots = null;
      ticker.close();
    }
  }

  /** Starts the arrivals of the open model at their slots, then waits for them to end. */
  async #arrivals(
    rate: number,
    slots: SlotDispatcher,
    running: Set<Promise<void>>,
  ): Promise<void> {
    // The schedule starts with the deadline's timer, so every arrival due before the end is
    // started before the timer fires.
    const schedule = new RateSchedule({
      opsPerSec: rate,
      startNs: Math.round(this.#startMs * 1e6),
    });
    const endNs = schedule.startNs + this.params.durationMs * 1e6;
    const free: ScenarioRunner[] = [];
    let made = 0;
    // Every arrival due before the end starts, late if the loader fell behind (its response
    // time shows it); the deadline ends only a wait for a free runner.
    for (let cycle = 0; !this.#stopped; cycle++) {
      const dueNs = schedule.intendedStartNs(cycle);
      if (dueNs >= endNs) break;
      let waited = false;
      while (dueNs > nowNs() && !this.#stopped) {
        waited = true;
        await slots.until(dueNs);
      }
      if (waited) this.#probe?.dispatched(nowNs() - dueNs);
      while (
        !this.#stopped && !this.#ended && free.length === 0 && made >= this.params.maxInFlight
      ) {
        await new Promise<void>((resolve) => (this.#slotFreed = resolve));
      }
      if (this.#stopped || (free.length === 0 && made >= this.params.maxInFlight)) break;
      this.#arrivalsStarted++;
      const runner = free.pop() ?? this.#newRunner(made++);
      const iteration = this.#iteration(runner, dueNs).finally(() => {
        running.delete(iteration);
        free.push(runner);
        this.#wakeSlotWaiter();
      });
      running.add(iteration);
    }
    // Every arrival due before the end counts, started or not: a target that fell behind shows.
    const limitNs = Math.min(this.#stoppedAtNs ?? endNs, endNs);
    this.#arrivalsDue = Math.max(
      this.#arrivalsStarted,
      Math.ceil((limitNs - schedule.startNs) / schedule.periodNs),
    );
    // The run lasts its duration even when the last arrival is due well before its end (a low
    // rate): its elapsed time and rates are over the duration.
    const restMs = (endNs - nowNs()) / 1e6;
    if (restMs > 0 && !this.#stopped) await this.#sleeper.sleep(restMs);
    await Promise.all(running);
  }

  #wakeSlotWaiter(): void {
    const wake = this.#slotFreed;
    this.#slotFreed = null;
    wake?.();
  }

  async #iteration(runner: ScenarioRunner, dueNs: number): Promise<void> {
    this.#active++;
    try {
      // The first request is measured from its intended start; the others follow it at once.
      const clock = new SendClock();
      await this.#step(runner, clock, dueNs);
      while (runner.inIteration && !this.#stopped) await this.#step(runner, clock, -1);
    } catch (error) {
      this.#fail(error);
    } finally {
      this.#active--;
    }
  }
}
