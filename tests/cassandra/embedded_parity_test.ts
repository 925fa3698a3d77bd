// The embedded node against a real Apache Cassandra 5.0 node: the same requests go to both, and
// what a driver or the tool can see of the answers must agree: the SUPPORTED map, the system
// tables drivers read (system.local, system.peers, system.peers_v2), the system_schema rows of the
// schema cassandra-stress creates, the errors of common mistakes (code, message, fields) and the
// results of schema changes (with their warnings). The same requests, with the real node's
// answers recorded, guard the embedded node in tests/cql_node/real_node_answers_test.ts.
import assert from "node:assert/strict";
import cassandra from "cassandra-driver";
import type { CassandraNodeInfo } from "../../scripts/cassandra/cassandra_node.ts";
import { CqlServer } from "../../lib/cql_node/driver/cql_server.ts";
import { RawCqlClient } from "../cql_node/_raw_client.ts";
import { rawOptions } from "../cql_node/_raw_answers.ts";
import {
  type ComparableAnswer,
  compressionAnswers,
  paritySteps,
  runSteps,
  stepKeyspaces,
} from "../cql_node/_parity_steps.ts";
import { cassandraNodes, nodeClient, runStress, uniqueKeyspace } from "./_cassandra_node.ts";
import { columnsOf, plainValue } from "../cql_node/_plain_rows.ts";

const { plain } = cassandraNodes();

/** The real node's cluster name, which the embedded node is started with. */
async function realClusterName(): Promise<string> {
  const client = await nodeClient(plain);
  try {
    const local = await client.execute("SELECT cluster_name FROM system.local");
    return local.rows[0]["cluster_name"];
  } finally {
    await client.shutdown();
  }
}

/** Starts an embedded node named as the real one, runs `fn`, closes the node. */
async function withEmbedded(fn: (node: CqlServer) => Promise<void>): Promise<void> {
  const node = await CqlServer.start({
    hostname: "127.0.0.1",
    port: 0,
    clusterName: await realClusterName(),
  });
  try {
    await fn(node);
  } finally {
    await node.close();
  }
}

/** The embedded node as the real-node helpers take a node. */
function embeddedInfo(node: CqlServer): CassandraNodeInfo {
  return { ...plain, port: node.port, pid: 0, dir: "", version: "embedded" };
}

async function withClient<T>(
  node: CassandraNodeInfo,
  fn: (client: cassandra.Client) => Promise<T>,
): Promise<T> {
  const client = await nodeClient(node);
  try {
    return await fn(client);
  } finally {
    await client.shutdown();
  }
}

async function withRaw<T>(port: number, fn: (client: RawCqlClient) => Promise<T>): Promise<T> {
  const client = await RawCqlClient.connect(port);
  try {
    return await fn(client);
  } finally {
    await client.close();
  }
}

/** The rows of a result as plain data, without the columns in `skip`. */
function rowsOf(result: cassandra.types.ResultSet, skip: string[] = []): unknown[] {
  return result.rows.map((row) =>
    Object.fromEntries(
      result.columns.filter((c) => !skip.includes(c.name)).map((c) => [
        c.name,
        plainValue(row.get(c.name)),
      ]),
    )
  );
}

/** The protocol number of a SUPPORTED entry such as `4/v4` or `6/v6-beta`. */
function protocolNumber(entry: string): number {
  return Number(entry.split("/")[0]);
}

Deno.test("OPTIONS: the embedded node's SUPPORTED map agrees with a real node's", async () => {
  await withEmbedded(async (node) => {
    const real = await withRaw(plain.port, rawOptions);
    const embedded = await withRaw(node.port, rawOptions);
    assert.deepEqual(Object.keys(embedded).sort(), Object.keys(real).sort());
    assert.deepEqual(embedded["CQL_VERSION"], real["CQL_VERSION"]);
    assert.deepEqual(embedded["COMPRESSION"], real["COMPRESSION"]);
    // The real node also speaks v5 and v6-beta; the embedded node speaks v3 and v4.
    const embeddedMax = Math.max(...embedded["PROTOCOL_VERSIONS"].map(protocolNumber));
    assert.deepEqual(
      embedded["PROTOCOL_VERSIONS"],
      real["PROTOCOL_VERSIONS"].filter((entry) => protocolNumber(entry) <= embeddedMax),
    );
  });
});

/** The newest non-beta protocol version a node lists in SUPPORTED. */
async function newestProtocol(port: number): Promise<string> {
  const supported = await withRaw(port, rawOptions);
  const versions = supported["PROTOCOL_VERSIONS"].filter((v) => !v.includes("beta"));
  return String(Math.max(...versions.map(protocolNumber)));
}

const LOCAL_SAME = [
  "key",
  "bootstrapped",
  "broadcast_address",
  "cluster_name",
  "cql_version",
  "data_center",
  "listen_address",
  "partitioner",
  "rack",
  "release_version",
  "rpc_address",
];

Deno.test("system.local, system.peers and system.peers_v2 agree with a real node's", async () => {
  await withEmbedded(async (node) => {
    const query = (info: CassandraNodeInfo, cql: string) =>
      withClient(info, (client) => client.execute(cql));
    for (const table of ["local", "peers", "peers_v2"]) {
      const real = await query(plain, `SELECT * FROM system.${table}`);
      const embedded = await query(embeddedInfo(node), `SELECT * FROM system.${table}`);
      assert.deepEqual(columnsOf(embedded), columnsOf(real), `system.${table} columns`);
      assert.equal(embedded.rows.length, real.rows.length, `system.${table} rows`);
    }
    const real = (await query(plain, "SELECT * FROM system.local")).rows[0];
    const embedded = (await query(embeddedInfo(node), "SELECT * FROM system.local")).rows[0];
    for (const name of LOCAL_SAME) {
      assert.deepEqual(plainValue(embedded[name]), plainValue(real[name]), name);
    }
    assert.equal(real["rpc_port"], plain.port);
    assert.equal(embedded["rpc_port"], node.port);
    // Each says the newest protocol version it speaks (the real node 5, the embedded node 4).
    assert.equal(real["native_protocol_version"], await newestProtocol(plain.port));
    assert.equal(embedded["native_protocol_version"], await newestProtocol(node.port));
    for (const row of [real, embedded]) {
      assert.equal(row["tokens"].length, 16);
      for (const token of row["tokens"]) {
        const value = BigInt(token);
        assert.ok(value >= -(2n ** 63n) && value < 2n ** 63n, token);
      }
      assert.ok(row["host_id"] instanceof cassandra.types.Uuid);
      assert.ok(row["schema_version"] instanceof cassandra.types.Uuid);
      // The node's start, in seconds since the epoch.
      assert.ok(row["gossip_generation"] > 1_600_000_000, String(row["gossip_generation"]));
    }
  });
});

Deno.test("system_schema rows of cassandra-stress's write and counter_write schema agree with a real node's", async () => {
  const ks = uniqueKeyspace("parity_schema");
  const nts = `${ks}_nts`;
  await withEmbedded(async (node) => {
    try {
      for (const info of [plain, embeddedInfo(node)]) {
        for (
          const line of [
            ["write", "n=10", "no-warmup", "-schema", `keyspace=${ks}`],
            ["counter_write", "n=10", "no-warmup", "-schema", `keyspace=${ks}`],
            [
              "write",
              "n=10",
              "no-warmup",
              "-schema",
              `keyspace=${nts}`,
              "replication(strategy=NetworkTopologyStrategy,factor=1)",
            ],
          ]
        ) {
          const run = await runStress(info, line);
          assert.equal(run.code, 0, `${info.version}: ${line.join(" ")}\n${run.err.join("\n")}`);
        }
      }
      const where = `WHERE keyspace_name IN ('${ks}', '${nts}')`;
      for (const table of ["keyspaces", "tables", "columns"]) {
        const cql = `SELECT * FROM system_schema.${table} ${where}`;
        const real = await withClient(plain, (client) => client.execute(cql));
        const embedded = await withClient(embeddedInfo(node), (client) => client.execute(cql));
        assert.deepEqual(columnsOf(embedded), columnsOf(real), `system_schema.${table} columns`);
        // Table ids are time-based UUIDs on a real node, random ones on the embedded node.
        assert.deepEqual(rowsOf(embedded, ["id"]), rowsOf(real, ["id"]), `system_schema.${table}`);
      }
    } finally {
      await withClient(plain, async (client) => {
        for (const name of [ks, nts]) await client.execute(`DROP KEYSPACE IF EXISTS ${name}`);
      });
    }
  });
});

Deno.test("errors, schema changes and consistency levels are answered as a real node answers them", async () => {
  const ks = uniqueKeyspace("parity_steps");
  const steps = paritySteps(ks);
  await withEmbedded(async (node) => {
    let real: Map<string, ComparableAnswer>;
    try {
      real = await withRaw(plain.port, async (client) => {
        await client.startup();
        return await runSteps(client, steps);
      });
    } finally {
      await withRaw(plain.port, async (client) => {
        await client.startup();
        for (const name of stepKeyspaces(ks)) await client.query(`DROP KEYSPACE IF EXISTS ${name}`);
      });
    }
    const embedded = await withRaw(node.port, async (client) => {
      await client.startup();
      return await runSteps(client, steps);
    });
    const differences = steps
      .filter((step) => !isDeepEqual(embedded.get(step.label), real.get(step.label)))
      .map((step) =>
        `${step.label}:\n  real:     ${JSON.stringify(real.get(step.label))}\n` +
        `  embedded: ${JSON.stringify(embedded.get(step.label))}`
      );
    assert.deepEqual(differences, []);
  });
});

Deno.test("compressed requests (lz4, snappy) are answered as a real node answers them", async () => {
  await withEmbedded(async (node) => {
    const real = await compressionAnswers(() => RawCqlClient.connect(plain.port));
    const embedded = await compressionAnswers(() => RawCqlClient.connect(node.port));
    assert.deepEqual([...embedded.keys()], [...real.keys()]);
    for (const [label, answer] of real) assert.deepEqual(embedded.get(label), answer, label);
  });
});

function isDeepEqual(a: unknown, b: unknown): boolean {
  try {
    assert.deepEqual(a, b);
    return true;
  } catch {
    return false;
  }
}
