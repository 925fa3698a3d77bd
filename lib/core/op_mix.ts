/**
 * The operation picker of `mixed` (`ratio(read=1,write=1) clustering=GAUSSIAN(1..10)`).
 *
 * @module
 */

import { OptionError } from "../errors.ts";
import type { Distribution } from "./distribution.ts";
import type { Prng } from "./prng.ts";

/**
 * Picks the operation kind of each `mixed` operation as cassandra-stress does: draw a kind
 * with probability proportional to its ratio, draw a run length from `clustering`, and return
 * that kind for that many operations back to back before drawing again.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { createDistribution } from "./distribution.ts";
 * import { OpMix } from "./op_mix.ts";
 * import { Prng } from "./prng.ts";
 *
 * const prng = new Prng(1);
 * const clustering = createDistribution(
 *   { kind: "fixed", value: 3, inverted: false, source: "fixed(3)" },
 *   prng,
 * );
 * const mix = new OpMix({ write: 1, read: 3 }, clustering, prng);
 * assert.deepEqual(mix.names, ["read", "write"]);
 * const first = mix.next();
 * assert.equal(mix.next(), first);
 * assert.equal(mix.next(), first); // runs of 3
 * ```
 */
export class OpMix {
  /** The operation kinds, sorted; {@linkcode OpMix.next} returns an index into this. */
  readonly names: string[];
  readonly #cumulativeWeights: Float64Array;
  readonly #totalWeight: number;
  readonly #lastPositive: number;
  readonly #clustering: Distribution;
  readonly #prng: Prng;
  #current = 0;
  #remaining = 0;

  /**
   * Creates a picker.
   *
   * @param ratio The weight of each kind, e.g. `{ read: 3, write: 1 }`; weights are finite and
   * not negative, and at least one is positive.
   * @param clustering The run-length distribution; its values must reach at least 1.
   * @param prng The generator for the kind draws.
   * @throws {OptionError} If `ratio` is empty, has a negative or non-finite weight, or sums
   * to 0 (option `ratio`), or if `clustering` can never return a positive run length (option
   * `clustering`).
   */
  constructor(ratio: Record<string, number>, clustering: Distribution, prng: Prng) {
    const names = Object.keys(ratio).sort();
    const source = names.map((name) => `${name}=${ratio[name]}`).join(",");
    const cumulative = new Float64Array(names.length);
    let total = 0;
    let lastPositive = 0;
    for (let i = 0; i < names.length; i++) {
      const weight = ratio[names[i]];
      if (!(weight >= 0 && Number.isFinite(weight))) {
        throw new OptionError({
          option: "ratio",
          value: source,
          problem: `has weight "${weight}" for "${names[i]}"`,
          expected: "finite weights of 0 or more",
        });
      }
      if (weight > 0) lastPositive = i;
      total += weight;
      cumulative[i] = total;
    }
    if (!(total > 0)) {
      throw new OptionError({
        option: "ratio",
        value: source,
        problem: "has no positive weight",
        expected: "at least one operation with a positive weight",
      });
    }
    if (!(clustering.maxValue >= 1)) {
      throw new OptionError({
        option: "clustering",
        value: `${clustering.minValue}..${clustering.maxValue}`,
        problem: "never gives a run length of 1 or more",
        expected: "a distribution that reaches 1",
      });
    }
    this.names = names;
    this.#cumulativeWeights = cumulative;
    this.#totalWeight = total;
    this.#lastPositive = lastPositive;
    this.#clustering = clustering;
    this.#prng = prng;
  }

  /**
   * The kind of the next operation.
   *
   * @returns An index into {@linkcode OpMix.names}.
   */
  next(): number {
    while (this.#remaining <= 0) {
      // cassandra-stress draws the run length first, then the kind.
      this.#remaining = this.#clustering.next();
      this.#current = this.#draw();
    }
    this.#remaining--;
    return this.#current;
  }

  #draw(): number {
    const target = this.#prng.nextDouble() * this.#totalWeight;
    const cumulative = this.#cumulativeWeights;
    for (let i = 0; i < cumulative.length; i++) {
      if (target < cumulative[i]) return i;
    }
    return this.#lastPositive; // only if rounding put target at the total
  }
}
