/**
 * Private helper of {@linkcode NativeConnection}: prepares statements again after the node
 * answered Unprepared, once at a time per statement however many requests wait for it, and
 * updates each handle in place.
 *
 * @module
 */

import type { PreparedStatement } from "../native/prepared_statement.ts";

/**
 * Re-prepares statements, sharing the work between concurrent callers.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { PreparedStatement } from "../native/prepared_statement.ts";
 * import { Repreparer } from "./_native_reprepare.ts";
 * const fields = { resultMetadataId: null, variables: [], partitionKeyIndexes: [], resultColumns: null };
 * let prepares = 0;
 * const repreparer = new Repreparer((cql) => {
 *   prepares++;
 *   return Promise.resolve(new PreparedStatement(cql, { ...fields, id: new Uint8Array([2]) }));
 * });
 * const stale = new PreparedStatement("X", { ...fields, id: new Uint8Array([1]) });
 * await Promise.all([repreparer.run([stale]), repreparer.run([stale])]);
 * assert.equal(prepares, 1);
 * assert.deepEqual([...stale.id], [2]);
 * ```
 */
export class Repreparer {
  readonly #prepare: (cql: string) => Promise<PreparedStatement>;
  readonly #pending = new Map<PreparedStatement, Promise<void>>();

  /**
   * Creates the helper.
   *
   * @param prepare Prepares a statement text on the connection.
   */
  constructor(prepare: (cql: string) => Promise<PreparedStatement>) {
    this.#prepare = prepare;
  }

  /**
   * Prepares the statements again and updates them in place.
   *
   * @param statements The statements the node forgot.
   * @returns When every one is prepared again; rejects with the first failure.
   */
  async run(statements: readonly PreparedStatement[]): Promise<void> {
    await Promise.all(statements.map((statement) => this.#one(statement)));
  }

  #one(statement: PreparedStatement): Promise<void> {
    let pending = this.#pending.get(statement);
    if (pending === undefined) {
      pending = this.#prepare(statement.query)
        .then((fresh) => statement.update(fresh))
        .finally(() => this.#pending.delete(statement));
      this.#pending.set(statement, pending);
    }
    return pending;
  }
}
