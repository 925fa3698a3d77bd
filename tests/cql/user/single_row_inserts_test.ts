// The packed insert of single-row profile tables (SingleRowInserts) sends, op for op, the key and
// values insertValues gives for the same seed, and is used only where it applies.
import assert from "node:assert/strict";
import { Prng } from "../../../lib/core/prng.ts";
import { SingleRowInserts } from "../../../lib/cql/driver/_single_row_inserts.ts";
import { insertValues, userTableStates } from "../../../lib/cql/driver/_user_op_values.ts";
import {
  type BoundValue,
  type BoundValues,
  EncodedValues,
} from "../../../lib/cql/native/frame_buffer.ts";
import type { UserTableSpec, UserTargetSpec } from "../../../lib/cql/user/user_target_spec.ts";
import { fixed, hex, tableSpec, uniform } from "./_user_target_fixture.ts";

/** The states of one table with an insert op, drawing from `prng`. */
function stateOf(table: UserTableSpec, prng: Prng) {
  const spec = { ops: [{ kind: "insert", table: 0 }], tables: [table] } as const;
  return userTableStates(spec as unknown as UserTargetSpec, prng)[0];
}

/** The values as hex (null, "unset"); encoded [value]s are read back from their bytes. */
function hexes(values: BoundValues): (string | null)[] {
  const list: readonly BoundValue[] = values instanceof EncodedValues ? decoded(values) : values;
  return list.map((value) =>
    value instanceof Uint8Array ? hex(value) : value === null ? null : "unset"
  );
}

function decoded(values: EncodedValues): BoundValue[] {
  const out: BoundValue[] = [];
  let at = 0;
  for (let i = 0; i < values.count; i++) {
    const size = values.view.getInt32(at);
    assert.ok(size >= -1, `[value] ${i}: length ${size}`);
    at += 4;
    out.push(size < 0 ? null : values.bytes.slice(at, at + size));
    if (size > 0) at += size;
  }
  assert.equal(at, values.length, "the [value]s fill the encoded length");
  return out;
}

/** Sends every seed through both paths and compares what each would send. */
async function assertSameAsInsertValues(
  table: UserTableSpec,
  seeds: number,
  encoded = false,
): Promise<void> {
  const packedPrng = new Prng(1);
  const inserts = SingleRowInserts.of(stateOf(table, packedPrng));
  assert.notEqual(inserts, null);
  const referencePrng = new Prng(1);
  const reference = stateOf(table, referencePrng);
  // Some ops overlap, as in a run: lanes are reused only after their op settled.
  const pending: Promise<unknown>[] = [];
  for (let seed = 1; seed <= seeds; seed++) {
    const expected = insertValues(reference, seed, undefined, referencePrng);
    let sent: { key: (string | null)[]; values: (string | null)[] } | null = null;
    pending.push(inserts!.run(seed, packedPrng, async (key, values) => {
      assert.equal(values instanceof EncodedValues, encoded, "sent already encoded");
      sent = { key: hexes(key), values: hexes(values) };
      await new Promise((resolve) => setTimeout(resolve, seed % 3));
      // As the connection does once it no longer reads them: the lane serves the next op.
      if (values instanceof EncodedValues) values.onSettled?.(values);
    }));
    assert.deepEqual(
      sent,
      { key: hexes(expected.key), values: hexes(expected.params[0]) },
      `${seed}`,
    );
    if (pending.length === 8) await Promise.all(pending.splice(0));
  }
  await Promise.all(pending);
}

Deno.test("SingleRowInserts: the same key and values as insertValues, every type", async () => {
  await assertSameAsInsertValues(
    tableSpec("kv", [
      { name: "name", type: "text", kind: "partition_key", size: uniform(1, 40) },
      { name: "n", type: "int", kind: "regular" },
      { name: "body", type: "blob", kind: "regular", size: uniform(0, 300) },
      { name: "tags", type: "set<text>", kind: "regular", size: uniform(0, 5) },
      { name: "score", type: "double", kind: "regular" },
      { name: "at", type: "timeuuid", kind: "regular" },
      { name: "big", type: "varint", kind: "regular" },
    ]),
    400,
  );
});

Deno.test("SingleRowInserts: compound keys and a varying row-population ratio", async () => {
  const table = tableSpec("compound", [
    { name: "a", type: "bigint", kind: "partition_key", population: uniform(1, 50) },
    { name: "b", type: "uuid", kind: "partition_key" },
    { name: "v1", type: "text", kind: "regular" },
    { name: "v2", type: "list<int>", kind: "regular", size: fixed(3) },
    { name: "v3", type: "decimal", kind: "regular" },
  ]);
  const rowPopulationRatio = { distribution: uniform(1, 3), divisor: 3, source: "uniform(1..3)/3" };
  await assertSameAsInsertValues({ ...table, rowPopulationRatio }, 300);
});

Deno.test("SingleRowInserts: text and blob rows sent already encoded, NULLs included", async () => {
  const table = tableSpec("blobs", [
    { name: "k1", type: "blob", kind: "partition_key", size: uniform(1, 20) },
    { name: "k2", type: "text", kind: "partition_key", size: fixed(7) },
    { name: "v1", type: "text", kind: "regular", size: uniform(0, 300) },
    { name: "v2", type: "blob", kind: "regular", population: uniform(1, 30) },
    { name: "v3", type: "ascii", kind: "regular", size: fixed(34) },
  ]);
  const rowPopulationRatio = { distribution: uniform(1, 3), divisor: 3, source: "uniform(1..3)/3" };
  await assertSameAsInsertValues({ ...table, rowPopulationRatio }, 300, true);
});

Deno.test("SingleRowInserts.of(): only single-row partitions, one per op, one visit each", () => {
  const columns = [
    { name: "k", type: "int", kind: "partition_key" },
    { name: "v", type: "text", kind: "regular" },
  ] as const;
  const of = (table: UserTableSpec) => SingleRowInserts.of(stateOf(table, new Prng(1)));
  assert.notEqual(of(tableSpec("t", columns)), null);
  assert.notEqual(of(tableSpec("t", columns, { partitions: uniform(1, 1) })), null);
  assert.equal(of(tableSpec("t", columns, { partitions: uniform(1, 3) })), null);
  assert.equal(of(tableSpec("t", columns, { partitions: fixed(2) })), null);
  assert.equal(of(tableSpec("t", columns, { visits: fixed(4) })), null);
  const clustered = tableSpec("t", [...columns, { name: "c", type: "int", kind: "clustering" }]);
  assert.equal(of(clustered), null);
});
