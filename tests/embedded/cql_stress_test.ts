// cassandra-stress commands through main() against an embedded node started by the test:
// connection options, schema, statements, data validation, output lines.
import assert from "node:assert/strict";
import cassandra from "cassandra-driver";
import { makeTestCertificates } from "../cql_node/_tls_fixture.ts";
import { result } from "./_cql_faults.ts";
import { intervalRows, queryNode, runAgainst, startNode } from "./_cql_run.ts";

const FAST = ["-log", "interval=200ms"];
/** The `errors` column of an interval row split on its commas. */
const ERRORS_COLUMN = 13;

Deno.test("write prints cassandra-stress's lines in order and stores every key of the population", async () => {
  const node = await startNode();
  try {
    const { code, out, err } = await runAgainst(node, [
      "write",
      "n=500",
      "-rate",
      "threads=4",
      ...FAST,
    ]);
    assert.equal(code, 0, err.join("\n"));
    const at = (prefix: string) => out.findIndex((l) => l.startsWith(prefix));
    const order = [
      "******************** Stress Settings ********************",
      "Connected to cluster: Test Cluster, max pending requests per connection",
      "Datatacenter: datacenter1; Host: /127.0.0.1",
      "Created keyspaces. Sleeping 1s for propagation.",
      "Sleeping 2s...",
      "Warming up WRITE with 125 iterations...",
      "Running WRITE with 4 threads for 500 iteration",
      "type ",
      "Results:",
      "END",
    ].map(at);
    assert.ok(order.every((i) => i >= 0), `missing a line: ${order} in\n${out.join("\n")}`);
    assert.deepEqual(order, [...order].sort((a, b) => a - b));
    assert.ok(intervalRows(out).some((l) => l.startsWith("total,")));
    const rows = await queryNode(node, 'SELECT key, "C0" FROM keyspace1.standard1');
    assert.equal(rows.length, 500);
    for (const row of rows) {
      assert.equal((row.get("key") as Uint8Array).length, 10);
      assert.equal((row.get("C0") as Uint8Array).length, 34);
    }
  } finally {
    await node.close();
  }
});

Deno.test("-mode protocolVersion=5 runs: the ops offer v5 (this node answers v4), the control connection stays on v4", async () => {
  const node = await startNode();
  try {
    const args = ["n=300", "-mode", "native", "cql3", "prepared", "protocolVersion=5"];
    for (const command of ["write", "read"]) {
      const { code, out, err } = await runAgainst(node, [command, ...args, ...FAST]);
      assert.equal(code, 0, err.join("\n"));
      assert.ok(out.some((l) => /Data Path: native .*protocol v5/.test(l)), out.join("\n"));
      assert.ok(out.some((l) => /^Total errors\s+:\s+0\b/.test(l)), out.join("\n"));
    }
    assert.equal((await queryNode(node, "SELECT key FROM keyspace1.standard1")).length, 300);
  } finally {
    await node.close();
  }
});

Deno.test("read validates what write stored; a read of keys never written fails with c-s's message", async () => {
  const node = await startNode();
  try {
    assert.equal((await runAgainst(node, ["write", "n=300", "-rate", "threads=4"])).code, 0);
    const read = await runAgainst(node, [
      "read",
      "n=300",
      "-pop",
      "seq=1..300",
      "-rate",
      "threads=4",
      ...FAST,
    ]);
    assert.equal(read.code, 0, read.err.join("\n"));
    assert.equal(read.out.at(-1), "END");
    const missing = await runAgainst(node, [
      "read",
      "n=50",
      "no-warmup",
      "-pop",
      "seq=1001..2000",
      "-rate",
      "threads=2",
    ]);
    assert.equal(missing.code, 1);
    assert.equal(missing.out.at(-1), "FAILURE");
    assert.ok(missing.err.some((l) => l.includes("Data returned was not validated")));
    const skipped = await runAgainst(node, [
      "read",
      "n=50",
      "no-warmup",
      "-pop",
      "seq=1001..2000",
      "-rate",
      "threads=2",
      "-errors",
      "skip-read-validation",
    ]);
    assert.equal(skipped.code, 0, skipped.err.join("\n"));
  } finally {
    await node.close();
  }
});

Deno.test("reads count the rows they got back: keys never written add no partitions, with or without validation", async () => {
  const node = await startNode();
  try {
    const setup = ["n=100", "no-warmup", "-rate", "threads=2"];
    assert.equal((await runAgainst(node, ["write", ...setup])).code, 0);
    assert.equal((await runAgainst(node, ["counter_write", ...setup])).code, 0);
    // Keys 1..100 were written, 101..200 never: as cassandra-stress's, a read counts the rows
    // the node returned, so a failed read of a missing key counts an error and no partition.
    const half = ["n=200", "no-warmup", "-pop", "seq=1..200", "-rate", "threads=2", ...FAST];
    for (
      const args of [
        ["read", ...half, "-errors", "ignore"],
        ["read", ...half, "-errors", "ignore", "-mode", "client=driver"],
        ["counter_read", ...half, "-errors", "ignore"],
        ["read", ...half, "-errors", "skip-read-validation"],
      ]
    ) {
      const run = await runAgainst(node, args);
      const text = `${args.join(" ")}\n${run.out.join("\n")}`;
      assert.equal(run.code, 0, text);
      const op = args[0].toUpperCase();
      const errors = args.includes("ignore") ? 100 : 0;
      assert.ok(run.out.includes(`Total partitions          :        100 [${op}: 100]`), text);
      assert.ok(
        run.out.includes(
          `Total errors              :${String(errors).padStart(11)} [${op}: ${errors}]`,
        ),
        text,
      );
      const rows = intervalRows(run.out).map((line) => line.split(/,\s*/));
      assert.equal(rows.reduce((sum, row) => sum + Number(row[ERRORS_COLUMN]), 0), errors, text);
      const opRate = result(run.out, "Op rate");
      const pkRate = result(run.out, "Partition rate");
      assert.ok(Math.abs(pkRate * 2 - opRate) <= 2, text);
      assert.equal(result(run.out, "Row rate"), pkRate, text);
    }
  } finally {
    await node.close();
  }
});

Deno.test("counter_read checks that its row exists even with -errors skip-read-validation", async () => {
  const node = await startNode();
  try {
    const write = ["counter_write", "n=20", "no-warmup", "-rate", "threads=2"];
    assert.equal((await runAgainst(node, write)).code, 0);
    for (const client of ["native", "driver"]) {
      const run = await runAgainst(node, [
        "counter_read",
        "n=40",
        "no-warmup",
        "-pop",
        "seq=1..40",
        "-errors",
        "ignore",
        "skip-read-validation",
        "-rate",
        "threads=2",
        "-mode",
        `client=${client}`,
      ]);
      const text = `${client}\n${run.out.join("\n")}`;
      assert.equal(run.code, 0, text);
      assert.equal(result(run.out, "Total errors"), 20, text);
      assert.ok(run.err.some((l) => l.endsWith(": Data returned was not validated")), text);
    }
  } finally {
    await node.close();
  }
});

Deno.test("a read command never creates the schema", async () => {
  const node = await startNode();
  try {
    const read = await runAgainst(node, ["read", "n=10", "no-warmup", "-rate", "threads=1"]);
    assert.equal(read.code, 1);
    assert.ok(!read.out.some((l) => l.startsWith("Created keyspaces")));
    assert.ok(
      read.err.some((l) => /Keyspace .?keyspace1.? does not exist/i.test(l)),
      read.err.join("\n"),
    );
  } finally {
    await node.close();
  }
});

Deno.test("-schema keyspace, replication, compression and compaction reach the node", async () => {
  const node = await startNode();
  try {
    const { code, err } = await runAgainst(node, [
      "write",
      "n=20",
      "no-warmup",
      "-rate",
      "threads=2",
      "-schema",
      "keyspace=ks_stress",
      "replication(strategy=NetworkTopologyStrategy,datacenter1=3)",
      "compaction(strategy=LeveledCompactionStrategy,sstable_size_in_mb=160)",
      "compression=LZ4Compressor",
    ]);
    assert.equal(code, 0, err.join("\n"));
    const [ks] = await queryNode(
      node,
      "SELECT replication FROM system_schema.keyspaces WHERE keyspace_name = 'ks_stress'",
    );
    assert.equal(
      ks.get("replication").class,
      "org.apache.cassandra.locator.NetworkTopologyStrategy",
    );
    assert.equal(ks.get("replication").datacenter1, "3");
    const rows = await queryNode(node, "SELECT key FROM ks_stress.standard1");
    assert.equal(rows.length, 20);
    const statements = node.statementLog().map((s) => s.text);
    const create = statements.find((s) =>
      s.includes('CREATE TABLE IF NOT EXISTS "ks_stress".standard1')
    );
    assert.ok(create?.includes("compression = {'class' : 'LZ4Compressor'}"), create);
    assert.ok(
      create?.includes(
        "compaction = { 'class' : 'LeveledCompactionStrategy', 'sstable_size_in_mb' : '160'}",
      ),
      create,
    );
  } finally {
    await node.close();
  }
});

Deno.test("-col names, n, size and timestamp shape the statements; slice reads select *", async () => {
  const node = await startNode();
  try {
    const write = await runAgainst(node, [
      "write",
      "n=30",
      "no-warmup",
      "-rate",
      "threads=2",
      "-col",
      "names=b,a",
      "size=FIXED(7)",
      "timestamp=12345",
    ]);
    assert.equal(write.code, 0, write.err.join("\n"));
    const read = await runAgainst(node, [
      "read",
      "n=30",
      "no-warmup",
      "-pop",
      "seq=1..30",
      "-rate",
      "threads=2",
      "-col",
      "names=b,a",
      "size=FIXED(7)",
      "slice",
    ]);
    assert.equal(read.code, 0, read.err.join("\n"));
    const texts = node.statementLog().map((s) => s.text);
    assert.ok(
      texts.includes('UPDATE "standard1" USING TIMESTAMP 12345 SET "a" = ?,"b" = ? WHERE KEY=?'),
      texts.join("\n"),
    );
    assert.ok(texts.includes('SELECT * FROM "standard1" WHERE KEY=?'), texts.join("\n"));
    const [row] = await queryNode(node, 'SELECT "a" FROM keyspace1.standard1 LIMIT 1');
    assert.equal((row.get("a") as Uint8Array).length, 7);
  } finally {
    await node.close();
  }
});

Deno.test("-mode unprepared sends plain queries; prepared (the default) prepares once", async () => {
  const node = await startNode();
  try {
    const write = await runAgainst(node, [
      "write",
      "n=40",
      "no-warmup",
      "-rate",
      "threads=2",
      "-mode",
      "native",
      "cql3",
      "unprepared",
    ]);
    assert.equal(write.code, 0, write.err.join("\n"));
    const update = node.statementLog().find((s) => s.text.startsWith('UPDATE "standard1"'));
    assert.ok(update !== undefined);
    assert.equal(update.kind, "query");
    assert.equal(update.count, 40);
  } finally {
    await node.close();
  }
});

Deno.test("counter_write then counter_read: counters add up, reads check the row exists", async () => {
  const node = await startNode();
  try {
    const write = await runAgainst(node, [
      "counter_write",
      "n=100",
      "no-warmup",
      "-rate",
      "threads=2",
    ]);
    assert.equal(write.code, 0, write.err.join("\n"));
    const again = await runAgainst(node, [
      "counter_write",
      "n=100",
      "no-warmup",
      "-rate",
      "threads=2",
    ]);
    assert.equal(again.code, 0, again.err.join("\n"));
    const rows = await queryNode(node, 'SELECT "C0" FROM keyspace1.counter1');
    assert.equal(rows.length, 100);
    assert.ok(rows.every((r) => Number(r.get("C0")) === 2), "add=fixed(1) twice gives 2");
    const read = await runAgainst(node, [
      "counter_read",
      "n=100",
      "no-warmup",
      "-pop",
      "seq=1..100",
      "-rate",
      "threads=2",
    ]);
    assert.equal(read.code, 0, read.err.join("\n"));
  } finally {
    await node.close();
  }
});

Deno.test("mixed prints a row per op type in the intervals and in Results", async () => {
  const node = await startNode();
  try {
    assert.equal((await runAgainst(node, ["write", "n=200", "-rate", "threads=2"])).code, 0);
    const { code, out, err } = await runAgainst(node, [
      "mixed",
      "ratio(write=1,read=2)",
      "n=600",
      "-pop",
      "seq=1..200",
      "-rate",
      "threads=4",
      ...FAST,
    ]);
    assert.equal(code, 0, err.join("\n"));
    assert.ok(out.includes("Warming up READ with 150 iterations..."));
    assert.ok(out.includes("Warming up WRITE with 150 iterations..."));
    const rows = intervalRows(out);
    for (const type of ["READ", "WRITE", "total"]) {
      assert.ok(rows.some((r) => r.startsWith(`${type},`)), `${type} rows in\n${rows.join("\n")}`);
    }
    const results = out.slice(out.indexOf("Results:"));
    assert.ok(
      results.some((l) => /^Op rate\s+:.*\[READ: .*, WRITE: .*\]/.test(l)),
      results.join("\n"),
    );
  } finally {
    await node.close();
  }
});

Deno.test("user and password authenticate; the password is never printed", async () => {
  const credentials = { user: "cassandra", password: "s3cret-pw" };
  const node = await startNode({ credentials });
  try {
    const ok = await runAgainst(node, [
      "write",
      "n=20",
      "no-warmup",
      "-rate",
      "threads=2",
      "-mode",
      "native",
      "cql3",
      `user=${credentials.user}`,
      `password=${credentials.password}`,
    ]);
    assert.equal(ok.code, 0, ok.err.join("\n"));
    assert.ok(ok.out.includes("  Password: *suppressed*"));
    assert.ok(![...ok.out, ...ok.err].some((l) => l.includes(credentials.password)));
    const bad = await runAgainst(node, [
      "write",
      "n=20",
      "-mode",
      "native",
      "cql3",
      "user=cassandra",
      "password=wrong",
    ]);
    assert.equal(bad.code, 3);
    assert.equal(bad.err.length, 1, bad.err.join("\n"));
    assert.match(bad.err[0], /^error: Cannot connect to CQL node/);
  } finally {
    await node.close();
  }
});

Deno.test("-node file=, whitelist, datacenter= and protocolVersion= connect as asked", async () => {
  const node = await startNode();
  const dir = await Deno.makeTempDir();
  try {
    const file = `${dir}/nodes.txt`;
    await Deno.writeTextFile(file, "# cluster\n127.0.0.1\n\n");
    const ok = await runAgainst(node, [
      "write",
      "n=20",
      "no-warmup",
      "-rate",
      "threads=2",
      "-mode",
      "native",
      "cql3",
      "protocolVersion=3",
    ], {
      nodeArgs: [
        "-node",
        `file=${file}`,
        "whitelist",
        "datacenter=datacenter1",
        "-port",
        `native=${node.port}`,
      ],
    });
    assert.equal(ok.code, 0, ok.err.join("\n"));
    const wrongDc = await runAgainst(node, ["write", "n=20"], {
      nodeArgs: ["-node", "127.0.0.1", "datacenter=dc9", "-port", `native=${node.port}`],
    });
    assert.equal(wrongDc.code, 3);
    assert.match(wrongDc.err[0], /^error: Cannot connect to CQL node.*dc9/);
    const noFile = await runAgainst(node, ["write", "n=20"], {
      nodeArgs: ["-node", `file=${dir}/missing.txt`],
    });
    assert.equal(noFile.code, 2);
    assert.match(noFile.err[0], /^error: Cannot read -node file/);
  } finally {
    await node.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("the warm-up takes its share for each host of -node file=, as for a -node list", async () => {
  const node = await startNode();
  const dir = await Deno.makeTempDir();
  try {
    const file = `${dir}/nodes.txt`;
    await Deno.writeTextFile(file, "127.0.0.1\nlocalhost\n");
    const port = `native=${node.port}`;
    const write = ["write", "n=400", "-rate", "threads=2"];
    for (const nodeArgs of [["-node", "127.0.0.1,localhost"], ["-node", `file=${file}`]]) {
      const run = await runAgainst(node, write, { nodeArgs: [...nodeArgs, "-port", port] });
      assert.equal(run.code, 0, run.err.join("\n"));
      // cassandra-stress: min(50,000, n / 4) iterations for each of the two hosts listed.
      assert.ok(run.out.includes("Warming up WRITE with 200 iterations..."), nodeArgs.join(" "));
    }
  } finally {
    await node.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("an unreachable node gives one error line and exit 3 within the connect timeout", async () => {
  const node = await startNode();
  const port = node.port;
  await node.close();
  const started = performance.now();
  const { code, out, err } = await runAgainst(null, ["write", "n=10"], {
    nodeArgs: ["-node", "127.0.0.1", "-port", `native=${port}`],
  });
  const elapsedMs = performance.now() - started;
  assert.equal(code, 3);
  assert.equal(err.length, 1, err.join("\n"));
  assert.match(
    err[0],
    new RegExp(`^error: Cannot connect to CQL node\\(s\\) "127.0.0.1" on port ${port}: `),
  );
  assert.ok(elapsedMs < 8000, `took ${elapsedMs} ms`);
  assert.ok(!out.includes("END"));
});

Deno.test("a JKS truststore gets a clear error that says how to convert it", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const jks = `${dir}/truststore.jks`;
    await Deno.writeFile(jks, new Uint8Array([0xfe, 0xed, 0xfe, 0xed, 0, 0, 0, 2]));
    const { code, err } = await runAgainst(null, [
      "write",
      "n=10",
      "-transport",
      `truststore=${jks}`,
    ], {
      nodeArgs: ["-node", "127.0.0.1"],
    });
    assert.equal(code, 2);
    assert.equal(err.length, 1);
    assert.match(
      err[0],
      /^error: Cannot use -transport truststore ".*truststore\.jks": it is a JKS key store, expected PEM; convert it with: keytool -exportcert -rfc/,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("-transport truststore= (PEM) connects over TLS; hostname-verification checks the name", async () => {
  const dir = await Deno.makeTempDir();
  const certs = await makeTestCertificates(dir);
  const node = await startNode({ tls: { certFile: certs.certFile, keyFile: certs.keyFile } });
  try {
    const ok = await runAgainst(node, [
      "write",
      "n=50",
      "no-warmup",
      "-rate",
      "threads=2",
      "-transport",
      `truststore=${certs.caFile}`,
      "hostname-verification=true",
    ]);
    assert.equal(ok.code, 0, ok.err.join("\n"));
    assert.equal((await queryNodeTls(node, certs.caPem)).length, 50);
    // Without TLS the driver's handshake gets no answer: it gives up at requestTimeout.
    const plain = await runAgainst(node, [
      "write",
      "n=10",
      "no-warmup",
      "-mode",
      "native",
      "cql3",
      "requestTimeout=1000",
    ]);
    assert.equal(plain.code, 3);
    assert.equal(plain.err.length, 1, plain.err.join("\n"));
  } finally {
    await node.close();
    await Deno.remove(dir, { recursive: true });
  }
});

async function queryNodeTls(node: { port: number }, caPem: string) {
  const client = new cassandra.Client({
    contactPoints: [`127.0.0.1:${node.port}`],
    localDataCenter: "datacenter1",
    sslOptions: { ca: [caPem], checkServerIdentity: () => undefined },
  });
  try {
    await client.connect();
    return (await client.execute("SELECT key FROM keyspace1.standard1")).rows;
  } finally {
    await client.shutdown();
  }
}

Deno.test("truncate=once empties the table before the measured run", async () => {
  const node = await startNode();
  try {
    assert.equal((await runAgainst(node, ["write", "n=100", "-rate", "threads=2"])).code, 0);
    const again = await runAgainst(node, [
      "write",
      "n=30",
      "no-warmup",
      "truncate=once",
      "-rate",
      "threads=2",
    ]);
    assert.equal(again.code, 0, again.err.join("\n"));
    assert.ok(node.statementLog().some((s) => s.text === 'TRUNCATE "keyspace1".standard1'));
    assert.equal((await queryNode(node, "SELECT key FROM keyspace1.standard1")).length, 30);
  } finally {
    await node.close();
  }
});

Deno.test("-mode maxPending, connectionsPerHost and compression: the banner and warnings say what is used", async () => {
  // lz4 runs on the native path (the embedded node reads compressed v4 frames): no warning.
  const node = await startNode();
  try {
    const { code, out, err } = await runAgainst(node, [
      "write",
      "n=50",
      "no-warmup",
      "cl=QUORUM",
      "-rate",
      "threads=2",
      "-mode",
      "native",
      "cql3",
      "maxPending=64",
      "connectionsPerHost=4",
      "compression=lz4",
    ]);
    assert.equal(code, 0, err.join("\n"));
    assert.ok(out.includes("  Consistency Level: QUORUM"));
    assert.ok(
      out.some((l) =>
        /^Connected to cluster: Test Cluster, max pending requests per connection 64, max connections per host 4$/
          .test(l)
      ),
      out.join("\n"),
    );
    assert.ok(!err.some((l) => l.includes("compression")), err.join("\n"));
    assert.ok(out.includes("  Compression: LZ4"));
  } finally {
    await node.close();
  }
});
