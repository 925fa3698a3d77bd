// The latte side of bench/cql_peers.ts: a latte (0.29) workload of our own doing what
// cassandra-stress's `write` and `read` do on `standard1` (prepared UPDATE of a 10-byte key and
// five 34-byte blobs C0..C4; prepared SELECT of C0..C4 by key), cycle i writing and reading key
// `latte::blob(i, 10)`; and the figures of latte's JSON report.

/**
 * The Rune workload for a keyspace, with functions `write` and `read`. The table must exist.
 *
 * @param keyspace The keyspace holding `standard1`.
 * @returns The workload's text.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { latteWorkload } from "./_latte_peer.ts";
 * assert.match(latteWorkload("ks"), /UPDATE ks\."standard1" SET/);
 * ```
 */
export function latteWorkload(keyspace: string): string {
  const set = ["C0", "C1", "C2", "C3", "C4"].map((c) => `"${c}" = ?`).join(", ");
  const values = [0, 1, 2, 3, 4].map((c) => `latte::blob(v + ${c}, 34)`).join(", ");
  return [
    `const WRITE = "write";`,
    `const READ = "read";`,
    ``,
    `pub async fn prepare(ctx) {`,
    `    ctx.prepare(WRITE, \`UPDATE ${keyspace}."standard1" SET ${set} WHERE key = ?\`).await?;`,
    `    ctx.prepare(READ, \`SELECT "C0", "C1", "C2", "C3", "C4" FROM ${keyspace}."standard1" WHERE key = ?\`).await?;`,
    `}`,
    ``,
    `pub async fn write(ctx, i) {`,
    `    let v = i * 5;`,
    `    ctx.execute_prepared(WRITE, [${values}, latte::blob(i, 10)]).await?`,
    `}`,
    ``,
    `pub async fn read(ctx, i) {`,
    `    ctx.execute_prepared(READ, [latte::blob(i, 10)]).await?`,
    `}`,
    ``,
  ].join("\n");
}

/** The figures of a latte run. */
export interface LatteFigures {
  /** Cycles per second. */
  opRate: number;
  /** Median cycle latency, ms. */
  p50Ms: number;
  /** 99th percentile of the cycle latency, ms. */
  p99Ms: number;
  /** Failed cycles. */
  errors: number;
  /** Rows the queries returned. */
  rows: number;
  /** Cycles run. */
  cycles: number;
}

interface LatteEstimate {
  value: number;
}

interface LatteReportJson {
  percentiles: number[];
  result: {
    "cycle_count": number;
    "error_count": number;
    "row_count": number;
    "cycle_throughput": LatteEstimate;
    "cycle_latency": { percentiles: LatteEstimate[] };
  };
}

/**
 * The figures of latte's JSON report (`latte run -o FILE`).
 *
 * @param text The report's text.
 * @returns The figures.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { latteFigures } from "./_latte_peer.ts";
 * const report = {
 *   percentiles: [50, 99],
 *   result: {
 *     cycle_count: 10, error_count: 0, row_count: 10, cycle_throughput: { value: 500 },
 *     cycle_latency: { percentiles: [{ value: 1.5 }, { value: 9 }] },
 *   },
 * };
 * assert.deepEqual(latteFigures(JSON.stringify(report)), {
 *   opRate: 500, p50Ms: 1.5, p99Ms: 9, errors: 0, rows: 10, cycles: 10,
 * });
 * ```
 */
export function latteFigures(text: string): LatteFigures {
  const report = JSON.parse(text) as LatteReportJson;
  const at = (p: number) => {
    const index = report.percentiles.indexOf(p);
    return index < 0 ? NaN : report.result.cycle_latency.percentiles[index].value;
  };
  return {
    opRate: report.result.cycle_throughput.value,
    p50Ms: at(50),
    p99Ms: at(99),
    errors: report.result.error_count,
    rows: report.result.row_count,
    cycles: report.result.cycle_count,
  };
}
