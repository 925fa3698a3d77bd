import assert from "node:assert/strict";
import { CqlServer, type CqlServerOptions } from "../../lib/cql_node/driver/cql_server.ts";
import { parseDistribution } from "../../lib/units/parse_distribution.ts";
import {
  describe,
  ERR,
  OP,
  parseError,
  RawCqlClient,
  type RawError,
  startupBody,
  waitFor,
} from "./_raw_client.ts";

// A user table: injected errors spare the system tables drivers read while they connect.
const SELECT = "SELECT key FROM faults_ks.t";

async function withServer(
  options: CqlServerOptions,
  body: (server: CqlServer) => Promise<void>,
): Promise<void> {
  const server = await CqlServer.start({ ...options, port: 0 });
  try {
    const faults = server.faults;
    server.setFaults({ latencyUs: null, stall: null, errorRate: 0, dropRate: 0 });
    const setup = await RawCqlClient.connect(server.port);
    try {
      await setup.startup();
      await setup.query(
        "CREATE KEYSPACE faults_ks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}",
      );
      await setup.query("CREATE TABLE faults_ks.t (key int PRIMARY KEY)");
    } finally {
      await setup.close();
    }
    server.setFaults(faults);
    await body(server);
  } finally {
    await server.close();
    await waitFor(() => server.connectionCount === 0);
  }
}

async function withClient(
  server: CqlServer,
  body: (client: RawCqlClient) => Promise<void>,
): Promise<void> {
  const client = await RawCqlClient.connect(server.port);
  try {
    await client.startup();
    await body(client);
  } finally {
    await client.close();
  }
}

/** Latencies in ms of `n` sequential queries that must all get a RESULT. */
async function timedQueries(client: RawCqlClient, n: number): Promise<number[]> {
  const latenciesMs: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    const frame = await client.query(SELECT);
    latenciesMs.push(performance.now() - t0);
    assert.equal(frame.opcode, OP.result, describe(frame));
  }
  return latenciesMs;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

Deno.test("CqlServer adds injected latency to every query until the fault is cleared", async () => {
  await withServer({ faults: { latencyUs: parseDistribution("fixed(20000)") } }, async (server) => {
    await withClient(server, async (client) => {
      const slow = await timedQueries(client, 50);
      const min = Math.min(...slow);
      assert.ok(min >= 20, `fastest query took ${min.toFixed(2)} ms, expected >= 20 ms`);
      assert.ok(median(slow) < 200, `median ${median(slow).toFixed(1)} ms`);
      server.setFaults({ latencyUs: null });
      const fast = await timedQueries(client, 50);
      assert.ok(median(fast) < 10, `median after clearing ${median(fast).toFixed(2)} ms`);
    });
  });
});

Deno.test("CqlServer does not delay STARTUP or OPTIONS with injected latency", async () => {
  await withServer(
    { faults: { latencyUs: parseDistribution("fixed(3000000)") } },
    async (server) => {
      const client = await RawCqlClient.connect(server.port);
      try {
        const t0 = performance.now();
        const ready = await client.request(OP.startup, startupBody());
        const options = await client.request(OP.options, new Uint8Array(0));
        const elapsedMs = performance.now() - t0;
        assert.equal(ready.opcode, OP.ready);
        assert.equal(options.opcode, OP.supported);
        // Delayed, they would take 6 s.
        assert.ok(elapsedMs < 1500, `STARTUP + OPTIONS took ${elapsedMs.toFixed(1)} ms`);
      } finally {
        await client.close();
      }
    },
  );
});

Deno.test("CqlServer stalls every response periodically", async () => {
  await withServer({ faults: { stall: { everyMs: 1000, forMs: 300 } } }, async (server) => {
    await withClient(server, async (client) => {
      const latenciesMs: number[] = [];
      const t0 = performance.now();
      while (performance.now() - t0 < 2500) latenciesMs.push(...await timedQueries(client, 1));
      const stalled = latenciesMs.filter((ms) => ms >= 250);
      const small = latenciesMs.filter((ms) => ms < 50);
      assert.ok(stalled.length >= 1 && stalled.length <= 4, `stalled: ${stalled.join(", ")}`);
      assert.ok(
        small.length >= 0.9 * latenciesMs.length,
        `${small.length} of ${latenciesMs.length} queries under 50 ms`,
      );
      assert.ok(Math.max(...latenciesMs) < 450, `worst ${Math.max(...latenciesMs)} ms`);
    });
  });
});

Deno.test("CqlServer injects overloaded and read_timeout errors at the configured rate", async () => {
  await withServer({
    faults: { errorRate: 0.5, errorKinds: ["overloaded", "read_timeout"] },
  }, async (server) => {
    await withClient(server, async (client) => {
      const errors: RawError[] = [];
      let results = 0;
      for (let i = 0; i < 200; i++) {
        const frame = await client.query(SELECT);
        if (frame.opcode === OP.result) results++;
        else {
          assert.equal(frame.opcode, OP.error, describe(frame));
          errors.push(parseError(frame.body));
        }
      }
      assert.equal(results + errors.length, 200);
      assert.ok(
        errors.length >= 70 && errors.length <= 130,
        `${errors.length} of 200 queries failed, expected 35% to 65%`,
      );
      const codes = new Set(errors.map((e) => e.code));
      assert.deepEqual([...codes].sort(), [ERR.overloaded, ERR.readTimeout].sort());
      for (const error of errors) {
        assert.equal(error.trailingBytes, 0, `trailing bytes after 0x${error.code.toString(16)}`);
        if (error.code === ERR.readTimeout) {
          assert.equal(error.consistency, 1);
          assert.equal(error.received, 0);
          assert.equal(error.blockFor, 1);
          assert.equal(error.dataPresent, false);
        }
      }
      server.setFaults({ errorRate: 0 });
      const frame = await client.query(SELECT);
      assert.equal(frame.opcode, OP.result, describe(frame));
    });
  });
});

Deno.test("CqlServer injects write_timeout, unavailable and server_error with parseable bodies", async () => {
  const expected = {
    write_timeout: ERR.writeTimeout,
    unavailable: ERR.unavailable,
    server_error: ERR.serverError,
  } as const;
  await withServer({}, async (server) => {
    await withClient(server, async (client) => {
      for (const [kind, code] of Object.entries(expected)) {
        server.setFaults({ errorRate: 1, errorKinds: [kind as keyof typeof expected] });
        const frame = await client.query(SELECT);
        assert.equal(frame.opcode, OP.error, `${kind}: ${describe(frame)}`);
        const error = parseError(frame.body);
        assert.equal(error.code, code, `${kind}: ${describe(frame)}`);
        assert.equal(error.trailingBytes, 0, kind);
        if (kind === "write_timeout") {
          assert.deepEqual(
            [error.consistency, error.received, error.blockFor, error.writeType],
            [1, 0, 1, "SIMPLE"],
          );
        }
        if (kind === "unavailable") {
          assert.deepEqual([error.consistency, error.blockFor, error.received], [1, 1, 0]);
        }
      }
    });
  });
});

Deno.test("CqlServer spares the system keyspace reads of drivers from injected errors", async () => {
  // The Python driver reads system_virtual_schema while it connects and after every schema
  // change; only the node's own Invalid answer lets it go on.
  const reads: [string, number][] = [
    ["SELECT * FROM system.local WHERE key='local'", OP.result],
    ["SELECT * FROM system.peers_v2", OP.result],
    ["SELECT * FROM system_schema.keyspaces", OP.result],
    ["SELECT * from system_virtual_schema.keyspaces", OP.error],
    ["SELECT * from system_virtual_schema.tables", OP.error],
  ];
  await withServer({ faults: { errorRate: 1, errorKinds: ["overloaded"] } }, async (server) => {
    await withClient(server, async (client) => {
      for (const [query, opcode] of reads) {
        const frame = await client.query(query);
        assert.equal(frame.opcode, opcode, `${query}: ${describe(frame)}`);
        if (opcode === OP.error) {
          assert.equal(parseError(frame.body).code, ERR.invalid, `${query}: ${describe(frame)}`);
        }
      }
      const frame = await client.query(SELECT);
      assert.equal(parseError(frame.body).code, ERR.overloaded, describe(frame));
    });
  });
});

Deno.test("CqlServer with dropRate 1 closes connections without answering", async () => {
  await withServer({}, async (server) => {
    const established = await RawCqlClient.connect(server.port);
    try {
      await established.startup();
      server.setFaults({ dropRate: 1 });
      const before = established.received.length;
      const answer = established.query(SELECT, 3000);
      await assert.rejects(answer, /closed before a response/);
      assert.equal(established.closedByPeer, true);
      assert.equal(established.received.length, before, "no answer before the drop");
    } finally {
      await established.close();
    }
    const fresh = await RawCqlClient.connect(server.port);
    try {
      await assert.rejects(fresh.startup(3000), /closed before a response/);
      assert.equal(fresh.received.length, 0);
    } finally {
      await fresh.close();
    }
    assert.ok(await waitFor(() => server.connectionCount === 0), `${server.connectionCount} open`);
    server.setFaults({ dropRate: 0 });
    await withClient(server, async (client) => {
      const frame = await client.query(SELECT);
      assert.equal(frame.opcode, OP.result, describe(frame));
    });
  });
});

Deno.test("CqlServer.dropConnections() closes every open connection", async () => {
  await withServer({}, async (server) => {
    const clients = [
      await RawCqlClient.connect(server.port),
      await RawCqlClient.connect(server.port),
    ];
    try {
      for (const client of clients) await client.startup();
      assert.equal(server.connectionCount, 2);
      server.dropConnections();
      for (const client of clients) assert.ok(await client.waitClosed(), "node closed it");
      assert.ok(await waitFor(() => server.connectionCount === 0), `${server.connectionCount}`);
    } finally {
      for (const client of clients) await client.close();
    }
    await withClient(server, async (client) => {
      const frame = await client.query(SELECT);
      assert.equal(frame.opcode, OP.result, describe(frame));
      assert.equal(server.connectionCount, 1);
    });
  });
});

Deno.test("CqlServer.setFaults() rejects rates outside 0..1 and stalls longer than their period", async () => {
  await withServer({}, (server) => {
    assert.throws(() => server.setFaults({ errorRate: 1.5 }), RangeError);
    assert.throws(() => server.setFaults({ dropRate: -0.1 }), RangeError);
    assert.throws(() => server.setFaults({ stall: { everyMs: 100, forMs: 100 } }), RangeError);
    assert.deepEqual(
      server.faults,
      { latencyUs: null, stall: null, errorRate: 0, errorKinds: ["overloaded"], dropRate: 0 },
      "a rejected setFaults() leaves the faults unchanged",
    );
    return Promise.resolve();
  });
});
