// The embedded node gives the answers a real node gave: every expected value here was recorded
// from Apache Cassandra 5.0.6 (one node, datacenter1, num_tokens 16, protocol v4), in
// tests/testdata/cassandra_5_answers.json or literally below (each says so), by sending it the same
// requests. tests/cassandra/embedded_parity_test.ts sends them to a real node and the embedded node
// side by side; this file guards the embedded node's answers without a real node.
import assert from "node:assert/strict";
import cassandra from "cassandra-driver";
import { CqlEngine } from "../../lib/cql_node/engine/cql_engine.ts";
import { CqlError } from "../../lib/cql_node/protocol/cql_error.ts";
import type { CqlServer } from "../../lib/cql_node/driver/cql_server.ts";
import { runAgainst, startNode } from "../embedded/_cql_run.ts";
import { compressionAnswers, paritySteps, runSteps } from "./_parity_steps.ts";
import { rawOptions } from "./_raw_answers.ts";
import { RawCqlClient } from "./_raw_client.ts";
import { columnsOf, plainValue } from "./_plain_rows.ts";

/** The recorded answers of the real node. */
const RECORDED = JSON.parse(
  Deno.readTextFileSync(new URL("../testdata/cassandra_5_answers.json", import.meta.url)),
) as {
  steps: Record<string, unknown>;
  schema: Record<string, unknown>;
  compression: Record<string, unknown>;
};

async function withNode(fn: (node: CqlServer) => Promise<void>): Promise<void> {
  const node = await startNode();
  try {
    await fn(node);
  } finally {
    await node.close();
  }
}

async function withRaw<T>(node: CqlServer, fn: (client: RawCqlClient) => Promise<T>): Promise<T> {
  const client = await RawCqlClient.connect(node.port);
  try {
    return await fn(client);
  } finally {
    await client.close();
  }
}

async function withDriver<T>(
  node: CqlServer,
  fn: (client: cassandra.Client) => Promise<T>,
): Promise<T> {
  const client = new cassandra.Client({
    contactPoints: [`127.0.0.1:${node.port}`],
    localDataCenter: "datacenter1",
  });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.shutdown();
  }
}

Deno.test("the embedded node answers schema changes, errors and consistency levels as Cassandra 5.0.6 did", async () => {
  await withNode(async (node) => {
    const steps = paritySteps("parity_ks");
    assert.deepEqual(steps.map((s) => s.label), Object.keys(RECORDED.steps));
    const answers = await withRaw(node, async (client) => {
      await client.startup();
      return await runSteps(client, steps);
    });
    for (const step of steps) {
      assert.deepEqual(answers.get(step.label), RECORDED.steps[step.label], step.label);
    }
  });
});

Deno.test("the embedded node's SUPPORTED map is Cassandra 5.0.6's, up to protocol v4", async () => {
  await withNode(async (node) => {
    const supported = await withRaw(node, rawOptions);
    // Recorded from Cassandra 5.0.6: CQL_VERSION [3.4.7]; COMPRESSION [snappy, lz4];
    // PROTOCOL_VERSIONS [3/v3, 4/v4, 5/v5, 6/v6-beta], of which the embedded node speaks v3, v4.
    assert.deepEqual(supported["CQL_VERSION"], ["3.4.7"]);
    assert.deepEqual(supported["COMPRESSION"], ["snappy", "lz4"]);
    assert.deepEqual(supported["PROTOCOL_VERSIONS"], ["3/v3", "4/v4"]);
  });
});

Deno.test("compressed requests (lz4, snappy) are answered as Cassandra 5.0.6 answered them", async () => {
  await withNode(async (node) => {
    const answers = await compressionAnswers(() => RawCqlClient.connect(node.port));
    assert.deepEqual([...answers.keys()], Object.keys(RECORDED.compression));
    for (const [label, answer] of answers) {
      assert.deepEqual(answer, RECORDED.compression[label], label);
    }
  });
});

Deno.test("system.local, system.peers and system.peers_v2 have Cassandra 5.0.6's columns and system.local its values", async () => {
  await withNode(async (node) => {
    const startSeconds = Math.floor(Date.now() / 1000) - 60;
    await withDriver(node, async (client) => {
      for (const table of ["local", "peers", "peers_v2"]) {
        const result = await client.execute(`SELECT * FROM system.${table}`);
        assert.deepEqual(columnsOf(result), RECORDED.schema[`system.${table} columns`], table);
        assert.equal(result.rows.length, table === "local" ? 1 : 0, table);
      }
      const local = (await client.execute("SELECT * FROM system.local")).rows[0];
      // Recorded from Cassandra 5.0.6 (native_protocol_version aside: it said 5, the newest
      // version it speaks; the embedded node's newest is 4).
      assert.deepEqual(
        {
          key: local["key"],
          bootstrapped: local["bootstrapped"],
          cql_version: local["cql_version"],
          data_center: local["data_center"],
          partitioner: local["partitioner"],
          rack: local["rack"],
          release_version: local["release_version"],
          native_protocol_version: local["native_protocol_version"],
          truncated_at: local["truncated_at"],
        },
        {
          key: "local",
          bootstrapped: "COMPLETED",
          cql_version: "3.4.7",
          data_center: "datacenter1",
          partitioner: "org.apache.cassandra.dht.Murmur3Partitioner",
          rack: "rack1",
          release_version: "5.0.6",
          native_protocol_version: "4",
          truncated_at: null,
        },
      );
      assert.equal(local["tokens"].length, 16);
      assert.ok(local["gossip_generation"] >= startSeconds, String(local["gossip_generation"]));
    });
  });
});

Deno.test("system_schema rows of cassandra-stress's write, counter_write and NTS schema are Cassandra 5.0.6's", async () => {
  await withNode(async (node) => {
    for (
      const line of [
        // Recorded with SimpleStrategy (the default then; NetworkTopologyStrategy is below).
        [
          "write",
          "n=10",
          "no-warmup",
          "-schema",
          "keyspace=parity_rec",
          "replication(strategy=SimpleStrategy,factor=1)",
        ],
        [
          "counter_write",
          "n=10",
          "no-warmup",
          "-schema",
          "keyspace=parity_rec",
          "replication(strategy=SimpleStrategy,factor=1)",
        ],
        [
          "write",
          "n=10",
          "no-warmup",
          "-schema",
          "keyspace=parity_rec_nts",
          "replication(strategy=NetworkTopologyStrategy,factor=1)",
        ],
      ]
    ) {
      const run = await runAgainst(node, line);
      assert.equal(run.code, 0, run.err.join("\n"));
    }
    await withDriver(node, async (client) => {
      for (const table of ["keyspaces", "tables", "columns"]) {
        const result = await client.execute(
          `SELECT * FROM system_schema.${table} WHERE keyspace_name IN ('parity_rec', 'parity_rec_nts')`,
        );
        assert.deepEqual(columnsOf(result), RECORDED.schema[`system_schema.${table} columns`]);
        // Table ids aside: time-based UUIDs on a real node, random ones here.
        const rows = result.rows.map((row) =>
          Object.fromEntries(
            result.columns.filter((c) => c.name !== "id").map((c) => [
              c.name,
              plainValue(row.get(c.name)),
            ]),
          )
        );
        assert.deepEqual(rows, RECORDED.schema[`system_schema.${table} rows`], table);
      }
    });
  });
});

Deno.test("syntax errors carry Cassandra's position and query snippet", () => {
  const engine = new CqlEngine({
    node: {
      address: "127.0.0.1",
      port: 9042,
      clusterName: "Test Cluster",
      datacenter: "datacenter1",
      rack: "rack1",
      releaseVersion: "5.0.6",
      hostId: "8d3ec2b4-0f2c-4a43-9d35-4c5e3b9f1a22",
      tokens: ["0"],
    },
    clockMs: () => 0,
    randomBytes: (n) => new Uint8Array(n),
  });
  // Each message recorded from Cassandra 5.0.6 for the statement.
  const recorded: [string, string][] = [
    [
      "SELECT a, b, c, d, e, f FROM ks.t WHERE a = 1 AND b = 2 AND c = 3 ORDER ASC",
      "line 1:72 mismatched input 'ASC' expecting K_BY (...AND c = 3 ORDER [ASC])",
    ],
    [
      "SELECT *\nFROM ks.t\nWHERE k = 1 ORDER BY x ASC LIMT 3",
      "line 3:27 mismatched input 'LIMT' expecting EOF (...1 ORDER BY x ASC [LIMT]...)",
    ],
    [
      "  SELECT * FORM t",
      "line 1:11 mismatched input 'FORM' expecting K_FROM (  SELECT * [FORM]...)",
    ],
    [
      "DROP TABLE ks.t extra",
      "line 1:16 mismatched input 'extra' expecting EOF (DROP TABLE ks.t [extra])",
    ],
    ["INSERT INTO ks.t (key) VALUES", "line 0:-1 mismatched input '<EOF>' expecting '('"],
  ];
  const none = { values: [], pageSize: 0, pagingState: null };
  for (const [cql, message] of recorded) {
    assert.throws(() => engine.query(cql, none, {}), (error) => {
      assert.ok(error instanceof CqlError);
      assert.equal(error.code, 0x2000);
      assert.equal(error.message, message);
      return true;
    });
  }
});
