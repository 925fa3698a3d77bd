/**
 * cassandra-driver's own replica computation, for comparing with {@linkcode TokenMap}: the
 * driver's `Metadata` given a ring of hosts and a keyspace's replication, without a cluster.
 *
 * @module
 */

import { Buffer } from "node:buffer";
import Metadata from "cassandra-driver/lib/metadata/index.js";
import clientOptions from "cassandra-driver/lib/client-options.js";
import type { RingHost } from "../../../lib/cql/native/token_map.ts";

/** The part of the driver's Metadata used here (internal, untyped in its typings). */
interface DriverMetadata {
  initialized: boolean;
  keyspaces: Record<string, unknown>;
  setPartitioner(name: string): void;
  buildTokens(hosts: { values(): RingHost[] }): void;
  getReplicas(keyspace: string, key: Buffer): RingHost[] | null;
  _schemaParser: {
    _createKeyspace(
      name: string,
      durableWrites: boolean,
      strategy: string,
      options: Record<string, string>,
    ): unknown;
  };
}

/**
 * The driver's replicas of partition keys for a ring and a replication map.
 *
 * @param hosts The ring (each host needs at least one token: the driver counts hosts with an
 *   empty token list in their data center, Cassandra does not).
 * @param replication The replication map (`class` fully qualified or short).
 * @returns A function from a serialized partition key to the driver's replicas (the very host
 *   objects given), in the driver's order.
 */
export function driverReplicas(
  hosts: readonly RingHost[],
  replication: Record<string, string>,
): (key: Uint8Array) => RingHost[] {
  const options = clientOptions.extend(clientOptions.defaultOptions(), {
    contactPoints: ["127.0.0.1"],
    localDataCenter: "dc1",
  });
  const metadata = new (Metadata as unknown as new (o: unknown, c: unknown) => DriverMetadata)(
    options,
    null,
  );
  metadata.initialized = true;
  metadata.setPartitioner("org.apache.cassandra.dht.Murmur3Partitioner");
  // The driver's hosts carry `tokens`, `datacenter` and `rack`, as ours do.
  metadata.buildTokens({ values: () => [...hosts] });
  const { class: strategy, ...strategyOptions } = replication;
  const name = strategy.includes(".") ? strategy : `org.apache.cassandra.locator.${strategy}`;
  metadata.keyspaces["ks"] = metadata._schemaParser._createKeyspace(
    "ks",
    true,
    name,
    strategyOptions,
  );
  return (key) => metadata.getReplicas("ks", Buffer.from(key)) ?? [];
}
