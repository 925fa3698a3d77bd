/**
 * The target of a `user` profile run on our own native protocol path (`-mode client=native`,
 * the default): the same statements, rows and counts as {@linkcode UserTarget}
 * (cassandra-driver's), sent over {@linkcode NativeConnection}s routed by token. Each keyspace
 * of the profiles has its own connections (`USE` it, as the driver path has a client per
 * keyspace), its own token map (its replication) and its statements prepared on every
 * connection: the insert, the queries and the validate statements. An insert or a query goes to
 * a local replica of its partition key's token first (a compound key hashed in its composite
 * form), a batch to one of its first partition's, a token range page to one of its range's.
 *
 * @module
 */

import { Prng } from "../../core/prng.ts";
import type { OpCount, SeedSource, Target } from "../../engine/target.ts";
import type { WorkerShare } from "../../engine/serve_target_worker.ts";
import { ProfilePartitionGenerator } from "../profile_data/profile_partition_generator.ts";
import { BATCH_TYPE, type BatchType } from "../../protocol/protocol_codes.ts";
import type { UserTargetSpec } from "../user/user_target_spec.ts";
import { countedFailure, countsNothingIfFailed, NOTHING } from "./_counted_failure.ts";
import { type MarkerSource, markerSources } from "./_user_rows.ts";
import {
  checkUserSpec,
  insertValues,
  MAX_BATCH,
  queryValues,
  type UserTableState,
  userTableStates,
} from "./_user_op_values.ts";
import { NativeKeyspacePool } from "./_native_keyspace_pool.ts";
import { consistencyCodeOf, routingRingOf } from "./_native_routing.ts";
import {
  type CqlValueDecoder,
  nativeTokenPages,
  nativeValidateReader,
} from "./_native_user_reads.ts";
import { TokenRangePager, TokenRangeQueues } from "./_token_range_pager.ts";
import { type SendInsert, SingleRowInserts } from "./_single_row_inserts.ts";
import { ValidatingQuery } from "./_validating_query.ts";
import type { RequestOptions } from "./native_connection.ts";

/** Rows per page, cassandra-driver's default fetch size; a query reads every page. */
const PAGE_SIZE = 5000;

/** A table's state, its keyspace's pool and the index of its insert statement there. */
interface TableState {
  readonly data: UserTableState;
  readonly pool: NativeKeyspacePool;
  readonly insert: number;
  /** The insert's request options: the run's, with the profile's own insert levels. */
  readonly insertOptions: RequestOptions;
  readonly batchType: BatchType;
  /** The packed inserts of a single-row table, with what sends them; null otherwise. */
  readonly packed: { readonly inserts: SingleRowInserts; readonly send: SendInsert } | null;
}

/** One op of the run, ready to send. */
type OpState =
  | { readonly kind: "insert"; readonly table: TableState }
  | {
    readonly kind: "query";
    readonly table: TableState;
    /** The statement's index in the keyspace's pool. */
    readonly statement: number;
    readonly sources: readonly MarkerSource[];
    readonly multirow: boolean;
    /** The request options: the run's, with the query's own consistency levels. */
    readonly options: RequestOptions;
  }
  | { readonly kind: "token_range"; readonly pager: TokenRangePager }
  | { readonly kind: "validate"; readonly validate: ValidatingQuery };

/** Each keyspace's statements (insert, queries, validate), each once, in op order. */
function statementsByKeyspace(spec: UserTargetSpec): Map<string, Map<string, number>> {
  const out = new Map<string, Map<string, number>>();
  const add = (keyspace: string, cql: string) => {
    let statements = out.get(keyspace);
    if (statements === undefined) out.set(keyspace, statements = new Map());
    if (!statements.has(cql)) statements.set(cql, statements.size);
  };
  for (const table of spec.tables) out.set(table.keyspace, out.get(table.keyspace) ?? new Map());
  for (const op of spec.ops) {
    const table = spec.tables[op.table];
    if (op.kind === "insert") add(table.keyspace, table.insert.statement);
    if (op.kind === "query") add(table.keyspace, op.cql);
    if (op.kind === "validate") {
      for (const cql of op.statements.flat()) add(table.keyspace, cql);
    }
  }
  return out;
}

/** Starts one pool per keyspace; closes those started when one fails. */
async function startPools(
  spec: UserTargetSpec,
  statements: Map<string, Map<string, number>>,
): Promise<Map<string, NativeKeyspacePool>> {
  const ring = routingRingOf(spec, spec.ring);
  const pools = new Map<string, NativeKeyspacePool>();
  try {
    for (const [keyspace, indexes] of statements) {
      pools.set(
        keyspace,
        await NativeKeyspacePool.start({
          spec,
          ring,
          replication: spec.replicationByKeyspace[keyspace] ?? ring.replication,
          keyspace,
          statements: [...indexes.keys()],
        }),
      );
    }
  } catch (error) {
    await Promise.all([...pools.values()].map((pool) => pool.close()));
    throw error;
  }
  return pools;
}

/** What the target is built from, after connecting. */
interface Connected {
  readonly pools: Map<string, NativeKeyspacePool>;
  readonly statements: Map<string, Map<string, number>>;
  readonly decoder: CqlValueDecoder | null;
}

const BATCH_TYPES = {
  LOGGED: BATCH_TYPE.logged,
  UNLOGGED: BATCH_TYPE.unlogged,
  COUNTER: BATCH_TYPE.counter,
} as const;

/**
 * Runs the ops of a `user` profile over our native protocol client: `insert` writes a
 * partition's selected rows (one statement, or batches), a query binds its markers from
 * generated rows and counts what it read (every page), a token range query reads one page, `validate`
 * compares a slice of a partition with the generated rows.
 *
 * @example Usage
 * ```ts ignore
 * const target = await NativeUserTarget.connect(spec);
 * const { partitions, rows } = await target.op(0, 1);
 * await target.close();
 * ```
 */
export class NativeUserTarget implements Target {
  readonly #pools: Map<string, NativeKeyspacePool>;
  readonly #ops: OpState[];
  readonly #options: RequestOptions;
  readonly #prng = new Prng(1);

  private constructor(spec: UserTargetSpec, connected: Connected, share: WorkerShare) {
    const { pools, statements } = connected;
    this.#pools = pools;
    this.#options = {
      consistency: consistencyCodeOf(spec.consistency),
      serialConsistency: consistencyCodeOf(spec.serialConsistency),
      timeoutMs: spec.requestTimeoutMs,
      pageSize: PAGE_SIZE,
    };
    const tables = userTableStates(spec, this.#prng).map((data): TableState => {
      const pool = pools.get(data.spec.keyspace)!;
      const insert = statements.get(data.spec.keyspace)!.get(data.spec.insert.statement) ?? -1;
      const { consistency, serialConsistency, batchType } = data.spec.insert;
      const insertOptions: RequestOptions = {
        ...this.#options,
        consistency: consistencyCodeOf(consistency ?? spec.consistency),
        serialConsistency: consistencyCodeOf(serialConsistency ?? spec.serialConsistency),
      };
      const inserts = SingleRowInserts.of(data);
      const send: SendInsert = (key, values) => pool.execute(insert, key, values, insertOptions);
      const packed = inserts === null ? null : { inserts, send };
      return { data, pool, insert, insertOptions, batchType: BATCH_TYPES[batchType], packed };
    });
    // The token range queries of a profile share its ranges, as cassandra-stress shares them.
    const queues = new TokenRangeQueues(share);
    this.#ops = spec.ops.map((op): OpState => {
      const table = tables[op.table];
      const indexes = statements.get(table.data.spec.keyspace)!;
      switch (op.kind) {
        case "insert":
          return { kind: "insert", table };
        case "query":
          return {
            kind: "query",
            table,
            statement: indexes.get(op.cql)!,
            sources: markerSources(op.cql, table.data.spec.data),
            multirow: op.fields === "multirow",
            options: {
              ...this.#options,
              consistency: consistencyCodeOf(op.consistency ?? spec.consistency),
              serialConsistency: consistencyCodeOf(op.serialConsistency ?? spec.serialConsistency),
            },
          };
        case "validate": {
          const read = nativeValidateReader(table.pool, indexes, this.#options, connected.decoder!);
          const sorted = new ProfilePartitionGenerator(table.data.spec.data, { order: "sorted" });
          const validate = new ValidatingQuery(read, table.data.spec.data, sorted, op.statements);
          return { kind: "validate", validate };
        }
        case "token_range": {
          const pages = nativeTokenPages(table.pool, this.#options);
          return {
            kind: "token_range",
            pager: new TokenRangePager(pages, table.data.spec, op, queues.of(op, pages)),
          };
        }
      }
    });
  }

  /**
   * Connects to the local hosts of the ring, one pool per keyspace, and prepares the run's
   * statements on every connection.
   *
   * @param spec The target.
   * @param share This Worker's share of the run (which token ranges it reads).
   * @returns The connected target.
   * @throws {Error} For what it does not run, before connecting (a marker that follows no
   * generated column, a protocol version below 3), or when no host can be reached.
   */
  static async connect(
    spec: UserTargetSpec,
    share: WorkerShare = { workerIndex: 0, workers: 1 },
  ): Promise<NativeUserTarget> {
    checkUserSpec(spec);
    // cassandra-driver's value decoder is loaded only by a run that validates.
    const decoder = spec.ops.some((op) => op.kind === "validate")
      ? await import("./_cql_value_decoder.ts")
      : null;
    const statements = statementsByKeyspace(spec);
    const pools = await startPools(spec, statements);
    try {
      return new NativeUserTarget(spec, { pools, statements, decoder }, share);
    } catch (error) {
      await Promise.all([...pools.values()].map((pool) => pool.close()));
      throw error;
    }
  }

  /**
   * Whether an op of this kind can run: a token range query without `-tokenrange wrap` cannot
   * once its ranges were all read (the op loop then stops, as cassandra-stress's thread does).
   *
   * @param kind The op index.
   * @returns Whether it can run.
   */
  ready(kind: number): boolean {
    const op = this.#ops[kind];
    return op.kind !== "token_range" || op.pager.hasWork();
  }

  /**
   * Runs one op.
   *
   * @param kind The op index.
   * @param seed The population seed (the partition).
   * @param more Further seeds, for an insert of several partitions.
   * @returns The partitions and rows it wrote or read (an `OpCount`), or, for the insert of a
   * single-row partition sent already encoded, the request's result, which the engine counts
   * as one partition and one row.
   * @throws {CountedFailure} When a query or an insert fails: the error, with what the failed
   * op counts (a query nothing, an insert what it tried to write, as cassandra-stress counts).
   */
  op(kind: number, seed: number, more?: SeedSource): Promise<unknown> {
    const op = this.#ops[kind];
    switch (op.kind) {
      case "insert": {
        const { packed } = op.table;
        if (packed !== null) return packed.inserts.run(seed, this.#prng, packed.send);
        return this.#insert(op.table, seed, more);
      }
      case "query":
        return this.#query(op, seed);
      case "token_range":
        return countsNothingIfFailed(op.pager.next());
      case "validate":
        // The group, statement and bounds are random, as cassandra-stress draws them.
        return countsNothingIfFailed(op.validate.run(seed, this.#prng));
    }
  }

  async #insert(table: TableState, seed: number, more?: SeedSource): Promise<OpCount> {
    const { pool } = table;
    const { partitions, key, params } = insertValues(table.data, seed, more, this.#prng);
    // Counted before it is sent, as cassandra-stress counts an insert, failed or not.
    const count: OpCount = params.length === 1
      ? { partitions: 1, rows: 1 }
      : { partitions, rows: params.length };
    try {
      if (params.length === 1) {
        await pool.execute(table.insert, key, params[0], table.insertOptions);
        return count;
      }
      for (let at = 0; at < params.length; at += MAX_BATCH) {
        const chunk = params.slice(at, at + MAX_BATCH);
        await pool.batch(table.batchType, table.insert, key, chunk, table.insertOptions);
      }
    } catch (error) {
      throw countedFailure(error, count);
    }
    return count;
  }

  async #query(op: OpState & { kind: "query" }, seed: number): Promise<OpCount> {
    const { key, params } = queryValues(op.table.data, op, seed, this.#prng);
    // The rows of its result, every page (cassandra-stress reads them all), whatever the
    // statement: a SELECT's rows, an LWT's one `[applied]` row, none for a plain write.
    let rows = 0;
    let options = op.options;
    try {
      for (;;) {
        const result = await op.table.pool.execute(op.statement, key, params[0], options);
        if (result.kind !== "rows") break;
        rows += result.rowCount;
        if (result.pagingState == null) break;
        options = { ...op.options, pagingState: result.pagingState };
      }
    } catch (error) {
      throw countedFailure(error, NOTHING);
    }
    return { partitions: Math.min(1, rows), rows };
  }

  /** Closes every connection. */
  async close(): Promise<void> {
    await Promise.all([...this.#pools.values()].map((pool) => pool.close()));
  }
}
