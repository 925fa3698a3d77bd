/**
 * The main thread's control connection to a CQL cluster: connect (one clear error when no
 * node answers within the connect timeout), build cassandra-stress's connect banner, find
 * the local data center, create the stress schema for writing commands, and truncate.
 *
 * @module
 */

import cassandra from "cassandra-driver";
import { clientOptionsOf, HEARTBEAT_OFF } from "./client_options.ts";
import { quoteIdentifier } from "./cql_target.ts";
import type { CqlConnectionSpec } from "../cql_connection_spec.ts";
import { firstLineOf, TargetError } from "../../errors.ts";
import type { StressSettings } from "../options/stress_settings.ts";
import { stressSchemaStatements } from "../stress_schema_statements.ts";
import type { CommandIo } from "../../cli/command_io.ts";

const lb = cassandra.policies.loadBalancing;

/** DC-aware round robin whose local data center, when not given, is the control host's. */
class DiscoveringDcPolicy extends lb.DCAwareRoundRobinPolicy {
  override init(
    client: cassandra.Client,
    hosts: cassandra.HostMap,
    callback: cassandra.EmptyCallback,
  ): void {
    const self = this as unknown as { localDc?: string };
    if (!self.localDc) {
      const control = (client as unknown as { controlConnection?: { host?: cassandra.Host } })
        .controlConnection?.host;
      self.localDc = control?.datacenter ?? hosts.values()[0]?.datacenter;
    }
    super.init(client, hosts, callback);
  }
}

/** ` on port N`, unless every contact point names its own port (`-node host:port`). */
function portPhraseOf(spec: CqlConnectionSpec): string {
  const ownPorts = spec.contactPoints.every((point) => /^(\[[^\]]*\]|[^:]*):\d+$/.test(point));
  return ownPorts ? "" : ` on port ${spec.port}`;
}

/** How long and how to sleep after a schema change. */
export interface SleepOptions {
  /**
   * Milliseconds to sleep.
   *
   * @default {1000 per node}
   */
  sleepMs?: number;
  /**
   * The sleep function (tests pass a no-op).
   *
   * @default {setTimeout}
   */
  sleep?: (ms: number) => Promise<void>;
}

/** A connected control session. */
export interface CqlCluster {
  /** The driver client (no keyspace). */
  readonly client: cassandra.Client;
  /** The local data center the Workers use. */
  readonly localDataCenter: string;
  /**
   * The `-node` entries (the contact points, those of `-node file=` included): cassandra-stress
   * sleeps a second for each after a schema change or a truncation, whatever hosts it finds.
   */
  readonly hostCount: number;
  /**
   * cassandra-stress's connect banner: `Connected to cluster: …` and one `Datatacenter:` line
   * per host. The caller prints it where cassandra-stress connects.
   */
  readonly banner: readonly string[];
}

/**
 * Connects the control session and builds cassandra-stress's connect banner.
 *
 * @param spec The target (its `localDataCenter` may be empty: then it is discovered).
 * @param options The connections per host the banner prints (default: the spec's).
 * @returns The session.
 * @throws {TargetError} When no contact point answers within the connect timeout.
 *
 * @example Usage
 * ```ts ignore
 * const cluster = await connectCluster(spec);
 * for (const line of cluster.banner) io.out(line);
 * await cluster.client.shutdown();
 * ```
 */
export async function connectCluster(
  spec: CqlConnectionSpec,
  options: { connectionsPerHost?: number } = {},
): Promise<CqlCluster> {
  const policy = new DiscoveringDcPolicy(spec.localDataCenter || (undefined as unknown as string));
  const client = new cassandra.Client({
    ...clientOptionsOf(spec, { useKeyspace: false, loadBalancing: policy }),
    localDataCenter: undefined,
    pooling: { ...HEARTBEAT_OFF, coreConnectionsPerHost: { [cassandra.types.distance.local]: 1 } },
  });
  // When every node was down and one comes back, the driver replaces its host with a new one
  // but never shuts the old host's pool down: that pool reconnects too, and its connection,
  // which `shutdown()` does not know, kept the command alive after its run ended.
  client.on("hostRemove", (host: cassandra.Host) => {
    (host as unknown as { shutdown(wait: boolean): Promise<void> }).shutdown(false).catch(() => {});
  });
  try {
    await client.connect();
  } catch (error) {
    await client.shutdown().catch(() => {});
    throw new TargetError(
      `Cannot connect to CQL node(s) "${spec.contactPoints.join(",")}"${portPhraseOf(spec)}: ${
        firstLineOf(error)
      }`,
      { cause: error },
    );
  }
  const localDataCenter = (policy as unknown as { localDc: string }).localDc;
  let clusterName = "unknown";
  try {
    const local = await client.execute("SELECT cluster_name FROM system.local WHERE key='local'");
    clusterName = String(local.first()?.get("cluster_name") ?? clusterName);
  } catch {
    // Some servers hide system.local from restricted users: the banner says "unknown".
  }
  // As cassandra-stress, the `maxPending=` setting: null when not given (the driver's default).
  const banner = [
    `Connected to cluster: ${clusterName}, max pending requests per connection ${spec.maxPending}, max connections per host ${
      options.connectionsPerHost ?? spec.connectionsPerHost
    }`,
  ];
  const hosts = client.hosts.values();
  for (const host of hosts) {
    // cassandra-stress prints the InetAddress (`/ip`), without the port.
    const address = host.address.slice(0, host.address.lastIndexOf(":"));
    banner.push(`Datatacenter: ${host.datacenter}; Host: /${address}; Rack: ${host.rack}`);
  }
  return { client, localDataCenter, hostCount: Math.max(1, spec.contactPoints.length), banner };
}

/**
 * Creates cassandra-stress's keyspace and tables (reference section 1.9): `standard1` and
 * `counter1`, with `-schema` replication, compression and compaction. Reads never call it.
 *
 * @param cluster The control session.
 * @param settings The parsed settings.
 * @param io Where the progress line goes.
 * @param options How long to sleep for propagation (default 1 s per node, as cassandra-stress).
 * @throws {TargetError} When the DDL fails.
 *
 * @example Usage
 * ```ts ignore
 * await createStressSchema(cluster, settings, io);
 * ```
 */
export async function createStressSchema(
  cluster: CqlCluster,
  settings: StressSettings,
  io: CommandIo,
  options: SleepOptions = {},
): Promise<void> {
  const statements = stressSchemaStatements(settings.schema, settings.columns.columnNames);
  const consistency = cassandra.types.consistencies.localOne;
  for (const statement of statements) {
    try {
      await cluster.client.execute(statement, [], { consistency });
    } catch (error) {
      throw new TargetError(`Cannot create the stress schema: ${firstLineOf(error)}`, {
        cause: error,
      });
    }
  }
  io.out(`Created keyspaces. Sleeping ${cluster.hostCount}s for propagation.`);
  await (options.sleep ?? sleep)(options.sleepMs ?? cluster.hostCount * 1000);
}

/**
 * Truncates the table the command uses (`standard1`, or `counter1` for counter commands)
 * and sleeps one second per node, as cassandra-stress does for `truncate=once|always`.
 *
 * @param cluster The control session.
 * @param settings The parsed settings.
 * @param options How long to sleep afterwards (default 1 s per node).
 * @throws {TargetError} When the truncate fails.
 *
 * @example Usage
 * ```ts ignore
 * await truncateStressTables(cluster, settings);
 * ```
 */
export async function truncateStressTables(
  cluster: CqlCluster,
  settings: StressSettings,
  options: SleepOptions = {},
): Promise<void> {
  const type = settings.command.type;
  const names = type === "mixed"
    ? Object.keys(settings.command.ratio).filter((n) => settings.command.ratio[n] > 0)
    : [type];
  const tables = new Set(names.map((n) => (n.startsWith("counter") ? "counter1" : "standard1")));
  for (const table of tables) {
    try {
      await cluster.client.execute(
        `TRUNCATE ${quoteIdentifier(settings.schema.keyspace)}.${table}`,
      );
    } catch (error) {
      throw new TargetError(`Cannot truncate ${table}: ${firstLineOf(error)}`, { cause: error });
    }
  }
  await (options.sleep ?? sleep)(options.sleepMs ?? cluster.hostCount * 1000);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
