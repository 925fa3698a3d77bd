// Test fixture of user_target_test.ts: an embedded node with a keyspace, UserTargetSpec objects
// built by hand, the cells the node stored re-encoded to CQL wire bytes for comparison, and a
// test registered once per user target (cassandra-driver's and the native one).
import { Buffer } from "node:buffer";
import cassandra from "cassandra-driver";
import type { CqlConnectionSpec } from "../../../lib/cql/cql_connection_spec.ts";
import { CqlServer } from "../../../lib/cql_node/driver/cql_server.ts";
import { NativeUserTarget } from "../../../lib/cql/driver/native_user_target.ts";
import { UserTarget } from "../../../lib/cql/driver/user_target.ts";
import type {
  ProfileColumnSpec,
  ProfileTableLayout,
} from "../../../lib/cql/profile_data/profile_partition_generator.ts";
import {
  insertStatement,
  type TableColumn,
  type TableLayout,
} from "../../../lib/cql/user/user_statements.ts";
import type {
  UserInsertSpec,
  UserOpSpec,
  UserTableSpec,
  UserTargetSpec,
} from "../../../lib/cql/user/user_target_spec.ts";
import type { DistributionSpec } from "../../../lib/units/distribution_spec.ts";

export const KEYSPACE = "ut";

export const fixed = (value: number): DistributionSpec => ({
  kind: "fixed",
  value,
  inverted: false,
  source: `fixed(${value})`,
});

export const uniform = (min: number, max: number): DistributionSpec => ({
  kind: "uniform",
  min,
  max,
  inverted: false,
  source: `uniform(${min}..${max})`,
});

/** A column of a test table: its schema and its columnspec. */
export interface TestColumn extends TableColumn {
  readonly population?: DistributionSpec;
  readonly size?: DistributionSpec;
  readonly cluster?: DistributionSpec;
}

/** A profile table built from its columns (in metadata order). */
export function tableSpec(
  name: string,
  columns: readonly TestColumn[],
  insert: Partial<UserInsertSpec> = {},
): UserTableSpec {
  const layout: TableLayout = {
    name,
    columns: columns.map(({ name, type, kind }) => ({ name, type, kind })),
  };
  const specOf = (c: TestColumn): ProfileColumnSpec => ({
    name: c.name,
    type: c.type,
    population: c.population ?? null,
    size: c.size ?? null,
    cluster: c.cluster ?? null,
  });
  const data: ProfileTableLayout = {
    partitionKey: columns.filter((c) => c.kind === "partition_key").map(specOf),
    clustering: columns.filter((c) => c.kind === "clustering").map(specOf),
    values: columns.filter((c) => c.kind !== "partition_key" && c.kind !== "clustering")
      .map(specOf),
  };
  return {
    keyspace: KEYSPACE,
    layout,
    data,
    order: "arbitrary",
    rowPopulationRatio: { distribution: fixed(1), divisor: 1, source: "fixed(1)/1" },
    insert: {
      statement: insertStatement(layout, null),
      partitions: fixed(1),
      select: { distribution: fixed(1), divisor: 1, source: "fixed(1)/1" },
      batchType: "UNLOGGED",
      visits: fixed(1),
      revisit: uniform(1, 1_000_000),
      consistency: null,
      serialConsistency: null,
      ...insert,
    },
  };
}

/**
 * A connection to a node on 127.0.0.1 at `port` with the defaults of a cassandra-stress line
 * (LOCAL_ONE, one connection, 12 s requests, no TLS, no compression).
 */
export function connectionSpec(
  port: number,
  options: { keyspace?: string; prepared?: boolean } = {},
): CqlConnectionSpec {
  return {
    contactPoints: ["127.0.0.1"],
    port,
    localDataCenter: "",
    allowList: null,
    keyspace: options.keyspace ?? "keyspace1",
    prepared: options.prepared ?? true,
    consistency: "LOCAL_ONE",
    serialConsistency: "SERIAL",
    connectionsPerHost: 1,
    maxPending: null,
    protocolVersion: null,
    credentials: null,
    requestTimeoutMs: 12000,
    connectTimeoutMs: 5000,
    tls: null,
    compression: "none",
  };
}

/** The target spec of one or more tables and their ops, against `node`. */
export function targetSpec(
  node: CqlServer,
  tables: readonly UserTableSpec[],
  ops: readonly UserOpSpec[],
  prepared = true,
): UserTargetSpec {
  return {
    ...connectionSpec(node.port, { keyspace: KEYSPACE, prepared }),
    kind: "cql-user",
    contactPoints: [`127.0.0.1:${node.port}`],
    localDataCenter: "datacenter1",
    tables,
    ops,
    client: "native",
    // The node's ring, for the native target's routing and token ranges.
    ring: {
      hosts: [{ ...node.peerInfo(), port: node.port }],
      replication: { class: "SimpleStrategy", replication_factor: "1" },
    },
    replicationByKeyspace: {},
  };
}

/** The two targets of a `user` run: cassandra-driver's and the native path's. */
export type UserTargetClass = typeof UserTarget | typeof NativeUserTarget;

/** Registers `fn` as a test of each user target, its name prefixed with the target's. */
export function userTargetTest(name: string, fn: (Target: UserTargetClass) => Promise<void>) {
  for (const Target of [UserTarget, NativeUserTarget]) {
    Deno.test(`${Target.name}: ${name}`, () => fn(Target));
  }
}

/** Starts a node with the test keyspace and `tables` created; returns it and an admin client. */
export async function startNodeWith(
  tables: readonly string[],
): Promise<{ node: CqlServer; admin: cassandra.Client }> {
  const node = await CqlServer.start({ hostname: "127.0.0.1", port: 0 });
  const admin = new cassandra.Client({
    contactPoints: [`127.0.0.1:${node.port}`],
    localDataCenter: "datacenter1",
  });
  try {
    await admin.connect();
    await admin.execute(
      `CREATE KEYSPACE ${KEYSPACE} WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}`,
    );
    for (const cql of tables) await admin.execute(cql.replace("TABLE ", `TABLE ${KEYSPACE}.`));
  } catch (error) {
    await admin.shutdown();
    await node.close();
    throw error;
  }
  return { node, admin };
}

/** Every row of a table. */
export async function rowsOf(
  admin: cassandra.Client,
  table: string,
): Promise<cassandra.types.Row[]> {
  const rows: cassandra.types.Row[] = [];
  const stream = admin.stream(`SELECT * FROM ${KEYSPACE}.${table}`, [], { fetchSize: 1000 });
  for await (const row of stream as unknown as AsyncIterable<cassandra.types.Row>) rows.push(row);
  return rows;
}

const encoder = new (cassandra as unknown as {
  Encoder: new (version: number, options: object) => {
    encode(value: unknown, type: string): Buffer | null;
  };
}).Encoder(4, {});

/** A stored cell re-encoded to its CQL wire bytes (hex), null for NULL. */
export function wireHex(value: unknown, type: string): string | null {
  if (value === null || value === undefined) return null;
  const bytes = encoder.encode(value, type);
  return bytes === null ? null : bytes.toString("hex");
}

/** Hex of generated bytes. */
export function hex(bytes: Uint8Array | null): string | null {
  return bytes === null ? null : Buffer.from(bytes).toString("hex");
}

/** The elements of a wire-encoded list or set (protocol v3+), as hex. */
export function elementsHex(bytes: Uint8Array): string[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const count = view.getInt32(0);
  const out: string[] = [];
  let at = 4;
  for (let i = 0; i < count; i++) {
    const length = view.getInt32(at);
    out.push(hex(bytes.subarray(at + 4, at + 4 + length))!);
    at += 4 + length;
  }
  return out;
}

/** A key-value table: a bigint key and a text value of 2 to 20 characters. */
export const KV: UserTableSpec = tableSpec("kv", [
  { name: "k", type: "bigint", kind: "partition_key" },
  { name: "v", type: "text", kind: "regular", size: uniform(2, 20) },
]);
/** Its CREATE TABLE. */
export const KV_CQL = "CREATE TABLE kv (k bigint PRIMARY KEY, v text)";
