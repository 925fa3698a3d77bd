/**
 * The cell size distribution of cassandra-stress's data, reseeded with each value's identity as
 * cassandra-stress does (commons-math3's samplers, through {@linkcode SeededDistribution}).
 * Private to lib/cql (see `stress_data.ts`).
 *
 * @module
 */

import type { DistributionSpec } from "../units/distribution_spec.ts";
import { OptionError } from "../errors.ts";
import { SeededDistribution } from "./_seeded_distribution.ts";

/** 2^32, to split a long into its words. */
const TWO_POW_32 = 4294967296;

/** The cell size distribution, reseeded with each value's identity as cassandra-stress does. */
export class SizeSampler {
  readonly #fixed: number;
  readonly #distribution: SeededDistribution | null;
  /** The largest size a sample can have. */
  readonly maxBytes: number;

  /**
   * @param spec `-col size=`.
   * @throws {OptionError} For negative sizes, an inverted distribution (cassandra-stress sizes
   * its buffer by the minimum, then fails) or one cassandra-stress cannot reproduce.
   */
  constructor(spec: DistributionSpec) {
    const fail = (problem: string, expected: string): OptionError =>
      new OptionError({ option: "-col size", value: spec.source, problem, expected });
    if (spec.kind === "fixed" || spec.min === spec.max) {
      const value = spec.kind === "fixed" ? spec.value : spec.min;
      if (!Number.isSafeInteger(value) || value < 0) {
        throw fail(`has size "${value}"`, "a size of at least 0 bytes");
      }
      this.#fixed = value;
      this.#distribution = null;
      this.maxBytes = value;
      return;
    }
    if (!Number.isSafeInteger(spec.min) || !Number.isSafeInteger(spec.max) || spec.min < 0) {
      throw fail(`has bounds "${spec.min}" and "${spec.max}"`, "integer sizes of at least 0");
    }
    if (spec.min > spec.max) {
      throw fail(`has min "${spec.min}" above max "${spec.max}"`, "min at most max");
    }
    if (spec.inverted) {
      // c-s sizes its buffer by the inverted distribution's maxValue(), which is the minimum,
      // and then fails with ArrayIndexOutOfBoundsException on the first larger value.
      throw fail("is inverted", 'a distribution without "~" (cassandra-stress fails on it)');
    }
    this.#fixed = -1;
    this.#distribution = new SeededDistribution(spec, "-col size");
    this.maxBytes = spec.max;
  }

  /** The size for a value whose identity draw was `identity` (an integer in [1, 10^11]). */
  sample(identity: number): number {
    const distribution = this.#distribution;
    if (distribution === null) return this.#fixed;
    distribution.setSeed(Math.floor(identity / TWO_POW_32), identity >>> 0);
    return distribution.next();
  }
}
