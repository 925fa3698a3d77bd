// `stress user profile=... ops(...)` through main() against an embedded node started by the test:
// the Profile(s) block, the schema, the op names in the output, the rows inserts write and the
// rows queries read; bad profiles and ops refused with one error line before anything is sent.
import assert from "node:assert/strict";
import { intervalRows, queryNode, runAgainst, startNode } from "./_cql_run.ts";

const PROFILES = new URL("../testdata/profiles/", import.meta.url);
const profile = (name: string) => new URL(name, PROFILES).pathname;
const FAST = ["-log", "interval=200ms"];

Deno.test("user: a key-value profile inserts and reads, with the profile block and per-op rows", async () => {
  const node = await startNode();
  try {
    const { code, out, err } = await runAgainst(node, [
      "user",
      `profile=${profile("keyvalue.yaml")}`,
      "ops(insert=3,read=1)",
      "n=400",
      "-rate",
      "threads=4",
      ...FAST,
    ]);
    assert.equal(code, 0, [...out, ...err].join("\n"));
    const at = (prefix: string) => out.findIndex((l) => l.startsWith(prefix));
    const order = [
      "******************** Stress Settings ********************",
      "******************** Profile(s) ********************",
      "  Keyspace Name: kvks",
      "Connected to cluster: ",
      "Created schema. Sleeping 1s for propagation.",
      "Generating batches with [1..1] partitions and [1..1] rows",
      "Sleeping 2s...",
      "Warming up insert with ",
      "Warming up read with ",
      "Running [insert, read] with 4 threads for 400 iteration",
      "Results:",
      "END",
    ].map(at);
    assert.ok(order.every((i) => i >= 0), `missing a line: ${order} in\n${out.join("\n")}`);
    assert.deepEqual(order, [...order].sort((a, b) => a - b));
    const rows = intervalRows(out);
    for (const name of ["insert,", "read,", "total,"]) {
      assert.ok(rows.some((l) => l.startsWith(name)), `no ${name} row in\n${rows.join("\n")}`);
    }
    const stored = await queryNode(node, "SELECT key, value FROM kvks.kv");
    assert.ok(stored.length > 0 && stored.length <= 400 + 200, `${stored.length} rows`);
    for (const row of stored) {
      assert.equal((row.get("key") as Uint8Array).length, 10);
      const size = (row.get("value") as Uint8Array).length;
      assert.ok(size >= 50 && size <= 150, `value of ${size} bytes`);
    }
  } finally {
    await node.close();
  }
});

Deno.test("user: a time series profile writes several partitions per op and its queries read them", async () => {
  const path = profile("timeseries.yaml");
  const node = await startNode();
  try {
    const { code, out, err } = await runAgainst(node, [
      "user",
      `profile=${path}`,
      "ops(insert=2,latest=1,window=1)",
      "n=300",
      "-rate",
      "threads=2",
      // Up to 5 partitions of up to 1000 rows would pass the 50 KiB batch limit ("Batch too
      // large", on a real node as on this one): a tenth of the rows selected at most.
      "-insert",
      "select-ratio=uniform(1..10)/100",
      ...FAST,
    ]);
    assert.equal(code, 0, [...out, ...err].join("\n"));
    assert.ok(out.includes("Running [insert, latest, window] with 2 threads for 300 iteration"));
    const rows = intervalRows(out);
    for (const name of ["insert,", "latest,", "window,", "total,"]) {
      assert.ok(rows.some((l) => l.startsWith(name)), `no ${name} row in\n${rows.join("\n")}`);
    }
    const results = (label: string) => out.find((l) => l.startsWith(label)) ?? "";
    // Inserts write up to 5 partitions of 10..1000 rows (up to a tenth of them selected).
    assert.match(results("Row rate"), /insert: [\d,]+ row\/s/);
    const stored = await queryNode(
      node,
      "SELECT sensor, day, at, reading FROM metrics.readings",
    );
    assert.ok(stored.length > 100, `${stored.length} rows`);
    for (const row of stored) assert.equal(String(row.get("sensor")).length, 12);
  } finally {
    await node.close();
  }
});

/** Profiles run end to end: their ops' rows in the output, and rows stored in their tables. */
const PROFILE_RUNS: {
  name: string;
  profiles: string[];
  ops: string;
  /** Keyspaces the profiles use without a keyspace_definition (created first, as a DBA would). */
  keyspaces: string[];
  /** Tables that must hold rows afterwards. */
  tables: string[];
  /** Extra arguments of the line. */
  extra?: string[];
}[] = [
  {
    name: "counters in COUNTER batches, read back",
    profiles: ["counters.yaml"],
    ops: "ops(insert=2,site_views=1)",
    keyspaces: ["countks"],
    tables: ["countks.page_views"],
  },
  {
    name: "LWT: a conditional insert, a compare-and-set and an INSERT ... IF NOT EXISTS",
    profiles: ["lwt.yaml"],
    ops: "ops(insert=2,debit=1,create=1)",
    keyspaces: ["lwtks"],
    tables: ["lwtks.accounts"],
  },
  {
    name: "token range queries page through the ring",
    profiles: ["token_ranges.yaml"],
    ops: "ops(insert=4,byid=1,all_columns=1,NamesOnly=1)",
    keyspaces: ["scanks"],
    tables: ["scanks.items"],
    // With wrap, the ranges start over and every op name runs; without it, a thread that draws
    // a scan once the ranges were read stops (tests/embedded/user_token_range_wrap_test.ts).
    extra: ["-tokenrange", "wrap"],
  },
  {
    name: "every generated type and the collections",
    profiles: ["alltypes.yaml"],
    ops: "ops(insert=3,bykey=1)",
    keyspaces: ["typesks"],
    tables: ["typesks.alltypes"],
  },
  {
    name: "two profiles at once, ops named specname.opname",
    profiles: ["spec_a.yaml", "spec_b.yaml"],
    ops: "ops(alpha_workload.insert=2,multi.beta.insert=2,alpha_workload.read=1,multi.beta.read=1)",
    keyspaces: [],
    tables: ["multi.alpha", "multi.beta"],
  },
];

for (const run of PROFILE_RUNS) {
  Deno.test(`user: ${run.name}`, async () => {
    const node = await startNode();
    try {
      for (const keyspace of run.keyspaces) {
        await queryNode(
          node,
          `CREATE KEYSPACE ${keyspace} WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}`,
        );
      }
      const { code, out, err } = await runAgainst(node, [
        "user",
        `profile=${run.profiles.map(profile).join(",")}`,
        run.ops,
        "n=200",
        "-rate",
        "threads=2",
        ...FAST,
        ...(run.extra ?? []),
      ]);
      assert.equal(code, 0, [...out, ...err].join("\n"));
      const names = [...run.ops.slice(4, -1).split(",").map((op) => op.split("=")[0])].sort();
      assert.ok(
        out.includes(`Running [${names.join(", ")}] with 2 threads for 200 iteration`),
        out.join("\n"),
      );
      const rows = intervalRows(out);
      for (const name of names) {
        assert.ok(
          rows.some((l) => l.startsWith(`${name},`)),
          `no ${name} row in\n${rows.join("\n")}`,
        );
      }
      assert.match(out.find((l) => l.startsWith("Total errors")) ?? "", /:\s+0 \[/);
      for (const table of run.tables) {
        const stored = await queryNode(node, `SELECT * FROM ${table}`);
        assert.ok(stored.length > 0, `no rows in ${table}`);
      }
    } finally {
      await node.close();
    }
  });
}

Deno.test("user: bad profiles and ops give one error line and exit 2 before anything is sent", async () => {
  const dir = await Deno.makeTempDir({ prefix: "stress_user_" });
  try {
    const bad = `${dir}/bad.yaml`;
    await Deno.writeTextFile(bad, "keyspace: ks\ntable: t\nqueries: {}\nunknown_key: 1\n");
    // Port 1 answers nothing: exit 3 would mean the line got as far as connecting.
    const nodeArgs = ["-node", "127.0.0.1", "-port", "native=1"];
    const cases: [string[], RegExp][] = [
      [[`profile=${dir}/missing.yaml`, "ops(insert=1)"], /missing\.yaml/],
      [[`profile=${bad}`, "ops(insert=1)"], /bad\.yaml.*unknown_key/],
      [[`profile=${profile("keyvalue.yaml")}`, "ops(nosuch=1)"], /nosuch/],
      [[`profile=${profile("keyvalue.yaml")}`, "ops(insert=many)"], /insert=many/],
      [
        [`profile=${profile("keyvalue.yaml")}`, "ops(insert=1)", "-insert", "visits=fixed(0..3)"],
        /visits/,
      ],
    ];
    for (const [args, message] of cases) {
      const { code, out, err } = await runAgainst(
        null,
        ["user", ...args.slice(0, 2), "n=10", ...args.slice(2)],
        { nodeArgs },
      );
      assert.equal(code, 2, `${args.join(" ")}: ${[...out, ...err].join("\n")}`);
      assert.equal(err.length, 1, err.join("\n"));
      assert.match(err[0], /^error: /);
      assert.match(err[0], message);
      assert.ok(!out.some((l) => l.startsWith("Connected to cluster")), out.join("\n"));
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("user: profile values a Worker could not build from are refused after the schema, before the warm-up", async () => {
  const node = await startNode();
  const dir = await Deno.makeTempDir({ prefix: "stress_user_" });
  try {
    const yaml = (columnspec: string, query: string) =>
      [
        "keyspace: late_ks",
        "keyspace_definition: |",
        "  CREATE KEYSPACE late_ks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1};",
        "table: t",
        "table_definition: |",
        "  CREATE TABLE t (k int, c int, v text, PRIMARY KEY (k, c))",
        "columnspec:",
        columnspec,
        "queries:",
        `  q: {cql: "${query}"}`,
      ].join("\n");
    const cases: [string, string, RegExp][] = [
      ["  - name: c\n    cluster: fixed(0)", "SELECT * FROM t WHERE k = ?", /draw fewer than 1/],
      [
        "  - name: v\n    size: qextreme(2..10,1.2,4)",
        "SELECT * FROM t WHERE k = ?",
        /reproducible/,
      ],
      ["  - name: c\n    cluster: fixed(2)", "SELECT * FROM t WHERE nosuch = ?", /"nosuch"/],
    ];
    for (const [columnspec, query, message] of cases) {
      await Deno.writeTextFile(`${dir}/p.yaml`, yaml(columnspec, query));
      const args = ["user", `profile=${dir}/p.yaml`, "ops(insert=1,q=1)", "n=20"];
      const { code, out, err } = await runAgainst(node, args);
      assert.equal(code, 2, `${columnspec}: ${[...out, ...err].join("\n")}`);
      assert.equal(err.length, 1, err.join("\n"));
      assert.match(err[0], /^error: /);
      assert.match(err[0], message);
      assert.ok(!out.some((l) => l.startsWith("Warming up")), out.join("\n"));
      assert.ok(!out.includes("Results:"), out.join("\n"));
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
    await node.close();
  }
});

/** A profile whose queries bind IN lists and tuple slices, and an LWT. */
const IN_AND_SLICES = [
  "keyspace: inks",
  "keyspace_definition: |",
  "  CREATE KEYSPACE inks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1};",
  "table: t",
  "table_definition: |",
  "  CREATE TABLE t (k int, c1 int, c2 int, v text, PRIMARY KEY (k, c1, c2))",
  "columnspec:",
  "  - name: k",
  "    population: uniform(1..5)", // five partitions: the reads find what inserts wrote
  "  - name: c1",
  "    cluster: fixed(3)",
  "  - name: c2",
  "    cluster: fixed(2)",
  "insert:",
  "  batchtype: UNLOGGED",
  "queries:",
  "  byin:",
  "    cql: SELECT * FROM t WHERE k IN (?, ?)",
  "    fields: samerow",
  "  slice:",
  "    cql: SELECT * FROM t WHERE k = ? AND (c1, c2) >= (?, ?)",
  "    fields: samerow",
  "  cas:",
  "    cql: UPDATE t SET v = ? WHERE k = ? AND c1 = ? AND c2 = ? IF v = ?",
  "    fields: samerow",
].join("\n");

for (
  const [path, mode] of [["native", []], ["driver", ["-mode", "native", "cql3", "client=driver"]]]
) {
  Deno.test(`user (${path} path): IN lists and tuple slices read the rows, an LWT counts its [applied] row`, async () => {
    const node = await startNode();
    const dir = await Deno.makeTempDir({ prefix: "stress_user_" });
    try {
      await Deno.writeTextFile(`${dir}/in.yaml`, IN_AND_SLICES);
      const { code, out, err } = await runAgainst(node, [
        "user",
        `profile=${dir}/in.yaml`,
        "ops(insert=1,byin=1,slice=1,cas=1)",
        "n=200",
        "-rate",
        "threads=2",
        ...FAST,
        ...mode,
      ]);
      assert.equal(code, 0, [...out, ...err].join("\n"));
      assert.match(out.find((l) => l.startsWith("Total errors")) ?? "", /:\s+0 \[/);
      const counted = (label: string, op: string) =>
        Number(
          new RegExp(`${op}: ([\\d,]+)`).exec(out.find((l) => l.startsWith(label)) ?? "")
            ?.[1].replaceAll(",", "") ?? -1,
        );
      // Every read finds its partition; the slice from a stored row reads that row at least; the
      // LWT reads one [applied] row, applied or not.
      for (const op of ["byin", "slice", "cas"]) {
        assert.ok(counted("Total partitions", op) > 0, `${op}: ${out.join("\n")}`);
      }
      assert.match(out.find((l) => l.startsWith("Row rate")) ?? "", /cas: [1-9][\d,]* row\/s/);
    } finally {
      await Deno.remove(dir, { recursive: true });
      await node.close();
    }
  });
}

/** One partition of 6,000 rows: more than the 5,000 of a query's first page. */
const BIG_PARTITION = [
  "keyspace: bigks",
  "keyspace_definition: |",
  "  CREATE KEYSPACE bigks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1};",
  "table: t",
  "table_definition: CREATE TABLE t (k int, c int, v int, PRIMARY KEY (k, c))",
  "columnspec:",
  "  - name: k",
  "    population: fixed(7)",
  "  - name: c",
  "    cluster: fixed(6000)",
  "insert:",
  "  partitions: fixed(1)",
  "  select: fixed(1)/1",
  "  batchtype: UNLOGGED",
  "queries:",
  "  read:",
  "    cql: SELECT * FROM t WHERE k = ?",
  "    fields: samerow",
].join("\n");

Deno.test("user: a query reads and counts every page of its result, as cassandra-stress's rs.all() does", async () => {
  const node = await startNode();
  const dir = await Deno.makeTempDir({ prefix: "stress_user_pages_" });
  try {
    await Deno.writeTextFile(`${dir}/big.yaml`, BIG_PARTITION);
    const user = (ops: string) => ["user", `profile=${dir}/big.yaml`, ops, "no-warmup"];
    const insert = await runAgainst(node, [...user("ops(insert=1)"), "n=1"]);
    assert.equal(insert.code, 0, [...insert.out, ...insert.err].join("\n"));
    for (const mode of [[], ["-mode", "native", "cql3", "client=driver"]]) {
      const json = `${dir}/read.json`;
      const read = await runAgainst(node, [
        ...user("ops(read=1)"),
        "n=2",
        "-rate",
        "threads=1",
        "-log",
        `json=${json}`,
        ...mode,
      ]);
      assert.equal(read.code, 0, [...read.out, ...read.err].join("\n"));
      // Before, each read counted its first page only: 2 × 5,000.
      const ops = JSON.parse(await Deno.readTextFile(json)).ops;
      assert.equal(ops.read.rows, 2 * 6000, `${mode.join(" ") || "native"}: ${ops.read.rows}`);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
    await node.close();
  }
});

Deno.test("user: an insert of fewer than 1 partition is refused with one error line naming the key", async () => {
  const node = await startNode();
  const dir = await Deno.makeTempDir({ prefix: "stress_user_" });
  try {
    const yaml = [
      "keyspace: zeroks",
      "keyspace_definition: |",
      "  CREATE KEYSPACE zeroks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1};",
      "table: t",
      "table_definition: |",
      "  CREATE TABLE t (k int PRIMARY KEY, v text)",
      "insert:",
      "  partitions: fixed(0)",
      "queries:",
      "  q: {cql: SELECT * FROM t WHERE k = ?}",
    ].join("\n");
    await Deno.writeTextFile(`${dir}/zero.yaml`, yaml);
    const cases: [string[], RegExp][] = [
      [
        [`profile=${dir}/zero.yaml`, "ops(insert=1,q=1)"],
        /insert\.partitions "fixed\(0\)" can draw 0/,
      ],
      [
        [
          `profile=${profile("keyvalue.yaml")}`,
          "ops(insert=1)",
          "-insert",
          "partitions=uniform(0..3)",
        ],
        /-insert partitions= "uniform\(0\.\.3\)" can draw 0/,
      ],
    ];
    for (const [args, message] of cases) {
      const { code, out, err } = await runAgainst(node, [
        "user",
        ...args.slice(0, 2),
        "n=20",
        ...args.slice(2),
      ]);
      assert.equal(code, 2, `${args.join(" ")}: ${[...out, ...err].join("\n")}`);
      assert.equal(err.length, 1, err.join("\n"));
      assert.match(err[0], /^error: /);
      assert.match(err[0], message);
      assert.ok(!out.some((l) => l.startsWith("Warming up")), out.join("\n"));
    }
    // A profile that never inserts is not refused for it.
    const { code, out, err } = await runAgainst(node, [
      "user",
      `profile=${dir}/zero.yaml`,
      "ops(q=1)",
      "n=20",
      "-rate",
      "threads=1",
    ]);
    assert.equal(code, 0, [...out, ...err].join("\n"));
  } finally {
    await Deno.remove(dir, { recursive: true });
    await node.close();
  }
});

Deno.test("user: a query that fails counts no partition and no row, as in cassandra-stress", async () => {
  const node = await startNode();
  const dir = await Deno.makeTempDir({ prefix: "stress_user_" });
  try {
    await Deno.writeTextFile(
      `${dir}/p.yaml`,
      [
        "keyspace: failing_ks",
        "keyspace_definition: |",
        "  CREATE KEYSPACE failing_ks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1};",
        "table: t",
        "table_definition: |",
        "  CREATE TABLE t (k int PRIMARY KEY, v text)",
        "queries:",
        "  q:",
        "    cql: SELECT * FROM t WHERE k = ? AND v = ?",
      ].join("\n"),
    );
    // The node refuses the query (v is no key column and there is no ALLOW FILTERING).
    const { code, out, err } = await runAgainst(node, [
      "user",
      `profile=${dir}/p.yaml`,
      "ops(insert=1,q=1)",
      "n=200",
      "no-warmup",
      "-errors",
      "ignore",
      "-rate",
      "threads=2",
    ]);
    assert.equal(code, 0, [...out, ...err].join("\n"));
    const line = (prefix: string) => out.find((l) => l.startsWith(prefix)) ?? "";
    const errors = Number(/\[insert: 0, q: ([\d,]+)\]/.exec(line("Total errors"))?.[1]);
    assert.ok(errors > 0, line("Total errors"));
    assert.match(line("Total partitions"), /\[insert: [\d,]+, q: 0\]$/);
    assert.match(line("Row rate"), /\[insert: [\d,]+ row\/s, q: 0 row\/s\]$/);
  } finally {
    await Deno.remove(dir, { recursive: true });
    await node.close();
  }
});
