/**
 * Splits a `-node` host list on commas that are not inside parentheses.
 *
 * @module
 */

import { OptionError } from "../../errors.ts";

/**
 * Splits `h1,h2,...` on commas outside parentheses, so
 * `synthetic:gaussian(1..10,5,2)` stays one host. Each host is kept as given.
 *
 * @param text The host list.
 * @param option The option name used in error messages.
 * @returns The hosts, in order.
 * @throws {OptionError} When a host is empty or the parentheses do not balance.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { splitHostList } from "./split_host_list.ts";
 * assert.deepEqual(splitHostList("10.0.0.1,synthetic:uniform(1..5)"), [
 *   "10.0.0.1",
 *   "synthetic:uniform(1..5)",
 * ]);
 * ```
 */
export function splitHostList(text: string, option: string = "-node"): string[] {
  const hosts: string[] = [];
  let depth = 0;
  let start = 0;
  const push = (end: number): void => {
    const host = text.slice(start, end);
    if (host.length === 0) {
      throw new OptionError({
        option,
        value: text,
        problem: "has an empty host",
        expected: "a comma-separated host list such as 10.0.0.1,10.0.0.2",
      });
    }
    hosts.push(host);
    start = end + 1;
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === "(") depth++;
    else if (c === ")") depth--;
    if (depth < 0) break;
    if (c === "," && depth === 0) push(i);
  }
  if (depth !== 0) {
    throw new OptionError({
      option,
      value: text,
      problem: "has unbalanced parentheses",
      expected: "a comma-separated host list such as 10.0.0.1,synthetic:uniform(1..5)",
    });
  }
  push(text.length);
  return hosts;
}
