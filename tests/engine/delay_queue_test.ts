import assert from "node:assert/strict";
import fc from "fast-check";
import { DelayQueue } from "../../lib/engine/delay_queue.ts";

const FC_SEED = 20250302;

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** One added callback: the window in which `add()` read the clock, and when it ran. */
interface Entry {
  delayMs: number;
  /** `performance.now()` just before `add()`: its deadline is at least `before + delayMs`. */
  before: number;
  /** `performance.now()` just after `add()`: its deadline is at most `after + delayMs`. */
  after: number;
  ranAt: number;
}

/** Adds one callback per delay, in the given order, and resolves when all have run. */
function runAll(
  queue: DelayQueue,
  delaysMs: readonly number[],
): Promise<{ order: number[]; decidedPairs: number }> {
  const entries: Entry[] = [];
  const order: number[] = [];
  return new Promise((resolve) => {
    delaysMs.forEach((delayMs, index) => {
      const entry: Entry = { delayMs, before: performance.now(), after: 0, ranAt: -1 };
      entries.push(entry);
      queue.add(delayMs, () => {
        entry.ranAt = performance.now();
        order.push(index);
        if (order.length === delaysMs.length) resolve(order);
      });
      entry.after = performance.now();
    });
  }).then(() => ({ order, decidedPairs: checkOrder(entries, order) }));
}

/**
 * Checks that no callback ran before its deadline and that callbacks ran in deadline order:
 * when entry i's deadline is surely before entry j's (its latest possible deadline is below
 * j's earliest), i must have run first. Returns how many ordered pairs were decided so.
 */
function checkOrder(entries: readonly Entry[], order: readonly number[]): number {
  const rank = new Array<number>(entries.length);
  order.forEach((index, position) => rank[index] = position);
  entries.forEach((entry, i) => {
    assert.ok(
      entry.ranAt >= entry.before + entry.delayMs,
      `callback ${i} (delay ${entry.delayMs} ms) ran ${
        entry.before + entry.delayMs - entry.ranAt
      } ms early`,
    );
  });
  let decided = 0;
  for (let i = 0; i < entries.length; i++) {
    for (let j = 0; j < entries.length; j++) {
      if (entries[i].after + entries[i].delayMs < entries[j].before + entries[j].delayMs) {
        decided++;
        assert.ok(
          rank[i] < rank[j],
          `callback ${i} (delay ${entries[i].delayMs}) ran after ${j} (delay ${
            entries[j].delayMs
          })`,
        );
      }
    }
  }
  return decided;
}

Deno.test("DelayQueue.add() runs callbacks in deadline order, not insertion order", async () => {
  const queue = new DelayQueue();
  try {
    // Timer range (> 2 ms) and polling range (< 2 ms) mixed, inserted out of order.
    // The deadline is read inside add(), so the check works from the clock readings around
    // each add() (see checkOrder); the pairs it decides must include most of the 45.
    const delays = [9, 0.3, 4.5, 0, 1.2, 6, 0.6, 3, 12, 2.1];
    const { order, decidedPairs } = await runAll(queue, delays);
    assert.equal(new Set(order).size, delays.length);
    assert.ok(decidedPairs >= 30, `only ${decidedPairs} pairs decided`);
  } finally {
    queue.close();
  }
});

Deno.test("DelayQueue.add() property: any insertion order runs in deadline order", async () => {
  const queue = new DelayQueue();
  try {
    await fc.assert(
      fc.asyncProperty(
        // Distinct ranks so deadlines differ by at least 0.25 ms; the heap sees up to 40 entries.
        fc.uniqueArray(fc.integer({ min: 0, max: 40 }), { minLength: 1, maxLength: 40 }),
        async (ranks) => {
          const delays = ranks.map((rank) => rank * 0.25);
          const { order } = await runAll(queue, delays);
          assert.equal(new Set(order).size, delays.length);
        },
      ),
      { numRuns: 25, seed: FC_SEED },
    );
  } finally {
    queue.close();
  }
});

Deno.test("DelayQueue.add() never runs a callback before its deadline", async () => {
  const queue = new DelayQueue();
  try {
    const delays = [0.05, 0.2, 0.5, 1, 1.5, 2.5, 3.7, 5];
    const started = performance.now();
    const ranAt = await new Promise<number[]>((resolve) => {
      const times = new Array<number>(delays.length).fill(-1);
      let left = delays.length;
      delays.forEach((delayMs, i) =>
        queue.add(delayMs, () => {
          times[i] = performance.now();
          if (--left === 0) resolve(times);
        })
      );
    });
    delays.forEach((delayMs, i) => {
      const elapsedMs = ranAt[i] - started;
      assert.ok(elapsedMs >= delayMs, `delay ${delayMs} ms ran after ${elapsedMs} ms`);
      // Generous upper bound: a sub-millisecond delay must not wait for a 1 ms+ timer tick
      // many times over.
      assert.ok(elapsedMs < delayMs + 50, `delay ${delayMs} ms ran after ${elapsedMs} ms`);
    });
  } finally {
    queue.close();
  }
});

Deno.test("DelayQueue.add() accepts an add from inside a running callback", async () => {
  const queue = new DelayQueue();
  try {
    const seen: string[] = [];
    await new Promise<void>((resolve) => {
      queue.add(0.1, () => {
        seen.push("first");
        queue.add(0.1, () => {
          seen.push("nested");
          resolve();
        });
      });
      queue.add(3, () => seen.push("later"));
    });
    await sleep(10);
    assert.deepEqual(seen, ["first", "nested", "later"]);
  } finally {
    queue.close();
  }
});

Deno.test("DelayQueue.close() drops pending callbacks in the timer and polling ranges", async () => {
  const queue = new DelayQueue();
  let ran = 0;
  queue.add(0.5, () => ran++); // polling range: a MessageChannel turn is pending
  queue.add(1.5, () => ran++);
  queue.add(8, () => ran++); // timer range
  queue.add(30, () => ran++);
  queue.close();
  await sleep(50);
  assert.equal(ran, 0);
  // The sanitizers fail this test if close() left the timer or the channel open.
});

Deno.test("DelayQueue.close() works again after the queue is reused", async () => {
  const queue = new DelayQueue();
  await new Promise<void>((resolve) => queue.add(0.2, resolve));
  queue.close();
  let ran = 0;
  await new Promise<void>((resolve) => queue.add(0.2, resolve));
  queue.add(5, () => ran++);
  queue.close();
  await sleep(20);
  assert.equal(ran, 0);
});
