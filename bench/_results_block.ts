// Reads the `Results:` block that cassandra-stress and `stress` print at the end of a run (the
// same lines in both), for bench/cql_peers.ts and scripts/cross_check.ts.

/** The figures of one `Results:` block. */
export interface ResultsBlock {
  /** `Op rate`, op/s. */
  opRate: number;
  /** `Latency median`, ms. */
  p50Ms: number;
  /** `Latency 99th percentile`, ms. */
  p99Ms: number;
  /** `Total partitions`. */
  partitions: number;
  /** `Total errors`. */
  errors: number;
}

/** The number after `label :` on its line (thousands commas dropped), or NaN without one. */
function figure(text: string, label: string): number {
  const line = text.split("\n").find((l) => l.startsWith(label) && /^[^:]*:/.test(l));
  const match = line === undefined ? null : /:\s*([\d,]+(?:\.\d+)?)/.exec(line);
  return match === null ? NaN : Number(match[1].replaceAll(",", ""));
}

/**
 * The figures of the last `Results:` block of a run's output, or null when there is none (the
 * run failed before its end).
 *
 * @param output The run's whole stdout.
 * @returns The figures, or null.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { resultsBlock } from "./_results_block.ts";
 * const out = "Results:\nOp rate                   :    6,922 op/s  [READ: 6,922 op/s]\n" +
 *   "Latency median            :    1.1 ms [READ: 1.1 ms]\n" +
 *   "Latency 99th percentile   :    7.9 ms [READ: 7.9 ms]\n" +
 *   "Total partitions          :     20,000 [READ: 20,000]\n" +
 *   "Total errors              :          0 [READ: 0]\n";
 * assert.deepEqual(resultsBlock(out), {
 *   opRate: 6922, p50Ms: 1.1, p99Ms: 7.9, partitions: 20000, errors: 0,
 * });
 * ```
 */
export function resultsBlock(output: string): ResultsBlock | null {
  const starts = [...output.matchAll(/^Results:$/gm)];
  if (starts.length === 0) return null;
  const block = output.slice(starts[starts.length - 1].index);
  return {
    opRate: figure(block, "Op rate"),
    p50Ms: figure(block, "Latency median"),
    p99Ms: figure(block, "Latency 99th percentile"),
    partitions: figure(block, "Total partitions"),
    errors: figure(block, "Total errors"),
  };
}
