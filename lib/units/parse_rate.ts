/**
 * Parses cassandra-stress rates such as `1000/s` into operations per second.
 *
 * @module
 */

import { OptionError } from "../errors.ts";

const PATTERN = /^(\d+)([kmb])?\/s$/i;
const MULTIPLIERS: Readonly<Record<string, number>> = { k: 1e3, m: 1e6, b: 1e9 };

/**
 * Parses `N/s` (N a whole number, optionally with a `k`, `m` or `b` suffix). `0/s` means
 * no limit.
 *
 * @param text The value, e.g. `"9000/s"`.
 * @param option The option name used in the error message.
 * @returns Operations per second.
 * @throws {OptionError} When the text is not a rate.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseRate } from "./parse_rate.ts";
 * assert.equal(parseRate("1000/s"), 1000);
 * assert.equal(parseRate("10k/s"), 10_000);
 * ```
 */
export function parseRate(text: string, option: string = "throttle"): number {
  const match = PATTERN.exec(text);
  if (match === null) {
    throw new OptionError({ option, value: text, expected: "a rate such as 1000/s" });
  }
  const value = Number(match[1]) *
    (match[2] === undefined ? 1 : MULTIPLIERS[match[2].toLowerCase()]);
  if (!Number.isSafeInteger(value)) {
    throw new OptionError({
      option,
      value: text,
      problem: "is too large",
      expected: "a rate such as 1000/s",
    });
  }
  return value;
}
