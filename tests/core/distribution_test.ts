import assert from "node:assert/strict";
import fc from "fast-check";
import type { DistributionSpec } from "../../lib/units/distribution_spec.ts";
import { createDistribution, type Distribution } from "../../lib/core/distribution.ts";
import { Prng } from "../../lib/core/prng.ts";
import { OptionError } from "../../lib/errors.ts";

const FC_SEED = 4711;

function spec(fields: Record<string, unknown>, inverted = false): DistributionSpec {
  return { inverted, source: `${fields.kind}(test)`, ...fields } as DistributionSpec;
}

function create(
  fields: Record<string, unknown>,
  options: { inverted?: boolean; seed?: number } = {},
) {
  return createDistribution(spec(fields, options.inverted ?? false), new Prng(options.seed ?? 1));
}

function sample(dist: Distribution, count: number): number[] {
  return Array.from({ length: count }, () => dist.next());
}

/** Asserts that the fraction of samples at or below inverseCumProb(p) is p, within `tolerance`. */
function assertSamplesFollowInverse(dist: Distribution, tolerance: number): void {
  const values = sample(dist, 20_000);
  for (const p of [0.1, 0.25, 0.5, 0.75, 0.9]) {
    const at = dist.inverseCumProb(p);
    const fraction = values.filter((v) => v <= at).length / values.length;
    assert.ok(Math.abs(fraction - p) < tolerance, `p=${p}: value ${at} has fraction ${fraction}`);
  }
}

const GAUSSIAN = { kind: "gaussian", min: 1, max: 1_000_000, mean: 500_000.5, stdev: 999_999 / 6 };
const EXP = { kind: "exp", min: 1, max: 1_000_000 };
const EXTREME = { kind: "extreme", min: 1, max: 1_000_000, shape: 1.5 };

Deno.test("createDistribution() fixed always returns its value", () => {
  const dist = create({ kind: "fixed", value: 34 });
  assert.deepEqual(sample(dist, 5), [34, 34, 34, 34, 34]);
  assert.equal(dist.inverseCumProb(0.3), 34);
  assert.equal(dist.minValue, 34);
  assert.equal(dist.maxValue, 34);
});

Deno.test("createDistribution() uniform hits every value in range about equally", () => {
  const dist = create({ kind: "uniform", min: 1, max: 10 });
  const counts = new Map<number, number>();
  for (const value of sample(dist, 20_000)) counts.set(value, (counts.get(value) ?? 0) + 1);
  assert.deepEqual([...counts.keys()].sort((a, b) => a - b), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  for (const count of counts.values()) assert.ok(Math.abs(count - 2000) < 200, `${count}`);
  // cassandra-stress: uniform over [min, max + 1), truncated, clamped.
  assert.equal(dist.inverseCumProb(0), 1);
  assert.equal(dist.inverseCumProb(0.5), 6);
  assert.equal(dist.inverseCumProb(1), 10);
});

Deno.test("createDistribution() gaussian is centred, clamped and truncated like a Java long", () => {
  const dist = create(GAUSSIAN);
  assert.equal(dist.inverseCumProb(0.5), 500_000); // (long) 500000.5
  assert.equal(dist.inverseCumProb(0.1), 286_408);
  assert.equal(dist.inverseCumProb(0), 1);
  assert.equal(dist.inverseCumProb(1), 1_000_000);
  assertSamplesFollowInverse(dist, 0.02);
  const narrow = create({ kind: "gaussian", min: 1, max: 10, mean: 5.5, stdev: 100 });
  const values = sample(narrow, 2000);
  assert.ok(values.every((v) => v >= 1 && v <= 10));
  assert.ok(values.filter((v) => v === 1).length > 500, "a wide gaussian piles up at the bounds");
});

Deno.test("createDistribution() exp uses cassandra-stress's mean and offsets from min", () => {
  const dist = create(EXP);
  // mean = (max - min) / -ln(sqrt(1 / (max - min))); value = min + (long) (-mean ln(1 - p)).
  const mean = 999_999 / -Math.log(Math.sqrt(1 / 999_999));
  assert.equal(dist.inverseCumProb(0.5), 1 + Math.trunc(mean * Math.LN2));
  assert.equal(dist.inverseCumProb(0), 1);
  assert.equal(dist.inverseCumProb(1), 1_000_000);
  assertSamplesFollowInverse(dist, 0.02);
});

Deno.test("createDistribution() extreme is a Weibull offset from min", () => {
  const dist = create(EXTREME);
  const scale = 999_999 / Math.pow(-Math.log(Math.sqrt(1 / 999_999)), 1 / 1.5);
  assert.equal(dist.inverseCumProb(0.5), 1 + Math.trunc(scale * Math.pow(Math.LN2, 1 / 1.5)));
  assert.equal(dist.inverseCumProb(0), 1);
  assert.equal(dist.inverseCumProb(1), 1_000_000);
  assertSamplesFollowInverse(dist, 0.02);
});

Deno.test("createDistribution() qextreme is uniform inside equally likely quanta", () => {
  const dist = create({ kind: "qextreme", min: 1, max: 1_000_000, shape: 2, quantas: 2 });
  const median = create({ kind: "extreme", min: 1, max: 1_000_000, shape: 2 }).inverseCumProb(0.5);
  const values = sample(dist, 20_000);
  assert.ok(values.every((v) => Number.isInteger(v) && v >= 1 && v <= 1_000_000));
  // Half the samples fall in each quanta, uniformly: [1, median) and [median, 1000001).
  const low = values.filter((v) => v < median).length / values.length;
  assert.ok(Math.abs(low - 0.5) < 0.02, `${low}`);
  const lowQuarter = values.filter((v) => v < 1 + (median - 1) / 2).length / values.length;
  assert.ok(Math.abs(lowQuarter - 0.25) < 0.02, `${lowQuarter}`);
  assert.equal(dist.inverseCumProb(0.25), 1 + Math.trunc(0.5 * (median - 1)));
  // cassandra-stress's inverseCumProb(1) is max + 1 for qextreme; the bounds stay true.
  assert.equal(dist.inverseCumProb(1), 1_000_001);
  assert.equal(dist.maxValue, 1_000_000);
});

Deno.test("createDistribution() seq counts up and wraps", () => {
  const dist = create({ kind: "seq", min: 5, max: 7 });
  assert.deepEqual(sample(dist, 7), [5, 6, 7, 5, 6, 7, 5]);
  const wide = create({ kind: "seq", min: 1, max: 101 });
  assert.equal(wide.inverseCumProb(0), 1);
  assert.equal(wide.inverseCumProb(0.5), 51);
  assert.equal(wide.inverseCumProb(1), 101);
});

Deno.test("createDistribution() ~ mirrors the distribution inside its bounds", () => {
  const plain = create(EXP, { seed: 5 });
  const inverted = create(EXP, { seed: 5, inverted: true });
  assert.equal(inverted.minValue, 1);
  assert.equal(inverted.maxValue, 1_000_000);
  for (let i = 0; i < 1000; i++) assert.equal(inverted.next(), 1_000_001 - plain.next());
  for (const p of [0, 0.1, 0.5, 0.99, 1]) {
    assert.equal(inverted.inverseCumProb(p), 1_000_001 - plain.inverseCumProb(p));
  }
  // ~exp(1..1000) piles up near 1000 (exp's median is about 201, so ~exp's is about 800).
  const small = sample(create({ kind: "exp", min: 1, max: 1000 }, { inverted: true }), 5000);
  const high = small.filter((value) => value > 750).length / small.length;
  assert.ok(high > 0.55 && high < 0.65, `${high}`);
});

Deno.test("createDistribution() with min == max is fixed", () => {
  for (const kind of ["uniform", "exp", "extreme", "qextreme", "gaussian"]) {
    const dist = create({ kind, min: 9, max: 9, mean: 9, stdev: 1, shape: 1, quantas: 2 });
    assert.deepEqual(sample(dist, 3), [9, 9, 9]);
    assert.equal(dist.inverseCumProb(1), 9);
  }
});

Deno.test("createDistribution() rejects impossible specs with an OptionError", async (t) => {
  const cases: [Record<string, unknown>, string][] = [
    [{ kind: "uniform", min: 5, max: 1 }, 'has min "5" and max "1", expected min at most max'],
    [{ kind: "seq", min: 3, max: 3 }, 'has min "3" and max "3", expected min less than max'],
    [{ kind: "uniform", min: 0.5, max: 1 }, 'has min "0.5", expected min to be an integer'],
    [
      { kind: "gaussian", min: 1, max: 9, mean: 5, stdev: 0 },
      'has mean "5" and stdev "0", expected a finite mean and a positive stdev',
    ],
    [{ kind: "extreme", min: 1, max: 9, shape: -1 }, 'has shape "-1", expected a positive shape'],
    [
      { kind: "qextreme", min: 1, max: 9, shape: 1, quantas: 0 },
      'has quantas "0", expected a positive integer',
    ],
  ];
  for (const [fields, message] of cases) {
    await t.step(message, () => {
      assert.throws(
        () => create(fields),
        (error: unknown) =>
          error instanceof OptionError &&
          error.message === `Cannot parse option "distribution": "${fields.kind}(test)" ${message}`,
      );
    });
  }
});

const arbitrarySpec = fc.oneof(
  fc.record({ kind: fc.constant("fixed"), value: fc.integer({ min: -1e9, max: 1e9 }) }),
  fc.record({
    kind: fc.constantFrom("uniform", "exp", "seq"),
    min: fc.integer({ min: -1e9, max: 1e9 }),
    span: fc.integer({ min: 1, max: 1e9 }),
  }),
  fc.record({
    kind: fc.constant("gaussian"),
    min: fc.integer({ min: -1e9, max: 1e9 }),
    span: fc.integer({ min: 1, max: 1e9 }),
    stdvrng: fc.double({ min: 0.1, max: 10, noNaN: true }),
  }),
  fc.record({
    kind: fc.constantFrom("extreme", "qextreme"),
    min: fc.integer({ min: -1e9, max: 1e9 }),
    span: fc.integer({ min: 1, max: 1e9 }),
    shape: fc.double({ min: 0.2, max: 5, noNaN: true }),
    quantas: fc.integer({ min: 1, max: 10 }),
  }),
).map((raw) => {
  const fields: Record<string, unknown> = { ...raw };
  if ("span" in raw) {
    fields.max = raw.min + raw.span;
    fields.mean = (raw.min + raw.min + raw.span) / 2;
    fields.stdev = raw.span / 2 / ("stdvrng" in raw ? raw.stdvrng : 3);
  }
  return fields;
});

Deno.test("createDistribution property: next() returns integers within [minValue, maxValue]", () => {
  fc.assert(
    fc.property(arbitrarySpec, fc.boolean(), fc.integer(), (fields, inverted, seed) => {
      const dist = create(fields, { inverted, seed });
      assert.ok(dist.minValue <= dist.maxValue);
      for (let i = 0; i < 200; i++) {
        const value = dist.next();
        assert.ok(Number.isSafeInteger(value), `${value}`);
        assert.ok(value >= dist.minValue && value <= dist.maxValue, `${value} out of range`);
      }
    }),
    { numRuns: 300, seed: FC_SEED },
  );
});

Deno.test("createDistribution property: inverseCumProb is monotone, and mirrored when inverted", () => {
  fc.assert(
    fc.property(arbitrarySpec, fc.boolean(), (fields, inverted) => {
      const dist = create(fields, { inverted });
      let previous = dist.inverseCumProb(0);
      for (let i = 1; i <= 100; i++) {
        const value = dist.inverseCumProb(i / 100);
        assert.ok(Number.isSafeInteger(value));
        if (inverted) assert.ok(value <= previous, `${value} after ${previous}`);
        else assert.ok(value >= previous, `${value} after ${previous}`);
        previous = value;
      }
    }),
    { numRuns: 300, seed: FC_SEED },
  );
});

Deno.test("createDistribution property: the same seed gives the same samples", () => {
  fc.assert(
    fc.property(arbitrarySpec, fc.integer(), (fields, seed) => {
      assert.deepEqual(sample(create(fields, { seed }), 20), sample(create(fields, { seed }), 20));
    }),
    { numRuns: 100, seed: FC_SEED },
  );
});
