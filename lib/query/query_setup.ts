/**
 * `stress query setup`: creates the assignment's `cpu_usage` table (a hypertable on TimescaleDB,
 * a plain table with the same index otherwise) and loads CSV into it with COPY.
 *
 * @module
 */

import postgres from "postgres";
import { InterruptedError, OptionError, TargetError, UsageError, UserError } from "../errors.ts";
import {
  checkCpuUsageLine,
  CPU_USAGE_TABLE,
  cpuUsageRowCount,
  cpuUsageSchema,
  generateCpuUsage,
} from "./cpu_usage.ts";
import { type CommandIo, printText } from "../cli/command_io.ts";
import { parseFlags, parsePositive, rejectPositionals } from "../cli/parse_flags.ts";
import { parsePgUrl, redactPgUrl } from "./pg_url.ts";
import { firstLineOf } from "../errors.ts";

/** The help text of `stress query setup`. */
export const QUERY_SETUP_HELP: string = `Usage: stress query setup --url URL [options]

Creates the table cpu_usage(ts TIMESTAMPTZ, host TEXT, usage DOUBLE PRECISION) of the
TimescaleDB query assignment and loads CSV rows (ts,host,usage) into it with COPY. When the
server has the timescaledb extension, the table is a hypertable (create_hypertable with its
defaults, which indexes (ts DESC)); otherwise it is a plain table with an index on (ts DESC).
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

/** What to load. */
type Source =
  | { kind: "none" }
  | { kind: "file"; path: string; sizeBytes: number; header: boolean }
  | { kind: "generate"; hosts: number; days: number; seed: number };

const DATA_EXPECTED = "a CSV file with the columns ts,host,usage";

function parseGenerate(text: string): { hosts: number; days: number } {
  const parts = text.split(",");
  if (parts.length !== 2) {
    throw new OptionError({ option: "--generate", value: text, expected: "HOSTS,DAYS" });
  }
  const hosts = parsePositive("--generate HOSTS", parts[0], { integer: true });
  const days = parsePositive("--generate DAYS", parts[1]);
  if (hosts > 1_000_000 || cpuUsageRowCount(hosts, days) < 1) {
    throw new OptionError({
      option: "--generate",
      value: text,
      expected: "at most 1000000 hosts and at least 10 seconds of data",
    });
  }
  return { hosts, days };
}

/** Checks that the file exists and reads its first line to tell a header from data. */
async function inspectFile(path: string): Promise<Source> {
  let file: Deno.FsFile;
  try {
    file = await Deno.open(path);
  } catch (error) {
    const problem = error instanceof Deno.errors.NotFound ? "does not exist" : firstLineOf(error);
    throw new UsageError(`Cannot read --data "${path}": ${problem}, expected ${DATA_EXPECTED}`, {
      cause: error,
    });
  }
  try {
    const { size, isFile } = await file.stat();
    if (!isFile) {
      throw new UsageError(
        `Cannot read --data "${path}": it is not a file, expected ${DATA_EXPECTED}`,
      );
    }
    const buffer = new Uint8Array(4096);
    const read = (await file.read(buffer)) ?? 0;
    const first = new TextDecoder().decode(buffer.subarray(0, read)).split(/\r?\n/)[0];
    if (first.split(",").length !== 3) {
      throw new UsageError(
        `Cannot load --data "${path}": line 1 "${first.slice(0, 80)}" has ${
          first.split(",").length
        } fields, expected ${DATA_EXPECTED}`,
      );
    }
    // A first line that starts with a date is data, not a header.
    return { kind: "file", path, sizeBytes: size, header: !/^\s*"?\d{4}-/.test(first) };
  } finally {
    file.close();
  }
}

/** Joins generated lines into ~64 KiB chunks. */
async function* generatedChunks(
  source: { hosts: number; days: number; seed: number },
  onRows: (rows: number) => void,
  signal: AbortSignal | undefined,
): AsyncGenerator<string> {
  let chunk = "";
  let rows = 0;
  for (const line of generateCpuUsage(source.hosts, source.days, { seed: source.seed })) {
    chunk += line + "\n";
    rows++;
    if (chunk.length >= 65536) {
      if (signal?.aborted) {
        throw new InterruptedError("Setup interrupted by SIGINT: nothing loaded");
      }
      yield chunk;
      chunk = "";
      onRows(rows);
    }
  }
  if (chunk !== "") yield chunk;
  onRows(rows);
}

/** Reads the file as text chunks, checking every data line; a bad line is a usage error. */
async function* fileChunks(
  source: { path: string; header: boolean },
  onBytes: (bytes: number) => void,
  signal: AbortSignal | undefined,
): AsyncGenerator<string> {
  using file = await Deno.open(source.path);
  const decoder = new TextDecoder();
  let bytes = 0;
  let lineNumber = 0;
  let rest = "";
  const check = (line: string) => {
    lineNumber++;
    if (lineNumber === 1 && source.header) return;
    const text = line.endsWith("\r") ? line.slice(0, -1) : line;
    const problem = checkCpuUsageLine(text);
    if (problem !== null) {
      throw new UsageError(
        `Cannot load --data "${source.path}": line ${lineNumber} "${
          text.slice(0, 80)
        }" is malformed, ${problem}`,
      );
    }
  };
  for await (const bytesChunk of file.readable) {
    if (signal?.aborted) throw new InterruptedError("Setup interrupted by SIGINT: nothing loaded");
    bytes += bytesChunk.length;
    const text = rest + decoder.decode(bytesChunk, { stream: true });
    const lastBreak = text.lastIndexOf("\n");
    if (lastBreak < 0) {
      rest = text;
      continue;
    }
    rest = text.slice(lastBreak + 1);
    const complete = text.slice(0, lastBreak + 1);
    const lines = complete.split("\n");
    lines.pop();
    for (const line of lines) check(line);
    yield complete;
    onBytes(bytes);
  }
  rest += decoder.decode();
  if (rest !== "" && rest !== "\r") {
    check(rest);
    yield rest + "\n";
  }
}

/**
 * Streams `chunks` into a `COPY ... FROM STDIN` on `tx`. postgres.js 3.4.9 never settles the
 * writable when the server rejects the data after the end of the input (porsager/postgres#1173),
 * so the end is confirmed by a query queued right after `CopyDone`: it fails when the COPY did.
 */
async function copyInto(
  tx: postgres.TransactionSql,
  statement: string,
  chunks: AsyncIterable<string>,
): Promise<void> {
  const writable = await tx.unsafe(statement).writable();
  let failure: unknown = null;
  const failed = new Promise<never>((_, reject) => {
    writable.once("error", (error) => {
      failure = error;
      reject(error);
    });
  });
  failed.catch(() => {});
  try {
    for await (const chunk of chunks) {
      if (failure !== null) throw failure;
      if (!writable.write(chunk)) {
        await Promise.race([new Promise((resolve) => writable.once("drain", resolve)), failed]);
      }
    }
  } catch (error) {
    if (failure === null) writable.destroy(error instanceof Error ? error : new Error(`${error}`));
    throw error;
  }
  const copyDoneSent = new Promise<void>((resolve) => {
    const final = writable._final!.bind(writable);
    writable._final = (callback) => {
      final(callback);
      resolve();
    };
  });
  const finished = new Promise<void>((resolve) => writable.once("finish", () => resolve()));
  writable.end();
  await Promise.race([copyDoneSent, failed]);
  try {
    await tx`SELECT 1`;
  } catch (error) {
    throw new TargetError(
      `Cannot load cpu_usage: the server rejected the data (${firstLineOf(error)})`,
      { cause: error },
    );
  }
  await Promise.race([finished, failed]);
}

/** A progress line on stderr, redrawn at most every 200 ms; only on a terminal. */
function progressLine(enabled: boolean): { show(text: string): void; done(): void } {
  const encoder = new TextEncoder();
  let lastMs = 0;
  let shown = false;
  return {
    show(text: string): void {
      if (!enabled) return;
      const nowMs = performance.now();
      if (nowMs - lastMs < 200) return;
      lastMs = nowMs;
      shown = true;
      Deno.stderr.writeSync(encoder.encode(`\r\x1b[2K${text}`));
    },
    done(): void {
      if (shown) Deno.stderr.writeSync(encoder.encode("\r\x1b[2K"));
    },
  };
}

function describeSource(source: Source): string {
  if (source.kind === "file") return `from "${source.path}"`;
  if (source.kind === "generate") {
    return `generated (${source.hosts} hosts, ${source.days} days, every 10 s, seed ${source.seed})`;
  }
  return "";
}

/** Runs `sql` and maps any failure to a one-line error. */
async function step<T>(what: string, url: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof UserError) throw error;
    throw new TargetError(`Cannot ${what} on "${url}": ${firstLineOf(error)}`, { cause: error });
  }
}

/**
 * Runs `stress query setup`: creates `cpu_usage` if needed and loads `--data` or `--generate`.
 *
 * @param args The arguments after `query setup`.
 * @param io Where output goes (one line per fact; the progress line goes to the terminal).
 * @param options The abort signal (SIGINT), and whether to draw progress.
 * @returns The exit code (0).
 * @throws {UsageError} On bad flags, or a `--data` file that is missing or malformed.
 * @throws {OptionError} On a malformed `--url` or `--generate`.
 * @throws {TargetError} When the database cannot be reached or the setup fails there.
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
  const { values, positionals } = parseFlags("query setup", args, {
    url: { type: "string" },
    data: { type: "string" },
    generate: { type: "string" },
    seed: { type: "string", default: "20170101" },
    replace: { type: "boolean" },
    "host-index": { type: "boolean" },
    plain: { type: "boolean" },
    help: { type: "boolean", short: "h" },
  });
  if (values.help) {
    printText(io, QUERY_SETUP_HELP);
    return 0;
  }
  rejectPositionals("query setup", positionals);
  const url = parsePgUrl("query setup", values.url as string | undefined);
  const shownUrl = redactPgUrl(url);
  if (values.data !== undefined && values.generate !== undefined) {
    throw new UsageError('Cannot run "query setup": give either --data or --generate, not both');
  }
  const seed = parsePositive("--seed", values.seed as string, { integer: true });
  let source: Source = { kind: "none" };
  if (typeof values.generate === "string") {
    source = { kind: "generate", ...parseGenerate(values.generate), seed };
  } else if (typeof values.data === "string") {
    source = await inspectFile(values.data);
  }
  const progress = progressLine(options.progress ?? Deno.stdout.isTerminal());
  const startMs = performance.now();
  const sql = postgres(url.href, {
    max: 1,
    connect_timeout: 10,
    onnotice: () => {},
    connection: { TimeZone: "UTC", application_name: "stress query setup" },
  });
  try {
    const probe = await step("connect", shownUrl, async () => {
      const [row] = await sql`SELECT
        to_regclass(${CPU_USAGE_TABLE}) IS NOT NULL AS exists,
        EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'timescaledb') AS available,
        EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'timescaledb') AS installed`;
      return row as { exists: boolean; available: boolean; installed: boolean };
    });
    let timescale = probe.available && !values.plain;
    let storageNote = probe.available
      ? (values.plain ? "timescaledb available, --plain given" : "timescaledb")
      : "timescaledb not available";
    if (timescale && !probe.installed) {
      try {
        await sql`CREATE EXTENSION IF NOT EXISTS timescaledb`;
      } catch (error) {
        timescale = false;
        storageNote = `timescaledb cannot be loaded: ${firstLineOf(error)}`;
      }
    }
    const schema = cpuUsageSchema({ timescale, hostIndex: values["host-index"] === true });
    const rowsIn = async () =>
      Number((await sql`SELECT count(*)::bigint AS n FROM cpu_usage`)[0].n);
    const existingRows = probe.exists && !values.replace
      ? await step("count rows", shownUrl, rowsIn)
      : 0;
    if (probe.exists && !values.replace && (existingRows > 0 || source.kind === "none")) {
      const hypertable = probe.installed &&
        await step(
          "inspect cpu_usage",
          shownUrl,
          async () =>
            (await sql`SELECT 1 FROM timescaledb_information.hypertables
          WHERE hypertable_name = ${CPU_USAGE_TABLE}`).length > 0,
        );
      io.out(
        `table: cpu_usage exists with ${existingRows} rows, left as is${
          source.kind === "none" ? "" : " (give --replace to drop and load it again)"
        }`,
      );
      io.out(`storage: ${hypertable ? "TimescaleDB hypertable" : "plain table"}`);
      io.out("rows loaded: 0");
      io.out(`seconds: ${((performance.now() - startMs) / 1000).toFixed(2)}`);
      return 0;
    }
    const created = !probe.exists || values.replace === true;
    await step("load cpu_usage", shownUrl, () =>
      sql.begin(async (tx) => {
        if (probe.exists && values.replace) await tx.unsafe(`DROP TABLE ${CPU_USAGE_TABLE}`);
        if (created) { for (const statement of schema.create) await tx.unsafe(statement); }
        if (source.kind !== "none") {
          const header = source.kind === "file" && source.header ? ", HEADER true" : "";
          const total = source.kind === "file"
            ? source.sizeBytes
            : cpuUsageRowCount(source.hosts, source.days);
          const chunks = source.kind === "file"
            ? fileChunks(source, (bytes) => {
              progress.show(`loading: ${Math.floor((100 * bytes) / Math.max(total, 1))}%`);
            }, options.signal)
            : generatedChunks(source, (rows) => {
              progress.show(`loading: ${rows}/${total} rows`);
            }, options.signal);
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
        if (created) { for (const statement of schema.index) await tx.unsafe(statement); }
      }));
    const rowsAfter = await step("count rows", shownUrl, rowsIn);
    io.out(
      created
        ? `table: cpu_usage created${values.replace && probe.exists ? " (replaced)" : ""}`
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
