/**
 * The op loops of one Worker: claim cycles, wait for the schedule, call the target,
 * record, and post one sample message per interval. Runs inside a Worker
 * (`stress_worker.ts`) or in-process for tests.
 *
 * @module
 */

import { createDistribution, type Distribution } from "../core/distribution.ts";
import { OpMix } from "../core/op_mix.ts";
import { Prng } from "../core/prng.ts";
import { RateSchedule } from "../core/rate_schedule.ts";
import { RetryBackoff } from "../core/retry_backoff.ts";
import {
  failedOpCountOf,
  opCountOf,
  type SeedSource,
  type Target,
  type TargetSpec,
} from "./target.ts";
import { OpRecorder, type OpSample } from "../stats/op_recorder.ts";
import { SlotDispatcher, type SlotWaiter, TimerSlots } from "./slot_dispatcher.ts";
import { LoaderProbe } from "./loader_probe.ts";
import { formatOpErrorLine, isRetryable } from "./_op_error.ts";
import {
  CONTROL_CYCLE_OFFSET,
  CONTROL_EPOCH,
  CONTROL_STOP,
  STOP_FAILURE,
  type WorkerInit,
  type WorkerMessage,
} from "./protocol.ts";

/** How many cycles a Worker claims from the shared counter at once, when unthrottled. */
const BATCH_SIZE = 64;
/** How often an idle Worker checks for a sample request, in milliseconds. */
const POLL_MS = 20;
/**
 * A loop whose failed ops end without I/O (a driver that fails at once while its host is down)
 * gives timers and I/O a turn when none came for this long, in ns: else the driver's
 * reconnection timer never runs and the host stays down for the rest of the run.
 */
const STARVED_NS = 2 * POLL_MS * 1e6;
/** The longest a loop sleeps (slot or back-off) before it checks the stop flag, in ms. */
const MAX_SLEEP_MS = 50;
/** At most this many op error lines are posted per Worker. */
const MAX_ERROR_LINES = 100;

/** Posts a message to the main thread, with the buffers to transfer. */
export type PostMessage = (message: WorkerMessage, transfer: Transferable[]) => void;

/** Returns nanoseconds since the run's base epoch. */
export type NsClock = () => number;

/**
 * Creates the clock a Worker uses: nanoseconds since `baseEpochMs`, from this thread's
 * monotonic `performance.now()`.
 *
 * @param baseEpochMs The run's base, in epoch milliseconds.
 * @returns The clock.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { createNsClock } from "./worker_runner.ts";
 * const clock = createNsClock(Date.now());
 * assert.ok(clock() >= -5e6);
 * ```
 */
export function createNsClock(baseEpochMs: number): NsClock {
  const offsetMs = performance.timeOrigin - baseEpochMs;
  return () => (performance.now() + offsetMs) * 1e6;
}

function sleepMs(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Runs one Worker's share of a run: `init.threads` concurrent op loops against `target`.
 *
 * A failed try is retried up to `init.errors.tries` tries in all, waiting the back-off of
 * `init.errors.backoff` between two tries (never after the last). An op's latency covers
 * all its tries and waits; an op that ends on a failed try counts as an error and posts
 * one `Operation x<tries> on key(s) [<seed>]: Error executing: (<class>): <msg>` line with
 * its last error. Such an op has failed every try, or was still retrying when the run
 * stopped (the stop flag or the deadline cuts retries and waits short: the op ends with the
 * tries it made, never as a success). Without `ignore`, the first such op becomes the
 * Worker's `failure` and sets the shared stop flag to `STOP_FAILURE`, so every loop of
 * every Worker stops (cassandra-stress's FAILURE); ops cut short by that stop count as
 * errors but are not failures of their own. An error with `retryable: false` fails the op at
 * once; so does one with `validated: false` (a read whose answer is wrong, which cassandra-stress
 * does not retry either), whose line is `Operation x<tries before it> on key(s) [<seed>]: <msg>`.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { WorkerRunner } from "./worker_runner.ts";
 * import { SyntheticTarget } from "./synthetic_target.ts";
 * import { CONTROL_BYTES } from "./protocol.ts";
 * const messages: string[] = [];
 * const target = { kind: "synthetic", latencyUs: null, errorRate: 0 } as const;
 * const runner = new WorkerRunner({
 *   type: "init", workerIndex: 0, threads: 2, control: new SharedArrayBuffer(CONTROL_BYTES),
 *   baseEpochMs: Date.now(), totalOps: 100, deadlineNs: -1, schedule: null, opNames: ["WRITE"],
 *   mix: null, population: { kind: "seq", lo: 1, hi: 100 },
 *   target, errors: { tries: 1, ignore: false }, seed: 1,
 * }, new SyntheticTarget(target, 1),
 *   (message) => messages.push(message.type));
 * await runner.run();
 * assert.deepEqual(messages, ["done"]);
 * ```
 */
export class WorkerRunner {
  #init: WorkerInit<TargetSpec>;
  #target: Target;
  #post: PostMessage;
  #clock: NsClock;
  /** Whether the clock is the run's own (not a test's): then slots use the ticker. */
  readonly #ownClock: boolean;
  /** Releases scheduled ops at their slots, while a scheduled run runs. */
  #slots: SlotWaiter | null = null;
  /** Ops started whose end has not been taken yet. */
  #inFlight = 0;
  /** What this Worker measures of itself, for the loader verdict. */
  #probe: LoaderProbe;
  #flags: Int32Array;
  #cycles: BigInt64Array;
  #recorders: OpRecorder[];
  #schedule: RateSchedule | null;
  /** This Worker's seed, from which each thread's op mix draws its own. */
  #seed: number;
  #popPrng: Prng;
  #popDist: Distribution | null;
  #batch: number;
  #next = 0;
  #end = 0;
  // Epoch 0 is "no sample asked yet": an epoch bumped before this runner existed is
  // answered at the first check.
  #epoch = 0;
  #failure: string | null = null;
  #errorLines = 0;
  /** When timers last had a turn (the poll ran or a loop yielded), ns on the run's clock. */
  #lastTurnNs = 0;
  /** The turn the starving loops wait for together (see giveTurn), or null. */
  #turn: Promise<void> | null = null;
  #backoff: RetryBackoff | null;
  #jitter: Prng;

  /**
   * Creates the runner.
   *
   * @param init What to run.
   * @param target The target, built by the caller.
   * @param post Where messages go.
   * @param clock The clock, ns since `init.baseEpochMs` (default: {@linkcode createNsClock}).
   */
  constructor(init: WorkerInit<TargetSpec>, target: Target, post: PostMessage, clock?: NsClock) {
    this.#init = init;
    this.#target = target;
    this.#post = post;
    this.#ownClock = clock === undefined;
    this.#clock = clock ?? createNsClock(init.baseEpochMs);
    this.#probe = new LoaderProbe(init.threads, this.#clock);
    this.#flags = new Int32Array(init.control, 0, CONTROL_CYCLE_OFFSET / 4);
    this.#cycles = new BigInt64Array(init.control, CONTROL_CYCLE_OFFSET, 1);
    const scheduled = init.schedule !== null;
    this.#recorders = init.opNames.map(() => new OpRecorder({ scheduled }));
    this.#schedule = init.schedule === null ? null : new RateSchedule(init.schedule);
    const seed = (init.seed ^ Math.imul(init.workerIndex + 1, 0x9e3779b1)) >>> 0;
    this.#seed = seed;
    this.#popPrng = new Prng(init.seed);
    this.#popDist = init.population.kind === "dist"
      ? createDistribution(init.population.distribution, this.#popPrng)
      : null;
    const backoff = init.errors.backoff ?? null;
    this.#backoff = backoff === null || init.errors.tries < 2 ? null : new RetryBackoff(backoff, {
      tries: init.errors.tries,
    });
    if (this.#backoff !== null && !this.#backoff.waits) this.#backoff = null;
    this.#jitter = new Prng(seed ^ 0x27d4eb2f);
    // Throttled runs claim smaller batches so one Worker does not hoard the schedule.
    this.#batch = init.schedule === null
      ? BATCH_SIZE
      : Math.max(1, Math.min(BATCH_SIZE, Math.floor(init.schedule.opsPerSec / 1000)));
  }

  /**
   * Runs the op loops until the count is reached, the deadline passes or the stop flag
   * is set; posts a sample whenever the epoch changes and a `done` message at the end.
   *
   * @returns A promise that resolves when every loop has ended.
   */
  async run(): Promise<void> {
    this.#lastTurnNs = this.#clock();
    this.#probe.start();
    // The poll timer is also the event-loop probe: how late it fires.
    let pollDueNs = this.#lastTurnNs + POLL_MS * 1e6;
    const poll = setInterval(() => {
      this.#lastTurnNs = this.#clock();
      this.#probe.tick(this.#lastTurnNs - pollDueNs);
      pollDueNs = this.#lastTurnNs + POLL_MS * 1e6;
      this.#maybeSample();
    }, POLL_MS);
    // A loop that never yields to timers starves the probe: its last firing is still due.
    const lastProbe = () => {
      const lateNs = this.#clock() - pollDueNs;
      if (lateNs > 0) this.#probe.tick(lateNs);
    };
    this.#slots = this.#schedule === null ? null : this.#slotWaiter();
    try {
      const loops: Promise<void>[] = [];
      for (let i = 0; i < this.#init.threads; i++) loops.push(this.#timedLoop(this.#mixOf(i)));
      await Promise.all(loops);
    } finally {
      clearInterval(poll);
      lastProbe();
      this.#slots?.close();
    }
    const samples = this.#takeSamples();
    this.#post(
      {
        type: "done",
        workerIndex: this.#init.workerIndex,
        samples,
        failure: this.#failure,
        loader: this.#probe.finish(),
      },
      transferablesOf(samples),
    );
  }

  /**
   * The scheduled run's slot waiter: the precise dispatcher on the run's own clock when the
   * main thread started a ticker, else timers (and always on a clock it was given: a test's).
   */
  #slotWaiter(): SlotWaiter {
    const ticker = this.#init.ticker ?? null;
    if (!this.#ownClock || ticker === null) return new TimerSlots(this.#clock, MAX_SLEEP_MS);
    const flags = this.#flags;
    return new SlotDispatcher(ticker, {
      clock: this.#clock,
      stopped: () => Atomics.load(flags, CONTROL_STOP) !== 0,
      busy: () => this.#inFlight > 0,
    });
  }

  #claim(): number {
    if (this.#next < this.#end) return this.#next++;
    const total = this.#init.totalOps;
    const start = Number(Atomics.add(this.#cycles, 0, BigInt(this.#batch)));
    if (total >= 0 && start >= total) return -1;
    this.#next = start + 1;
    this.#end = total >= 0 ? Math.min(start + this.#batch, total) : start + this.#batch;
    return start;
  }

  /** One loop's further seeds: taken on first use, kept for the op's retries. */
  #seedSource(): SeedSource & { seeds: number[] } {
    const seeds: number[] = [];
    return {
      seeds,
      seed: (index: number) => {
        while (seeds.length <= index) {
          const cycle = this.#claim();
          if (cycle < 0) return -1;
          seeds.push(this.#seedOf(cycle));
        }
        return seeds[index];
      },
    };
  }

  #seedOf(cycle: number): number {
    const population = this.#init.population;
    if (population.kind === "seq") {
      return population.lo + (cycle % (population.hi - population.lo + 1));
    }
    this.#popPrng.reseed(cycle);
    return this.#popDist!.next();
  }

  /**
   * One thread's loop, its time alive counted for the loader verdict: from its start to its own
   * end, not to the end of the Worker's last thread.
   */
  async #timedLoop(mix: OpMix | null): Promise<void> {
    const startNs = this.#clock();
    try {
      await this.#loop(mix);
    } finally {
      this.#probe.alive(this.#clock() - startNs);
    }
  }

  /**
   * Thread `thread`'s op picker, or null for one op type: each thread draws its own runs of
   * `clustering=` (cassandra-stress gives each thread its own op distribution), so the threads
   * of a Worker do not all run the same op type at once.
   */
  #mixOf(thread: number): OpMix | null {
    const { mix, opNames } = this.#init;
    if (mix === null) return null;
    const seed = (this.#seed ^ Math.imul(thread + 1, 0x85ebca6b)) >>> 0;
    return new OpMix(
      Object.fromEntries(opNames.map((name, i) => [name, mix.weights[i]])),
      createDistribution(mix.clustering, new Prng(seed ^ 0x5bd1e995)),
      new Prng(seed),
    );
  }

  async #loop(mix: OpMix | null): Promise<void> {
    const flags = this.#flags;
    const clock = this.#clock;
    const schedule = this.#schedule;
    const deadlineNs = this.#init.deadlineNs;
    const target = this.#target;
    const tries = this.#init.errors.tries;
    let startNs = clock();
    const more = this.#seedSource();
    for (;;) {
      if (Atomics.load(flags, CONTROL_STOP) !== 0) return;
      const cycle = this.#claim();
      if (cycle < 0) return;
      let intendedNs = -1;
      if (schedule !== null) {
        intendedNs = schedule.intendedStartNs(cycle);
        // A slot at or past the deadline will never run: this loop is done.
        if (deadlineNs >= 0 && intendedNs >= deadlineNs) return;
        let waited = false;
        while (intendedNs > clock()) {
          if (Atomics.load(flags, CONTROL_STOP) !== 0) return;
          waited = true;
          await this.#slots!.until(intendedNs);
        }
        startNs = clock();
        // Late after waiting is the loader's own lateness; late without waiting is queueing.
        if (waited) this.#probe.dispatched(startNs - intendedNs);
      }
      if (deadlineNs >= 0 && startNs >= deadlineNs) {
        Atomics.store(flags, CONTROL_STOP, 1);
        return;
      }
      const kind = mix === null ? 0 : mix.next();
      if (target.ready !== undefined && !target.ready(kind)) return;
      const seed = this.#seedOf(cycle);
      more.seeds.length = 0;
      // The op's latency runs from startNs (before the first try) to endNs (after the last),
      // back-off waits included, as cassandra-stress's timer does.
      let error: unknown = undefined;
      let count: unknown = undefined;
      let attempt = 1;
      this.#inFlight++;
      for (;; attempt++) {
        try {
          const pending = target.op(kind, seed, more);
          if (pending !== undefined) count = await pending;
          error = undefined;
          break;
        } catch (e) {
          error = e ?? new Error("Operation failed");
        }
        if (attempt >= tries || !isRetryable(error)) break;
        // A stop cuts the retries short: the op ends on its last error, counted as one.
        if (!this.#mayRetry()) break;
        if (this.#backoff !== null && !(await this.#waitBeforeRetry(attempt - 1))) break;
      }
      const endNs = clock();
      this.#inFlight--;
      this.#probe.busy(endNs - startNs);
      // As cassandra-stress's timer does, a failed op is timed (all its tries and waits) and
      // counted like any other op; it also counts as an error. It counts what its error says
      // (a failed `user` query nothing), else one partition and one row.
      const counted = error === undefined ? opCountOf(count) : failedOpCountOf(error);
      this.#recorders[kind].recordOp(intendedNs, startNs, endNs, counted.partitions, counted.rows);
      let nextStartNs = endNs;
      if (error !== undefined) {
        if (this.#failed(kind, seed, attempt, error)) return;
        if (endNs - this.#lastTurnNs > STARVED_NS) nextStartNs = await this.#giveTurn();
      }
      if (Atomics.load(flags, CONTROL_EPOCH) !== this.#epoch) {
        this.#maybeSample();
        nextStartNs = clock();
      }
      startNs = nextStartNs;
    }
  }

  /**
   * Lets timers and I/O run (a macrotask turn), for a loop whose failing ops do no I/O. The loops
   * that starve wait for one turn together: each waiting for a turn of its own let every loop
   * run its failing ops for STARVED_NS before the next one yielded, so I/O (a reconnect's
   * handshake) waited that long times the number of loops.
   *
   * @returns The clock after the turn.
   */
  async #giveTurn(): Promise<number> {
    this.#turn ??= sleepMs(0).then(() => {
      this.#turn = null;
      this.#lastTurnNs = this.#clock();
    });
    await this.#turn;
    return this.#clock();
  }

  /**
   * Whether an op may try again now: false once the stop flag is set or the deadline has
   * passed (then it sets the stop flag, as the loop does).
   */
  #mayRetry(): boolean {
    if (Atomics.load(this.#flags, CONTROL_STOP) !== 0) return false;
    const deadlineNs = this.#init.deadlineNs;
    if (deadlineNs >= 0 && this.#clock() >= deadlineNs) {
      Atomics.store(this.#flags, CONTROL_STOP, 1);
      return false;
    }
    return true;
  }

  /**
   * Counts an op that ended on `error` after `attempt` tries and posts its error line.
   * Without `ignore` it fails the run: the Worker's first failure, and the stop flag set to
   * STOP_FAILURE, unless a failure already stopped the run (this op was cut short by it).
   *
   * @returns True when the loop must end.
   */
  #failed(kind: number, seed: number, attempt: number, error: unknown): boolean {
    this.#recorders[kind].recordError();
    this.#reportError(seed, attempt, error);
    if (this.#init.errors.ignore) return false;
    // cassandra-stress: the failing thread stops the work of every thread, and the run ends
    // with FAILURE (the Scylla fork's fail-fast adds nothing to this).
    if (Atomics.load(this.#flags, CONTROL_STOP) !== STOP_FAILURE) {
      this.#failure ??= formatOpErrorLine(seed, attempt, error);
      Atomics.store(this.#flags, CONTROL_STOP, STOP_FAILURE);
    }
    return true;
  }

  /**
   * Waits the back-off before retry `retryIndex`, in slices of at most MAX_SLEEP_MS.
   * Resolves false as soon as the stop flag is set or the deadline passes (then it sets
   * the stop flag, as the loop does), true when the wait is over.
   */
  async #waitBeforeRetry(retryIndex: number): Promise<boolean> {
    const flags = this.#flags;
    const deadlineNs = this.#init.deadlineNs;
    const untilMs = performance.now() + this.#backoff!.delayMs(retryIndex, this.#jitter);
    for (;;) {
      if (Atomics.load(flags, CONTROL_STOP) !== 0) return false;
      if (deadlineNs >= 0 && this.#clock() >= deadlineNs) {
        Atomics.store(flags, CONTROL_STOP, 1);
        return false;
      }
      const leftMs = untilMs - performance.now();
      if (leftMs <= 0) return true;
      await sleepMs(Math.min(leftMs, MAX_SLEEP_MS));
    }
  }

  #reportError(seed: number, tries: number, error: unknown): void {
    if (this.#errorLines > MAX_ERROR_LINES) return;
    this.#errorLines++;
    const line = this.#errorLines <= MAX_ERROR_LINES
      ? formatOpErrorLine(seed, tries, error)
      : `Worker ${this.#init.workerIndex}: further failed operations are not printed ` +
        `(at most ${MAX_ERROR_LINES} lines a Worker; Total errors counts them all)`;
    this.#post({ type: "log", line }, []);
  }

  #maybeSample(): void {
    const epoch = Atomics.load(this.#flags, CONTROL_EPOCH);
    if (epoch === this.#epoch) return;
    this.#epoch = epoch;
    const samples = this.#takeSamples();
    const loader = this.#probe.snapshot();
    this.#post(
      { type: "sample", workerIndex: this.#init.workerIndex, epoch, samples, loader },
      transferablesOf(samples),
    );
  }

  #takeSamples(): OpSample[] {
    return this.#recorders.map((recorder) => recorder.sample());
  }
}

function transferablesOf(samples: readonly OpSample[]): Transferable[] {
  return samples.flatMap((sample) => OpRecorder.transferables(sample));
}
