/**
 * What the engine hands out and takes back: a prepared (or compiled) statement, the options of
 * one execution, the connection's session, and the results a RESULT frame carries.
 *
 * @module
 */

import type { BindSpec } from "./_bind.ts";
import type { ColumnSpec, PageRequest } from "./_select_plan.ts";
import type { StatementCounts } from "./statement_log.ts";
import type { WritePlan } from "./_write_plan.ts";

/** The outcome of a statement, as a RESULT frame carries it. */
export type ExecResult =
  | {
    kind: "void";
    /** Warnings for the client (an UNLOGGED batch over many partitions). */
    warnings?: string[];
  }
  | {
    kind: "rows";
    columns: ColumnSpec[];
    rows: (Uint8Array | null)[][];
    pagingState: Uint8Array | null;
    /** Warnings for the client (an aggregate over every partition). */
    warnings?: string[];
  }
  | { kind: "setKeyspace"; keyspace: string }
  | SchemaChange;

/** A schema change, as a RESULT and as an EVENT. */
export interface SchemaChange {
  /** Marks a schema change. */
  kind: "schemaChange";
  /** What happened. */
  change: "CREATED" | "UPDATED" | "DROPPED";
  /** What it happened to. */
  target: "KEYSPACE" | "TABLE";
  /** The keyspace. */
  keyspace: string;
  /** The table, for TABLE changes. */
  table?: string;
  /** Warnings for the client (the RESULT only, not the EVENT). */
  warnings?: string[];
}

/** A connection's state the engine reads and changes (`USE`). */
export interface Session {
  /** The current keyspace. */
  keyspace?: string;
}

/** Parameters of one QUERY or EXECUTE. */
export interface ExecOptions extends PageRequest {
  /** Bound values in marker order (already reordered when sent with names). */
  values: (Uint8Array | null | undefined)[];
  /** The consistency level's protocol code. @default 1 (ONE) */
  consistency?: number;
  /** The serial consistency level's protocol code (conditional writes). @default 8 (SERIAL) */
  serialConsistency?: number;
  /** The request's default timestamp in microseconds (writes without USING TIMESTAMP).
   * @default the node's clock */
  timestamp?: bigint;
}

/** The consistency levels of a request. */
export interface ConsistencyLevels {
  /** The consistency level's protocol code. @default 1 (ONE) */
  consistency?: number;
  /** The serial consistency level's protocol code. @default 8 (SERIAL) */
  serialConsistency?: number;
  /** The request's default timestamp in microseconds. @default the node's clock */
  timestamp?: bigint;
}

/** A prepared statement. */
export interface PreparedStatement {
  /** The id clients execute it by. */
  id: Uint8Array;
  /** The query text. */
  query: string;
  /** Bind marker specs, in marker order. */
  binds: BindSpec[];
  /** Marker names (`:name`), `undefined` for `?`. */
  markerNames: (string | undefined)[];
  /** For each partition key column, the index of the marker that binds it (routing). */
  pkIndexes: number[];
  /** Result columns for SELECT, `null` otherwise. */
  resultColumns: ColumnSpec[] | null;
  /** Runs it. */
  run(options: ExecOptions, session: Session): ExecResult;
  /** The write plan, for statements that can go in a BATCH. */
  write: WritePlan | null;
  /**
   * Whether it is a workload's request, which injected errors may answer (`stress serve
   * --errors`): a read or write of a user table. USE, schema changes, TRUNCATE and reads of the
   * system keyspaces are a client's set-up, which they spare.
   */
  readonly workload: boolean;
  /** The statement log's counter of its text (shared by every statement with that text). */
  readonly counts: StatementCounts;
}
