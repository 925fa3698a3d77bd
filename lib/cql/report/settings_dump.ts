/**
 * Formats the `Stress Settings` block cassandra-stress prints before a run.
 *
 * @module
 */

import type { RatioDistributionSpec } from "../../units/distribution_spec.ts";
import type { StressSettings } from "../options/stress_settings.ts";
import { fixed6, javaDistributionText } from "./java_distribution_text.ts";

/** The protocol version the fork prints by default (its driver's `DEFAULT`), and ours speaks. */
const DEFAULT_PROTOCOL = 4;

/** The fork's default `connectionsPerHost=`. */
const DEFAULT_CONNECTIONS_PER_HOST = 8;

/** The fork's default `-transport factory=` (a Thrift class; printed, never used). */
const DEFAULT_TRANSPORT_FACTORY = "org.apache.cassandra.thrift.TFramedTransportFactory";

/**
 * Options of {@linkcode formatSettingsDump}: what the run really uses where that is not the
 * option's value.
 */
export interface SettingsDumpOptions {
  /**
   * What `Connections Per Host:` prints when `-mode connectionsPerHost=` is not given: the
   * connections per host the run opens (all Workers together).
   *
   * @default {8 (the fork's default)}
   */
  connectionsPerHost?: number;
  /**
   * The hosts `Nodes:` lists: with `-node file=`, the file's.
   *
   * @default {the `-node` list}
   */
  nodes?: readonly string[];
  /**
   * The protocol version the run speaks.
   *
   * @default {`protocolVersion=`, else 4}
   */
  protocolVersion?: number;
}

function groupThousands(value: number): string {
  const sign = value < 0 ? "-" : "";
  return sign + String(Math.abs(value)).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

/** Java's Double.toString for the values we print (`3.0`, `0.5`). */
function javaDouble(value: number): string {
  return Number.isInteger(value) ? `${value}.0` : String(value);
}

function describeRatio(spec: RatioDistributionSpec): string {
  return `Ratio: divisor=${fixed6(spec.divisor)};delegate=${
    javaDistributionText(spec.distribution)
  }`;
}

function javaMap(record: Readonly<Record<string, string | number>>, upper = false): string {
  const entries = Object.entries(record).map(([key, value]) =>
    `${upper ? key.toUpperCase() : key}=${typeof value === "number" ? javaDouble(value) : value}`
  );
  return `{${entries.join(", ")}}`;
}

const RATIO_ORDER = ["read", "write", "counter_write", "counter_read"];

function commandLines(settings: StressSettings): string[] {
  const { command } = settings;
  const { stop } = command;
  const lines = [`  Type: ${command.type}`];
  lines.push(`  Count: ${groupThousands(stop.kind === "count" ? stop.n : -1)}`);
  if (stop.kind === "duration") {
    const unit =
      { s: ["SECONDS", 1000], m: ["MINUTES", 60_000], h: ["HOURS", 3_600_000] }[stop.unit];
    lines.push(`  Duration: ${groupThousands(stop.durationMs / (unit[1] as number))} ${unit[0]}`);
  }
  lines.push(`  No Warmup: ${command.noWarmup}`);
  lines.push(`  Consistency Level: ${command.consistencyLevel}`);
  lines.push(`  Serial Consistency Level: ${command.serialConsistencyLevel}`);
  if (stop.kind === "uncertainty") {
    lines.push(`  Target Uncertainty: ${stop.targetStderr.toFixed(3)}`);
    lines.push(`  Minimum Uncertainty Measurements: ${groupThousands(stop.minIntervals)}`);
    lines.push(`  Maximum Uncertainty Measurements: ${groupThousands(stop.maxIntervals)}`);
  } else {
    lines.push("  Target Uncertainty: not applicable");
  }
  if (command.type === "user") {
    lines.push(`  Command Ratios: ${javaMap(command.ops)}`);
    lines.push(`  Command Clustering Distribution: clustering=${command.clustering.source}`);
    lines.push(`  Profile File(s): ${command.profiles.join(",")}`);
    return lines;
  }
  lines.push(`  Key Size (bytes): ${command.keySizeBytes}`);
  lines.push(`  Counter Increment Distibution: add=${command.add.source}`);
  if (command.type === "mixed") {
    const ordered: Record<string, number> = {};
    for (const key of RATIO_ORDER) {
      if (Object.hasOwn(command.ratio, key)) ordered[key] = command.ratio[key];
    }
    lines.push(`  Command Ratios: ${javaMap(ordered, true)}`);
    lines.push(`  Command Clustering Distribution: clustering=${command.clustering.source}`);
  }
  return lines;
}

/**
 * The `Rate:` lines. The fork prints the thread bounds only with `auto`; a search without it
 * (`threads>=N threads<=M`) prints the thread count it has not got, `-1`.
 */
function rateLines(settings: StressSettings): string[] {
  const { rate } = settings;
  if (rate.kind === "auto" && rate.auto) {
    return [
      "  Auto: true",
      `  Min Threads: ${rate.minThreads}`,
      `  Max Threads: ${rate.maxThreads}`,
    ];
  }
  if (rate.kind === "auto") return ["  Auto: false", "  Thread Count: -1", "  OpsPer Sec: 0"];
  return [
    "  Auto: false",
    `  Thread Count: ${rate.threads}`,
    `  OpsPer Sec: ${Math.max(rate.throttleOpsPerSec, rate.fixedOpsPerSec)}`,
  ];
}

function populationLines(settings: StressSettings): string[] {
  const pop = settings.population;
  if (pop.kind === "dist") {
    return [
      `  Distribution: ${javaDistributionText(pop.distribution)}`,
      `  Order: ${pop.order}`,
      "  Wrap: false",
    ];
  }
  const lines = [`  Sequence: ${pop.min}..${pop.max}`];
  if (pop.readLookback !== null) {
    lines.push(`  Read Look Back: ${javaDistributionText(pop.readLookback)}`);
  }
  lines.push(`  Order: ${pop.order}`, `  Wrap: ${pop.wrap}`);
  return lines;
}

function insertLines(settings: StressSettings): string[] {
  const { insert } = settings;
  const lines = [
    `  Revisits: ${javaDistributionText(insert.revisit)}`,
    `  Visits: ${javaDistributionText(insert.visits)}`,
  ];
  if (insert.partitions !== null) {
    lines.push(`  Batchsize: ${javaDistributionText(insert.partitions)}`);
  }
  if (insert.selectRatio !== null) {
    lines.push(`  Select Ratio: ${describeRatio(insert.selectRatio)}`);
  }
  lines.push(`  Row Population Ratio: ${describeRatio(insert.rowPopulationRatio)}`);
  lines.push(`  Batch Type: ${insert.batchType ?? "not batching"}`);
  return lines;
}

function columnLines(settings: StressSettings): string[] {
  const col = settings.columns;
  return [
    `  Max Columns Per Key: ${col.maxColumnsPerKey}`,
    `  Column Names: [${col.columnNames.join(", ")}]`,
    `  Comparator: ${col.comparator}`,
    `  Timestamp: ${col.timestamp}`,
    `  Variable Column Count: ${col.variableColumnCount}`,
    `  Slice: ${col.slice}`,
    `  Size Distribution: ${javaDistributionText(col.sizeDistribution)}`,
    `  Count Distribution: ${
      col.countDistribution === null
        ? `Count:  fixed=${col.maxColumnsPerKey}`
        : javaDistributionText(col.countDistribution)
    }`,
  ];
}

function modeLines(settings: StressSettings, options: SettingsDumpOptions): string[] {
  const { mode } = settings;
  // The version asked for, as cassandra-stress prints it; on cassandra-driver, the one it
  // can speak (5 falls back to 4, with a warning).
  const protocolVersion = mode.client === "native" && mode.protocolVersion !== null
    ? mode.protocolVersion
    : options.protocolVersion ?? mode.protocolVersion ?? DEFAULT_PROTOCOL;
  const connectionsPerHost = mode.connectionsPerHost ?? options.connectionsPerHost ??
    DEFAULT_CONNECTIONS_PER_HOST;
  const lines = [
    `  API: ${mode.api}`,
    `  Connection Style: ${mode.prepared ? "CQL_PREPARED" : "CQL"}`,
    `  CQL Version: ${mode.cqlVersion}`,
    `  Protocol Version: V${protocolVersion}`,
    `  Username: ${mode.user}`,
    `  Password: ${mode.password === null ? "null" : "*suppressed*"}`,
    `  Auth Provide Class: ${mode.authProvider}`,
    `  Max Pending Per Connection: ${mode.maxPending}`,
    `  Connections Per Host: ${connectionsPerHost}`,
  ];
  if (mode.requestTimeoutMs !== null) lines.push(`  Request Timeout: ${mode.requestTimeoutMs} ms`);
  lines.push(`  Compression: ${mode.compression.toUpperCase()}`);
  // Ours: which client sends the ops, and on which protocol (cassandra-stress has no such
  // line; without protocolVersion= the control connection's v4 is printed above).
  const offered = mode.protocolVersion === null
    ? "v5 where the node offers it, else v4"
    : `v${mode.protocolVersion}`;
  lines.push(
    `  Data Path: ${
      mode.client === "native"
        ? `native (stress's own protocol client, token-aware; protocol ${offered})`
        : "cassandra-driver"
    }`,
  );
  return lines;
}

/** The one `Transport:` line: every `-transport` option with its default, `key=value; ` each. */
function transportLine(settings: StressSettings): string {
  const t = settings.transport;
  const pairs: Array<[string, string | null]> = [
    ["factory", t.factory ?? DEFAULT_TRANSPORT_FACTORY],
    ["truststore", t.truststore],
    ["truststore-password", t.truststorePassword === null ? null : "*suppressed*"],
    ["keystore", t.keystore],
    ["keystore-password", t.keystorePassword === null ? null : "*suppressed*"],
    ["ssl-protocol", t.sslProtocol],
    ["ssl-alg", t.sslAlgorithm],
    ["store-type", t.storeType],
    ["ssl-ciphers", t.sslCiphers],
    ["hostname-verification", String(t.hostnameVerification)],
  ];
  return `  ${pairs.map(([key, value]) => `${key}=${value}; `).join("")}`;
}

/**
 * The Scylla fork's `Errors:` lines: `Ignore:`, `Fail fast setting:`, `Tries:`, then the retry
 * policy lines, left out when retries do not wait (the default).
 */
function errorLines(settings: StressSettings): string[] {
  const { ignore, failFast, tries, backoff } = settings.errors;
  const lines = [
    `  Ignore: ${ignore}`,
    `  Fail fast setting: ${failFast}`,
    `  Tries: ${tries}`,
  ];
  if (backoff.policy === "constant" && backoff.minDelayMs === 0) return lines;
  lines.push(
    `  RetryPolicy: ${backoff.policy}`,
    `  Minimum Delay: ${groupThousands(backoff.minDelayMs)} MILLISECONDS`,
  );
  if (backoff.policy !== "constant") {
    lines.push(`  Maximum Delay: ${groupThousands(backoff.maxDelayMs)} MILLISECONDS`);
  }
  return lines;
}

/**
 * Formats the settings dump cassandra-stress prints before a run (skipped with
 * `-log no-settings`): the `Stress Settings` banner, one section per option group in the
 * order, spelling and with the keys of the ScyllaDB fork (3.19) (including `Distibution`,
 * `Auth Provide Class`, `Rack`, `Load Balance` and `Storage Options`), ending with a blank
 * line. `Columns:` is left out for `user`.
 *
 * @param settings The parsed settings.
 * @param options The connections per host (when not set) and the protocol version the run
 *   really uses.
 * @returns The dump, lines joined with `\n`, ending with `\n\n`.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseStressArgs } from "../options/parse_stress_args.ts";
 * import { formatSettingsDump } from "./settings_dump.ts";
 * const dump = formatSettingsDump(parseStressArgs(["write", "n=1000000"]));
 * assert.ok(dump.startsWith("******************** Stress Settings ********************\nCommand:\n"));
 * assert.ok(dump.includes("  Count: 1,000,000\n"));
 * assert.ok(dump.endsWith("  Split Factor: 1\n\n"));
 * const ours = formatSettingsDump(parseStressArgs(["write"]), { connectionsPerHost: 2 });
 * assert.ok(ours.includes("  Protocol Version: V4\n"));
 * assert.ok(ours.includes("  Connections Per Host: 2\n"));
 * ```
 */
export function formatSettingsDump(
  settings: StressSettings,
  options: SettingsDumpOptions = {},
): string {
  const { node, schema, port, graph, tokenrange, log } = settings;
  const lines = ["******************** Stress Settings ********************"];
  lines.push("Command:", ...commandLines(settings));
  lines.push("Rate:", ...rateLines(settings));
  lines.push("Population:", ...populationLines(settings));
  lines.push("Insert:", ...insertLines(settings));
  if (settings.command.type !== "user") lines.push("Columns:", ...columnLines(settings));
  lines.push("Errors:", ...errorLines(settings));
  lines.push(
    "Log:",
    `  No Summary: ${log.noSummary}`,
    `  No Settings: ${log.noSettings}`,
    `  File: ${log.file}`,
    `  Interval Millis: ${log.intervalMs}`,
    `  Level: ${log.level.toUpperCase()}`,
  );
  lines.push("Mode:", ...modeLines(settings, options));
  lines.push(
    "Node:",
    `  Nodes: [${(options.nodes ?? node.hosts).join(", ")}]`,
    `  Is White List: ${node.whitelist}`,
    `  Datacenter: ${node.datacenter}`,
    `  Rack: ${node.rack}`,
    `  Load Balance: ${node.loadBalance ?? "auto"}`,
  );
  lines.push(
    "Schema:",
    `  Keyspace: ${schema.keyspace}`,
    `  Replication Strategy: ${schema.replicationStrategy}`,
    `  Replication Strategy Options: ${javaMap(schema.replicationOptions)}`,
    // The fork's storage options are not options of ours: none are set.
    "  Storage Options: {}",
    `  Table Compression: ${schema.compression}`,
    `  Table Compaction Strategy: ${schema.compactionStrategy}`,
    `  Table Compaction Strategy Options: ${javaMap(schema.compactionOptions)}`,
  );
  lines.push("Transport:", transportLine(settings));
  lines.push(
    "Port:",
    `  Native Port: ${port.nativePort}`,
    `  Thrift Port: ${port.thriftPort}`,
    `  JMX Port: ${port.jmxPort}`,
  );
  lines.push("Send To Daemon:", "  *not set*");
  lines.push(
    "Graph:",
    `  File: ${graph.file}`,
    `  Revision: ${graph.revision}`,
    `  Title: ${graph.title}`,
    `  Operation: ${graph.operation}`,
  );
  lines.push(
    "TokenRange:",
    `  Wrap: ${tokenrange.wrap}`,
    `  Split Factor: ${tokenrange.splitFactor}`,
  );
  return `${lines.join("\n")}\n\n`;
}
