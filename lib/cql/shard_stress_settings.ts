/**
 * One shard's part of a cassandra-stress command line (`--shard I/N`): its share of `n=`, of
 * the rate and of a sequential population.
 *
 * @module
 */

import { OptionError } from "../errors.ts";
import { type Shard, shardSlice } from "../units/shard.ts";
import type { StressSettings } from "./options/stress_settings.ts";

/**
 * The settings of one shard of a cassandra-stress command: a sequential population
 * (`seq=LO..HI`, the default of write) keeps only the shard's contiguous part of the seeds, `n=`
 * becomes the shard's part of the count, and `throttle=`/`fixed=` rates are divided by N. A
 * `dist=` population is left whole (the draws of all shards together follow it), as are
 * `duration=` and the thread count (threads are per loader).
 *
 * With `n=` equal to the population's size (as write's default `seq=1..n`), the N shards write
 * every key exactly once between them; with `n=` below it, they split the first n seeds, which
 * are the ones the whole run visits.
 *
 * @param settings The command line's settings.
 * @param shard The shard.
 * @returns The shard's settings (the same object for a 1/1 shard).
 * @throws {OptionError} When a sequential population has fewer seeds than there are shards.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseStressArgs } from "./options/parse_stress_args.ts";
 * import { shardStressSettings } from "./shard_stress_settings.ts";
 * const all = parseStressArgs(["write", "n=10", "-rate", "threads=4", "fixed=300/s"]);
 * const last = shardStressSettings(all, { index: 2, count: 3 });
 * assert.deepEqual(last.command.stop, { kind: "count", n: 4 });
 * assert.equal(last.population.kind === "seq" && last.population.min, 7);
 * assert.equal(last.population.kind === "seq" && last.population.max, 10);
 * assert.equal(last.rate.kind === "threads" && last.rate.fixedOpsPerSec, 100);
 * const read = parseStressArgs(["read", "n=300", "-pop", "seq=1..900"]);
 * const second = shardStressSettings(read, { index: 1, count: 3 });
 * assert.equal(second.population.kind === "seq" && second.population.min, 101);
 * ```
 */
export function shardStressSettings(settings: StressSettings, shard: Shard): StressSettings {
  if (shard.count === 1) return settings;
  let { command, rate, population } = settings;
  if (command.stop.kind === "count") {
    command = { ...command, stop: { kind: "count", n: shardSlice(command.stop.n, shard).count } };
  }
  if (rate.kind === "threads") {
    rate = {
      ...rate,
      throttleOpsPerSec: rate.throttleOpsPerSec / shard.count,
      fixedOpsPerSec: rate.fixedOpsPerSec / shard.count,
    };
  }
  if (population.kind === "seq") {
    // The seeds the whole run visits: with n= below the range's size, only its first n.
    const stop = settings.command.stop;
    const range = population.max - population.min + 1;
    const size = stop.kind === "count" && stop.n > 0 && stop.n < range ? stop.n : range;
    if (size < shard.count) {
      throw new OptionError({
        option: "-pop seq",
        value: `${population.min}..${population.max}`,
        expected: `at least one seed per shard (${shard.count} shards)`,
      });
    }
    const part = shardSlice(size, shard);
    population = {
      ...population,
      min: population.min + part.start,
      max: population.min + part.start + part.count - 1,
    };
  }
  return { ...settings, command, rate, population };
}
