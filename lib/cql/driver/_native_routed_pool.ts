/**
 * The connections of one keyspace on the native path and the token router over them, shared
 * by the predefined ops ({@linkcode NativeCqlTarget}) and each keyspace of a `user` run: a
 * request goes to the first host of its plan that has an open connection (the partition key's
 * token picks the range, the range's local replicas come first, rotated per request, then the
 * other local hosts). A statement the node refused to prepare is prepared again by the first
 * op that needs it, once for every op waiting on that connection. An op that finds no host fails
 * a turn of the event loop later ({@linkcode rejectAfterTurn}). Private to lib/cql/driver.
 *
 * @module
 */

import type { CqlConnectionSpec } from "../cql_connection_spec.ts";
import type { CqlRingSpec } from "../cql_ring_spec.ts";
import { Murmur3PartitionToken } from "../../core/murmur3_token.ts";
import { type BoundValues, settleValues } from "../native/frame_buffer.ts";
import { TokenMap } from "../native/token_map.ts";
import { TokenRouter } from "../native/token_router.ts";
import { HostPool, type PooledConnection } from "./_native_host_pool.ts";
import { connectionOptionsOf, localHostsOf } from "./_native_routing.ts";
import type { PreparedStatement } from "./native_connection.ts";

/** No host of the plan had an open connection. */
export class NoHostAvailableError extends Error {
  /** Creates the error. */
  constructor(message: string) {
    super(message);
    this.name = "NoHostAvailableError";
  }
}

/**
 * The failure of a request that was not sent (no host had an open connection): its values handed
 * back at once, its promise rejected after a turn of the event loop. A Worker's op loops, whose
 * ops then do no I/O, would otherwise fail ops back to back for as long as the hosts are down:
 * spinning a core, and starving the reconnects of the I/O they wait for (with 64 threads a
 * restarted node's handshake could not finish in its connect timeout).
 *
 * @param error Why it was not sent.
 * @param values Its bound values, or null.
 * @returns A promise rejected with `error`.
 */
export function rejectAfterTurn(error: unknown, values: BoundValues | null): Promise<never> {
  settleValues(values);
  return new Promise((_, reject) => setTimeout(reject, 0, error));
}

/** What a routed pool is built from. */
export interface RoutedPoolOptions {
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

/**
 * A keyspace's connections, routed by token.
 *
 * @example Usage
 * ```ts ignore
 * const pool = await RoutedPool.start({ spec, ring, replication, keyspace, statements });
 * const pooled = pool.byKey(key);
 * await pooled.connection.execute(pooled.statements[0]!, values, options);
 * await pool.close();
 * ```
 */
export class RoutedPool {
  /** The keyspace's token map. */
  readonly map: TokenMap;
  /** The statements, by index (as prepared on every connection). */
  readonly statements: readonly string[];
  readonly #pool: HostPool;
  readonly #router: TokenRouter;
  readonly #plan: Int32Array;
  readonly #token = new Murmur3PartitionToken();

  private constructor(pool: HostPool, router: TokenRouter, statements: readonly string[]) {
    this.#pool = pool;
    this.#router = router;
    this.map = router.map;
    this.statements = statements;
    this.#plan = new Int32Array(Math.max(1, router.localHostCount));
  }

  /**
   * Opens the connections to the local hosts and prepares the statements on each.
   *
   * @param options The spec, ring, replication, keyspace and statements.
   * @returns The pool.
   * @throws {Error} When no host can be reached, or no host is in the local data center.
   */
  static async start(options: RoutedPoolOptions): Promise<RoutedPool> {
    const { spec, ring } = options;
    const policy = spec.loadBalance ?? "DC_AWARE";
    const localDc = policy === "ROUND_ROBIN"
      ? null
      : spec.localDataCenter || ring.hosts[0].datacenter;
    const localRack = policy === "RACK_AWARE" ? spec.localRack ?? ring.hosts[0].rack : null;
    const router = new TokenRouter(new TokenMap(ring.hosts, options.replication), {
      localDc,
      localRack,
    });
    const pool = await HostPool.start({
      hosts: localHostsOf(ring, localDc, spec.allowList),
      connectionsPerHost: spec.connectionsPerHost,
      statements: options.statements,
      prepared: spec.prepared,
      connectionOptions: (index) => connectionOptionsOf(spec, ring.hosts[index], options.keyspace),
    });
    return new RoutedPool(pool, router, options.statements);
  }

  /**
   * The connection for a partition key of one column.
   *
   * @param key The key's serialized value.
   * @returns The first open connection of the key's plan.
   * @throws {NoHostAvailableError} When no host of the plan has one.
   */
  byKey(key: Uint8Array): PooledConnection {
    // With one local host every plan is that host: no token to compute.
    if (this.#router.localHostCount === 1) return this.byRange(-1);
    const token = this.#token.hash(key);
    return this.byRange(this.map.rangeOf(token.high, token.low));
  }

  /**
   * The connection for a partition key of one or more columns.
   *
   * @param key The key's columns, serialized.
   * @returns The first open connection of the key's plan.
   * @throws {NoHostAvailableError} When no host of the plan has one.
   */
  byKeyColumns(key: readonly Uint8Array[]): PooledConnection {
    if (this.#router.localHostCount === 1) return this.byRange(-1);
    const token = this.#token.hashComposite(key);
    return this.byRange(this.map.rangeOf(token.high, token.low));
  }

  /**
   * The connection for a token range.
   *
   * @param range The range ({@linkcode TokenMap.rangeOf}); -1: any local host.
   * @returns The first open connection of the range's plan.
   * @throws {NoHostAvailableError} When no host of the plan has one.
   */
  byRange(range: number): PooledConnection {
    const planned = this.#router.plan(range, this.#plan);
    for (let i = 0; i < planned; i++) {
      const pooled = this.#pool.connectionOf(this.#plan[i]);
      if (pooled !== null) return pooled;
    }
    throw new NoHostAvailableError(
      `All host(s) tried for query failed: none of the ${planned} local host(s) has an open connection`,
    );
  }

  /**
   * Statement `index` prepared on a connection whose earlier PREPARE the node refused (or
   * that opened before it could prepare): one PREPARE for every op that waits for it.
   *
   * @param pooled The connection.
   * @param index The statement's index.
   * @returns The prepared statement.
   */
  prepare(pooled: PooledConnection, index: number): Promise<PreparedStatement> {
    let preparing = pooled.preparing[index];
    if (preparing === null) {
      preparing = pooled.connection.prepare(this.statements[index]);
      pooled.preparing[index] = preparing;
      preparing.then(
        (statement) => pooled.statements[index] = statement,
        () => pooled.preparing[index] = null,
      );
    }
    return preparing;
  }

  /** Closes every connection. */
  async close(): Promise<void> {
    await this.#pool.close();
  }
}
