import assert from "node:assert/strict";
import { Prng } from "../../../lib/core/prng.ts";
import { InsertVisits } from "../../../lib/cql/user/insert_visits.ts";
import type { DistributionSpec } from "../../../lib/units/distribution_spec.ts";

const fixed = (value: number): DistributionSpec => ({
  kind: "fixed",
  value,
  inverted: false,
  source: `fixed(${value})`,
});
const uniform = (min: number, max: number): DistributionSpec => ({
  kind: "uniform",
  min,
  max,
  inverted: false,
  source: `uniform(${min}..${max})`,
});

Deno.test("InsertVisits writes each partition in `visits` shares, every row exactly once", () => {
  const rowsOf = (seed: number) => 5 + (seed % 7); // 5..11 rows
  const visits = new InsertVisits(fixed(3), uniform(1, 4), new Prng(9));
  const written = new Map<number, number[]>();
  for (let seed = 1; seed <= 2000; seed++) {
    const visit = visits.next(seed, rowsOf);
    const rows = written.get(visit.seed) ?? [];
    // Each visit continues where the last one stopped.
    assert.equal(visit.from, rows.length, `seed ${visit.seed}`);
    assert.ok(visit.to > visit.from && visit.to <= rowsOf(visit.seed));
    for (let i = visit.from; i < visit.to; i++) rows.push(i);
    written.set(visit.seed, rows);
    const progress = visits.writtenRows(visit.seed);
    assert.equal(progress, visit.to === rowsOf(visit.seed) ? null : visit.to);
  }
  // At most 4 partitions are in progress at once (revisit's range), so almost all finished.
  const partial = [...written].filter(([seed, rows]) => rows.length < rowsOf(seed));
  assert.ok(partial.length <= 4, `${partial.length} partitions left partial`);
  // Three visits each: a share is rows / 3 (one row at least), the last visit takes the rest.
  const finished = [...written].filter(([seed, rows]) => rows.length === rowsOf(seed));
  assert.ok(finished.length > 400, `${finished.length} finished`);
});

Deno.test("InsertVisits with visits=fixed(1) writes whole partitions from the run's seeds", () => {
  const visits = new InsertVisits(fixed(1), uniform(1, 1_000_000), new Prng(1));
  for (let seed = 1; seed <= 100; seed++) {
    assert.deepEqual(visits.next(seed, () => 6), { seed, from: 0, to: 6 });
    assert.equal(visits.writtenRows(seed), null);
  }
});

Deno.test("InsertVisits continues a partition in progress when the run's seed comes round again", () => {
  // revisit=uniform(1..1M): with two partitions in progress, an index into them is a 2 in a
  // million draw (this seed's draws miss), so each insert begins or continues the run's seed.
  const visits = new InsertVisits(fixed(4), uniform(1, 1_000_000), new Prng(3));
  assert.deepEqual(visits.next(5, () => 8), { seed: 5, from: 0, to: 2 });
  assert.deepEqual(visits.next(6, () => 8), { seed: 6, from: 0, to: 2 });
  assert.deepEqual(visits.next(5, () => 8), { seed: 5, from: 2, to: 4 });
  assert.equal(visits.writtenRows(5), 4);
});
