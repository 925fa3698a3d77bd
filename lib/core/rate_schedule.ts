/**
 * The fixed-rate schedule behind `-rate throttle=` and `-rate fixed=`.
 *
 * @module
 */

/** Options of {@linkcode RateSchedule}. */
export interface RateScheduleOptions {
  /** The target rate in operations per second; finite and positive. */
  opsPerSec: number;
  /** The time, in nanoseconds on the caller's clock, at which operation 0 is due. */
  startNs: number;
}

/**
 * The shared schedule of a rate-limited run: operation `cycle` is due at the absolute time
 * `startNs + cycle * 1e9 / opsPerSec`, never "previous start + period", so a stall does not
 * shift later slots: the operations it delayed run late (and their response time, measured
 * from {@linkcode RateSchedule.intendedStartNs}, shows it). Pure: the caller passes the time.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { RateSchedule } from "./rate_schedule.ts";
 *
 * const schedule = new RateSchedule({ opsPerSec: 1000, startNs: 5_000_000 });
 * assert.equal(schedule.intendedStartNs(3), 8_000_000);
 * assert.equal(schedule.delayNs(3, 7_500_000), 500_000); // early: wait for the slot
 * assert.equal(schedule.delayNs(3, 9_000_000), 0); // late: run now
 * ```
 */
export class RateSchedule {
  /** The target rate in operations per second. */
  readonly opsPerSec: number;
  /** The time at which operation 0 is due, in nanoseconds. */
  readonly startNs: number;
  /** The gap between two consecutive slots, `1e9 / opsPerSec`, in nanoseconds. */
  readonly periodNs: number;

  /**
   * Creates a schedule.
   *
   * @param options The rate and the start time.
   * @throws {RangeError} If `opsPerSec` is not a finite positive number or `startNs` is not
   * finite.
   */
  constructor(options: RateScheduleOptions) {
    const { opsPerSec, startNs } = options;
    if (!(opsPerSec > 0 && Number.isFinite(opsPerSec))) {
      throw new RangeError(
        `Cannot create rate schedule: opsPerSec is "${opsPerSec}", expected a finite positive number`,
      );
    }
    if (!Number.isFinite(startNs)) {
      throw new RangeError(
        `Cannot create rate schedule: startNs is "${startNs}", expected a finite number`,
      );
    }
    this.opsPerSec = opsPerSec;
    this.startNs = startNs;
    this.periodNs = 1e9 / opsPerSec;
  }

  /**
   * The time at which operation `cycle` is due: `startNs + cycle * 1e9 / opsPerSec`.
   *
   * @param cycle The operation number, from 0.
   * @returns The intended start time in nanoseconds.
   *
   * @example Usage
   * ```ts
   * import assert from "node:assert/strict";
   * import { RateSchedule } from "./rate_schedule.ts";
   *
   * const schedule = new RateSchedule({ opsPerSec: 4, startNs: 0 });
   * assert.equal(schedule.intendedStartNs(0), 0);
   * assert.equal(schedule.intendedStartNs(6), 1_500_000_000);
   * ```
   */
  intendedStartNs(cycle: number): number {
    return this.startNs + (cycle * 1e9) / this.opsPerSec;
  }

  /**
   * How long to wait before running operation `cycle` when the time is `nowNs`.
   *
   * @param cycle The operation number, from 0.
   * @param nowNs The current time on the same clock as `startNs`.
   * @returns The wait in nanoseconds; 0 when the slot has already come (the operation is late).
   *
   * @example Usage
   * ```ts
   * import assert from "node:assert/strict";
   * import { RateSchedule } from "./rate_schedule.ts";
   *
   * const schedule = new RateSchedule({ opsPerSec: 100, startNs: 0 });
   * assert.equal(schedule.delayNs(1, 0), 10_000_000);
   * assert.equal(schedule.delayNs(1, 25_000_000), 0);
   * ```
   */
  delayNs(cycle: number, nowNs: number): number {
    const waitNs = this.startNs + (cycle * 1e9) / this.opsPerSec - nowNs;
    return waitNs > 0 ? waitNs : 0;
  }
}
