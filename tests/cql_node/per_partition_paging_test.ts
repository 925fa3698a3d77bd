// The plain rows (no GROUP BY) of a paged SELECT whose partitions are named by `=`/IN, with PER
// PARTITION LIMIT or DISTINCT: once the last named partition reached its limit, Cassandra's pager
// is exhausted and the page says no more follow. Every expected answer was observed on a one-node
// Cassandra 5.0.6 (`deno task cassandra`) given the same statements through the Python driver with
// that fetch size; the old embedded node said more may follow and answered one more, empty, page.
import assert from "node:assert/strict";
import { answerText, pages } from "./_answer_text.ts";
import { type EngineFixture, engineFixture } from "./_engine_fixture.ts";

function table(): EngineFixture {
  const f = engineFixture();
  f.run("CREATE TABLE t (k int, c int, d int, v int, PRIMARY KEY (k, c, d))");
  const rows = [[1, 1, 1], [1, 1, 2], [1, 2, 1], [1, 2, 2], [1, 3, 1], [2, 1, 1], [2, 1, 2]];
  rows.push([2, 2, 1], [3, 1, 1]);
  for (const [k, c, d] of rows) {
    f.run(`INSERT INTO t (k, c, d, v) VALUES (${k}, ${c}, ${d}, ${10 * c + d})`);
  }
  return f;
}

/** [statement, fetch size, pages]. */
type Case = [string, number, string[]];

function assertPages(f: EngineFixture, cases: Case[]): void {
  for (const [cql, pageSize, expected] of cases) {
    assert.deepEqual(pages(f, cql, pageSize), expected, `${cql} (fetch size ${pageSize})`);
    assert.deepEqual(pages(f, cql, pageSize, true), expected, `${cql} prepared`);
  }
}

const SELECT = "SELECT k, c, d FROM t WHERE";

Deno.test("compileSelect() ends the paging at the PER PARTITION LIMIT of the last partition", () => {
  assertPages(table(), [
    [`${SELECT} k = 1 PER PARTITION LIMIT 2`, 2, ["1, 1, 1 / 1, 1, 2"]],
    [`${SELECT} k = 1 PER PARTITION LIMIT 4`, 2, [
      "1, 1, 1 / 1, 1, 2 [more]",
      "1, 2, 1 / 1, 2, 2",
    ]],
    [`${SELECT} k = 1 PER PARTITION LIMIT 2 LIMIT 5`, 2, ["1, 1, 1 / 1, 1, 2"]],
    [`${SELECT} k = 1 AND c = 1 PER PARTITION LIMIT 2`, 2, ["1, 1, 1 / 1, 1, 2"]],
    [`${SELECT} k = 1 AND c IN (1, 2) PER PARTITION LIMIT 2`, 2, ["1, 1, 1 / 1, 1, 2"]],
    [`${SELECT} k = 1 AND v > 0 PER PARTITION LIMIT 2 ALLOW FILTERING`, 2, [
      "1, 1, 1 / 1, 1, 2",
    ]],
    [`${SELECT} k = 1 ORDER BY c DESC PER PARTITION LIMIT 2`, 2, ["1, 3, 1 / 1, 2, 2"]],
    // IN reads its partitions in key order: a page at the limit of an earlier one goes on.
    [`${SELECT} k IN (2, 1) PER PARTITION LIMIT 2`, 2, [
      "1, 1, 1 / 1, 1, 2 [more]",
      "2, 1, 1 / 2, 1, 2",
    ]],
    [`${SELECT} k IN (1, 2) PER PARTITION LIMIT 1`, 2, ["1, 1, 1 / 2, 1, 1"]],
    [`${SELECT} k IN (1, 2) PER PARTITION LIMIT 1`, 1, ["1, 1, 1 [more]", "2, 1, 1"]],
    [`${SELECT} k IN (1, 2) PER PARTITION LIMIT 3`, 3, [
      "1, 1, 1 / 1, 1, 2 / 1, 2, 1 [more]",
      "2, 1, 1 / 2, 1, 2 / 2, 2, 1",
    ]],
  ]);
});

Deno.test("compileSelect() ends the paging of a DISTINCT at the last partition named", () => {
  assertPages(table(), [
    ["SELECT DISTINCT k FROM t WHERE k = 1", 1, ["1"]],
    ["SELECT DISTINCT k FROM t WHERE k IN (1, 2)", 2, ["1 / 2"]],
    ["SELECT DISTINCT k FROM t WHERE k IN (1, 2)", 1, ["1 [more]", "2"]],
  ]);
});

Deno.test("compileSelect() pages on when the last partition named is not at its limit", () => {
  assertPages(table(), [
    // Partition 4 does not exist, so its pager is not exhausted.
    [`${SELECT} k IN (1, 2, 4) PER PARTITION LIMIT 1`, 2, ["1, 1, 1 / 2, 1, 1 [more]", ""]],
    ["SELECT DISTINCT k FROM t WHERE k IN (1, 2, 4)", 2, ["1 / 2 [more]", ""]],
    // Without PER PARTITION LIMIT, a full page says more may follow.
    [`${SELECT} k = 2`, 3, ["2, 1, 1 / 2, 1, 2 / 2, 2, 1 [more]", ""]],
    // A scan names no partition.
    ["SELECT k, c, d FROM t PER PARTITION LIMIT 2", 2, [
      "1, 1, 1 / 1, 1, 2 [more]",
      "2, 1, 1 / 2, 1, 2 [more]",
      "3, 1, 1",
    ]],
    ["SELECT DISTINCT k FROM t", 2, ["1 / 2 [more]", "3"]],
  ]);
});

Deno.test("compileSelect() ends the paging at a bound PER PARTITION LIMIT", () => {
  const f = table();
  const cql = "SELECT k, c, d FROM t WHERE k = ? PER PARTITION LIMIT ?";
  const result = f.run(cql, { values: [1, 2], pageSize: 2, prepare: true });
  assert.equal(answerText(result).rows, "1, 1, 1 / 1, 1, 2");
  assert.equal(result.kind === "rows" ? result.pagingState : "not rows", null);
});
