/**
 * Rendezvous (highest-random-weight) hashing of string keys to workers.
 *
 * @module
 */

/** Options of {@linkcode RendezvousDispatcher}. */
export interface RendezvousDispatcherOptions {
  /**
   * The seed of the per-worker weights; the same seed gives the same assignment in every
   * process, and worker `i`'s weight does not depend on the worker count.
   *
   * @default {0}
   */
  seed?: number;
  /**
   * How many keys to remember; when the cache is full it is cleared and refilled. 0 turns
   * the cache off.
   *
   * @default {65536}
   */
  cacheSize?: number;
}

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/** murmur3's 32-bit finalizer: a bijection on int32 with full avalanche. */
function fmix32(value: number): number {
  let h = value;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** FNV-1a over the key's UTF-16 code units (the bytes, for ASCII keys), then fmix32. */
function hashKey(key: string): number {
  let h = FNV_OFFSET;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), FNV_PRIME);
  return fmix32(h);
}

/**
 * Assigns string keys (for example host names) to `workerCount` workers by rendezvous hashing:
 * each worker gets a pseudo-random weight for the key, and the key goes to the worker with the
 * highest weight. Every key has exactly one owner, owners spread evenly, the same seed gives
 * the same owners everywhere, and when a worker is added only the keys that the new worker
 * wins move (about `1 / (N + 1)` of them), all to it.
 *
 * A repeated key costs one `Map` lookup (the cache is warmed by the first `select`).
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { RendezvousDispatcher } from "./rendezvous_dispatcher.ts";
 *
 * const dispatcher = new RendezvousDispatcher(4, { seed: 1 });
 * const owner = dispatcher.select("host_17");
 * assert.ok(owner >= 0 && owner < 4);
 * assert.equal(new RendezvousDispatcher(4, { seed: 1 }).select("host_17"), owner);
 * ```
 */
export class RendezvousDispatcher {
  /** The number of workers; `select` returns `0 .. workerCount - 1`. */
  readonly workerCount: number;
  readonly #workerSeeds: Int32Array;
  readonly #cache: Map<string, number> = new Map();
  readonly #cacheSize: number;

  /**
   * Creates a dispatcher.
   *
   * @param workerCount The number of workers, a positive integer.
   * @param options The seed and the cache size.
   * @throws {RangeError} If `workerCount` is not a positive integer or `cacheSize` is negative.
   */
  constructor(workerCount: number, options: RendezvousDispatcherOptions = {}) {
    if (!(Number.isSafeInteger(workerCount) && workerCount >= 1)) {
      throw new RangeError(
        `Cannot create dispatcher: workerCount is "${workerCount}", expected a positive integer`,
      );
    }
    const seed = options.seed ?? 0;
    const cacheSize = options.cacheSize ?? 65536;
    if (!(cacheSize >= 0)) {
      throw new RangeError(
        `Cannot create dispatcher: cacheSize is "${cacheSize}", expected 0 or more`,
      );
    }
    this.workerCount = workerCount;
    this.#cacheSize = cacheSize;
    this.#workerSeeds = new Int32Array(workerCount);
    const seedWord = fmix32((seed >>> 0) ^ fmix32(Math.floor(seed / 4294967296) >>> 0));
    for (let worker = 0; worker < workerCount; worker++) {
      // Depends only on (seed, worker), so adding a worker leaves the others' weights alone.
      this.#workerSeeds[worker] = fmix32(Math.imul(worker + 1, 0x9e3779b9) ^ seedWord);
    }
  }

  /**
   * The worker that owns `key`.
   *
   * @param key Any string.
   * @returns The worker index, `0 .. workerCount - 1`.
   *
   * @example Usage
   * ```ts
   * import assert from "node:assert/strict";
   * import { RendezvousDispatcher } from "./rendezvous_dispatcher.ts";
   *
   * const dispatcher = new RendezvousDispatcher(10);
   * assert.equal(dispatcher.select("a"), dispatcher.select("a"));
   * ```
   */
  select(key: string): number {
    const cached = this.#cache.get(key);
    if (cached !== undefined) return cached;
    const owner = this.#compute(key);
    if (this.#cacheSize > 0) {
      if (this.#cache.size >= this.#cacheSize) this.#cache.clear();
      this.#cache.set(key, owner);
    }
    return owner;
  }

  #compute(key: string): number {
    const keyHash = hashKey(key);
    const seeds = this.#workerSeeds;
    let best = 0;
    let bestWeight = -1;
    for (let worker = 0; worker < seeds.length; worker++) {
      const weight = fmix32(keyHash ^ seeds[worker]);
      if (weight > bestWeight) {
        bestWeight = weight;
        best = worker;
      }
    }
    return best;
  }
}
