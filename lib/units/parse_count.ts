/**
 * Parses cassandra-stress counts such as `n=1000000`, `200M`, `1k` and, as our extension,
 * scientific notation such as `1e6`.
 *
 * @module
 */

import { OptionError } from "../errors.ts";

const SUFFIXED = /^(-?\d+)([kmb])?$/i;
const SCIENTIFIC = /^(\d+(?:\.\d+)?)e\+?(\d+)$/i;
const MULTIPLIERS: Readonly<Record<string, number>> = { k: 1e3, m: 1e6, b: 1e9 };

/** Options for {@linkcode parseCount}. */
export interface ParseCountOptions {
  /**
   * Accept a leading minus sign (distribution bounds may be negative).
   *
   * @default {false}
   */
  readonly allowNegative?: boolean;
}

/**
 * Parses a count: digits with an optional `k`, `m` or `b` suffix (x10^3, x10^6, x10^9,
 * case-insensitive), or scientific notation that yields a whole number (`1e6`, `2.5e3`).
 *
 * @param text The value, e.g. `"200M"`.
 * @param option The option name used in the error message.
 * @param options Whether a negative value is accepted.
 * @returns The count as a safe integer.
 * @throws {OptionError} When the text is not a count or is not a safe integer.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseCount } from "./parse_count.ts";
 * assert.equal(parseCount("200M"), 200_000_000);
 * assert.equal(parseCount("1e6"), 1_000_000);
 * assert.equal(parseCount("1000"), 1000);
 * ```
 */
export function parseCount(
  text: string,
  option: string = "n",
  options: ParseCountOptions = {},
): number {
  const expected = options.allowNegative
    ? "an integer with an optional k, m or b suffix"
    : "a non-negative integer with an optional k, m or b suffix, or 1e6 notation";
  let value: number;
  const suffixed = SUFFIXED.exec(text);
  if (suffixed !== null) {
    const multiplier = suffixed[2] === undefined ? 1 : MULTIPLIERS[suffixed[2].toLowerCase()];
    value = Number(suffixed[1]) * multiplier;
  } else {
    const scientific = SCIENTIFIC.exec(text);
    if (scientific === null) {
      throw new OptionError({ option, value: text, expected });
    }
    value = Number(`${scientific[1]}e${scientific[2]}`);
    if (!Number.isInteger(value)) {
      throw new OptionError({ option, value: text, problem: "is not a whole number", expected });
    }
  }
  if (!Number.isSafeInteger(value)) {
    throw new OptionError({ option, value: text, problem: "is too large", expected });
  }
  if (value < 0 && !options.allowNegative) {
    throw new OptionError({ option, value: text, problem: "is negative", expected });
  }
  return value === 0 ? 0 : value;
}
