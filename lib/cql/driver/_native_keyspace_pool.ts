/**
 * One keyspace of a `user` run on the native path: a {@linkcode HostPool} whose connections
 * `USE` the keyspace and prepare its statements, the keyspace's token map (its own replication)
 * and a router over it. A request is sent to the first host of its plan that has an open
 * connection: the partition key's token picks the range, its local replicas come first. A
 * statement the node refused to prepare is prepared again by each op that needs it (once for
 * the ops waiting), so that every op fails with the node's answer. Private to lib/cql/driver.
 *
 * @module
 */

import type { CqlConnectionSpec } from "../cql_connection_spec.ts";
import type { CqlRingSpec } from "../cql_ring_spec.ts";
import { Murmur3PartitionToken } from "../native/murmur3_partition_token.ts";
import type { BatchType } from "../../protocol/protocol_codes.ts";
import { TokenMap } from "../native/token_map.ts";
import { TokenRouter } from "../native/token_router.ts";
import { HostPool, type PooledConnection } from "./_native_host_pool.ts";
import { connectionOptionsOf, localHostsOf } from "./_native_routing.ts";
import { NoHostAvailableError } from "./native_cql_target.ts";
import type {
  BoundValue,
  BoundValues,
  NativeResult,
  PreparedStatement,
  RequestOptions,
} from "./native_connection.ts";

/** What a keyspace's pool is built from. */
export interface KeyspacePoolOptions {
  /** How to connect (TLS, credentials, pooling, timeouts, allow list, local data center). */
  readonly spec: CqlConnectionSpec;
  /** The ring to route by (hosts and their tokens). */
  readonly ring: CqlRingSpec;
  /** The keyspace's replication map. */
  readonly replication: Readonly<Record<string, string>>;
  /** The keyspace every connection uses. */
  readonly keyspace: string;
  /** The statements to prepare on every connection (when the run prepares). */
  readonly statements: readonly string[];
}

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
  readonly #pool: HostPool;
  readonly #router: TokenRouter;
  readonly #plan: Int32Array;
  readonly #token = new Murmur3PartitionToken();
  readonly #statements: readonly string[];
  readonly #prepared: boolean;

  private constructor(pool: HostPool, map: TokenMap, router: TokenRouter, options: {
    statements: readonly string[];
    prepared: boolean;
  }) {
    this.#pool = pool;
    this.map = map;
    this.#router = router;
    this.#plan = new Int32Array(Math.max(1, router.localHostCount));
    this.#statements = options.statements;
    this.#prepared = options.prepared;
  }

  /**
   * Opens the connections to the local hosts and prepares the statements on each.
   *
   * @param options The spec, ring, replication, keyspace and statements.
   * @returns The pool.
   * @throws {Error} When no host can be reached, or no host is in the local data center.
   */
  static async start(options: KeyspacePoolOptions): Promise<NativeKeyspacePool> {
    const { spec, ring } = options;
    const localDc = spec.localDataCenter || ring.hosts[0].datacenter;
    const map = new TokenMap(ring.hosts, options.replication);
    const router = new TokenRouter(map, { localDc });
    const pool = await HostPool.start({
      hosts: localHostsOf(ring, localDc, spec.allowList),
      connectionsPerHost: spec.connectionsPerHost,
      statements: options.statements,
      prepared: spec.prepared,
      connectionOptions: (index) => connectionOptionsOf(spec, ring.hosts[index], options.keyspace),
    });
    return new NativeKeyspacePool(pool, map, router, {
      statements: options.statements,
      prepared: spec.prepared,
    });
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
    const pooled = this.#routeKey(key);
    const statement = pooled.statements[index];
    if (statement !== null) return pooled.connection.execute(statement, values, options);
    if (!this.#prepared) return pooled.connection.query(this.#statements[index], values, options);
    return this.#prepare(pooled, index).then((prepared) =>
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
    const pooled = this.#routeKey(key);
    let statement: PreparedStatement | string | null = pooled.statements[index];
    if (statement === null) {
      statement = this.#prepared ? await this.#prepare(pooled, index) : this.#statements[index];
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
    return this.#routeRange(range).connection.query(cql, [], options);
  }

  /** Closes every connection. */
  async close(): Promise<void> {
    await this.#pool.close();
  }

  #routeKey(key: readonly Uint8Array[]): PooledConnection {
    // With one local host every plan is that host: no token to compute.
    if (this.#router.localHostCount === 1) return this.#routeRange(-1);
    const token = this.#token.hashComposite(key);
    return this.#routeRange(this.map.rangeOf(token.high, token.low));
  }

  #routeRange(range: number): PooledConnection {
    const planned = this.#router.plan(range, this.#plan);
    for (let i = 0; i < planned; i++) {
      const pooled = this.#pool.connectionOf(this.#plan[i]);
      if (pooled !== null) return pooled;
    }
    throw new NoHostAvailableError(
      `All host(s) tried for query failed: none of the ${planned} local host(s) has an open connection`,
    );
  }

  /** Prepares a statement the node refused before, once for the ops waiting for it. */
  #prepare(pooled: PooledConnection, index: number): Promise<PreparedStatement> {
    let preparing = pooled.preparing[index];
    if (preparing === null) {
      preparing = pooled.connection.prepare(this.#statements[index]);
      pooled.preparing[index] = preparing;
      preparing.then(
        (statement) => pooled.statements[index] = statement,
        () => pooled.preparing[index] = null,
      );
    }
    return preparing;
  }
}
