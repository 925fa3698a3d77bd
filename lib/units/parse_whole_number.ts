/**
 * The one reading of a whole number on a command line: decimal digits only (no sign, exponent
 * or fraction), within a range. Callers word their own error, as the grammar they serve does.
 *
 * @module
 */

/** A whole number read, or why it was refused. */
export type WholeNumber =
  | {
    /** The text is a whole number within the range. */
    readonly ok: true;
    /** Its value. */
    readonly value: number;
  }
  | {
    /** The text was refused. */
    readonly ok: false;
    /** `digits`: not decimal digits; `range`: outside the range. */
    readonly reason: "digits" | "range";
  };

/**
 * Reads a whole number in `[min, max]` (default `[0, Number.MAX_SAFE_INTEGER]`).
 *
 * @param text The text, exactly as given (surrounding spaces are not digits).
 * @param range The smallest and largest value allowed.
 * @returns The value, or why it was refused.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseWholeNumber } from "./parse_whole_number.ts";
 * assert.deepEqual(parseWholeNumber("42", { min: 1 }), { ok: true, value: 42 });
 * assert.deepEqual(parseWholeNumber("1e3"), { ok: false, reason: "digits" });
 * assert.deepEqual(parseWholeNumber("0", { min: 1 }), { ok: false, reason: "range" });
 * ```
 */
export function parseWholeNumber(
  text: string,
  range: { min?: number; max?: number } = {},
): WholeNumber {
  if (!/^\d+$/.test(text)) return { ok: false, reason: "digits" };
  const value = Number(text);
  const min = range.min ?? 0;
  const max = range.max ?? Number.MAX_SAFE_INTEGER;
  return value < min || value > max ? { ok: false, reason: "range" } : { ok: true, value };
}
