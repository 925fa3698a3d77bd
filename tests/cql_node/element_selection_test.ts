// Element and slice selection of maps and sets, and `m['k'] = v` in a WHERE clause, as Apache
// Cassandra 5.0.6 answers them: the values, the result columns' names (the selector's text, each
// marker `?`) and types, the markers' names and types, and the refusals. Every expected answer was
// observed on a one-node Cassandra 5.0.6 (`deno task cassandra`) given the same statements through
// the Python driver; the old embedded node refused every one of them.
import assert from "node:assert/strict";
import { formatCqlType } from "../../lib/cql_node/values/cql_type.ts";
import { answerText } from "./_answer_text.ts";
import {
  assertCqlError,
  type EngineFixture,
  engineFixture,
  INVALID,
  type Value,
} from "./_engine_fixture.ts";

function table(): EngineFixture {
  const f = engineFixture();
  f.run(
    "CREATE TABLE col (k int PRIMARY KEY, m map<text, int>, fm frozen<map<text, int>>, " +
      "l list<int>, s set<int>, fs frozen<set<int>>, fl frozen<list<int>>, im map<int, text>, v int)",
  );
  f.run(
    "INSERT INTO col (k, m, fm, l, s, fs, fl, im) VALUES (1, {'a': 1, 'b': 2, 'c': 3, 'd': 4}, " +
      "{'a': 1, 'b': 2}, [10, 20, 30], {3, 5, 7}, {3, 5}, [1, 2], {1: 'x', 2: 'y', 5: 'z'})",
  );
  f.run("INSERT INTO col (k, m, l) VALUES (2, {'b': 5}, [1])");
  f.run("INSERT INTO col (k) VALUES (3)");
  return f;
}

/** [statement, `name type, ...`, rows as `value, ...` joined by ` / `, warnings?]. */
type Case = [string, string, string, string[]?];

function assertAnswers(f: EngineFixture, cases: Case[], values?: Value[]): void {
  for (const [cql, columns, rows, warnings = []] of cases) {
    const result = f.run(cql, values === undefined ? {} : { values, prepare: true });
    assert.deepEqual(answerText(result), { columns, rows, warnings }, cql);
  }
}

Deno.test("compileElementSelector() selects an element of a map or a set", () => {
  assertAnswers(table(), [
    ["SELECT m['a'] FROM col WHERE k = 1", "m['a'] int", "1"],
    ["SELECT m['zz'] FROM col WHERE k = 1", "m['zz'] int", "null"],
    ["SELECT m['a'] FROM col WHERE k = 3", "m['a'] int", "null"],
    ["SELECT fm['a'] FROM col WHERE k = 1", "fm['a'] int", "1"],
    ["SELECT s[3] FROM col WHERE k = 1", "s[3] int", "3"],
    ["SELECT s[4] FROM col WHERE k = 1", "s[4] int", "null"],
    ["SELECT fs[3] FROM col WHERE k = 1", "fs[3] int", "3"],
    ["SELECT im[2] FROM col WHERE k = 1", "im[2] text", "'y'"],
    ["SELECT m['a'] AS x, m['a'] FROM col WHERE k = 1", "x int, m['a'] int", "1, 1"],
    [
      "SELECT k, m['a'], m['b'] AS bb FROM col WHERE k IN (1, 2, 3)",
      "k int, m['a'] int, bb int",
      "1, 1, 2 / 2, null, 5 / 3, null, null",
    ],
  ]);
});

Deno.test("compileElementSelector() selects a slice of a map or a set, bounds included", () => {
  assertAnswers(table(), [
    [
      "SELECT m['a'..'c'] FROM col WHERE k = 1",
      "m['a'..'c'] map<text, int>",
      "{'a': 1, 'b': 2, 'c': 3}",
    ],
    ["SELECT m['b'..] FROM col WHERE k = 1", "m['b'..] map<text, int>", "{'b': 2, 'c': 3, 'd': 4}"],
    ["SELECT m[..'b'] FROM col WHERE k = 1", "m[..'b'] map<text, int>", "{'a': 1, 'b': 2}"],
    ["SELECT m['x'..'z'] FROM col WHERE k = 1", "m['x'..'z'] map<text, int>", "null"],
    ["SELECT m['c'..'a'] FROM col WHERE k = 1", "m['c'..'a'] map<text, int>", "null"],
    ["SELECT m['a'..'c'] FROM col WHERE k = 3", "m['a'..'c'] map<text, int>", "null"],
    // A frozen collection's slice is not frozen.
    ["SELECT fm['a'..'b'] FROM col WHERE k = 1", "fm['a'..'b'] map<text, int>", "{'a': 1, 'b': 2}"],
    ["SELECT s[3..5] FROM col WHERE k = 1", "s[3..5] set<int>", "{3, 5}"],
    ["SELECT s[6..9] FROM col WHERE k = 1", "s[6..9] set<int>", "{7}"],
    ["SELECT im[2..5] FROM col WHERE k = 1", "im[2..5] map<int, text>", "{2: 'y', 5: 'z'}"],
  ]);
});

Deno.test("compileElementSelector() takes bound keys and bounds", () => {
  const f = table();
  assertAnswers(f, [["SELECT m[?] FROM col WHERE k = 1", "m[?] int", "2"]], ["b"]);
  assertAnswers(f, [["SELECT m[:key] FROM col WHERE k = 1", "m[?] int", "1"]], ["a"]);
  assertAnswers(f, [["SELECT s[?] FROM col WHERE k = 1", "s[?] int", "3"]], [3]);
  const slice = "SELECT m[?..?] FROM col WHERE k = 1";
  assertAnswers(f, [[slice, "m[?..?] map<text, int>", "{'a': 1, 'b': 2, 'c': 3}"]], ["a", "c"]);
  // An unset bound leaves that side open.
  assertAnswers(f, [[slice, "m[?..?] map<text, int>", "{'a': 1, 'b': 2, 'c': 3}"]], [
    undefined,
    "c",
  ]);
  const binds = (cql: string) =>
    f.engine.prepare(cql, {}).binds.map((bind) => `${bind.name} ${formatCqlType(bind.type)}`);
  assert.deepEqual(binds("SELECT m[?] FROM ks.col WHERE k = 1"), ["key(m) text"]);
  assert.deepEqual(binds("SELECT m[?..?] FROM ks.col"), ["key(m) text", "key(m) text"]);
  assert.deepEqual(binds("SELECT s[?] FROM ks.col"), ["value(s) int"]);
  assert.deepEqual(binds("SELECT m[:key] FROM ks.col"), ["key text"]);
  const refused = (cql: string, values: Value[], message: string) =>
    assertCqlError(() => f.run(cql, { values, prepare: true }), INVALID, message);
  refused(
    "SELECT m[?] FROM col WHERE k = 1",
    [null],
    "Invalid null value for element selection on m",
  );
  refused(
    "SELECT m[?] FROM col WHERE k = 1",
    [undefined],
    "Invalid unset value for element selection on m",
  );
  refused(slice, [null, "c"], "Invalid null value for slice selection on m");
});

Deno.test("compileElementSelector() refuses lists and other columns as Cassandra does", () => {
  const f = table();
  const cases: [string, string][] = [
    [
      "SELECT l[0] FROM col WHERE k = 1",
      "Element selection is only allowed on sets and maps, but l is a list",
    ],
    [
      "SELECT fl[0] FROM col WHERE k = 1",
      "Element selection is only allowed on sets and maps, but fl is a list",
    ],
    [
      "SELECT l[0..1] FROM col WHERE k = 1",
      "Slice selection is only allowed on sets and maps, but l is a list",
    ],
    [
      "SELECT l[..1] FROM col WHERE k = 1",
      "Slice selection is only allowed on sets and maps, but l is a list",
    ],
    [
      "SELECT v['a'] FROM col WHERE k = 1",
      "Invalid element selection: v is of type int is not a collection",
    ],
    ["SELECT m[1] FROM col WHERE k = 1", 'Invalid INTEGER constant (1) for "key(m)" of type text'],
    [
      "SELECT DISTINCT m['a'] FROM col",
      "SELECT DISTINCT queries must only request partition key columns and/or static columns (not m)",
    ],
  ];
  for (const [cql, message] of cases) assertCqlError(() => f.run(cql), INVALID, message);
});

Deno.test("compileWhere() filters rows by a map entry with ALLOW FILTERING", () => {
  const f = table();
  assertAnswers(f, [
    ["SELECT k FROM col WHERE m['a'] = 1 ALLOW FILTERING", "k int", "1"],
    ["SELECT k FROM col WHERE k = 1 AND m['a'] = 1 ALLOW FILTERING", "k int", "1"],
    ["SELECT k FROM col WHERE m['a'] = 1 AND m['b'] = 2 ALLOW FILTERING", "k int", "1"],
    ["SELECT k FROM col WHERE m['b'] = 5 AND m['b'] = 2 ALLOW FILTERING", "k int", ""],
    ["SELECT k FROM col WHERE im[2] = 'y' ALLOW FILTERING", "k int", "1"],
    ["SELECT k FROM col WHERE m CONTAINS KEY 'a' AND m['a'] = 1 ALLOW FILTERING", "k int", "1"],
  ]);
  assertAnswers(f, [["SELECT k FROM col WHERE m[?] = ? ALLOW FILTERING", "k int", "2"]], ["b", 5]);
  const binds = f.engine.prepare("SELECT k FROM ks.col WHERE m[?] = ? ALLOW FILTERING", {}).binds;
  assert.deepEqual(binds.map((bind) => `${bind.name} ${formatCqlType(bind.type)}`), [
    "key(m) text",
    "value(m) int",
  ]);
});

Deno.test("compileWhere() refuses map entries as Cassandra does", () => {
  const f = table();
  const NEEDS_AF = "Cannot execute this query as it might involve data filtering and thus may " +
    "have unpredictable performance. If you want to execute this query despite the performance " +
    "unpredictability, use ALLOW FILTERING";
  const cases: [string, string][] = [
    ["SELECT k FROM col WHERE m['a'] = 1", NEEDS_AF],
    ["SELECT k FROM col WHERE k = 1 AND m['a'] = 1", NEEDS_AF],
    [
      "SELECT k FROM col WHERE m['b'] > 1 ALLOW FILTERING",
      "Only EQ relations are supported on map entries",
    ],
    [
      "SELECT k FROM col WHERE fm['a'] = 1 ALLOW FILTERING",
      "Map-entry equality predicates on frozen map column fm are not supported",
    ],
    [
      "SELECT k FROM col WHERE l[0] = 10 ALLOW FILTERING",
      "Indexes on list entries (l[index] = value) are not currently supported.",
    ],
    ["SELECT k FROM col WHERE s[3] = 3 ALLOW FILTERING", "Column s cannot be used as a map"],
    ["SELECT k FROM col WHERE k['a'] = 1 ALLOW FILTERING", "Column k cannot be used as a map"],
    [
      "SELECT k FROM col WHERE x['a'] = 1 ALLOW FILTERING",
      "Undefined column name x in table ks.col",
    ],
    [
      "SELECT k FROM col WHERE m[1] = 1 ALLOW FILTERING",
      'Invalid INTEGER constant (1) for "key(m)" of type text',
    ],
    [
      "SELECT k FROM col WHERE m[null] = 1 ALLOW FILTERING",
      "Unsupported null map key for column m",
    ],
    [
      "SELECT k FROM col WHERE m['a'] = null ALLOW FILTERING",
      "Unsupported null map value for column m",
    ],
  ];
  for (const [cql, message] of cases) assertCqlError(() => f.run(cql), INVALID, message);
  const cql = "SELECT k FROM col WHERE m[?] = ? ALLOW FILTERING";
  const refused = (values: Value[], message: string) =>
    assertCqlError(() => f.run(cql, { values, prepare: true }), INVALID, message);
  refused([null, 1], "Unsupported null map key for column m");
  refused(["a", null], "Unsupported null map value for column m");
  refused([undefined, 1], "Unsupported unset map key for column m");
  refused(["a", undefined], "Unsupported unset map value for column m");
  assertCqlError(
    () => f.run("SELECT k FROM ks.col WHERE m['a'] IN (1, 2) ALLOW FILTERING"),
    0x2000,
    "line 1:34 no viable alternative at input 'IN' (....col WHERE m['a'] [IN]...)",
  );
});
