// A ring of three embedded nodes on 127.0.0.1..3 seen through cassandra-driver: discovery of
// the hosts and their tokens, replicas as our TokenMap computes them, token-aware writes landing
// on the owning node, schema changes reaching every node, and a node stopped mid-run.
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import cassandra from "cassandra-driver";
import { CqlRing, type CqlRingOptions } from "../../lib/cql_node/driver/cql_ring.ts";
import { type RingHost, TokenMap } from "../../lib/cql/native/token_map.ts";
import { murmur3PartitionToken } from "../../lib/core/murmur3_token.ts";
import { type Client, stressKey, waitFor, withTimeout } from "./_driver_fixture.ts";

const KEYSPACE =
  "CREATE KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}";
const TABLE = "CREATE TABLE ks.t (key blob PRIMARY KEY, v int)";
const INSERT = "INSERT INTO ks.t (key, v) VALUES (?, ?)";

/** Starts a ring and a connected client, runs `fn`, and always stops both. */
async function withRing(
  options: CqlRingOptions,
  fn: (ring: CqlRing, client: Client) => Promise<void>,
): Promise<void> {
  const ring = await CqlRing.start({ port: 0, keepWriteTokens: true, ...options });
  const client = new cassandra.Client({
    contactPoints: [`127.0.0.1:${ring.port}`],
    localDataCenter: "datacenter1",
    protocolOptions: { port: ring.port },
    pooling: { heartBeatInterval: 0 },
  });
  try {
    await withTimeout(
      (async () => {
        await client.connect();
        await fn(ring, client);
      })(),
      { limitMs: 30000, what: "ring test body" },
    );
  } finally {
    await withTimeout(client.shutdown(), { limitMs: 5000, what: "client shutdown" }).catch(
      () => {},
    );
    await ring.close();
  }
}

/** The driver's hosts as our TokenMap takes them. */
function ringHosts(client: Client): RingHost[] {
  return client.hosts.values().map((host) => ({
    address: host.address.replace(/:\d+$/, ""),
    datacenter: host.datacenter,
    rack: host.rack,
    tokens: host.tokens,
  }));
}

/** The writes a node ran to ks.t, and the tokens it wrote. */
function writesOf(ring: CqlRing, index: number): { writes: number; tokens: bigint[] } {
  const entry = ring.nodes[index].requestCounts().find((e) =>
    e.keyspace === "ks" && e.table === "t"
  );
  return { writes: entry?.writes ?? 0, tokens: entry?.writeTokens ?? [] };
}

Deno.test("CqlRing: cassandra-driver connected to one node finds the three nodes and their tokens", async () => {
  await withRing({ numTokens: 4 }, (ring, client) => {
    const hosts = client.hosts.values();
    assert.equal(hosts.length, 3);
    for (const node of ring.nodes) {
      const host = client.hosts.get(`${node.hostname}:${ring.port}`);
      assert.ok(host, `the driver knows ${node.hostname}`);
      assert.deepEqual([...host.tokens].sort(), [...node.peerInfo().tokens].sort());
      assert.equal(host.datacenter, "datacenter1");
      assert.equal(host.rack, "rack1");
      assert.equal(host.hostId.toString(), node.peerInfo().hostId);
    }
    assert.deepEqual(ring.nodes.map((n) => n.hostname), ["127.0.0.1", "127.0.0.2", "127.0.0.3"]);
    assert.ok(ring.nodes.every((n) => n.port === ring.port));
    return Promise.resolve();
  });
});

Deno.test("CqlRing: a schema change sent to one node reaches every node, with one schema version", async () => {
  await withRing({ numTokens: 2 }, async (ring, client) => {
    await client.execute(KEYSPACE);
    await client.execute(TABLE);
    for (const node of ring.nodes) assert.ok(node.describeTable("ks", "t"), node.hostname);
    const versions = new Set(ring.nodes.map((n) => n.engine.schema.version));
    assert.equal(versions.size, 1);
    const agreement = (client.metadata as unknown as { checkSchemaAgreement(): Promise<boolean> })
      .checkSchemaAgreement();
    assert.equal(await agreement, true);
    await client.execute("TRUNCATE ks.t");
    await client.execute("DROP TABLE ks.t");
    for (const node of ring.nodes) assert.equal(node.describeTable("ks", "t"), undefined);
  });
});

Deno.test("CqlRing: client.getReplicas() agrees with TokenMap on the ring the driver read", async () => {
  await withRing({ numTokens: 8 }, async (_ring, client) => {
    await client.execute(
      "CREATE KEYSPACE ks3 WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 2}",
    );
    for (
      const [keyspace, replication] of [
        ["ks3", { class: "SimpleStrategy", replication_factor: "2" }],
        ["system", { class: "LocalStrategy" }],
      ] as const
    ) {
      const map = new TokenMap(ringHosts(client), replication);
      for (let i = 0; i < 300; i++) {
        const key = stressKey(i);
        const theirs = client.getReplicas(keyspace, key).map((h) => h.address.replace(/:\d+$/, ""));
        const ours = map.replicas(murmur3PartitionToken(key)).map((h) => h.address);
        // The driver places LocalStrategy on the primary only; we on every host from it.
        assert.deepEqual(keyspace === "system" ? ours.slice(0, 1) : ours, theirs, `key ${i}`);
      }
    }
  });
});

Deno.test("CqlRing: token-aware prepared writes land on the node that owns each key", async () => {
  await withRing({ numTokens: 16 }, async (ring, client) => {
    await client.execute(KEYSPACE);
    await client.execute(TABLE);
    const map = new TokenMap(ringHosts(client), {
      class: "SimpleStrategy",
      replication_factor: "1",
    });
    const keys = 600;
    for (let i = 0; i < keys; i += 50) {
      await Promise.all(
        Array.from(
          { length: 50 },
          (_, j) => client.execute(INSERT, [stressKey(i + j), i + j], { prepare: true }),
        ),
      );
    }
    let total = 0;
    ring.nodes.forEach((node, index) => {
      const { writes, tokens } = writesOf(ring, index);
      total += writes;
      assert.ok(writes > keys / 6, `${node.hostname} got ${writes} of ${keys} writes`);
      for (const token of tokens) {
        assert.equal(map.replicas(token)[0].address, node.hostname, `token ${token}`);
      }
    });
    assert.equal(total, keys);
    // Every key's token is among its owner's written tokens.
    for (let i = 0; i < keys; i++) {
      const token = murmur3PartitionToken(stressKey(i));
      const owner = ring.nodes.findIndex((n) => n.hostname === map.replicas(token)[0].address);
      assert.ok(writesOf(ring, owner).tokens.includes(token), `key ${i}`);
    }
  });
});

Deno.test("CqlRing.stopNode(): the driver marks the node down and routes its keys to the others", async () => {
  await withRing({ numTokens: 4 }, async (ring, client) => {
    await client.execute(KEYSPACE);
    await client.execute(TABLE);
    await client.execute(INSERT, [Buffer.from("warm"), 0], { prepare: true });
    const stopped = ring.nodes[1];
    const address = `${stopped.hostname}:${ring.port}`;
    const before = writesOf(ring, 1).writes;
    await ring.stopNode(1);
    assert.equal(ring.isStopped(1), true);
    assert.equal(stopped.connectionCount, 0);
    assert.ok(await waitFor(() => client.hosts.get(address)?.isUp() === false, 10000));
    for (let i = 0; i < 200; i += 20) {
      await Promise.all(
        Array.from(
          { length: 20 },
          (_, j) => client.execute(INSERT, [stressKey(i + j), i + j], { prepare: true }),
        ),
      );
    }
    assert.equal(writesOf(ring, 1).writes, before);
    assert.equal(writesOf(ring, 0).writes + writesOf(ring, 2).writes, 200 + 1 - before);
  });
});
