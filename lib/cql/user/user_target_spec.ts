/**
 * What a Worker needs to run the ops of a `user` command (structured-cloneable): how to connect,
 * each profile's table as the cluster's schema describes it with its data generators'
 * configuration, and each op of `ops(...)` by index.
 *
 * @module
 */

import type { ProfileTableLayout } from "../profile_data/profile_partition_generator.ts";
import type { CqlConnectionSpec } from "../cql_connection_spec.ts";
import type { CqlRingSpec } from "../cql_ring_spec.ts";
import type { DistributionSpec, RatioDistributionSpec } from "../../units/distribution_spec.ts";
import type { TableLayout } from "./user_statements.ts";

/** How a profile's `insert` op writes. */
export interface UserInsertSpec {
  /** The statement (`UPDATE ... WHERE ...`, or `INSERT` for a key-only table). */
  readonly statement: string;
  /** Partitions per op (`partitions:`, `-insert partitions=`). */
  readonly partitions: DistributionSpec;
  /** The chance each generated row is written (`select:`, `-insert select-ratio=`). */
  readonly select: RatioDistributionSpec;
  /** The batch type of an op that writes more than one row. */
  readonly batchType: "LOGGED" | "UNLOGGED" | "COUNTER";
  /** `-insert visits=`: the inserts a partition is spread over. */
  readonly visits: DistributionSpec;
  /** `-insert revisit=`: which partition in progress an insert continues. */
  readonly revisit: DistributionSpec;
  /** The profile's `insert: consistencyLevel:` (ScyllaDB's fork), upper-case, or null for `cl=`. */
  readonly consistency: string | null;
  /** Its `serialConsistencyLevel:`, upper-case, or null for `serial-cl=`. */
  readonly serialConsistency: string | null;
}

/** One profile's table: where it is, its columns, and its data. */
export interface UserTableSpec {
  /** The keyspace. */
  readonly keyspace: string;
  /** The table and its columns in the driver's metadata order. */
  readonly layout: TableLayout;
  /** The columns by role with their `columnspec` distributions, for the generators. */
  readonly data: ProfileTableLayout;
  /** Clustering order within a level (`-pop contents=`). */
  readonly order: "arbitrary" | "sorted";
  /**
   * `-insert row-population-ratio=`, drawn per partition per op: value column k of n is left
   * NULL when k / n exceeds the ratio drawn (`fixed(1)/1`: every column written).
   */
  readonly rowPopulationRatio: RatioDistributionSpec;
  /** The insert op. */
  readonly insert: UserInsertSpec;
}

/** One op of `ops(...)`, by index. */
export type UserOpSpec =
  | {
    /** The built-in insert of a profile. */
    readonly kind: "insert";
    /** The profile's index in {@linkcode UserTargetSpec.tables}. */
    readonly table: number;
  }
  | {
    /** A `queries` entry. */
    readonly kind: "query";
    /** The profile's index. */
    readonly table: number;
    /** The statement. */
    readonly cql: string;
    /** How its markers are bound: from one row, or from up to one row per marker. */
    readonly fields: "samerow" | "multirow";
    /** The query's own `consistencyLevel:` (ScyllaDB's fork), upper-case, or null for `cl=`. */
    readonly consistency: string | null;
    /** Its `serialConsistencyLevel:`, upper-case, or null for `serial-cl=`. */
    readonly serialConsistency: string | null;
  }
  | {
    /** The built-in `validate`: rows between two random bounds, compared with generated ones. */
    readonly kind: "validate";
    /** The profile's index. */
    readonly table: number;
    /** The statement groups by clustering depth (`validateStatements()`). */
    readonly statements: readonly (readonly string[])[];
  }
  | {
    /** A `token_range_queries` entry: one page per op. */
    readonly kind: "token_range";
    /** The profile's index. */
    readonly table: number;
    /** The columns, as written (`*` or a list). */
    readonly columns: string;
    /** Rows per page. */
    readonly pageSize: number;
    /** Each of the ring's ranges is read as this many even parts (`-tokenrange split-factor=`). */
    readonly splitFactor: number;
    /**
     * `-tokenrange wrap`: once every range was read, start over; without it, an op loop that
     * finds no range left stops.
     */
    readonly wrap: boolean;
  };

/** The target of a `user` command. */
export interface UserTargetSpec extends CqlConnectionSpec {
  /** The kind. */
  readonly kind: "cql-user";
  /** The profiles' tables, in the order of `profile=`. */
  readonly tables: readonly UserTableSpec[];
  /** The ops, in the order of the run's op names. */
  readonly ops: readonly UserOpSpec[];
  /**
   * The data path: `native`, our own protocol client with token-aware routing (the default), or
   * `driver`, npm:cassandra-driver (`-mode client=driver`).
   */
  readonly client: "native" | "driver";
  /**
   * The ring the native path routes by (its replication: the target's keyspace's), read by the
   * control connection once the schema exists; null before that, on the driver path, or to
   * route to the contact points only.
   */
  readonly ring: CqlRingSpec | null;
  /**
   * The replication map of each profile's keyspace, by keyspace name (each keyspace has its own
   * replicas); a keyspace not listed routes by `ring.replication`.
   */
  readonly replicationByKeyspace: Readonly<Record<string, Readonly<Record<string, string>>>>;
}
