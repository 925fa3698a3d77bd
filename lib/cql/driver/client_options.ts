/**
 * Builds `npm:cassandra-driver` client options from a {@linkcode CqlConnectionSpec}: contact
 * points and port, local data center and allow list, pooling, protocol version,
 * credentials, timeouts and TLS. The main thread's control connection and every Worker's
 * client use the same options.
 *
 * @module
 */

import cassandra from "cassandra-driver";
import { type CqlConnectionSpec, DRIVER_MAX_PROTOCOL } from "../cql_connection_spec.ts";

/** What differs between the control connection and the Workers' clients. */
export interface ClientOptionsOverrides {
  /**
   * Connect to the stress keyspace (Workers) or to no keyspace (the control connection,
   * which creates it).
   *
   * @default {true}
   */
  useKeyspace?: boolean;
  /**
   * The load-balancing policy; by default token-aware over the local data center,
   * restricted to `allowList` when given.
   *
   * @default {undefined}
   */
  loadBalancing?: cassandra.policies.loadBalancing.LoadBalancingPolicy;
}

/** cassandra-driver's default read timeout, in milliseconds. */
const DRIVER_READ_TIMEOUT_MS = 12_000;

/**
 * The driver's idle heartbeat, off. A connection the node closes while its STARTUP is being
 * written keeps a heartbeat timer that re-arms itself for ever, even after `shutdown()`, so a
 * run whose connect failed never exits. Every client here is either busy with ops or (the
 * control connection) done after the run's start, so the heartbeat adds nothing.
 */
export const HEARTBEAT_OFF = { heartBeatInterval: 0 } as const;

/**
 * The driver options of a CQL target.
 *
 * @param spec The target.
 * @param overrides Control-connection differences.
 * @returns The options for `new cassandra.Client(...)`.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { clientOptionsOf } from "./client_options.ts";
 * import { type CqlConnectionSpec, DRIVER_MAX_PROTOCOL } from "../cql_connection_spec.ts";
 * const spec: CqlConnectionSpec = {
 *   contactPoints: ["127.0.0.1"], port: 9042, localDataCenter: "datacenter1", allowList: null,
 *   keyspace: "keyspace1", prepared: true, consistency: "LOCAL_ONE", serialConsistency: "SERIAL",
 *   connectionsPerHost: 2, maxPending: 128, protocolVersion: 4, credentials: null,
 *   requestTimeoutMs: 12000, connectTimeoutMs: 5000, tls: null, compression: "none",
 * };
 * const options = clientOptionsOf(spec);
 * assert.equal(options.keyspace, "keyspace1");
 * assert.equal(options.protocolOptions?.port, 9042);
 * assert.equal(options.pooling?.maxRequestsPerConnection, 128);
 * assert.equal(clientOptionsOf({ ...spec, protocolVersion: 5 }).protocolOptions?.maxVersion, 4);
 * ```
 */
export function clientOptionsOf(
  spec: CqlConnectionSpec,
  overrides: ClientOptionsOverrides = {},
): cassandra.ClientOptions {
  const lb = cassandra.policies.loadBalancing;
  let loadBalancing = overrides.loadBalancing;
  if (loadBalancing === undefined) {
    // The driver has no rack-aware policy: rack-aware is dc-aware on this path.
    const child = spec.loadBalance === "ROUND_ROBIN"
      ? new lb.RoundRobinPolicy()
      : new lb.DCAwareRoundRobinPolicy(spec.localDataCenter);
    const local = new lb.TokenAwarePolicy(child);
    loadBalancing = spec.allowList === null
      ? local
      : new lb.AllowListPolicy(local, [...spec.allowList]);
  }
  const distance = cassandra.types.distance;
  const options: cassandra.ClientOptions = {
    contactPoints: [...spec.contactPoints],
    localDataCenter: spec.localDataCenter,
    keyspace: overrides.useKeyspace === false ? undefined : spec.keyspace,
    protocolOptions: {
      port: spec.port,
      // A native run's v5 is the data path's: the driver's connections stay at its newest.
      ...(spec.protocolVersion === null
        ? {}
        : { maxVersion: Math.min(spec.protocolVersion, DRIVER_MAX_PROTOCOL) }),
    },
    socketOptions: {
      connectTimeout: spec.connectTimeoutMs,
      // Ops carry -mode requestTimeout= themselves; a tiny one must fail the ops, not the
      // connection's start-up queries, so those wait at least the driver's default.
      readTimeout: Math.max(spec.requestTimeoutMs, DRIVER_READ_TIMEOUT_MS),
    },
    pooling: {
      ...HEARTBEAT_OFF,
      coreConnectionsPerHost: {
        [distance.local]: spec.connectionsPerHost,
        [distance.remote]: 1,
        [distance.ignored]: 0,
      },
      ...(spec.maxPending === null ? {} : { maxRequestsPerConnection: spec.maxPending }),
    },
    policies: {
      loadBalancing,
      // cassandra-stress retries by itself (-errors retries=): the driver does not.
      retry: new cassandra.policies.retry.FallthroughRetryPolicy(),
      reconnection: new cassandra.policies.reconnection.ConstantReconnectionPolicy(1000),
    },
  };
  if (spec.credentials !== null) {
    options.authProvider = new cassandra.auth.PlainTextAuthProvider(
      spec.credentials.user,
      spec.credentials.password,
    );
  }
  if (spec.tls !== null) {
    const tls = spec.tls;
    options.sslOptions = {
      ...(tls.caPem === null ? {} : { ca: [tls.caPem] }),
      ...(tls.certPem === null ? {} : { cert: tls.certPem }),
      ...(tls.keyPem === null ? {} : { key: tls.keyPem }),
      ...(tls.ciphers === null ? {} : { ciphers: tls.ciphers }),
      rejectUnauthorized: true,
      ...(tls.checkHostname ? {} : { checkServerIdentity: () => undefined }),
    };
  }
  return options;
}
