/**
 * `-node embedded`: start the in-memory CQL node inside a cassandra-stress command, create
 * cassandra-stress's schema through the driver, and describe the CQL target for the Workers.
 *
 * @module
 */

import cassandra from "cassandra-driver";
import type { CqlOpKind, CqlTargetSpec } from "../drivers/cql/cql_target.ts";
import { CqlServer } from "../embedded/cql/cql_server.ts";
import { TargetError } from "../errors.ts";
import type { StressSettings } from "../options/stress_settings.ts";
import type { CommandIo } from "./command_io.ts";
import { opsOf } from "./stress_plan.ts";

/** The `-node` value that starts the embedded node in-process. */
export const EMBEDDED_NODE = "embedded";

/**
 * Whether the command line asks for the embedded node.
 *
 * @param settings The parsed settings.
 * @returns True for `-node embedded`.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { isEmbeddedNode } from "./embedded_node.ts";
 * import { parseStressArgs } from "../options/parse_stress_args.ts";
 * assert.equal(isEmbeddedNode(parseStressArgs(["write", "-node", "embedded"])), true);
 * ```
 */
export function isEmbeddedNode(settings: StressSettings): boolean {
  const hosts = settings.node.hosts;
  return hosts.length === 1 && hosts[0].toLowerCase() === EMBEDDED_NODE;
}

/**
 * Starts the embedded node on a free loopback port.
 *
 * @returns The node.
 */
export function startEmbeddedNode(): Promise<CqlServer> {
  return CqlServer.start({ hostname: "127.0.0.1", port: 0 });
}

/**
 * The CQL target of a command against `host:port` contact points.
 *
 * @param settings The parsed settings.
 * @param contactPoints `host:port` strings.
 * @returns The target spec.
 */
export function cqlTargetOf(settings: StressSettings, contactPoints: string[]): CqlTargetSpec {
  const size = settings.columns.sizeDistribution;
  if (size.kind !== "fixed") {
    throw new TargetError(
      "Cannot run with a variable column size yet: the CQL target supports -col size=FIXED(N)",
    );
  }
  if (settings.columns.variableColumnCount) {
    throw new TargetError(
      "Cannot run with a variable column count yet: the CQL target supports -col n=FIXED(N)",
    );
  }
  const opKinds = opsOf(settings).names.map((name) => name.toLowerCase() as CqlOpKind);
  return {
    kind: "cql",
    contactPoints,
    localDataCenter: "datacenter1",
    keyspace: settings.schema.keyspace,
    opKinds,
    columnNames: [...settings.columns.columnNames],
    columnBytes: size.value,
    keyBytes: settings.command.keySizeBytes,
    prepared: settings.mode.prepared,
    consistency: settings.command.consistencyLevel,
    validateReads: !settings.errors.skipReadValidation,
  };
}

function quote(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/**
 * Creates cassandra-stress's keyspace and tables (reference section 1.9) when the command
 * writes, as cassandra-stress does; reads never create them.
 *
 * @param spec The CQL target.
 * @param settings The parsed settings.
 * @param io Where the progress lines go.
 * @throws {TargetError} When the node cannot be reached.
 */
export async function createStressSchema(
  spec: CqlTargetSpec,
  settings: StressSettings,
  io: CommandIo,
): Promise<void> {
  const client = new cassandra.Client({
    contactPoints: [...spec.contactPoints],
    localDataCenter: spec.localDataCenter,
  });
  try {
    try {
      await client.connect();
    } catch (error) {
      throw new TargetError(
        `Cannot connect to ${spec.contactPoints.join(",")}: ${
          error instanceof Error ? error.message.split("\n")[0] : error
        }`,
        { cause: error },
      );
    }
    io.out(
      `Connected to cluster: ${
        (client.metadata as unknown as { clusterName?: string }).clusterName ?? "Test Cluster"
      }`,
    );
    for (const host of client.hosts.values()) {
      io.out(`Datacenter: ${host.datacenter}; Host: /${host.address}; Rack: ${host.rack}`);
    }
    const writes = spec.opKinds.some((kind) => kind === "write" || kind === "counter_write");
    if (!writes) return;
    const schema = settings.schema;
    const replication = [
      `'class': '${schema.replicationStrategy}'`,
      ...Object.entries(schema.replicationOptions).map(([k, v]) => `'${k}' : '${v}'`),
    ].join(", ");
    await client.execute(
      `CREATE KEYSPACE IF NOT EXISTS ${
        quote(schema.keyspace)
      } WITH replication = {${replication}} AND durable_writes = true;`,
    );
    const compression = schema.compression === null ? "{}" : `{'class' : '${schema.compression}'}`;
    const cols = spec.columnNames.map(quote);
    await client.execute(
      `CREATE TABLE IF NOT EXISTS ${quote(schema.keyspace)}.standard1 (key blob PRIMARY KEY \n${
        cols.map((c) => `, ${c} blob`).join("\n")
      }) WITH compression = ${compression};`,
    );
    await client.execute(
      `CREATE TABLE IF NOT EXISTS ${quote(schema.keyspace)}.counter1 (key blob PRIMARY KEY,\n${
        cols.map((c) => `, ${c} counter`).join("\n")
      }) WITH compression = ${compression};`,
    );
    io.out("Created keyspaces. Sleeping 1s for propagation.");
    await new Promise((resolve) => setTimeout(resolve, 1000));
  } finally {
    await client.shutdown();
  }
}
