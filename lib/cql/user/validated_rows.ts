/**
 * Which rows of a partition the built-in `validate` op expects a statement to return, as
 * cassandra-stress works it out: rows are in the generator's sorted order (level by level, the
 * last clustering level varying fastest), a bound is a position per clustering level down to the
 * statement's depth, and the rows between the two bounds are expected, in that order.
 *
 * @module
 */

/** A `validate` statement's bounds: positions per level (depth of them), and inclusiveness. */
export interface ValidateBounds {
  /** The lower bound's position in each level, down to the depth. */
  readonly lower: readonly number[];
  /** The upper bound's position in each level (not before `lower`). */
  readonly upper: readonly number[];
  /** `>=` (true) or `>`. */
  readonly inclusiveStart: boolean;
  /** `<=` (true) or `<`. */
  readonly inclusiveEnd: boolean;
}

/**
 * The range `[from, to)` of row indices (in the sorted iteration order) that a `validate`
 * statement over `bounds` must return, given the number of values of each clustering level.
 * Depth 0 (no bound) is the whole partition. Above the deepest level a bound is the first row of
 * its prefix, so `>= lower AND < upper` is every row whose prefix lies in `[lower, upper)`; at the
 * deepest level a bound is one row, and the inclusiveness applies to it.
 *
 * @param levelSizes The number of distinct values of each clustering level.
 * @param bounds The statement's bounds (empty positions for depth 0).
 * @returns The first row index and the index after the last.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { validatedRows } from "./validated_rows.ts";
 * // Two levels of 3 and 2 values: rows (0,0) (0,1) (1,0) (1,1) (2,0) (2,1).
 * const all = { lower: [], upper: [], inclusiveStart: true, inclusiveEnd: true };
 * assert.deepEqual(validatedRows([3, 2], all), { from: 0, to: 6 });
 * const prefixes = { lower: [1], upper: [2], inclusiveStart: true, inclusiveEnd: false };
 * assert.deepEqual(validatedRows([3, 2], prefixes), { from: 2, to: 4 });
 * const rows = { lower: [0, 1], upper: [2, 0], inclusiveStart: false, inclusiveEnd: true };
 * assert.deepEqual(validatedRows([3, 2], rows), { from: 2, to: 5 });
 * ```
 */
export function validatedRows(
  levelSizes: readonly number[],
  bounds: ValidateBounds,
): { from: number; to: number } {
  const rowCount = levelSizes.reduce((product, size) => product * size, 1);
  const depth = bounds.lower.length;
  if (depth === 0) return { from: 0, to: rowCount };
  const firstRow = (position: readonly number[]) => {
    let index = 0;
    for (let d = 0; d < levelSizes.length; d++) index = index * levelSizes[d] + (position[d] ?? 0);
    return index;
  };
  const from = firstRow(bounds.lower) + (bounds.inclusiveStart ? 0 : 1);
  const to = firstRow(bounds.upper) + (bounds.inclusiveEnd ? 1 : 0);
  return { from, to: Math.max(from, to) };
}
