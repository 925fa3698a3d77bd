// `token(pk) > token(v1, ...)`: the token function on literals and bind markers in a WHERE
// clause, as Apache Cassandra 5.0.6 answers it (rows, prepared metadata and refusals). Every
// expected answer was observed on a one-node Cassandra 5.0.6 (`deno task cassandra`) given the
// same statements through the Python driver; the old node answered "Unknown function token".
import assert from "node:assert/strict";
import {
  assertCqlError,
  type EngineFixture,
  engineFixture,
  intRows,
  INVALID,
} from "./_engine_fixture.ts";
import { answerText } from "./_answer_text.ts";
import { formatCqlType } from "../../lib/cql_node/values/cql_type.ts";

function tables(): EngineFixture {
  const f = engineFixture();
  f.run("CREATE TABLE a (k int, c int, v int, PRIMARY KEY (k, c))");
  for (const [k, c] of [[1, 1], [1, 2], [2, 1], [2, 2]]) {
    f.run(`INSERT INTO a (k, c, v) VALUES (${k}, ${c}, 1)`);
  }
  f.run("CREATE TABLE cp (a int, b text, c int, PRIMARY KEY ((a, b), c))");
  f.run("INSERT INTO cp (a, b, c) VALUES (1, 'x', 1)");
  f.run("INSERT INTO cp (a, b, c) VALUES (2, 'y', 1)");
  return f;
}

Deno.test("compileTokenValue() compares with the token of literal and bound keys", () => {
  const f = tables();
  // token(1) < token(2) < token(3): the rows of partition 2 only.
  const k2 = [[2, 1], [2, 2]];
  for (
    const cql of [
      "SELECT k, c FROM a WHERE token(k) > token(1)",
      "SELECT k, c FROM a WHERE token(k) >= token(2) AND token(k) <= token(3)",
      "SELECT k, c FROM a WHERE token(k) = token(2)",
      "SELECT k, c FROM a WHERE token(k) > token(1) AND token(k) < 0",
      "SELECT k, c FROM a WHERE token(k) > system.token(1)",
      "SELECT k, c FROM a WHERE token(k) > token(1) AND k = 2",
    ]
  ) assert.deepEqual(intRows(f.run(cql)), k2, cql);
  assert.deepEqual(
    intRows(f.run("SELECT k, c FROM a WHERE token(k) > token(?)", { values: [1], prepare: true })),
    k2,
  );
  assert.deepEqual(
    intRows(f.run("SELECT k, c FROM a WHERE token(k) > token(:x)", { values: [1] })),
    k2,
  );
  assert.deepEqual(answerText(f.run("SELECT max(v) FROM a WHERE token(k) > token(1)")), {
    columns: "system.max(v) int",
    rows: "1",
    warnings: [],
  });
  const composite = (op: string) =>
    answerText(f.run(`SELECT a, b FROM cp WHERE token(a, b) ${op} token(1, 'x')`)).rows;
  assert.equal(composite(">"), "2, 'y'");
  assert.equal(composite(">="), "1, 'x' / 2, 'y'");
});

Deno.test("compileTokenValue() names its markers arg0(system.token), ...", () => {
  const f = tables();
  const prepared = f.engine.prepare(
    "SELECT a, b FROM ks.cp WHERE token(a, b) > token(?, ?) AND token(a, b) < ?",
    {},
  );
  assert.deepEqual(
    prepared.binds.map((spec) => `${spec.name} ${formatCqlType(spec.type)}`),
    ["arg0(system.token) int", "arg1(system.token) text", "partition key token bigint"],
  );
});

Deno.test("compileTokenValue() refuses what Cassandra refuses", () => {
  const f = tables();
  const cases: [string, string][] = [
    [
      "SELECT k, c FROM a WHERE token(k) > token(1, 2)",
      "Invalid number of arguments in call to function system.token: 1 required but 2 provided",
    ],
    [
      "SELECT k, c FROM a WHERE token(k) > token()",
      "Invalid number of arguments in call to function system.token: 1 required but 0 provided",
    ],
    [
      "SELECT a, b FROM cp WHERE token(a, b) > token(1)",
      "Invalid number of arguments in call to function system.token: 2 required but 1 provided",
    ],
    [
      "SELECT k, c FROM a WHERE token(k) > token('a')",
      "Type error: 'a' cannot be passed as argument 0 of function system.token of type int",
    ],
    [
      "SELECT a, b FROM cp WHERE token(a, b) > token('x', 1)",
      "Type error: 'x' cannot be passed as argument 0 of function system.token of type int",
    ],
    ["SELECT k, c FROM a WHERE token(k) > token(null)", "Invalid null token value"],
    [
      "UPDATE a SET v = 1 WHERE token(k) > token(1) AND c = 1",
      "The token function cannot be used in WHERE clauses for UPDATE statements",
    ],
    [
      "DELETE FROM a WHERE token(k) > token(1)",
      "The token function cannot be used in WHERE clauses for DELETE statements",
    ],
  ];
  for (const [cql, message] of cases) assertCqlError(() => f.run(cql), INVALID, message);
  assertCqlError(
    () => f.run("SELECT k, c FROM a WHERE token(k) > token(?)", { values: [null], prepare: true }),
    INVALID,
    "Invalid null token value",
  );
});
