/**
 * What a native target needs to route and connect, from its spec: the ring to route by (the one
 * the control connection read, or the contact points when there is none), the local hosts it
 * connects to, consistency codes by name, and the options of a connection to one host. Private
 * to lib/cql/driver.
 *
 * @module
 */

import type { CqlConnectionSpec } from "../cql_connection_spec.ts";
import type { CqlRingHostSpec, CqlRingSpec } from "../cql_ring_spec.ts";
import { CONSISTENCY } from "../../protocol/protocol_codes.ts";
import type { NativeConnectionOptions } from "./native_connection.ts";

/**
 * The ring to route by: the one read by the control connection, or the contact points (no
 * tokens: every op goes to a local host in turn).
 *
 * @param spec The connection spec.
 * @param ring The ring read, or null.
 * @returns The ring.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { routingRingOf } from "./_native_routing.ts";
 * const spec = { contactPoints: ["10.0.0.1:9043", "db"], port: 9042, localDataCenter: "dc1" };
 * const ring = routingRingOf(spec as never, null);
 * assert.deepEqual(ring.hosts.map((h) => `${h.address}:${h.port}`), ["10.0.0.1:9043", "db:9042"]);
 * ```
 */
export function routingRingOf(spec: CqlConnectionSpec, ring: CqlRingSpec | null): CqlRingSpec {
  if (ring != null && ring.hosts.length > 0) return ring;
  const hosts: CqlRingHostSpec[] = spec.contactPoints.map((point) => {
    const match = /^\[?(.*?)\]?:(\d+)$/.exec(point);
    return {
      address: match === null ? point : match[1],
      port: match === null ? spec.port : Number(match[2]),
      datacenter: spec.localDataCenter,
      rack: "",
      tokens: [],
    };
  });
  return { hosts, replication: { class: "LocalStrategy" } };
}

/**
 * The ring indexes of the hosts a Worker connects to: the local data center's (every host's when
 * it is null), allow-listed.
 *
 * @param ring The ring.
 * @param localDc The local data center, or null for every one.
 * @param allowList `ip:port` of the only hosts to use, or null.
 * @returns The indexes.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { localHostsOf } from "./_native_routing.ts";
 * const host = (address: string, datacenter: string) =>
 *   ({ address, port: 9042, datacenter, rack: "", tokens: [] });
 * const ring = { hosts: [host("a", "dc1"), host("b", "dc2"), host("c", "dc1")], replication: {} };
 * assert.deepEqual(localHostsOf(ring, "dc1", null), [0, 2]);
 * assert.deepEqual(localHostsOf(ring, "dc1", ["c:9042"]), [2]);
 * ```
 */
export function localHostsOf(
  ring: CqlRingSpec,
  localDc: string | null,
  allowList: readonly string[] | null,
): number[] {
  const out: number[] = [];
  ring.hosts.forEach((host, index) => {
    if (localDc !== null && host.datacenter !== localDc) return;
    if (allowList !== null && !allowList.includes(`${host.address}:${host.port}`)) return;
    out.push(index);
  });
  return out;
}

/**
 * The protocol code of a consistency level name.
 *
 * @param name The name (`LOCAL_ONE`, any case).
 * @returns The code.
 * @throws {Error} For an unknown name.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { consistencyCodeOf } from "./_native_routing.ts";
 * assert.equal(consistencyCodeOf("local_quorum"), 6);
 * ```
 */
export function consistencyCodeOf(name: string): number {
  const code = (CONSISTENCY as Record<string, number>)[name.toUpperCase()];
  if (code === undefined) throw new Error(`Unknown consistency level ${name}`);
  return code;
}

/**
 * How to open a connection to one host of the ring, with `USE keyspace`.
 *
 * @param spec The connection spec (TLS, credentials, protocol, timeouts, in-flight limit,
 *   compression: lz4 or none).
 * @param host The host.
 * @param keyspace The keyspace to use.
 * @returns The connection options.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { connectionOptionsOf } from "./_native_routing.ts";
 * const spec = {
 *   tls: null, credentials: null, protocolVersion: null, connectTimeoutMs: 5000,
 *   maxPending: null, requestTimeoutMs: 12000, compression: "none",
 * };
 * const host = { address: "10.0.0.1", port: 9042, datacenter: "dc1", rack: "", tokens: [] };
 * const options = connectionOptionsOf(spec as never, host, "ks");
 * assert.equal(options.maxProtocolVersion, 5);
 * assert.equal(options.keyspace, "ks");
 * ```
 */
export function connectionOptionsOf(
  spec: CqlConnectionSpec,
  host: CqlRingHostSpec,
  keyspace: string,
): NativeConnectionOptions {
  return {
    host: host.address,
    port: host.port,
    tls: spec.tls,
    credentials: spec.credentials,
    maxProtocolVersion: (spec.protocolVersion ?? 5) as 3 | 4 | 5,
    connectTimeoutMs: spec.connectTimeoutMs,
    keyspace,
    maxInFlight: spec.maxPending ?? 2048,
    requestTimeoutMs: spec.requestTimeoutMs,
    compression: spec.compression === "lz4" ? "lz4" : "none",
  };
}
