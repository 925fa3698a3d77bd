/**
 * What a node served, per table: reads and writes counted, and (when asked) the Murmur3 token of
 * every partition written. Lets a test of a ring check that each write reached a replica of its
 * key.
 *
 * @module
 */

import { murmur3PartitionToken } from "../../core/murmur3_token.ts";
import type { TableSchema } from "./schema.ts";
import type { ExecContext } from "./_bind.ts";
import type { WritePlan } from "./_write_plan.ts";

/** The requests a node served for one table. */
export interface TableRequests {
  /** The keyspace. */
  keyspace: string;
  /** The table. */
  table: string;
  /** SELECT statements run. */
  reads: number;
  /** INSERT, UPDATE and DELETE statements run, each statement of a batch counted. */
  writes: number;
  /**
   * The distinct tokens of the partitions written, ascending (empty unless the tally keeps
   * them).
   */
  writeTokens: bigint[];
}

interface Counts {
  reads: number;
  writes: number;
  tokens: Set<bigint> | null;
}

/** Options of {@linkcode RequestTally}. */
export interface RequestTallyOptions {
  /** Keep the token of every partition written (memory grows with the partitions). @default false */
  keepWriteTokens?: boolean;
}

/**
 * Counts the reads and writes a node ran per table, and keeps the tokens of the partitions
 * written when asked. Tables are told apart by name (a table dropped and created again goes on
 * counting in the same entry); counting allocates nothing.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { RequestTally } from "./request_tally.ts";
 * const tally = new RequestTally();
 * assert.deepEqual(tally.tables(), []);
 * ```
 */
export class RequestTally {
  readonly #byKeyspace = new Map<string, Map<string, Counts>>();
  readonly #keepTokens: boolean;

  /**
   * Creates an empty tally.
   *
   * @param options Whether to keep write tokens.
   */
  constructor(options: RequestTallyOptions = {}) {
    this.#keepTokens = options.keepWriteTokens ?? false;
  }

  /**
   * Counts a read of a table.
   *
   * @param table The table read.
   */
  read(table: TableSchema): void {
    this.#counts(table).reads++;
  }

  /**
   * Counts a write, and keeps the tokens of the partitions it addresses.
   *
   * @param plan The compiled write.
   * @param ctx Its bound values.
   */
  write(plan: WritePlan, ctx: ExecContext): void {
    const counts = this.#counts(plan.table);
    counts.writes++;
    if (counts.tokens === null) return;
    for (const target of plan.targets(ctx)) counts.tokens.add(murmur3PartitionToken(target.pk));
  }

  /**
   * The counts so far, one entry per table, in the order tables were first met.
   *
   * @returns Copies of the counts.
   */
  tables(): TableRequests[] {
    const out: TableRequests[] = [];
    for (const [keyspace, tables] of this.#byKeyspace) {
      for (const [table, counts] of tables) {
        out.push({
          keyspace,
          table,
          reads: counts.reads,
          writes: counts.writes,
          writeTokens: [...(counts.tokens ?? [])].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)),
        });
      }
    }
    return out;
  }

  /** Forgets every count and token. */
  reset(): void {
    this.#byKeyspace.clear();
  }

  #counts(table: TableSchema): Counts {
    let tables = this.#byKeyspace.get(table.keyspace);
    if (tables === undefined) this.#byKeyspace.set(table.keyspace, tables = new Map());
    let counts = tables.get(table.name);
    if (counts === undefined) {
      counts = { reads: 0, writes: 0, tokens: this.#keepTokens ? new Set() : null };
      tables.set(table.name, counts);
    }
    return counts;
  }
}
