// The user targets' queries (cassandra-driver's and the native one) against the embedded node:
// samerow and multirow queries (IN lists and tuple slices too) find the rows the inserts wrote
// and count them as cassandra-stress does (partitions min(1, rows), rows of the first page: a
// plain write 0/0, an LWT its [applied] row), a failed op carries what it counts, token range
// queries page over the ring, and connect() refuses what the target does not run.
import { opCountOf } from "../../../lib/engine/target.ts";
import { UsageError } from "../../../lib/errors.ts";
import assert from "node:assert/strict";
import { ProfilePartitionGenerator } from "../../../lib/cql/profile_data/profile_partition_generator.ts";
import type { UserOpSpec } from "../../../lib/cql/user/user_target_spec.ts";
import {
  fixed,
  hex,
  KV,
  KV_CQL,
  rowsOf,
  startNodeWith,
  tableSpec,
  targetSpec,
  uniform,
  userTargetTest,
  wireHex,
} from "./_user_target_fixture.ts";

const TS = tableSpec("ts", [
  { name: "id", type: "int", kind: "partition_key" },
  { name: "day", type: "int", kind: "clustering", population: uniform(1, 5), cluster: fixed(2) },
  { name: "at", type: "bigint", kind: "clustering", cluster: uniform(2, 4) },
  { name: "val", type: "blob", kind: "regular" },
]);
const TS_CQL =
  "CREATE TABLE ts (id int, day int, at bigint, val blob, PRIMARY KEY (id, day, at)) " +
  "WITH CLUSTERING ORDER BY (day ASC, at DESC)";

const SEEDS = Array.from({ length: 30 }, (_, i) => i + 1);

const query = (cql: string, fields: "samerow" | "multirow" = "samerow", table = 0): UserOpSpec => ({
  kind: "query",
  table,
  cql,
  fields,
  consistency: null,
  serialConsistency: null,
});

userTargetTest(
  "query: samerow and multirow find the inserted rows, with cassandra-stress's counts",
  async (Target) => {
    const { node, admin } = await startNodeWith([TS_CQL]);
    const ops: UserOpSpec[] = [
      { kind: "insert", table: 0 },
      query("SELECT * FROM ts WHERE id = ? AND day = ? AND at = ?"),
      query("SELECT * FROM ts WHERE id = ? AND day = ?"),
      query("SELECT * FROM ts WHERE id = ? AND day = ?", "multirow"),
      query('SELECT val FROM ts WHERE "id" = ? AND day = ? AND at = ?', "multirow"),
      query(
        "SELECT * FROM ts WHERE id = ? AND day = ? AND at = ? AND val = ? ALLOW FILTERING",
        "multirow",
      ),
      query("SELECT * FROM ts WHERE id = ? AND day = ? AND at >= ?"),
    ];
    const target = await Target.connect(targetSpec(node, [TS], ops));
    const generator = new ProfilePartitionGenerator(TS.data);
    try {
      let inserted = 0;
      for (const seed of SEEDS) inserted += (opCountOf(await target.op(0, seed))).rows;
      assert.equal((await rowsOf(admin, "ts")).length, inserted);
      let multiHits = 0;
      for (const seed of SEEDS) {
        const partition = generator.partition(seed);
        const perDay = partition.levels[1].length;
        assert.deepEqual(
          opCountOf(await target.op(1, seed)),
          { partitions: 1, rows: 1 },
          `seed ${seed}`,
        );
        assert.deepEqual(opCountOf(await target.op(2, seed)), { partitions: 1, rows: perDay });
        // Every day of the first rows has the same children, so multirow finds them all too.
        assert.deepEqual(opCountOf(await target.op(3, seed)), { partitions: 1, rows: perDay });
        // Any day of the first rows with any of their times is a stored row.
        assert.deepEqual(opCountOf(await target.op(4, seed)), { partitions: 1, rows: 1 });
        // But a value column from another row than the times is not: one row or none.
        const multi = opCountOf(await target.op(5, seed));
        assert.ok(multi.rows === 0 || multi.rows === 1, JSON.stringify(multi));
        assert.equal(multi.partitions, multi.rows);
        multiHits += multi.rows;
        const range = opCountOf(await target.op(6, seed));
        assert.ok(range.rows >= 1 && range.rows <= perDay, JSON.stringify(range));
        assert.equal(range.partitions, 1);
      }
      assert.ok(multiHits > 0 && multiHits < SEEDS.length, `multirow hits ${multiHits}`);
      // A seed never inserted: its partition is not there, and that is not an error.
      assert.deepEqual(opCountOf(await target.op(1, 10_000)), { partitions: 0, rows: 0 });
    } finally {
      await target.close();
      await admin.shutdown();
      await node.close();
    }
  },
);

userTargetTest(
  "query: a write query counts 0 partitions and 0 rows, and writes the generated row",
  async (Target) => {
    const { node, admin } = await startNodeWith([KV_CQL]);
    const ops = [
      query("UPDATE kv SET v = ? WHERE k = ?"),
      query("SELECT * FROM kv WHERE k = ?"),
      query("INSERT INTO kv (k, v) VALUES (?, ?)"),
    ];
    const target = await Target.connect(targetSpec(node, [KV], ops, false));
    const generator = new ProfilePartitionGenerator(KV.data);
    try {
      for (const seed of SEEDS) {
        assert.deepEqual(opCountOf(await target.op(0, seed)), { partitions: 0, rows: 0 });
        assert.deepEqual(opCountOf(await target.op(1, seed)), { partitions: 1, rows: 1 });
      }
      assert.deepEqual(opCountOf(await target.op(2, 1000)), { partitions: 0, rows: 0 });
      const rows = await rowsOf(admin, "kv");
      assert.equal(rows.length, SEEDS.length + 1);
      const stored = new Map(
        rows.map((r) => [wireHex(r.get("k"), "bigint"), wireHex(r.get("v"), "text")]),
      );
      for (const seed of [...SEEDS, 1000]) {
        const partition = generator.partition(seed);
        assert.equal(
          stored.get(hex(partition.key[0])),
          hex(partition.leafValues[0][0]),
          `seed ${seed}`,
        );
      }
    } finally {
      await target.close();
      await admin.shutdown();
      await node.close();
    }
  },
);

userTargetTest(
  "query: IN lists bind each marker from its column, tuple slices each element from its own",
  async (Target) => {
    const { node, admin } = await startNodeWith([TS_CQL]);
    const ops: UserOpSpec[] = [
      { kind: "insert", table: 0 },
      query("SELECT * FROM ts WHERE id = ?"),
      query("SELECT * FROM ts WHERE id IN (?, ?)"),
      query("SELECT * FROM ts WHERE id = ? AND day IN (?, ?) AND at IN (?)", "multirow"),
      query("SELECT * FROM ts WHERE id = ? AND (day, at) = (?, ?)"),
      query("SELECT * FROM ts WHERE id = ? AND (day, at) >= (?, ?)"),
      query("SELECT * FROM ts WHERE id = ? AND (day, at) > (?, ?) AND (day) <= (?)"),
    ];
    const target = await Target.connect(targetSpec(node, [TS], ops));
    const generator = new ProfilePartitionGenerator(TS.data);
    try {
      for (const seed of SEEDS) await target.op(0, seed);
      let sliced = 0;
      for (const seed of SEEDS) {
        const { rowCount } = generator.partition(seed);
        assert.deepEqual(opCountOf(await target.op(1, seed)), { partitions: 1, rows: rowCount });
        // Both markers are the partition's key: the partition once.
        assert.deepEqual(opCountOf(await target.op(2, seed)), { partitions: 1, rows: rowCount });
        // The first rows' days and one of their times: stored rows.
        const some = opCountOf(await target.op(3, seed));
        assert.ok(some.rows >= 1 && some.rows <= 2, `seed ${seed}: ${JSON.stringify(some)}`);
        assert.deepEqual(opCountOf(await target.op(4, seed)), { partitions: 1, rows: 1 });
        // From one stored row on, in the tuple's order: that row at least.
        const from = opCountOf(await target.op(5, seed));
        assert.ok(from.rows >= 1 && from.rows <= rowCount, `seed ${seed}: ${JSON.stringify(from)}`);
        const after = opCountOf(await target.op(6, seed));
        assert.ok(after.rows < from.rows, `seed ${seed}: ${after.rows} after, ${from.rows} from`);
        sliced += from.rows;
      }
      // Some slices start past a partition's first row.
      const total = SEEDS.reduce((sum, seed) => sum + generator.partition(seed).rowCount, 0);
      assert.ok(sliced < total, `${sliced} of ${total}`);
    } finally {
      await target.close();
      await admin.shutdown();
      await node.close();
    }
  },
);

userTargetTest(
  "query: an LWT counts its [applied] row, as cassandra-stress counts the rows of any result",
  async (Target) => {
    const { node, admin } = await startNodeWith([KV_CQL]);
    const ops = [
      query("UPDATE kv SET v = ? WHERE k = ? IF v = ?"),
      query("INSERT INTO kv (k, v) VALUES (?, ?) IF NOT EXISTS"),
      query("UPDATE kv SET v = ? WHERE k = ? IF EXISTS"),
      query("DELETE FROM kv WHERE k = ? IF EXISTS"),
      query("UPDATE kv SET v = ? WHERE k = ?"),
    ];
    const target = await Target.connect(targetSpec(node, [KV], ops));
    try {
      for (const kind of [0, 1, 1, 2, 0, 3, 3]) {
        // Applied or not, the answer is one row.
        assert.deepEqual(
          opCountOf(await target.op(kind, 1)),
          { partitions: 1, rows: 1 },
          `${kind}`,
        );
      }
      assert.deepEqual(opCountOf(await target.op(4, 1)), { partitions: 0, rows: 0 });
    } finally {
      await target.close();
      await admin.shutdown();
      await node.close();
    }
  },
);

userTargetTest(
  "a failed op carries its count: a query, a token range query or a validate nothing, an insert the partitions and rows it sent",
  async (Target) => {
    const { node, admin } = await startNodeWith([TS_CQL]);
    const table = { ...TS, insert: { ...TS.insert, partitions: fixed(3) } };
    const ops: UserOpSpec[] = [
      { kind: "insert", table: 0 },
      query("SELECT * FROM ts WHERE id = ?"),
      { kind: "token_range", table: 0, columns: "*", pageSize: 7, splitFactor: 1, wrap: true },
      { kind: "validate", table: 0, statements: [["SELECT * FROM ts WHERE id = ?"]] },
    ];
    const target = await Target.connect(targetSpec(node, [table], ops));
    const generator = new ProfilePartitionGenerator(TS.data);
    // The insert's further partitions, as the engine hands them out.
    const more = { seed: (i: number) => 100 + i };
    const failed = async (op: Promise<unknown>) => {
      const error = await op.then(() => null, (e: unknown) => e);
      assert.ok(error instanceof Error, `no failure: ${error}`);
      const cause = error.cause as Error;
      assert.equal(error.name, cause.name);
      assert.equal(error.message, cause.message);
      return (error as Error & { opCount: unknown }).opCount;
    };
    try {
      const rows = [1, 100, 101].reduce((sum, s) => sum + generator.partition(s).rowCount, 0);
      assert.deepEqual(opCountOf(await target.op(0, 1, more)), { partitions: 3, rows });
      node.setFaults({ errorRate: 1, errorKinds: ["server_error"] });
      assert.deepEqual(await failed(target.op(1, 1)), { partitions: 0, rows: 0 });
      // A token range query and a validate count nothing either (they counted 1 and 1).
      assert.deepEqual(await failed(target.op(2, 1)), { partitions: 0, rows: 0 });
      assert.deepEqual(await failed(target.op(3, 1)), { partitions: 0, rows: 0 });
      // cassandra-stress counts an insert before it sends it, failed or not.
      assert.deepEqual(await failed(target.op(0, 1, more)), { partitions: 3, rows });
    } finally {
      node.setFaults({ errorRate: 0 });
      await target.close();
      await admin.shutdown();
      await node.close();
    }
  },
);

userTargetTest(
  "token_range: pages over the ring, counts new tokens and rows, wraps around",
  async (Target) => {
    const { node, admin } = await startNodeWith([KV_CQL]);
    const ops: UserOpSpec[] = [
      { kind: "insert", table: 0 },
      { kind: "token_range", table: 0, columns: "*", pageSize: 7, splitFactor: 1, wrap: true },
      { kind: "token_range", table: 0, columns: "v", pageSize: 1000, splitFactor: 1, wrap: true },
    ];
    // split-factor=5 (a run's setting, so another target): five times the ranges, each page
    // within one of them, same rows in all.
    const splitOps: UserOpSpec[] = [
      { kind: "token_range", table: 0, columns: "v", pageSize: 1000, splitFactor: 5, wrap: true },
    ];
    const target = await Target.connect(targetSpec(node, [KV], ops));
    try {
      for (const seed of SEEDS) opCountOf(await target.op(0, seed));
      const totals: number[] = [];
      let rows = 0;
      for (let i = 0; i < 5000 && rows < 2 * SEEDS.length; i++) {
        const page = opCountOf(await target.op(1, 0));
        assert.ok(page.rows <= 7);
        assert.equal(page.partitions, page.rows); // one row per partition
        rows += page.rows;
        totals.push(rows);
      }
      // The first pass reads every row once, then the ranges start over.
      assert.ok(totals.includes(SEEDS.length), `totals ${totals.slice(0, 20)}`);
      assert.ok(totals.includes(2 * SEEDS.length));
      const pass = async (on: typeof target, kind: number) => {
        let read = 0;
        let pages = 0;
        for (; pages < 5000 && read < SEEDS.length; pages++) {
          read += (opCountOf(await on.op(kind, 0))).rows;
        }
        return { read, pages };
      };
      const whole = await pass(target, 2);
      assert.equal(whole.read, SEEDS.length);
      const splitTarget = await Target.connect(targetSpec(node, [KV], splitOps));
      const split = await pass(splitTarget, 0).finally(() => splitTarget.close());
      assert.equal(split.read, SEEDS.length);
      assert.ok(split.pages > whole.pages, `${split.pages} pages split, ${whole.pages} whole`);
    } finally {
      await target.close();
      await admin.shutdown();
      await node.close();
    }
  },
);

userTargetTest(
  "token_range without wrap: each Worker reads its share of the ranges once, then is not ready",
  async (Target) => {
    const { node, admin } = await startNodeWith([KV_CQL]);
    const ops: UserOpSpec[] = [
      { kind: "insert", table: 0 },
      // split-factor=6: six ranges, so that two Workers have three each.
      { kind: "token_range", table: 0, columns: "v", pageSize: 4, splitFactor: 6, wrap: false },
    ];
    const spec = targetSpec(node, [KV], ops);
    const targets = [
      await Target.connect(spec, { workerIndex: 0, workers: 2 }),
      await Target.connect(spec, { workerIndex: 1, workers: 2 }),
    ];
    try {
      for (const seed of SEEDS) await targets[0].op(0, seed);
      const read: number[] = [];
      for (const target of targets) {
        let rows = 0;
        for (let pages = 0; target.ready(1) && pages < 1000; pages++) {
          rows += (opCountOf(await target.op(1, 0))).rows;
        }
        assert.equal(target.ready(1), false);
        assert.equal(target.ready(0), true); // inserts are always ready
        read.push(rows);
      }
      // Between them the two Workers read every row once; each read some.
      assert.equal(read[0] + read[1], SEEDS.length, `rows read ${read}`);
      assert.ok(read[0] > 0 && read[1] > 0, `rows read ${read}`);
      // An op that still comes (raced the last range) reads nothing.
      assert.deepEqual(await targets[0].op(1, 0), { partitions: 0, rows: 0 });
    } finally {
      for (const target of targets) await target.close();
      await admin.shutdown();
      await node.close();
    }
  },
);

userTargetTest("connect() refuses markers it cannot bind and protocols below 3", async (Target) => {
  const { node, admin } = await startNodeWith([KV_CQL]);
  try {
    await assert.rejects(
      () => Target.connect({ ...targetSpec(node, [KV], []), protocolVersion: 2 }),
      /protocolVersion=2: user profiles need native protocol 3 or newer/,
    );
    for (
      const [cql, pattern] of [
        [
          "SELECT * FROM kv WHERE k = ? LIMIT ?",
          /marker 2 of "SELECT \* FROM kv WHERE k = \? LIMIT \?"/,
        ],
        ["SELECT * FROM kv WHERE token(k) > ?", /marker 1 of .*token\(k\) > \?.*follows no column/],
        ["SELECT * FROM kv WHERE k = ? AND w = ?", /column "w" is not a generated column/],
        ["SELECT * FROM kv WHERE k IN ?", /marker 1 of .*IN \?.*follows no column/],
      ] as const
    ) {
      await assert.rejects(
        () => Target.connect(targetSpec(node, [KV], [query(cql)])),
        (error: unknown) => error instanceof UsageError && pattern.test(error.message),
        cql,
      );
    }
  } finally {
    await admin.shutdown();
    await node.close();
  }
});
