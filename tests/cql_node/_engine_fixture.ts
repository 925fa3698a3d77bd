// Test fixture: a CqlEngine with keyspace `ks` in use, and helpers to run statements on it with
// values and paging, and to read int and text results back.
import assert from "node:assert/strict";
import { CqlEngine, type ExecResult } from "../../lib/cql_node/engine/cql_engine.ts";
import { CqlError } from "../../lib/cql_node/protocol/cql_error.ts";

/** A bound value: a JS number binds as int, a string as text, null and undefined as themselves. */
export type Value = number | string | null | undefined | Uint8Array;

/** How one statement runs. */
export interface RunOptions {
  values?: Value[];
  pageSize?: number;
  pagingState?: Uint8Array | null;
  serialConsistency?: number;
  /** Run it prepared (EXECUTE) rather than as a QUERY. */
  prepare?: boolean;
}

/** An engine with `ks` in use, and `run` for statements on it. */
export interface EngineFixture {
  engine: CqlEngine;
  run(cql: string, options?: RunOptions): ExecResult;
}

/** Serializes a value as the test binds it. */
export function bytesOf(value: Value): Uint8Array | null | undefined {
  if (value === null || value === undefined || value instanceof Uint8Array) return value;
  if (typeof value === "string") return new TextEncoder().encode(value);
  const bytes = new Uint8Array(4);
  new DataView(bytes.buffer).setInt32(0, value);
  return bytes;
}

/** The node the engines of these tests answer as: one token, Cassandra 5.0.6. */
export const TEST_NODE = {
  address: "127.0.0.1",
  port: 9042,
  clusterName: "Test",
  datacenter: "datacenter1",
  rack: "rack1",
  releaseVersion: "5.0.6",
  hostId: "8d3ec2b4-0f2c-4a43-9d35-4c5e3b9f1a22",
  tokens: ["0"],
};

/** A new engine with keyspace `ks` (replication factor 1) in use, on `clockMs` (0 by default). */
export function engineFixture(clockMs: () => number = () => 0): EngineFixture {
  const engine = new CqlEngine({
    node: TEST_NODE,
    clockMs,
    randomBytes: (n) => new Uint8Array(n),
  });
  const session = {};
  const run = (cql: string, options: RunOptions = {}): ExecResult => {
    const exec = {
      values: (options.values ?? []).map(bytesOf),
      pageSize: options.pageSize ?? 0,
      pagingState: options.pagingState ?? null,
      serialConsistency: options.serialConsistency,
    };
    return options.prepare
      ? engine.prepare(cql, session).run(exec, session)
      : engine.query(cql, exec, session);
  };
  run("CREATE KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}");
  run("USE ks");
  return { engine, run };
}

/** The rows of a result, each cell read as an int (4 bytes), a bigint (8 bytes) or null. */
export function intRows(result: ExecResult): (number | null)[][] {
  assert.equal(result.kind, "rows");
  if (result.kind !== "rows") return [];
  return result.rows.map((row) =>
    row.map((cell) => {
      if (cell === null) return null;
      const view = new DataView(cell.buffer, cell.byteOffset, cell.length);
      return cell.length === 8 ? Number(view.getBigInt64(0)) : view.getInt32(0);
    })
  );
}

/** The result's column names. */
export function columnNames(result: ExecResult): string[] {
  assert.equal(result.kind, "rows");
  return result.kind === "rows" ? result.columns.map((c) => c.name) : [];
}

/** Asserts that `fn` throws a CqlError with this code and message. */
export function assertCqlError(fn: () => unknown, code: number, message: string): void {
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof CqlError, `not a CqlError: ${error}`);
    assert.equal(error.message, message);
    assert.equal(error.code, code, `code of ${message}`);
    return true;
  });
}

/** The InvalidRequest error code. */
export const INVALID = 0x2200;
