/**
 * A statement prepared on a connection: its id, its bound variables, its partition key indexes,
 * the columns its results have, and (v5) the id of that result metadata. Re-preparing updates it
 * in place, so holders of the handle keep using it.
 *
 * @module
 */

import type { ColumnSpec } from "./column_metadata.ts";

/** What a Prepared result carries. */
export interface PreparedFields {
  /** The statement id. */
  readonly id: Uint8Array;
  /** v5: the result metadata id; null before v5. */
  readonly resultMetadataId: Uint8Array | null;
  /** The bound variables, in marker order. */
  readonly variables: readonly ColumnSpec[];
  /** For each partition key column, the index of its variable (empty when unknown). */
  readonly partitionKeyIndexes: readonly number[];
  /** The columns of its results, or null when the node sent none (not a SELECT). */
  readonly resultColumns: readonly ColumnSpec[] | null;
}

/**
 * A prepared statement handle.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { PreparedStatement } from "./prepared_statement.ts";
 * const prepared = new PreparedStatement("SELECT * FROM t", {
 *   id: new Uint8Array([1]),
 *   resultMetadataId: null,
 *   variables: [],
 *   partitionKeyIndexes: [],
 *   resultColumns: null,
 * });
 * prepared.update({ ...prepared, id: new Uint8Array([2]) });
 * assert.deepEqual([...prepared.id], [2]);
 * ```
 */
export class PreparedStatement implements PreparedFields {
  /** The statement text. */
  readonly query: string;
  /** The statement id. */
  id: Uint8Array;
  /** v5: the result metadata id; null before v5. */
  resultMetadataId: Uint8Array | null;
  /** The bound variables, in marker order. */
  variables: readonly ColumnSpec[];
  /** For each partition key column, the index of its variable. */
  partitionKeyIndexes: readonly number[];
  /** The columns of its results, or null. */
  resultColumns: readonly ColumnSpec[] | null;

  /**
   * Creates the handle.
   *
   * @param query The statement text.
   * @param fields What the Prepared result carried.
   */
  constructor(query: string, fields: PreparedFields) {
    this.query = query;
    this.id = fields.id;
    this.resultMetadataId = fields.resultMetadataId;
    this.variables = fields.variables;
    this.partitionKeyIndexes = fields.partitionKeyIndexes;
    this.resultColumns = fields.resultColumns;
  }

  /**
   * Takes the fields of a fresh Prepared result (after the node forgot the statement).
   *
   * @param fields The new fields.
   */
  update(fields: PreparedFields): void {
    this.id = fields.id;
    this.resultMetadataId = fields.resultMetadataId;
    this.variables = fields.variables;
    this.partitionKeyIndexes = fields.partitionKeyIndexes;
    this.resultColumns = fields.resultColumns;
  }
}
