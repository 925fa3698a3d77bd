// A profile whose `keyspace:` is written in mixed case (`MyKs`) runs as cassandra-stress runs it:
// `use MyKs` and the driver's metadata both fold an unquoted name to lower case, so the keyspace
// an unquoted `CREATE KEYSPACE MyKs` stored (`myks`) is the one used, read back and truncated;
// the output keeps the name as the profile writes it.
import assert from "node:assert/strict";
import { runAgainst } from "../../embedded/_cql_run.ts";
import { storedKeyspaceName } from "../../../lib/cql/user/user_statements.ts";

const PROFILE = [
  "keyspace: MyKs",
  "keyspace_definition: |",
  "  CREATE KEYSPACE MyKs WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}",
  "table: users",
  "table_definition: CREATE TABLE users (id int PRIMARY KEY, name text)",
  "queries:",
  "  byid: {cql: SELECT * FROM users WHERE id = ?, fields: samerow}",
].join("\n");

Deno.test("storedKeyspaceName(): unquoted names fold to lower case, quoted ones lose their quotes", () => {
  assert.equal(storedKeyspaceName("MyKs"), "myks");
  assert.equal(storedKeyspaceName("stress_KS_2"), "stress_ks_2");
  assert.equal(storedKeyspaceName("ks"), "ks");
  assert.equal(storedKeyspaceName('"MyKs"'), "MyKs");
  assert.equal(storedKeyspaceName('"a""b"'), 'a"b');
  assert.equal(storedKeyspaceName("my-ks"), "my-ks");
});

Deno.test("user: a mixed-case keyspace name is the keyspace an unquoted definition created", async () => {
  const path = await Deno.makeTempFile({ prefix: "stress_mixed_ks_", suffix: ".yaml" });
  try {
    await Deno.writeTextFile(path, PROFILE);
    const { code, out, err } = await runAgainst(null, [
      ...["user", `profile=${path}`, "ops(insert=1,byid=1)", "n=40", "truncate=once"],
      ...["-node", "embedded", "-rate", "threads=1", "-log", "interval=200ms"],
    ]);
    const text = [...out, ...err].join("\n");
    assert.equal(code, 0, text);
    assert.ok(out.includes("  Keyspace Name: MyKs"), text);
    assert.ok(out.includes("Truncated MyKs.users. Sleeping 1s for propagation."), text);
    assert.match(out.find((line) => line.startsWith("Total errors")) ?? "", /:\s+0 /, text);
  } finally {
    await Deno.remove(path);
  }
});
