/**
 * The token ring of a cluster and where one keyspace places its replicas: built from the hosts a
 * driver's control connection reads (system.local and system.peers: address, data center, rack,
 * tokens) and the keyspace's replication map. Each range's replicas are computed once, so
 * finding the replicas of a token is a binary search over the ring that allocates nothing.
 *
 * @module
 */

import { TargetError } from "../../errors.ts";
import { placementOf, placeReplicas } from "./_replica_placement.ts";

/** A node of the ring, as the control connection reads it. */
export interface RingHost {
  /** The address clients connect to (rpc_address / native_address). */
  readonly address: string;
  /** data_center. */
  readonly datacenter: string;
  /** rack. */
  readonly rack: string;
  /** The node's Murmur3 tokens, as decimal strings (system.local and system.peers `tokens`). */
  readonly tokens: readonly string[];
}

const MIN_TOKEN = -(2n ** 63n);
const MAX_TOKEN = 2n ** 63n - 1n;

/** The token strings parsed and sorted, each with the index of the host that holds it. */
function sortedRing(hosts: readonly RingHost[]): { tokens: bigint[]; hostAt: Int32Array } {
  const owner = new Map<bigint, number>();
  hosts.forEach((host, index) => {
    for (const text of host.tokens) {
      let token: bigint;
      try {
        token = BigInt(text.trim());
      } catch (error) {
        throw new TargetError(
          `Cannot read the token ring: host "${host.address}" has token "${text}", expected a Murmur3 token (a 64-bit integer)`,
          { cause: error },
        );
      }
      if (token < MIN_TOKEN || token > MAX_TOKEN) {
        throw new TargetError(
          `Cannot read the token ring: host "${host.address}" has token "${text}", expected a Murmur3 token (a 64-bit integer)`,
        );
      }
      owner.set(token, index); // a token listed twice belongs to the last host, as in the driver
    }
  });
  const tokens = [...owner.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return { tokens, hostAt: Int32Array.from(tokens, (token) => owner.get(token)!) };
}

/** Each host's rack as a number unique over (data center, rack). */
function rackIds(hosts: readonly RingHost[]): { rackOf: Int32Array; rackCount: number } {
  const ids = new Map<string, number>();
  const rackOf = Int32Array.from(hosts, (host) => {
    const key = `${host.datacenter}\u0000${host.rack}`;
    let id = ids.get(key);
    if (id === undefined) ids.set(key, id = ids.size);
    return id;
  });
  return { rackOf, rackCount: ids.size };
}

/**
 * A keyspace's token ring: for each range between two consecutive tokens, its replica hosts in
 * the order Cassandra places them (the primary first).
 *
 * - SimpleStrategy: the next `replication_factor` distinct hosts clockwise from the first token
 *   at or after the key's token (wrapping).
 * - NetworkTopologyStrategy: one walk clockwise; per data center, hosts of racks not yet used
 *   first, a rack repeated only while the factor exceeds the data center's rack count, until
 *   min(factor, hosts in the data center) replicas (Cassandra 4.0+; cassandra-driver 4 finds the
 *   same hosts but lists the rack repeats after the distinct racks).
 * - LocalStrategy and EverywhereStrategy: every host, clockwise from the primary.
 * - Any other strategy: the primary only.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { TokenMap } from "./token_map.ts";
 * const map = new TokenMap([
 *   { address: "10.0.0.1", datacenter: "dc1", rack: "r1", tokens: ["-100"] },
 *   { address: "10.0.0.2", datacenter: "dc1", rack: "r1", tokens: ["0"] },
 *   { address: "10.0.0.3", datacenter: "dc1", rack: "r1", tokens: ["100"] },
 * ], { class: "SimpleStrategy", replication_factor: "2" });
 * assert.deepEqual(map.replicas(-5n).map((h) => h.address), ["10.0.0.2", "10.0.0.3"]);
 * assert.deepEqual(map.replicas(0n).map((h) => h.address), ["10.0.0.2", "10.0.0.3"]);
 * assert.deepEqual(map.replicas(101n).map((h) => h.address), ["10.0.0.1", "10.0.0.2"]);
 * assert.equal(map.rangeOf(-1, 0xfffffffb), 1); // -5 as (high, low): the range ending at 0
 * ```
 */
export class TokenMap {
  /** The hosts, as given (host indexes refer to this list). */
  readonly hosts: readonly RingHost[];
  readonly #tokens: readonly bigint[];
  readonly #high: Int32Array;
  readonly #low: Uint32Array;
  readonly #offsets: Int32Array;
  readonly #replicaHosts: Int32Array;
  readonly #replicaLists: readonly (readonly RingHost[])[];

  /**
   * Builds the map.
   *
   * @param hosts The ring's hosts (hosts without tokens own no range but stay in `hosts`).
   * @param replication The keyspace's replication map (`class` and its options, as strings).
   * @throws {TargetError} When a token is not a 64-bit integer (not a Murmur3 ring).
   */
  constructor(hosts: readonly RingHost[], replication: Readonly<Record<string, string>>) {
    this.hosts = hosts;
    const { tokens, hostAt } = sortedRing(hosts);
    this.#tokens = tokens;
    this.#high = Int32Array.from(tokens, (t) => Number(BigInt.asIntN(32, t >> 32n)));
    this.#low = Uint32Array.from(tokens, (t) => Number(BigInt.asUintN(32, t)));
    const placed = placeReplicas({
      hostAt,
      datacenterOf: hosts.map((host) => host.datacenter),
      ...rackIds(hosts),
    }, placementOf(replication));
    this.#offsets = placed.offsets;
    this.#replicaHosts = placed.hosts;
    const shared = new Map<string, readonly RingHost[]>();
    this.#replicaLists = tokens.map((_, range) => {
      const indexes = placed.hosts.subarray(placed.offsets[range], placed.offsets[range + 1]);
      const key = indexes.join(",");
      let list = shared.get(key);
      if (list === undefined) {
        shared.set(
          key,
          list = Object.freeze([...indexes].map((i) => hosts[i])),
        );
      }
      return list;
    });
  }

  /** The number of ranges: the number of distinct tokens in the ring. */
  get rangeCount(): number {
    return this.#tokens.length;
  }

  /**
   * The range that holds a token: the index of the first ring token at or after it, wrapping
   * to 0 past the last. Allocates nothing.
   *
   * @param high The token's signed high 32 bits.
   * @param low The token's unsigned low 32 bits.
   * @returns The range index, or -1 when the ring has no tokens.
   */
  rangeOf(high: number, low: number): number {
    const highs = this.#high;
    const lows = this.#low;
    let from = 0;
    let to = highs.length;
    if (to === 0) return -1;
    while (from < to) {
      const mid = (from + to) >>> 1;
      const h = highs[mid];
      if (h < high || (h === high && lows[mid] < low)) from = mid + 1;
      else to = mid;
    }
    return from === highs.length ? 0 : from;
  }

  /**
   * The range that holds a token given as a bigint or a decimal string.
   *
   * @param token The token.
   * @returns The range index, or -1 when the ring has no tokens.
   */
  rangeOfToken(token: bigint | string): number {
    const value = BigInt(token);
    return this.rangeOf(Number(BigInt.asIntN(32, value >> 32n)), Number(BigInt.asUintN(32, value)));
  }

  /**
   * The ring token that ends a range (the range is from the previous token, exclusive, to it).
   *
   * @param range The range index.
   * @returns The token.
   */
  rangeEnd(range: number): bigint {
    return this.#tokens[range];
  }

  /**
   * The number of replicas of a range.
   *
   * @param range The range index.
   * @returns The count (0 for -1, the range of an empty ring).
   */
  replicaCount(range: number): number {
    return range < 0 ? 0 : this.#offsets[range + 1] - this.#offsets[range];
  }

  /**
   * The host index of a range's `k`-th replica (0 is the primary).
   *
   * @param range The range index.
   * @param k The replica's place, below {@linkcode replicaCount}.
   * @returns The index into {@linkcode hosts}.
   */
  replicaAt(range: number, k: number): number {
    return this.#replicaHosts[this.#offsets[range] + k];
  }

  /**
   * The replica hosts of a range, the primary first (a shared frozen list: no allocation).
   *
   * @param range The range index (-1 gives an empty list).
   * @returns The hosts.
   */
  replicasOfRange(range: number): readonly RingHost[] {
    return range < 0 ? [] : this.#replicaLists[range];
  }

  /**
   * The replica hosts of a token, the primary first.
   *
   * @param token The token, as a bigint or a decimal string.
   * @returns The hosts (a shared frozen list).
   */
  replicas(token: bigint | string): readonly RingHost[] {
    return this.replicasOfRange(this.rangeOfToken(token));
  }
}
