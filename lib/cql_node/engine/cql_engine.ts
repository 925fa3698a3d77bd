/**
 * The embedded node's query engine: parses, prepares and executes CQL against in-memory tables.
 * Pure: the clock and randomness are passed in; the server owns the sockets.
 *
 * @module
 */

import type { ParsedStatement, QualifiedName, Statement } from "../parse/cql_ast.ts";
import { CqlError } from "../protocol/cql_error.ts";
import { CqlSyntaxError } from "../parse/cql_syntax_error.ts";
import { ERROR_CODE } from "../protocol/protocol_constants.ts";
import { parseCql } from "../parse/parse_cql.ts";
import { Schema, type TableSchema } from "./schema.ts";
import {
  addSystemKeyspaces,
  isSystemKeyspace,
  type NodeInfo,
  refreshSystemTables,
} from "./system_tables.ts";
import { checkConsistency, CL } from "./_consistency.ts";
import { BindCollector, type BindSpec, type ExecContext } from "./_bind.ts";
import { alterKeyspace, createKeyspace, createTable } from "./_ddl.ts";
import { type StatementCounts, StatementLog } from "./statement_log.ts";
import { type ColumnSpec, compileSelect, type PageRequest } from "./_select_plan.ts";
import {
  appliedBytes,
  compileDelete,
  compileInsert,
  compileUpdate,
  type WritePlan,
} from "./_write_plan.ts";

export type { ColumnSpec } from "./_select_plan.ts";
export type { BindSpec } from "./_bind.ts";
export type {
  StatementCounts,
  StatementKind,
  StatementLog,
  StatementLogEntry,
} from "./statement_log.ts";

/** The outcome of a statement, as a RESULT frame carries it. */
export type ExecResult =
  | { kind: "void" }
  | {
    kind: "rows";
    columns: ColumnSpec[];
    rows: (Uint8Array | null)[][];
    pagingState: Uint8Array | null;
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
}

/** The consistency levels of a request. */
export interface ConsistencyLevels {
  /** The consistency level's protocol code. @default 1 (ONE) */
  consistency?: number;
  /** The serial consistency level's protocol code. @default 8 (SERIAL) */
  serialConsistency?: number;
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
  /** The statement log's counter of its text (shared by every statement with that text). */
  readonly counts: StatementCounts;
}

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
}

function hashId(text: string): Uint8Array {
  // Four 32-bit FNV-1a lanes with different offsets, then mixed: 16 bytes.
  const lanes = new Uint32Array([0x811c9dc5, 0x01000193 ^ 0x5bd1e995, 0x9747b28c, 0x2545f491]);
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    for (let l = 0; l < 4; l++) lanes[l] = Math.imul(lanes[l] ^ (c + l * 0x9e37), 0x01000193);
  }
  for (let l = 0; l < 4; l++) {
    let h = lanes[l] ^ lanes[(l + 1) & 3];
    h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
    h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
    lanes[l] = h ^ (h >>> 16);
  }
  const out = new Uint8Array(16);
  new DataView(out.buffer).setUint32(0, lanes[0]);
  new DataView(out.buffer).setUint32(4, lanes[1]);
  new DataView(out.buffer).setUint32(8, lanes[2]);
  new DataView(out.buffer).setUint32(12, lanes[3]);
  return out;
}

function hex(bytes: Uint8Array): string {
  let s = "";
  for (const b of bytes) s += b.toString(16).padStart(2, "0");
  return s;
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
    const id = hashId(`${session.keyspace ?? ""}\u0000${query}`);
    const key = hex(id);
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
    return this.#prepared.get(hex(id));
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
    const key = `${session.keyspace ?? ""}\u0000${query}`;
    let statement = this.#unprepared.get(key);
    if (statement) statement.counts.queried++;
    else {
      const counts = this.statementLog.counter(query);
      counts.queried++;
      statement = this.#compile(query, new Uint8Array(0), session, counts);
      if (statement.write !== null || statement.resultColumns !== null) {
        if (this.#unprepared.size >= UNPREPARED_CACHE_LIMIT) {
          this.#unprepared.delete(this.#unprepared.keys().next().value!);
        }
        this.#unprepared.set(key, statement);
      }
    }
    return statement;
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
    for (const { statement } of items) {
      if (statement.write === null) {
        throw CqlError.invalid(
          "Invalid statement in batch: only UPDATE, INSERT and DELETE statements are allowed.",
        );
      }
      const isCounter = statement.write.table.isCounter;
      if (type === "counter" && !isCounter) {
        throw CqlError.invalid("Cannot include non-counter statement in a counter batch");
      }
      if (type !== "counter" && isCounter) {
        throw CqlError.invalid(
          type === "logged"
            ? "Cannot include a counter statement in a logged batch"
            : "Counter and non-counter mutations cannot exist in the same batch",
        );
      }
    }
    for (const { statement } of items) {
      this.#checkLevels(statement.write!.table, levels, statement.write);
    }
    let applied = true;
    let conditional = false;
    for (const { statement, values } of items) {
      const outcome = statement.write!.apply(this.#context(values));
      if (outcome !== null) {
        conditional = true;
        applied &&= outcome.applied;
      }
    }
    return conditional
      ? this.#appliedResult(applied, items[0].statement.write!.table, null)
      : { kind: "void" };
  }

  #checkLevels(table: TableSchema, levels: ConsistencyLevels, write: WritePlan | null): void {
    const keyspace = this.schema.keyspaces.get(table.keyspace);
    if (keyspace === undefined) return;
    checkConsistency(keyspace, this.#options.node.datacenter, {
      consistency: levels.consistency ?? CL.one,
      serialConsistency: levels.serialConsistency ?? CL.serial,
      write: write !== null,
      conditional: write?.conditional ?? false,
      counter: table.isCounter,
      table: table.name,
    });
  }

  #context(values: (Uint8Array | null | undefined)[]): ExecContext {
    return { values, nowMs: this.#options.clockMs(), randomBytes: this.#options.randomBytes };
  }

  #appliedResult(
    applied: boolean,
    table: TableSchema,
    existing: (Uint8Array | null)[] | null,
  ): ExecResult {
    const columns: ColumnSpec[] = [{
      keyspace: table.keyspace,
      table: table.name,
      name: "[applied]",
      type: { kind: "native", name: "boolean" },
    }];
    if (existing === null) {
      return { kind: "rows", columns, rows: [[appliedBytes(applied)]], pagingState: null };
    }
    for (const col of table.columns) {
      columns.push({ keyspace: table.keyspace, table: table.name, name: col.name, type: col.type });
    }
    return {
      kind: "rows",
      columns,
      rows: [[appliedBytes(applied), ...existing]],
      pagingState: null,
    };
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

  #keyspaceOf(name: QualifiedName, session: Session): string {
    const keyspace = name.keyspace ?? session.keyspace;
    if (keyspace === undefined) {
      throw CqlError.invalid(
        "No keyspace has been specified. USE a keyspace, or explicitly specify keyspace.tablename",
      );
    }
    return keyspace;
  }

  #table(name: QualifiedName, session: Session): TableSchema {
    const keyspaceName = this.#keyspaceOf(name, session);
    const keyspace = this.schema.keyspaces.get(keyspaceName);
    if (!keyspace) throw CqlError.invalid(`keyspace ${keyspaceName} does not exist`);
    const table = keyspace.tables.get(name.name);
    if (!table) throw CqlError.invalid(`table ${name.name} does not exist`);
    return table;
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
          binds: this.#specs(binds, markerNames),
          pkIndexes: this.#pkIndexes(table, statement),
          resultColumns: plan.columns,
          write: null,
          run: (options) => {
            this.#checkLevels(table, options, null);
            const page = plan.run(this.#context(options.values), options);
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
          binds: this.#specs(binds, markerNames),
          pkIndexes: this.#pkIndexes(table, statement),
          // Conditional results carry their own metadata (the existing row when not applied).
          resultColumns: null,
          write: plan,
          run: (options) => {
            this.#checkLevels(table, options, plan);
            const outcome = plan.apply(this.#context(options.values));
            return outcome === null
              ? { kind: "void" }
              : this.#appliedResult(outcome.applied, table, outcome.existing);
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
        const binds: BindSpec[] = markerNames.map((name, i) => {
          for (const child of children) {
            const spec = child.binds.specs[i];
            if (spec) return spec;
          }
          return { keyspace: "", table: "", name: name ?? `[${i}]`, type: BLOB };
        });
        return {
          ...base,
          binds,
          resultColumns: null,
          write: null,
          run: (options) => {
            const parts = children.map(({ plan }) => ({
              statement: { write: plan },
              values: options.values,
            }));
            return this.#applyBatch(statement.type, parts, options);
          },
        };
      }
      default:
        return {
          ...base,
          binds: [],
          resultColumns: null,
          write: null,
          run: (_options, s) => this.#ddl(statement, s),
        };
    }
  }

  #specs(binds: BindCollector, names: (string | undefined)[]): BindSpec[] {
    return names.map((name, i) =>
      binds.specs[i] ??
        { keyspace: binds.keyspace, table: binds.table, name: name ?? `[${i}]`, type: BLOB }
    );
  }

  #pkIndexes(table: TableSchema, statement: Statement): number[] {
    const where = "where" in statement ? statement.where : [];
    const out: number[] = [];
    for (const col of table.partitionKey) {
      let index = -1;
      if (statement.kind === "insert") {
        const at = statement.columns.indexOf(col.name);
        const term = at >= 0 ? statement.values[at] : undefined;
        if (term?.kind === "bind") index = term.index;
      } else {
        const relation = where.find((r) =>
          r.op === "=" && r.columns.length === 1 && r.columns[0] === col.name
        );
        if (relation?.value.kind === "bind") index = relation.value.index;
      }
      if (index < 0) return [];
      out.push(index);
    }
    return out;
  }

  #changed(change: SchemaChange): SchemaChange {
    this.schema.bump();
    refreshSystemTables(this.schema, this.#options.node);
    // Statements compiled against dropped or changed tables must be prepared again.
    for (const cache of [this.#prepared, this.#unprepared]) {
      for (const [key, statement] of cache) {
        const table = statement.write?.table ?? null;
        void table;
        if (change.change !== "CREATED") cache.delete(key);
      }
    }
    this.#options.onSchemaChange?.(change);
    return change;
  }

  #ddl(statement: Statement, session: Session): ExecResult {
    const schema = this.schema;
    switch (statement.kind) {
      case "use": {
        if (!schema.keyspaces.has(statement.keyspace)) {
          throw CqlError.invalid(`Keyspace '${statement.keyspace}' does not exist`);
        }
        session.keyspace = statement.keyspace;
        return { kind: "setKeyspace", keyspace: statement.keyspace };
      }
      case "createKeyspace": {
        const warnings = createKeyspace(schema, statement, this.#options.node.datacenter);
        if (warnings === null) return { kind: "void" };
        return this.#changed({
          kind: "schemaChange",
          change: "CREATED",
          target: "KEYSPACE",
          keyspace: statement.keyspace,
          warnings,
        });
      }
      case "alterKeyspace": {
        const warnings = alterKeyspace(schema, statement, this.#options.node.datacenter);
        return this.#changed({
          kind: "schemaChange",
          change: "UPDATED",
          target: "KEYSPACE",
          keyspace: statement.keyspace,
          warnings,
        });
      }
      case "dropKeyspace": {
        const name = statement.table.name;
        const keyspace = schema.keyspaces.get(name);
        if (!keyspace) {
          if (statement.ifExists) return { kind: "void" };
          throw CqlError.invalid(`Keyspace '${name}' doesn't exist`);
        }
        if (keyspace.system) {
          throw new CqlError(ERROR_CODE.unauthorized, `${name} keyspace is not user-modifiable.`);
        }
        schema.keyspaces.delete(name);
        return this.#changed({
          kind: "schemaChange",
          change: "DROPPED",
          target: "KEYSPACE",
          keyspace: name,
        });
      }
      case "createTable": {
        const keyspace = this.#keyspaceOf(statement.table, session);
        if (!createTable(schema, keyspace, statement)) return { kind: "void" };
        return this.#changed({
          kind: "schemaChange",
          change: "CREATED",
          target: "TABLE",
          keyspace,
          table: statement.table.name,
        });
      }
      case "dropTable": {
        const keyspaceName = this.#keyspaceOf(statement.table, session);
        const keyspace = schema.keyspaces.get(keyspaceName);
        if (!keyspace?.tables.has(statement.table.name)) {
          if (statement.ifExists) return { kind: "void" };
          throw CqlError.invalid(`Table '${keyspaceName}.${statement.table.name}' doesn't exist`);
        }
        if (keyspace.system) {
          throw new CqlError(
            ERROR_CODE.unauthorized,
            `${keyspaceName} keyspace is not user-modifiable.`,
          );
        }
        keyspace.tables.delete(statement.table.name);
        return this.#changed({
          kind: "schemaChange",
          change: "DROPPED",
          target: "TABLE",
          keyspace: keyspaceName,
          table: statement.table.name,
        });
      }
      case "truncate": {
        const table = this.#table(statement.table, session);
        if (isSystemKeyspace(table.keyspace)) {
          throw new CqlError(
            ERROR_CODE.unauthorized,
            `${table.keyspace} keyspace is not user-modifiable.`,
          );
        }
        table.store.truncate();
        return { kind: "void" };
      }
      default:
        throw CqlError.invalid(`Unsupported statement ${statement.kind}`);
    }
  }
}

const BLOB = { kind: "native", name: "blob" } as const;
