/**
 * Deterministic tokens for a ring of embedded nodes: evenly spaced over the Murmur3 range and
 * dealt to the nodes in turn, so each node owns the same share in as many ranges as it has
 * tokens.
 *
 * @module
 */

/**
 * The tokens of each node of a ring: `nodes * perNode` tokens, the k-th at the middle of the
 * k-th of as many equal slices of the Murmur3 range, token k going to node `k % nodes`.
 *
 * @param nodes The number of nodes (at least 1).
 * @param perNode Tokens per node (num_tokens, at least 1).
 * @returns For each node, its tokens as decimal strings, ascending.
 * @throws {RangeError} When a count is not a positive integer.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { ringTokens } from "./ring_tokens.ts";
 * assert.deepEqual(ringTokens(2, 1), [["-4611686018427387904"], ["4611686018427387904"]]);
 * assert.equal(ringTokens(3, 16)[2].length, 16);
 * ```
 */
export function ringTokens(nodes: number, perNode: number): string[][] {
  for (const [name, value] of [["nodes", nodes], ["perNode", perNode]] as const) {
    if (!Number.isInteger(value) || value < 1) {
      throw new RangeError(
        `Cannot make ring tokens: "${name}" is ${value}, expected an integer >= 1`,
      );
    }
  }
  const total = BigInt(nodes * perNode);
  const out: string[][] = Array.from({ length: nodes }, () => []);
  for (let k = 0; k < nodes * perNode; k++) {
    const token = (2n ** 64n * BigInt(2 * k + 1)) / (2n * total) - 2n ** 63n;
    out[k % nodes].push(String(token));
  }
  return out;
}
