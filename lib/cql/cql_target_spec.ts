/**
 * The serialisable description of a CQL target: where the cluster is, how to connect, and
 * which cassandra-stress statements and data to run. The main thread builds it from the
 * command line; every Worker rebuilds its own client from it.
 *
 * @module
 */

import type { SyntheticTargetSpec } from "../engine/target.ts";
import type { DistributionSpec } from "../units/distribution_spec.ts";

/** The cassandra-stress op kinds the CQL target runs. */
export type CqlOpKind = "write" | "read" | "counter_write" | "counter_read";

/** Client TLS material, as PEM text (from `-transport truststore=`/`keystore=`). */
export interface CqlTlsSpec {
  /** CA certificates the server certificate must chain to, or null for the system store. */
  readonly caPem: string | null;
  /** The client certificate chain, or null (no client authentication). */
  readonly certPem: string | null;
  /** The client private key, or null. */
  readonly keyPem: string | null;
  /** Check that the server certificate names the host (`hostname-verification=true`). */
  readonly checkHostname: boolean;
  /** Allowed cipher suites (OpenSSL names, colon-separated), or null for the defaults. */
  readonly ciphers: string | null;
}

/** A description of the CQL target a Worker can rebuild (structured-cloneable). */
export interface CqlTargetSpec {
  /** The kind. */
  readonly kind: "cql";
  /** Contact points: host names or addresses, optionally `host:port`. */
  readonly contactPoints: readonly string[];
  /** The native protocol port (`-port native=`). */
  readonly port: number;
  /** The local data center (`-node datacenter=`, else the first contact point's). */
  readonly localDataCenter: string;
  /** `ip:port` of the only hosts to use (`-node whitelist`), or null. */
  readonly allowList: readonly string[] | null;
  /** The keyspace of the stress tables. */
  readonly keyspace: string;
  /** Op kinds by op index (the run's op names, in order). */
  readonly opKinds: readonly CqlOpKind[];
  /** Column names, in order. */
  readonly columnNames: readonly string[];
  /** Bytes per column value (`-col size=`). */
  readonly columnSize: DistributionSpec;
  /** Columns per write (`-col n=`) when it varies, or null for all columns. */
  readonly columnCount: DistributionSpec | null;
  /** Bytes per partition key (`keysize=`). */
  readonly keyBytes: number;
  /** The counter increment distribution (`add=`). */
  readonly counterAdd: DistributionSpec;
  /** `-col timestamp=`: the `USING TIMESTAMP` value of writes, or null. */
  readonly timestamp: string | null;
  /** `-col slice`: reads select `*`. */
  readonly slice: boolean;
  /** Prepared statements (true) or plain QUERY messages. */
  readonly prepared: boolean;
  /** Consistency level name, e.g. `LOCAL_ONE`. */
  readonly consistency: string;
  /** Serial consistency level name, `SERIAL` or `LOCAL_SERIAL`. */
  readonly serialConsistency: string;
  /** Validate read results. */
  readonly validateReads: boolean;
  /** Connections per host of this client. */
  readonly connectionsPerHost: number;
  /** Requests in flight per connection, or null for the driver default. */
  readonly maxPending: number | null;
  /** The highest protocol version to negotiate, or null for the driver's newest. */
  readonly protocolVersion: number | null;
  /** PasswordAuthenticator credentials, or null. */
  readonly credentials: { readonly user: string; readonly password: string } | null;
  /** Per-request timeout in milliseconds. */
  readonly requestTimeoutMs: number;
  /** Connection timeout in milliseconds. */
  readonly connectTimeoutMs: number;
  /** Client TLS, or null for plain TCP. */
  readonly tls: CqlTlsSpec | null;
}

/** What a cassandra-stress run targets: a CQL cluster, or `-node synthetic:...`. */
export type StressTargetSpec = CqlTargetSpec | SyntheticTargetSpec;
