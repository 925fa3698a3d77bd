/**
 * How big the batches of a profile's insert are: the `Generating batches with ...` line that
 * ends a profile in the settings dump, the LOGGED batch limit (65535 rows) and the warnings
 * about very large batches and partitions, computed as cassandra-stress does.
 *
 * @module
 */

import { createDistribution } from "../../core/distribution.ts";
import { Prng } from "../../core/prng.ts";
import type { DistributionSpec, RatioDistributionSpec } from "../../units/distribution_spec.ts";
import { parseDistribution, parseRatioDistribution } from "../../units/parse_distribution.ts";
import type { InsertSettings } from "../options/stress_settings.ts";
import type { StressProfile } from "./stress_profile.ts";

/** The `-insert` group batchShapeOf reads. */
export type { InsertSettings };

/** The insert batches of one profile, bounds as cassandra-stress computes them. */
export interface BatchShape {
  /** Partitions per insert: `-insert partitions=`, else YAML `partitions`, else `fixed(1)`. */
  readonly partitions: DistributionSpec;
  /** The row select chance: `-insert select-ratio=`, else YAML `select`, else `fixed(1)/1`. */
  readonly select: RatioDistributionSpec;
  /** `-insert batchtype=`, else YAML `batchtype`, else LOGGED. */
  readonly batchType: "LOGGED" | "UNLOGGED" | "COUNTER";
  /** `[min, max]` partitions per batch (Java's `minValue()`/`maxValue()`: swapped when inverted). */
  readonly partitionsRange: readonly [number, number];
  /** `[min, max]` rows per partition: the product of the clustering columns' `cluster` bounds. */
  readonly rowsPerPartition: readonly [number, number];
  /** `[min, max]` rows per batch, after `select` and `-insert visits=`. */
  readonly batchRows: readonly [number, number];
  /**
   * The `ERROR: ...` line of a LOGGED batch over 65535 rows, or null. cassandra-stress prints it
   * to stderr after the partition warning and exits 1, before the `Generating batches` line.
   */
  readonly error: string | null;
  /** The `WARNING: ...` lines (very large partitions, very large batches). */
  readonly warnings: readonly string[];
}

const FIXED_ONE = "fixed(1)";

/** Java's `minValue()` and `maxValue()`: `inverseCumProb(0)` and `inverseCumProb(1)`. */
function javaBounds(spec: DistributionSpec): [number, number] {
  const distribution = createDistribution(spec, new Prng(0));
  return [distribution.inverseCumProb(0), distribution.inverseCumProb(1)];
}

/** `RatioDistribution.min()`/`max()`: the bounds over the divisor, capped at 1. */
function ratioBounds(spec: RatioDistributionSpec): [number, number] {
  const [min, max] = javaBounds(spec.distribution);
  return [Math.min(1, min / spec.divisor), Math.min(1, max / spec.divisor)];
}

/** Java's `%.0f`. */
function whole(value: number): string {
  return value.toFixed(0);
}

/**
 * Computes the batch bounds of a profile's insert, with the `-insert` options of the command
 * line taking precedence over the YAML, as cassandra-stress does.
 *
 * @param profile The profile.
 * @param clustering The table's clustering column names, in order (from `tableColumns`, or
 *   from the cluster's schema when the profile has no `table_definition`).
 * @param insert The `-insert` group.
 * @returns The bounds, the LOGGED limit error and the warnings.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseStressArgs } from "../options/parse_stress_args.ts";
 * import { batchShapeOf } from "./batch_shape.ts";
 * import { parseProfile } from "./parse_profile.ts";
 * const profile = parseProfile(
 *   "keyspace: ks\ntable: t\ncolumnspec:\n  - {name: c, cluster: uniform(1..100)}\n" +
 *     "insert: {partitions: fixed(2)}\nqueries: {}",
 *   "t.yaml",
 * );
 * const insert = parseStressArgs(["user", "profile=t.yaml", "ops(insert=1)"]).insert;
 * const shape = batchShapeOf(profile, ["c"], insert);
 * assert.deepEqual(shape.batchRows, [2, 200]);
 * assert.equal(shape.batchType, "LOGGED");
 * assert.equal(shape.error, null);
 * ```
 */
export function batchShapeOf(
  profile: StressProfile,
  clustering: readonly string[],
  insert: InsertSettings,
): BatchShape {
  const partitions = insert.partitions ?? profile.insert.partitions ?? parseDistribution(FIXED_ONE);
  const select = insert.selectRatio ?? profile.insert.select ??
    parseRatioDistribution("fixed(1)/1");
  const batchType = insert.batchType ?? profile.insert.batchType ?? "LOGGED";
  let minRows = 1;
  let maxRows = 1;
  for (const name of clustering) {
    const spec = profile.columnSpecs.findLast((column) => column.name === name)?.cluster;
    const [min, max] = javaBounds(spec ?? parseDistribution(FIXED_ONE));
    minRows *= min;
    maxRows *= max;
  }
  const [minPartitions, maxPartitions] = javaBounds(partitions);
  const [minSelect, maxSelect] = ratioBounds(select);
  const [minVisits, maxVisits] = javaBounds(insert.visits);
  const maxBatchRows = maxSelect * maxPartitions * maxRows * (1 / minVisits);
  const printed = whole(maxSelect * maxPartitions * maxRows);
  const warnings: string[] = [];
  if (maxRows > 100_000_000) {
    warnings.push(
      "WARNING: You have defined a schema that permits very large partitions " +
        `(${whole(maxRows)} max rows (>100M))`,
    );
  }
  const error = batchType === "LOGGED" && maxBatchRows > 65535
    ? "ERROR: You have defined a workload that generates batches with more than 65k rows " +
      `(${printed}), but have required the use of LOGGED batches. There is a 65k row limit on ` +
      "a single batch."
    : null;
  if (error === null && maxBatchRows > 100_000) {
    warnings.push(
      `WARNING: You have defined a schema that permits very large batches (${printed} max rows ` +
        "(>100K)). This may OOM this stress client, or the server.",
    );
  }
  return {
    partitions,
    select,
    batchType,
    partitionsRange: [minPartitions, maxPartitions],
    rowsPerPartition: [minRows, maxRows],
    batchRows: [minSelect * minPartitions * minRows * (1 / maxVisits), maxBatchRows],
    error,
    warnings,
  };
}

/**
 * The line cassandra-stress prints after a profile's settings:
 * `Generating batches with [a..b] partitions and [c..d] rows (of [e..f] total rows in the partitions)`.
 *
 * @param shape What {@linkcode batchShapeOf} computed.
 * @returns The line, without a line break.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseStressArgs } from "../options/parse_stress_args.ts";
 * import { batchShapeOf, formatBatchShapeLine } from "./batch_shape.ts";
 * import { parseProfile } from "./parse_profile.ts";
 * const profile = parseProfile("keyspace: ks\ntable: t\nqueries: {}", "t.yaml");
 * const insert = parseStressArgs(["user", "profile=t.yaml", "ops(insert=1)"]).insert;
 * assert.equal(
 *   formatBatchShapeLine(batchShapeOf(profile, [], insert)),
 *   "Generating batches with [1..1] partitions and [1..1] rows (of [1..1] total rows in the partitions)",
 * );
 * ```
 */
export function formatBatchShapeLine(shape: BatchShape): string {
  const [minPartitions, maxPartitions] = shape.partitionsRange;
  const [minRows, maxRows] = shape.rowsPerPartition;
  return `Generating batches with [${minPartitions}..${maxPartitions}] partitions and ` +
    `[${whole(shape.batchRows[0])}..${whole(shape.batchRows[1])}] rows (of ` +
    `[${whole(minPartitions * minRows)}..${
      whole(maxPartitions * maxRows)
    }] total rows in the partitions)`;
}
