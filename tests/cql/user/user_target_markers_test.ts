// The private pieces of UserTarget: which column each marker of a profile statement stands for,
// the row at an index, and the rows an insert keeps for a select ratio.
import assert from "node:assert/strict";
import { markerColumns } from "../../../lib/cql/driver/_cql_markers.ts";
import { markerSources, rowAt, selectRows } from "../../../lib/cql/driver/_user_rows.ts";
import { Prng } from "../../../lib/core/prng.ts";
import { ProfilePartitionGenerator } from "../../../lib/cql/profile_data/profile_partition_generator.ts";
import { fixed, uniform } from "./_user_target_fixture.ts";
import { UsageError } from "../../../lib/errors.ts";

Deno.test("markerColumns(): comparisons, assignments, appends, quoted and named markers", () => {
  assert.deepEqual(
    markerColumns(
      'SELECT * FROM t WHERE k = ? AND "Day" >= ? AND at<? AND x <= ? AND y > ? AND z != ?',
    ),
    ["k", "Day", "at", "x", "y", "z"],
  );
  assert.deepEqual(markerColumns("UPDATE t SET s = s + ?, l = l - ?, v = ? WHERE K = ? IF v = ?"), [
    "s",
    "l",
    "v",
    "k",
    "v",
  ]);
  assert.deepEqual(markerColumns('select * from t where k = :k and c = :"C"'), ["k", "C"]);
  assert.deepEqual(markerColumns("SELECT * FROM t WHERE k = 'a ?' AND c = ? -- = ?\n"), ["c"]);
  assert.deepEqual(markerColumns('SELECT * FROM t WHERE "we""ird" = ? /* k = ? */'), ['we"ird']);
});

Deno.test("markerColumns(): INSERT maps VALUES to the column list; other markers get null", () => {
  assert.deepEqual(markerColumns('INSERT INTO t (k, "C", v) VALUES (?, ?, ?) USING TTL ?'), [
    "k",
    "C",
    "v",
    null,
  ]);
  assert.deepEqual(markerColumns("INSERT INTO t (k, v) VALUES (?, [?])"), ["k", null]);
  assert.deepEqual(markerColumns("SELECT * FROM t WHERE token(k) > ? LIMIT ?"), [null, null]);
  assert.deepEqual(markerColumns("UPDATE t SET a = b + ? WHERE k = ?"), [null, "k"]);
});

Deno.test("markerColumns(): each marker of an IN list is its column, as the server names it", () => {
  assert.deepEqual(markerColumns("SELECT * FROM t WHERE k IN (?, ?)"), ["k", "k"]);
  assert.deepEqual(markerColumns('SELECT * FROM t WHERE "K" in (?,?,?) AND c IN (?)'), [
    "K",
    "K",
    "K",
    "c",
  ]);
  assert.deepEqual(markerColumns("UPDATE t SET v = ? WHERE k IN (?, 3, ?) IF w IN (?, ?)"), [
    "v",
    "k",
    "k",
    "w",
    "w",
  ]);
  // `IN ?` binds a list (the variable `in(k)`), an element in a call or collection no column.
  assert.deepEqual(markerColumns("SELECT * FROM t WHERE k IN ?"), [null]);
  assert.deepEqual(markerColumns("SELECT * FROM t WHERE k IN (?, f(?), [?])"), ["k", null, null]);
  assert.deepEqual(markerColumns("SELECT * FROM t WHERE k IN (:a, :b)"), ["a", "b"]);
});

Deno.test("markerColumns(): each element of a tuple relation is the column it compares", () => {
  assert.deepEqual(markerColumns("SELECT * FROM t WHERE k = ? AND (a, b) >= (?, ?)"), [
    "k",
    "a",
    "b",
  ]);
  assert.deepEqual(
    markerColumns('SELECT * FROM t WHERE k = ? AND (a, "B") > (?, ?) AND (a, "B") <= (?, 4)'),
    ["k", "a", "B", "a"],
  );
  assert.deepEqual(markerColumns("SELECT * FROM t WHERE (a, b, c) = (?, ?, ?)"), ["a", "b", "c"]);
  // No column: a function's argument, a list IN of tuples, a whole tuple bound at once.
  assert.deepEqual(markerColumns("SELECT * FROM t WHERE token(k) > (?)"), [null]);
  assert.deepEqual(markerColumns("SELECT * FROM t WHERE (a, b) IN ((?, ?), (?, ?))"), [
    null,
    null,
    null,
    null,
  ]);
  assert.deepEqual(markerColumns("SELECT * FROM t WHERE (a, b) > ?"), [null]);
});

Deno.test("markerSources(): names are matched as stored; a missing one is refused", () => {
  const data = {
    partitionKey: [{ name: "k", type: "int" }],
    clustering: [{ name: "Day", type: "int" }],
    values: [{ name: "v", type: "text" }, { name: "w", type: "text" }],
  };
  assert.deepEqual(markerSources('UPDATE t SET w = ? WHERE k = ? AND "Day" = ?', data), [
    { role: "value", index: 1 },
    { role: "key", index: 0 },
    { role: "clustering", index: 0 },
  ]);
  assert.throws(
    () => markerSources("SELECT * FROM t WHERE k = ? AND Day = ?", data),
    (error: unknown) => error instanceof UsageError && /marker 2 .*"day"/.test(error.message),
  );
  assert.throws(
    () => markerSources("SELECT * FROM t WHERE k = ? LIMIT ?", data),
    (error: unknown) =>
      error instanceof UsageError && /marker 2 .*follows no column/.test(error.message),
  );
  assert.deepEqual(
    markerSources('SELECT * FROM t WHERE k IN (?, ?) AND ("Day") > (?) AND v IN (?)', data),
    [
      { role: "key", index: 0 },
      { role: "key", index: 0 },
      { role: "clustering", index: 0 },
      { role: "value", index: 0 },
    ],
  );
});

Deno.test("rowAt() gives the rows in the generator's order", () => {
  const generator = new ProfilePartitionGenerator({
    partitionKey: [{ name: "k", type: "int" }],
    clustering: [
      { name: "a", type: "int", cluster: fixed(3) },
      { name: "b", type: "bigint", cluster: uniform(2, 5) },
      { name: "c", type: "text", cluster: fixed(2) },
    ],
    values: [{ name: "v", type: "blob" }],
  });
  for (const seed of [1, 2, 3, 99]) {
    const partition = generator.partition(seed);
    const rows = [...generator.rows(partition)];
    assert.equal(rows.length, partition.rowCount);
    rows.forEach((row, i) => assert.deepEqual(rowAt(partition, i), row, `seed ${seed} row ${i}`));
  }
});

Deno.test("selectRows(): the ratio's share of rows, the last one when none, a single row always", () => {
  const rows = Array.from({ length: 10_000 }, (_, i) => ({
    clustering: [new Uint8Array([i & 255])],
    values: [],
  }));
  const kept = selectRows(rows, 0.25, new Prng(3)).length;
  assert.ok(kept > 2300 && kept < 2700, `${kept}`);
  assert.deepEqual(selectRows(rows.slice(0, 5), 0, new Prng(1)), [rows[4]]);
  assert.deepEqual(selectRows(rows.slice(0, 1), 0, new Prng(1)), [rows[0]]);
  assert.deepEqual(selectRows([], 0.5, new Prng(1)), []);
  assert.equal(selectRows(rows, 1, new Prng(1)).length, rows.length);
});
