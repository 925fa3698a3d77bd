/**
 * The CQL target: cassandra-stress's statements over `npm:cassandra-driver`, one client per
 * Worker. Keys and column values derive from the population seed, so a read regenerates what a
 * write stored and validates it.
 *
 * @module
 */

import { Buffer } from "node:buffer";
import cassandra from "cassandra-driver";
import type { Target } from "../target.ts";

/** The cassandra-stress op kinds the CQL target runs. */
export type CqlOpKind = "write" | "read" | "counter_write" | "counter_read";

/** A description of the CQL target a Worker can rebuild (structured-cloneable). */
export interface CqlTargetSpec {
  /** The kind. */
  readonly kind: "cql";
  /** `host:port` contact points. */
  readonly contactPoints: readonly string[];
  /** The local data center. */
  readonly localDataCenter: string;
  /** The keyspace of the stress tables. */
  readonly keyspace: string;
  /** Op kinds by op index (the run's op names, in order). */
  readonly opKinds: readonly CqlOpKind[];
  /** Column names, in order. */
  readonly columnNames: readonly string[];
  /** Bytes per column value. */
  readonly columnBytes: number;
  /** Bytes per partition key. */
  readonly keyBytes: number;
  /** Prepared statements (true) or plain QUERY messages. */
  readonly prepared: boolean;
  /** Consistency level name, e.g. `LOCAL_ONE`. */
  readonly consistency: string;
  /** Validate read results. */
  readonly validateReads: boolean;
}

/** A read that found no row or different data. */
export class ReadValidationError extends Error {
  /** Creates the error. */
  constructor() {
    super("Data returned was not validated");
    this.name = "ReadValidationError";
  }
}

/**
 * Fills `out` with bytes derived from `seed` and `salt` (a small xorshift stream): the same
 * inputs always give the same bytes.
 *
 * @param out The buffer to fill.
 * @param seed The population seed.
 * @param salt Distinguishes columns (and the key).
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { fillFromSeed } from "./cql_target.ts";
 * const a = new Uint8Array(8);
 * const b = new Uint8Array(8);
 * fillFromSeed(a, 42, 1);
 * fillFromSeed(b, 42, 1);
 * assert.deepEqual(a, b);
 * ```
 */
export function fillFromSeed(out: Uint8Array, seed: number, salt: number): void {
  let x = (Math.imul(seed | 0, 0x9e3779b1) ^ Math.imul(salt + 1, 0x85ebca6b) ^ 0x2545f491) | 0;
  for (let i = 0; i < out.length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
}

/**
 * The partition key of a seed: `keyBytes` bytes of lower-case hex digits of the seed's
 * derived bytes (printable, like cassandra-stress's keys).
 *
 * @param seed The population seed.
 * @param keyBytes The key length.
 * @returns The key.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { keyOfSeed } from "./cql_target.ts";
 * assert.equal(keyOfSeed(7, 10).length, 10);
 * assert.deepEqual(keyOfSeed(7, 10), keyOfSeed(7, 10));
 * ```
 */
export function keyOfSeed(seed: number, keyBytes: number): Uint8Array {
  const raw = new Uint8Array(Math.ceil(keyBytes / 2));
  fillFromSeed(raw, seed, -1);
  const key = new Uint8Array(keyBytes);
  for (let i = 0; i < keyBytes; i++) {
    const nibble = (raw[i >> 1] >> ((i & 1) * 4)) & 0xf;
    key[i] = nibble < 10 ? 48 + nibble : 87 + nibble;
  }
  return key;
}

function quote(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/**
 * The CQL statement cassandra-stress sends for an op kind.
 *
 * @param kind The op kind.
 * @param columnNames The column names.
 * @returns The CQL.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { statementOf } from "./cql_target.ts";
 * assert.equal(statementOf("read", ["C0", "C1"]), 'SELECT "C0","C1" FROM "standard1" WHERE KEY=?');
 * ```
 */
export function statementOf(kind: CqlOpKind, columnNames: readonly string[]): string {
  const cols = columnNames.map(quote);
  switch (kind) {
    case "write":
      return `UPDATE "standard1" SET ${cols.map((c) => `${c} = ?`).join(",")} WHERE KEY=?`;
    case "read":
      return `SELECT ${cols.join(",")} FROM "standard1" WHERE KEY=?`;
    case "counter_write":
      return `UPDATE "counter1" SET ${cols.map((c) => `${c}=${c}+?`).join(",")} WHERE KEY=?`;
    case "counter_read":
      return `SELECT * FROM "counter1" WHERE KEY=?`;
  }
}

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
  readonly #queries: string[];
  readonly #options: cassandra.QueryOptions;

  private constructor(client: cassandra.Client, spec: CqlTargetSpec) {
    this.#client = client;
    this.#spec = spec;
    this.#queries = spec.opKinds.map((kind) => statementOf(kind, spec.columnNames));
    const consistency = (cassandra.types.consistencies as unknown as Record<string, number>)[
      toCamel(spec.consistency)
    ] ??
      cassandra.types.consistencies.localOne;
    this.#options = { prepare: spec.prepared, consistency };
  }

  /**
   * Connects a client.
   *
   * @param spec The target.
   * @returns The connected target.
   */
  static async connect(spec: CqlTargetSpec): Promise<CqlTarget> {
    const client = new cassandra.Client({
      contactPoints: [...spec.contactPoints],
      localDataCenter: spec.localDataCenter,
      keyspace: spec.keyspace,
      pooling: { maxRequestsPerConnection: 32768 },
    });
    await client.connect();
    return new CqlTarget(client, spec);
  }

  /**
   * Runs one op.
   *
   * @param kind The op index.
   * @param seed The population seed.
   * @returns When the op completed.
   */
  async op(kind: number, seed: number): Promise<void> {
    const spec = this.#spec;
    const key = Buffer.from(keyOfSeed(seed, spec.keyBytes));
    const opKind = spec.opKinds[kind];
    const n = spec.columnNames.length;
    if (opKind === "write") {
      const values: Buffer[] = new Array(n + 1);
      for (let c = 0; c < n; c++) {
        const value = Buffer.alloc(spec.columnBytes);
        fillFromSeed(value, seed, c);
        values[c] = value;
      }
      values[n] = key;
      await this.#client.execute(this.#queries[kind], values, this.#options);
      return;
    }
    if (opKind === "counter_write") {
      const values: unknown[] = new Array(n + 1).fill(cassandra.types.Long.ONE);
      values[n] = key;
      await this.#client.execute(this.#queries[kind], values, this.#options);
      return;
    }
    const result = await this.#client.execute(this.#queries[kind], [key], this.#options);
    if (!spec.validateReads) return;
    const row = result.first();
    if (row === null) throw new ReadValidationError();
    if (opKind === "read") {
      const expected = new Uint8Array(spec.columnBytes);
      for (let c = 0; c < n; c++) {
        fillFromSeed(expected, seed, c);
        const cell = row.get(spec.columnNames[c]) as Uint8Array | null;
        if (cell === null || !sameBytes(cell, expected)) throw new ReadValidationError();
      }
    }
  }

  /** Shuts the client down. */
  async close(): Promise<void> {
    await this.#client.shutdown();
  }
}

function toCamel(name: string): string {
  return name.toLowerCase().replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
}
