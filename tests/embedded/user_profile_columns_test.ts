// `user` profiles against the embedded node: column types cassandra-stress has no generator for
// beyond maps (durations, tuples) and `columnspec` values its generators refuse.
import assert from "node:assert/strict";
import { queryNode, runAgainst, startNode } from "./_cql_run.ts";

const PROFILE = `keyspace: colks
keyspace_definition: |
  CREATE KEYSPACE colks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1};
table: t
table_definition: |
  CREATE TABLE t (k int, c int, v text, du duration, tu frozen<tuple<int, text>>,
    PRIMARY KEY (k, c))
columnspec:
  - name: c
    cluster: fixed(3)
insert:
  partitions: fixed(1)
  batchtype: UNLOGGED
queries: {}
`;

/** Writes `text` to a profile file in a fresh folder, runs `body`, removes the folder. */
async function withProfile(text: string, body: (profile: string) => Promise<void>) {
  const dir = await Deno.makeTempDir({ prefix: "stress_profile_columns_" });
  try {
    const profile = `${dir}/p.yaml`;
    await Deno.writeTextFile(profile, text);
    await body(profile);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("user -errors skip-unsupported-columns leaves duration and tuple columns out, with a warning each", async () => {
  const node = await startNode();
  try {
    await withProfile(PROFILE, async (profile) => {
      const run = await runAgainst(node, [
        "user",
        `profile=${profile}`,
        "ops(insert=1)",
        "n=20",
        "no-warmup",
        "-rate",
        "threads=1",
        "-errors",
        "skip-unsupported-columns",
      ]);
      assert.equal(run.code, 0, [...run.out, ...run.err].join("\n"));
      assert.deepEqual(run.err.filter((line) => line.startsWith("WARNING: Table")), [
        "WARNING: Table 't' has column 'du' of unsupported type",
        "WARNING: Table 't' has column 'tu' of unsupported type",
      ]);
      const rows = await queryNode(node, "SELECT k, v, du, tu FROM colks.t");
      assert.equal(rows.length, 60);
      assert.ok(rows.every((row) => row.v !== null && row.du === null && row.tu === null));
    });
  } finally {
    await node.close();
  }
});

Deno.test("user refuses a columnspec the generators refuse with one error line naming the profile", async () => {
  const node = await startNode();
  try {
    const cases: [string, string, RegExp][] = [
      [
        "cluster: fixed(3)",
        "cluster: uniform(0..3)",
        /"columnspec c cluster": "uniform\(0\.\.3\)"/,
      ],
      ["cluster: fixed(3)", "size: qextreme(3..9,2,4)", /"columnspec c size": "qextreme/],
    ];
    for (const [from, to, key] of cases) {
      const text = PROFILE.replace(", du duration, tu frozen<tuple<int, text>>", "")
        .replace(from, to);
      await withProfile(text, async (profile) => {
        const run = await runAgainst(node, [
          "user",
          `profile=${profile}`,
          "ops(insert=1)",
          "n=10",
          "-rate",
          "threads=1",
        ]);
        assert.equal(run.code, 2, [...run.out, ...run.err].join("\n"));
        assert.equal(run.err.length, 1, run.err.join("\n"));
        assert.ok(run.err[0].startsWith(`error: Cannot run profile "${profile}": `), run.err[0]);
        assert.match(run.err[0], key);
      });
    }
  } finally {
    await node.close();
  }
});

const MIXED_CASE = `keyspace: mixedks
keyspace_definition: |
  CREATE KEYSPACE mixedks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1};
table: t
table_definition: |
  CREATE TABLE t ("UserId" int, "Day" int, "At" int, v text, PRIMARY KEY (("UserId", "Day"), "At"))
columnspec:
  - name: At
    cluster: fixed(4)
insert:
  partitions: fixed(1)
queries: {}
token_range_queries:
  scan:
    columns: "*"
`;

Deno.test("user validate and token range queries quote mixed-case key columns", async () => {
  const node = await startNode();
  try {
    await withProfile(MIXED_CASE, async (profile) => {
      const pop = ["-pop", "seq=1..50", "contents=sorted", "-rate", "threads=1"];
      const user = ["user", `profile=${profile}`, "no-warmup"];
      const insert = await runAgainst(node, [...user, "ops(insert=1)", "n=50", ...pop]);
      assert.equal(insert.code, 0, [...insert.out, ...insert.err].join("\n"));
      for (const op of ["validate", "scan"]) {
        const run = await runAgainst(node, [...user, `ops(${op}=1)`, "n=100", ...pop]);
        const text = [...run.out, ...run.err].join("\n");
        assert.equal(run.code, 0, text);
        assert.match(run.out.find((line) => line.startsWith("Total errors"))!, /:\s+0 /, text);
        const rows = run.out.find((line) => line.startsWith("Row rate"))!;
        assert.doesNotMatch(rows, /:\s+0 row\/s/, text);
      }
    });
  } finally {
    await node.close();
  }
});
