/**
 * cassandra-stress's thread-count search (`-rate threads>=N threads<=M [auto]`): which thread
 * counts it runs, the improvement it prints after each step, and when it stops.
 *
 * @module
 */

/** Options of {@linkcode ThreadSearch}: the `-rate` auto grouping and the `err<` of the command. */
export interface ThreadSearchOptions {
  /** The first step's thread count (`threads>=`). */
  minThreads: number;
  /** No step runs more threads than this (`threads<=`). */
  maxThreads: number;
  /** `auto`: stop once throughput stops improving; without it every step up to `maxThreads` runs. */
  auto: boolean;
  /**
   * The `err<` of an uncertainty-mode command, or null for count and duration runs. In auto
   * mode the search also stops once the average improvement over the last 5 steps is below it.
   *
   * @default {null}
   */
  targetStderr?: number | null;
}

/** What {@linkcode ThreadSearch.record} decided after one step. */
export interface ThreadSearchStep {
  /** The thread count of the step just recorded. */
  threads: number;
  /**
   * The improvement of this step's op rate over the previous step's, as a fraction
   * (`(cur - prev) / prev`, 0.25 for 25%), or null for the first step.
   */
  improvement: number | null;
  /**
   * Whether cassandra-stress pauses after this step (`Sleeping for 15s`, updating commands
   * only): true unless the next thread count is past `maxThreads`. It pauses before it
   * decides whether `auto` stops, so the last step of an `auto` search pauses too.
   */
  pausesAfter: boolean;
  /** The next step's thread count, or null when the search is over. */
  nextThreads: number | null;
}

/**
 * The thread-count search of cassandra-stress's auto mode, as the ScyllaDB fork runs it.
 * The first step runs `minThreads`; each next step adds 100 threads below 500, multiplies by
 * 1.2 below 1500 and by 1.1 beyond (truncated to an integer); the search ends when the next
 * count is past `maxThreads`. With `auto` it also ends once the average improvement of the op
 * rate over the last 3 steps is negative, or (in uncertainty mode) the average over the last 5
 * steps is below `err<`. The averages need 4 and 6 recorded steps.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { ThreadSearch } from "./thread_search.ts";
 *
 * const search = new ThreadSearch({ minThreads: 4, maxThreads: 1000, auto: true });
 * const rates = [1000, 5000, 5000, 4000, 3000];
 * const ran: number[] = [];
 * for (const opsPerSec of rates) {
 *   ran.push(search.threads);
 *   if (search.record(opsPerSec).nextThreads === null) break;
 * }
 * // After 304 threads the last 3 improvements average (4 + 0 - 0.2) / 3 > 0: go on.
 * // After 404 they average (0 - 0.2 - 0.25) / 3 < 0: stop.
 * assert.deepEqual(ran, [4, 104, 204, 304, 404]);
 * assert.equal(search.done, true);
 * ```
 */
export class ThreadSearch {
  #options: Required<ThreadSearchOptions>;
  #rates: number[] = [];
  #threads: number;
  #done = false;

  /**
   * Starts a search at `minThreads`.
   *
   * @param options The thread bounds, `auto` and `err<`.
   * @throws {RangeError} When the bounds are not positive integers with min <= max.
   */
  constructor(options: ThreadSearchOptions) {
    const { minThreads, maxThreads } = options;
    if (!Number.isSafeInteger(minThreads) || minThreads < 1 || !Number.isSafeInteger(maxThreads)) {
      throw new RangeError(
        `Cannot start a thread search: threads>=${minThreads} threads<=${maxThreads} is invalid, expected positive integers`,
      );
    }
    if (maxThreads < minThreads) {
      throw new RangeError(
        `Cannot start a thread search: threads<=${maxThreads} is below threads>=${minThreads}, expected threads<= at least threads>=`,
      );
    }
    this.#options = { targetStderr: null, ...options };
    this.#threads = minThreads;
  }

  /**
   * The thread count after `threads`: +100 below 500, x1.2 below 1500, x1.1 beyond
   * (truncated, as Java's `(int)` cast does).
   *
   * @param threads A step's thread count.
   * @returns The next step's thread count.
   *
   * @example Usage
   * ```ts
   * import assert from "node:assert/strict";
   * import { ThreadSearch } from "./thread_search.ts";
   * assert.deepEqual([4, 404, 504, 1500].map(ThreadSearch.nextThreads), [104, 504, 604, 1650]);
   * ```
   */
  static nextThreads(threads: number): number {
    if (threads < 500) return threads + 100;
    if (threads < 1500) return Math.trunc(threads * 1.2);
    return Math.trunc(threads * 1.1);
  }

  /**
   * Every thread count a search without `auto` runs: `min`, then each next count up to `max`.
   *
   * @param minThreads `threads>=`.
   * @param maxThreads `threads<=`.
   * @returns The thread counts in order.
   *
   * @example Usage
   * ```ts
   * import assert from "node:assert/strict";
   * import { ThreadSearch } from "./thread_search.ts";
   * assert.deepEqual(ThreadSearch.steps(4, 24), [4]);
   * assert.deepEqual(ThreadSearch.steps(300, 800), [300, 400, 500, 600, 720]);
   * ```
   */
  static steps(minThreads: number, maxThreads: number): number[] {
    const steps = [minThreads];
    for (
      let next = ThreadSearch.nextThreads(minThreads);
      next <= maxThreads;
      next = ThreadSearch.nextThreads(next)
    ) {
      steps.push(next);
    }
    return steps;
  }

  /**
   * The average improvement of the op rate over the last `count` steps, as cassandra-stress
   * computes it: the mean of `(rate[i] - rate[i-1]) / rate[i-1]` over those steps.
   *
   * @param opsPerSec The op rate of every step so far, in order.
   * @param count How many of the last steps to average (at most `opsPerSec.length - 1`).
   * @returns The average, as a fraction (NaN or infinite when a previous rate is 0).
   * @throws {RangeError} When there are not `count + 1` rates.
   *
   * @example Usage
   * ```ts
   * import assert from "node:assert/strict";
   * import { ThreadSearch } from "./thread_search.ts";
   * assert.equal(ThreadSearch.averageImprovement([100, 200, 100], 2), 0.25); // (1 - 0.5) / 2
   * ```
   */
  static averageImprovement(opsPerSec: readonly number[], count: number): number {
    if (!(count >= 1 && count < opsPerSec.length)) {
      throw new RangeError(
        `Cannot average the improvement over ${count} steps: ${opsPerSec.length} rates given, expected at least ${
          count + 1
        }`,
      );
    }
    let sum = 0;
    for (let i = opsPerSec.length - count; i < opsPerSec.length; i++) {
      sum += (opsPerSec[i] - opsPerSec[i - 1]) / opsPerSec[i - 1];
    }
    return sum / count;
  }

  /**
   * The thread count of the step to run now.
   *
   * @returns The count (the last step's once the search is over).
   */
  get threads(): number {
    return this.#threads;
  }

  /**
   * Whether the search is over.
   *
   * @returns True after the step whose {@linkcode ThreadSearchStep.nextThreads} was null.
   */
  get done(): boolean {
    return this.#done;
  }

  /**
   * The op rate of every recorded step, in order.
   *
   * @returns The rates (a copy).
   */
  get opsPerSec(): number[] {
    return [...this.#rates];
  }

  /**
   * Records the op rate the current step measured and decides what comes next.
   *
   * @param opsPerSec The step's op rate (ops over the step's run time).
   * @returns The step's improvement, whether cassandra-stress pauses after it, and the next count.
   * @throws {RangeError} When the search is already over.
   *
   * @example Usage
   * ```ts
   * import assert from "node:assert/strict";
   * import { ThreadSearch } from "./thread_search.ts";
   * const search = new ThreadSearch({ minThreads: 4, maxThreads: 104, auto: false });
   * assert.deepEqual(search.record(100), {
   *   threads: 4,
   *   improvement: null,
   *   pausesAfter: true,
   *   nextThreads: 104,
   * });
   * assert.deepEqual(search.record(150), {
   *   threads: 104,
   *   improvement: 0.5,
   *   pausesAfter: false,
   *   nextThreads: null,
   * });
   * ```
   */
  record(opsPerSec: number): ThreadSearchStep {
    if (this.#done) {
      throw new RangeError(
        `Cannot record a step: the thread search is over, expected no more steps`,
      );
    }
    const rates = this.#rates;
    rates.push(opsPerSec);
    const threads = this.#threads;
    const improvement = rates.length > 1 ? ThreadSearch.averageImprovement(rates, 1) : null;
    const next = ThreadSearch.nextThreads(threads);
    const pausesAfter = next <= this.#options.maxThreads;
    const goOn = pausesAfter && (!this.#options.auto || this.#improving());
    this.#done = !goOn;
    if (goOn) this.#threads = next;
    return { threads, improvement, pausesAfter, nextThreads: goOn ? next : null };
  }

  /** cassandra-stress's `hasAverageImprovement(3, 0) && hasAverageImprovement(5, err)`. */
  #improving(): boolean {
    // Outside uncertainty mode cassandra-stress's target is -1, which an average can only
    // fail to reach when it is NaN.
    const target = this.#options.targetStderr ?? -1;
    return this.#averageAtLeast(3, 0) && this.#averageAtLeast(5, target);
  }

  /** True while fewer than `count + 1` steps ran, else whether the average reaches `min`. */
  #averageAtLeast(count: number, min: number): boolean {
    return this.#rates.length < count + 1 ||
      ThreadSearch.averageImprovement(this.#rates, count) >= min;
  }
}
