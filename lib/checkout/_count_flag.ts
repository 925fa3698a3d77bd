/**
 * The counts of the checkout commands' flags (users, checkouts, connections), held to what the
 * tool can hold: a count past them failed late, as an array too long (a stack trace), or took
 * every byte of memory building a pool whose connections could never be opened.
 *
 * @module
 */

import { UsageError } from "../errors.ts";
import { parseWholeNumber } from "../units/parse_whole_number.ts";

/**
 * The most records (users, items, checkouts) or virtual users a checkout command holds: what the
 * live page's Start takes too.
 */
export const MAX_COUNT = 10_000_000;

/** The most connections to one service address: the TCP ports one client address has. */
export const MAX_CONNECTIONS = 65_535;

/**
 * Reads a count flag written in plain digits, from `min` to `max`.
 *
 * @param name The flag, for messages, e.g. `--users`.
 * @param text The value as given.
 * @param range The least and the largest value accepted.
 * @returns The count.
 * @throws {UsageError} When it is not digits, or out of the range.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseCount } from "./_count_flag.ts";
 * assert.equal(parseCount("--users", "10", { min: 1, max: 100 }), 10);
 * assert.throws(
 *   () => parseCount("--users", "101", { min: 1, max: 100 }),
 *   { message: 'Cannot parse --users: "101" is invalid, expected an integer from 1 to 100' },
 * );
 * ```
 */
export function parseCount(
  name: string,
  text: string,
  range: { readonly min: number; readonly max: number },
): number {
  const read = parseWholeNumber(text.trim(), range);
  if (read.ok) return read.value;
  throw new UsageError(
    `Cannot parse ${name}: "${text}" is invalid, expected an integer from ${range.min} to ${range.max}`,
  );
}
