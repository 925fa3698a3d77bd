// NativeConnection with `compression: "lz4"`: OPTIONS first, then STARTUP with COMPRESSION=lz4;
// v4 against the embedded node (which reads compressed requests and answers uncompressed) and a
// scripted node that answers compressed bodies; v5 compressed segments both ways, a large answer
// in a run of them; a node that does not offer lz4 fails the open with a clear error; snappy is
// refused; a corrupt compressed answer fails the connection cleanly.
import assert from "node:assert/strict";
import { NativeConnection } from "../../../lib/cql/driver/native_connection.ts";
import { CqlServer } from "../../../lib/cql_node/driver/cql_server.ts";
import { CONSISTENCY, ERROR_CODE } from "../../../lib/protocol/protocol_codes.ts";
import type { RowsResult } from "../../../lib/cql/native/rows_result.ts";
import {
  bytes,
  bytesValue,
  int,
  lz4Segment,
  responseFrame,
  short,
  string,
  utf8,
} from "./_bytes.ts";
import { errorBody, FakeNode, type FakeScript, OP, preparedBody, VOID_BODY } from "./_fake_node.ts";

const ONE = { consistency: CONSISTENCY.ONE };
const LONG_QUERY = "SELECT v FROM ks.t WHERE k = 1 AND c IN (1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1)";

/** SUPPORTED: a [string multimap]. */
function supportedBody(map: Record<string, string[]>): Uint8Array {
  const entries = Object.entries(map).map(([key, values]) =>
    bytes(string(key), short(values.length), ...values.map(string))
  );
  return bytes(short(entries.length), ...entries);
}

/** RESULT Rows of one blob column v of ks.t. */
function rowsBody(values: Uint8Array[]): Uint8Array {
  return bytes(
    int(2),
    int(1),
    int(1),
    string("ks"),
    string("t"),
    string("v"),
    short(3),
    int(values.length),
    ...values.map(bytesValue),
  );
}

const LZ4_SUPPORTED = supportedBody({ COMPRESSION: ["snappy", "lz4"], CQL_VERSION: ["3.4.7"] });

async function withNode(
  script: FakeScript,
  fn: (node: FakeNode) => Promise<void>,
): Promise<void> {
  const node = FakeNode.start(script, { lz4: true });
  try {
    await fn(node);
  } finally {
    await node.close();
  }
}

function openLz4(node: FakeNode, options: { maxProtocolVersion?: 3 | 4 | 5 } = {}) {
  return NativeConnection.open({
    host: "127.0.0.1",
    port: node.port,
    compression: "lz4",
    connectTimeoutMs: 2000,
    ...options,
  });
}

Deno.test("v4 and v3 with lz4 against the embedded node: writes and reads back", async () => {
  const server = await CqlServer.start({ port: 0 });
  try {
    for (const maxProtocolVersion of [4, 3] as const) {
      const c = await NativeConnection.open({
        host: "127.0.0.1",
        port: server.port,
        compression: "lz4",
        maxProtocolVersion,
      });
      try {
        assert.equal(c.protocolVersion, maxProtocolVersion);
        await c.query(
          "CREATE KEYSPACE IF NOT EXISTS ks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}",
          [],
          ONE,
        );
        await c.query("CREATE TABLE IF NOT EXISTS ks.t (k blob PRIMARY KEY, v blob)", [], ONE);
        const write = await c.prepare("INSERT INTO ks.t (k, v) VALUES (?, ?)");
        const read = await c.prepare("SELECT v FROM ks.t WHERE k = ?");
        const value = (i: number) => new Uint8Array(100 + i).map((_, b) => (i + (b >> 3)) & 0xff);
        const key = (i: number) => new Uint8Array([maxProtocolVersion, i >>> 8, i & 0xff]);
        await Promise.all(
          Array.from({ length: 500 }, (_, i) => c.execute(write, [key(i), value(i)], ONE)),
        );
        for (const i of [0, 1, 250, 499]) {
          const rows = await c.execute(read, [key(i)], ONE) as RowsResult;
          assert.ok(rows.cellEquals(0, 0, value(i)), `row ${i}`);
        }
      } finally {
        await c.close();
      }
    }
  } finally {
    await server.close();
  }
});

Deno.test("v4 with lz4: OPTIONS, STARTUP asking lz4, requests compressed, compressed answers read", async () => {
  const big = new Uint8Array(70_000).map((_, i) => (i >> 4) & 0xff);
  await withNode(async (request, reply) => {
    if (request.version === 5) {
      await reply.frame(OP.error, errorBody(ERROR_CODE.protocolError, "v4 at most"), {
        version: 4,
      });
    } else if (request.opcode === OP.options) await reply.frame(OP.supported, LZ4_SUPPORTED);
    else if (request.opcode === OP.startup) await reply.frame(OP.ready, new Uint8Array(0));
    else if (request.opcode === OP.prepare) {
      await reply.frame(OP.result, preparedBody(new Uint8Array([0xab])), { flags: 0x01 });
    } else if (request.opcode === OP.query) {
      await reply.frame(OP.result, rowsBody([big, utf8("x")]), { flags: 0x01 });
    } else await reply.frame(OP.result, VOID_BODY, { flags: 0x01 });
  }, async (node) => {
    const c = await openLz4(node);
    try {
      assert.equal(c.protocolVersion, 4);
      const write = await c.prepare("INSERT INTO ks.t (k, v) VALUES (?, ?) ".repeat(3));
      const key = new Uint8Array(20).fill(9);
      assert.deepEqual(await c.execute(write, [key], ONE), { kind: "void" });
      const rows = await c.query(LONG_QUERY, [], ONE) as RowsResult;
      assert.equal(rows.rowCount, 2);
      assert.ok(rows.cellEquals(0, 0, big) && rows.cellEquals(1, 0, utf8("x")));
    } finally {
      await c.close();
    }
    const v4 = node.requests.filter((r) => r.version === 4);
    assert.deepEqual(v4.map((r) => r.opcode), [
      OP.options,
      OP.startup,
      OP.prepare,
      OP.execute,
      OP.query,
    ]);
    assert.match(new TextDecoder().decode(v4[1].body), /COMPRESSION.*lz4/);
    assert.deepEqual(v4.map((r) => r.compressed), [false, false, true, true, true]);
    assert.equal(
      new TextDecoder().decode(v4[4].body.subarray(4, 4 + LONG_QUERY.length)),
      LONG_QUERY,
    );
  });
});

Deno.test("v5 with lz4: compressed segments both ways, a large answer in a run of them", async () => {
  const large = new Uint8Array(200_000).map((_, i) => (i * 13) >> 8);
  await withNode(async (request, reply) => {
    if (request.opcode === OP.options) await reply.frame(OP.supported, LZ4_SUPPORTED);
    else if (request.opcode === OP.startup) await reply.frame(OP.ready, new Uint8Array(0));
    else if (new TextDecoder().decode(request.body).includes("SELECT")) {
      const frame = responseFrame(5, request.stream, OP.result, rowsBody([large]));
      await reply.raw(
        bytes(
          lz4Segment(frame.subarray(0, 131071), false),
          lz4Segment(frame.subarray(131071), false, { stored: true }),
        ),
      );
    } else await reply.frame(OP.result, VOID_BODY);
  }, async (node) => {
    const c = await openLz4(node);
    try {
      assert.equal(c.protocolVersion, 5);
      const results = await Promise.all(
        Array.from(
          { length: 50 },
          () => c.query(LONG_QUERY.replace("SELECT v", "UPDATE"), [], ONE),
        ),
      );
      assert.ok(results.every((r) => r.kind === "void"));
      const rows = await c.query(LONG_QUERY, [], ONE) as RowsResult;
      assert.ok(rows.cellEquals(0, 0, large));
    } finally {
      await c.close();
    }
    assert.deepEqual(node.requests.slice(0, 2).map((r) => [r.opcode, r.compressed]), [
      [OP.options, false],
      [OP.startup, false],
    ]);
    const after = node.requests.slice(2);
    assert.equal(after.length, 51);
    assert.ok(
      after.every((r) => r.compressed),
      "every request after STARTUP in compressed segments",
    );
  });
});

Deno.test("a node that does not offer lz4 fails the open clearly, before STARTUP", async () => {
  for (const [offered, words] of [[["snappy"], "snappy"], [[], "no compression"]] as const) {
    await withNode(async (request, reply) => {
      if (request.opcode === OP.options) {
        await reply.frame(OP.supported, supportedBody({ COMPRESSION: [...offered] }));
      } else await reply.frame(OP.ready, new Uint8Array(0));
    }, async (node) => {
      await assert.rejects(openLz4(node), (error: Error) => {
        assert.equal(error.name, "NativeConnectionError");
        assert.equal(
          error.message,
          `Cannot connect to 127.0.0.1:${node.port} with lz4 compression: the node does not support it (it supports ${words})`,
        );
        return true;
      });
      assert.equal(node.count(OP.startup), 0);
    });
  }
});

Deno.test("OPTIONS refused at v5 (a v4 protocol error): v4 is tried, as for STARTUP", async () => {
  await withNode(async (request, reply) => {
    if (request.version === 5) {
      await reply.frame(OP.error, errorBody(ERROR_CODE.protocolError, "Invalid version (5)"), {
        version: 4,
      });
      reply.close();
    } else if (request.opcode === OP.options) await reply.frame(OP.supported, LZ4_SUPPORTED);
    else await reply.frame(OP.ready, new Uint8Array(0));
  }, async (node) => {
    const c = await openLz4(node);
    try {
      assert.equal(c.protocolVersion, 4);
      assert.equal(node.accepted, 2);
    } finally {
      await c.close();
    }
  });
});

Deno.test("snappy, or any other compression, is refused before connecting", async () => {
  await withNode(() => {}, async (node) => {
    await assert.rejects(
      NativeConnection.open({
        host: "127.0.0.1",
        port: node.port,
        compression: "snappy" as "lz4",
      }),
      (error: Error) => {
        assert.ok(error instanceof RangeError);
        assert.match(error.message, /compression snappy: expected none or lz4/);
        return true;
      },
    );
    assert.equal(node.accepted, 0);
  });
});

Deno.test("a corrupt compressed answer fails the connection and every request, cleanly", async () => {
  // v4: a flagged body whose block points before its start; v5: a compressed segment whose
  // checksums are right and whose block is not.
  const corrupt = bytes(int(40), "1f 00 40 00 ff 00");
  for (const maxProtocolVersion of [4, 5] as const) {
    await withNode(async (request, reply) => {
      if (request.opcode === OP.options) await reply.frame(OP.supported, LZ4_SUPPORTED);
      else if (request.opcode === OP.startup) await reply.frame(OP.ready, new Uint8Array(0));
      else if (request.opcode === OP.query && maxProtocolVersion === 4) {
        await reply.raw(responseFrame(4, request.stream, OP.result, corrupt, 0x01));
      } else if (request.opcode === OP.query) {
        const frame = responseFrame(5, request.stream, OP.result, VOID_BODY);
        await reply.raw(lz4Segment(frame, true, { block: bytes("1f 00 40 00 ff 00") }));
      }
    }, async (node) => {
      const c = await openLz4(node, { maxProtocolVersion });
      try {
        const pending = c.query("SELECT 1", [], { ...ONE, timeoutMs: 0 });
        const failing = c.query(LONG_QUERY, [], ONE);
        for (const request of [failing, pending]) {
          await assert.rejects(request, (error: Error) => {
            assert.equal(error.name, "NativeConnectionError");
            assert.match(
              error.message,
              /^Connection to 127\.0\.0\.1:\d+ closed: Cannot decompress an LZ4 block: match offset 64 points before the start of the output$/,
            );
            return true;
          });
        }
        assert.ok(c.isClosed);
      } finally {
        await c.close();
      }
    });
  }
});
