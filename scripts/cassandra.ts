/**
 * `deno task cassandra [--auth] [--tls] [--heap-mb N]`: starts one real Apache Cassandra node on
 * 127.0.0.1 (jars from Maven Central, cached outside the repository), prints
 * `cassandra ready at 127.0.0.1:PORT (Apache Cassandra 5.0.N)` once CQL answers, and runs until
 * SIGINT or SIGTERM, when it stops the node by its pid. Test infrastructure: not published.
 *
 * Exit codes: 0 stopped by a signal, 2 a bad flag, 3 Java 17 or Maven missing, 1 the node failed.
 *
 * @module
 */

// deno-lint-ignore-file no-console
import { parseArgs } from "node:util";
import { MissingToolError } from "./cassandra/cassandra_jars.ts";
import { type CassandraNode, startCassandra } from "./cassandra/cassandra_node.ts";

function parseFlags(args: string[]) {
  const { values } = parseArgs({
    args,
    options: {
      auth: { type: "boolean", default: false },
      tls: { type: "boolean", default: false },
      "heap-mb": { type: "string", default: "1024" },
    },
    strict: true,
    allowPositionals: false,
  });
  const heapMb = Number(values["heap-mb"]);
  if (!Number.isInteger(heapMb) || heapMb < 256) {
    throw new TypeError(`--heap-mb is "${values["heap-mb"]}", expected a whole number >= 256`);
  }
  return { auth: values.auth, tls: values.tls, heapMb };
}

function printReady(node: CassandraNode): void {
  console.log(`cassandra ready at ${node.host}:${node.port} (Apache Cassandra ${node.version})`);
  if (node.credentials !== null) {
    console.log(`auth: user=${node.credentials.user} password=${node.credentials.password}`);
  }
  if (node.certPem !== null) console.log(`tls: certificate ${node.certPem}`);
  console.log(`node: pid ${node.pid}, directory ${node.dir}`);
}

/** Runs the command; resolves with the exit code. */
export async function cassandraMain(args: string[]): Promise<number> {
  let flags;
  try {
    flags = parseFlags(args);
  } catch (error) {
    console.error(`error: ${(error as Error).message}`);
    return 2;
  }
  // Listening before the node starts: a signal that comes while it starts, or right after the
  // ready line (a reader may send it at once), still stops the node by its pid. (Listening after
  // the ready line lost that race under load: the default action ended this process and left
  // the JVM running.)
  const { promise: signalled, resolve } = Promise.withResolvers<void>();
  Deno.addSignalListener("SIGINT", resolve);
  Deno.addSignalListener("SIGTERM", resolve);
  let node: CassandraNode;
  try {
    node = await startCassandra(flags);
  } catch (error) {
    console.error(`error: ${(error as Error).message}`);
    return error instanceof MissingToolError ? 3 : 1;
  }
  printReady(node);
  await signalled;
  await node.stop();
  console.log("cassandra stopped");
  return 0;
}

if (import.meta.main) Deno.exit(await cassandraMain(Deno.args));
