/**
 * The rows a `user` op binds: where each marker's value comes from (key, clustering or value
 * column of the generated partition), the row at an index, and the rows an insert keeps.
 * Private to lib/cql/driver.
 *
 * @module
 */

import { Buffer } from "node:buffer";
import type { Prng } from "../../core/prng.ts";
import { UsageError } from "../../errors.ts";
import type {
  ProfilePartition,
  ProfileRow,
  ProfileTableLayout,
} from "../profile_data/profile_partition_generator.ts";
import { markerColumns } from "./_cql_markers.ts";

/** Where one marker's value is: a partition key column, a clustering column, a value column. */
export interface MarkerSource {
  /** The column's role. */
  readonly role: "key" | "clustering" | "value";
  /** Its index among the columns of that role. */
  readonly index: number;
}

/**
 * The source of every marker of a statement, by the column it stands for (`markerColumns`).
 *
 * @param cql The statement.
 * @param data The table's generated columns.
 * @returns One source per marker.
 * @throws {UsageError} When a marker stands for no column, or for one the profile does not
 * generate.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { markerSources } from "./_user_rows.ts";
 * const data = {
 *   partitionKey: [{ name: "k", type: "int" }],
 *   clustering: [{ name: "c", type: "int" }],
 *   values: [{ name: "V", type: "text" }],
 * };
 * assert.deepEqual(markerSources('SELECT * FROM t WHERE k = ? AND c > ? AND "V" = ?', data), [
 *   { role: "key", index: 0 },
 *   { role: "clustering", index: 0 },
 *   { role: "value", index: 0 },
 * ]);
 * assert.throws(() => markerSources("SELECT * FROM t WHERE k = ? LIMIT ?", data), /LIMIT \?/);
 * ```
 */
export function markerSources(cql: string, data: ProfileTableLayout): MarkerSource[] {
  const find = (name: string): MarkerSource | null => {
    const roles = [
      ["key", data.partitionKey],
      ["clustering", data.clustering],
      ["value", data.values],
    ] as const;
    for (const [role, columns] of roles) {
      const index = columns.findIndex((c) => c.name === name);
      if (index >= 0) return { role, index };
    }
    return null;
  };
  return markerColumns(cql).map((name, i) => {
    if (name === null) {
      throw new UsageError(
        `Cannot bind marker ${i + 1} of "${cql}": it follows no column (the values of a ` +
          "profile query come from the columns its markers compare or assign)",
      );
    }
    const source = find(name);
    if (source === null) {
      throw new UsageError(
        `Cannot bind marker ${i + 1} of "${cql}": column "${name}" is not a generated ` +
          "column of the profile's table",
      );
    }
    return source;
  });
}

/** A generated value as the driver sends pre-serialised bytes (a Buffer view, no copy). */
/** CQL bytes as the driver binds them (a view, no copy); null stays null. */
export function bufferOf(bytes: Uint8Array | null): Buffer | null {
  return bytes === null ? null : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/**
 * The values of a statement's markers for one row, as the driver binds raw CQL bytes.
 *
 * @param sources The markers' sources.
 * @param partition The partition (its key).
 * @param rowOf The row each marker takes its clustering and value columns from.
 * @param populated The row-population ratio drawn for this partition (default 1: every value
 *   column): value column k (1-based) of n is bound NULL when k / n exceeds it, as
 *   cassandra-stress leaves it out.
 * @returns The values, null for a column left unpopulated.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { bindValues } from "./_user_rows.ts";
 * const partition = {
 *   key: [new Uint8Array([1])],
 *   levels: [],
 *   leafValues: [[null]],
 *   rowCount: 1,
 * };
 * const row = { clustering: [], values: [null] };
 * const values = bindValues([{ role: "value", index: 0 }, { role: "key", index: 0 }], partition, () => row);
 * assert.equal(values[0], null);
 * assert.deepEqual([...values[1]!], [1]);
 * ```
 */
export function bindValues(
  sources: readonly MarkerSource[],
  partition: ProfilePartition,
  rowOf: (marker: number) => ProfileRow,
  populated = 1,
): (Uint8Array | null)[] {
  return sources.map((source, i) => {
    switch (source.role) {
      case "key":
        return partition.key[source.index];
      case "clustering":
        return rowOf(i).clustering[source.index];
      case "value": {
        const values = rowOf(i).values;
        // Value column k (1-based) of n is left NULL when k / n exceeds the ratio.
        if ((source.index + 1) / values.length > populated) return null;
        return values[source.index];
      }
    }
  });
}

/**
 * Row `index` of a partition, in the generator's iteration order (depth first).
 *
 * @param partition The partition.
 * @param index 0 to `rowCount - 1`.
 * @returns The row.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { rowAt } from "./_user_rows.ts";
 * const a = new Uint8Array([1]), b = new Uint8Array([2]), x = new Uint8Array([9]);
 * const partition = { key: [x], levels: [[a, b], [a, b]], leafValues: [[a], [b]], rowCount: 4 };
 * assert.deepEqual(rowAt(partition, 2), { clustering: [b, a], values: [a] });
 * ```
 */
export function rowAt(partition: ProfilePartition, index: number): ProfileRow {
  const { levels, leafValues } = partition;
  if (levels.length === 0) return { clustering: [], values: leafValues[0] };
  const clustering = new Array<Uint8Array>(levels.length);
  let rest = index;
  let leaf = 0;
  for (let d = levels.length - 1; d >= 0; d--) {
    const i = rest % levels[d].length;
    rest = Math.floor(rest / levels[d].length);
    clustering[d] = levels[d][i];
    if (d === levels.length - 1) leaf = i;
  }
  return { clustering, values: leafValues[leaf] };
}

/**
 * The rows an insert writes: each row with chance `ratio`, the last one when none is kept,
 * and the only row of a single-row partition whatever the ratio (cassandra-stress's
 * `select`).
 *
 * @param rows The partition's rows, in order.
 * @param ratio The chance of each row.
 * @param prng Where the chances come from.
 * @returns The kept rows, in order (at least one when `rows` is not empty).
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { Prng } from "../../core/prng.ts";
 * import { selectRows } from "./_user_rows.ts";
 * const rows = [1, 2, 3].map((n) => ({ clustering: [new Uint8Array([n])], values: [] }));
 * assert.deepEqual(selectRows(rows, 0, new Prng(1)), [rows[2]]);
 * assert.equal(selectRows(rows, 1, new Prng(1)).length, 3);
 * ```
 */
export function selectRows(
  rows: Iterable<ProfileRow>,
  ratio: number,
  prng: Prng,
): ProfileRow[] {
  const kept: ProfileRow[] = [];
  let last: ProfileRow | null = null;
  let count = 0;
  for (const row of rows) {
    count++;
    last = row;
    if (ratio >= 1 || prng.nextDouble() < ratio) kept.push(row);
  }
  if (count === 1) return [last!];
  if (kept.length === 0 && last !== null) kept.push(last);
  return kept;
}
