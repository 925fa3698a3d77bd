import assert from "node:assert/strict";
import { javaHashMapOrder } from "../../../lib/cql/profile/_java_text.ts";
import { formatProfileBlock } from "../../../lib/cql/profile/format_profile_block.ts";
import { parseProfile } from "../../../lib/cql/profile/parse_profile.ts";
import { readProfile } from "./_profiles.ts";

const HEADER = "\n******************** Profile ********************\n" +
  "******************** Profile(s) ********************\n";

Deno.test("formatProfileBlock() prints a profile as the fork's printSettings does", async () => {
  const p = await readProfile("timeseries.yaml");
  const expected = HEADER +
    "  Keyspace Name: metrics\n" +
    `  Keyspace CQL: \n***\n${p.keyspaceDefinition}***\n\n` +
    "  Table Name: readings\n" +
    `  Table CQL: \n***\n${p.tableDefinition}***\n\n` +
    "  Extra Schema Definitions: [CREATE INDEX IF NOT EXISTS readings_unit ON readings (unit)]\n" +
    "  Generator Configs:\n" +
    // Java's HashMap order: "at" hashes to bucket 3, "sensor" to 11, "day" to 13.
    "    at: Clustering: Uniform:  min=10,max=1000;\n" +
    "    sensor: Size: Fixed:  key=12;Identity: Uniform:  min=1,max=500;\n" +
    "    day: Identity: Uniform:  min=1,max=30;\n" +
    "  Query Definitions:\n" +
    "    latest: CQL:SELECT * FROM readings WHERE sensor = ? AND day = ? LIMIT 10;Fields:samerow;\n" +
    "    window: CQL:SELECT at, reading FROM readings WHERE sensor = ? AND day = ? AND at >= ? " +
    "AND at < ?;Fields:MultiRow;\n" +
    "  Token Range Queries:\n" +
    "  Insert Settings:\n" +
    "    partitions: uniform(1..5)\n" +
    "    select: uniform(1..10)/10\n" +
    "    batchtype: UNLOGGED\n";
  assert.equal(formatProfileBlock([p]), expected);
});

Deno.test("formatProfileBlock() prints null for what is not given, and every profile in order", async () => {
  const legacy = await readProfile("legacy.yaml");
  const scans = await readProfile("token_ranges.yaml");
  const block = formatProfileBlock([legacy, scans]);
  assert.ok(block.startsWith(
    HEADER +
      "  Keyspace Name: oldks\n  Keyspace CQL: \n***\nnull***\n\n" +
      "  Table Name: Users\n  Table CQL: \n***\nnull***\n\n" +
      "  Extra Schema Definitions: null\n  Generator Configs:\n  Query Definitions:\n" +
      '    byname: CQL:SELECT * FROM "Users" WHERE name = ?;Fields:null;\n',
  ));
  assert.ok(
    block.includes(
      "  Token Range Queries:\n  Keyspace Name: scanks\n",
    ),
    "no Insert Settings without an insert section",
  );
  assert.ok(block.endsWith(
    "  Token Range Queries:\n    all_columns: Columns:*;\n    NamesOnly: Columns:name, price;\n",
  ));
});

Deno.test("formatProfileBlock() prints distributions as Java does, and the fork's query levels", () => {
  const p = parseProfile(
    [
      "keyspace: ks",
      "table: t",
      "columnspec:",
      "  - {name: a, population: ~exp(1..10)}",
      "  - {name: a, cluster: seq(1..5)}",
      "insert: {row-population: fixed(1)/2, partitions: 1}",
      "queries:",
      "  q: {cql: SELECT 1, consistencyLevel: QUORUM, serialConsistencyLevel: LOCAL_SERIAL}",
    ].join("\n").replace("partitions: 1", "condition: IF v = 1"),
    "x.yaml",
  );
  const block = formatProfileBlock([p]);
  assert.ok(block.includes("  Generator Configs:\n    a: Clustering: Sequence:  start=1,end=5;\n"));
  assert.ok(block.includes(
    "    q: CQL:SELECT 1;Fields:null;consistencyLevel:QUORUM;serialConsistencyLevel:LOCAL_SERIAL;\n",
  ));
  assert.ok(
    block.endsWith("  Insert Settings:\n    row-population: fixed(1)/2\n    condition: IF v = 1\n"),
  );
  const first = parseProfile(
    "keyspace: ks\ntable: t\ncolumnspec:\n  - name: a\n    population: ~exp(1..10)\n" +
      "    size: gaussian(1..100,50,10)\nqueries: {}",
    "y.yaml",
  );
  // EXP's mean is (max - min) / -ln(sqrt(1 / (max - min))): 9 / ln(3) = 8.192...
  assert.ok(
    formatProfileBlock([first]).includes(
      "    a: Size: Gaussian:  min=1,max=100,mean=50.000000,stdev=10.000000;" +
        `Identity: Inverse: Exponential:  min=1,max=10,mean=${(9 / Math.log(3)).toFixed(6)};\n`,
    ),
  );
});

Deno.test("javaHashMapOrder() follows java.util.HashMap: by bucket, then insertion, with resizes", () => {
  // String.hashCode: "a" = 97 (bucket 1 of 16), "q" = 113 (bucket 1), "at" = 3123 (bucket 3),
  // "day" = 99228, spread 99228 ^ 1 = 99229 (bucket 13).
  assert.deepEqual(javaHashMapOrder(["day", "q", "at", "a"]), ["q", "a", "at", "day"]);
  assert.deepEqual(javaHashMapOrder(["q", "a", "q"]), ["q", "a"]);
  // 13 keys pass the 12-entry threshold: 32 buckets, where "p" (112) moves from 0 to 16.
  const letters = "abcdefghijkl".split("");
  assert.deepEqual(javaHashMapOrder(["p", ...letters.slice(0, 11)])[0], "p");
  assert.deepEqual(javaHashMapOrder(["p", ...letters]), [...letters, "p"]);
});
