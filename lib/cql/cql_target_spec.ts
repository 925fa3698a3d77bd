/**
 * The serialisable description of a CQL target: where the cluster is, how to connect, and
 * which cassandra-stress statements and data to run. The main thread builds it from the
 * command line; every Worker rebuilds its own client from it.
 *
 * @module
 */

import type { SyntheticTargetSpec } from "../engine/target.ts";
import type { CqlConnectionSpec } from "./cql_connection_spec.ts";
import type { CqlRingSpec } from "./cql_ring_spec.ts";
import type { UserTargetSpec } from "./user/user_target_spec.ts";
import type { DistributionSpec } from "../units/distribution_spec.ts";

/** The cassandra-stress op kinds the CQL target runs. */
export type CqlOpKind = "write" | "read" | "counter_write" | "counter_read";

export type { CqlConnectionSpec, CqlTlsSpec } from "./cql_connection_spec.ts";

/** A description of the CQL target a Worker can rebuild (structured-cloneable). */
export interface CqlTargetSpec extends CqlConnectionSpec {
  /** The kind. */
  readonly kind: "cql";
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
  /**
   * Compare a read's row with the row written (false with `-errors skip-read-validation`); a
   * counter read checks that its row exists either way.
   */
  readonly validateReads: boolean;
  /**
   * The data path: `native`, our own protocol client with token-aware routing (the default), or
   * `driver`, npm:cassandra-driver (`-mode client=driver`).
   */
  readonly client: "native" | "driver";
  /**
   * The ring the native path routes by, read by the control connection once the schema exists;
   * null until then (the Workers then use the contact points).
   */
  readonly ring: CqlRingSpec | null;
}

/** What a cassandra-stress run targets: a CQL cluster (predefined commands or `user` profiles), or `-node synthetic:...`. */
export type StressTargetSpec = CqlTargetSpec | UserTargetSpec | SyntheticTargetSpec;
