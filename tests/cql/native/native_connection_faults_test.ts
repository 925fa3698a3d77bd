// NativeConnection against a misbehaving node: malformed frames and bodies, truncated frames, a
// close mid-frame, a wrong stream id, a huge length, garbage, silence. Each gives its requests a
// clean error (or a timeout), never a hang or an uncaught exception; Unprepared is re-prepared.
import assert from "node:assert/strict";
import { NativeConnection } from "../../../lib/cql/driver/native_connection.ts";
import { CONSISTENCY, ERROR_CODE } from "../../../lib/protocol/protocol_codes.ts";
import { bytes, int, responseFrame, string } from "./_bytes.ts";
import {
  answerBasics,
  errorBody,
  FakeNode,
  type FakeReply,
  type FakeRequest,
  type FakeScript,
  OP,
  VOID_BODY,
} from "./_fake_node.ts";

const ONE = { consistency: CONSISTENCY.ONE };

/** Runs `fn` with a node running `script` and a v4 connection to it; closes both. */
async function withFake(
  script: FakeScript,
  fn: (connection: NativeConnection, node: FakeNode) => Promise<void>,
  options: { maxInFlight?: number; requestTimeoutMs?: number } = {},
): Promise<void> {
  const node = FakeNode.start(async (request, reply, self) => {
    if (request.opcode === OP.startup) await answerBasics(request, reply);
    else await script(request, reply, self);
  });
  try {
    const connection = await NativeConnection.open({
      host: "127.0.0.1",
      port: node.port,
      maxProtocolVersion: 4,
      connectTimeoutMs: 2000,
      ...options,
    });
    try {
      await fn(connection, node);
    } finally {
      await connection.close();
    }
  } finally {
    await node.close();
  }
}

/** Answers QUERY "ok" with Void; everything else as `misbehave` says. */
function queryScript(misbehave: (request: FakeRequest, reply: FakeReply) => Promise<void> | void) {
  return async (request: FakeRequest, reply: FakeReply) => {
    const text = new TextDecoder().decode(request.body.subarray(4, 6));
    if (request.opcode === OP.query && text === "ok") await reply.frame(OP.result, VOID_BODY);
    else await misbehave(request, reply);
  };
}

async function rejectsWith(
  promise: Promise<unknown>,
  name: string,
  pattern: RegExp,
): Promise<void> {
  await assert.rejects(promise, (error: Error) => {
    assert.equal(error.name, name, error.stack);
    assert.match(error.message, pattern);
    return true;
  });
}

Deno.test("a response header that is not a response fails the connection and every request", async () => {
  await withFake(
    queryScript((request, reply) =>
      reply.raw(bytes("04 00", int(request.stream).subarray(2), "08 00000004", int(1)))
    ),
    async (c) => {
      const first = c.query("bad", [], ONE);
      const second = c.query("bad", [], ONE);
      await rejectsWith(first, "NativeConnectionError", /closed: .*not a v3, v4 or v5 response/);
      await rejectsWith(second, "NativeConnectionError", /not a v3, v4 or v5 response/);
      assert.ok(c.isClosed);
      await c.closed;
      await rejectsWith(c.query("ok", [], ONE), "NativeConnectionError", /not a v3, v4 or v5/);
    },
  );
});

Deno.test("a malformed body fails its request alone; the connection goes on", async () => {
  await withFake(
    queryScript((_, reply) =>
      reply.frame(OP.result, bytes(int(2), int(4), int(1), int(1), int(5), "01"))
    ),
    async (c) => {
      await rejectsWith(
        c.query("rows", [], ONE),
        "NativeProtocolError",
        /Rows body ends inside cell 0/,
      );
      assert.deepEqual(await c.query("ok", [], ONE), { kind: "void" });
      assert.equal(c.isClosed, false);
    },
  );
});

Deno.test("an answer of the wrong kind fails its request alone", async () => {
  await withFake(queryScript((_, reply) => reply.frame(OP.ready, new Uint8Array(0))), async (c) => {
    await rejectsWith(
      c.query("x", [], ONE),
      "NativeProtocolError",
      /opcode 0x2 .* does not answer/,
    );
    assert.deepEqual(await c.query("ok", [], ONE), { kind: "void" });
  });
});

Deno.test("half a frame, then a close: the request fails saying the server closed", async () => {
  await withFake(
    queryScript(async (request, reply) => {
      await reply.raw(responseFrame(4, request.stream, OP.result, VOID_BODY).subarray(0, 11));
      reply.close();
    }),
    async (c) => {
      await rejectsWith(
        c.query("x", [], ONE),
        "NativeConnectionError",
        /closed by the server with 1 request\(s\) in flight/,
      );
      await c.closed;
      assert.match(c.closeReason!.message, /closed by the server/);
    },
  );
});

Deno.test("an answer on a stream with no request fails the connection", async () => {
  await withFake(
    queryScript((_, reply) => reply.frame(OP.result, VOID_BODY, { stream: 999 })),
    async (c) => {
      await rejectsWith(
        c.query("x", [], ONE),
        "NativeConnectionError",
        /stream 999 has no request in flight/,
      );
    },
  );
});

Deno.test("a huge length fails at once, without waiting for the body", async () => {
  await withFake(
    queryScript((request, reply) =>
      reply.raw(bytes("84 00", int(request.stream).subarray(2), "08 7fffffff"))
    ),
    async (c) => {
      await rejectsWith(
        c.query("x", [], ONE),
        "NativeConnectionError",
        /body of 2147483647 bytes exceeds the limit/,
      );
    },
  );
});

Deno.test("garbage fails the connection cleanly", async () => {
  await withFake(queryScript((_, reply) => reply.raw(new Uint8Array(64).fill(0xff))), async (c) => {
    await rejectsWith(c.query("x", [], ONE), "NativeConnectionError", /Cannot read a response/);
  });
});

Deno.test("silence: the request times out alone, keeps its stream id until the late answer", async () => {
  const late: FakeReply[] = [];
  const stalled: FakeRequest[] = [];
  await withFake(
    queryScript((request, reply) => {
      stalled.push(request);
      late.push(reply);
    }),
    async (c) => {
      const started = performance.now();
      await rejectsWith(
        c.query("x", [], { ...ONE, timeoutMs: 150 }),
        "OperationTimedOutError",
        /^The host 127\.0\.0\.1:\d+ did not reply before timeout 150 ms$/,
      );
      assert.ok(performance.now() - started >= 100);
      assert.equal(c.inFlight, 1, "the timed-out stream id is not reused yet");
      assert.deepEqual(await c.query("ok", [], ONE), { kind: "void" });
      await late[0].frame(OP.result, VOID_BODY, { stream: stalled[0].stream });
      for (let i = 0; i < 50 && c.inFlight > 0; i++) await new Promise((r) => setTimeout(r, 10));
      assert.equal(c.inFlight, 0, "the late answer freed it");
      assert.equal(c.isClosed, false);
    },
  );
});

Deno.test("with every stream id taken, requests wait in order, and time out while waiting", async () => {
  const held: [FakeRequest, FakeReply][] = [];
  await withFake(
    queryScript((request, reply) => {
      held.push([request, reply]);
    }),
    async (c) => {
      const first = c.query("a", [], { ...ONE, timeoutMs: 0 });
      const second = c.query("b", [], { ...ONE, timeoutMs: 0 });
      const third = c.query("c", [], { ...ONE, timeoutMs: 100 });
      await rejectsWith(third, "OperationTimedOutError", /did not reply before timeout 100 ms/);
      for (let i = 0; i < 50 && held.length < 1; i++) await new Promise((r) => setTimeout(r, 5));
      assert.equal(held.length, 1, "one stream id, one request on the wire");
      await held[0][1].frame(OP.result, VOID_BODY);
      assert.deepEqual(await first, { kind: "void" });
      for (let i = 0; i < 50 && held.length < 2; i++) await new Promise((r) => setTimeout(r, 5));
      await held[1][1].frame(OP.result, VOID_BODY, { stream: held[1][0].stream });
      assert.deepEqual(await second, { kind: "void" });
      assert.equal(held.length, 2, "the timed-out queued request was never sent");
    },
    { maxInFlight: 1 },
  );
});

Deno.test("closing fails the requests in flight, says so, and resolves closed", async () => {
  await withFake(queryScript(() => {}), async (c) => {
    const pending = c.query("x", [], ONE);
    const closing = c.close();
    await rejectsWith(pending, "NativeConnectionError", /closed by the client/);
    await closing;
    await c.closed;
    assert.ok(c.isClosed);
  });
});

Deno.test("EVENT frames (stream -1) are ignored; ERROR answers are ResponseErrors", async () => {
  await withFake(
    queryScript(async (_, reply) => {
      await reply.frame(0x0c, bytes(string("SCHEMA_CHANGE")), { stream: -1 });
      await reply.frame(
        OP.error,
        errorBody(ERROR_CODE.unavailable, "x", bytes("0005", int(3), int(1))),
      );
    }),
    async (c) => {
      await rejectsWith(
        c.query("x", [], ONE),
        "ResponseError",
        /^Not enough replicas available for query at consistency ALL \(3 required but only 1 alive\)$/,
      );
      assert.deepEqual(await c.query("ok", [], ONE), { kind: "void" });
    },
  );
});

Deno.test("a short timeout is checked as often as it needs: requests time out near it, not at a 20 ms tick", async () => {
  await withFake(
    queryScript(() => {}), // silence
    async (c) => {
      const late: number[] = [];
      for (let i = 0; i < 21; i++) {
        const started = performance.now();
        await rejectsWith(
          c.query("x", [], { ...ONE, timeoutMs: 2 }),
          "OperationTimedOutError",
          /timeout 2 ms/,
        );
        late.push(performance.now() - started);
      }
      late.sort((a, b) => a - b);
      // Checked every 20 ms, they ended up to 20 ms after they were sent (a median near 10).
      assert.ok(late[10] < 6, `median ${late[10].toFixed(1)} ms to time out after 2 ms`);
    },
  );
});
