import assert from "node:assert/strict";
import fc from "fast-check";
import { RateSchedule } from "../../lib/core/rate_schedule.ts";

const FC_SEED = 20240611;

/** A clock that only moves when the test moves it. */
class ManualClock {
  nowNs: number;
  constructor(startNs: number) {
    this.nowNs = startNs;
  }
  advanceTo(timeNs: number): void {
    assert.ok(timeNs >= this.nowNs, "the clock never goes back");
    this.nowNs = timeNs;
  }
}

interface OpRecord {
  cycle: number;
  intendedNs: number;
  startNs: number;
  endNs: number;
}

/**
 * Simulates a closed loop of `threads` op loops sharing one schedule: a free loop claims the
 * next cycle, asks the schedule how long to wait, waits (the clock moves), runs the op for
 * `serviceNs(cycle)` and becomes free again at its end.
 */
function simulate(
  schedule: RateSchedule,
  options: { threads: number; ops: number; serviceNs: (cycle: number) => number },
): OpRecord[] {
  const clock = new ManualClock(schedule.startNs);
  const freeAtNs = new Array<number>(options.threads).fill(schedule.startNs);
  const records: OpRecord[] = [];
  for (let cycle = 0; cycle < options.ops; cycle++) {
    let thread = 0;
    for (let t = 1; t < freeAtNs.length; t++) if (freeAtNs[t] < freeAtNs[thread]) thread = t;
    clock.advanceTo(Math.max(clock.nowNs, freeAtNs[thread]));
    clock.advanceTo(clock.nowNs + schedule.delayNs(cycle, clock.nowNs));
    const startNs = clock.nowNs;
    const endNs = startNs + options.serviceNs(cycle);
    freeAtNs[thread] = endNs;
    records.push({ cycle, intendedNs: schedule.intendedStartNs(cycle), startNs, endNs });
  }
  return records;
}

/** Asserts that by any time t no more ops have started than the slots due by t. */
function assertNeverAheadOfRate(schedule: RateSchedule, records: OpRecord[]): void {
  const starts = records.map((r) => r.startNs).sort((a, b) => a - b);
  for (let i = 0; i < starts.length; i++) {
    // Slots due by this start; the 1e-6 absorbs float rounding of a start exactly on a slot.
    const elapsedSlots = ((starts[i] - schedule.startNs) * schedule.opsPerSec) / 1e9;
    const slotsDue = Math.floor(elapsedSlots + 1e-6) + 1;
    assert.ok(i + 1 <= slotsDue, `op ${i + 1} started at ${starts[i]} with ${slotsDue} due`);
  }
  for (const record of records) {
    assert.ok(record.startNs >= record.intendedNs, `cycle ${record.cycle} started early`);
  }
}

Deno.test("RateSchedule() computes absolute deadlines from the start", () => {
  const schedule = new RateSchedule({ opsPerSec: 1000, startNs: 1_000_000_000 });
  assert.equal(schedule.periodNs, 1_000_000);
  assert.equal(schedule.intendedStartNs(0), 1_000_000_000);
  assert.equal(schedule.intendedStartNs(1), 1_001_000_000);
  assert.equal(schedule.intendedStartNs(1_000_000), 1_001_000_000_000);
});

Deno.test("RateSchedule() does not drift over many cycles at a non-integer period", () => {
  const schedule = new RateSchedule({ opsPerSec: 3, startNs: 0 });
  // "now + period" accumulation would drift; the absolute form lands exactly on whole seconds.
  assert.equal(schedule.intendedStartNs(3 * 86_400), 86_400e9);
  assert.equal(schedule.intendedStartNs(1), 1e9 / 3);
});

Deno.test("RateSchedule.delayNs() waits until the slot and is 0 when late", () => {
  const schedule = new RateSchedule({ opsPerSec: 100, startNs: 50 });
  assert.equal(schedule.delayNs(0, 0), 50);
  assert.equal(schedule.delayNs(0, 50), 0);
  assert.equal(schedule.delayNs(2, 50), 20_000_000);
  assert.equal(schedule.delayNs(2, 20_000_050), 0);
  assert.equal(schedule.delayNs(2, 90_000_000), 0);
});

Deno.test("RateSchedule() rejects a rate that is not finite and positive", () => {
  for (const opsPerSec of [0, -1, NaN, Infinity]) {
    assert.throws(
      () => new RateSchedule({ opsPerSec, startNs: 0 }),
      (error: unknown) =>
        error instanceof RangeError &&
        error.message ===
          `Cannot create rate schedule: opsPerSec is "${opsPerSec}", expected a finite positive number`,
    );
  }
  assert.throws(() => new RateSchedule({ opsPerSec: 1, startNs: NaN }), RangeError);
});

Deno.test("RateSchedule() paces a fast closed loop at exactly the rate", () => {
  const schedule = new RateSchedule({ opsPerSec: 1000, startNs: 0 });
  const records = simulate(schedule, { threads: 4, ops: 2000, serviceNs: () => 200_000 });
  assertNeverAheadOfRate(schedule, records);
  // Service time is well under the period, so every op starts exactly on its slot.
  for (const record of records) assert.equal(record.startNs, record.intendedNs);
  assert.equal(records.at(-1)!.startNs, 1_999_000_000);
});

Deno.test("RateSchedule() after a stall counts the backlog in response time, not service time", () => {
  // One loop, 1000 ops/s (1 ms slots), each op takes 0.5 ms except cycle 100, which stalls 50 ms.
  const schedule = new RateSchedule({ opsPerSec: 1000, startNs: 0 });
  const stallNs = 50_000_000;
  const serviceNs = (cycle: number) => (cycle === 100 ? stallNs : 500_000);
  const records = simulate(schedule, { threads: 1, ops: 400, serviceNs });
  assertNeverAheadOfRate(schedule, records);

  const afterStall = records[101];
  assert.equal(afterStall.intendedNs, 101_000_000);
  assert.equal(afterStall.startNs, 150_000_000); // waited for the stalled op to finish
  const serviceTimeNs = afterStall.endNs - afterStall.startNs;
  const responseTimeNs = afterStall.endNs - afterStall.intendedNs;
  assert.equal(serviceTimeNs, 500_000);
  assert.equal(responseTimeNs, 49_500_000); // includes the 49 ms of queueing

  // The backlog drains at 0.5 ms per op: op 101 + k starts 49 ms - 0.5 ms * k late.
  for (let k = 0; k < 98; k++) {
    const record = records[101 + k];
    assert.equal(record.startNs - record.intendedNs, 49_000_000 - 500_000 * k);
  }
  // After the backlog the loop is back on schedule, with no burst beyond the rate.
  for (const record of records.slice(199)) assert.equal(record.startNs, record.intendedNs);
  const totalServiceNs = records.reduce((sum, r) => sum + (r.endNs - r.startNs), 0);
  const totalResponseNs = records.reduce((sum, r) => sum + (r.endNs - r.intendedNs), 0);
  // The queueing delay: sum over the backlog of (49 - 0.5 k) ms, k = 0..97.
  assert.equal(totalResponseNs - totalServiceNs, 2_425_500_000);
});

Deno.test("RateSchedule() with several loops and a stall keeps starts on or after their slots", () => {
  const schedule = new RateSchedule({ opsPerSec: 10_000, startNs: 123_456 });
  // 4 loops, 300 us per op (so at most ~13k ops/s), one 20 ms stall on every loop at cycle 500.
  const serviceNs = (cycle: number) => (cycle >= 500 && cycle < 504 ? 20_000_000 : 300_000);
  const records = simulate(schedule, { threads: 4, ops: 3000, serviceNs });
  assertNeverAheadOfRate(schedule, records);
  const late = records.filter((r) => r.startNs > r.intendedNs);
  assert.ok(late.length > 100, `expected a backlog after the stall, got ${late.length} late ops`);
  for (const record of late) {
    assert.ok(record.endNs - record.intendedNs > record.endNs - record.startNs);
  }
  // The ops right after the stall waited almost the whole stall.
  const firstAfter = records[504];
  assert.ok(firstAfter.startNs - firstAfter.intendedNs > 19_000_000);
});

Deno.test("RateSchedule() property: no op starts before its slot, and no prefix exceeds the rate", () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 100_000 }),
      fc.integer({ min: 0, max: 1e12 }),
      fc.integer({ min: 1, max: 8 }),
      fc.array(fc.integer({ min: 0, max: 5_000_000 }), { minLength: 1, maxLength: 50 }),
      (opsPerSec, startNs, threads, serviceTimesNs) => {
        const schedule = new RateSchedule({ opsPerSec, startNs });
        const records = simulate(schedule, {
          threads,
          ops: 300,
          serviceNs: (cycle) => serviceTimesNs[cycle % serviceTimesNs.length],
        });
        assertNeverAheadOfRate(schedule, records);
        for (const record of records) {
          assert.ok(record.endNs - record.intendedNs >= record.endNs - record.startNs);
        }
      },
    ),
    { numRuns: 100, seed: FC_SEED },
  );
});

Deno.test("RateSchedule() property: delayNs lands exactly on the slot or is 0", () => {
  fc.assert(
    fc.property(
      fc.double({ min: 0.001, max: 1e7, noNaN: true }),
      fc.integer({ min: 0, max: 1e12 }),
      fc.integer({ min: 0, max: 1e9 }),
      fc.integer({ min: -1e12, max: 1e13 }),
      (opsPerSec, startNs, cycle, nowNs) => {
        const schedule = new RateSchedule({ opsPerSec, startNs });
        const delayNs = schedule.delayNs(cycle, nowNs);
        const intendedNs = schedule.intendedStartNs(cycle);
        assert.ok(delayNs >= 0);
        const toleranceNs = Math.max(0.01, Math.abs(intendedNs) * 2 ** -50); // float rounding
        if (delayNs > 0) assert.ok(Math.abs(nowNs + delayNs - intendedNs) <= toleranceNs);
        else assert.ok(nowNs >= intendedNs);
        assert.ok(schedule.intendedStartNs(cycle + 1) > intendedNs);
      },
    ),
    { numRuns: 500, seed: FC_SEED },
  );
});
