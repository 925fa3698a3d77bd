// Test fixture: the real Cassandra nodes of one `deno task test:cassandra` run. The runner
// (scripts/test_cassandra.ts) starts them once and hands them to every test file in
// STRESS_CASSANDRA_NODES; each file runs commands through main() against them.
import cassandra from "cassandra-driver";
import { main } from "../../main.ts";
import { BufferedIo } from "../../lib/cli/command_io.ts";
import type { CassandraNodeInfo } from "../../scripts/cassandra/cassandra_node.ts";

/** The nodes of the run: `plain` (no auth, no TLS) and `secure` (PasswordAuthenticator and TLS). */
export interface CassandraNodes {
  readonly plain: CassandraNodeInfo;
  readonly secure: CassandraNodeInfo;
}

/** The environment variable the runner sets. */
export const NODES_ENV = "STRESS_CASSANDRA_NODES";

/** The nodes the runner started; throws with how to run the suite when there are none. */
export function cassandraNodes(): CassandraNodes {
  const text = Deno.env.get(NODES_ENV);
  if (!text) {
    throw new Error(
      `${NODES_ENV} is not set: run these tests with "deno task test:cassandra [FILE...]"`,
    );
  }
  return JSON.parse(text) as CassandraNodes;
}

/** The result of one command. */
export interface RunOutput {
  readonly code: number;
  readonly out: string[];
  readonly err: string[];
}

/** `-node 127.0.0.1 -port native=PORT` for `node`. */
export function nodeArgs(node: CassandraNodeInfo): string[] {
  return ["-node", node.host, "-port", `native=${node.port}`];
}

/**
 * Runs a cassandra-stress line through main() against `node` (its `-node`/`-port` appended unless
 * `args` has its own). Sleeps are real unless `sleep` is given: the node needs its propagation
 * pauses no more than a real cluster does, but tests keep them short.
 */
export async function runStress(
  node: CassandraNodeInfo,
  args: readonly string[],
  options: { signal?: AbortSignal; realSleeps?: boolean } = {},
): Promise<RunOutput> {
  const io = new BufferedIo();
  const target = args.includes("-node") ? [] : nodeArgs(node);
  const code = await main([...args, ...target], {
    io,
    signal: options.signal ?? new AbortController().signal,
    ...(options.realSleeps ? {} : { sleep: () => Promise.resolve() }),
  });
  return { code, out: io.stdout, err: io.stderr };
}

/** A driver client for `node` (with its login and its certificate when it has them). */
export async function nodeClient(node: CassandraNodeInfo): Promise<cassandra.Client> {
  const client = new cassandra.Client({
    contactPoints: [`${node.host}:${node.port}`],
    localDataCenter: "datacenter1",
    ...(node.credentials === null ? {} : {
      authProvider: new cassandra.auth.PlainTextAuthProvider(
        node.credentials.user,
        node.credentials.password,
      ),
    }),
    ...(node.certPem === null
      ? {}
      : { sslOptions: { ca: [await Deno.readTextFile(node.certPem)] } }),
  });
  await client.connect();
  return client;
}

/** Runs one CQL statement against `node` with a fresh client and returns every row. */
export async function queryCassandra(
  node: CassandraNodeInfo,
  query: string,
  params: unknown[] = [],
): Promise<cassandra.types.Row[]> {
  const client = await nodeClient(node);
  try {
    const rows: cassandra.types.Row[] = [];
    const stream = client.stream(query, params, { prepare: true, fetchSize: 5000 });
    for await (const row of stream as unknown as AsyncIterable<cassandra.types.Row>) {
      rows.push(row);
    }
    return rows;
  } finally {
    await client.shutdown();
  }
}

/** The number of rows of `keyspace.table` on `node`. */
export async function countRows(
  node: CassandraNodeInfo,
  keyspace: string,
  table = "standard1",
): Promise<number> {
  const [row] = await queryCassandra(node, `SELECT COUNT(*) AS n FROM ${keyspace}.${table}`);
  return Number(row.get("n"));
}

/** A keyspace name of its own for one test, so tests in parallel never share tables. */
export function uniqueKeyspace(prefix: string): string {
  return `${prefix}_${crypto.randomUUID().replaceAll("-", "").slice(0, 10)}`;
}

/** The value of the `Results:` line `label` (e.g. "Total errors"), as a number. */
export function resultNumber(out: readonly string[], label: string): number {
  const line = out.find((l) => l.startsWith(label));
  if (line === undefined) throw new Error(`no "${label}" line in the output`);
  const value = line.split(":")[1].trim().split(/\s+/)[0].replaceAll(",", "");
  return Number(value);
}

/**
 * Runs `fn` while holding the plain node's `keyspace1` lock: tests that use cassandra-stress's
 * default keyspace (the corpus lines, the recorded runs) take turns across the suite's parallel
 * test processes, so none drops or fills it under another.
 */
export async function withKeyspace1<T>(fn: () => Promise<T>): Promise<T> {
  const { plain } = cassandraNodes();
  const file = await Deno.open(`${plain.dir}/keyspace1.lock`, {
    read: true,
    write: true,
    create: true,
  });
  try {
    await file.lock(true);
    return await fn();
  } finally {
    file.close();
  }
}
