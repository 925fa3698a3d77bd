// NativeConnection's re-prepare when every stream id is taken: the requests answered Unprepared
// give their stream ids back while their statement is prepared again, so the PREPARE goes out
// even when each id was held by such a request, and the requests are sent again after it.
import assert from "node:assert/strict";
import { NativeConnection } from "../../../lib/cql/driver/native_connection.ts";
import { CONSISTENCY, ERROR_CODE } from "../../../lib/protocol/protocol_codes.ts";
import { bytes } from "./_bytes.ts";
import { answerBasics, errorBody, FakeNode, type FakeScript, OP, VOID_BODY } from "./_fake_node.ts";

const ONE = { consistency: CONSISTENCY.ONE };

/** Answers Unprepared to the first `forget` EXECUTEs, once all of them arrived. */
function forgetfulNode(forget: number): FakeScript {
  const held: (() => Promise<void>)[] = [];
  return async (request, reply) => {
    if (await answerBasics(request, reply)) return;
    if (held.length < forget) {
      held.push(() =>
        reply.frame(
          OP.error,
          errorBody(ERROR_CODE.unprepared, "Prepared query with ID ab not found", bytes("0001 ab")),
        )
      );
      if (held.length === forget) { for (const answer of held) await answer(); }
    } else await reply.frame(OP.result, VOID_BODY);
  };
}

Deno.test("NativeConnection.execute() re-prepares when every stream id was answered Unprepared", async () => {
  const node = FakeNode.start(forgetfulNode(2));
  const c = await NativeConnection.open({
    host: "127.0.0.1",
    port: node.port,
    maxProtocolVersion: 4,
    maxInFlight: 2,
  });
  try {
    const prepared = await c.prepare("INSERT INTO ks.t (k) VALUES (?)");
    const key = new Uint8Array([7]);
    const answers = await Promise.all([
      c.execute(prepared, [key], { ...ONE, timeoutMs: 5000 }),
      c.execute(prepared, [key], { ...ONE, timeoutMs: 5000 }),
    ]);
    assert.deepEqual(answers, [{ kind: "void" }, { kind: "void" }]);
    assert.equal(node.count(OP.prepare), 2);
    assert.equal(node.count(OP.execute), 4);
    assert.equal(c.inFlight, 0);
  } finally {
    await c.close();
    await node.close();
  }
});

Deno.test("NativeConnection.execute() times out at its deadline while its statement is prepared again", async () => {
  let prepares = 0;
  // The second PREPARE (the re-prepare) is never answered.
  const node = FakeNode.start(async (request, reply) => {
    if (request.opcode === OP.prepare && ++prepares > 1) return;
    if (await answerBasics(request, reply)) return;
    await reply.frame(
      OP.error,
      errorBody(ERROR_CODE.unprepared, "Prepared query with ID ab not found", bytes("0001 ab")),
    );
  });
  const c = await NativeConnection.open({
    host: "127.0.0.1",
    port: node.port,
    maxProtocolVersion: 4,
    requestTimeoutMs: 60_000,
  });
  try {
    const prepared = await c.prepare("INSERT INTO ks.t (k) VALUES (?)");
    await assert.rejects(
      c.execute(prepared, [new Uint8Array([7])], { ...ONE, timeoutMs: 100 }),
      { name: "OperationTimedOutError", message: /before timeout 100 ms/ },
    );
    assert.equal(node.count(OP.prepare), 2);
    assert.equal(node.count(OP.execute), 1);
  } finally {
    await c.close();
    await node.close();
  }
});
