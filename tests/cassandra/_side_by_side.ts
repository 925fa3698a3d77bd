// Test fixture of the suites that compare the embedded node with the real one: the same work,
// through cassandra-driver, on the real node and on a fresh embedded node, and the answers that
// differ, each with its label and both answers.
import cassandra from "cassandra-driver";
import { CqlServer } from "../../lib/cql_node/driver/cql_server.ts";
import type { CassandraNodeInfo } from "../../scripts/cassandra/cassandra_node.ts";
import { nodeClient } from "./_cassandra_node.ts";

/**
 * Runs `answersOf` with a client of the real node, then with one of a fresh embedded node, in
 * keyspace `ks` both times; `answersOf` shuts its client down.
 */
export async function realAndEmbedded<T>(
  real: CassandraNodeInfo,
  ks: string,
  answersOf: (client: cassandra.Client, ks: string) => Promise<T>,
): Promise<{ real: T; embedded: T }> {
  const realAnswers = await answersOf(await nodeClient(real), ks);
  const node = await CqlServer.start({ hostname: "127.0.0.1", port: 0 });
  try {
    const client = new cassandra.Client({
      contactPoints: [`127.0.0.1:${node.port}`],
      localDataCenter: "datacenter1",
    });
    await client.connect();
    return { real: realAnswers, embedded: await answersOf(client, ks) };
  } finally {
    await node.close();
  }
}

/** The answers that differ, one text each: its label, the real node's and the embedded node's. */
export function differencesOf(
  labels: readonly string[],
  real: (i: number) => unknown,
  embedded: (i: number) => unknown,
): string[] {
  return labels
    .map((label, i) => [label, JSON.stringify(real(i)), JSON.stringify(embedded(i))] as const)
    .filter(([, a, b]) => a !== b)
    .map(([label, a, b]) => `${label}:\n  real:     ${a}\n  embedded: ${b}`);
}

/** A value as text (a list element by element), null for none. */
export function textOf(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (Array.isArray(value)) return value.map(textOf);
  return String(value);
}

/**
 * Runs `statements` in a fresh keyspace `ks` (a number is a pause of that many ms, and has no
 * answer); answers what `answerOf` makes of each result, or `error: MESSAGE`; then drops the
 * keyspace and shuts the client down.
 */
export async function statementAnswers(
  client: cassandra.Client,
  ks: string,
  statements: readonly (string | number)[],
  answerOf: (result: cassandra.types.ResultSet) => unknown,
): Promise<unknown[]> {
  const answers: unknown[] = [];
  try {
    await client.execute(
      `CREATE KEYSPACE ${ks} WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}`,
    );
    await client.execute(`USE ${ks}`);
    for (const statement of statements) {
      if (typeof statement === "number") {
        await new Promise((resolve) => setTimeout(resolve, statement));
        continue;
      }
      try {
        answers.push(answerOf(await client.execute(statement)));
      } catch (error) {
        answers.push(`error: ${(error as Error).message}`);
      }
    }
    return answers;
  } finally {
    await client.execute(`DROP KEYSPACE IF EXISTS ${ks}`).catch(() => {});
    await client.shutdown();
  }
}
