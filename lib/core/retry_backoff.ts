/**
 * The back-off between the tries of a failed operation (`-errors delay-policy=`,
 * `min-delay-ms=`, `max-delay-ms=`), as the Scylla fork of cassandra-stress defines it,
 * with jitter drawn from a seeded {@linkcode Prng}.
 *
 * @module
 */

import type { Prng } from "./prng.ts";

/** How the delay grows from one retry to the next. */
export type DelayPolicy = "constant" | "linear" | "exponential";

/** A back-off policy: the growth rule and its bounds. Structured-cloneable. */
export interface RetryBackoffSpec {
  /** `constant`: always the minimum; `linear`: a fixed step per retry; `exponential`: doubling. */
  readonly policy: DelayPolicy;
  /** The shortest delay, in milliseconds (the first delay of every policy). */
  readonly minDelayMs: number;
  /** The longest delay, in milliseconds: no delay exceeds it, jitter included. */
  readonly maxDelayMs: number;
}

/** The jitter: each delay is scaled by a factor drawn uniformly from `[1 - J, 1 + J)`. */
export const JITTER_RATIO = 0.25;

function checkMs(name: string, value: number): void {
  if (!Number.isFinite(value) || value < 0) {
    throw new RangeError(
      `Cannot create retry back-off: ${name} is "${value}", expected a finite number >= 0`,
    );
  }
}

/**
 * The delay before each retry of a failed operation.
 *
 * Retry `k` (0-based: `k = 0` is the wait after the first failed try, before the second
 * try) has the base delay `constant: min`, `linear: min + (max - min) * k / tries` (the
 * Scylla fork's step) or `exponential: min * 2^k`, capped at `max`. {@linkcode delayMs}
 * scales the base by a jitter factor in `[0.75, 1.25)` and clamps the result to
 * `[min, max]`, so even capped delays stay spread out and none exceeds `max`.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { Prng } from "./prng.ts";
 * import { RetryBackoff } from "./retry_backoff.ts";
 *
 * const backoff = new RetryBackoff(
 *   { policy: "exponential", minDelayMs: 10, maxDelayMs: 100 },
 *   { tries: 10 },
 * );
 * assert.deepEqual([0, 1, 2, 3, 4, 5].map((k) => backoff.baseDelayMs(k)), [10, 20, 40, 80, 100, 100]);
 * const delay = backoff.delayMs(2, new Prng(1));
 * assert.ok(delay >= 30 && delay < 50);
 * ```
 */
export class RetryBackoff {
  #policy: DelayPolicy;
  #minMs: number;
  #maxMs: number;
  #stepMs: number;

  /**
   * Creates the back-off for operations with `options.tries` tries.
   *
   * @param spec The policy and its bounds.
   * @param options `tries`: tries per operation (retries + 1), which sets the linear step.
   * @throws {RangeError} When a bound is negative or not finite, `minDelayMs > maxDelayMs`,
   * the policy is unknown or `tries` is not a whole number >= 1 (the option parser rejects
   * all of these first, so this is a bug).
   */
  constructor(spec: RetryBackoffSpec, options: { tries: number }) {
    checkMs("minDelayMs", spec.minDelayMs);
    checkMs("maxDelayMs", spec.maxDelayMs);
    if (spec.minDelayMs > spec.maxDelayMs) {
      throw new RangeError(
        `Cannot create retry back-off: minDelayMs "${spec.minDelayMs}" is above maxDelayMs "${spec.maxDelayMs}", expected min <= max`,
      );
    }
    if (!["constant", "linear", "exponential"].includes(spec.policy)) {
      throw new RangeError(
        `Cannot create retry back-off: policy "${spec.policy}" is unknown, expected one of constant, linear, exponential`,
      );
    }
    if (!Number.isInteger(options.tries) || options.tries < 1) {
      throw new RangeError(
        `Cannot create retry back-off: tries is "${options.tries}", expected a whole number >= 1`,
      );
    }
    this.#policy = spec.policy;
    this.#minMs = spec.minDelayMs;
    this.#maxMs = spec.maxDelayMs;
    this.#stepMs = (spec.maxDelayMs - spec.minDelayMs) / options.tries;
  }

  /**
   * Whether any delay can be above zero: false for `constant` with `minDelayMs = 0` and
   * for `maxDelayMs = 0`, where the op loop retries at once and draws no jitter.
   *
   * @returns True when the back-off ever waits.
   *
   * @example Usage
   * ```ts
   * import assert from "node:assert/strict";
   * import { RetryBackoff } from "./retry_backoff.ts";
   *
   * const off = { policy: "constant", minDelayMs: 0, maxDelayMs: 20000 } as const;
   * assert.equal(new RetryBackoff(off, { tries: 10 }).waits, false);
   * ```
   */
  get waits(): boolean {
    if (this.#maxMs === 0) return false;
    return this.#minMs > 0 || this.#policy === "linear";
  }

  /**
   * The delay before retry `retryIndex`, without jitter: never below `minDelayMs`, never
   * above `maxDelayMs`, and never shorter than the delay before an earlier retry.
   *
   * @param retryIndex 0 for the wait after the first failed try, 1 after the second, ...
   * @returns The base delay in milliseconds.
   *
   * @example Usage
   * ```ts
   * import assert from "node:assert/strict";
   * import { RetryBackoff } from "./retry_backoff.ts";
   *
   * const linear = new RetryBackoff(
   *   { policy: "linear", minDelayMs: 0, maxDelayMs: 1000 },
   *   { tries: 4 },
   * );
   * assert.deepEqual([0, 1, 2].map((k) => linear.baseDelayMs(k)), [0, 250, 500]);
   * ```
   */
  baseDelayMs(retryIndex: number): number {
    const k = retryIndex > 0 ? retryIndex : 0;
    let delayMs: number;
    switch (this.#policy) {
      case "constant":
        delayMs = this.#minMs;
        break;
      case "linear":
        delayMs = this.#minMs + this.#stepMs * k;
        break;
      default:
        // 2^k overflows to Infinity for k >= 1024; min * Infinity is then capped (min > 0).
        delayMs = this.#minMs === 0 ? 0 : this.#minMs * 2 ** k;
    }
    return delayMs < this.#maxMs ? delayMs : this.#maxMs;
  }

  /**
   * The delay before retry `retryIndex`, with jitter: the base delay times a factor drawn
   * from `prng` in `[0.75, 1.25)`, clamped to `[minDelayMs, maxDelayMs]`. Draws two 32-bit
   * numbers from `prng` and allocates nothing.
   *
   * @param retryIndex 0 for the wait after the first failed try, 1 after the second, ...
   * @param prng Where the jitter comes from.
   * @returns The delay in milliseconds (not rounded).
   *
   * @example Usage
   * ```ts
   * import assert from "node:assert/strict";
   * import { Prng } from "./prng.ts";
   * import { RetryBackoff } from "./retry_backoff.ts";
   *
   * const constant = new RetryBackoff(
   *   { policy: "constant", minDelayMs: 100, maxDelayMs: 20000 },
   *   { tries: 10 },
   * );
   * const prng = new Prng(7);
   * for (let i = 0; i < 100; i++) {
   *   const delay = constant.delayMs(3, prng);
   *   assert.ok(delay >= 100 && delay < 125);
   * }
   * ```
   */
  delayMs(retryIndex: number, prng: Prng): number {
    const factor = 1 - JITTER_RATIO + 2 * JITTER_RATIO * prng.nextDouble();
    const delayMs = this.baseDelayMs(retryIndex) * factor;
    if (delayMs < this.#minMs) return this.#minMs;
    return delayMs < this.#maxMs ? delayMs : this.#maxMs;
  }
}
