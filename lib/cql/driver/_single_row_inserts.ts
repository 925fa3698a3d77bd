/**
 * The insert of a profile table without clustering columns, one partition per op and one
 * visit each (a key-value table): the row is packed into buffers kept per op in flight and
 * bound as views that are cut again only when the sizes change, so the op allocates nothing
 * while the row fits. It writes what `insertValues` gives for the same seed (the
 * same draws, in the same order). Private to lib/cql/driver.
 *
 * @module
 */

import type { Prng } from "../../core/prng.ts";
import type { OpCount } from "../../engine/target.ts";
import type { PackedRow } from "../profile_data/profile_partition_generator.ts";
import { type BoundValue, type BoundValues, EncodedValues } from "../native/frame_buffer.ts";
import { populatedOf, type UserTableState } from "./_user_op_values.ts";

/** The buffers of one insert in flight, reused by the next once it settled. */
interface Lane {
  readonly row: PackedRow;
  /** The buffer and sizes the views were cut for. */
  cutBytes: Uint8Array | null;
  readonly cutSizes: Int32Array;
  /** One view per column (null: NULL). */
  readonly columns: (Uint8Array | null)[];
  /** The key columns' views, to route by. */
  readonly key: Uint8Array[];
  /** The statement's bound values, one per marker. */
  readonly values: BoundValue[];
  /** The row encoded in marker order, for a text and blob row (else null). */
  encoded: { readonly values: EncodedValues; readonly order: Int32Array } | null;
}

/** What an insert of one row counts. */
const ONE_ROW: OpCount = { partitions: 1, rows: 1 };

/** Sends one insert: the key to route by and the statement's values. */
export type SendInsert = (
  key: readonly Uint8Array[],
  values: BoundValues,
) => Promise<unknown>;

/**
 * Inserts of single-row partitions, packed per op in flight.
 *
 * @example Usage
 * ```ts ignore
 * const inserts = SingleRowInserts.of(table);
 * if (inserts !== null) await inserts.run(seed, prng, (key, values) => send(key, values));
 * ```
 */
export class SingleRowInserts {
  readonly #table: UserTableState;
  /** Per marker, the column it binds (key columns first, then value columns). */
  readonly #slots: Int32Array;
  readonly #keyColumns: number;
  readonly #columnCount: number;
  readonly #lanes: Lane[] = [];
  /** The most bytes of an encoded row, or null when rows are bound column by column. */
  readonly #encodedBytes: number | null;

  private constructor(table: UserTableState) {
    this.#table = table;
    const { data } = table.spec;
    this.#keyColumns = data.partitionKey.length;
    this.#columnCount = this.#keyColumns + data.values.length;
    this.#slots = Int32Array.from(
      table.insertSources,
      (source) => source.role === "key" ? source.index : this.#keyColumns + source.index,
    );
    // Encoded when every column is bound once (the key columns route the op).
    const once = new Set(this.#slots).size === this.#columnCount &&
      this.#slots.length === this.#columnCount;
    this.#encodedBytes = once ? table.generator.encodedRowBytes : null;
  }

  /**
   * The packed inserts of a table, or null when its inserts are not single-row: clustering
   * columns, more than one partition per op, or a partition written over several visits.
   *
   * @param table The table.
   * @returns The inserts, or null.
   */
  static of(table: UserTableState): SingleRowInserts | null {
    const { spec } = table;
    const partitions = spec.insert.partitions;
    const onePartition = partitions.kind === "fixed"
      ? partitions.value <= 1
      : partitions.kind === "uniform" && partitions.max <= 1;
    const packable = spec.data.clustering.length === 0 && onePartition && table.visits === null;
    return packable ? new SingleRowInserts(table) : null;
  }

  /**
   * Generates the row of `seed` and sends it, with the draws `insertValues` makes.
   *
   * @param seed The op's seed.
   * @param prng The target's op PRNG (reseeded with `seed`).
   * @param send Sends the statement.
   * @returns What the op wrote: one partition and one row (an {@linkcode OpCount}, or, for a
   * row sent already encoded, what `send` gives, which the engine counts as one of each).
   */
  run(seed: number, prng: Prng, send: SendInsert): Promise<unknown> {
    const table = this.#table;
    prng.reseed(seed);
    table.partitions.next();
    table.select.next(); // one row: written whatever the ratio
    const populated = populatedOf(table);
    // A lane stays untouched until its request settles (the connection copies the values
    // when it writes the frame, which may be later), then serves the next op.
    const lane = this.#lanes.pop() ?? this.#newLane();
    const encoded = lane.encoded;
    if (encoded === null) return this.#runBound(seed, lane, populated, send);
    try {
      table.generator.packRow(seed, lane.row, populated, encoded);
      this.#cutKey(lane, encoded.values.bytes);
    } catch (error) {
      this.#lanes.push(lane);
      throw error;
    }
    // The connection hands the values back (onSettled) once it no longer reads them.
    return send(lane.key, encoded.values);
  }

  /** The op of a row bound value by value: the lane comes back when its request settled. */
  async #runBound(seed: number, lane: Lane, populated: number, send: SendInsert): Promise<OpCount> {
    try {
      this.#table.generator.packRow(seed, lane.row, populated);
      this.#bind(lane);
      await send(lane.key, lane.values);
      return ONE_ROW;
    } finally {
      this.#lanes.push(lane);
    }
  }

  #newLane(): Lane {
    const n = this.#columnCount;
    const lane: Lane = {
      row: { bytes: new Uint8Array(256), sizes: new Int32Array(n) },
      cutBytes: null,
      cutSizes: new Int32Array(n),
      columns: new Array(n).fill(null),
      key: new Array(this.#keyColumns),
      values: new Array(this.#slots.length).fill(null),
      encoded: null,
    };
    if (this.#encodedBytes !== null) {
      const values = new EncodedValues(this.#encodedBytes);
      values.onSettled = () => this.#lanes.push(lane);
      lane.encoded = { values, order: this.#slots };
    }
    return lane;
  }

  /** Cuts the key columns' views out of an encoded row again when a size changed. */
  #cutKey(lane: Lane, bytes: Uint8Array): void {
    const { row, cutSizes } = lane;
    let same = lane.cutBytes === bytes;
    for (let c = 0; same && c < cutSizes.length; c++) same = cutSizes[c] === row.sizes[c];
    if (same) return;
    cutSizes.set(row.sizes);
    const slots = this.#slots;
    let at = 0;
    for (let m = 0; m < slots.length; m++) {
      const column = slots[m];
      const size = row.sizes[column];
      if (column < this.#keyColumns) lane.key[column] = bytes.subarray(at + 4, at + 4 + size);
      at += 4 + Math.max(0, size);
    }
    lane.cutBytes = bytes;
  }

  /** Cuts the views again when the buffer or a size changed, then binds the markers. */
  #bind(lane: Lane): void {
    const { row, cutSizes } = lane;
    let same = lane.cutBytes === row.bytes;
    for (let c = 0; same && c < cutSizes.length; c++) same = cutSizes[c] === row.sizes[c];
    if (same) return;
    let at = 0;
    for (let c = 0; c < cutSizes.length; c++) {
      const size = row.sizes[c];
      lane.columns[c] = size < 0 ? null : row.bytes.subarray(at, at + size);
      if (size > 0) at += size;
      cutSizes[c] = size;
    }
    lane.cutBytes = row.bytes;
    for (let k = 0; k < this.#keyColumns; k++) lane.key[k] = lane.columns[k]!;
    const slots = this.#slots;
    for (let i = 0; i < slots.length; i++) lane.values[i] = lane.columns[slots[i]];
  }
}
