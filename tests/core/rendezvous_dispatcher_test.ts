import assert from "node:assert/strict";
import fc from "fast-check";
import { RendezvousDispatcher } from "../../lib/core/rendezvous_dispatcher.ts";

const FC_SEED = 424242;
const KEYS = Array.from({ length: 10_000 }, (_, i) => `host_${i}`);

function owners(dispatcher: RendezvousDispatcher, keys: string[]): number[] {
  return keys.map((key) => dispatcher.select(key));
}

Deno.test("RendezvousDispatcher.select() gives the same owner across instances with the same seed", () => {
  const a = owners(new RendezvousDispatcher(10, { seed: 7 }), KEYS);
  const b = owners(new RendezvousDispatcher(10, { seed: 7, cacheSize: 0 }), KEYS);
  assert.deepEqual(a, b);
  const c = owners(new RendezvousDispatcher(10, { seed: 8 }), KEYS);
  const differ = a.filter((owner, i) => owner !== c[i]).length;
  assert.ok(differ > 8000, `another seed should reshuffle ~90% of keys, moved ${differ}`);
});

Deno.test("RendezvousDispatcher.select() pins known owners (a change of hash would break deployed runs)", () => {
  const dispatcher = new RendezvousDispatcher(10);
  const keys = ["host_0", "host_1", "host_2", "", "é", "a much longer key 123"];
  assert.deepEqual(owners(dispatcher, keys), [8, 4, 1, 0, 3, 6]);
});

Deno.test("RendezvousDispatcher.select() spreads 10,000 keys evenly over 10 workers", () => {
  // Mean 1000 per worker, binomial sd ~30; +-10% is more than 3 sd, and the keys are fixed.
  for (const seed of [0, 1, 2, 3, 4]) {
    const counts = new Array<number>(10).fill(0);
    for (const owner of owners(new RendezvousDispatcher(10, { seed }), KEYS)) counts[owner]++;
    for (const count of counts) {
      assert.ok(count >= 900 && count <= 1100, `seed ${seed}: counts ${counts.join(",")}`);
    }
  }
});

Deno.test("RendezvousDispatcher.select() moves about 1/(N+1) of keys, all to the new worker, when N grows", () => {
  for (const workers of [1, 3, 10]) {
    const before = owners(new RendezvousDispatcher(workers, { seed: 3 }), KEYS);
    const after = owners(new RendezvousDispatcher(workers + 1, { seed: 3 }), KEYS);
    let moved = 0;
    for (let i = 0; i < KEYS.length; i++) {
      if (before[i] !== after[i]) {
        moved++;
        assert.equal(after[i], workers, `key ${KEYS[i]} moved to an old worker`);
      }
    }
    const expected = KEYS.length / (workers + 1);
    // Binomial sd is at most 50 keys here; allow 4 sd.
    assert.ok(
      Math.abs(moved - expected) < 200,
      `N=${workers}: moved ${moved}, expected ~${expected}`,
    );
  }
});

Deno.test("RendezvousDispatcher.select() moves only the removed worker's keys when N shrinks", () => {
  const before = owners(new RendezvousDispatcher(10), KEYS);
  const after = owners(new RendezvousDispatcher(9), KEYS);
  for (let i = 0; i < KEYS.length; i++) {
    if (before[i] !== 9) assert.equal(after[i], before[i]);
    else assert.ok(after[i] < 9);
  }
});

Deno.test("RendezvousDispatcher.select() answers the same from the cache, also after it is cleared", () => {
  const uncached = new RendezvousDispatcher(7, { cacheSize: 0 });
  const tiny = new RendezvousDispatcher(7, { cacheSize: 16 });
  for (let round = 0; round < 3; round++) {
    for (const key of KEYS.slice(0, 100)) assert.equal(tiny.select(key), uncached.select(key));
  }
});

Deno.test("RendezvousDispatcher() with one worker sends everything to worker 0", () => {
  const dispatcher = new RendezvousDispatcher(1);
  for (const key of KEYS.slice(0, 100)) assert.equal(dispatcher.select(key), 0);
});

Deno.test("RendezvousDispatcher() rejects a bad worker count or cache size", () => {
  for (const workerCount of [0, -1, 1.5, NaN]) {
    assert.throws(
      () => new RendezvousDispatcher(workerCount),
      (error: unknown) =>
        error instanceof RangeError &&
        error.message ===
          `Cannot create dispatcher: workerCount is "${workerCount}", expected a positive integer`,
    );
  }
  assert.throws(() => new RendezvousDispatcher(2, { cacheSize: -1 }), RangeError);
});

Deno.test("RendezvousDispatcher property: every key goes to exactly one worker in range", () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 64 }),
      fc.integer({ min: -(2 ** 40), max: 2 ** 40 }),
      fc.array(fc.string(), { minLength: 1, maxLength: 50 }),
      (workerCount, seed, keys) => {
        const dispatcher = new RendezvousDispatcher(workerCount, { seed });
        for (const key of keys) {
          const owner = dispatcher.select(key);
          assert.ok(Number.isInteger(owner) && owner >= 0 && owner < workerCount);
          assert.equal(dispatcher.select(key), owner);
        }
      },
    ),
    { numRuns: 200, seed: FC_SEED },
  );
});

Deno.test("RendezvousDispatcher property: the same seed gives the same assignment", () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 32 }),
      fc.integer(),
      fc.array(fc.string(), { minLength: 1, maxLength: 50 }),
      (workerCount, seed, keys) => {
        const a = new RendezvousDispatcher(workerCount, { seed });
        const b = new RendezvousDispatcher(workerCount, { seed, cacheSize: 0 });
        assert.deepEqual(owners(a, keys), owners(b, keys));
      },
    ),
    { numRuns: 200, seed: FC_SEED },
  );
});

Deno.test("RendezvousDispatcher property: adding a worker moves keys only to the new worker", () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 32 }),
      fc.integer(),
      fc.array(fc.string(), { minLength: 1, maxLength: 50 }),
      (workerCount, seed, keys) => {
        const before = owners(new RendezvousDispatcher(workerCount, { seed }), keys);
        const after = owners(new RendezvousDispatcher(workerCount + 1, { seed }), keys);
        for (let i = 0; i < keys.length; i++) {
          assert.ok(after[i] === before[i] || after[i] === workerCount);
        }
      },
    ),
    { numRuns: 200, seed: FC_SEED },
  );
});
