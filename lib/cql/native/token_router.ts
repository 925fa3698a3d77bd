/**
 * Token-aware, data-center-aware query plans over a {@linkcode TokenMap}: for a token's range,
 * the local data center's replicas first (those of the local rack, when one is given, before
 * the others), then the other hosts of the local data center, each group rotated by one place
 * per plan so that load spreads over them. Hosts of other data centers are never planned
 * (cassandra-driver 4's default policy does not use them either), unless no data center is local:
 * then every host is.
 *
 * @module
 */

import { TargetError } from "../../errors.ts";
import type { RingHost, TokenMap } from "./token_map.ts";

/** Options of {@linkcode TokenRouter}. */
export interface TokenRouterOptions {
  /**
   * The local data center: the only one whose hosts are planned; `null` plans every host of
   * every data center (the fork's `-node loadbalance=round-robin`).
   */
  localDc: string | null;
  /**
   * The local rack, whose replicas come before the range's other replicas (the fork's
   * `loadbalance=rack-aware`), or null (the default): no rack is preferred.
   */
  localRack?: string | null;
}

/**
 * Query plans for one keyspace's token map, from one client's point of view. Keep one per Worker:
 * {@linkcode plan} writes host indexes into a buffer the caller keeps and allocates nothing.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { TokenMap } from "./token_map.ts";
 * import { TokenRouter } from "./token_router.ts";
 * const map = new TokenMap([
 *   { address: "10.0.0.1", datacenter: "dc1", rack: "r1", tokens: ["-100"] },
 *   { address: "10.0.0.2", datacenter: "dc1", rack: "r1", tokens: ["0"] },
 *   { address: "10.0.0.3", datacenter: "dc1", rack: "r1", tokens: ["100"] },
 *   { address: "10.1.0.1", datacenter: "dc2", rack: "r1", tokens: ["50"] },
 * ], { class: "NetworkTopologyStrategy", dc1: "2", dc2: "1" });
 * const router = new TokenRouter(map, { localDc: "dc1" });
 * const out = new Int32Array(3);
 * const range = map.rangeOfToken(-5n); // replicas 10.0.0.2, (10.1.0.1), 10.0.0.3
 * assert.equal(router.plan(range, out), 3);
 * assert.deepEqual([...out].map((i) => map.hosts[i].address), ["10.0.0.2", "10.0.0.3", "10.0.0.1"]);
 * router.plan(range, out); // the next plan starts with the other replica
 * assert.deepEqual([...out].map((i) => map.hosts[i].address), ["10.0.0.3", "10.0.0.2", "10.0.0.1"]);
 * ```
 */
export class TokenRouter {
  /** The token map planned over. */
  readonly map: TokenMap;
  /** The local data center, or null for every one. */
  readonly localDc: string | null;
  readonly #local: Int32Array;
  readonly #offsets: Int32Array;
  /** Per range, how many of its planned replicas (the first ones) are in the local rack. */
  readonly #inRack: Int32Array;
  readonly #replicas: Int32Array;
  #turn = 0;

  /**
   * Builds the router: the local hosts, and each range's local replicas.
   *
   * @param map The keyspace's token map.
   * @param options The local data center.
   * @throws {TargetError} When no host is in the local data center.
   */
  constructor(map: TokenMap, options: TokenRouterOptions) {
    this.map = map;
    const localDc = options.localDc;
    this.localDc = localDc;
    const isLocal = (host: number) => localDc === null || map.hosts[host].datacenter === localDc;
    const local = map.hosts.map((_, index) => index).filter(isLocal);
    if (local.length === 0) {
      const found = [...new Set(map.hosts.map((host) => host.datacenter))].join(", ");
      throw new TargetError(
        `Cannot route to data center "${localDc}": no host is in it, expected one of the data centers found (${found})`,
      );
    }
    this.#local = Int32Array.from(local);
    const rack = options.localRack ?? null;
    const inRack = (host: number) => rack !== null && map.hosts[host].rack === rack;
    const ranges = map.rangeCount;
    this.#offsets = new Int32Array(ranges + 1);
    this.#inRack = new Int32Array(ranges);
    const replicas: number[] = [];
    for (let range = 0; range < ranges; range++) {
      const own: number[] = [];
      for (let k = 0; k < map.replicaCount(range); k++) {
        const host = map.replicaAt(range, k);
        if (isLocal(host)) own.push(host);
      }
      const first = own.filter(inRack);
      this.#inRack[range] = first.length;
      replicas.push(...first, ...own.filter((host) => !inRack(host)));
      this.#offsets[range + 1] = replicas.length;
    }
    this.#replicas = Int32Array.from(replicas);
  }

  /** The number of hosts in the local data center. */
  get localHostCount(): number {
    return this.#local.length;
  }

  /**
   * Writes a plan for a range into `out`: the range's local replicas, then the other local
   * hosts, each group rotated one place further than in the previous plan; as many as fit.
   * Allocates nothing.
   *
   * @param range The token's range ({@linkcode TokenMap.rangeOf}); -1 plans the local hosts only.
   * @param out Where the host indexes go (its length is the most planned).
   * @returns The number of host indexes written.
   */
  plan(range: number, out: Int32Array): number {
    const turn = this.#turn;
    this.#turn = (turn + 1) & 0x3fffffff;
    const limit = out.length;
    let n = 0;
    let replicaCount = 0;
    if (range >= 0) {
      const from = this.#offsets[range];
      replicaCount = this.#offsets[range + 1] - from;
      // The local rack's replicas first (none without a local rack), then the others.
      const first = this.#inRack[range];
      const rest = replicaCount - first;
      for (let k = 0; k < first && n < limit; k++) {
        out[n++] = this.#replicas[from + (turn + k) % first];
      }
      for (let k = 0; k < rest && n < limit; k++) {
        out[n++] = this.#replicas[from + first + (turn + k) % rest];
      }
    }
    const local = this.#local;
    const replicasWritten = n;
    for (let k = 0; k < local.length && n < limit; k++) {
      const host = local[(turn + k) % local.length];
      let planned = false;
      for (let i = 0; i < replicasWritten; i++) if (out[i] === host) planned = true;
      // A replica that did not fit in `out` is no other host either.
      if (!planned && replicasWritten < replicaCount) planned = this.#isReplica(range, host);
      if (!planned) out[n++] = host;
    }
    return n;
  }

  /**
   * A plan for a token, as hosts (allocates; for tests and cold paths).
   *
   * @param token The token, as a bigint or a decimal string.
   * @returns Every local host, the token's local replicas first.
   */
  planOf(token: bigint | string): RingHost[] {
    const out = new Int32Array(this.#local.length);
    const n = this.plan(this.map.rangeOfToken(token), out);
    return [...out.subarray(0, n)].map((index) => this.map.hosts[index]);
  }

  #isReplica(range: number, host: number): boolean {
    for (let i = this.#offsets[range]; i < this.#offsets[range + 1]; i++) {
      if (this.#replicas[i] === host) return true;
    }
    return false;
  }
}
