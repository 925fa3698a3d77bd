// userTargetOf(): the target of a `user` run built from a parsed profile, the table as the
// cluster's schema shows it and the resolved ops.
import assert from "node:assert/strict";
import { parseStressArgs } from "../../../lib/cql/options/parse_stress_args.ts";
import { parseProfile } from "../../../lib/cql/profile/parse_profile.ts";
import { resolveOps } from "../../../lib/cql/profile/resolve_ops.ts";
import type { TableLayout } from "../../../lib/cql/user/user_statements.ts";
import { userTargetOf } from "../../../lib/cql/user/user_target_of.ts";

const LAYOUT: TableLayout = {
  name: "t",
  columns: [
    { name: "k", type: "int", kind: "partition_key" },
    { name: "v", type: "text", kind: "regular" },
  ],
};

const CONNECTION = {
  client: "native",
  ring: null,
  replicationByKeyspace: {},
} as unknown as Parameters<typeof userTargetOf>[0];

/** The target of `ops(...)` over a profile of table t in keyspace `keyspace`. */
function targetOf(keyspace: string, insertYaml: string, ops: Record<string, number>) {
  const yaml =
    `keyspace: ${keyspace}\ntable: t\n${insertYaml}queries:\n  q: {cql: SELECT * FROM t}`;
  const profile = parseProfile(yaml, "t.yaml");
  const insert = parseStressArgs(["user", "profile=t.yaml", "ops(insert=1)"]).insert;
  return userTargetOf(CONNECTION, {
    profiles: [profile],
    layouts: [LAYOUT],
    ops: resolveOps(ops, [profile]),
    insert,
    order: "arbitrary",
    tokenRange: { splitFactor: 1, wrap: false },
  });
}

Deno.test("userTargetOf(): an inverted partitions distribution that can draw 0 is refused", () => {
  // `~uniform(0..3)` draws 3 - (uniform(0..3) - 0): 0 to 3, though Java's minValue() says 3.
  assert.throws(
    () => targetOf("ks", "insert:\n  partitions: ~uniform(0..3)\n", { insert: 1 }),
    { message: /insert\.partitions "~uniform\(0\.\.3\)" can draw 0 partitions per insert/ },
  );
  const fine = targetOf("ks", "insert:\n  partitions: ~uniform(1..3)\n", { insert: 1 });
  assert.equal(fine.tables[0].insert.partitions.source, "~uniform(1..3)");
  // A run that never inserts into the table is not refused for it.
  assert.equal(targetOf("ks", "insert:\n  partitions: ~uniform(0..3)\n", { q: 1 }).ops.length, 1);
});

Deno.test("userTargetOf(): the tables' keyspace is the one a mixed-case keyspace: names", () => {
  assert.equal(targetOf("MyKs", "", { insert: 1 }).tables[0].keyspace, "myks");
  assert.equal(targetOf(`'"MyKs"'`, "", { insert: 1 }).tables[0].keyspace, "MyKs");
});
