/**
 * The embedded node's query engine: parses, prepares and executes CQL against in-memory tables.
 * Pure: the clock and randomness are passed in; the server owns the sockets.
 *
 * @module
 */

import type { ParsedStatement, Statement } from "../parse/cql_ast.ts";
import { CqlError } from "../protocol/cql_error.ts";
import { CqlSyntaxError } from "../parse/cql_syntax_error.ts";
import { ERROR_CODE } from "../../protocol/protocol_codes.ts";
import { parseCql } from "../parse/parse_cql.ts";
import { Schema, type TableSchema } from "./schema.ts";
import {
  addSystemKeyspaces,
  isSystemKeyspace,
  type NodeInfo,
  refreshSystemTables,
} from "./system_tables.ts";
import { checkConsistency, CL } from "./_consistency.ts";
import { nodePlaceOf } from "./_node_place.ts";
import type { NodePlace } from "./_replication.ts";
import { BindCollector, type ExecContext } from "./_bind.ts";
import { type StatementCounts, StatementLog } from "./statement_log.ts";
import { compileSelect } from "./_select_plan.ts";
import { compileDelete, compileInsert, compileUpdate, type WritePlan } from "./_write_plan.ts";
import type {
  ConsistencyLevels,
  ExecOptions,
  ExecResult,
  PreparedStatement,
  SchemaChange,
  Session,
} from "./prepared_statement.ts";
import { statementId, statementKey } from "./_statement_id.ts";
import { appliedResult } from "./_applied_result.ts";
import { applyConditionalBatch, batchResult } from "./_conditional_batch.ts";
import { batchSizeWarnings } from "./_batch_size.ts";
import { checkBatchKinds, writeAtOneTimestamp } from "./_batch_ties.ts";
import { tableOf } from "./_table_lookup.ts";
import { checkBatchUsing, compileBatchTimestamp } from "./_using.ts";
import { pkIndexes } from "./_pk_indexes.ts";
import { batchBindSpecs, bindSpecs } from "./_bind_specs.ts";
import { type DdlHost, runDdl } from "./_run_ddl.ts";
import type { RequestTally } from "./request_tally.ts";

export type { ColumnSpec } from "./_select_plan.ts";
export type { BindSpec } from "./_bind.ts";
export type {
  StatementCounts,
  StatementKind,
  StatementLog,
  StatementLogEntry,
} from "./statement_log.ts";
export type {
  ConsistencyLevels,
  ExecOptions,
  ExecResult,
  PreparedStatement,
  SchemaChange,
  Session,
} from "./prepared_statement.ts";

/** How the engine is set up. */
export interface EngineOptions {
  /** What the node says about itself. */
  node: NodeInfo;
  /** Milliseconds since the epoch, for `now()` and the like. */
  clockMs: () => number;
  /** Random bytes, for `uuid()`/`now()`. */
  randomBytes: (length: number) => Uint8Array;
  /** Seeds schema UUIDs. @default 1n */
  seed?: bigint;
  /** Called after every schema change (for EVENT frames). */
  onSchemaChange?: (change: SchemaChange) => void;
  /** The most distinct statement texts the statement log keeps. @default 1000 */
  statementLogTexts?: number;
  /**
   * Called after a statement other than USE that changes the schema or truncates a table ran
   * without error, with its text and the session's keyspace (a ring runs it on its other
   * nodes with {@linkcode CqlEngine.applyDdl}).
   */
  onDdl?: (query: string, keyspace: string | undefined) => void;
  /** Counts the reads and writes run, per table. @default undefined */
  tally?: RequestTally;
}

const UNPREPARED_CACHE_LIMIT = 1000;

/**
 * An in-memory CQL node's engine.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { CqlEngine } from "./cql_engine.ts";
 * const engine = new CqlEngine({
 *   node: {
 *     address: "127.0.0.1", port: 9042, clusterName: "Test", datacenter: "datacenter1",
 *     rack: "rack1", releaseVersion: "4.0.11", hostId: "8d3ec2b4-0f2c-4a43-9d35-4c5e3b9f1a22",
 *     tokens: ["0"],
 *   },
 *   clockMs: () => 0,
 *   randomBytes: (n) => new Uint8Array(n),
 * });
 * const session = {};
 * const none = { values: [], pageSize: 0, pagingState: null };
 * engine.query(
 *   "CREATE KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}",
 *   none, session,
 * );
 * engine.query("USE ks", none, session);
 * engine.query("CREATE TABLE t (k int PRIMARY KEY, v text)", none, session);
 * engine.query("INSERT INTO t (k, v) VALUES (1, 'one')", none, session);
 * const result = engine.query("SELECT v FROM t WHERE k = 1", none, session);
 * assert.equal(result.kind, "rows");
 * if (result.kind === "rows") assert.equal(new TextDecoder().decode(result.rows[0][0]!), "one");
 * ```
 */
export class CqlEngine {
  /** The schema (keyspaces, tables, rows). */
  readonly schema: Schema;
  /**
   * Counts of the statements received, by exact text: PREPARE, EXECUTE (by the prepared text),
   * QUERY, and each statement of a BATCH. A request counts once it is parsed from the wire,
   * before the statement compiles, so rejected statements count too (EXECUTE counts when run).
   */
  readonly statementLog: StatementLog;
  readonly #options: EngineOptions;
  readonly #prepared = new Map<string, PreparedStatement>();
  readonly #unprepared = new Map<string, PreparedStatement>();
  readonly #ddlHost: DdlHost;
  readonly #place: NodePlace;
  /** The last timestamp the node gave a write, in microseconds: each is greater. */
  #lastMicros = 0;

  /**
   * Creates an engine with the system keyspaces and no user keyspaces.
   *
   * @param options How the engine is set up.
   */
  constructor(options: EngineOptions) {
    this.#options = options;
    this.schema = new Schema(options.seed ?? 1n);
    this.statementLog = new StatementLog({ maxTexts: options.statementLogTexts ?? 1000 });
    addSystemKeyspaces(this.schema);
    refreshSystemTables(this.schema, options.node);
    this.#place = nodePlaceOf(options.node);
    this.#ddlHost = {
      schema: this.schema,
      node: options.node,
      changed: (change) => this.#changed(change),
    };
  }

  /** The number of statements in the prepared cache. */
  get preparedCount(): number {
    return this.#prepared.size;
  }

  /**
   * Prepares a statement (cached by keyspace and text).
   *
   * @param query The CQL text.
   * @param session The connection state (its keyspace qualifies unqualified names).
   * @returns The prepared statement.
   * @throws {CqlError} For syntax and semantic errors.
   */
  prepare(query: string, session: Session): PreparedStatement {
    const id = statementId(`${session.keyspace ?? ""}\u0000${query}`);
    const key = statementKey(id);
    const cached = this.#prepared.get(key);
    if (cached) {
      cached.counts.prepared++;
      return cached;
    }
    const counts = this.statementLog.counter(query);
    counts.prepared++;
    const prepared = this.#compile(query, id, session, counts);
    this.#prepared.set(key, prepared);
    return prepared;
  }

  /**
   * Looks up a prepared statement by id.
   *
   * @param id The statement id.
   * @returns The statement, or `undefined` (the client must re-prepare).
   */
  preparedById(id: Uint8Array): PreparedStatement | undefined {
    return this.#prepared.get(statementKey(id));
  }

  /**
   * Runs an unprepared statement.
   *
   * @param query The CQL text.
   * @param options Values and paging.
   * @param session The connection state.
   * @returns The result.
   * @throws {CqlError} For any error.
   */
  query(query: string, options: ExecOptions, session: Session): ExecResult {
    return this.unprepared(query, session).run(options, session);
  }

  /**
   * Compiles a statement for an unprepared QUERY, through a small cache of recent texts (it is
   * not added to the prepared cache).
   *
   * @param query The CQL text.
   * @param session The connection state.
   * @returns The compiled statement.
   * @throws {CqlError} For syntax and semantic errors.
   */
  unprepared(query: string, session: Session): PreparedStatement {
    return this.#recent(query, session, true);
  }

  /**
   * Compiles a statement a BATCH sends by its text, through the cache of recent unprepared
   * texts: never the prepared cache, which only PREPARE fills (drivers that bind values on the
   * client send a new text in every batch). {@linkcode CqlEngine.batch} counts it.
   *
   * @param query The CQL text.
   * @param session The connection state.
   * @returns The compiled statement.
   * @throws {CqlError} For syntax and semantic errors.
   */
  inline(query: string, session: Session): PreparedStatement {
    return this.#recent(query, session, false);
  }

  #recent(query: string, session: Session, queried: boolean): PreparedStatement {
    const key = `${session.keyspace ?? ""}\u0000${query}`;
    let statement = this.#unprepared.get(key);
    if (statement) {
      if (queried) statement.counts.queried++;
      return statement;
    }
    const counts = this.statementLog.counter(query);
    if (queried) counts.queried++;
    statement = this.#compile(query, new Uint8Array(0), session, counts);
    if (statement.write !== null || statement.resultColumns !== null) {
      if (this.#unprepared.size >= UNPREPARED_CACHE_LIMIT) {
        this.#unprepared.delete(this.#unprepared.keys().next().value!);
      }
      this.#unprepared.set(key, statement);
    }
    return statement;
  }

  /**
   * Runs a schema change or TRUNCATE another node of the ring ran: not counted in the statement
   * log, not passed to `onDdl`.
   *
   * @param query The CQL text.
   * @param keyspace The keyspace of the session that ran it.
   * @throws {CqlError} When it fails here.
   */
  applyDdl(query: string, keyspace: string | undefined): void {
    runDdl(this.#parse(query).statement, { keyspace }, this.#ddlHost);
  }

  /**
   * Runs a BATCH of INSERT/UPDATE/DELETE statements.
   *
   * @param type Logged, unlogged or counter.
   * @param items The statements with their values.
   * @param session The connection state.
   * @param levels The batch's consistency levels (ONE and SERIAL by default).
   * @returns A void result, or the `[applied]` row of a conditional batch.
   * @throws {CqlError} For any error; nothing is applied when a statement does not compile.
   */
  batch(
    type: "logged" | "unlogged" | "counter",
    items: { statement: PreparedStatement; values: (Uint8Array | null | undefined)[] }[],
    session: Session,
    levels: ConsistencyLevels = {},
  ): ExecResult {
    void session;
    for (let i = 0; i < items.length; i++) items[i].statement.counts.batched++;
    return this.#applyBatch(type, items, levels);
  }

  #applyBatch(
    type: "logged" | "unlogged" | "counter",
    items: { statement: { write: WritePlan | null }; values: (Uint8Array | null | undefined)[] }[],
    levels: ConsistencyLevels,
  ): ExecResult {
    checkBatchKinds(type, items);
    for (const { statement } of items) {
      this.#checkLevels(statement.write!.table, levels, statement.write);
    }
    // The writes of a batch share one timestamp.
    const timestamp = levels.timestamp ?? this.#nextTimestamp(this.#options.clockMs());
    const runs = items.map(({ statement, values }) => ({
      plan: statement.write!,
      ctx: { ...this.#context(values), timestamp },
    }));
    if (runs.some((run) => run.plan.conditional)) {
      const outcome = applyConditionalBatch(runs)!;
      return appliedResult(outcome.applied, runs[0].plan.table, outcome.columns, outcome.rows);
    }
    // A batch of one statement has no size to check and no writes to settle.
    const sized = runs.length < 2
      ? null
      : runs.map((run) => ({ ...run, sizes: run.plan.cellSizes(run.ctx) }));
    const sizeWarnings = sized === null ? [] : batchSizeWarnings(sized);
    if (sized === null || type === "counter") { for (const { plan, ctx } of runs) plan.write(ctx); }
    else writeAtOneTimestamp(sized);
    for (const { plan, ctx } of runs) this.#options.tally?.write(plan, ctx);
    return batchResult(type, runs, sizeWarnings);
  }

  #checkLevels(table: TableSchema, levels: ConsistencyLevels, write: WritePlan | null): void {
    const keyspace = this.schema.keyspaces.get(table.keyspace);
    if (keyspace === undefined) return;
    checkConsistency(keyspace, this.#place, {
      consistency: levels.consistency ?? CL.one,
      serialConsistency: levels.serialConsistency ?? CL.serial,
      write: write !== null,
      conditional: write?.conditional ?? false,
      counter: table.isCounter,
      table: table.name,
    });
  }

  #context(values: (Uint8Array | null | undefined)[], timestamp?: bigint): ExecContext {
    const nowMs = this.#options.clockMs();
    const { randomBytes } = this.#options;
    return { values, nowMs, timestamp: timestamp ?? this.#nextTimestamp(nowMs), randomBytes };
  }

  /** The node's timestamp for a write: its clock in microseconds, above the last one given. */
  #nextTimestamp(nowMs: number): number {
    const micros = Math.floor(nowMs) * 1000;
    this.#lastMicros = micros > this.#lastMicros ? micros : this.#lastMicros + 1;
    return this.#lastMicros;
  }

  /** Looks a table up for a statement, and gives its rows the node's clock (for TTLs). */
  #table(name: Parameters<typeof tableOf>[1], session: Session): TableSchema {
    const table = tableOf(this.schema, name, session);
    table.store.clockMs = this.#options.clockMs;
    return table;
  }

  #parse(query: string): ParsedStatement {
    try {
      return parseCql(query);
    } catch (error) {
      if (error instanceof CqlSyntaxError) {
        throw new CqlError(ERROR_CODE.syntaxError, error.wireMessage);
      }
      throw error;
    }
  }

  #compile(
    query: string,
    id: Uint8Array,
    session: Session,
    counts: StatementCounts,
  ): PreparedStatement {
    const compiled = this.#compileStatement(query, id, session, counts);
    if (id.length > 0) {
      // A prepared statement runs only for EXECUTE: count it there.
      const run = compiled.run;
      compiled.run = (options, s) => {
        counts.executed++;
        return run(options, s);
      };
    }
    return compiled;
  }

  #compileStatement(
    query: string,
    id: Uint8Array,
    session: Session,
    counts: StatementCounts,
  ): PreparedStatement {
    const parsed = this.#parse(query);
    const statement = parsed.statement;
    const markerNames = parsed.markers;
    const base = { id, query, markerNames, pkIndexes: [] as number[], counts };
    switch (statement.kind) {
      case "select": {
        const table = this.#table(statement.table, session);
        const binds = new BindCollector(markerNames.length, table.keyspace, table.name);
        const plan = compileSelect(table, statement, binds);
        return {
          ...base,
          binds: bindSpecs(binds, markerNames),
          pkIndexes: pkIndexes(table, statement),
          resultColumns: plan.columns,
          write: null,
          workload: !isSystemKeyspace(table.keyspace),
          run: (options) => {
            this.#checkLevels(table, options, null);
            const page = plan.run(this.#context(options.values), options);
            this.#options.tally?.read(table);
            return { kind: "rows", columns: plan.columns, ...page };
          },
        };
      }
      case "insert":
      case "update":
      case "delete": {
        const table = this.#table(statement.table, session);
        const binds = new BindCollector(markerNames.length, table.keyspace, table.name);
        const plan = statement.kind === "insert"
          ? compileInsert(table, statement, binds)
          : statement.kind === "update"
          ? compileUpdate(table, statement, binds)
          : compileDelete(table, statement, binds);
        return {
          ...base,
          binds: bindSpecs(binds, markerNames),
          pkIndexes: pkIndexes(table, statement),
          // Conditional results carry their own metadata (the existing row when not applied).
          resultColumns: null,
          write: plan,
          workload: !isSystemKeyspace(table.keyspace),
          run: (options) => {
            this.#checkLevels(table, options, plan);
            const ctx = this.#context(options.values, options.timestamp);
            const outcome = plan.apply(ctx);
            this.#options.tally?.write(plan, ctx);
            return outcome === null
              ? { kind: "void" }
              : appliedResult(outcome.applied, table, outcome.columns, outcome.rows);
          },
        };
      }
      case "batch": {
        const children = statement.statements.map((child) => {
          const table = this.#table(child.table, session);
          const binds = new BindCollector(markerNames.length, table.keyspace, table.name);
          const plan = child.kind === "insert"
            ? compileInsert(table, child, binds)
            : child.kind === "update"
            ? compileUpdate(table, child, binds)
            : compileDelete(table, child, binds);
          return { plan, binds };
        });
        checkBatchUsing(statement, children.map(({ plan }) => plan));
        const binds = batchBindSpecs(children, markerNames);
        const batchTimestamp = compileBatchTimestamp(statement, markerNames.length);
        return {
          ...base,
          binds,
          resultColumns: null,
          write: null,
          workload: true,
          run: (options) => {
            const parts = children.map(({ plan }) => ({
              statement: { write: plan },
              values: options.values,
            }));
            const timestamp = batchTimestamp?.(this.#context(options.values)) ?? options.timestamp;
            return this.#applyBatch(statement.type, parts, { ...options, timestamp });
          },
        };
      }
      default:
        return {
          ...base,
          binds: [],
          resultColumns: null,
          write: null,
          workload: false,
          run: (_options, s) => this.#runDdl(statement, query, s),
        };
    }
  }

  /** Runs USE or DDL, and passes what changed the schema (or truncated) to `onDdl`. */
  #runDdl(statement: Statement, query: string, session: Session): ExecResult {
    const result = runDdl(statement, session, this.#ddlHost);
    if (statement.kind !== "use") this.#options.onDdl?.(query, session.keyspace);
    return result;
  }

  #changed(change: SchemaChange): SchemaChange {
    this.schema.bump();
    refreshSystemTables(this.schema, this.#options.node);
    // Statements compiled against dropped or changed tables must be prepared again.
    for (const cache of [this.#prepared, this.#unprepared]) {
      for (const key of cache.keys()) {
        if (change.change !== "CREATED") cache.delete(key);
      }
    }
    this.#options.onSchemaChange?.(change);
    return change;
  }
}
