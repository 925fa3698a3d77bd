// Paging a SELECT while the table changes between pages: each page resumes strictly after the last
// row of the one before (partition, then clustering), as Cassandra's pagers do, so every row that
// exists throughout the query comes exactly once, in the query's order.
import assert from "node:assert/strict";
import fc from "fast-check";
import { murmur3PartitionToken } from "../../lib/core/murmur3_token.ts";
import { bytesOf, type EngineFixture, engineFixture, intRows } from "./_engine_fixture.ts";

/** Pages through `cql`, calling `between` with the last row of each page before the next. */
function pageThrough(
  fixture: EngineFixture,
  cql: string,
  pageSize: number,
  between: (last: (number | null)[], page: number) => void = () => {},
): (number | null)[][] {
  const rows: (number | null)[][] = [];
  let pagingState: Uint8Array | null = null;
  for (let page = 0; page < 1000; page++) {
    const result = fixture.run(cql, { pageSize, pagingState, prepare: true });
    const got = intRows(result);
    rows.push(...got);
    pagingState = result.kind === "rows" ? result.pagingState : null;
    if (pagingState === null) return rows;
    if (got.length > 0) between(got[got.length - 1], page);
  }
  throw new Error(`${cql}: more than 1000 pages`);
}

function table(order: "ASC" | "DESC", partitions: number, rows: number): EngineFixture {
  const fixture = engineFixture();
  fixture.run(
    `CREATE TABLE pm (p int, c int, v int, PRIMARY KEY (p, c)) WITH CLUSTERING ORDER BY (c ${order})`,
  );
  for (let p = 0; p < partitions; p++) {
    for (let c = 0; c < rows; c++) fixture.run(`INSERT INTO pm (p, c, v) VALUES (${p}, ${c}, 0)`);
  }
  return fixture;
}

const text = (rows: (number | null)[][]) => rows.map(([p, c]) => `${p}/${c}`);

Deno.test("SELECT paging: deleting the last row of each page skips no row of the partition", () => {
  for (const order of ["ASC", "DESC"] as const) {
    const fixture = table(order, 3, 10);
    const rows = pageThrough(fixture, "SELECT p, c FROM pm WHERE p = 1", 4, ([p, c]) => {
      fixture.run(`DELETE FROM pm WHERE p = ${p} AND c = ${c}`);
    });
    const cs = Array.from({ length: 10 }, (_, i) => order === "ASC" ? i : 9 - i);
    assert.deepEqual(text(rows), cs.map((c) => `1/${c}`), order);
  }
});

Deno.test("SELECT paging: a row written before the resume point does not come twice", () => {
  for (const order of ["ASC", "DESC"] as const) {
    const fixture = table(order, 3, 10);
    const sorted = order === "ASC" ? -1 : 100;
    const rows = pageThrough(fixture, "SELECT p, c FROM pm WHERE p = 1", 4, ([p], page) => {
      fixture.run(`INSERT INTO pm (p, c, v) VALUES (${p}, ${sorted + page}, 1)`);
    });
    const cs = Array.from({ length: 10 }, (_, i) => order === "ASC" ? i : 9 - i);
    assert.deepEqual(text(rows), cs.map((c) => `1/${c}`), order);
  }
});

Deno.test("SELECT paging: a full scan loses no row when the last row or partition of a page goes", () => {
  const fixture = table("DESC", 10, 10);
  const whole = text(intRows(fixture.run("SELECT p, c FROM pm")));
  const rows = pageThrough(fixture, "SELECT p, c FROM pm", 7, ([p, c]) => {
    fixture.run(`DELETE FROM pm WHERE p = ${p} AND c = ${c}`);
  });
  assert.deepEqual(text(rows), whole);
  const again = table("ASC", 6, 10);
  const partitions = text(intRows(again.run("SELECT p, c FROM pm")));
  const kept = pageThrough(again, "SELECT p, c FROM pm", 4, ([p]) => {
    again.run(`DELETE FROM pm WHERE p = ${p}`);
  });
  // The rest of a partition deleted while it was being read never comes; the others all do.
  const seen = new Set(text(kept));
  assert.equal(seen.size, kept.length);
  for (const row of text(kept)) assert.ok(partitions.includes(row));
  assert.deepEqual([...new Set(text(kept).map((r) => r.split("/")[0]))].length, 6);
});

Deno.test("SELECT paging: LIMIT and PER PARTITION LIMIT hold across pages while rows change", () => {
  const fixture = table("ASC", 4, 10);
  const query = "SELECT p, c FROM pm PER PARTITION LIMIT 3 LIMIT 10";
  const whole = text(intRows(fixture.run(query)));
  assert.equal(whole.length, 10);
  // Rows written before the resume point, in the partition being read, never come.
  const limited = pageThrough(fixture, query, 2, ([p]) => {
    fixture.run(`INSERT INTO pm (p, c, v) VALUES (${p}, -5, 1)`);
  });
  assert.deepEqual(text(limited), whole);
  // DISTINCT: one row per partition, each partition once.
  const distinct = pageThrough(fixture, "SELECT DISTINCT p FROM pm", 1, ([p]) => {
    fixture.run(`INSERT INTO pm (p, c, v) VALUES (${p}, -9, 1)`);
  });
  assert.deepEqual(distinct.map(([p]) => p).sort(), [0, 1, 2, 3]);
});

Deno.test("SELECT paging: a table without clustering columns resumes after the last key", () => {
  const fixture = engineFixture();
  fixture.run("CREATE TABLE kv (k int PRIMARY KEY, v int)");
  for (let k = 0; k < 50; k++) fixture.run(`INSERT INTO kv (k, v) VALUES (${k}, ${k})`);
  const rows = pageThrough(fixture, "SELECT k FROM kv", 6, ([k]) => {
    fixture.run(`DELETE FROM kv WHERE k = ${k}`);
  });
  assert.deepEqual(rows.map(([k]) => k).sort((a, b) => a! - b!), [...Array(50).keys()]);
});

Deno.test("SELECT paging: a partition with only a static row comes once", () => {
  const fixture = engineFixture();
  fixture.run("CREATE TABLE st (p int, c int, s int static, PRIMARY KEY (p, c))");
  for (let p = 0; p < 6; p++) fixture.run(`INSERT INTO st (p, s) VALUES (${p}, ${p})`);
  fixture.run("INSERT INTO st (p, c, s) VALUES (2, 1, 2)");
  const rows = pageThrough(fixture, "SELECT p, c, s FROM st", 1);
  assert.deepEqual(rows.map(([p]) => p).sort(), [0, 1, 2, 3, 4, 5]);
});

/** A change made between two pages. */
type Change =
  | { kind: "delete" | "insert"; p: number; c: number }
  | { kind: "deletePartition"; p: number }
  | { kind: "deleteLast" };

const token = (p: number) => murmur3PartitionToken(bytesOf(p) as Uint8Array);

/** A query of the property: its text, which rows it selects and in what order. */
interface PagedQuery {
  cql: string;
  selects: (p: number, c: number) => boolean;
  /** Partitions in token order (a scan) or by value (named by `=`/IN). */
  byToken: boolean;
  /** The order of the rows of a partition: the table's, or descending (ORDER BY c DESC). */
  descending?: true;
}

const QUERIES: PagedQuery[] = [
  { cql: "SELECT p, c FROM t", selects: () => true, byToken: true },
  { cql: "SELECT p, c FROM t WHERE p = 2", selects: (p) => p === 2, byToken: false },
  {
    cql: "SELECT p, c FROM t WHERE p = 2 ORDER BY c DESC",
    selects: (p) => p === 2,
    byToken: false,
    descending: true,
  },
  {
    cql: "SELECT p, c FROM t WHERE p IN (4, 1, 3)",
    selects: (p) => [1, 3, 4].includes(p),
    byToken: false,
  },
  {
    cql: "SELECT p, c FROM t WHERE p IN (4, 1, 3) AND c >= 3 AND c < 15",
    selects: (p, c) => [1, 3, 4].includes(p) && c >= 3 && c < 15,
    byToken: false,
  },
  {
    cql:
      "SELECT p, c FROM t WHERE token(p) >= -4611686018427387904 AND token(p) < 4611686018427387904",
    selects: (p) => token(p) >= -4611686018427387904n && token(p) < 4611686018427387904n,
    byToken: true,
  },
];

Deno.test("SELECT paging: every row that exists throughout comes once, in order, whatever changes", () => {
  const change: fc.Arbitrary<Change> = fc.oneof(
    fc.record({
      kind: fc.constantFrom("delete" as const, "insert" as const),
      p: fc.integer({ min: 0, max: 5 }),
      c: fc.integer({ min: -3, max: 22 }),
    }),
    fc.record({ kind: fc.constant("deletePartition" as const), p: fc.integer({ min: 0, max: 5 }) }),
    fc.constant({ kind: "deleteLast" as const }),
  );
  fc.assert(
    fc.property(
      fc.constantFrom(...QUERIES),
      fc.boolean(),
      fc.uniqueArray(fc.tuple(fc.integer({ min: 0, max: 5 }), fc.integer({ min: 0, max: 19 })), {
        selector: ([p, c]) => `${p}/${c}`,
        maxLength: 60,
      }),
      fc.integer({ min: 1, max: 7 }),
      fc.array(change, { minLength: 1, maxLength: 30 }),
      (query, descending, initial, pageSize, changes) => {
        const fixture = engineFixture();
        const order = descending ? "DESC" : "ASC";
        fixture.run(
          `CREATE TABLE t (p int, c int, PRIMARY KEY (p, c)) WITH CLUSTERING ORDER BY (c ${order})`,
        );
        for (const [p, c] of initial) fixture.run(`INSERT INTO t (p, c) VALUES (${p}, ${c})`);
        const deleted = new Set<string>();
        const rows = pageThrough(fixture, query.cql, pageSize, ([lp, lc], page) => {
          const next = changes[page % changes.length];
          if (next.kind === "deletePartition") {
            fixture.run(`DELETE FROM t WHERE p = ${next.p}`);
            for (const [p, c] of initial) if (p === next.p) deleted.add(`${p}/${c}`);
            return;
          }
          const [p, c] = next.kind === "deleteLast" ? [lp, lc] : [next.p, next.c];
          const verb = next.kind === "insert"
            ? "INSERT INTO t (p, c) VALUES"
            : "DELETE FROM t WHERE";
          fixture.run(
            next.kind === "insert" ? `${verb} (${p}, ${c})` : `${verb} p = ${p} AND c = ${c}`,
          );
          if (next.kind !== "insert") deleted.add(`${p}/${c}`);
        });
        // In the query's order, strictly: no row twice, none out of place.
        const rank = (p: number, c: number): [bigint, number] => [
          query.byToken ? token(p) : BigInt(p),
          descending || query.descending ? -c : c,
        ];
        for (let i = 1; i < rows.length; i++) {
          const [a1, a2] = rank(rows[i - 1][0]!, rows[i - 1][1]!);
          const [b1, b2] = rank(rows[i][0]!, rows[i][1]!);
          assert.ok(a1 < b1 || (a1 === b1 && a2 < b2), `out of order: ${text(rows)}`);
        }
        const seen = new Set(text(rows));
        for (const [p, c] of initial) {
          const key = `${p}/${c}`;
          if (query.selects(p, c) && !deleted.has(key)) assert.ok(seen.has(key), `missing ${key}`);
        }
      },
    ),
    { numRuns: 300, seed: 20240611 },
  );
});
