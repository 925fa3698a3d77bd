/**
 * The typed form of a cassandra-stress YAML profile (`stress user profile=FILE`), as
 * `parseProfile` (`parse_profile.ts`) builds it.
 *
 * @module
 */

import type { DistributionSpec, RatioDistributionSpec } from "../../units/distribution_spec.ts";
import type { TableColumns } from "./table_columns.ts";

/** The distribution specs a profile holds, for users of this module. */
export type * from "../../units/distribution_spec.ts";

/** One `columnspec` entry: how a column's values are generated. Null = not given. */
export interface ProfileColumnSpec {
  /** The column name, exact case (cassandra-stress matches it exactly). */
  readonly name: string;
  /** `size:` chars, bytes or elements per value. */
  readonly size: DistributionSpec | null;
  /** `population:` the identity distribution (how many distinct values). */
  readonly population: DistributionSpec | null;
  /** `cluster:` values per parent prefix (clustering columns). */
  readonly cluster: DistributionSpec | null;
}

/** The `insert` section. Null = not given (then `-insert` or the default applies). */
export interface ProfileInsert {
  /** `partitions:` partitions per insert op. */
  readonly partitions: DistributionSpec | null;
  /** `select:` the chance each generated row is written, `DIST/divisor`. */
  readonly select: RatioDistributionSpec | null;
  /** `batchtype:` upper case only. */
  readonly batchType: "LOGGED" | "UNLOGGED" | "COUNTER" | null;
  /** `row-population:` read and checked, but cassandra-stress never applies it. */
  readonly rowPopulation: RatioDistributionSpec | null;
  /** `condition:` appended verbatim after the insert's WHERE, e.g. `IF body = NULL`. */
  readonly condition: string | null;
  /**
   * `consistencyLevel:` (ScyllaDB's fork 3.19), upper-case, or null: the insert's level in place
   * of `cl=`.
   */
  readonly consistencyLevel: string | null;
  /** `serialConsistencyLevel:` (ScyllaDB's fork 3.19), upper-case, or null for `serial-cl=`. */
  readonly serialConsistencyLevel: string | null;
  /** The section as written, key and value text in order (for the settings dump); null when absent. */
  readonly given: readonly (readonly [string, string])[] | null;
}

/** One `queries` entry. */
export interface ProfileQuery {
  /** The name, as the YAML spells it. */
  readonly name: string;
  /** `cql:` the statement. */
  readonly cql: string;
  /** `fields:` how markers are bound; `multirow` when not given. */
  readonly fields: "samerow" | "multirow";
  /** `fields:` as written, or null (the settings dump prints it so). */
  readonly fieldsGiven: string | null;
  /** `consistencyLevel:` (ScyllaDB's fork), as written, or null. */
  readonly consistencyLevel: string | null;
  /** `serialConsistencyLevel:` (ScyllaDB's fork), as written, or null. */
  readonly serialConsistencyLevel: string | null;
}

/** One `token_range_queries` entry. */
export interface ProfileTokenRangeQuery {
  /** The name, as the YAML spells it (ops(...) must spell it the same way). */
  readonly name: string;
  /** `columns:` the column list, or `*`. */
  readonly columns: string;
  /** `page_size:` rows per page; 5000 when not given. */
  readonly pageSize: number;
}

/** A parsed profile. */
export interface StressProfile {
  /** The file it was read from, as given (error messages and the dump name it). */
  readonly fileName: string;
  /** `specname:`, else `keyspace.table`: what `ops(spec.op=...)` names. */
  readonly specName: string;
  /** `keyspace:` */
  readonly keyspace: string;
  /** `keyspace_definition:` the CREATE KEYSPACE statement, or null (absent or empty). */
  readonly keyspaceDefinition: string | null;
  /** `table:` */
  readonly table: string;
  /** `table_definition:` the CREATE TABLE statement, or null (absent or empty). */
  readonly tableDefinition: string | null;
  /** The columns of `table_definition`, or null without one. */
  readonly tableColumns: TableColumns | null;
  /** `extra_definitions:` more CQL run after the table, or null. */
  readonly extraDefinitions: readonly string[] | null;
  /** `columnspec:` in the order written. */
  readonly columnSpecs: readonly ProfileColumnSpec[];
  /** `insert:` */
  readonly insert: ProfileInsert;
  /** `queries:` in the order written. */
  readonly queries: readonly ProfileQuery[];
  /** `token_range_queries:` in the order written. */
  readonly tokenRangeQueries: readonly ProfileTokenRangeQuery[];
}
