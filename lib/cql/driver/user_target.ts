/**
 * The target of a `user` profile run: a profile's insert and queries over
 * `npm:cassandra-driver`, one client per keyspace per Worker. Rows come from the profile's
 * generators ({@linkcode ProfilePartitionGenerator}), byte for byte as cassandra-stress makes
 * them, and are bound as pre-serialised CQL values, so queries find what inserts wrote.
 *
 * @module
 */

import type { Buffer } from "node:buffer";
import cassandra from "cassandra-driver";
import { createDistribution, type Distribution } from "../../core/distribution.ts";
import { Prng } from "../../core/prng.ts";
import type { OpCount, SeedSource, Target } from "../../engine/target.ts";
import type { WorkerShare } from "../../engine/serve_target_worker.ts";
import {
  type ProfilePartition,
  ProfilePartitionGenerator,
  type ProfileRow,
} from "../profile_data/profile_partition_generator.ts";
import { InsertVisits, type Visit } from "../user/insert_visits.ts";
import type { DistributionSpec } from "../../units/distribution_spec.ts";
import type { UserTableSpec, UserTargetSpec } from "../user/user_target_spec.ts";
import { isSelect } from "./_cql_markers.ts";
import { bindValues, type MarkerSource, markerSources, rowAt, selectRows } from "./_user_rows.ts";
import { clientOptionsOf } from "./client_options.ts";
import { TokenRangePager } from "./_token_range_pager.ts";
import { ValidatingQuery } from "./_validating_query.ts";
import { consistencyOf, RequestQueue } from "./_request_queue.ts";

export type { UserTargetSpec } from "../user/user_target_spec.ts";

/** The most statements cassandra-stress puts in one batch. */
const MAX_BATCH = 65535;

/** What the ops of one profile table share. */
interface TableState {
  readonly spec: UserTableSpec;
  readonly client: cassandra.Client;
  readonly generator: ProfilePartitionGenerator;
  readonly insertSources: readonly MarkerSource[];
  /** The `select` ratio's numerator, drawn from the target's op PRNG. */
  readonly select: Distribution;
  /** The row-population ratio's numerator, drawn per partition per op. */
  readonly rowPopulation: Distribution;
  /** Partitions in progress under `-insert visits=` above 1, or null for one visit each. */
  readonly visits: InsertVisits | null;
  readonly partitions: Distribution;
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
    readonly select: boolean;
    /** The request options: the run's, with the query's own consistency levels. */
    readonly options: cassandra.QueryOptions;
  }
  | { readonly kind: "token_range"; readonly pager: TokenRangePager }
  | { readonly kind: "validate"; readonly validate: ValidatingQuery };

/** Whether `-insert visits=` is one visit per partition (cassandra-stress's default). */
function isOneVisit(visits: DistributionSpec): boolean {
  return visits.kind === "fixed" ? visits.value <= 1 : visits.kind === "uniform" && visits.max <= 1;
}

/** The rows `[from, to)` of a partition, in the generator's iteration order. */
function* rowRange(partition: ProfilePartition, visit: Visit): Generator<ProfileRow> {
  for (let i = visit.from; i < visit.to; i++) yield rowAt(partition, i);
}

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

/** Refuses what this target does not run, before connecting. */
function checkSpec(spec: UserTargetSpec): void {
  if (spec.protocolVersion !== null && spec.protocolVersion < 3) {
    // The generators write collections and dates as protocol v3+ encodes them.
    throw new Error(
      `protocolVersion=${spec.protocolVersion}: user profiles need native protocol 3 or newer`,
    );
  }
  for (const op of spec.ops) {
    const table = spec.tables[op.table];
    if (op.kind === "query") markerSources(op.cql, table.data);
    if (op.kind !== "insert") continue;
    markerSources(table.insert.statement, table.data);
  }
}

/**
 * Runs the ops of a `user` profile through `cassandra-driver`: `insert` writes a partition's
 * selected rows (one statement, or batches), a query binds its markers from generated rows and
 * counts what it read, a token range query reads one page.
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
    const inserted = new Set(spec.ops.filter((op) => op.kind === "insert").map((op) => op.table));
    const tables = spec.tables.map((table, i): TableState => ({
      spec: table,
      client: clients.get(table.keyspace)!,
      generator: new ProfilePartitionGenerator(table.data, { order: table.order }),
      insertSources: inserted.has(i) ? markerSources(table.insert.statement, table.data) : [],
      select: createDistribution(table.insert.select.distribution, this.#prng),
      rowPopulation: createDistribution(table.rowPopulationRatio.distribution, this.#prng),
      visits: isOneVisit(table.insert.visits)
        ? null
        : new InsertVisits(table.insert.visits, table.insert.revisit, this.#prng),
      partitions: createDistribution(table.insert.partitions, this.#prng),
    }));
    this.#ops = spec.ops.map((op): OpState => {
      const table = tables[op.table];
      switch (op.kind) {
        case "insert":
          return { kind: "insert", table };
        case "query":
          return {
            kind: "query",
            table,
            cql: op.cql,
            sources: markerSources(op.cql, table.spec.data),
            multirow: op.fields === "multirow",
            select: isSelect(op.cql),
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
              table.client,
              table.spec.data,
              new ProfilePartitionGenerator(table.spec.data, { order: "sorted" }),
              op.statements,
              this.#options,
            ),
          };
        case "token_range":
          return {
            kind: "token_range",
            pager: new TokenRangePager(table.client, table.spec, op, this.#options, share),
          };
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
    checkSpec(spec);
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
   */
  op(kind: number, seed: number, more?: SeedSource): Promise<OpCount> {
    const op = this.#ops[kind];
    switch (op.kind) {
      case "insert":
        return this.#insert(op.table, seed, more);
      case "query":
        return this.#query(op, seed);
      case "token_range":
        return this.#requests.send(() => op.pager.next());
      case "validate":
        // The group, statement and bounds are random, as cassandra-stress draws them.
        return this.#requests.send(() => op.validate.run(seed, this.#prng));
    }
  }

  async #insert(table: TableState, seed: number, more?: SeedSource): Promise<OpCount> {
    const { generator, spec, client } = table;
    const prng = this.#prng;
    prng.reseed(seed);
    // `partitions` per op: the further seeds come from the run (each counts against n=).
    const count = Math.max(1, table.partitions.next());
    const seeds = [seed];
    for (let i = 0; i + 1 < count; i++) {
      const next = more?.seed(i) ?? -1;
      if (next < 0) break;
      seeds.push(next);
    }
    const statement = spec.insert.statement;
    const queries: { query: string; params: (Buffer | null)[] }[] = [];
    for (const runSeed of seeds) {
      const visit = table.visits?.next(runSeed, (seed) => generator.partition(seed).rowCount);
      const partition = generator.partition(visit?.seed ?? runSeed);
      // The select chance is drawn per partition per op, as cassandra-stress draws it.
      const ratio = table.select.next() / spec.insert.select.divisor;
      const populated = this.#populated(table);
      const rows = visit === undefined ? generator.rows(partition) : rowRange(partition, visit);
      for (const row of selectRows(rows, ratio, prng)) {
        queries.push({
          query: statement,
          params: bindValues(table.insertSources, partition, () => row, populated),
        });
      }
    }
    if (queries.length === 1) {
      await this.#requests.send(() => client.execute(statement, queries[0].params, this.#options));
      return { partitions: 1, rows: 1 };
    }
    const options: cassandra.QueryOptions = {
      ...this.#options,
      logged: spec.insert.batchType === "LOGGED",
      counter: spec.insert.batchType === "COUNTER",
    };
    for (let at = 0; at < queries.length; at += MAX_BATCH) {
      const chunk = queries.slice(at, at + MAX_BATCH);
      await this.#requests.send(() => client.batch(chunk, options));
    }
    return { partitions: seeds.length, rows: queries.length };
  }

  /** The row-population ratio of one partition of one op, clamped to [0, 1]. */
  #populated(table: TableState): number {
    const ratio = table.rowPopulation.next() / table.spec.rowPopulationRatio.divisor;
    return Math.min(1, Math.max(0, ratio));
  }

  async #query(op: OpState & { kind: "query" }, seed: number): Promise<OpCount> {
    const { generator, client } = op.table;
    const partition = generator.partition(seed);
    // A partition still being written (visits above 1) is read within the rows written so far.
    const rowCount = op.table.visits?.writtenRows(seed) ?? partition.rowCount;
    // As cassandra-stress, a query's rows have the value columns an insert of them would have.
    const populated = this.#populated(op.table);
    const prng = this.#prng;
    prng.reseed(seed);
    let params: (Buffer | null)[];
    if (op.multirow) {
      const count = Math.max(1, Math.min(op.sources.length, rowCount));
      const rows = Array.from({ length: count }, (_, i) => rowAt(partition, i));
      const rowOf = () => rows[Math.floor(prng.nextDouble() * count)];
      params = bindValues(op.sources, partition, rowOf, populated);
    } else {
      const row = rowAt(partition, Math.floor(prng.nextDouble() * rowCount));
      params = bindValues(op.sources, partition, () => row, populated);
    }
    const result = await this.#requests.send(() => client.execute(op.cql, params, op.options));
    if (!op.select) return { partitions: 0, rows: 0 };
    const rows = result.rows?.length ?? 0;
    return { partitions: Math.min(1, rows), rows };
  }

  /** Shuts the clients down. */
  async close(): Promise<void> {
    await Promise.all([...this.#clients.values()].map((client) => client.shutdown()));
  }
}
