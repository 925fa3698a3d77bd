/**
 * Private helper of `query_setup.ts`: a table that is kept as it is, and what is printed
 * about it.
 *
 * @module
 */

import type postgres from "postgres";
import type { CommandIo } from "../cli/command_io.ts";
import { CPU_USAGE_TABLE } from "./cpu_usage.ts";
import type { SetupSource } from "./_query_setup_source.ts";
import { setupStep } from "./_query_setup_step.ts";

/**
 * Prints that the existing table is left as is, with its rows and storage.
 *
 * @param sql The connection.
 * @param table The table's rows, whether timescaledb is installed, what would have been
 * loaded, the URL for messages and when the setup started.
 * @param io Where the lines go.
 * @throws {TargetError} When the table cannot be inspected.
 */
export async function keepExistingTable(
  sql: postgres.Sql,
  table: {
    readonly existingRows: number;
    readonly installed: boolean;
    readonly source: SetupSource;
    readonly shownUrl: string;
    readonly startMs: number;
  },
  io: CommandIo,
): Promise<void> {
  const hypertable = table.installed &&
    await setupStep(
      "inspect cpu_usage",
      table.shownUrl,
      async () =>
        (await sql`SELECT 1 FROM timescaledb_information.hypertables
          WHERE hypertable_name = ${CPU_USAGE_TABLE}`).length > 0,
    );
  io.out(
    `table: cpu_usage exists with ${table.existingRows} rows, left as is${
      table.source.kind === "none" ? "" : " (give --replace to drop and load it again)"
    }`,
  );
  io.out(`storage: ${hypertable ? "TimescaleDB hypertable" : "plain table"}`);
  io.out("rows loaded: 0");
  io.out(`seconds: ${((performance.now() - table.startMs) / 1000).toFixed(2)}`);
}
