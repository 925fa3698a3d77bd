// Private helper: parses -errors, -log, -mode, -node, -schema, -transport, -port, -graph,
// -tokenrange.
import { parseListenAddress } from "../../units/listen_address.ts";
import { OptionError, UsageError } from "../../errors.ts";
import { parseCount } from "../../units/parse_count.ts";
import { MAX_DURATION_MS, parseDuration } from "../../units/parse_duration.ts";
import { splitHostList } from "./split_host_list.ts";
import { checkNodeHost } from "./check_node_host.ts";
import { isSyntheticHost } from "./node_target.ts";
import type {
  CommandSettings,
  ErrorSettings,
  GraphSettings,
  LoadBalance,
  LoaderSettings,
  LogSettings,
  ModeSettings,
  NodeSettings,
  PortSettings,
  SchemaSettings,
  TokenRangeSettings,
  TransportSettings,
} from "./stress_settings.ts";
import {
  type MatchedMap,
  matchSubOptions,
  nonEmpty,
  parseChoice,
  parseOptionInteger,
  parsePairs,
} from "./_suboptions.ts";

/**
 * The back-off of `-errors` when none is given, the Scylla fork's: constant with a zero
 * minimum, so a failed try is retried at once; 20 s caps the other policies.
 */
const DEFAULT_BACKOFF: ErrorSettings["backoff"] = {
  policy: "constant",
  minDelayMs: 0,
  maxDelayMs: 20_000,
};

/** Parses `-loader` (ours): `fail-if-limited`. */
export function parseLoaderGroup(params: readonly string[] | undefined): LoaderSettings {
  const found = matchSubOptions("-loader", params ?? [], ["fail-if-limited"]);
  return { failIfLimited: found.has("fail-if-limited") };
}

/** Parses `-errors`. */
export function parseErrorsGroup(params: readonly string[] | undefined): ErrorSettings {
  const found = matchSubOptions("-errors", params ?? [], [
    "retries=",
    "ignore",
    "fail-fast",
    "skip-read-validation",
    "skip-unsupported-columns",
    "delay-policy=",
    "min-delay-ms=",
    "max-delay-ms=",
  ]);
  const retriesText = found.get("retries=");
  const retries = retriesText === undefined
    ? 9
    : parseOptionInteger("-errors retries", retriesText.value);
  const policyText = found.get("delay-policy=");
  const minText = found.get("min-delay-ms=");
  const maxText = found.get("max-delay-ms=");
  const policy = policyText === undefined
    ? DEFAULT_BACKOFF.policy
    : parseChoice("-errors delay-policy", policyText.value, ["constant", "linear", "exponential"]);
  const minDelayMs = minText === undefined
    ? DEFAULT_BACKOFF.minDelayMs
    : parseOptionInteger("-errors min-delay-ms", minText.value);
  const maxDelayMs = maxText === undefined
    ? DEFAULT_BACKOFF.maxDelayMs
    : parseOptionInteger("-errors max-delay-ms", maxText.value);
  if (minDelayMs > maxDelayMs) {
    // The default minimum is 0, so only a given min-delay-ms can be above the maximum.
    throw new OptionError({
      option: "-errors min-delay-ms",
      value: minText!.value,
      problem: `is above max-delay-ms "${maxDelayMs}"`,
      expected: `a whole number <= ${maxDelayMs}, or a larger max-delay-ms`,
    });
  }
  if (policy === "exponential" && minDelayMs === 0) {
    // Doubling zero never waits; the Scylla fork rejects this too.
    throw minText !== undefined
      ? new OptionError({
        option: "-errors min-delay-ms",
        value: minText.value,
        problem: "never backs off with delay-policy=exponential",
        expected: "a whole number >= 1, or delay-policy=constant to retry at once",
      })
      : new OptionError({
        option: "-errors delay-policy",
        value: policyText!.value,
        problem: 'never backs off from the default min-delay-ms "0"',
        expected: "min-delay-ms=N with N >= 1 beside it, or no delay-policy to retry at once",
      });
  }
  return {
    ignore: found.has("ignore"),
    retries,
    tries: Math.max(1, retries + 1),
    skipReadValidation: found.has("skip-read-validation"),
    skipUnsupportedColumns: found.has("skip-unsupported-columns"),
    failFast: found.has("fail-fast"),
    backoff: { policy, minDelayMs, maxDelayMs },
  };
}

function path(option: string, value: string | undefined): string | null {
  return value === undefined ? null : nonEmpty(option, value, "a file path");
}

/** Parses `-log`. */
export function parseLogGroup(params: readonly string[] | undefined): LogSettings {
  const found = matchSubOptions("-log", params ?? [], [
    "file=",
    "hdrfile=",
    "json=",
    "interval=",
    "level=",
    "no-summary",
    "no-settings",
    "prometheus=",
    "web=",
  ]);
  const interval = found.get("interval=");
  const prometheus = found.get("prometheus=");
  const web = found.get("web=");
  const level = found.get("level=");
  return {
    file: path("-log file", found.get("file=")?.value),
    hdrFile: path("-log hdrfile", found.get("hdrfile=")?.value),
    jsonFile: path("-log json", found.get("json=")?.value),
    intervalMs: interval === undefined
      ? 1000
      : parseDuration(interval.value, "-log interval", { units: ["ms", "s"], bareUnit: "s" }),
    level: level === undefined
      ? "normal"
      : parseChoice("-log level", level.value, ["minimal", "normal", "verbose"]),
    noSummary: found.has("no-summary"),
    noSettings: found.has("no-settings"),
    prometheus: prometheus === undefined
      ? null
      : parseListenAddress("-log prometheus", prometheus.value),
    web: web === undefined ? null : parseListenAddress("-log web", web.value),
  };
}

/** Refuses the `-mode` keys of the Java driver next to `simplenative`. */
function refuseDriverOnly(found: MatchedMap): void {
  const driverOnly = [
    "compression=",
    "user=",
    "password=",
    "auth-provider=",
    "maxPending=",
    "connectionsPerHost=",
    "protocolVersion=",
    "requestTimeout=",
    "client=",
    "unprepared",
    "4x",
    "native",
  ]
    .map((key) => found.get(key)).find((m) => m !== undefined);
  if (driverOnly !== undefined) {
    throw new OptionError({
      option: "-mode",
      value: driverOnly.token,
      problem: 'cannot be combined with "simplenative"',
      expected: "simplenative [prepared] [cql3] [port=N]",
    });
  }
}

/** Parses `-mode`. */
export function parseModeGroup(params: readonly string[] | undefined): ModeSettings {
  const found = matchSubOptions("-mode", params ?? [], [
    "native",
    "cql3",
    "4x",
    "prepared",
    "unprepared",
    "simplenative",
    "thrift",
    "smart",
    "compression=",
    "port=",
    "user=",
    "password=",
    "auth-provider=",
    "maxPending=",
    "connectionsPerHost=",
    "protocolVersion=",
    "requestTimeout=",
    "client=",
  ]);
  const thrift = found.get("thrift") ?? found.get("smart");
  if (thrift !== undefined) {
    throw new UsageError(
      `Cannot use -mode "${thrift.token}": Thrift is not supported, expected native cql3`,
    );
  }
  const simple = found.has("simplenative");
  const unprepared = found.get("unprepared");
  const prepared = found.get("prepared");
  if (unprepared !== undefined && prepared !== undefined) {
    throw new OptionError({
      option: "-mode",
      value: unprepared.token,
      problem: `cannot be combined with "${prepared.token}"`,
      expected: "one of prepared or unprepared",
    });
  }
  if (simple) refuseDriverOnly(found);
  const value = (key: string): string | undefined => found.get(key)?.value;
  const optionalInt = (key: string, option: string, min: number, max?: number): number | null => {
    const text = value(key);
    return text === undefined ? null : parseOptionInteger(option, text, { min, max });
  };
  const protocolText = value("protocolVersion=");
  let protocolVersion: number | null = null;
  if (protocolText !== undefined && protocolText.toUpperCase() !== "NEWEST_SUPPORTED") {
    protocolVersion = parseOptionInteger("-mode protocolVersion", protocolText, { min: 1, max: 5 });
  }
  const compression = value("compression=");
  return {
    api: simple ? "SIMPLE_NATIVE" : "JAVA_DRIVER_NATIVE",
    prepared: simple ? prepared !== undefined : unprepared === undefined,
    cqlVersion: "CQL3",
    protocolVersion,
    compression: compression === undefined
      ? "none"
      : parseChoice("-mode compression", compression, ["none", "lz4", "snappy"]),
    port: optionalInt("port=", "-mode port", 1),
    user: value("user=") === undefined ? null : nonEmpty("-mode user", value("user=")!, "a user"),
    password: value("password=") === undefined
      ? null
      : nonEmpty("-mode password", value("password=")!, "a password"),
    authProvider: value("auth-provider=") ?? null,
    // The stream ids of a connection (the Java driver's range too).
    maxPending: optionalInt("maxPending=", "-mode maxPending", 1, 32_768),
    connectionsPerHost: optionalInt("connectionsPerHost=", "-mode connectionsPerHost", 1),
    // At most what a timer can wait (the fork's int stops there too): above it the driver's
    // timer fired at once and every request timed out.
    requestTimeoutMs: optionalInt("requestTimeout=", "-mode requestTimeout", 1, MAX_DURATION_MS),
    client: value("client=") === undefined
      ? "native"
      : parseChoice("-mode client", value("client=")!, ["native", "driver"]),
  };
}

/**
 * Parses `-node`. A `-node` with nothing after it is refused: cassandra-stress would fall back to
 * localhost, which an empty `-node $HOSTS` never meant.
 */
export function parseNodeGroup(params: readonly string[] | undefined): NodeSettings {
  if (params !== undefined && params.length === 0) {
    throw new OptionError({
      option: "-node",
      value: "-node",
      problem: "has no hosts",
      expected: "-node HOST[,HOST...] or -node file=PATH (without -node, localhost is used)",
    });
  }
  const found = matchSubOptions(
    "-node",
    params ?? [],
    ["datacenter=", "rack=", "whitelist", "file=", "loadbalance="],
    "",
  );
  const list = found.get("");
  const file = path("-node file", found.get("file=")?.value);
  let hosts: string[] = file === null ? ["localhost"] : [];
  if (list !== undefined) {
    hosts = splitHostList(list.value, "-node");
    for (const host of hosts) {
      if (!isSyntheticHost(host)) checkNodeHost(host, "-node");
    }
  }
  return {
    hosts,
    file,
    whitelist: found.has("whitelist"),
    datacenter: found.get("datacenter=")?.value ?? null,
    rack: found.get("rack=")?.value ?? null,
    loadBalance: loadBalanceOf(found.get("loadbalance=")?.value),
  };
}

/** The fork's names of each `loadbalance=` policy (any case). */
const LOAD_BALANCE_NAMES: Readonly<Record<string, LoadBalance>> = {
  "rr": "ROUND_ROBIN",
  "roundrobin": "ROUND_ROBIN",
  "round-robin": "ROUND_ROBIN",
  "dc": "DC_AWARE",
  "dc-aware": "DC_AWARE",
  "rack": "RACK_AWARE",
  "rack-aware": "RACK_AWARE",
};

/** Parses `-node loadbalance=`, as the fork names its policies. */
function loadBalanceOf(value: string | undefined): LoadBalance | null {
  if (value === undefined) return null;
  const policy = LOAD_BALANCE_NAMES[value.toLowerCase()];
  if (policy !== undefined) return policy;
  throw new OptionError({
    option: "-node loadbalance",
    value,
    problem: "is not a load balancing policy",
    expected: "round-robin (rr), dc-aware (dc) or rack-aware (rack)",
  });
}

/** The ScyllaDB fork's default (Apache cassandra-stress 5.0 still defaults to SimpleStrategy). */
const DEFAULT_STRATEGY = "org.apache.cassandra.locator.NetworkTopologyStrategy";

/** Parses `-schema`. */
export function parseSchemaGroup(
  params: readonly string[] | undefined,
  command: CommandSettings,
): SchemaSettings {
  if (params !== undefined && command.type === "user") {
    throw new UsageError(
      "Cannot use -schema with user: the profile defines the schema, expected -schema only " +
        "with write, read, mixed, counter_write or counter_read",
    );
  }
  const found = matchSubOptions("-schema", params ?? [], [
    "replication(",
    "keyspace=",
    "compaction(",
    "compression=",
  ]);
  let replicationStrategy = DEFAULT_STRATEGY;
  const replicationOptions: Record<string, string> = {};
  let factor: string | null = null;
  const replication = found.get("replication(");
  if (replication !== undefined && replication.value.length > 0) {
    for (
      const [key, val] of parsePairs("-schema replication", replication.token, replication.value)
    ) {
      const lower = key.toLowerCase();
      if (lower === "strategy") {
        replicationStrategy = val.includes(".") ? val : `org.apache.cassandra.locator.${val}`;
      } else if (lower === "factor") {
        parseOptionInteger("-schema replication factor", val, { min: 1 });
        factor = val;
      } else {
        replicationOptions[key] = val;
      }
    }
  }
  if (
    !Object.hasOwn(replicationOptions, "replication_factor") &&
    (replicationStrategy === DEFAULT_STRATEGY || factor !== null)
  ) {
    replicationOptions.replication_factor = factor ?? "1";
  }
  let compactionStrategy: string | null = null;
  const compactionOptions: Record<string, string> = {};
  const compaction = found.get("compaction(");
  if (compaction !== undefined && compaction.value.length > 0) {
    for (const [key, val] of parsePairs("-schema compaction", compaction.token, compaction.value)) {
      if (key.toLowerCase() === "strategy") compactionStrategy = val;
      else compactionOptions[key] = val;
    }
  }
  const keyspace = found.get("keyspace=");
  const compression = found.get("compression=");
  return {
    keyspace: keyspace === undefined
      ? "keyspace1"
      : nonEmpty("-schema keyspace", keyspace.value, "a keyspace name"),
    replicationStrategy,
    replicationOptions,
    compression: compression === undefined
      ? null
      : nonEmpty("-schema compression", compression.value, "a compression class"),
    compactionStrategy,
    compactionOptions,
  };
}

/** The default `ssl-ciphers=` of `-transport`. */
export const DEFAULT_CIPHERS = "TLS_RSA_WITH_AES_128_CBC_SHA,TLS_RSA_WITH_AES_256_CBC_SHA";

/** Parses `-transport`. */
export function parseTransportGroup(params: readonly string[] | undefined): TransportSettings {
  const found = matchSubOptions("-transport", params ?? [], [
    "factory=",
    "truststore=",
    "truststore-password=",
    "keystore=",
    "keystore-password=",
    "ssl-protocol=",
    "ssl-alg=",
    "store-type=",
    "ssl-ciphers=",
    "hostname-verification=",
  ]);
  const value = (key: string): string | null => found.get(key)?.value ?? null;
  const verification = value("hostname-verification=");
  return {
    factory: value("factory="),
    truststore: value("truststore="),
    truststorePassword: value("truststore-password="),
    keystore: value("keystore="),
    keystorePassword: value("keystore-password="),
    sslProtocol: value("ssl-protocol=") ?? "TLS",
    sslAlgorithm: value("ssl-alg=") ?? "SunX509",
    storeType: value("store-type=") ?? "JKS",
    sslCiphers: value("ssl-ciphers=") ?? DEFAULT_CIPHERS,
    hostnameVerification: verification === null
      ? false
      : parseChoice("-transport hostname-verification", verification, ["true", "false"]) ===
        "true",
  };
}

/** Parses `-port`. */
export function parsePortGroup(params: readonly string[] | undefined): PortSettings {
  const found = matchSubOptions("-port", params ?? [], ["native=", "thrift=", "jmx="]);
  const port = (key: string, fallback: number): number => {
    const text = found.get(`${key}=`)?.value;
    return text === undefined
      ? fallback
      : parseOptionInteger(`-port ${key}`, text, { min: 1, max: 65535 });
  };
  return {
    nativePort: port("native", 9042),
    thriftPort: port("thrift", 9160),
    jmxPort: port("jmx", 7199),
  };
}

/** Parses `-graph`. */
export function parseGraphGroup(
  params: readonly string[] | undefined,
  command: CommandSettings,
): GraphSettings {
  const found = matchSubOptions("-graph", params ?? [], ["file=", "revision=", "title=", "op="]);
  const file = found.get("file=");
  if (params !== undefined && file === undefined) {
    throw new OptionError({
      option: "-graph",
      value: params.join(" "),
      problem: "has no file=",
      expected: "-graph file=PATH [revision=NAME] [title=TEXT] [op=NAME]",
    });
  }
  return {
    file: file === undefined ? null : nonEmpty("-graph file", file.value, "a file path"),
    revision: found.get("revision=")?.value ?? "unknown",
    title: found.get("title=")?.value ?? null,
    operation: found.get("op=")?.value ?? command.type.toUpperCase(),
  };
}

/** Parses `-tokenrange`. */
export function parseTokenRangeGroup(params: readonly string[] | undefined): TokenRangeSettings {
  const found = matchSubOptions("-tokenrange", params ?? [], ["wrap", "split-factor="]);
  const split = found.get("split-factor=");
  let splitFactor = 1;
  if (split !== undefined) {
    if (!/^\d+[kmb]?$/i.test(split.value)) {
      throw new OptionError({
        option: "-tokenrange split-factor",
        value: split.value,
        expected: "a whole number with an optional k, m or b suffix",
      });
    }
    splitFactor = parseCount(split.value, "-tokenrange split-factor");
    if (splitFactor < 1 || splitFactor > 2147483647) {
      throw new OptionError({
        option: "-tokenrange split-factor",
        value: split.value,
        problem: "is out of range",
        expected: "a whole number from 1 to 2147483647",
      });
    }
  }
  return { wrap: found.has("wrap"), splitFactor };
}
