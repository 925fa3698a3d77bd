/**
 * Private helper of {@linkcode NativeConnection}: prepares statements again after the node
 * answered Unprepared, once at a time per statement however many requests wait for it, and
 * updates each handle in place. The requests that wait are held here, off their stream ids (the
 * PREPARE may need one, and every id may be held by such a request), until the statements are
 * prepared again or their deadline passes.
 *
 * @module
 */

import type { PreparedStatement } from "../native/prepared_statement.ts";
import type { QueuedRequest } from "../native/request_table.ts";

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
  readonly #held = new Set<QueuedRequest>();

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

  /** Requests held while their statements are prepared again. */
  get held(): number {
    return this.#held.size;
  }

  /**
   * Holds a request while its statements are prepared again, then hands it to `resume` with
   * the failure of the PREPARE, if any (not when it expired first).
   *
   * @param request The request answered Unprepared, off its stream id.
   * @param statements The statements the node forgot.
   * @param resume Sends the request again, or fails it.
   */
  hold(
    request: QueuedRequest,
    statements: readonly PreparedStatement[],
    resume: (request: QueuedRequest, failure: Error | null) => void,
  ): void {
    this.#held.add(request);
    const done = (failure: Error | null) => {
      if (this.#held.delete(request)) resume(request, failure);
    };
    this.run(statements).then(() => done(null), (failure) => done(failure as Error));
  }

  /**
   * Lets go of the held requests past their deadline.
   *
   * @param nowMs The connection's clock.
   * @param onTimeout Called with each of them.
   */
  expire(nowMs: number, onTimeout: (request: QueuedRequest) => void): void {
    for (const request of this.#held) {
      if (request.deadlineMs > nowMs) continue;
      this.#held.delete(request);
      onTimeout(request);
    }
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
