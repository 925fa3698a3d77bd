/**
 * `stress query setup`: creates the assignment's `cpu_usage` table (a hypertable on TimescaleDB,
 * a plain table with the same index otherwise) and loads CSV into it with COPY.
 *
 * @module
 */

import postgres from "postgres";
import { cpuUsageSchema } from "./cpu_usage.ts";
import type { CommandIo } from "../cli/command_io.ts";
import { parseCommandFlags } from "../cli/parse_flags.ts";
import { postgresJsTarget } from "../units/postgres_js_target.ts";
import { redactPgUrl } from "../units/redact_pg_url.ts";
import { requirePgUrl } from "./require_pg_url.ts";
import { keepExistingTable } from "./_query_setup_existing.ts";
import { loadCpuUsage } from "./_query_setup_load.ts";
import { progressLine } from "./_query_setup_progress.ts";
import { describeSource, setupSourceOf } from "./_query_setup_source.ts";
import { setupStep } from "./_query_setup_step.ts";
import { probeSetupStorage } from "./_query_setup_storage.ts";

/** The help text of `stress query setup`. */
export const QUERY_SETUP_HELP: string = `Usage: stress query setup --url URL [options]

Creates the table cpu_usage(ts TIMESTAMPTZ, host TEXT, usage DOUBLE PRECISION) of the
TimescaleDB query assignment and loads CSV rows (ts,host,usage) into it with COPY. When the
server has the timescaledb extension, the table is a hypertable (create_hypertable with its
defaults, which indexes (ts DESC)); otherwise it is a plain table with an index on (ts DESC).
TimescaleDB must be in the server's shared_preload_libraries (then restart the server): when it
is installed but not preloaded, setup stops and says what to set; give --plain to use a plain
table instead.
Timestamps without a zone are read as UTC. Running it again does not load the data twice.

Options:
  --url URL            postgres://user:password@host:port/database (required)
  --data FILE          load this CSV file (a header line is skipped), e.g. cpu_usage.csv
  --generate H,D       load generated rows of the assignment's shape: H hosts
                       (host_000000...), D days from 2017-01-01 00:00:00 UTC, one row per
                       host every 10 s, usage uniform in 0.00..100.00 (20,2 is the
                       assignment's 345,600 rows)
  --seed N             seed of --generate (default 20170101)
  --replace            drop an existing cpu_usage table and create it again
  --host-index         also index (host, ts DESC) (the assignment does not)
  --plain              a plain table even when timescaledb is available
  -h, --help           this help

Example:
  stress query setup --url postgres://postgres@127.0.0.1:5432/homework --generate 20,2`;

/**
 * Runs `stress query setup`: creates `cpu_usage` if needed and loads `--data` or `--generate`.
 *
 * @param args The arguments after `query setup`.
 * @param io Where output goes (one line per fact; the progress line goes to the terminal).
 * @param options The abort signal (SIGINT), and whether to draw progress.
 * @returns The exit code (0).
 * @throws {UsageError} On bad flags, or a `--data` file that is missing or malformed.
 * @throws {OptionError} On a malformed `--url` or `--generate`.
 * @throws {TargetError} When the database cannot be reached or the setup fails there, or
 * timescaledb is installed on the server but not preloaded (and `--plain` was not given).
 * @throws {InterruptedError} When the signal aborts the load (nothing is kept).
 *
 * @example Usage
 * ```ts ignore
 * const code = await querySetupCommand(["--url", url, "--generate", "20,2"], io);
 * ```
 */
export async function querySetupCommand(
  args: readonly string[],
  io: CommandIo,
  options: { signal?: AbortSignal; progress?: boolean } = {},
): Promise<number> {
  const values = parseCommandFlags("query setup", args, {
    url: { type: "string" },
    data: { type: "string" },
    generate: { type: "string" },
    seed: { type: "string", default: "20170101" },
    replace: { type: "boolean" },
    "host-index": { type: "boolean" },
    plain: { type: "boolean" },
  }, { io, help: QUERY_SETUP_HELP });
  if (values === null) return 0;
  const url = requirePgUrl("query setup", values.url as string | undefined);
  const shownUrl = redactPgUrl(url);
  const source = await setupSourceOf(values);
  const progress = progressLine(options.progress ?? Deno.stdout.isTerminal());
  const startMs = performance.now();
  const target = postgresJsTarget(url.href);
  const sql = postgres(target.url, {
    ...target.options,
    max: 1,
    connect_timeout: 10,
    onnotice: () => {},
    connection: { TimeZone: "UTC", application_name: "stress query setup" },
  });
  try {
    const storage = await probeSetupStorage(sql, shownUrl, values.plain === true);
    const { timescale, storageNote } = storage;
    const schema = cpuUsageSchema({ timescale, hostIndex: values["host-index"] === true });
    const rowsIn = async () =>
      Number((await sql`SELECT count(*)::bigint AS n FROM cpu_usage`)[0].n);
    const existingRows = storage.exists && !values.replace
      ? await setupStep("count rows", shownUrl, rowsIn)
      : 0;
    if (storage.exists && !values.replace && (existingRows > 0 || source.kind === "none")) {
      const installed = storage.installed;
      await keepExistingTable(sql, { existingRows, installed, source, shownUrl, startMs }, io);
      return 0;
    }
    const created = !storage.exists || values.replace === true;
    await setupStep("load cpu_usage", shownUrl, () =>
      sql.begin((tx) =>
        loadCpuUsage(tx, {
          drop: storage.exists && values.replace === true,
          created,
          schema,
          source,
          progress,
          signal: options.signal,
        })
      ));
    const rowsAfter = await setupStep("count rows", shownUrl, rowsIn);
    io.out(
      created
        ? `table: cpu_usage created${values.replace && storage.exists ? " (replaced)" : ""}`
        : "table: cpu_usage exists and was empty",
    );
    io.out(
      `storage: ${timescale ? "TimescaleDB hypertable" : `plain table (${storageNote})`}, indexes ${
        schema.indexes.join(" ")
      }`,
    );
    io.out(
      `rows loaded: ${rowsAfter - existingRows}${
        source.kind === "none" ? "" : ` ${describeSource(source)}`
      }`,
    );
    io.out(`seconds: ${((performance.now() - startMs) / 1000).toFixed(2)}`);
    return 0;
  } finally {
    progress.done();
    await sql.end({ timeout: 5 });
  }
}
