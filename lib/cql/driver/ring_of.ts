/**
 * Reads the token ring and a keyspace's replication from a connected cassandra-driver client's
 * metadata (what its control connection read from system.local, system.peers and
 * system_schema.keyspaces), for the Workers' token-aware routing.
 *
 * @module
 */

import type cassandra from "cassandra-driver";
import type { CqlRingHostSpec, CqlRingSpec } from "../cql_ring_spec.ts";

/** A host as cassandra-driver keeps it (the fields routing needs). */
interface DriverHost {
  readonly address: string;
  readonly datacenter: string | null;
  readonly rack: string | null;
  readonly tokens: readonly string[] | null;
}

/** `a.b.c.d:port` or `[v6]:port` into its address and port. */
function splitAddress(address: string, defaultPort: number): { host: string; port: number } {
  const match = /^\[?(.*?)\]?:(\d+)$/.exec(address);
  return match === null
    ? { host: address, port: defaultPort }
    : { host: match[1], port: Number(match[2]) };
}

/**
 * The ring as the driver knows it, and the keyspace's replication (refreshed first, so that a
 * keyspace created a moment ago is found).
 *
 * @param client A connected client.
 * @param keyspace The keyspace whose replicas the Workers route to.
 * @param defaultPort The native port of a host whose address has none.
 * @returns The ring spec.
 *
 * @example Usage
 * ```ts ignore
 * const ring = await ringOf(cluster.client, "keyspace1", 9042);
 * console.log(ring.hosts.length, ring.replication.class);
 * ```
 */
export async function ringOf(
  client: cassandra.Client,
  keyspace: string,
  defaultPort: number,
): Promise<CqlRingSpec> {
  await client.metadata.refreshKeyspace(keyspace).catch(() => null);
  const hosts: CqlRingHostSpec[] = [];
  for (const host of client.hosts.values() as unknown as DriverHost[]) {
    const { host: address, port } = splitAddress(host.address, defaultPort);
    hosts.push({
      address,
      port,
      datacenter: host.datacenter ?? "",
      rack: host.rack ?? "",
      tokens: [...(host.tokens ?? [])],
    });
  }
  const found = client.metadata.keyspaces[keyspace] as unknown as
    | { strategy: string; strategyOptions?: Record<string, string> }
    | undefined;
  const replication: Record<string, string> = found === undefined
    ? { class: "LocalStrategy" } // unknown: every host may serve it
    : { class: found.strategy, ...(found.strategyOptions ?? {}) };
  return { hosts, replication };
}
