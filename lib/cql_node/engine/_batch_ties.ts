// The writes of a batch share one timestamp, and Cassandra merges them into one mutation before
// it applies it: between two values written to one cell, the greater (compared as unsigned bytes)
// wins, whatever their order, and a tombstone beats any value. The node keeps no timestamps, so a
// batch applies its statements one by one with this rule in between (its deletions last: they
// shadow the batch's own writes too).
import type { RowCells } from "./row_slab.ts";
import type { TableSchema } from "./schema.ts";
import { compareBytes } from "./_bind.ts";
import type { SizedWrite } from "./_batch_size.ts";
import type { WritePlan } from "./_write_plan.ts";
import { CqlError } from "../protocol/cql_error.ts";
import { isMultiCell } from "./_cell_size.ts";

const VALUE = 1;
const TOMBSTONE = 2;

/**
 * The cells one batch wrote, per row of one table, and the rule between two of its writes to a
 * cell. Cells of non-frozen collections (one cell per element) and counters (added up) are left
 * to the statements.
 */
export class BatchTies {
  readonly #rows = new Map<string, Uint8Array>();
  readonly #tied: readonly boolean[];
  /**
   * The cells the statement being applied writes, a null among them (a tombstone) too; when
   * unknown, the cells whose value it changed.
   */
  written: ReadonlySet<number> | null = null;

  /** @param table The table the batch writes. */
  constructor(table: TableSchema) {
    this.#tied = table.cells.map((col) => !table.isCounter && !isMultiCell(col.type));
  }

  /**
   * Settles one statement's change of a row against the batch's earlier writes to it.
   *
   * @param rowKey The row (partition and clustering key, or the static row).
   * @param old The row before this statement.
   * @param next The row this statement made (`null`: it went).
   * @returns The row to store.
   */
  settle(rowKey: string, old: RowCells | null, next: RowCells | null): RowCells | null {
    const marks = this.#marksOf(rowKey);
    if (next === null) {
      for (let i = 0; i < marks.length; i++) if (old?.cells[i]) marks[i] = TOMBSTONE;
      return null;
    }
    for (let i = 0; i < marks.length; i++) {
      if (!this.#tied[i]) continue;
      const before = old?.cells[i] ?? null;
      const after = next.cells[i];
      if (!(this.written?.has(i) ?? after !== before)) continue; // not written by this statement
      if (marks[i] === TOMBSTONE) next.cells[i] = null;
      else if (after === null) marks[i] = TOMBSTONE;
      else {
        // The earlier value is a view into the row's record, which the write may reuse.
        if (marks[i] === VALUE && before !== null && compareBytes(before, after) > 0) {
          next.cells[i] = before.slice();
        }
        marks[i] = VALUE;
      }
    }
    return !next.marker && next.cells.every((cell) => cell === null) ? null : next;
  }

  #marksOf(rowKey: string): Uint8Array {
    let marks = this.#rows.get(rowKey);
    if (marks === undefined) {
      marks = new Uint8Array(this.#tied.length);
      this.#rows.set(rowKey, marks);
    }
    return marks;
  }
}

/**
 * Applies the writes of a batch as one mutation at one timestamp: its deletions after its other
 * writes (a tombstone shadows what the batch wrote at its timestamp), and between two values the
 * batch wrote to one cell, the greater.
 *
 * @param runs The batch's writes, their bound values and the cells they write, in order.
 */
export function writeAtOneTimestamp(runs: readonly SizedWrite[]): void {
  const ties = new Map<TableSchema, BatchTies>();
  for (const { plan: { table } } of runs) {
    if (ties.has(table)) continue;
    const tie = new BatchTies(table);
    ties.set(table, tie);
    table.store.settle = (rowKey, old, next) => tie.settle(rowKey, old, next);
  }
  const apply = ({ plan, ctx, sizes }: SizedWrite) => {
    const written = sizes.filter(([, bytes]) => bytes > 0).map(([cell]) => cell);
    ties.get(plan.table)!.written = new Set(written);
    plan.write(ctx);
  };
  try {
    for (const run of runs) if (!run.plan.deletes) apply(run);
    for (const run of runs) if (run.plan.deletes) apply(run);
  } finally {
    for (const table of ties.keys()) table.store.settle = null;
  }
}

/**
 * Cassandra's checks of the statements of a batch: writes only, counters only in a counter batch
 * and never with other writes.
 *
 * @param type The batch's type.
 * @param items Its statements.
 * @throws {CqlError} Invalid when Cassandra refuses the batch.
 */
export function checkBatchKinds(
  type: "logged" | "unlogged" | "counter",
  items: readonly { statement: { write: WritePlan | null } }[],
): void {
  let counters = false;
  let others = false;
  for (const { statement } of items) {
    if (statement.write === null) {
      throw CqlError.invalid(
        "Invalid statement in batch: only UPDATE, INSERT and DELETE statements are allowed.",
      );
    }
    if (statement.write.table.isCounter) counters = true;
    else others = true;
  }
  if (counters && others) {
    throw CqlError.invalid("Counter and non-counter mutations cannot exist in the same batch");
  }
  if (type === "counter" && others) {
    throw CqlError.invalid("Cannot include non-counter statement in a counter batch");
  }
  if (type === "logged" && counters) {
    throw CqlError.invalid("Cannot include a counter statement in a logged batch");
  }
}
