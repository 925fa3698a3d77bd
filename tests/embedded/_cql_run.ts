// Test fixture: run cassandra-stress command lines through main() against an embedded node
// started by the test, and read back what the node stored.
import cassandra from "cassandra-driver";
import { main } from "../../main.ts";
import { BufferedIo } from "../../lib/cli/command_io.ts";
import { CqlServer } from "../../lib/cql_node/driver/cql_server.ts";

/** The result of one command. */
export interface RunOutput {
  code: number;
  out: string[];
  err: string[];
}

/** Starts a node on a free loopback port. */
export function startNode(
  options: Parameters<typeof CqlServer.start>[0] = {},
): Promise<CqlServer> {
  return CqlServer.start({ hostname: "127.0.0.1", port: 0, ...options });
}

/**
 * Runs `args` through main() with `-node 127.0.0.1 -port native=PORT` appended (nothing with a null
 * node), no sleeps, and no shard from the environment.
 */
export async function runAgainst(
  node: CqlServer | null,
  args: readonly string[],
  options: { signal?: AbortSignal; nodeArgs?: readonly string[] } = {},
): Promise<RunOutput> {
  const io = new BufferedIo();
  const target = options.nodeArgs ??
    (node === null ? [] : ["-node", "127.0.0.1", "-port", `native=${node.port}`]);
  const code = await main([...args, ...target], {
    io,
    signal: options.signal ?? new AbortController().signal,
    sleep: () => Promise.resolve(),
    env: {},
  });
  return { code, out: io.stdout, err: io.stderr };
}

/** Runs one query against the node with a fresh driver client. */
export async function queryNode(
  node: CqlServer,
  query: string,
  options: { params?: unknown[]; credentials?: { user: string; password: string } } = {},
): Promise<cassandra.types.Row[]> {
  const credentials = options.credentials;
  const client = new cassandra.Client({
    contactPoints: [`127.0.0.1:${node.port}`],
    localDataCenter: "datacenter1",
    ...(credentials === undefined ? {} : {
      authProvider: new cassandra.auth.PlainTextAuthProvider(
        credentials.user,
        credentials.password,
      ),
    }),
  });
  try {
    await client.connect();
    const rows: cassandra.types.Row[] = [];
    const stream = client.stream(query, options.params ?? [], { prepare: true, fetchSize: 5000 });
    for await (const row of stream as unknown as AsyncIterable<cassandra.types.Row>) {
      rows.push(row);
    }
    return rows;
  } finally {
    await client.shutdown();
  }
}

/** The lines of `out` between the interval header and `Results:` (the interval rows). */
export function intervalRows(out: readonly string[]): string[] {
  const start = out.findIndex((l) => l.startsWith("type "));
  const end = out.indexOf("Results:");
  return out.slice(start + 1, end).filter((l) => /^[\w.]+\s*,/.test(l));
}
