/**
 * Parses durations such as `30s`, `10m`, `2h`, `500ms` into milliseconds.
 *
 * @module
 */

import { OptionError } from "../errors.ts";

/** A duration unit. */
export type DurationUnit = "ms" | "s" | "m" | "h";

const UNIT_MS: Readonly<Record<DurationUnit, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
const PATTERN = /^(\d+)(ms|s|m|h)?$/i;

/**
 * The longest duration: what a timer can wait (2^31 - 1 ms, 596 h 31 min); a longer one would
 * fire at once.
 */
export const MAX_DURATION_MS = 2_147_483_647;

/** Options for {@linkcode parseDuration}. */
export interface ParseDurationOptions {
  /**
   * The units accepted.
   *
   * @default {["ms", "s", "m", "h"]}
   */
  readonly units?: readonly DurationUnit[];
  /**
   * The unit of a bare number (`-log interval=5` means 5 seconds); null rejects bare numbers.
   *
   * @default {null}
   */
  readonly bareUnit?: DurationUnit | null;
  /**
   * Accept zero.
   *
   * @default {false}
   */
  readonly allowZero?: boolean;
}

/**
 * Parses a whole number followed by a unit (`ms`, `s`, `m`, `h`, case-insensitive).
 *
 * @param text The value, e.g. `"30m"`.
 * @param option The option name used in the error message.
 * @param options The accepted units, the unit of a bare number and whether zero is allowed.
 * @returns The duration in milliseconds.
 * @throws {OptionError} When the text is not such a duration.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseDuration } from "./parse_duration.ts";
 * assert.equal(parseDuration("30m"), 1_800_000);
 * assert.equal(parseDuration("500ms"), 500);
 * assert.equal(parseDuration("5", "interval", { bareUnit: "s" }), 5000);
 * ```
 */
export function parseDuration(
  text: string,
  option: string = "duration",
  options: ParseDurationOptions = {},
): number {
  const units = options.units ?? ["ms", "s", "m", "h"];
  const bareUnit = options.bareUnit ?? null;
  const expected = `a whole number followed by one of ${units.join(", ")}` +
    (bareUnit === null ? "" : ` (a bare number means ${bareUnit})`);
  const match = PATTERN.exec(text);
  if (match === null) {
    throw new OptionError({ option, value: text, expected });
  }
  const unit = (match[2]?.toLowerCase() ?? bareUnit) as DurationUnit | null;
  if (unit === null || !units.includes(unit)) {
    throw new OptionError({
      option,
      value: text,
      problem: unit === null ? "has no unit" : "has an unknown unit",
      expected,
    });
  }
  const valueMs = Number(match[1]) * UNIT_MS[unit];
  if (!Number.isSafeInteger(valueMs) || valueMs > MAX_DURATION_MS) {
    throw new OptionError({
      option,
      value: text,
      problem: "is too long",
      expected: `at most 596h (${MAX_DURATION_MS} ms, what a timer can wait)`,
    });
  }
  if (valueMs === 0 && !options.allowZero) {
    throw new OptionError({ option, value: text, problem: "is zero", expected });
  }
  return valueMs;
}
