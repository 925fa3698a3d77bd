/**
 * The CQL target: cassandra-stress's statements over `npm:cassandra-driver`, one client per
 * Worker. Keys and column values derive from the population seed as cassandra-stress derives
 * them ({@linkcode StressData}), so a read regenerates what a write stored and validates it.
 *
 * @module
 */

import { Buffer } from "node:buffer";
import cassandra from "cassandra-driver";
import { createDistribution, type Distribution } from "../../core/distribution.ts";
import { Prng } from "../../core/prng.ts";
import type { OpCount, Target } from "../../engine/target.ts";
import { clientOptionsOf } from "./client_options.ts";
import type { CqlTargetSpec } from "../cql_target_spec.ts";
import { StressData } from "../stress_data.ts";
import { consistencyOf, RequestQueue } from "./_request_queue.ts";
import { readCountOf, ReadValidationError, statementOf } from "../stress_statements.ts";
import { countedFailure, NOTHING } from "./_counted_failure.ts";

export type { CqlOpKind, CqlTargetSpec } from "../cql_target_spec.ts";
export {
  quoteIdentifier,
  ReadValidationError,
  statementOf,
  type StatementOptions,
} from "../stress_statements.ts";

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Runs cassandra-stress operations through `cassandra-driver`.
 *
 * @example Usage
 * ```ts ignore
 * const target = await CqlTarget.connect(spec);
 * await target.op(0, 1);
 * await target.close();
 * ```
 */
export class CqlTarget implements Target {
  readonly #client: cassandra.Client;
  readonly #spec: CqlTargetSpec;
  readonly #data: StressData;
  readonly #options: cassandra.QueryOptions;
  readonly #add: Distribution;
  readonly #addPrng: Prng;
  /** Statements by op index. */
  readonly #queries: string[];
  readonly #requests = new RequestQueue();

  private constructor(client: cassandra.Client, spec: CqlTargetSpec) {
    this.#client = client;
    this.#spec = spec;
    this.#data = new StressData({
      keySizeBytes: spec.keyBytes,
      columnNames: spec.columnNames,
      columnSize: spec.columnSize,
      columnCount: spec.columnCount,
    });
    this.#options = {
      prepare: spec.prepared,
      consistency: consistencyOf(spec.consistency),
      serialConsistency: consistencyOf(spec.serialConsistency),
      // -mode requestTimeout= bounds each op; the connection's own queries keep the driver's.
      readTimeout: spec.requestTimeoutMs,
    };
    this.#addPrng = new Prng(1);
    this.#add = createDistribution(spec.counterAdd, this.#addPrng);
    this.#queries = spec.opKinds.map((kind) => statementOf(kind, spec.columnNames, spec));
  }

  /**
   * Connects a client.
   *
   * @param spec The target.
   * @returns The connected target.
   */
  static async connect(spec: CqlTargetSpec): Promise<CqlTarget> {
    const client = new cassandra.Client(clientOptionsOf(spec));
    try {
      await client.connect();
    } catch (error) {
      await client.shutdown().catch(() => {});
      throw error;
    }
    return new CqlTarget(client, spec);
  }

  /**
   * Runs one op.
   *
   * @param kind The op index.
   * @param seed The population seed.
   * @returns When the op completed; for a read, the rows it got back.
   * @throws {CountedFailure} When a read fails: the error, with what the read counts.
   */
  async op(kind: number, seed: number): Promise<OpCount | undefined> {
    const spec = this.#spec;
    const data = this.#data;
    const keyBytes = spec.keyBytes;
    const opKind = spec.opKinds[kind];
    const query = this.#queries[kind];
    const n = spec.columnNames.length;
    if (opKind === "write") {
      // One buffer per op (the driver may encode it later): the key, then every value.
      const buffer = Buffer.allocUnsafe(keyBytes + data.maxRowSizeBytes);
      data.keyInto(seed, buffer, 0);
      data.rowInto(seed, buffer, keyBytes);
      const sizes = data.valueSizes;
      const values: Buffer[] = new Array(n + 1);
      let offset = keyBytes;
      for (let c = 0; c < n; c++) {
        values[c] = buffer.subarray(offset, offset + sizes[c]);
        offset += sizes[c];
      }
      values[n] = buffer.subarray(0, keyBytes);
      await this.#execute(query, values);
      return;
    }
    const key = Buffer.allocUnsafe(keyBytes);
    data.keyInto(seed, key, 0);
    if (opKind === "counter_write") {
      const values: unknown[] = new Array(n + 1);
      this.#addPrng.reseed(seed);
      for (let c = 0; c < n; c++) values[c] = cassandra.types.Long.fromNumber(this.#add.next());
      values[n] = key;
      await this.#execute(query, values);
      return;
    }
    return await this.#read(kind, seed, key);
  }

  /**
   * A read: it counts the rows it got back, as cassandra-stress counts a read, so a failed
   * request counts nothing.
   */
  async #read(kind: number, seed: number, key: Buffer): Promise<OpCount> {
    const spec = this.#spec;
    let result: cassandra.types.ResultSet;
    try {
      result = await this.#execute(this.#queries[kind], [key]);
    } catch (error) {
      throw countedFailure(error, NOTHING);
    }
    const rows = result.rowLength ?? 0;
    // `skip-read-validation` skips comparing a read's row; a counter read compares nothing, and
    // checks that its row exists all the same, as cassandra-stress's does.
    const counter = spec.opKinds[kind] === "counter_read";
    if (!spec.validateReads && !counter) return readCountOf(rows);
    const got = result.first();
    if (got === null) throw new ReadValidationError();
    if (counter) return readCountOf(rows);
    const expected = this.#data.row(seed);
    for (let i = 0; i < expected.columns.length; i++) {
      const cell = got.get(spec.columnNames[expected.columns[i]]) as Uint8Array | null;
      if (cell === null || !sameBytes(cell, expected.values[i])) {
        throw new ReadValidationError(rows);
      }
    }
    return readCountOf(rows);
  }

  /** Executes one statement, queued while every connection is busy (`-mode maxPending=`). */
  #execute(query: string, values: unknown[]): Promise<cassandra.types.ResultSet> {
    return this.#requests.send(() => this.#client.execute(query, values, this.#options));
  }

  /** Shuts the client down. */
  async close(): Promise<void> {
    await this.#client.shutdown();
  }
}
