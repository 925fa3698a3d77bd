// Which requests injected errors (`stress serve --errors`) may answer: the workload's reads and
// writes, never a client's set-up (USE, schema changes, TRUNCATE, PREPARE, system reads), which
// also draws nothing from the faults' random sequence, so a run's set-up cannot fail at random.
import assert from "node:assert/strict";
import { CqlConnection } from "../../lib/cql_node/protocol/cql_connection.ts";
import { CqlEngine } from "../../lib/cql_node/engine/cql_engine.ts";
import { CqlServer } from "../../lib/cql_node/driver/cql_server.ts";
import { injectedError } from "../../lib/cql_node/server/_faults.ts";
import { OPCODE } from "../../lib/protocol/protocol_codes.ts";
import { TEST_NODE } from "./_engine_fixture.ts";
import {
  concat,
  encodeFrame,
  ERR,
  OP,
  parseError,
  queryBody,
  RawCqlClient,
  startupBody,
  waitFor,
} from "./_raw_client.ts";

const encoder = new TextEncoder();

/** A [long string]. */
function longString(text: string): Uint8Array {
  const bytes = encoder.encode(text);
  const out = new Uint8Array(4 + bytes.length);
  new DataView(out.buffer).setInt32(0, bytes.length);
  out.set(bytes, 4);
  return out;
}

/** A [short bytes]. */
function shortBytes(bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(2 + bytes.length);
  new DataView(out.buffer).setUint16(0, bytes.length);
  out.set(bytes, 2);
  return out;
}

/** The body of an EXECUTE of `id` with no values, at consistency ONE. */
function executeBody(id: Uint8Array): Uint8Array {
  return concat(shortBytes(id), new Uint8Array([0, 1, 0]));
}

/** The body of a logged BATCH of one inline statement with no values, at consistency ONE. */
function batchBody(cql: string): Uint8Array {
  return concat(new Uint8Array([0, 0, 1, 0]), longString(cql), new Uint8Array([0, 0, 0, 1, 0]));
}

/** A connection on a fresh engine, whose every injection call is recorded and answered. */
function connection(): { send(opcode: number, body: Uint8Array): Answer; asked: number[] } {
  const engine = new CqlEngine({
    node: TEST_NODE,
    clockMs: () => 0,
    randomBytes: (n) => new Uint8Array(n),
  });
  const asked: number[] = [];
  const protocol = new CqlConnection(engine, {
    maxBodyBytes: 1 << 20,
    injectError: (opcode) => {
      asked.push(opcode);
      return injectedError("overloaded");
    },
  });
  let stream = 0;
  const send = (opcode: number, body: Uint8Array): Answer => {
    const { frames } = protocol.receive(encodeFrame(opcode, body, { stream: ++stream }));
    assert.equal(frames.length, 1);
    const bytes = frames[0].bytes;
    return { opcode: bytes[4], body: bytes.subarray(9) };
  };
  assert.equal(send(OP.startup, startupBody()).opcode, OP.ready);
  return { send, asked };
}

interface Answer {
  opcode: number;
  body: Uint8Array;
}

function describeAnswer(answer: Answer): string {
  return answer.opcode === OP.error ? parseError(answer.body).message : `opcode ${answer.opcode}`;
}

/** The id of a PREPARED result. */
function preparedId(answer: Answer): Uint8Array {
  assert.equal(answer.opcode, OP.result, describeAnswer(answer));
  const view = new DataView(answer.body.buffer, answer.body.byteOffset);
  assert.equal(view.getInt32(0), 4, "a PREPARED result");
  return answer.body.slice(6, 6 + view.getUint16(4));
}

Deno.test("CqlConnection answers a workload's requests with injected errors, never a client's set-up", () => {
  const { send, asked } = connection();
  const setUp = [
    "CREATE KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}",
    "USE ks",
    "CREATE TABLE t (k int PRIMARY KEY, v int)",
    "ALTER KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}",
    "CREATE INDEX t_v ON t (v)",
    "DROP INDEX t_v",
    "TRUNCATE t",
    "SELECT * FROM system.local WHERE key = 'local'",
    "SELECT keyspace_name FROM system_schema.tables",
    "CREATE TABLE gone (k int PRIMARY KEY)",
    "DROP TABLE gone",
  ];
  for (const cql of setUp) {
    const answer = send(OP.query, queryBody(cql));
    assert.equal(answer.opcode, OP.result, `${cql}: ${describeAnswer(answer)}`);
  }
  // A schema statement sent prepared is set-up too; preparing is never faulted.
  const ddl = preparedId(
    send(OP.prepare, longString("CREATE TABLE IF NOT EXISTS t2 (k int PRIMARY KEY)")),
  );
  assert.equal(send(OP.execute, executeBody(ddl)).opcode, OP.result);
  const insert = preparedId(send(OP.prepare, longString("INSERT INTO t (k, v) VALUES (1, 1)")));
  assert.deepEqual(asked, [], "set-up asked for no injected error");
  const workload: [string, Answer][] = [
    ["EXECUTE INSERT", send(OP.execute, executeBody(insert))],
    ["QUERY INSERT", send(OP.query, queryBody("INSERT INTO t (k, v) VALUES (2, 2)"))],
    ["QUERY SELECT", send(OP.query, queryBody("SELECT * FROM t"))],
    ["BATCH", send(OPCODE.batch, batchBody("INSERT INTO t (k, v) VALUES (3, 3)"))],
  ];
  for (const [what, answer] of workload) {
    assert.equal(answer.opcode, OP.error, what);
    assert.equal(parseError(answer.body).code, ERR.overloaded, what);
  }
  assert.deepEqual(asked, [OP.execute, OP.query, OP.query, OPCODE.batch]);
});

/** Whether each of `n` SELECTs on one server failed, with `setUp` sent before each of them. */
async function outcomes(n: number, setUp: readonly string[]): Promise<boolean[]> {
  const server = await CqlServer.start({ hostname: "127.0.0.1", port: 0, seed: 7 });
  const client = await RawCqlClient.connect(server.port);
  try {
    await client.startup();
    const created = [
      "CREATE KEYSPACE scope_ks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}",
      "CREATE TABLE scope_ks.t (k int PRIMARY KEY)",
    ];
    for (const cql of created) assert.equal((await client.query(cql)).opcode, OP.result, cql);
    server.setFaults({ errorRate: 0.5 });
    const failed: boolean[] = [];
    for (let i = 0; i < n; i++) {
      for (const cql of setUp) {
        const frame = await client.query(cql);
        assert.equal(frame.opcode, OP.result, `${cql} was answered with an error`);
      }
      failed.push((await client.query("SELECT k FROM scope_ks.t")).opcode === OP.error);
    }
    return failed;
  } finally {
    await client.close();
    await server.close();
    await waitFor(() => server.connectionCount === 0);
  }
}

Deno.test("CqlServer draws nothing from the faults' random sequence for a client's set-up", async () => {
  const plain = await outcomes(40, []);
  const failures = plain.filter(Boolean).length;
  assert.ok(failures > 5 && failures < 35, `${failures} of 40 failed at rate 0.5`);
  // The same workload with set-up statements between its requests meets the same faults.
  const interleaved = await outcomes(40, [
    "USE scope_ks",
    "TRUNCATE scope_ks.t",
    "CREATE TABLE IF NOT EXISTS scope_ks.t (k int PRIMARY KEY)",
  ]);
  assert.deepEqual(interleaved, plain);
});
