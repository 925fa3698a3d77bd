// `-errors skip-unsupported-columns` (ScyllaDB's cassandra-stress fork) against the embedded
// node: a table's map and nested-collection columns are left out of the inserts and the
// validating reads, with one warning each; without the option, or on a key column, the
// profile is refused.
import assert from "node:assert/strict";
import { queryNode, runAgainst, startNode } from "./_cql_run.ts";

const PROFILE = `keyspace: skipks
keyspace_definition: |
  CREATE KEYSPACE skipks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1};
table: t
table_definition: |
  CREATE TABLE t (k int, c int, v text, m map<text, int>, l list<frozen<list<int>>>,
    PRIMARY KEY (k, c))
columnspec:
  - name: c
    cluster: fixed(3)
insert:
  partitions: fixed(1)
queries:
  one:
    cql: SELECT * FROM t WHERE k = ?
`;

Deno.test("user -errors skip-unsupported-columns leaves maps and nested collections out, with a warning each", async () => {
  const dir = await Deno.makeTempDir({ prefix: "stress_skip_columns_" });
  const node = await startNode();
  try {
    const profile = `${dir}/skip.yaml`;
    await Deno.writeTextFile(profile, PROFILE);
    const user = ["user", `profile=${profile}`];
    const pop = ["-pop", "seq=1..50", "contents=sorted", "-rate", "threads=2"];
    const refused = await runAgainst(node, [...user, "ops(insert=1)", "n=50", ...pop]);
    assert.equal(refused.code, 2, refused.out.join("\n"));
    assert.match(refused.err.at(-1)!, /column "m" has type "map<text, int>"/);

    const skip = ["-errors", "skip-unsupported-columns"];
    const insert = await runAgainst(node, [
      ...user,
      "ops(insert=1)",
      "n=50",
      "no-warmup",
      ...pop,
      ...skip,
    ]);
    assert.equal(insert.code, 0, [...insert.out, ...insert.err].join("\n"));
    assert.deepEqual(insert.err.filter((line) => line.startsWith("WARNING: Table")), [
      "WARNING: Table 't' has column 'l' of unsupported type",
      "WARNING: Table 't' has column 'm' of unsupported type",
    ]);
    const rows = await queryNode(node, "SELECT k, v, m, l FROM skipks.t");
    assert.equal(rows.length, 150);
    assert.ok(rows.every((row) => row.v !== null && row.m === null && row.l === null));
    // The reads compare the columns written, not the skipped ones.
    const validate = await runAgainst(node, [...user, "ops(validate=1)", "n=50", ...pop, ...skip]);
    const text = [...validate.out, ...validate.err].join("\n");
    assert.equal(validate.code, 0, text);
    assert.match(validate.out.find((line) => line.startsWith("Total errors"))!, /:\s+0 /);

    // A key column of such a type cannot be left out.
    await Deno.writeTextFile(
      profile,
      PROFILE.replace("PRIMARY KEY (k, c)", "PRIMARY KEY (k, c, m)").replace(
        "m map<text, int>",
        "m frozen<map<text, int>>",
      ),
    );
    const key = await runAgainst(node, [...user, "ops(insert=1)", "n=50", ...pop, ...skip]);
    assert.equal(key.code, 2, key.out.join("\n"));
    assert.match(key.err.at(-1)!, /column "m" has type "frozen<map<text, int>>"/);
  } finally {
    await node.close();
    await Deno.remove(dir, { recursive: true });
  }
});
