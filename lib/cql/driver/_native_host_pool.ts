/**
 * The connections of one Worker's native data path: `connectionsPerHost` connections to each
 * host it routes to, each with the run's statements prepared on it. A connection that closes
 * takes its host out of the plans until a new one is open: it is reopened in the background
 * with a doubling back-off (100 ms up to 10 s), so a node that goes down is routed around and
 * comes back when it answers again. Private to lib/cql/driver.
 *
 * @module
 */

import {
  NativeConnection,
  type NativeConnectionOptions,
  type PreparedStatement,
} from "./native_connection.ts";

/**
 * One open connection and the run's statements prepared on it: null where a statement is not
 * prepared (unprepared runs, or a PREPARE the node refused: each op then prepares it again, so
 * that every op fails with the node's answer, as with cassandra-driver).
 */
export interface PooledConnection {
  readonly connection: NativeConnection;
  readonly statements: (PreparedStatement | null)[];
  /** A PREPARE in flight per statement, shared by the ops that wait for it. */
  readonly preparing: (Promise<PreparedStatement> | null)[];
}

/** What the pool needs to know. */
export interface HostPoolOptions {
  /** How to open a connection to host `index` (of the ring's host list). */
  readonly connectionOptions: (index: number) => NativeConnectionOptions;
  /** The ring indexes of the hosts to connect to. */
  readonly hosts: readonly number[];
  /** Connections per host. */
  readonly connectionsPerHost: number;
  /** The statements to prepare on every connection. */
  readonly statements: readonly string[];
  /** Prepare them (false: run them as QUERY). */
  readonly prepared: boolean;
}

const FIRST_RETRY_MS = 100;
const MAX_RETRY_MS = 10_000;

/** The connections of one host. */
interface HostSlots {
  readonly slots: (PooledConnection | null)[];
  /** Connections open (a fast "is it up" check). */
  open: number;
  /** Round-robin position. */
  turn: number;
}

/**
 * Connections by host, reopened when they close.
 *
 * @example Usage
 * ```ts ignore
 * const pool = await HostPool.start(options);
 * const pooled = pool.connectionOf(0);
 * await pooled?.connection.execute(pooled.statements[0]!, values, { consistency: 1 });
 * await pool.close();
 * ```
 */
export class HostPool {
  readonly #options: HostPoolOptions;
  readonly #hosts = new Map<number, HostSlots>();
  #closing = false;
  readonly #timers = new Set<ReturnType<typeof setTimeout>>();

  private constructor(options: HostPoolOptions) {
    this.#options = options;
    for (const host of options.hosts) {
      this.#hosts.set(host, {
        slots: new Array(options.connectionsPerHost).fill(null),
        open: 0,
        turn: 0,
      });
    }
  }

  /**
   * Opens every connection; fails only when no host could be reached (the others are retried
   * in the background).
   *
   * @param options Hosts, statements and how to connect.
   * @returns The pool.
   * @throws {Error} The first host's error when no connection could be opened.
   */
  static async start(options: HostPoolOptions): Promise<HostPool> {
    const pool = new HostPool(options);
    const attempts: Promise<void>[] = [];
    for (const host of options.hosts) {
      for (let slot = 0; slot < options.connectionsPerHost; slot++) {
        attempts.push(pool.#open(host, slot));
      }
    }
    const results = await Promise.allSettled(attempts);
    if ([...pool.#hosts.values()].every((host) => host.open === 0)) {
      await pool.close();
      const failed = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
      throw failed?.reason ?? new Error("No host to connect to");
    }
    results.forEach((result, i) => {
      if (result.status === "rejected") {
        const host = options.hosts[Math.floor(i / options.connectionsPerHost)];
        pool.#retry(host, i % options.connectionsPerHost, FIRST_RETRY_MS);
      }
    });
    return pool;
  }

  /**
   * An open connection to the host, the least busy of its connections, or null when the host
   * has none open (down, or not one of the pool's).
   *
   * @param host The ring index of the host.
   * @returns The connection and its statements, or null.
   */
  connectionOf(host: number): PooledConnection | null {
    const entry = this.#hosts.get(host);
    if (entry === undefined || entry.open === 0) return null;
    const slots = entry.slots;
    let best: PooledConnection | null = null;
    let least = Infinity;
    const n = slots.length;
    entry.turn = (entry.turn + 1) % n;
    for (let k = 0; k < n; k++) {
      const pooled = slots[(entry.turn + k) % n];
      if (pooled === null) continue;
      const busy = pooled.connection.inFlight;
      if (busy < least) {
        least = busy;
        best = pooled;
        if (busy === 0) break;
      }
    }
    return best;
  }

  /** Closes every connection and stops reconnecting. */
  async close(): Promise<void> {
    this.#closing = true;
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
    const closing: Promise<void>[] = [];
    for (const entry of this.#hosts.values()) {
      for (const pooled of entry.slots) {
        if (pooled !== null) closing.push(pooled.connection.close());
      }
    }
    await Promise.allSettled(closing);
  }

  async #open(host: number, slot: number): Promise<void> {
    const connection = await NativeConnection.open(this.#options.connectionOptions(host));
    let statements: (PreparedStatement | null)[] = this.#options.statements.map(() => null);
    if (this.#options.prepared) {
      const prepared = await Promise.allSettled(
        this.#options.statements.map((cql) => connection.prepare(cql)),
      );
      if (connection.isClosed) throw connection.closeReason;
      statements = prepared.map((result) => result.status === "fulfilled" ? result.value : null);
    }
    if (this.#closing) {
      await connection.close();
      return;
    }
    const entry = this.#hosts.get(host)!;
    entry.slots[slot] = { connection, statements, preparing: statements.map(() => null) };
    entry.open++;
    connection.closed.then(() => {
      if (entry.slots[slot]?.connection !== connection) return;
      entry.slots[slot] = null;
      entry.open--;
      this.#retry(host, slot, FIRST_RETRY_MS);
    });
  }

  #retry(host: number, slot: number, delayMs: number): void {
    if (this.#closing) return;
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      this.#open(host, slot).catch(() =>
        this.#retry(host, slot, Math.min(delayMs * 2, MAX_RETRY_MS))
      );
    }, delayMs);
    this.#timers.add(timer);
  }
}
