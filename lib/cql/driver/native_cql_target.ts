/**
 * The CQL target on our own native protocol path (`-mode client=native`, the default): the same
 * statements, keys and values as {@linkcode CqlTarget}, sent as pipelined EXECUTE frames over
 * {@linkcode NativeConnection}s, routed by token: the key's Murmur3 token picks its range of the
 * ring, the range's replicas in the local data center come first (rotated per op), then the
 * other local hosts; a host with no open connection is skipped until it reconnects.
 *
 * @module
 */

import { createDistribution, type Distribution } from "../../core/distribution.ts";
import { Prng } from "../../core/prng.ts";
import type { OpCount, Target } from "../../engine/target.ts";
import type { CqlTargetSpec } from "../cql_target_spec.ts";
import { type BoundValues, EncodedValues } from "../native/frame_buffer.ts";
import { StressData } from "../stress_data.ts";
import type { PooledConnection } from "./_native_host_pool.ts";
import { rejectAfterTurn, RoutedPool } from "./_native_routed_pool.ts";
import { consistencyCodeOf, routingRingOf } from "./_native_routing.ts";
import { readCountOf, ReadValidationError, statementOf } from "../stress_statements.ts";
import { countedFailure, NOTHING } from "./_counted_failure.ts";
import type { NativeResult, RequestOptions } from "./native_connection.ts";

/**
 * cassandra-stress's predefined ops over our native protocol client.
 *
 * @example Usage
 * ```ts ignore
 * const target = await NativeCqlTarget.connect(spec);
 * await target.op(0, 1);
 * await target.close();
 * ```
 */
export class NativeCqlTarget implements Target {
  readonly #spec: CqlTargetSpec;
  readonly #routed: RoutedPool;
  readonly #data: StressData;
  readonly #queries: readonly string[];
  readonly #options: RequestOptions;
  readonly #add: Distribution;
  readonly #addPrng = new Prng(1);
  /** Per op kind: the result column of each of the spec's columns, found at the first read. */
  readonly #columnIndexes: (Int32Array | null)[];
  /** Lanes not in use. */
  readonly #lanes: Lane[] = [];
  /** Writes' encoded rows not in use (the connection hands them back). */
  readonly #encodedPool: EncodedValues[] = [];
  /** A write's key, read only while the write is routed and encoded. */
  readonly #writeKey: Uint8Array;

  private constructor(spec: CqlTargetSpec, routed: RoutedPool) {
    this.#spec = spec;
    this.#routed = routed;
    this.#data = new StressData({
      keySizeBytes: spec.keyBytes,
      columnNames: spec.columnNames,
      columnSize: spec.columnSize,
      columnCount: spec.columnCount,
    });
    this.#queries = routed.statements;
    this.#options = {
      consistency: consistencyCodeOf(spec.consistency),
      serialConsistency: consistencyCodeOf(spec.serialConsistency),
      timeoutMs: spec.requestTimeoutMs,
    };
    this.#add = createDistribution(spec.counterAdd, this.#addPrng);
    this.#columnIndexes = spec.opKinds.map(() => null);
    this.#writeKey = new Uint8Array(spec.keyBytes);
  }

  /**
   * Connects to the local hosts of the ring and prepares the run's statements on every
   * connection.
   *
   * @param spec The target.
   * @returns The connected target.
   * @throws {Error} When no host can be reached.
   */
  static async connect(spec: CqlTargetSpec): Promise<NativeCqlTarget> {
    const ring = routingRingOf(spec, spec.ring);
    const routed = await RoutedPool.start({
      spec,
      ring,
      replication: ring.replication,
      keyspace: spec.keyspace,
      statements: spec.opKinds.map((kind) => statementOf(kind, spec.columnNames, spec)),
    });
    return new NativeCqlTarget(spec, routed);
  }

  /**
   * Runs one op.
   *
   * @param kind The op index.
   * @param seed The population seed.
   * @returns When the op completed: for a write, the connection's own promise (its result is
   * no op count, so the op counts one partition and one row); for a read, the rows it got back.
   * @throws {CountedFailure} When a read fails: the error, with what the read counts.
   */
  op(kind: number, seed: number): Promise<unknown> {
    if (this.#spec.opKinds[kind] === "write") return this.#write(kind, seed);
    return this.#laneOp(kind, seed);
  }

  /**
   * A write: its row generated straight into pooled encoded values, which the connection hands
   * back when it is done with them, so no wrapper waits on the request (one promise an op).
   */
  #write(kind: number, seed: number): Promise<NativeResult> {
    const key = this.#writeKey;
    this.#data.keyInto(seed, key, 0);
    const encoded = this.#encodedPool.pop() ?? this.#newEncoded();
    try {
      return this.#send(kind, key, this.#encodedRow(encoded, key, seed));
    } catch (error) {
      // Not sent (it failed before the connection took it): nothing else holds the values.
      this.#encodedPool.push(encoded);
      throw error;
    }
  }

  #newEncoded(): EncodedValues {
    const n = this.#spec.columnNames.length;
    const encoded = new EncodedValues(
      this.#data.maxRowSizeBytes + 4 * (n + 1) + this.#spec.keyBytes,
    );
    encoded.onSettled = this.#returnEncoded;
    return encoded;
  }

  readonly #returnEncoded = (encoded: EncodedValues): void => {
    this.#encodedPool.push(encoded);
  };

  /**
   * Any op but a write, on a lane of its own until it settles: a read resolves with what it
   * counts (the rows it got back, as cassandra-stress counts a read), a counter write with
   * nothing (one partition and one row).
   */
  async #laneOp(kind: number, seed: number): Promise<OpCount | undefined> {
    // A lane's buffers stay untouched until the request settles (the connection copies the
    // values when it writes the frame, which may be later), then serve the next op.
    const lane = this.#lanes.pop() ?? this.#newLane();
    try {
      const key = lane.key;
      this.#data.keyInto(seed, key, 0);
      if (this.#spec.opKinds[kind] !== "counter_write") return await this.#read(kind, seed, lane);
      await this.#send(kind, key, this.#counterValues(lane, seed));
      return undefined;
    } finally {
      this.#lanes.push(lane);
    }
  }

  /** A read of the lane's key: a failed request counts nothing, as no row came back. */
  async #read(kind: number, seed: number, lane: Lane): Promise<OpCount> {
    let result: NativeResult;
    try {
      result = await this.#send(kind, lane.key, lane.keyOnly);
    } catch (error) {
      throw countedFailure(error, NOTHING);
    }
    // `skip-read-validation` skips comparing a read's row; a counter read compares nothing, and
    // checks that its row exists all the same, as cassandra-stress's does.
    const spec = this.#spec;
    if (spec.validateReads || spec.opKinds[kind] === "counter_read") {
      this.#validate(kind, seed, result, lane);
    }
    return readCountOf(rowsOf(result));
  }

  /** A lane: the key, a row's values after it (views kept when their sizes never change). */
  #newLane(): Lane {
    const keyBytes = this.#spec.keyBytes;
    const n = this.#spec.columnNames.length;
    const buffer = new Uint8Array(keyBytes + Math.max(this.#data.maxRowSizeBytes, 8 * n));
    const key = buffer.subarray(0, keyBytes);
    return {
      buffer,
      key,
      keyOnly: [key],
      values: new Array(n + 1).fill(key),
      sizes: null,
    };
  }

  /** The row of `seed` in its wire form in `encoded`, with the key last. */
  #encodedRow(encoded: EncodedValues, key: Uint8Array, seed: number): EncodedValues {
    const at = this.#data.rowPrefixedInto(seed, encoded.bytes, 0);
    encoded.view.setInt32(at, key.length);
    encoded.bytes.set(key, at + 4);
    encoded.count = this.#spec.columnNames.length + 1;
    encoded.length = at + 4 + key.length;
    return encoded;
  }

  /** The row of `seed` in the lane's buffer, and its values (the key last). */
  #rowValues(lane: Lane, seed: number): Uint8Array[] {
    const data = this.#data;
    const keyBytes = this.#spec.keyBytes;
    data.rowInto(seed, lane.buffer, keyBytes);
    const sizes = data.valueSizes;
    const values = lane.values;
    const n = values.length - 1;
    if (lane.sizes === null || !sameSizes(lane.sizes, sizes, n)) {
      let offset = keyBytes;
      for (let c = 0; c < n; c++) {
        values[c] = lane.buffer.subarray(offset, offset + sizes[c]);
        offset += sizes[c];
      }
      values[n] = lane.key;
      lane.sizes = Int32Array.from(sizes);
    }
    return values;
  }

  /** The counter increments of `seed` (8-byte bigints) in the lane's buffer, and the key last. */
  #counterValues(lane: Lane, seed: number): Uint8Array[] {
    const n = this.#spec.columnNames.length;
    const keyBytes = this.#spec.keyBytes;
    const view = new DataView(lane.buffer.buffer, lane.buffer.byteOffset + keyBytes, 8 * n);
    this.#addPrng.reseed(seed);
    const values = lane.values;
    for (let c = 0; c < n; c++) {
      view.setBigInt64(8 * c, BigInt(this.#add.next()));
      values[c] = lane.buffer.subarray(keyBytes + 8 * c, keyBytes + 8 * c + 8);
    }
    values[n] = lane.key;
    lane.sizes = null; // the views are a counter's, not a row's
    return values;
  }

  /** Sends op `kind`'s statement to the first host of the key's plan that has a connection. */
  #send(kind: number, key: Uint8Array, values: BoundValues): Promise<NativeResult> {
    let pooled: PooledConnection;
    try {
      pooled = this.#routed.byKey(key);
    } catch (error) {
      return rejectAfterTurn(error, values);
    }
    const statement = pooled.statements[kind];
    if (statement !== null) return pooled.connection.execute(statement, values, this.#options);
    if (!this.#spec.prepared) {
      return pooled.connection.query(this.#queries[kind], values, this.#options);
    }
    return this.#prepareAndExecute(pooled, kind, values);
  }

  /** Prepares a statement the node refused before (once for the ops waiting), then runs it. */
  async #prepareAndExecute(
    pooled: PooledConnection,
    kind: number,
    values: BoundValues,
  ): Promise<NativeResult> {
    const statement = await this.#routed.prepare(pooled, kind);
    return pooled.connection.execute(statement, values, this.#options);
  }

  /** Checks a read's row against the row of `seed`, regenerated into the lane's buffer. */
  #validate(kind: number, seed: number, result: NativeResult, lane: Lane): void {
    if (result.kind !== "rows" || result.rowCount === 0) throw new ReadValidationError();
    if (this.#spec.opKinds[kind] === "counter_read") return;
    const names = this.#spec.columnNames;
    let indexes = this.#columnIndexes[kind];
    if (indexes === null) {
      indexes = Int32Array.from(names, (name) => result.columnIndex(name));
      this.#columnIndexes[kind] = indexes;
    }
    const expected = this.#rowValues(lane, seed);
    for (let c = 0; c < names.length; c++) {
      const column = indexes[c];
      if (column < 0 || !result.cellEquals(0, column, expected[c])) {
        throw new ReadValidationError(result.rowCount);
      }
    }
  }

  /** Closes every connection. */
  async close(): Promise<void> {
    await this.#routed.close();
  }
}

/** The buffers of one op in flight, reused by the next op once it settled. */
interface Lane {
  readonly buffer: Uint8Array;
  readonly key: Uint8Array;
  readonly keyOnly: Uint8Array[];
  readonly values: Uint8Array[];
  /** The value sizes the `values` views were cut for, or null when they must be cut again. */
  sizes: Int32Array | null;
}

/** The rows a result holds (none for a result that is not rows). */
function rowsOf(result: NativeResult): number {
  return result.kind === "rows" ? result.rowCount : 0;
}

function sameSizes(a: Int32Array, b: ArrayLike<number>, n: number): boolean {
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return false;
  return true;
}
