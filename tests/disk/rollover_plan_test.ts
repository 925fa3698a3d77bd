import assert from "node:assert/strict";
import fc from "fast-check";
import {
  feasibilityMessage,
  rolloverPlan,
  type RolloverPlanInput,
} from "../../lib/disk/rollover_plan.ts";

Deno.test("rolloverPlan() counts whole files written in the run time", () => {
  const plan = rolloverPlan({
    speedBytesPerSec: 100_000_000,
    chunkBytes: 10_000_000,
    fileBytes: 20_000_000,
    runTimeMs: 10_000,
  });
  assert.deepEqual(plan, {
    speedBytesPerSec: 100_000_000,
    runTimeMs: 10_000,
    minRollovers: 2,
    expectedBytes: 1_000_000_000,
    actualFileBytes: 20_000_000,
    expectedRollovers: 50,
    feasible: true,
    minRunTimeMs: 480, // 2 × 20 MB × 1.2 at 100 MB/s
    maxFileBytes: 410_000_000, // 1 GB / 2.4 = 416.7 MB, rounded down to whole 10 MB chunks
  });
});

Deno.test("rolloverPlan() rounds a file down to whole chunks: a file never passes --file-size", () => {
  const plan = rolloverPlan({
    speedBytesPerSec: 30_000_000,
    chunkBytes: 3_000_000,
    fileBytes: 10_000_000,
    runTimeMs: 1000,
  });
  assert.equal(plan.actualFileBytes, 9_000_000);
  assert.equal(plan.expectedRollovers, 3);
  assert.equal(plan.feasible, true);
  assert.equal(plan.maxFileBytes, 12_000_000);
});

Deno.test("rolloverPlan() rejects a chunk larger than the file", () => {
  assert.throws(
    () =>
      rolloverPlan({
        speedBytesPerSec: 1e9,
        chunkBytes: 2_000_000,
        fileBytes: 1_000_000,
        runTimeMs: 1000,
      }),
    /chunkBytes "2000000" is larger than fileBytes "1000000"/,
  );
});

Deno.test("rolloverPlan() is not feasible below two rollovers, exactly two is enough", () => {
  const base = { speedBytesPerSec: 1_000_000, chunkBytes: 100_000, fileBytes: 1_000_000 };
  assert.equal(rolloverPlan({ ...base, runTimeMs: 1999 }).feasible, false);
  assert.equal(rolloverPlan({ ...base, runTimeMs: 1999 }).expectedRollovers, 1);
  assert.equal(rolloverPlan({ ...base, runTimeMs: 2000 }).feasible, true);
  assert.equal(rolloverPlan({ ...base, runTimeMs: 2000, minRollovers: 3 }).feasible, false);
});

Deno.test("rolloverPlan() reports 0 as the largest file size when one chunk per file is too much", () => {
  const plan = rolloverPlan({
    speedBytesPerSec: 1_000_000,
    chunkBytes: 10_000_000,
    fileBytes: 10_000_000,
    runTimeMs: 10_000,
  });
  assert.equal(plan.feasible, false);
  assert.equal(plan.maxFileBytes, 0);
  assert.equal(plan.minRunTimeMs, 24_000);
});

Deno.test("rolloverPlan() rejects numbers that are not positive", () => {
  const base = { speedBytesPerSec: 1, chunkBytes: 1, fileBytes: 1, runTimeMs: 1 };
  for (const key of ["speedBytesPerSec", "chunkBytes", "fileBytes", "runTimeMs", "margin"]) {
    for (const value of [0, -1, NaN, Infinity]) {
      assert.throws(() => rolloverPlan({ ...base, [key]: value }), RangeError, `${key}=${value}`);
    }
  }
});

Deno.test("rolloverPlan() suggestions are feasible and respect the margin", () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1_000_000, max: 2_000_000_000 }),
      fc.integer({ min: 1, max: 100 }).map((n) => n * 1_000_000),
      fc.integer({ min: 1, max: 50 }),
      fc.integer({ min: 100, max: 600_000 }),
      (speedBytesPerSec, chunkBytes, chunksPerFile, runTimeMs) => {
        const input = {
          speedBytesPerSec,
          chunkBytes,
          fileBytes: chunkBytes * chunksPerFile,
          runTimeMs,
        };
        const plan = rolloverPlan(input);
        assert.equal(plan.feasible, plan.expectedRollovers >= 2);
        const longer = rolloverPlan({ ...input, runTimeMs: plan.minRunTimeMs });
        assert.ok(longer.feasible);
        assert.ok(longer.expectedBytes >= 2.4 * plan.actualFileBytes - speedBytesPerSec / 1000);
        if (plan.maxFileBytes > 0) {
          assert.equal(plan.maxFileBytes % chunkBytes, 0);
          const smaller = rolloverPlan({ ...input, fileBytes: plan.maxFileBytes });
          assert.ok(smaller.feasible);
          assert.ok(plan.expectedBytes >= 2.4 * plan.maxFileBytes - 1);
          assert.ok(plan.expectedBytes < 2.4 * (plan.maxFileBytes + chunkBytes));
        }
      },
    ),
    { numRuns: 1000, seed: 41 },
  );
});

Deno.test("feasibilityMessage() explains a refusal with both ways out", () => {
  const settings: RolloverPlanInput = {
    speedBytesPerSec: 212_400_000,
    chunkBytes: 50_000_000,
    fileBytes: 2_000_000_000,
    runTimeMs: 10_000,
  };
  assert.equal(
    feasibilityMessage(rolloverPlan(settings), settings),
    "Cannot run: at 212.4 MB/s measured, 10s writes about 2.12 GB, 1 rollover of 2.00 GB files, " +
      "expected at least 2 (give --run-time 23s or more, or --file-size 850M or less)",
  );
});

Deno.test("feasibilityMessage() uses binary sizes when the chunk is binary", () => {
  const settings: RolloverPlanInput = {
    speedBytesPerSec: 50_000_000,
    chunkBytes: 2 ** 20,
    fileBytes: 64 * 2 ** 20,
    runTimeMs: 2 * 60_000,
    minRollovers: 100,
  };
  assert.equal(
    feasibilityMessage(rolloverPlan(settings), settings),
    "Cannot run: at 50.0 MB/s measured, 2m writes about 6.00 GB, 89 rollovers of 67.11 MB files, " +
      "expected at least 100 (give --run-time 162s or more, or --file-size 47MiB or less)",
  );
});

Deno.test("feasibilityMessage() suggests a smaller chunk when one chunk per file is too much", () => {
  const settings: RolloverPlanInput = {
    speedBytesPerSec: 1_000_000,
    chunkBytes: 10_000_000,
    fileBytes: 10_000_000,
    runTimeMs: 10_500,
  };
  assert.equal(
    feasibilityMessage(rolloverPlan(settings), settings),
    "Cannot run: at 1.0 MB/s measured, 10500ms writes about 10.50 MB, 1 rollover of 10.00 MB files, " +
      "expected at least 2 (give --run-time 24s or more, or a smaller --chunk and --file-size)",
  );
});

Deno.test("feasibilityMessage() describes a feasible plan", () => {
  const settings: RolloverPlanInput = {
    speedBytesPerSec: 100_000_000,
    chunkBytes: 10_000_000,
    fileBytes: 20_000_000,
    runTimeMs: 10_000,
  };
  assert.equal(
    feasibilityMessage(rolloverPlan(settings), settings),
    "Can run: at 100.0 MB/s measured, 10s writes about 1.00 GB, 50 rollovers of 20.00 MB files, " +
      "expected at least 2",
  );
});
