/**
 * Locust-style wait times between the requests of a virtual user: `none`, `constant(S)` and
 * `between(MIN, MAX)`, in seconds.
 *
 * @module
 */

import { OptionError } from "../errors.ts";

/**
 * How long a virtual user pauses after each request, as locust's `wait_time`:
 * `{ kind: "none" }` (no pause), `{ kind: "constant", seconds }` (locust's `constant(s)`), or
 * `{ kind: "between", minSeconds, maxSeconds }` (locust's `between(min, max)`: uniform in
 * `[min, max]`).
 */
export type WaitTime =
  | { readonly kind: "none" }
  | { readonly kind: "constant"; readonly seconds: number }
  | { readonly kind: "between"; readonly minSeconds: number; readonly maxSeconds: number };

const EXPECTED = "none, constant(SECONDS) or between(MIN, MAX) with 0 <= MIN <= MAX seconds";
const CALL = /^\s*(constant|between)\s*\(([^()]*)\)\s*$/;
/** The longest wait a timer can sleep: 2^31 - 1 ms (a longer one fired at once: no wait). */
const MAX_WAIT_SECONDS = 2_147_483.647;
const NUMBER = /^(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

function parseSeconds(text: string): number | undefined {
  const trimmed = text.trim();
  if (!NUMBER.test(trimmed)) return undefined;
  const seconds = Number(trimmed);
  return Number.isFinite(seconds) ? seconds : undefined;
}

/**
 * Parses a wait time written as in a locustfile: `none`, `constant(1)`, `between(1, 3)`.
 *
 * Seconds are non-negative decimal numbers (`0.5`, `2`, `1e-3`); spaces are allowed around them.
 *
 * @param text The value, e.g. `"between(1, 3)"`.
 * @param option The option name used in the error message.
 * @returns The wait time.
 * @throws {OptionError} When the text is not one of the three forms, a number is negative or not
 * finite, or `MIN > MAX`.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseWaitTime } from "./wait_time.ts";
 * assert.deepEqual(parseWaitTime("constant(1)"), { kind: "constant", seconds: 1 });
 * assert.deepEqual(parseWaitTime("between(1, 3)"), {
 *   kind: "between",
 *   minSeconds: 1,
 *   maxSeconds: 3,
 * });
 * assert.deepEqual(parseWaitTime("none"), { kind: "none" });
 * assert.throws(() => parseWaitTime("between(3, 1)"));
 * ```
 */
export function parseWaitTime(text: string, option: string = "wait-time"): WaitTime {
  if (text.trim() === "none") return { kind: "none" };
  const match = CALL.exec(text);
  if (match === null) throw new OptionError({ option, value: text, expected: EXPECTED });
  const args = match[2].split(",").map(parseSeconds);
  if (args.some((seconds) => seconds === undefined)) {
    throw new OptionError({ option, value: text, expected: EXPECTED });
  }
  const seconds = args as number[];
  if (seconds.some((s) => s > MAX_WAIT_SECONDS)) {
    throw new OptionError({
      option,
      value: text,
      problem: "is too long",
      expected:
        `waits of at most ${MAX_WAIT_SECONDS} seconds (2147483647 ms, what a timer can wait)`,
    });
  }
  if (match[1] === "constant") {
    if (seconds.length !== 1) {
      throw new OptionError({
        option,
        value: text,
        expected: EXPECTED,
        problem: "has the wrong number of arguments",
      });
    }
    return { kind: "constant", seconds: seconds[0] };
  }
  if (seconds.length !== 2) {
    throw new OptionError({
      option,
      value: text,
      expected: EXPECTED,
      problem: "has the wrong number of arguments",
    });
  }
  if (seconds[0] > seconds[1]) {
    throw new OptionError({ option, value: text, expected: EXPECTED, problem: "has MIN > MAX" });
  }
  return { kind: "between", minSeconds: seconds[0], maxSeconds: seconds[1] };
}

/**
 * Writes a wait time in the form {@linkcode parseWaitTime} reads.
 *
 * @param wait The wait time.
 * @returns `none`, `constant(S)` or `between(MIN, MAX)`.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatWaitTime } from "./wait_time.ts";
 * assert.equal(formatWaitTime({ kind: "between", minSeconds: 1, maxSeconds: 3 }), "between(1, 3)");
 * ```
 */
export function formatWaitTime(wait: WaitTime): string {
  switch (wait.kind) {
    case "none":
      return "none";
    case "constant":
      return `constant(${wait.seconds})`;
    case "between":
      return `between(${wait.minSeconds}, ${wait.maxSeconds})`;
  }
}

/**
 * Draws one pause: 0 for `none`, the constant, or uniform in `[min, max]` for `between` (one call
 * of `random`, as locust's `random.random()`-based `between`). Only `between` calls `random`.
 *
 * @param wait The wait time.
 * @param random A uniform source in `[0, 1)`, e.g. `() => prng.nextDouble()`.
 * @returns The pause in milliseconds (not rounded).
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { waitMs } from "./wait_time.ts";
 * assert.equal(waitMs({ kind: "constant", seconds: 1 }, () => 0.5), 1000);
 * assert.equal(waitMs({ kind: "between", minSeconds: 1, maxSeconds: 3 }, () => 0.5), 2000);
 * assert.equal(waitMs({ kind: "none" }, () => 0.5), 0);
 * ```
 */
export function waitMs(wait: WaitTime, random: () => number): number {
  switch (wait.kind) {
    case "none":
      return 0;
    case "constant":
      return wait.seconds * 1000;
    case "between": {
      const ms = (wait.minSeconds + (wait.maxSeconds - wait.minSeconds) * random()) * 1000;
      // Rounding can push the sum a hair outside [min, max]; clamp so the bounds always hold.
      return Math.min(Math.max(ms, wait.minSeconds * 1000), wait.maxSeconds * 1000);
    }
  }
}
