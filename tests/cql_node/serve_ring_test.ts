// `stress serve --nodes N`: a ring of embedded nodes on consecutive loopback addresses from the
// command line, found whole by cassandra-driver.
import assert from "node:assert/strict";
import cassandra from "cassandra-driver";
import { main } from "../../main.ts";
import { BufferedIo } from "../../lib/cli/command_io.ts";
import { SERVE_HELP } from "../../lib/cql_node/serve.ts";

async function firstLine(io: BufferedIo): Promise<string> {
  const deadline = Date.now() + 10_000;
  while (io.stdout.length === 0 && io.stderr.length === 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return io.stdout[0] ?? io.stderr.join("\n");
}

Deno.test("stress serve --nodes 3 listens on 127.0.0.1..3 with one port; the driver finds the three", async () => {
  const controller = new AbortController();
  const io = new BufferedIo();
  const running = main(["serve", "--nodes", "3", "--port", "0"], {
    io,
    signal: controller.signal,
  });
  const banner = await firstLine(io);
  const match =
    /^stress serve: in-memory CQL ring of 3 nodes \(native protocol v4\/v3, no disk, no replication\) listening on 127\.0\.0\.1:(\d+), 127\.0\.0\.2:(\d+), 127\.0\.0\.3:(\d+)$/
      .exec(banner);
  assert.ok(match, banner);
  assert.equal(match[1], match[2]);
  assert.equal(match[1], match[3]);
  const port = Number(match[1]);
  const client = new cassandra.Client({
    contactPoints: [`127.0.0.2:${port}`],
    localDataCenter: "datacenter1",
    protocolOptions: { port },
  });
  try {
    await client.connect();
    const hosts = client.hosts.values();
    assert.deepEqual(
      hosts.map((h) => h.address).sort(),
      [1, 2, 3].map((i) => `127.0.0.${i}:${port}`),
    );
    assert.ok(hosts.every((h) => h.tokens.length === 16));
    assert.equal(new Set(hosts.flatMap((h) => h.tokens)).size, 48);
  } finally {
    await client.shutdown();
    controller.abort();
  }
  assert.equal(await running, 0);
  assert.deepEqual(io.stdout.slice(1), ["stress serve: stopped"]);
});

Deno.test("stress serve --nodes rejects a count that is not a positive integer or does not fit after --host", async () => {
  for (
    const [args, message] of [
      [
        ["--nodes", "0"],
        /^error: Cannot parse --nodes: "0" is invalid, expected a positive integer$/,
      ],
      [["--nodes", "x"], /^error: Cannot parse --nodes: "x" is invalid/],
      [
        ["--nodes", "3", "--host", "127.0.0.253"],
        /^error: Cannot parse option "--nodes": "3" does not fit after --host "127\.0\.0\.253"/,
      ],
      [["--nodes", "2", "--host", "localhost"], /does not fit after --host "localhost"/],
    ] as const
  ) {
    const io = new BufferedIo();
    const code = await main(["serve", ...args], { io, signal: new AbortController().signal });
    assert.equal(code, 2, args.join(" "));
    assert.deepEqual(io.stdout, []);
    assert.equal(io.stderr.length, 1);
    assert.match(io.stderr[0], message);
  }
});

Deno.test("stress serve --help documents --nodes", () => {
  assert.match(
    SERVE_HELP,
    /^ {2}--nodes N {10}run a ring of N nodes on N consecutive addresses \(default 1\)$/m,
  );
  assert.match(
    SERVE_HELP,
    /stress serve --nodes 3 .*127\.0\.0\.1:9042, 127\.0\.0\.2:9042, 127\.0\.0\.3:9042/,
  );
});
