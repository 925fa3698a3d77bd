// Against the real nodes: login and TLS on the secure node (and a wrong password), ops that really
// fail (a read of a table that does not exist, requestTimeout= too small to succeed), and three
// --shard loaders whose HDR logs stress merge joins, every key written exactly once.
import assert from "node:assert/strict";
import { main } from "../../main.ts";
import { BufferedIo } from "../../lib/cli/command_io.ts";
import {
  cassandraNodes,
  countRows,
  queryCassandra,
  resultNumber,
  runStress,
  uniqueKeyspace,
} from "./_cassandra_node.ts";

const { plain, secure } = cassandraNodes();

function secureArgs(password: string): string[] {
  return [
    "-mode",
    "native",
    "cql3",
    `user=${secure.credentials!.user}`,
    `password=${password}`,
    "-transport",
    `truststore=${secure.certPem}`,
  ];
}

Deno.test("user= and password= over TLS write and read back on the secure node", async () => {
  const ks = uniqueKeyspace("sec");
  const password = secure.credentials!.password;
  const write = await runStress(secure, [
    "write",
    "n=1000",
    "-schema",
    `keyspace=${ks}`,
    ...secureArgs(password),
  ]);
  assert.equal(write.code, 0, write.err.join("\n"));
  assert.ok(!write.out.some((line) => line.includes(`password=${password}`)));
  const read = await runStress(secure, [
    "read",
    "n=1000",
    "-schema",
    `keyspace=${ks}`,
    ...secureArgs(password),
  ]);
  assert.equal(read.code, 0, read.err.join("\n"));
  assert.equal(resultNumber(read.out, "Total errors"), 0);
  assert.equal(await countRows(secure, ks), 1000);
});

Deno.test("a wrong password is one error line and exit 3; so is TLS left off", async () => {
  const wrong = await runStress(secure, ["write", "n=10", ...secureArgs("not-the-password")]);
  assert.equal(wrong.code, 3);
  assert.equal(wrong.err.length, 1, wrong.err.join("\n"));
  assert.match(wrong.err[0], /^error: .*(password|credentials|Authentication)/i);
  assert.ok(!wrong.err[0].includes("not-the-password"));
  const plainText = await runStress(secure, [
    "write",
    "n=10",
    "-mode",
    "native",
    "cql3",
    "user=cassandra",
    "password=cassandra",
  ]);
  assert.equal(plainText.code, 3);
  assert.equal(plainText.err.length, 1, plainText.err.join("\n"));
  assert.match(plainText.err[0], /^error: Cannot connect/);
});

Deno.test("a read of a table that does not exist fails the run with one error line", async () => {
  const ks = uniqueKeyspace("notable");
  await queryCassandra(
    plain,
    `CREATE KEYSPACE ${ks} WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}`,
  );
  const read = await runStress(plain, ["read", "n=100", "-schema", `keyspace=${ks}`]);
  assert.equal(read.code, 1);
  assert.ok(read.out.includes("FAILURE"));
  assert.match(read.err.join("\n"), /standard1/);
});

Deno.test("requestTimeout=1 fails the ops (not the connection): counted errors, exit 1", async () => {
  const ks = uniqueKeyspace("rto");
  const run = await runStress(plain, [
    "write",
    "n=500",
    "no-warmup",
    "-mode",
    "native",
    "cql3",
    "requestTimeout=1",
    "-errors",
    "retries=1",
    // Rows of 5 x 64 KiB: no write is answered within 1 ms, however idle the node.
    "-col",
    "size=FIXED(65536)",
    "-schema",
    `keyspace=${ks}`,
  ]);
  const context = [...run.out.slice(-30), ...run.err.slice(0, 3)].join("\n");
  assert.equal(run.code, 1, context);
  assert.ok(run.out.some((line) => line.startsWith("Total errors")), context);
  assert.ok(resultNumber(run.out, "Total errors") > 0);
  assert.match(run.out.join("\n") + run.err.join("\n"), /timeout|timed out/i);
});

Deno.test("three --shard loaders write every key once; stress merge joins their logs", async () => {
  const ks = uniqueKeyspace("shards");
  const dir = await Deno.makeTempDir();
  try {
    const runs = await Promise.all([0, 1, 2].map((i) =>
      runStress(plain, [
        "write",
        "n=3000",
        "-rate",
        "threads=8",
        "-log",
        `hdrfile=${dir}/w${i}.hdr`,
        "-schema",
        `keyspace=${ks}`,
        "--shard",
        `${i}/3`,
      ])
    ));
    for (const run of runs) assert.equal(run.code, 0, run.err.join("\n"));
    const written = runs.map((run) => resultNumber(run.out, "Total partitions"));
    assert.equal(written.reduce((a, b) => a + b, 0), 3000);
    assert.equal(await countRows(plain, ks), 3000, "a key was written by two shards or by none");
    const io = new BufferedIo();
    const code = await main(["merge", `${dir}/w0.hdr`, `${dir}/w1.hdr`, `${dir}/w2.hdr`], {
      io,
      signal: new AbortController().signal,
    });
    assert.equal(code, 0, io.stderr.join("\n"));
    assert.equal(resultNumber(io.stdout, "Total partitions"), 3000);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
