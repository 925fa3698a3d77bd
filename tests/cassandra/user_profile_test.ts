// stress user against the real node: each test profile in a keyspace of its own, its schema
// checked in system_schema, its op names in the output, no error, rows stored, and the queries
// reading the rows the inserts wrote.
import assert from "node:assert/strict";
import { cassandraNodes, queryCassandra, runStress, uniqueKeyspace } from "./_cassandra_node.ts";

const { plain } = cassandraNodes();
const PROFILES = new URL("../testdata/profiles/", import.meta.url);

interface ProfileRun {
  readonly name: string;
  /** Profile files and the keyspace each names (renamed to a keyspace of the test's own). */
  readonly profiles: readonly { file: string; keyspace: string }[];
  readonly ops: string;
  /** Whether the test creates the keyspace (the profile has no keyspace_definition). */
  readonly createKeyspace: boolean;
  /** Tables (keyspace-relative) that must exist with rows, and their columns. */
  readonly tables: readonly { table: string; columns: readonly string[] }[];
  /** Ops whose Results must show rows read. */
  readonly reads: readonly string[];
  /** Extra arguments of the line. */
  readonly extra?: readonly string[];
}

const RUNS: readonly ProfileRun[] = [
  {
    name: "a key-value profile inserts and its samerow query reads the rows back",
    profiles: [{ file: "keyvalue.yaml", keyspace: "kvks" }],
    ops: "ops(insert=3,read=1)",
    createKeyspace: false,
    tables: [{ table: "kv", columns: ["key", "value"] }],
    reads: ["read"],
  },
  {
    name: "a time series: compound key, DESC clustering, static column, index",
    profiles: [{ file: "timeseries.yaml", keyspace: "metrics" }],
    ops: "ops(insert=2,latest=1,window=1)",
    // Up to 5 partitions of up to 1000 rows pass Cassandra's 50 KiB batch limit ("Batch too
    // large", as cassandra-stress gets too): one partition per batch here.
    extra: ["-insert", "partitions=fixed(1)"],
    createKeyspace: false,
    tables: [{ table: "readings", columns: ["at", "day", "reading", "sensor", "unit"] }],
    reads: ["latest"],
  },
  {
    name: "counters in COUNTER batches",
    profiles: [{ file: "counters.yaml", keyspace: "countks" }],
    ops: "ops(insert=2,site_views=1)",
    createKeyspace: true,
    tables: [{ table: "page_views", columns: ["likes", "page", "site", "views"] }],
    reads: ["site_views"],
  },
  {
    name: "LWT: a conditional insert, a compare-and-set and INSERT ... IF NOT EXISTS",
    profiles: [{ file: "lwt.yaml", keyspace: "lwtks" }],
    ops: "ops(insert=2,debit=1,create=1)",
    createKeyspace: true,
    tables: [{ table: "accounts", columns: ["balance", "body", "id", "owner"] }],
    reads: [],
  },
  {
    name: "token range queries page through the ring",
    profiles: [{ file: "token_ranges.yaml", keyspace: "scanks" }],
    ops: "ops(insert=4,byid=1,all_columns=1,NamesOnly=1)",
    // With wrap every op name runs; without it a thread that draws a scan once the ranges were
    // read stops.
    extra: ["-tokenrange", "wrap"],
    createKeyspace: true,
    tables: [{ table: "items", columns: [] }],
    reads: ["all_columns"],
  },
  {
    name: "every generated type and the collections",
    profiles: [{ file: "alltypes.yaml", keyspace: "typesks" }],
    ops: "ops(insert=3,bykey=1)",
    createKeyspace: true,
    tables: [{ table: "alltypes", columns: ["c_clock", "frozen_ids", "k_int", "k_text"] }],
    reads: ["bykey"],
  },
];

/** The profile with its keyspace renamed, written to a temporary file. */
async function renamed(file: string, from: string, to: string): Promise<string> {
  const text = await Deno.readTextFile(new URL(file, PROFILES));
  const path = await Deno.makeTempFile({ prefix: "stress_profile_", suffix: ".yaml" });
  await Deno.writeTextFile(path, text.replaceAll(new RegExp(`\\b${from}\\b`, "g"), to));
  return path;
}

for (const run of RUNS) {
  Deno.test(`real node: user: ${run.name}`, async () => {
    const ks = uniqueKeyspace("up");
    const paths = await Promise.all(run.profiles.map((p) => renamed(p.file, p.keyspace, ks)));
    try {
      if (run.createKeyspace) {
        await queryCassandra(
          plain,
          `CREATE KEYSPACE ${ks} WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}`,
        );
      }
      const { code, out, err } = await runStress(plain, [
        "user",
        `profile=${paths.join(",")}`,
        run.ops,
        "n=300",
        "-rate",
        "threads=4",
        "-log",
        "interval=500ms",
        ...(run.extra ?? []),
      ]);
      assert.equal(code, 0, [...out, ...err].join("\n"));
      const names = run.ops.slice(4, -1).split(",").map((op) => op.split("=")[0]).sort();
      assert.ok(out.some((l) => l.startsWith(`Running [${names.join(", ")}] with 4 threads`)));
      for (const name of names) {
        assert.ok(out.some((l) => l.startsWith(`${name},`)), `no ${name} row`);
      }
      assert.match(out.find((l) => l.startsWith("Total errors")) ?? "", /:\s+0 \[/);
      const rowRate = out.find((l) => l.startsWith("Row rate")) ?? "";
      for (const name of run.reads) {
        const rate = new RegExp(`${name}: ([\\d,]+) row/s`).exec(rowRate);
        assert.ok(rate !== null && Number(rate[1].replaceAll(",", "")) > 0, rowRate);
      }
      for (const { table, columns } of run.tables) {
        const schema = await queryCassandra(
          plain,
          "SELECT column_name FROM system_schema.columns WHERE keyspace_name = ? AND table_name = ?",
          [ks, table],
        );
        const stored = schema.map((row) => String(row.get("column_name")));
        for (const column of columns) assert.ok(stored.includes(column), `${table}.${column}`);
        const rows = await queryCassandra(plain, `SELECT * FROM ${ks}.${table} LIMIT 10`);
        assert.ok(rows.length > 0, `no rows in ${ks}.${table}`);
      }
    } finally {
      for (const path of paths) await Deno.remove(path);
      await queryCassandra(plain, `DROP KEYSPACE IF EXISTS ${ks}`).catch(() => {});
    }
  });
}

Deno.test("real node: user: two profiles at once, ops named specname.opname", async () => {
  const ks = uniqueKeyspace("up");
  const a = await renamed("spec_a.yaml", "multi", ks);
  const b = await renamed("spec_b.yaml", "multi", ks);
  try {
    const ops = `ops(alpha_workload.insert=2,${ks}.beta.insert=2,alpha_workload.read=1)`;
    const { code, out, err } = await runStress(plain, [
      "user",
      `profile=${a},${b}`,
      ops,
      "n=200",
      "-rate",
      "threads=2",
    ]);
    assert.equal(code, 0, [...out, ...err].join("\n"));
    for (const name of ["alpha_workload.insert", `${ks}.beta.insert`, "alpha_workload.read"]) {
      assert.ok(out.some((l) => l.startsWith(`${name},`)), `no ${name} row`);
    }
    for (const table of ["alpha", "beta"]) {
      const rows = await queryCassandra(plain, `SELECT * FROM ${ks}.${table} LIMIT 10`);
      assert.ok(rows.length > 0, `no rows in ${table}`);
    }
  } finally {
    await Deno.remove(a);
    await Deno.remove(b);
    await queryCassandra(plain, `DROP KEYSPACE IF EXISTS ${ks}`).catch(() => {});
  }
});

// Cassandra keeps surrogate columns for a COMPACT STORAGE table (a static compact table's
// `column1` and `value blob`, its columns as static; a dense table's `value` of type empty),
// which drivers hide: the inserts must write the table a driver shows, as cassandra-stress does.
Deno.test("real node: user: COMPACT STORAGE tables, static compact and dense", async () => {
  const ks = uniqueKeyspace("up");
  const tables = {
    flat: "CREATE TABLE flat (k int PRIMARY KEY, v text, w bigint) WITH COMPACT STORAGE",
    dense: "CREATE TABLE dense (k int, c int, PRIMARY KEY (k, c)) WITH COMPACT STORAGE",
  };
  const paths: string[] = [];
  try {
    await queryCassandra(
      plain,
      `CREATE KEYSPACE ${ks} WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}`,
    );
    for (const [table, definition] of Object.entries(tables)) {
      const path = await Deno.makeTempFile({ prefix: "stress_profile_", suffix: ".yaml" });
      paths.push(path);
      await Deno.writeTextFile(
        path,
        [
          `keyspace: ${ks}`,
          `table: ${table}`,
          "table_definition: |",
          `  ${definition}`,
          "queries:",
          "  one:",
          `    cql: SELECT * FROM ${table} WHERE k = ?`,
          "",
        ].join("\n"),
      );
      const args = ["user", `profile=${path}`, "ops(insert=3,one=1)", "n=200", "no-warmup"];
      const { code, out, err } = await runStress(plain, [...args, "-rate", "threads=2"]);
      assert.equal(code, 0, [...out, ...err].join("\n"));
      assert.match(out.find((l) => l.startsWith("Total errors")) ?? "", /:\s+0 \[/);
      const rows = await queryCassandra(plain, `SELECT * FROM ${ks}.${table} LIMIT 10`);
      assert.ok(rows.length > 0, `no rows in ${ks}.${table}`);
    }
  } finally {
    for (const path of paths) await Deno.remove(path);
    await queryCassandra(plain, `DROP KEYSPACE IF EXISTS ${ks}`).catch(() => {});
  }
});
