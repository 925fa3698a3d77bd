/**
 * What the main thread checks before a cassandra-stress run connects (and, for `user`, once
 * the profiles' tables are read back): everything a Worker would refuse when it builds its
 * generators, so that a bad distribution or profile value is one `error:` line with exit 2,
 * not a failure in every Worker after the schema was created.
 *
 * @module
 */

import { createDistribution } from "../core/distribution.ts";
import { OpMix } from "../core/op_mix.ts";
import { Prng } from "../core/prng.ts";
import type { StressTargetSpec } from "./cql_target_spec.ts";
import type { StressSettings } from "./options/stress_settings.ts";
import { StressData } from "./stress_data.ts";
import { opsOf } from "./stress_plan.ts";
import { firstLineOf, UsageError, UserError } from "../errors.ts";

/**
 * Checks the distributions of the command line alone (no target, no file read): `-pop dist=`,
 * `clustering=` with the op mix, and `-col` sizes and counts. `--dry-run` checks these too.
 *
 * @param settings The parsed command line.
 * @param prng The generator the distributions draw from (any: they are only built).
 * @throws {UserError} For a distribution no Worker could build.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { checkRunDistributions } from "./check_target_spec.ts";
 * import { Prng } from "../core/prng.ts";
 * import { parseStressArgs } from "./options/parse_stress_args.ts";
 * // A mix whose run lengths are all 0: no Worker could pick an op.
 * const settings = parseStressArgs(["mixed", "ratio(write=1,read=3)", "clustering=fixed(0)"]);
 * assert.throws(() => checkRunDistributions(settings, new Prng(1)), /never gives a run/);
 * ```
 */
export function checkRunDistributions(settings: StressSettings, prng: Prng): void {
  if (settings.population.kind === "dist") {
    createDistribution(settings.population.distribution, prng);
  }
  const clustering = createDistribution(settings.command.clustering, prng);
  const { names, weights } = opsOf(settings);
  if (weights !== null && weights.length > 1) {
    // A Worker's op picker: a clustering= that never gives a run of 1 or more is refused.
    new OpMix(Object.fromEntries(names.map((name, i) => [name, weights[i]])), clustering, prng);
  }
  const columns = settings.columns;
  createDistribution(columns.sizeDistribution, prng);
  if (columns.countDistribution !== null) createDistribution(columns.countDistribution, prng);
}

/**
 * Builds, once and for nothing, the generators a Worker builds from the settings and target.
 *
 * @param settings The parsed settings (population and clustering distributions).
 * @param target The target spec; a `user` target without tables yet (before the profiles'
 * tables are read back) is checked for its distributions only.
 * @throws {UserError} What a Worker would throw: an impossible distribution (`extreme` with
 * shape 0, `gaussian` with stdev 0, negative sizes, a `clustering=` of a mix that never
 * reaches 1), a profile column spec that cannot draw a value, a query marker that binds no
 * generated column.
 *
 * @example Usage
 * ```ts ignore
 * await checkTargetSpec(settings, target);
 * ```
 */
export async function checkTargetSpec(
  settings: StressSettings,
  target: StressTargetSpec,
): Promise<void> {
  const prng = new Prng(1);
  checkRunDistributions(settings, prng);
  switch (target.kind) {
    case "cql":
      StressData.check({
        keySizeBytes: target.keyBytes,
        columnNames: target.columnNames,
        columnSize: target.columnSize,
        columnCount: target.columnCount,
      });
      createDistribution(target.counterAdd, prng);
      return;
    case "cql-user": {
      if (target.tables.length === 0) return;
      // Loaded only by `user` runs: the profile generators.
      const { checkUserSpec, userTableStates } = await import("./driver/_user_op_values.ts");
      try {
        checkUserSpec(target);
        userTableStates(target, prng);
      } catch (error) {
        // The generators' own refusals are plain errors in places: each is about the profile.
        if (error instanceof UserError) throw error;
        throw new UsageError(firstLineOf(error), { cause: error });
      }
      return;
    }
    case "synthetic":
      if (target.latencyUs !== null) createDistribution(target.latencyUs, prng);
  }
}
