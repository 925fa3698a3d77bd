// Frame body decompression (lz4, snappy): bodies Cassandra 5.0.6 compressed, round trips through
// the test compressors, malformed bodies refused, and the connection's use of it.
import assert from "node:assert/strict";
import {
  decompressBody,
  DecompressionError,
} from "../../lib/cql_node/protocol/_frame_compression.ts";
import { startNode } from "../embedded/_cql_run.ts";
import { compressBody } from "./_compress.ts";
import { parseAnswer, rawStartup } from "./_raw_answers.ts";
import { mulberry32, OP, queryBody, RawCqlClient } from "./_raw_client.ts";

const FRAMES = JSON.parse(
  Deno.readTextFileSync(
    new URL("../testdata/cassandra_5_compressed_frames.json", import.meta.url),
  ),
) as Record<string, string>;

function fromHex(hex: string): Uint8Array {
  return new Uint8Array(hex.match(/../g)!.map((h) => parseInt(h, 16)));
}

const MAX = 1 << 20;

Deno.test("decompressBody decodes the lz4 and snappy bodies Cassandra 5.0.6 sent", () => {
  const expected = fromHex(FRAMES["uncompressed"]);
  for (const algorithm of ["lz4", "snappy"]) {
    const compressed = fromHex(FRAMES[algorithm]);
    assert.ok(compressed.length < expected.length / 3, algorithm);
    assert.deepEqual(decompressBody(algorithm, compressed, MAX), expected, algorithm);
  }
});

Deno.test("decompressBody undoes the test compressors on repetitive and random bodies", () => {
  const next = mulberry32(17);
  const bodies: Uint8Array[] = [
    new Uint8Array(0),
    new TextEncoder().encode("a".repeat(1000)),
    new TextEncoder().encode("SELECT key, key, key FROM t WHERE ".repeat(40)),
    Uint8Array.from({ length: 3000 }, () => Math.floor(next() * 256)),
    Uint8Array.from({ length: 5000 }, (_, i) => (i % 300 < 200 ? i % 7 : Math.floor(next() * 4))),
  ];
  for (const body of bodies) {
    for (const algorithm of ["lz4", "snappy"] as const) {
      const compressed = compressBody(algorithm, body);
      assert.deepEqual(decompressBody(algorithm, compressed, MAX), body, algorithm);
    }
  }
});

Deno.test("decompressBody refuses malformed bodies and bodies above the limit", () => {
  const bad: [string, number[]][] = [
    ["lz4", [0, 0, 0]], // shorter than its length
    ["lz4", [0, 0, 0, 6, 0x20, 0x61, 0x62, 0, 0]], // match offset 0
    ["lz4", [0, 0, 0, 6, 0x20, 0x61, 0x62, 3, 0]], // offset before the start
    ["lz4", [0, 0, 0, 9, 0x50, 0x61]], // literals run past the input
    ["lz4", [0, 0, 0, 9, 0x20, 0x61, 0x62]], // decodes to fewer bytes than declared
    ["lz4", [0x7f, 0xff, 0xff, 0xff, 0x00]], // declares more than the limit
    ["snappy", [6, 0x04, 0x61, 0x62, 0x01, 0]], // copy offset 0
    ["snappy", [6, 0x04, 0x61]], // literal runs past the input
    ["snappy", [0xff, 0xff, 0xff, 0xff, 0x0f]], // declares more than the limit
    ["snappy", [0xff, 0xff, 0xff, 0xff, 0xff, 0x01]], // length varint too long
  ];
  for (const [algorithm, bytes] of bad) {
    assert.throws(
      () => decompressBody(algorithm, new Uint8Array(bytes), MAX),
      DecompressionError,
      `${algorithm} ${bytes}`,
    );
  }
});

Deno.test("CqlServer reads compressed requests after STARTUP and refuses broken ones on the connection", async () => {
  const node = await startNode();
  const client = await RawCqlClient.connect(node.port);
  try {
    assert.equal((await rawStartup(client, { COMPRESSION: "lz4" })).kind, "other");
    const query = queryBody("SELECT key FROM system.local");
    const ok = parseAnswer(
      await client.request(OP.query, compressBody("lz4", query), { flags: 1 }),
    );
    assert.equal(ok.kind, "rows");
    const broken = parseAnswer(
      await client.request(OP.query, new Uint8Array([0, 0, 0, 50, 0xff, 1, 2]), { flags: 1 }),
    );
    assert.equal(broken.kind, "error");
    assert.ok(broken.kind === "error" && broken.error.code === 0x000a);
    // The connection stays usable: frame boundaries did not depend on the body.
    const again = parseAnswer(await client.request(OP.query, query));
    assert.equal(again.kind, "rows");
    assert.equal(node.internalErrors, 0);
  } finally {
    await client.close();
    await node.close();
  }
});

Deno.test("CqlServer refuses a compressed frame when STARTUP agreed on none", async () => {
  const node = await startNode();
  const client = await RawCqlClient.connect(node.port);
  try {
    await client.startup();
    const body = compressBody("snappy", queryBody("SELECT key FROM system.local"));
    const answer = parseAnswer(await client.request(OP.query, body, { flags: 1 }));
    assert.ok(answer.kind === "error" && answer.error.code === 0x000a, JSON.stringify(answer));
  } finally {
    await client.close();
    await node.close();
  }
});
