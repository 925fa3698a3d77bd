/**
 * The typed result of parsing a cassandra-stress command line: one interface per option
 * group, every default already resolved. Produced by `parse_stress_args.ts`, printed by
 * `lib/cql/report/settings_dump.ts`.
 *
 * @module
 */

import type { NodeTarget } from "./node_target.ts";
import type { ListenAddress } from "../../units/listen_address.ts";
import type { DistributionSpec, RatioDistributionSpec } from "../../units/distribution_spec.ts";

export type * from "./node_target.ts";

/** The canonical command names (aliases such as `insert` or `counteradd` are resolved). */
export type CommandType =
  | "write"
  | "read"
  | "mixed"
  | "counter_write"
  | "counter_read"
  | "user"
  | "help"
  | "print"
  | "version";

/** A consistency level accepted by `cl=`. */
export type ConsistencyLevel =
  | "ONE"
  | "TWO"
  | "THREE"
  | "QUORUM"
  | "LOCAL_QUORUM"
  | "EACH_QUORUM"
  | "ALL"
  | "ANY"
  | "LOCAL_ONE"
  | "SERIAL"
  | "LOCAL_SERIAL";

/** Every consistency level `cl=` accepts, in cassandra-stress's help order. */
export const CONSISTENCY_LEVELS: readonly ConsistencyLevel[] = [
  "ONE",
  "TWO",
  "THREE",
  "QUORUM",
  "LOCAL_QUORUM",
  "EACH_QUORUM",
  "ALL",
  "ANY",
  "LOCAL_ONE",
  "SERIAL",
  "LOCAL_SERIAL",
];

/** A serial consistency level accepted by `serial-cl=`. */
export type SerialConsistencyLevel = "SERIAL" | "LOCAL_SERIAL";

/** Stop after a fixed number of operations (`n=`). */
export interface CountStop {
  /** The kind. */
  readonly kind: "count";
  /** The number of operations; `0` only creates the schema. */
  readonly n: number;
}

/** Stop after a wall-clock duration (`duration=`). */
export interface DurationStop {
  /** The kind. */
  readonly kind: "duration";
  /** The duration in milliseconds. */
  readonly durationMs: number;
  /** The unit it was written in (`30m` -> `"m"`), used where cassandra-stress prints it back. */
  readonly unit: "s" | "m" | "h";
}

/** Stop once the standard error of the mean row rate is small enough (`err<`, `n>`, `n<`). */
export interface UncertaintyStop {
  /** The kind. */
  readonly kind: "uncertainty";
  /** The target standard error as a fraction (`err<`, default 0.02). */
  readonly targetStderr: number;
  /** The fewest measurement intervals (`n>`, default 30). */
  readonly minIntervals: number;
  /** The most measurement intervals (`n<`, default 200). */
  readonly maxIntervals: number;
}

/** When a run stops: exactly one of the three command groupings. */
export type StopCondition = CountStop | DurationStop | UncertaintyStop;

/** The command and its own parameters (everything before the first `-group`). */
export interface CommandSettings {
  /** The canonical command name. */
  readonly type: CommandType;
  /** The command word exactly as typed (lower-cased), e.g. `"insert"` for `type: "write"`. */
  readonly given: string;
  /** When to stop. Default: uncertainty with err<0.02, n>30, n<200. */
  readonly stop: StopCondition;
  /** `no-warmup` (2.1 spelling `no_warmup`) was given. Default false. */
  readonly noWarmup: boolean;
  /** `truncate=`: default `"never"`. */
  readonly truncate: "never" | "once" | "always";
  /** `cl=`: default `"LOCAL_ONE"`. */
  readonly consistencyLevel: ConsistencyLevel;
  /** `serial-cl=`: default `"SERIAL"`. */
  readonly serialConsistencyLevel: SerialConsistencyLevel;
  /** `keysize=` in bytes: default 10. */
  readonly keySizeBytes: number;
  /** `add=`: the counter increment distribution, default `fixed(1)`. */
  readonly add: DistributionSpec;
  /**
   * `ratio(...)` of `mixed`: canonical op name (`read`, `write`, `counter_write`,
   * `counter_read`) to weight. Default `{ read: 1, write: 1 }` for mixed, `{}` otherwise.
   */
  readonly ratio: Readonly<Record<string, number>>;
  /** `clustering=` of mixed/user: default `GAUSSIAN(1..10)` (printed as given). */
  readonly clustering: DistributionSpec;
  /** `profile=` of `user`, split on commas; `[]` for other commands. */
  readonly profiles: readonly string[];
  /** `ops(...)` of `user`, op name to weight in the order given; `{}` for other commands. */
  readonly ops: Readonly<Record<string, number>>;
  /** `dist=` of `print`; null for other commands. */
  readonly printDistribution: DistributionSpec | null;
  /**
   * The topic of `help`: a canonical command name (`"write"`) or a group (`"-rate"`);
   * null for general help and for other commands.
   */
  readonly helpTopic: string | null;
}

/** A fixed thread count, optionally rate limited (`-rate threads=N [throttle=R/s|fixed=R/s]`). */
export interface ThreadsRate {
  /** The kind. */
  readonly kind: "threads";
  /** Concurrent clients (`threads=`). Default 200 when -rate is absent on write/counter_write n>0. */
  readonly threads: number;
  /** `throttle=` (alias `limit=`) in ops/s; 0 = unthrottled. Reports service time. */
  readonly throttleOpsPerSec: number;
  /** `fixed=` in ops/s; 0 = none. Reports response time (coordinated omission corrected). */
  readonly fixedOpsPerSec: number;
}

/** Auto mode: step the thread count up (`-rate [threads>=N] [threads<=N] [auto]`). */
export interface AutoRate {
  /** The kind. */
  readonly kind: "auto";
  /** `threads>=`: default 4. */
  readonly minThreads: number;
  /** `threads<=`: default 1000. */
  readonly maxThreads: number;
  /** `auto`: stop once throughput saturates. True in the default auto mode. */
  readonly auto: boolean;
}

/** The `-rate` group. */
export type RateSettings = ThreadsRate | AutoRate;

/** The order of rows in multi-row partitions (`contents=`), default ARBITRARY. */
export type PopulationOrder = "ARBITRARY" | "SORTED" | "SHUFFLED";

/** Seeds visited in sequence (`-pop seq=LO..HI`). */
export interface SequencePopulation {
  /** The kind. */
  readonly kind: "seq";
  /** The first seed. */
  readonly min: number;
  /** The last seed. */
  readonly max: number;
  /** False with `no-wrap`: the run ends once every seed was visited. Default true. */
  readonly wrap: boolean;
  /** `read-lookback=`, or null. */
  readonly readLookback: DistributionSpec | null;
  /** `contents=`. */
  readonly order: PopulationOrder;
}

/** Seeds drawn from a distribution (`-pop dist=DIST`). */
export interface DistributionPopulation {
  /** The kind. */
  readonly kind: "dist";
  /** The seed distribution. */
  readonly distribution: DistributionSpec;
  /** `contents=`. */
  readonly order: PopulationOrder;
}

/**
 * The `-pop` group. Default `seq=1..N` for write, counter_write and insert-only user runs,
 * otherwise `dist=gaussian(1..N)`; N is `n` when a count > 0 was given, else 1,000,000.
 */
export type PopulationSettings = SequencePopulation | DistributionPopulation;

/** The `-insert` group. */
export interface InsertSettings {
  /** `revisit=`: default `uniform(1..1M)`. */
  readonly revisit: DistributionSpec;
  /** `visits=`: default `fixed(1)`. */
  readonly visits: DistributionSpec;
  /** `partitions=` per batch, or null (not set). */
  readonly partitions: DistributionSpec | null;
  /** `batchtype=`, or null (not batching). */
  readonly batchType: "LOGGED" | "UNLOGGED" | "COUNTER" | null;
  /** `select-ratio=`, or null. */
  readonly selectRatio: RatioDistributionSpec | null;
  /** `row-population-ratio=`: default `fixed(1)/1`. */
  readonly rowPopulationRatio: RatioDistributionSpec;
}

/** The `-col` group (predefined commands only). */
export interface ColumnSettings {
  /** Column count distribution (`n=`, default `FIXED(5)`); null when `names=` was given. */
  readonly countDistribution: DistributionSpec | null;
  /** Column names as given with `names=`, or null. */
  readonly names: readonly string[] | null;
  /** The resolved column names: `C0..C{max-1}` (or `names=`), sorted bytewise. */
  readonly columnNames: readonly string[];
  /** The largest column count. */
  readonly maxColumnsPerKey: number;
  /** True when the count distribution's min < max. */
  readonly variableColumnCount: boolean;
  /** `size=`: cell size in bytes, default `FIXED(34)`. */
  readonly sizeDistribution: DistributionSpec;
  /** `slice`: reads use `SELECT *`. */
  readonly slice: boolean;
  /** `super=`: default 0. */
  readonly superColumns: number;
  /** `comparator=`: default `"AsciiType"`. */
  readonly comparator: "AsciiType" | "UTF8Type" | "TimeUUIDType";
  /** `timestamp=` (as given, added as `USING TIMESTAMP`), or null. */
  readonly timestamp: string | null;
}

/** The `-loader` group (ours): what a `limited` loader verdict does. */
export interface LoaderSettings {
  /** `fail-if-limited`: exit 4 when the loader itself was a limit of the run. */
  readonly failIfLimited: boolean;
}

/** The `-errors` group. */
export interface ErrorSettings {
  /** `ignore`: count errors instead of failing. */
  readonly ignore: boolean;
  /** `retries=`: default 9. */
  readonly retries: number;
  /** Tries per operation: `max(1, retries + 1)`, 10 by default. */
  readonly tries: number;
  /** `skip-read-validation`. */
  readonly skipReadValidation: boolean;
  /**
   * `skip-unsupported-columns` (Scylla fork): a `user` table's regular and static columns of
   * types that cannot be generated (maps, collections of collections) are left out of the
   * inserts and the validating reads, with a warning each (a key column of such a type is
   * still refused).
   */
  readonly skipUnsupportedColumns: boolean;
  /**
   * `fail-fast` (Scylla fork): stop the whole run at the first failure that is not ignored.
   * Printed in the settings dump; the run already stops that way without it (see the help).
   */
  readonly failFast: boolean;
  /**
   * The back-off between tries: `delay-policy=` (default `"constant"`), `min-delay-ms=`
   * (default 0) and `max-delay-ms=` (default 20000), the Scylla fork's defaults: `constant`
   * with `minDelayMs` 0 retries at once.
   */
  readonly backoff: {
    /** `delay-policy=`: how the delay grows from one retry to the next. */
    readonly policy: "constant" | "linear" | "exponential";
    /** `min-delay-ms=`: the first (and shortest) delay in milliseconds. */
    readonly minDelayMs: number;
    /** `max-delay-ms=`: the cap in milliseconds, jitter included. */
    readonly maxDelayMs: number;
  };
}

/** The `-log` group. */
export interface LogSettings {
  /** `file=`: tee stdout to this file, or null. */
  readonly file: string | null;
  /** `hdrfile=`: HDR interval log path, or null. */
  readonly hdrFile: string | null;
  /** `json=`: machine-readable summary path (our extension), or null. */
  readonly jsonFile: string | null;
  /** `interval=`: default 1000 (`1s`); `500ms`, `5s`, bare `5` = seconds. */
  readonly intervalMs: number;
  /** `level=`: default `"normal"`. */
  readonly level: "minimal" | "normal" | "verbose";
  /** `no-summary`. */
  readonly noSummary: boolean;
  /** `no-settings`. */
  readonly noSettings: boolean;
  /** `prometheus=`: where `/metrics` listens (our extension; a bare port binds loopback), or null. */
  readonly prometheus: ListenAddress | null;
  /** `web=`: where the live page listens (our extension; a bare port binds loopback), or null. */
  readonly web: ListenAddress | null;
}

/** The `-mode` group. */
export interface ModeSettings {
  /** The client API: the driver, or the simple native client (`simplenative`). */
  readonly api: "JAVA_DRIVER_NATIVE" | "SIMPLE_NATIVE";
  /** Prepared statements (default) or not (`unprepared`; `simplenative` without `prepared`). */
  readonly prepared: boolean;
  /** Always `"CQL3"`. */
  readonly cqlVersion: "CQL3";
  /** `protocolVersion=`, or null for the driver's newest supported. */
  readonly protocolVersion: number | null;
  /** `compression=`: default `"none"`. */
  readonly compression: "none" | "lz4" | "snappy";
  /** `port=` inside -mode (parsed but unused, as in cassandra-stress), or null. */
  readonly port: number | null;
  /** `user=`, or null. */
  readonly user: string | null;
  /** `password=`, or null. Printed as `*suppressed*`. */
  readonly password: string | null;
  /** `auth-provider=` class name, or null. */
  readonly authProvider: string | null;
  /** `maxPending=` per connection, or null (driver default). */
  readonly maxPending: number | null;
  /**
   * `connectionsPerHost=` (shared by the Workers), or null: cassandra-driver's default of one
   * connection per host per Worker (cassandra-stress's Java driver defaults to 8).
   */
  readonly connectionsPerHost: number | null;
  /** `requestTimeout=` in milliseconds (Scylla fork), or null (driver default 12000). */
  readonly requestTimeoutMs: number | null;
  /**
   * `client=`: the data path of the ops, `native` (our own protocol client, token-aware; the
   * default) or `driver` (npm:cassandra-driver).
   */
  readonly client: "native" | "driver";
}

/** The `-node` group. */
export interface NodeSettings {
  /**
   * The hosts as given (split on commas outside parentheses), default `["localhost"]`;
   * `[]` when only `file=` was given (the caller reads the file).
   */
  readonly hosts: readonly string[];
  /** `file=`: one host per line, or null. */
  readonly file: string | null;
  /** `whitelist`: only talk to the listed hosts. */
  readonly whitelist: boolean;
  /** `datacenter=`, or null. */
  readonly datacenter: string | null;
  /**
   * `rack=` (Scylla fork), or null: with `loadbalance=rack-aware` (the default when it is given)
   * the replicas of this rack come first.
   */
  readonly rack: string | null;
  /**
   * `loadbalance=` (Scylla fork): `ROUND_ROBIN` (every data center's hosts), `DC_AWARE` (the
   * local data center's) or `RACK_AWARE` (its local rack's replicas first); null when not given
   * (`auto`: rack-aware with `rack=`, else dc-aware).
   */
  readonly loadBalance: LoadBalance | null;
}

/** A policy of the fork's `-node loadbalance=`, as its settings dump names it. */
export type LoadBalance = "ROUND_ROBIN" | "DC_AWARE" | "RACK_AWARE";

/** The `-schema` group. */
export interface SchemaSettings {
  /** `keyspace=`: default `"keyspace1"`. */
  readonly keyspace: string;
  /** Fully-qualified replication strategy, default `org.apache.cassandra.locator.NetworkTopologyStrategy`. */
  readonly replicationStrategy: string;
  /** Replication options in order, `replication_factor` included; default `{replication_factor: "1"}`. */
  readonly replicationOptions: Readonly<Record<string, string>>;
  /** `compression=` sstable compression class, or null. */
  readonly compression: string | null;
  /** `compaction(strategy=...)`, or null. */
  readonly compactionStrategy: string | null;
  /** Extra `compaction(...)` options in order. */
  readonly compactionOptions: Readonly<Record<string, string>>;
}

/** The `-transport` group (TLS). A truststore turns client TLS on. */
export interface TransportSettings {
  /** `factory=`, or null. */
  readonly factory: string | null;
  /** `truststore=`, or null. */
  readonly truststore: string | null;
  /** `truststore-password=`, or null. */
  readonly truststorePassword: string | null;
  /** `keystore=`, or null (defaults to the truststore when TLS is on). */
  readonly keystore: string | null;
  /** `keystore-password=`, or null. */
  readonly keystorePassword: string | null;
  /** `ssl-protocol=`: default `"TLS"`. */
  readonly sslProtocol: string;
  /** `ssl-alg=`: default `"SunX509"`. */
  readonly sslAlgorithm: string;
  /** `store-type=`: default `"JKS"`. */
  readonly storeType: string;
  /** `ssl-ciphers=`: comma-separated cipher suites. */
  readonly sslCiphers: string;
  /** `hostname-verification=` (Scylla fork): default false. */
  readonly hostnameVerification: boolean;
}

/** The `-port` group. */
export interface PortSettings {
  /** `native=`: default 9042. */
  readonly nativePort: number;
  /** `thrift=`: default 9160 (unused). */
  readonly thriftPort: number;
  /** `jmx=`: default 7199. */
  readonly jmxPort: number;
}

/** The `-sendto` group: never set (removed in Apache 4.1; parsing it throws). */
export interface SendToSettings {
  /** Always null. */
  readonly host: null;
}

/** The `-graph` group. */
export interface GraphSettings {
  /** `file=` (required when -graph is given), or null. */
  readonly file: string | null;
  /** `revision=`: default `"unknown"`. */
  readonly revision: string;
  /** `title=`, or null (cassandra-stress's default title never applies). */
  readonly title: string | null;
  /** `op=`: default the command name in upper case (`"WRITE"`). */
  readonly operation: string;
}

/** The `-tokenrange` group. */
export interface TokenRangeSettings {
  /** `wrap`: re-use token ranges. */
  readonly wrap: boolean;
  /** `split-factor=`: default 1. */
  readonly splitFactor: number;
}

/** Everything a cassandra-stress command line says, with every default resolved. */
export interface StressSettings {
  /** The command and its parameters. */
  readonly command: CommandSettings;
  /** `-rate`. */
  readonly rate: RateSettings;
  /** `-pop`. */
  readonly population: PopulationSettings;
  /** `-insert`. */
  readonly insert: InsertSettings;
  /** `-col`. */
  readonly columns: ColumnSettings;
  /** `-errors`. */
  readonly errors: ErrorSettings;
  /** `-log`. */
  readonly log: LogSettings;
  /** `-mode`. */
  readonly mode: ModeSettings;
  /** `-node`. */
  readonly node: NodeSettings;
  /** What `-node` targets: a cluster, the embedded node, or the synthetic target. */
  readonly target: NodeTarget;
  /** `-schema`. */
  readonly schema: SchemaSettings;
  /** `-transport`. */
  readonly transport: TransportSettings;
  /** `-port`. */
  readonly port: PortSettings;
  /** `-sendto`. */
  readonly sendto: SendToSettings;
  /** `-graph`. */
  readonly graph: GraphSettings;
  /** `-tokenrange`. */
  readonly tokenrange: TokenRangeSettings;
  /** `-loader`. */
  readonly loader: LoaderSettings;
  /** `--dry-run` was given: print the settings and stop. */
  readonly dryRun: boolean;
}
