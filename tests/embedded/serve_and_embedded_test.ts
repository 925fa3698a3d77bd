import assert from "node:assert/strict";
import cassandra from "cassandra-driver";
import { main } from "../../main.ts";
import { BufferedIo } from "../../lib/cli/command_io.ts";

async function run(args: string[], signal?: AbortSignal) {
  const io = new BufferedIo();
  const code = await main(args, { io, signal: signal ?? new AbortController().signal });
  return { code, out: io.stdout, err: io.stderr };
}

Deno.test("stress serve prints one banner line, serves a driver, and stops cleanly on abort", async () => {
  const controller = new AbortController();
  const io = new BufferedIo();
  const running = main(["serve", "--port", "0", "--latency", "fixed(1000)"], {
    io,
    signal: controller.signal,
  });
  const deadline = Date.now() + 10_000;
  while (io.stdout.length === 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const banner = io.stdout[0] ?? "";
  assert.match(banner, /^stress serve: in-memory CQL node .* listening on 127\.0\.0\.1:\d+$/);
  assert.match(banner, /no disk, no replication/);
  const port = Number(/:(\d+)$/.exec(banner)![1]);
  const client = new cassandra.Client({
    contactPoints: [`127.0.0.1:${port}`],
    localDataCenter: "datacenter1",
  });
  try {
    await client.connect();
    const local = await client.execute("SELECT cluster_name FROM system.local WHERE key='local'");
    assert.equal(local.rows[0]["cluster_name"], "Test Cluster");
  } finally {
    await client.shutdown();
    controller.abort();
  }
  assert.equal(await running, 0);
  assert.deepEqual(io.stdout.slice(1), ["stress serve: stopped"]);
});

Deno.test("stress serve rejects bad fault flags with one error line and exit 2", async () => {
  for (
    const args of [
      ["--stall", "1s/2s"],
      ["--errors", "2"],
      ["--errors", "0.1:nope"],
      ["--drop", "-1"],
      ["--user", "u"],
      ["--port", "70000"],
      ["extra"],
    ]
  ) {
    const { code, out, err } = await run(["serve", ...args]);
    assert.equal(code, 2, `${args.join(" ")}: ${err.join("\n")}`);
    assert.deepEqual(out, []);
    assert.equal(err.length, 1);
    assert.match(err[0], /^error: /);
  }
});

Deno.test("write then mixed with -node embedded run cassandra-stress end to end, reads validated", async () => {
  const write = await run(["write", "n=3000", "-rate", "threads=8", "-node", "embedded"]);
  assert.equal(write.code, 0, write.err.join("\n"));
  assert.ok(write.out.includes("Created keyspaces. Sleeping 1s for propagation."));
  assert.ok(write.out.some((line) => /^Total errors\s+:\s+0 \[WRITE: 0\]$/.test(line)));
  assert.equal(write.out.at(-1), "END");
  // In one process the node is fresh, so the mixed run's reads only find what its writes
  // stored: with a tiny population every read key is written first by the warm-up.
  const mixed = await run([
    "mixed",
    "ratio(write=1,read=1)",
    "n=2000",
    "-pop",
    "seq=1..50",
    "-rate",
    "threads=4",
    "-node",
    "embedded",
  ]);
  assert.equal(mixed.code, 0, mixed.err.join("\n"));
  const errors = mixed.out.find((line) => line.startsWith("Total errors"));
  assert.match(errors ?? "", /^Total errors\s+:\s+0 \[READ: 0, WRITE: 0\]$/);
});

Deno.test("read with -node embedded does not create the schema, so it fails as cassandra-stress does", async () => {
  const { code, out, err } = await run([
    "read",
    "n=200",
    "no-warmup",
    "-rate",
    "threads=2",
    "-node",
    "embedded",
  ]);
  assert.notEqual(code, 0);
  assert.equal(out.at(-1), "FAILURE");
  assert.match(err.at(-1) ?? "", /^error: .*Keyspace 'keyspace1' does not exist/);
});
