/**
 * `deno task test:cassandra [DENO TEST FLAG...] [FILE...]`: starts two real Apache Cassandra nodes (one plain, one with
 * PasswordAuthenticator and client TLS), runs the real-node suite (`tests/cassandra/`, or the files
 * given) against them with `deno test`, and stops both nodes, whatever happens.
 *
 * Exit codes: deno test's, 3 when Java 17 or Maven is missing, 1 when a node failed to start.
 *
 * @module
 */

// deno-lint-ignore-file no-console
import { MissingToolError } from "./cassandra/cassandra_jars.ts";
import { type CassandraNode, startCassandra } from "./cassandra/cassandra_node.ts";

function describe(node: CassandraNode): string {
  const extras = [
    node.credentials === null ? "" : `, auth ${node.credentials.user}`,
    node.certPem === null ? "" : ", TLS",
  ].join("");
  return `cassandra ready at ${node.host}:${node.port} (Apache Cassandra ${node.version}${extras})`;
}

async function startNodes(): Promise<CassandraNode[]> {
  const started = await Promise.allSettled([
    startCassandra(),
    startCassandra({ auth: true, tls: true }),
  ]);
  const nodes = started.flatMap((result) => result.status === "fulfilled" ? [result.value] : []);
  const failure = started.find((result) => result.status === "rejected");
  if (failure !== undefined) {
    await Promise.all(nodes.map((node) => node.stop()));
    throw (failure as PromiseRejectedResult).reason;
  }
  return nodes;
}

/** The arguments for deno test: the given ones (flags and files), the whole suite when no file is given. */
function withDefaultFiles(args: string[]): string[] {
  return args.some((arg) => !arg.startsWith("-")) ? args : [...args, "tests/cassandra/"];
}

async function runTests(nodes: CassandraNode[], files: string[]): Promise<number> {
  const [plain, secure] = nodes.map(({ stop: _stop, ...info }) => info);
  const child = new Deno.Command(Deno.execPath(), {
    args: ["test", "-A", "--parallel", ...withDefaultFiles(files)],
    env: { STRESS_CASSANDRA_NODES: JSON.stringify({ plain, secure }), DENO_JOBS: "2" },
    stdin: "null",
  }).spawn();
  const forward = () => child.kill("SIGINT");
  Deno.addSignalListener("SIGINT", forward);
  Deno.addSignalListener("SIGTERM", forward);
  try {
    return (await child.status).code;
  } finally {
    Deno.removeSignalListener("SIGINT", forward);
    Deno.removeSignalListener("SIGTERM", forward);
  }
}

/** Starts the nodes, runs the suite, stops the nodes; resolves with the exit code. */
export async function testCassandraMain(files: string[]): Promise<number> {
  let nodes: CassandraNode[];
  try {
    nodes = await startNodes();
  } catch (error) {
    console.error(`error: ${(error as Error).message}`);
    return error instanceof MissingToolError ? 3 : 1;
  }
  for (const node of nodes) console.log(describe(node));
  try {
    return await runTests(nodes, files);
  } finally {
    await Promise.all(nodes.map((node) => node.stop()));
  }
}

if (import.meta.main) Deno.exit(await testCassandraMain(Deno.args));
