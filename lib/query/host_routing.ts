/**
 * Routing of query rows to workers by host name: every row of a host goes to one worker, and
 * no worker is left with a single host when there are enough hosts.
 *
 * @module
 */

import { RendezvousDispatcher } from "../core/rendezvous_dispatcher.ts";

/** Options of {@linkcode HostRouting}. */
export interface HostRoutingOptions {
  /**
   * The seed of the rendezvous weights; the same seed, worker count and order of first
   * appearance of the hosts give the same assignment.
   *
   * @default {0}
   */
  seed?: number;
  /**
   * How far above the average a worker's host count may grow once every worker has two
   * hosts: a new host may join a worker only while it holds fewer than
   * `ceil(loadFactor * hosts / workerCount)` hosts (`hosts` counting the new one). At least 1.
   *
   * @default {1.25}
   */
  loadFactor?: number;
}

/** The fewest hosts every worker gets once there are at least this many per worker. */
const MIN_HOSTS_PER_WORKER = 2;

/**
 * Assigns host names to `workerCount` workers as the hosts arrive, one by one, on top of
 * rendezvous hashing ({@linkcode RendezvousDispatcher}). A host's worker is fixed the first
 * time the host is seen and never changes, so rows can be routed while the file streams in,
 * and all rows of one host run on one worker, in file order.
 *
 * The rule, with `H` the number of distinct hosts seen so far and `W` the worker count:
 * - **Fill to two.** While some worker holds fewer than 2 hosts, a new host may only go to a
 *   worker holding the fewest hosts. So the first `W` hosts go to `W` different workers, the
 *   next `W` give each worker its second, and once `H >= 2W` every worker holds at least 2
 *   hosts ("no worker gets only one host when there are enough hosts"). With fewer hosts the
 *   counts differ by at most 1, so no worker idles while another holds two.
 * - **Bounded load afterwards** (consistent hashing with bounded loads): a new host may only
 *   go to a worker holding fewer than `ceil(loadFactor * (hosts + 1) / W)` hosts. Hence no
 *   worker ever holds more than `max(2, ceil(loadFactor * H / W))` hosts.
 * - **Among the allowed workers, rendezvous decides**: the host's rendezvous owner
 *   (`RendezvousDispatcher.select(host)`) when it is allowed, which is the case for most hosts
 *   once the fill is over; otherwise rendezvous hashing of the host over the list of allowed
 *   workers, which is deterministic and spreads evenly but is not the owner's runner-up.
 *
 * Rows are not balanced, only hosts: a host with many rows makes its worker busier.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { HostRouting } from "./host_routing.ts";
 *
 * const routing = new HostRouting(2, { seed: 1 });
 * const hosts = ["a", "b", "a", "c", "d", "b", "e"];
 * const workers = hosts.map((host) => routing.route(host));
 * assert.equal(workers[0], workers[2]); // every row of "a" on one worker
 * assert.equal(workers[1], workers[5]);
 * assert.deepEqual(routing.hostCounts().toSorted(), [2, 3]); // 5 hosts, each worker >= 2
 * ```
 */
export class HostRouting {
  /** The number of workers; `route` returns `0 .. workerCount - 1`. */
  readonly workerCount: number;
  readonly #loadFactor: number;
  readonly #seed: number;
  readonly #dispatcher: RendezvousDispatcher;
  /** Dispatchers over `m` allowed workers, by `m`, created when first needed. */
  readonly #subsetDispatchers: (RendezvousDispatcher | undefined)[];
  readonly #workerOf: Map<string, number> = new Map();
  readonly #hostCounts: Int32Array;
  readonly #allowed: Int32Array;

  /**
   * Creates a routing with no hosts yet.
   *
   * @param workerCount The number of workers, a positive integer.
   * @param options The seed and the load factor.
   * @throws {RangeError} If `workerCount` is not a positive integer or `loadFactor` is below 1.
   */
  constructor(workerCount: number, options: HostRoutingOptions = {}) {
    const loadFactor = options.loadFactor ?? 1.25;
    if (!(loadFactor >= 1 && Number.isFinite(loadFactor))) {
      throw new RangeError(
        `Cannot create host routing: loadFactor is "${loadFactor}", expected a number >= 1`,
      );
    }
    this.#seed = options.seed ?? 0;
    this.#dispatcher = new RendezvousDispatcher(workerCount, { seed: this.#seed, cacheSize: 0 });
    this.workerCount = workerCount;
    this.#loadFactor = loadFactor;
    this.#subsetDispatchers = new Array(workerCount + 1);
    this.#hostCounts = new Int32Array(workerCount);
    this.#allowed = new Int32Array(workerCount);
  }

  /** The number of distinct hosts routed so far. */
  get hostCount(): number {
    return this.#workerOf.size;
  }

  /**
   * The worker of `host`: the one fixed when the host was first routed, or a new assignment
   * by the rule of {@linkcode HostRouting} for a host not seen before.
   *
   * @param host A host name (any string, `""` included).
   * @returns The worker index, `0 .. workerCount - 1`.
   *
   * @example Usage
   * ```ts
   * import assert from "node:assert/strict";
   * import { HostRouting } from "./host_routing.ts";
   *
   * const routing = new HostRouting(3);
   * const worker = routing.route("host_000001");
   * assert.equal(routing.route("host_000001"), worker);
   * assert.equal(routing.hostCount, 1);
   * ```
   */
  route(host: string): number {
    const known = this.#workerOf.get(host);
    if (known !== undefined) return known;
    const worker = this.#assign(host);
    this.#workerOf.set(host, worker);
    this.#hostCounts[worker]++;
    return worker;
  }

  /**
   * The worker of a host already routed, without assigning one.
   *
   * @param host A host name.
   * @returns The worker index, or `undefined` if the host has not been routed.
   *
   * @example Usage
   * ```ts
   * import assert from "node:assert/strict";
   * import { HostRouting } from "./host_routing.ts";
   *
   * const routing = new HostRouting(2);
   * assert.equal(routing.workerOf("x"), undefined);
   * const worker = routing.route("x");
   * assert.equal(routing.workerOf("x"), worker);
   * ```
   */
  workerOf(host: string): number | undefined {
    return this.#workerOf.get(host);
  }

  /**
   * How many hosts each worker holds.
   *
   * @returns A new array: entry `i` is the number of hosts of worker `i`.
   *
   * @example Usage
   * ```ts
   * import assert from "node:assert/strict";
   * import { HostRouting } from "./host_routing.ts";
   *
   * const routing = new HostRouting(2);
   * for (const host of ["a", "b", "c", "d"]) routing.route(host);
   * assert.deepEqual(routing.hostCounts(), [2, 2]);
   * ```
   */
  hostCounts(): number[] {
    return Array.from(this.#hostCounts);
  }

  /** Picks the worker of a new host (cold path: once per distinct host). */
  #assign(host: string): number {
    const counts = this.#hostCounts;
    const workers = this.workerCount;
    let least = counts[0];
    for (let worker = 1; worker < workers; worker++) least = Math.min(least, counts[worker]);
    // A worker is allowed when its count is below `limit`.
    const limit = least < MIN_HOSTS_PER_WORKER
      ? least + 1
      : Math.ceil(this.#loadFactor * (this.#workerOf.size + 1) / workers);
    const owner = this.#dispatcher.select(host);
    if (counts[owner] < limit) return owner;
    // Some worker is allowed: the least loaded one in the fill, and in the bounded phase the
    // counts sum to hostCount < workers * limit.
    let allowedCount = 0;
    for (let worker = 0; worker < workers; worker++) {
      if (counts[worker] < limit) this.#allowed[allowedCount++] = worker;
    }
    let subset = this.#subsetDispatchers[allowedCount];
    if (subset === undefined) {
      subset = new RendezvousDispatcher(allowedCount, { seed: this.#seed, cacheSize: 0 });
      this.#subsetDispatchers[allowedCount] = subset;
    }
    return this.#allowed[subset.select(host)];
  }
}
