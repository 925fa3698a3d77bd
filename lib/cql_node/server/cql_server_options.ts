/**
 * How the embedded CQL node's server is started: where it listens, its credentials and TLS
 * material, and the faults and latency it injects.
 *
 * @module
 */

import type { DistributionSpec } from "../../units/distribution_spec.ts";

/** Kinds of error responses the node can inject. */
export type InjectedErrorKind =
  | "overloaded"
  | "read_timeout"
  | "write_timeout"
  | "unavailable"
  | "server_error";

/** Faults and latency the node adds to QUERY, EXECUTE, BATCH and PREPARE responses. */
export interface FaultOptions {
  /** Added latency per response in microseconds, drawn from a distribution; `null` for none. */
  latencyUs: DistributionSpec | null;
  /** Periodic stalls: every `everyMs` the node holds every response for `forMs`. */
  stall: { everyMs: number; forMs: number } | null;
  /** Fraction (0..1) of requests answered with an error instead of being run. */
  errorRate: number;
  /** The error kinds to inject, chosen uniformly. */
  errorKinds: InjectedErrorKind[];
  /** Fraction (0..1) of requests on which the node drops the connection without answering. */
  dropRate: number;
}

/** The node's TLS certificate chain and private key, as PEM files. */
export interface CqlServerTlsFiles {
  /** The certificate chain file (PEM), the server's certificate first. */
  certFile: string;
  /** The private key file (PEM: PKCS#8, RSA or EC). */
  keyFile: string;
}

/** The node's TLS certificate chain and private key, as PEM text. */
export interface CqlServerTlsPem {
  /** The certificate chain (PEM), the server's certificate first. */
  cert: string;
  /** The private key (PEM: PKCS#8, RSA or EC). */
  key: string;
}

/** The node's TLS certificate and key: PEM files, or PEM text. */
export type CqlServerTls = CqlServerTlsFiles | CqlServerTlsPem;

/** How to start the node. */
export interface CqlServerOptions {
  /** Address to bind. @default "127.0.0.1" */
  hostname?: string;
  /** Port to bind; 0 picks a free one. @default 9042 */
  port?: number;
  /** Require these credentials (PasswordAuthenticator). */
  credentials?: { user: string; password: string };
  /** The largest frame body accepted. @default 268435456 */
  maxFrameBytes?: number;
  /** Faults and latency to inject. */
  faults?: Partial<FaultOptions>;
  /** cluster_name in system.local. @default "Test Cluster" */
  clusterName?: string;
  /** data_center in system.local. @default "datacenter1" */
  datacenter?: string;
  /** Seeds injected faults and schema UUIDs. @default 1 */
  seed?: number;
  /** Bytes queued for a connection before the node stops reading from it. @default 16777216 */
  maxQueuedBytes?: number;
  /** Called with unexpected exceptions (bugs), which clients see as server errors. */
  onInternalError?: (error: unknown) => void;
  /** Serve CQL over TLS with this certificate and key (no client certificates). @default undefined */
  tls?: CqlServerTls;
  /** The most distinct statement texts `CqlServer.statements` keeps. @default 1000 */
  statementLogTexts?: number;
  /** The node's tokens (system.local); 16 random ones by default. @default undefined */
  tokens?: readonly string[];
  /**
   * host_id in system.local; by default one derived from the bound address, port and seed, so a
   * node restarted there keeps it, as Cassandra does. @default undefined
   */
  hostId?: string;
  /** rack in system.local. @default "rack1" */
  rack?: string;
  /**
   * Keep the token of every partition written, for `CqlServer.requestCounts()` (memory grows
   * with the partitions written). @default false
   */
  keepWriteTokens?: boolean;
  /**
   * Called after a schema change or TRUNCATE ran here, with its text and the session's keyspace
   * (a ring runs it on its other nodes). @default undefined
   */
  onDdl?: (query: string, keyspace: string | undefined) => void;
}
