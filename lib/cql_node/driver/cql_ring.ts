/**
 * A ring of embedded CQL nodes in one process: several {@linkcode CqlServer}s on consecutive
 * loopback addresses (127.0.0.1, 127.0.0.2, ...; all loopback on Linux) and one port, each with
 * its own tokens, listing the others in system.peers, so that a driver connecting to any of them
 * finds every node and routes by token.
 *
 * @module
 */

import { CqlServer, type CqlServerOptions } from "./cql_server.ts";
import { ringTokens } from "../server/ring_tokens.ts";

/** How to start a ring. */
export interface CqlRingOptions extends
  Omit<
    CqlServerOptions,
    "hostname" | "tokens" | "hostId" | "onDdl" | "rack"
  > {
  /** The number of nodes. @default 3 */
  nodes?: number;
  /** The first node's IPv4 address; the next nodes count up its last number. @default "127.0.0.1" */
  hostname?: string;
  /** Tokens per node (num_tokens), evenly spaced and dealt in turn. @default 16 */
  numTokens?: number;
  /** Each node's rack, by node. @default every node in "rack1" */
  racks?: readonly string[];
}

/** Start attempts when the port is picked by the first node (port 0) and taken on another address. */
const PORT_ATTEMPTS = 10;

/** The `count` addresses from `first` up, counting up the last number of an IPv4 address. */
function ringAddresses(first: string, count: number): string[] {
  const parts = first.split(".").map(Number);
  const valid = parts.length === 4 && parts.every((p) => Number.isInteger(p) && p >= 0 && p <= 255);
  if (!valid || parts[3] + count - 1 > 254) {
    throw new RangeError(
      `Cannot place ${count} nodes from "${first}": expected an IPv4 address whose last number leaves room for them (at most 254)`,
    );
  }
  return Array.from({ length: count }, (_, i) => [...parts.slice(0, 3), parts[3] + i].join("."));
}

/**
 * Several embedded nodes forming one token ring, in one process. Each node keeps its own rows
 * (nothing is replicated: use keyspaces with replication factor 1 to know where a row is); a
 * schema change or TRUNCATE that one node runs is run by every node, so the nodes keep one
 * schema (and one schema version). Every node counts its reads and writes per table
 * ({@linkcode CqlServer.requestCounts}). {@linkcode stopNode} stops one node as a crash would.
 *
 * @example Usage
 * ```ts ignore
 * import { CqlRing } from "./cql_ring.ts";
 * const ring = await CqlRing.start({ nodes: 3, port: 0 });
 * console.log(ring.nodes.map((node) => `${node.hostname}:${node.port}`));
 * await ring.stopNode(1);
 * await ring.close();
 * ```
 */
export class CqlRing {
  /** The nodes, in address order. */
  readonly nodes: readonly CqlServer[];
  readonly #stopped: boolean[];
  readonly #onInternalError: ((error: unknown) => void) | undefined;

  private constructor(nodes: CqlServer[], onInternalError?: (error: unknown) => void) {
    this.nodes = nodes;
    this.#stopped = nodes.map(() => false);
    this.#onInternalError = onInternalError;
  }

  /**
   * Starts the nodes and introduces them to each other.
   *
   * @param options The ring's size, addresses, port and tokens, and the nodes' options.
   * @returns The running ring.
   * @throws {RangeError} When the nodes do not fit after the first address, or `nodes` or
   *   `numTokens` is not a positive integer.
   * @throws {Error} When an address cannot be bound (as {@linkcode CqlServer.start}).
   */
  static async start(options: CqlRingOptions = {}): Promise<CqlRing> {
    const count = options.nodes ?? 3;
    const addresses = ringAddresses(options.hostname ?? "127.0.0.1", count);
    const tokens = ringTokens(count, options.numTokens ?? 16);
    for (let attempt = 1;; attempt++) {
      const started: { ring?: CqlRing } = {};
      const nodes: CqlServer[] = [];
      try {
        for (let i = 0; i < count; i++) {
          nodes.push(
            await CqlServer.start({
              ...options,
              hostname: addresses[i],
              port: i === 0 ? options.port ?? 9042 : nodes[0].port,
              tokens: tokens[i],
              rack: options.racks?.[i] ?? "rack1",
              seed: options.seed ?? 1, // one seed: the nodes' schemas change in step
              onDdl: (query, keyspace) => {
                if (started.ring !== undefined) started.ring.#replay(i, query, keyspace);
              },
            }),
          );
        }
      } catch (error) {
        await Promise.all(nodes.map((node) => node.close()));
        const retry = options.port === 0 && attempt < PORT_ATTEMPTS &&
          error instanceof Deno.errors.AddrInUse;
        if (retry) continue;
        throw error;
      }
      const ring = started.ring = new CqlRing(nodes, options.onInternalError);
      for (const node of nodes) {
        node.setPeers(nodes.filter((peer) => peer !== node).map((peer) => peer.peerInfo()));
      }
      return ring;
    }
  }

  /** The port every node listens on. */
  get port(): number {
    return this.nodes[0].port;
  }

  /**
   * Whether a node was stopped.
   *
   * @param index The node's index in {@linkcode nodes}.
   * @returns Whether {@linkcode stopNode} stopped it.
   */
  isStopped(index: number): boolean {
    return this.#stopped[index];
  }

  /**
   * Stops one node as a crash would: closes its listener and every connection to it. Its peers
   * still list it (as Cassandra's do for a node that is down); it keeps following schema changes.
   *
   * @param index The node's index in {@linkcode nodes}.
   */
  async stopNode(index: number): Promise<void> {
    this.#stopped[index] = true;
    await this.nodes[index].close();
  }

  /** Stops every node. */
  async close(): Promise<void> {
    this.#stopped.fill(true);
    await Promise.all(this.nodes.map((node) => node.close()));
  }

  /**
   * Runs a schema change that node `from` ran on every other node. A failure there is a bug (the
   * schemas were the same): reported as one, not to the client of node `from`.
   */
  #replay(from: number, query: string, keyspace: string | undefined): void {
    this.nodes.forEach((node, i) => {
      if (i === from) return;
      try {
        node.applyDdl(query, keyspace);
      } catch (error) {
        this.#onInternalError?.(error);
      }
    });
  }
}
