/**
 * One keyspace of a `user` run on the native path: a {@linkcode RoutedPool} whose connections
 * `USE` the keyspace and prepare its statements, routed by the keyspace's own replication,
 * with the requests a profile sends: EXECUTE (or QUERY when the run does not prepare), BATCH,
 * and a token range's statement text. Private to lib/cql/driver.
 *
 * @module
 */

import type { BatchType } from "../../protocol/protocol_codes.ts";
import type { TokenMap } from "../native/token_map.ts";
import { rejectAfterTurn, RoutedPool, type RoutedPoolOptions } from "./_native_routed_pool.ts";
import type { PooledConnection } from "./_native_host_pool.ts";
import type {
  BoundValue,
  BoundValues,
  NativeResult,
  PreparedStatement,
  RequestOptions,
} from "./native_connection.ts";

/** What a keyspace's pool is built from. */
export type KeyspacePoolOptions = RoutedPoolOptions;

const MAX_TOKEN = (1n << 63n) - 1n;

/**
 * A keyspace's connections, routed by token.
 *
 * @example Usage
 * ```ts ignore
 * const pool = await NativeKeyspacePool.start({ spec, ring, replication, keyspace, statements });
 * await pool.execute(0, partition.key, values, { consistency: 1 });
 * await pool.close();
 * ```
 */
export class NativeKeyspacePool {
  /** The keyspace's token map. */
  readonly map: TokenMap;
  readonly #routed: RoutedPool;
  readonly #prepared: boolean;

  private constructor(routed: RoutedPool, prepared: boolean) {
    this.#routed = routed;
    this.map = routed.map;
    this.#prepared = prepared;
  }

  /**
   * Opens the connections to the local hosts and prepares the statements on each.
   *
   * @param options The spec, ring, replication, keyspace and statements.
   * @returns The pool.
   * @throws {Error} When no host can be reached, or no host is in the local data center.
   */
  static async start(options: KeyspacePoolOptions): Promise<NativeKeyspacePool> {
    return new NativeKeyspacePool(await RoutedPool.start(options), options.spec.prepared);
  }

  /**
   * Runs statement `index` with its values, on a replica of the partition key.
   *
   * @param index The statement's index in the pool's statements.
   * @param key The partition key's columns (serialized), for routing.
   * @param values The bound values.
   * @param options Consistency, paging, timeout.
   * @returns The result.
   */
  execute(
    index: number,
    key: readonly Uint8Array[],
    values: BoundValues,
    options: RequestOptions,
  ): Promise<NativeResult> {
    let pooled: PooledConnection;
    try {
      pooled = this.#routed.byKeyColumns(key);
    } catch (error) {
      return rejectAfterTurn(error, values);
    }
    const statement = pooled.statements[index];
    if (statement !== null) return pooled.connection.execute(statement, values, options);
    if (!this.#prepared) {
      return pooled.connection.query(this.#routed.statements[index], values, options);
    }
    return this.#routed.prepare(pooled, index).then((prepared) =>
      pooled.connection.execute(prepared, values, options)
    );
  }

  /**
   * Runs statement `index` once per row of values in one BATCH, on a replica of the first
   * partition's key.
   *
   * @param type Logged, unlogged or counter.
   * @param index The statement's index.
   * @param key The first partition's key columns.
   * @param rows The bound values of each statement of the batch.
   * @param options Consistency, serial consistency, timeout.
   * @returns The result.
   */
  async batch(
    type: BatchType,
    index: number,
    key: readonly Uint8Array[],
    rows: readonly (readonly BoundValue[])[],
    options: RequestOptions,
  ): Promise<NativeResult> {
    let pooled: PooledConnection;
    try {
      pooled = this.#routed.byKeyColumns(key);
    } catch (error) {
      return rejectAfterTurn(error, null);
    }
    let statement: PreparedStatement | string | null = pooled.statements[index];
    if (statement === null) {
      statement = this.#prepared
        ? await this.#routed.prepare(pooled, index)
        : this.#routed.statements[index];
    }
    const entries = rows.map((values) => ({ statement: statement!, values }));
    return pooled.connection.batch(type, entries, options);
  }

  /**
   * Runs a statement text (QUERY, unprepared) on a replica of the range that holds `token`.
   *
   * @param cql The statement.
   * @param token The token to route by; null for the ring's end.
   * @param options Consistency, paging, timeout.
   * @returns The result.
   */
  query(cql: string, token: bigint | null, options: RequestOptions): Promise<NativeResult> {
    const range = this.map.rangeOfToken(token ?? MAX_TOKEN);
    let pooled: PooledConnection;
    try {
      pooled = this.#routed.byRange(range);
    } catch (error) {
      return rejectAfterTurn(error, null);
    }
    return pooled.connection.query(cql, [], options);
  }

  /** Closes every connection. */
  async close(): Promise<void> {
    await this.#routed.close();
  }
}
