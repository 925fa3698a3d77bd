/**
 * The `cpu_usage` table of the TimescaleDB query assignment: its schema statements for
 * TimescaleDB and plain PostgreSQL, and a seeded generator of data of the same shape as the
 * assignment's (missing) `cpu_usage.csv`.
 *
 * @module
 */

import { Prng } from "../core/prng.ts";

/**
 * The table name.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { CPU_USAGE_TABLE } from "./cpu_usage.ts";
 * assert.equal(CPU_USAGE_TABLE, "cpu_usage");
 * ```
 */
export const CPU_USAGE_TABLE = "cpu_usage";

/**
 * The header line of the CSV files: the column order of the table.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { CPU_USAGE_CSV_HEADER } from "./cpu_usage.ts";
 * assert.equal(CPU_USAGE_CSV_HEADER, "ts,host,usage");
 * ```
 */
export const CPU_USAGE_CSV_HEADER = "ts,host,usage";

/** Options of {@linkcode cpuUsageSchema}. */
export interface CpuUsageSchemaOptions {
  /**
   * Make `cpu_usage` a TimescaleDB hypertable (`create_hypertable('cpu_usage', 'ts')`, which
   * also creates the `(ts DESC)` index), as the assignment's `cpu_usage.sql` does. When false,
   * a plain table gets the same index with `CREATE INDEX`.
   *
   * @default {false}
   */
  timescale?: boolean;
  /**
   * Also add an index on `(host, ts DESC)`, which the assignment does not have; it turns the
   * per-host query into an index range scan.
   *
   * @default {false}
   */
  hostIndex?: boolean;
}

/** The SQL statements that set up `cpu_usage`, in the order to run them. */
export interface CpuUsageSchema {
  /** Run before loading: the table, and for TimescaleDB the hypertable (and its index). */
  readonly create: readonly string[];
  /** Run after loading (indexes build faster then): the plain table's indexes. */
  readonly index: readonly string[];
  /** The indexed columns, for reports, e.g. `["(ts DESC)", "(host, ts DESC)"]`. */
  readonly indexes: readonly string[];
}

/**
 * Returns the statements that create the assignment's `cpu_usage` table
 * (`ts TIMESTAMPTZ, host TEXT, usage DOUBLE PRECISION`) with its `(ts DESC)` index.
 *
 * @param options Hypertable or plain table; whether to add the `(host, ts DESC)` index.
 * @returns The statements to run before and after loading, and the index list.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { cpuUsageSchema } from "./cpu_usage.ts";
 *
 * const plain = cpuUsageSchema({ timescale: false });
 * assert.equal(
 *   plain.create[0],
 *   "CREATE TABLE cpu_usage (ts TIMESTAMPTZ, host TEXT, usage DOUBLE PRECISION)",
 * );
 * assert.deepEqual(plain.index, ["CREATE INDEX cpu_usage_ts_idx ON cpu_usage (ts DESC)"]);
 * assert.deepEqual(cpuUsageSchema({ timescale: true }).create.length, 2);
 * ```
 */
export function cpuUsageSchema(options: CpuUsageSchemaOptions = {}): CpuUsageSchema {
  const create = [
    `CREATE TABLE ${CPU_USAGE_TABLE} (ts TIMESTAMPTZ, host TEXT, usage DOUBLE PRECISION)`,
  ];
  const index: string[] = [];
  if (options.timescale) {
    create.push(`SELECT create_hypertable('${CPU_USAGE_TABLE}', 'ts')`);
  } else {
    index.push(`CREATE INDEX ${CPU_USAGE_TABLE}_ts_idx ON ${CPU_USAGE_TABLE} (ts DESC)`);
  }
  const indexes = ["(ts DESC)"];
  if (options.hostIndex) {
    index.push(
      `CREATE INDEX ${CPU_USAGE_TABLE}_host_ts_idx ON ${CPU_USAGE_TABLE} (host, ts DESC)`,
    );
    indexes.push("(host, ts DESC)");
  }
  return { create, index, indexes };
}

const TS_PATTERN =
  /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2}(?:\.\d{1,6})?)(Z|[+-]\d{2}(?::?\d{2})?)?$/;

/** Whether the date and time exist (no February 30th, no 25:00). */
function isCalendarDate(date: string, time: string): boolean {
  const ms = Date.parse(`${date}T${time}Z`);
  return Number.isFinite(ms) && new Date(ms).toISOString().slice(0, 10) === date;
}

/** A field as COPY's CSV reads it: a field in double quotes without them (`""` is one `"`). */
function unquoted(field: string): string {
  return field.length >= 2 && field.startsWith('"') && field.endsWith('"')
    ? field.slice(1, -1).replaceAll('""', '"')
    : field;
}

/**
 * Checks one data line of a `cpu_usage` CSV file (`ts,host,usage`; a field may be in double
 * quotes, but not hold a comma), as `COPY ... (FORMAT csv)` will read it: a timestamp
 * `YYYY-MM-DD HH:MM:SS` (optional fraction and zone; none means UTC), a non-empty host and a
 * finite number.
 *
 * @param line The line, without its line break.
 * @returns `null` when the line is good, else what is wrong with it.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { checkCpuUsageLine } from "./cpu_usage.ts";
 * assert.equal(checkCpuUsageLine("2017-01-01 00:00:00,host_000000,92.77"), null);
 * assert.equal(checkCpuUsageLine("2017-01-01,host_000000"), "it has 2 fields, expected 3");
 * assert.equal(checkCpuUsageLine("2017-01-01"), "it has 1 field, expected 3");
 * assert.equal(checkCpuUsageLine('"2017-01-01 00:00:00","host_000000","92.77"'), null);
 * ```
 */
export function checkCpuUsageLine(line: string): string | null {
  const fields = line.split(",");
  if (fields.length !== 3) {
    return `it has ${fields.length} field${fields.length === 1 ? "" : "s"}, expected 3`;
  }
  const [ts, host, usage] = fields.map(unquoted);
  const match = TS_PATTERN.exec(ts);
  if (match === null || !isCalendarDate(match[1], match[2])) {
    return `its timestamp "${ts}" is invalid, expected YYYY-MM-DD HH:MM:SS`;
  }
  if (host.trim() === "") return "its host is empty, expected a host name";
  if (usage.trim() === "" || !Number.isFinite(Number(usage))) {
    return `its usage "${usage}" is invalid, expected a number`;
  }
  return null;
}

/** Options of {@linkcode generateCpuUsage}. */
export interface GenerateCpuUsageOptions {
  /**
   * The seed of the usage values; the same seed gives the same lines.
   *
   * @default {20170101}
   */
  seed?: number;
  /**
   * The first timestamp, an ISO 8601 instant; written out in UTC without a zone, as the
   * assignment's file does.
   *
   * @default {"2017-01-01T00:00:00Z"}
   */
  startIso?: string;
  /**
   * Seconds between two readings of one host (the assignment's file has one every 10 s).
   *
   * @default {10}
   */
  stepSec?: number;
}

/**
 * The number of rows {@linkcode generateCpuUsage} yields: one per host per step over `days`.
 *
 * @param hosts The number of hosts.
 * @param days The number of days (may be fractional).
 * @param options The step, in seconds.
 * @returns `hosts × floor(days × 86400 / stepSec)`.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { cpuUsageRowCount } from "./cpu_usage.ts";
 * assert.equal(cpuUsageRowCount(20, 2), 345_600); // the assignment's file
 * ```
 */
export function cpuUsageRowCount(
  hosts: number,
  days: number,
  options: { stepSec?: number } = {},
): number {
  return hosts * Math.floor((days * 86400) / (options.stepSec ?? 10));
}

/**
 * Formats host number `index` as the assignment does: `host_000000`, `host_000001`, ...
 *
 * @param index A host number, from 0.
 * @returns The host name.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { cpuUsageHost } from "./cpu_usage.ts";
 * assert.equal(cpuUsageHost(19), "host_000019");
 * ```
 */
export function cpuUsageHost(index: number): string {
  return `host_${String(index).padStart(6, "0")}`;
}

/**
 * Generates CSV lines (without a line break; no header) shaped like the assignment's
 * `cpu_usage.csv`: one `ts,host,usage` row per host every `stepSec` seconds for `days` days,
 * ordered by time and then host, timestamps as `YYYY-MM-DD HH:MM:SS` in UTC, usage uniform
 * in 0.00..100.00 with two decimals. `generateCpuUsage(20, 2)` has the assignment's shape:
 * 345,600 rows from 2017-01-01 00:00:00 to 2017-01-02 23:59:50.
 *
 * @param hosts The number of hosts (a positive integer), named `host_000000` onwards.
 * @param days How many days of readings (a positive number).
 * @param options The seed, the first timestamp and the step.
 * @returns A generator of CSV lines, in COPY `FORMAT csv` form.
 * @throws {RangeError} When `hosts`, `days`, `stepSec` or `startIso` is invalid.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { generateCpuUsage } from "./cpu_usage.ts";
 *
 * const lines = [...generateCpuUsage(2, 1, { seed: 1 })];
 * assert.equal(lines.length, 2 * 8640);
 * assert.match(lines[0], /^2017-01-01 00:00:00,host_000000,\d{1,3}\.\d\d$/);
 * assert.match(lines[1], /^2017-01-01 00:00:00,host_000001,/);
 * assert.match(lines.at(-1)!, /^2017-01-01 23:59:50,host_000001,/);
 * assert.deepEqual([...generateCpuUsage(2, 1, { seed: 1 })], lines);
 * ```
 */
export function* generateCpuUsage(
  hosts: number,
  days: number,
  options: GenerateCpuUsageOptions = {},
): Generator<string, void, undefined> {
  const stepSec = options.stepSec ?? 10;
  const startIso = options.startIso ?? "2017-01-01T00:00:00Z";
  const startMs = Date.parse(startIso);
  if (!Number.isInteger(hosts) || hosts < 1 || hosts > 1_000_000) {
    throw new RangeError(
      `Cannot generate cpu_usage: hosts "${hosts}" is invalid, expected an integer in 1..1000000`,
    );
  }
  if (!(days > 0) || !Number.isFinite(days)) {
    throw new RangeError(
      `Cannot generate cpu_usage: days "${days}" is invalid, expected a positive number`,
    );
  }
  if (!Number.isInteger(stepSec) || stepSec < 1) {
    throw new RangeError(
      `Cannot generate cpu_usage: stepSec "${stepSec}" is invalid, expected a positive integer`,
    );
  }
  if (!Number.isFinite(startMs)) {
    throw new RangeError(
      `Cannot generate cpu_usage: startIso "${startIso}" is invalid, expected an ISO 8601 instant`,
    );
  }
  const names: string[] = [];
  for (let h = 0; h < hosts; h++) names.push(`,${cpuUsageHost(h)},`);
  const steps = Math.floor((days * 86400) / stepSec);
  const prng = new Prng(options.seed ?? 20170101);
  for (let step = 0; step < steps; step++) {
    const iso = new Date(startMs + step * stepSec * 1000).toISOString();
    const ts = `${iso.slice(0, 10)} ${iso.slice(11, 19)}`;
    for (let h = 0; h < hosts; h++) {
      // 10001 equally likely values 0.00..100.00.
      const hundredths = Math.floor(prng.nextDouble() * 10001);
      yield ts + names[h] + (hundredths / 100).toFixed(2);
    }
  }
}
