// The token order of a table's partitions, and paging through token-ordered
// scans while the table changes.
import assert from "node:assert/strict";
import { murmur3PartitionToken } from "../../lib/core/murmur3_token.ts";
import { keyOf, TableStore } from "../../lib/cql_node/engine/table_store.ts";
import { withNode } from "./_driver_fixture.ts";

function store(): TableStore {
  return new TableStore({ clusteringCompare: [], clusteringDescending: [], cellCount: 1 });
}

function put(s: TableStore, key: Uint8Array): void {
  s.update(key, [], () => ({ marker: true, cells: [key] }));
}

function keyBytes(i: number): Uint8Array {
  return new TextEncoder().encode(`key${i}`);
}

function tokensOf(s: TableStore, ...args: Parameters<TableStore["partitionsByToken"]>): bigint[] {
  return [...s.partitionsByToken(...args)].map(([key]) => murmur3PartitionToken(key));
}

function isSorted(tokens: bigint[]): boolean {
  return tokens.every((t, i) => i === 0 || tokens[i - 1] <= t);
}

Deno.test("TableStore.partitionsByToken() lists each partition once, in token order, as the table changes", () => {
  const s = store();
  for (let i = 0; i < 500; i++) put(s, keyBytes(i));
  const first = tokensOf(s);
  assert.equal(first.length, 500);
  assert.ok(isSorted(first));
  // Written after the first scan: a small run, then (past 1024) merged into the large one.
  for (let i = 500; i < 3000; i++) {
    put(s, keyBytes(i));
    if (i % 400 === 0) assert.equal(tokensOf(s).length, i + 1);
  }
  for (let i = 0; i < 3000; i += 3) s.deletePartition(keyBytes(i));
  for (let i = 0; i < 300; i += 3) put(s, keyBytes(i)); // deleted and written again
  const tokens = tokensOf(s);
  assert.equal(tokens.length, 2000 + 100);
  assert.ok(isSorted(tokens));
  assert.equal(new Set([...s.partitionsByToken()].map(([key]) => keyOf(key))).size, tokens.length);
  s.truncate();
  assert.deepEqual(tokensOf(s), []);
  put(s, keyBytes(1));
  assert.deepEqual(tokensOf(s), [murmur3PartitionToken(keyBytes(1))]);
});

Deno.test("TableStore.partitionsByToken() keeps to its token range and resumes from a partition", () => {
  const s = store();
  for (let i = 0; i < 200; i++) put(s, keyBytes(i));
  const all = [...s.partitionsByToken()];
  const tokens = all.map(([key]) => murmur3PartitionToken(key));
  const halves = (t: bigint) => ({
    hi: Number(BigInt.asIntN(32, t >> 32n)),
    lo: Number(BigInt.asUintN(32, t)),
  });
  const [a, b] = [tokens[50], tokens[150]];
  assert.deepEqual(
    tokensOf(s, {
      lower: { ...halves(a), inclusive: false },
      upper: { ...halves(b), inclusive: true },
    }),
    tokens.slice(51, 151),
  );
  assert.deepEqual(
    tokensOf(s, { lower: { ...halves(a), inclusive: true } }),
    tokens.slice(50),
  );
  const [key] = all[120];
  assert.deepEqual(tokensOf(s, {}, { key, ...halves(tokens[120]) }), tokens.slice(120));
});

Deno.test("paging a token range query resumes where the page stopped, while rows are written", async () => {
  await withNode({ limitMs: 60000 }, async ({ client }) => {
    await client.execute(
      "CREATE KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}",
    );
    await client.execute(
      "CREATE TABLE ks.t (k1 text, k2 int, c int, v text, PRIMARY KEY ((k1, k2), c)) " +
        "WITH CLUSTERING ORDER BY (c DESC)",
    );
    const insert = "INSERT INTO ks.t (k1, k2, c, v) VALUES (?, ?, ?, ?)";
    for (let i = 0; i < 60; i++) {
      for (let c = 0; c < (i % 4) + 1; c++) {
        await client.execute(insert, [`p${i}`, i % 3, c, `v${i}`], { prepare: true });
      }
    }
    const query = "SELECT token(k1, k2), k1, k2, c FROM ks.t " +
      "WHERE token(k1, k2) > -9223372036854775808 AND token(k1, k2) <= 9223372036854775807";
    const whole = (await client.execute(query)).rows.map((r) => `${r.k1}/${r.k2}/${r.c}`);
    assert.equal(whole.length, 150);
    let written = 0;
    // Pages that end inside a partition, at its end, and anywhere between.
    for (const fetchSize of [1, 2, 3, 4, 5, 7, 11]) {
      const paged: string[] = [];
      let pageState: string | undefined;
      do {
        const result = await client.execute(query, [], { fetchSize, pageState });
        paged.push(...result.rows.map((r) => `${r.k1}/${r.k2}/${r.c}`));
        pageState = result.pageState ?? undefined;
        // A partition written between pages shifts no later page (the scan resumes by key).
        await client.execute(insert, [`new${written++}`, 0, 0, "x"], { prepare: true });
      } while (pageState !== undefined);
      const known = paged.filter((row) => !row.startsWith("new"));
      assert.deepEqual(known, whole, `pages of ${fetchSize}`);
    }
    const perPartition = await client.execute(
      "SELECT k1, k2, c FROM ks.t WHERE k1 = 'p3' AND k2 = 0 PER PARTITION LIMIT 2",
    );
    assert.deepEqual(perPartition.rows.map((r) => r.c), [3, 2]);
  });
});
