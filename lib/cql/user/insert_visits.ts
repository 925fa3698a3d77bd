/**
 * `-insert visits=` and `revisit=` of a `user` run, as cassandra-stress's seed manager works
 * them: with visits above 1, a partition is written over several inserts, each writing the next
 * share of its rows (its row count over its visits, one row at least); a partition begun and not
 * finished is kept in a sample of at most `revisit`'s range, and each insert first draws an index
 * into that sample (`revisit`, inverted): a partition there is continued, else a new one is begun
 * from the run's seed. Reads of a partition in progress see only the rows written so far. One
 * instance per Worker (cassandra-stress keeps one per process).
 *
 * @module
 */

import { createDistribution, type Distribution } from "../../core/distribution.ts";
import type { Prng } from "../../core/prng.ts";
import type { DistributionSpec } from "../../units/distribution_spec.ts";

/** A partition being written over several visits. */
interface Visiting {
  readonly seed: number;
  /** The visits it is spread over. */
  readonly visits: number;
  /** The rows written so far (the next visit starts here). */
  written: number;
  /** Its index in the sample. */
  index: number;
}

/** What one insert slot writes: a partition and a range of its rows in iteration order. */
export interface Visit {
  /** The partition's seed (the run's, or a partition in progress). */
  readonly seed: number;
  /** The first row index written. */
  readonly from: number;
  /** The index after the last row written. */
  readonly to: number;
}

/**
 * Chooses the partition and rows of each insert slot under `visits=` and `revisit=`.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { Prng } from "../../core/prng.ts";
 * import { InsertVisits } from "./insert_visits.ts";
 * const fixed = (value: number) =>
 *   ({ kind: "fixed", value, inverted: false, source: `fixed(${value})` }) as const;
 * const visits = new InsertVisits(fixed(2), fixed(1), new Prng(1));
 * assert.deepEqual(visits.next(7, () => 10), { seed: 7, from: 0, to: 5 });
 * assert.equal(visits.writtenRows(7), 5);
 * assert.deepEqual(visits.next(8, () => 10), { seed: 7, from: 5, to: 10 });
 * assert.equal(visits.writtenRows(7), null);
 * ```
 */
export class InsertVisits {
  readonly #visits: Distribution;
  readonly #sampleIndex: Distribution;
  readonly #sampleOffset: number;
  readonly #sampleSize: number;
  readonly #sample: Visiting[] = [];
  readonly #bySeed = new Map<number, Visiting>();

  /**
   * @param visits `-insert visits=`.
   * @param revisit `-insert revisit=`.
   * @param prng The draws' source.
   */
  constructor(visits: DistributionSpec, revisit: DistributionSpec, prng: Prng) {
    this.#visits = createDistribution(visits, prng);
    this.#sampleIndex = createDistribution({ ...revisit, inverted: !revisit.inverted }, prng);
    this.#sampleOffset = Math.min(this.#sampleIndex.minValue, this.#sampleIndex.maxValue);
    const max = Math.max(this.#sampleIndex.minValue, this.#sampleIndex.maxValue);
    this.#sampleSize = 1 + max - this.#sampleOffset;
  }

  /**
   * The partition and rows of one insert slot.
   *
   * @param runSeed The run's seed for this slot, used when a new partition is begun.
   * @param rowCount The number of rows of a partition, by seed.
   * @returns The seed and the row range to write.
   */
  next(runSeed: number, rowCount: (seed: number) => number): Visit {
    const index = this.#sampleIndex.next() - this.#sampleOffset;
    let visiting = index < this.#sample.length ? this.#sample[index] : undefined;
    if (visiting === undefined && this.#sample.length >= this.#sampleSize) {
      visiting = this.#sample[index % this.#sample.length]; // a full sample: continue one
    }
    if (visiting === undefined) {
      visiting = this.#bySeed.get(runSeed) ??
        { seed: runSeed, visits: Math.max(1, this.#visits.next()), written: 0, index: -1 };
    }
    const rows = rowCount(visiting.seed);
    const share = Math.max(1, Math.floor(rows / visiting.visits));
    const from = visiting.written;
    const to = Math.min(rows, from + share);
    visiting.written = to;
    if (to >= rows) this.#finish(visiting);
    else if (visiting.index < 0) this.#keep(visiting);
    return { seed: visiting.seed, from, to };
  }

  /**
   * The rows of a partition written so far, or null when it is not in progress (never begun,
   * or finished: every row is there).
   *
   * @param seed The partition's seed.
   * @returns The rows written, or null.
   */
  writtenRows(seed: number): number | null {
    return this.#bySeed.get(seed)?.written ?? null;
  }

  #keep(visiting: Visiting): void {
    visiting.index = this.#sample.length;
    this.#sample.push(visiting);
    this.#bySeed.set(visiting.seed, visiting);
  }

  #finish(visiting: Visiting): void {
    if (visiting.index < 0) return;
    const last = this.#sample.pop()!;
    if (last !== visiting) {
      this.#sample[visiting.index] = last;
      last.index = visiting.index;
    }
    this.#bySeed.delete(visiting.seed);
  }
}
