// NativeConnection's handshake and recovery against a scripted node: v5 refused then v4, SASL
// PLAIN, missing credentials, a node that closes or stays silent during the handshake, and
// Unprepared answers re-prepared on the same connection (EXECUTE and BATCH) once.
import assert from "node:assert/strict";
import { NativeConnection } from "../../../lib/cql/driver/native_connection.ts";
import { BATCH_TYPE, CONSISTENCY, ERROR_CODE } from "../../../lib/protocol/protocol_codes.ts";
import type { RowsResult } from "../../../lib/cql/native/rows_result.ts";
import { bytes, int, responseFrame, segment, string, utf8 } from "./_bytes.ts";
import {
  answerBasics,
  errorBody,
  FakeNode,
  type FakeScript,
  OP,
  preparedBody,
  VOID_BODY,
} from "./_fake_node.ts";

const ONE = { consistency: CONSISTENCY.ONE };

async function withNode(script: FakeScript, fn: (node: FakeNode) => Promise<void>): Promise<void> {
  const node = FakeNode.start(script);
  try {
    await fn(node);
  } finally {
    await node.close();
  }
}

Deno.test("v5 refused with a v4 protocol error: a new connection at v4, as drivers do", async () => {
  await withNode(async (request, reply) => {
    if (request.opcode === OP.startup && request.version === 5) {
      await reply.frame(
        OP.error,
        errorBody(ERROR_CODE.protocolError, "Invalid or unsupported protocol version (5)"),
        { version: 4 },
      );
      reply.close();
    } else if (!(await answerBasics(request, reply))) await reply.frame(OP.result, VOID_BODY);
  }, async (node) => {
    const c = await NativeConnection.open({ host: "127.0.0.1", port: node.port });
    try {
      assert.equal(c.protocolVersion, 4);
      assert.equal(node.accepted, 2);
      assert.deepEqual(node.requests.filter((r) => r.opcode === OP.startup).map((r) => r.version), [
        5,
        4,
      ]);
      assert.deepEqual(await c.query("x", [], ONE), { kind: "void" });
    } finally {
      await c.close();
    }
  });
});

Deno.test("v4 refused is final unless v3 is asked for; v3 when asked", async () => {
  await withNode(async (request, reply) => {
    if (request.opcode === OP.startup && request.version > 3) {
      await reply.frame(OP.error, errorBody(ERROR_CODE.protocolError, "only v3 here"), {
        version: 3,
      });
    } else await answerBasics(request, reply);
  }, async (node) => {
    await assert.rejects(
      NativeConnection.open({ host: "127.0.0.1", port: node.port }),
      /Cannot connect to 127\.0\.0\.1:\d+: it refuses protocol v4: only v3 here/,
    );
    const c = await NativeConnection.open({
      host: "127.0.0.1",
      port: node.port,
      maxProtocolVersion: 3,
    });
    assert.equal(c.protocolVersion, 3);
    await c.close();
    await assert.rejects(
      NativeConnection.open({ host: "127.0.0.1", port: node.port, maxProtocolVersion: 2 as 3 }),
      RangeError,
    );
  });
});

Deno.test("SASL PLAIN: AUTHENTICATE, then the \\0user\\0password token, then AUTH_SUCCESS", async () => {
  await withNode(async (request, reply) => {
    if (request.opcode === OP.startup) {
      await reply.frame(OP.authenticate, string("org.apache.cassandra.auth.PasswordAuthenticator"));
    } else if (request.opcode === OP.authResponse) {
      const expected = bytes("00000009 00", utf8("u"), "00", utf8("secret"));
      const ok = request.body.length === expected.length &&
        request.body.every((b, i) => b === expected[i]);
      if (ok) await reply.frame(OP.authSuccess, bytes("ffffffff"));
      else {await reply.frame(
          OP.error,
          errorBody(0x0100, "Provided username u and/or password are incorrect"),
        );}
    }
  }, async (node) => {
    const c = await NativeConnection.open({
      host: "127.0.0.1",
      port: node.port,
      maxProtocolVersion: 4,
      credentials: { user: "u", password: "secret" },
    });
    await c.close();
    await assert.rejects(
      NativeConnection.open({
        host: "127.0.0.1",
        port: node.port,
        maxProtocolVersion: 4,
        credentials: { user: "u", password: "bad" },
      }),
      (error: Error & { code?: number }) => error.name === "ResponseError" && error.code === 0x0100,
    );
    await assert.rejects(
      NativeConnection.open({ host: "127.0.0.1", port: node.port, maxProtocolVersion: 4 }),
      /requires authentication \(org\.apache\.cassandra\.auth\.PasswordAuthenticator\) and no credentials were given/,
    );
  });
});

Deno.test("a node that closes, or stays silent, during the handshake: a clean error in time", async () => {
  await withNode((_, reply) => reply.close(), async (node) => {
    await assert.rejects(
      NativeConnection.open({ host: "127.0.0.1", port: node.port, maxProtocolVersion: 4 }),
      /Cannot connect to 127\.0\.0\.1:\d+: Connection to .* was closed by the server/,
    );
  });
  await withNode(() => {}, async (node) => {
    const started = performance.now();
    await assert.rejects(
      NativeConnection.open({
        host: "127.0.0.1",
        port: node.port,
        maxProtocolVersion: 4,
        connectTimeoutMs: 300,
      }),
      /Cannot connect to 127\.0\.0\.1:\d+: the handshake did not finish in time/,
    );
    assert.ok(performance.now() - started < 2000);
  });
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  await assert.rejects(
    NativeConnection.open({ host: "127.0.0.1", port, maxProtocolVersion: 4 }),
    (error: Error) =>
      error.name === "NativeConnectionError" &&
      error.message.startsWith(`Cannot connect to 127.0.0.1:${port}`),
  );
});

/** A node that forgets prepared statements: the first `forget` EXECUTEs/BATCHes get Unprepared. */
function forgetfulNode(forget: number): FakeScript {
  let forgotten = 0;
  return async (request, reply) => {
    if (request.opcode === OP.prepare) {
      await reply.frame(OP.result, preparedBody(new Uint8Array([0xab])));
    } else if (request.opcode === OP.execute || request.opcode === OP.batch) {
      if (forgotten++ < forget) {
        await reply.frame(
          OP.error,
          errorBody(ERROR_CODE.unprepared, "Prepared query with ID ab not found", bytes("0001 ab")),
        );
      } else await reply.frame(OP.result, VOID_BODY);
    } else await answerBasics(request, reply);
  };
}

Deno.test("Unprepared: prepared again on the same connection, and the EXECUTE sent again", async () => {
  await withNode(forgetfulNode(1), async (node) => {
    const c = await NativeConnection.open({
      host: "127.0.0.1",
      port: node.port,
      maxProtocolVersion: 4,
    });
    try {
      const prepared = await c.prepare("INSERT INTO ks.t (k) VALUES (?)");
      const key = new Uint8Array([7]);
      assert.deepEqual(await c.execute(prepared, [key], ONE), { kind: "void" });
      assert.equal(node.count(OP.prepare), 2);
      const executes = node.requests.filter((r) => r.opcode === OP.execute);
      assert.equal(executes.length, 2);
      assert.deepEqual(executes[0].body, executes[1].body, "the same request, values and all");
      assert.equal(node.accepted, 1);
    } finally {
      await c.close();
    }
  });
});

Deno.test("Unprepared in a BATCH: its prepared statements prepared again, the BATCH sent again", async () => {
  await withNode(forgetfulNode(1), async (node) => {
    const c = await NativeConnection.open({
      host: "127.0.0.1",
      port: node.port,
      maxProtocolVersion: 4,
    });
    try {
      const prepared = await c.prepare("INSERT INTO ks.t (k) VALUES (?)");
      const entries = [
        { statement: prepared, values: [new Uint8Array([1])] },
        { statement: "INSERT INTO ks.t (k) VALUES (0x02)", values: [] },
      ];
      assert.deepEqual(await c.batch(BATCH_TYPE.unlogged, entries, ONE), { kind: "void" });
      assert.equal(node.count(OP.prepare), 2);
      assert.equal(node.count(OP.batch), 2);
    } finally {
      await c.close();
    }
  });
});

Deno.test("Unprepared twice: the second answer fails the request, with the node's message", async () => {
  await withNode(forgetfulNode(2), async (node) => {
    const c = await NativeConnection.open({
      host: "127.0.0.1",
      port: node.port,
      maxProtocolVersion: 4,
    });
    try {
      const prepared = await c.prepare("INSERT INTO ks.t (k) VALUES (?)");
      await assert.rejects(c.execute(prepared, [null], ONE), (error: Error & { code?: number }) => {
        assert.equal(error.name, "ResponseError");
        assert.equal(error.code, ERROR_CODE.unprepared);
        assert.match(error.message, /Prepared query with ID ab not found/);
        return true;
      });
      assert.equal(node.count(OP.execute), 2);
      assert.deepEqual(await c.execute(prepared, [null], ONE), { kind: "void" });
    } finally {
      await c.close();
    }
  });
});

Deno.test("v5: AUTHENTICATE unframed, then a challenge round, queries and a large answer in segments", async () => {
  const cell = new Uint8Array(200_000).map((_, i) => (i * 3) & 0xff);
  await withNode(async (request, reply, node) => {
    if (request.opcode === OP.startup) {
      await reply.frame(OP.authenticate, string("PasswordAuthenticator"));
    } else if (request.opcode === OP.authResponse) {
      const first = node.count(OP.authResponse) === 1;
      await reply.frame(first ? 0x0e : OP.authSuccess, bytes("ffffffff"));
    } else if (request.opcode === OP.query && request.body[4] === 0x62) { // "big"
      const rows = bytes(int(2), int(4), int(1), int(1), int(cell.length), cell);
      const frame = responseFrame(5, request.stream, OP.result, rows);
      await reply.raw(segment(frame.subarray(0, 131071), false));
      await reply.raw(segment(frame.subarray(131071), false));
    } else await reply.frame(OP.result, VOID_BODY);
  }, async (node) => {
    const c = await NativeConnection.open({
      host: "127.0.0.1",
      port: node.port,
      credentials: { user: "u", password: "p" },
    });
    try {
      assert.equal(c.protocolVersion, 5);
      assert.equal(node.count(OP.authResponse), 2);
      assert.deepEqual(await c.query("x", [], ONE), { kind: "void" });
      const rows = await c.query("big", [], ONE) as RowsResult;
      assert.ok(rows.cellEquals(0, 0, cell));
    } finally {
      await c.close();
    }
  });
});

Deno.test("v5: a segment whose header or payload checksum is wrong fails the connection", async () => {
  for (
    const [at, pattern] of [[4, /header CRC24 mismatch/], [12, /payload CRC32 mismatch/]] as const
  ) {
    await withNode(async (request, reply) => {
      if (request.opcode === OP.startup) await reply.frame(OP.ready, new Uint8Array(0));
      else {
        const bad = segment(responseFrame(5, request.stream, OP.result, VOID_BODY), true);
        bad[at] ^= 0x40;
        await reply.raw(bad);
      }
    }, async (node) => {
      const c = await NativeConnection.open({ host: "127.0.0.1", port: node.port });
      try {
        assert.equal(c.protocolVersion, 5);
        await assert.rejects(c.query("x", [], ONE), (error: Error) => {
          assert.equal(error.name, "NativeConnectionError");
          assert.match(error.message, pattern);
          return true;
        });
      } finally {
        await c.close();
      }
    });
  }
});
