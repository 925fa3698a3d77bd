/**
 * The target of a `user` profile run over `npm:cassandra-driver` (`-mode client=driver`): a
 * profile's insert and queries, one client per keyspace per Worker. Rows come from the profile's
 * generators ({@linkcode ProfilePartitionGenerator}), byte for byte as cassandra-stress makes
 * them, and are bound as pre-serialised CQL values, so queries find what inserts wrote. The
 * native path's twin is `NativeUserTarget` (native_user_target.ts); both take their values from
 * `_user_op_values.ts`.
 *
 * @module
 */

import cassandra from "cassandra-driver";
import { Prng } from "../../core/prng.ts";
import type { OpCount, SeedSource, Target } from "../../engine/target.ts";
import type { WorkerShare } from "../../engine/serve_target_worker.ts";
import { ProfilePartitionGenerator } from "../profile_data/profile_partition_generator.ts";
import type { UserTargetSpec } from "../user/user_target_spec.ts";
import { countedFailure, countsNothingIfFailed, NOTHING } from "./_counted_failure.ts";
import { bufferOf, type MarkerSource, markerSources } from "./_user_rows.ts";
import {
  checkUserSpec,
  insertValues,
  MAX_BATCH,
  queryValues,
  type UserTableState,
  userTableStates,
} from "./_user_op_values.ts";
import { driverTokenPages, driverValidateReader } from "./_driver_user_reads.ts";
import { clientOptionsOf } from "./client_options.ts";
import { TokenRangePager, TokenRangeQueues } from "./_token_range_pager.ts";
import { ValidatingQuery } from "./_validating_query.ts";
import { consistencyOf, RequestQueue } from "./_request_queue.ts";

export type { UserTargetSpec } from "../user/user_target_spec.ts";

/** A table's state and the client of its keyspace. */
interface TableState {
  readonly data: UserTableState;
  readonly client: cassandra.Client;
  /** The insert's request options: the run's, with the profile's own insert levels. */
  readonly insertOptions: cassandra.QueryOptions;
}

/** One op of the run, ready to send. */
type OpState =
  | { readonly kind: "insert"; readonly table: TableState }
  | {
    readonly kind: "query";
    readonly table: TableState;
    readonly cql: string;
    readonly sources: readonly MarkerSource[];
    readonly multirow: boolean;
    /** The request options: the run's, with the query's own consistency levels. */
    readonly options: cassandra.QueryOptions;
  }
  | { readonly kind: "token_range"; readonly pager: TokenRangePager }
  | { readonly kind: "validate"; readonly validate: ValidatingQuery };

/** Connects one client per keyspace the tables use. */
async function connectClients(spec: UserTargetSpec): Promise<Map<string, cassandra.Client>> {
  const clients = new Map<string, cassandra.Client>();
  try {
    for (const table of spec.tables) {
      if (clients.has(table.keyspace)) continue;
      const client = new cassandra.Client(clientOptionsOf({ ...spec, keyspace: table.keyspace }));
      clients.set(table.keyspace, client);
      await client.connect();
    }
  } catch (error) {
    await Promise.all([...clients.values()].map((c) => c.shutdown().catch(() => {})));
    throw error;
  }
  return clients;
}

/**
 * Runs the ops of a `user` profile through `cassandra-driver`: `insert` writes a partition's
 * selected rows (one statement, or batches), a query binds its markers from generated rows and
 * counts what it read (every page), a token range query reads one page.
 *
 * @example Usage
 * ```ts ignore
 * const target = await UserTarget.connect(spec);
 * const { partitions, rows } = await target.op(0, 1);
 * await target.close();
 * ```
 */
export class UserTarget implements Target {
  readonly #clients: Map<string, cassandra.Client>;
  readonly #ops: OpState[];
  readonly #options: cassandra.QueryOptions;
  readonly #prng = new Prng(1);
  readonly #requests = new RequestQueue();

  private constructor(
    spec: UserTargetSpec,
    clients: Map<string, cassandra.Client>,
    share: WorkerShare,
  ) {
    this.#clients = clients;
    this.#options = {
      prepare: spec.prepared,
      consistency: consistencyOf(spec.consistency),
      serialConsistency: consistencyOf(spec.serialConsistency),
      readTimeout: spec.requestTimeoutMs,
    };
    const tables = userTableStates(spec, this.#prng).map((data): TableState => ({
      data,
      client: clients.get(data.spec.keyspace)!,
      insertOptions: {
        ...this.#options,
        consistency: consistencyOf(data.spec.insert.consistency ?? spec.consistency),
        serialConsistency: consistencyOf(
          data.spec.insert.serialConsistency ?? spec.serialConsistency,
        ),
      },
    }));
    // The token range queries of a profile share its ranges, as cassandra-stress shares them.
    const queues = new TokenRangeQueues(share);
    this.#ops = spec.ops.map((op): OpState => {
      const table = tables[op.table];
      const { client } = table;
      switch (op.kind) {
        case "insert":
          return { kind: "insert", table };
        case "query":
          return {
            kind: "query",
            table,
            cql: op.cql,
            sources: markerSources(op.cql, table.data.spec.data),
            multirow: op.fields === "multirow",
            options: {
              ...this.#options,
              consistency: consistencyOf(op.consistency ?? spec.consistency),
              serialConsistency: consistencyOf(op.serialConsistency ?? spec.serialConsistency),
            },
          };
        case "validate":
          return {
            kind: "validate",
            validate: new ValidatingQuery(
              driverValidateReader(client, this.#options),
              table.data.spec.data,
              new ProfilePartitionGenerator(table.data.spec.data, { order: "sorted" }),
              op.statements,
            ),
          };
        case "token_range": {
          const pages = driverTokenPages(client, this.#options);
          return {
            kind: "token_range",
            pager: new TokenRangePager(pages, table.data.spec, op, queues.of(op, pages)),
          };
        }
      }
    });
  }

  /**
   * Connects the clients and prepares the ops.
   *
   * @param spec The target.
   * @param share This Worker's share of the run (which token ranges it reads).
   * @returns The connected target.
   * @throws {Error} For what it does not run, before connecting: a marker that follows no
   * generated column, a protocol version below 3.
   */
  static async connect(
    spec: UserTargetSpec,
    share: WorkerShare = { workerIndex: 0, workers: 1 },
  ): Promise<UserTarget> {
    checkUserSpec(spec);
    const clients = await connectClients(spec);
    try {
      return new UserTarget(spec, clients, share);
    } catch (error) {
      await Promise.all([...clients.values()].map((c) => c.shutdown().catch(() => {})));
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
   * @returns The partitions and rows it wrote or read.
   * @throws {CountedFailure} When a query or an insert fails: the error, with what the failed
   * op counts (a query nothing, an insert what it tried to write, as cassandra-stress counts).
   */
  op(kind: number, seed: number, more?: SeedSource): Promise<OpCount> {
    const op = this.#ops[kind];
    switch (op.kind) {
      case "insert":
        return this.#insert(op.table, seed, more);
      case "query":
        return this.#query(op, seed);
      case "token_range":
        return countsNothingIfFailed(this.#requests.send(() => op.pager.next()));
      case "validate":
        // The group, statement and bounds are random, as cassandra-stress draws them.
        return countsNothingIfFailed(this.#requests.send(() => op.validate.run(seed, this.#prng)));
    }
  }

  async #insert(table: TableState, seed: number, more?: SeedSource): Promise<OpCount> {
    const { client } = table;
    const statement = table.data.spec.insert.statement;
    const { partitions, params: raw } = insertValues(table.data, seed, more, this.#prng);
    // cassandra-driver binds blobs from Buffers (views of the generated bytes, no copy).
    const params = raw.map((values) => values.map(bufferOf));
    // Counted before it is sent, as cassandra-stress counts an insert, failed or not.
    const count: OpCount = params.length === 1
      ? { partitions: 1, rows: 1 }
      : { partitions, rows: params.length };
    try {
      if (params.length === 1) {
        await this.#requests.send(() => client.execute(statement, params[0], table.insertOptions));
        return count;
      }
      const batchType = table.data.spec.insert.batchType;
      const options: cassandra.QueryOptions = {
        ...table.insertOptions,
        logged: batchType === "LOGGED",
        counter: batchType === "COUNTER",
      };
      const queries = params.map((values) => ({ query: statement, params: values }));
      for (let at = 0; at < queries.length; at += MAX_BATCH) {
        const chunk = queries.slice(at, at + MAX_BATCH);
        await this.#requests.send(() => client.batch(chunk, options));
      }
    } catch (error) {
      throw countedFailure(error, count);
    }
    return count;
  }

  async #query(op: OpState & { kind: "query" }, seed: number): Promise<OpCount> {
    const { params } = queryValues(op.table.data, op, seed, this.#prng);
    const values = params[0].map(bufferOf);
    // The rows of its result, every page (cassandra-stress reads them all), whatever the
    // statement: a SELECT's rows, an LWT's one `[applied]` row, none for a plain write.
    let rows = 0;
    let options = op.options;
    try {
      for (;;) {
        const asked = options;
        const result = await this.#requests.send(() =>
          op.table.client.execute(op.cql, values, asked)
        );
        rows += result.rows?.length ?? 0;
        if (result.pageState == null) break;
        options = { ...op.options, pageState: result.pageState };
      }
    } catch (error) {
      throw countedFailure(error, NOTHING);
    }
    return { partitions: Math.min(1, rows), rows };
  }

  /** Shuts the clients down. */
  async close(): Promise<void> {
    await Promise.all([...this.#clients.values()].map((client) => client.shutdown()));
  }
}
