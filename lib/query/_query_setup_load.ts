/**
 * Private helper of `query_setup.ts`: the load in one transaction, drop (with `--replace`),
 * create, COPY the rows, then index.
 *
 * @module
 */

import type postgres from "postgres";
import { CPU_USAGE_TABLE, cpuUsageRowCount, type CpuUsageSchema } from "./cpu_usage.ts";
import { copyInto } from "./_query_setup_copy.ts";
import { fileChunks, generatedChunks } from "./_query_setup_chunks.ts";
import type { ProgressLine } from "./_query_setup_progress.ts";
import type { SetupSource } from "./_query_setup_source.ts";

/** What {@linkcode loadCpuUsage} does. */
export interface CpuUsageLoad {
  /** Drop the existing table first. */
  readonly drop: boolean;
  /** Create the table (and its indexes after the rows). */
  readonly created: boolean;
  /** The statements that create and index it. */
  readonly schema: CpuUsageSchema;
  /** The rows to load. */
  readonly source: SetupSource;
  /** Where the progress goes. */
  readonly progress: ProgressLine;
  /** Aborts the load (SIGINT). */
  readonly signal: AbortSignal | undefined;
}

/**
 * Runs the load on `tx`.
 *
 * @param tx The transaction.
 * @param load What to drop, create and load.
 * @throws {UsageError} On a malformed `--data` line.
 * @throws {TargetError} When the server rejects the data.
 * @throws {InterruptedError} When the signal aborts the load.
 */
export async function loadCpuUsage(
  tx: postgres.TransactionSql,
  load: CpuUsageLoad,
): Promise<void> {
  const { schema, source, progress } = load;
  if (load.drop) await tx.unsafe(`DROP TABLE ${CPU_USAGE_TABLE}`);
  if (load.created) { for (const statement of schema.create) await tx.unsafe(statement); }
  if (source.kind !== "none") {
    const header = source.kind === "file" && source.header ? ", HEADER true" : "";
    const total = source.kind === "file"
      ? source.sizeBytes
      : cpuUsageRowCount(source.hosts, source.days);
    const chunks = source.kind === "file"
      ? fileChunks(source, (bytes) => {
        progress.show(`loading: ${Math.floor((100 * bytes) / Math.max(total, 1))}%`);
      }, load.signal)
      : generatedChunks(source, (rows) => {
        progress.show(`loading: ${rows}/${total} rows`);
      }, load.signal);
    try {
      await copyInto(
        tx,
        `COPY ${CPU_USAGE_TABLE} (ts, host, usage) FROM STDIN WITH (FORMAT csv${header})`,
        chunks,
      );
    } finally {
      progress.done();
    }
  }
  if (load.created) { for (const statement of schema.index) await tx.unsafe(statement); }
}
