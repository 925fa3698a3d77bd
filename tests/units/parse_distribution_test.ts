import assert from "node:assert/strict";
import fc from "fast-check";
import { OptionError } from "../../lib/errors.ts";
import type { DistributionSpec } from "../../lib/units/distribution_spec.ts";
import { formatDistribution } from "../../lib/units/format_distribution.ts";
import { parseDistribution, parseRatioDistribution } from "../../lib/units/parse_distribution.ts";

Deno.test("parseDistribution() reads the three GAUSSIAN forms", () => {
  assert.deepEqual(parseDistribution("GAUSSIAN(1..10)"), {
    kind: "gaussian",
    min: 1,
    max: 10,
    mean: 5.5,
    stdev: 1.5,
    inverted: false,
    source: "GAUSSIAN(1..10)",
  });
  assert.equal((parseDistribution("normal(1..11,5)") as { stdev: number }).stdev, 1);
  assert.deepEqual(parseDistribution("norm(0..100,20,4)"), {
    kind: "gaussian",
    min: 0,
    max: 100,
    mean: 20,
    stdev: 4,
    inverted: false,
    source: "norm(0..100,20,4)",
  });
});

Deno.test("parseDistribution() accepts every alias and suffix", () => {
  assert.equal(parseDistribution("gauss(1..1M)").kind, "gaussian");
  assert.equal(parseDistribution("EXTR(1..1k,2)").kind, "extreme");
  assert.equal(parseDistribution("qextr(1..1b,2,10)").kind, "qextreme");
  assert.deepEqual(parseDistribution("uniform(1..2k)"), {
    kind: "uniform",
    min: 1,
    max: 2000,
    inverted: false,
    source: "uniform(1..2k)",
  });
  assert.deepEqual(parseDistribution("~exp(1...10)"), {
    kind: "exp",
    min: 1,
    max: 10,
    inverted: true,
    source: "~exp(1...10)",
  });
});

Deno.test("parseDistribution() collapses min == max to fixed except for SEQ", () => {
  assert.deepEqual(parseDistribution("uniform(5..5)"), {
    kind: "fixed",
    value: 5,
    inverted: false,
    source: "uniform(5..5)",
  });
  assert.equal(parseDistribution("gaussian(3..3,1,1)").kind, "fixed");
  assert.equal(parseDistribution("qextreme(3..3,1,1)").kind, "fixed");
  assert.throws(() => parseDistribution("seq(5..5)"), OptionError);
});

Deno.test("parseDistribution() rejects WEIBULL like cassandra-stress", () => {
  assert.throws(
    () => parseDistribution("weibull(1..10,2)", "-pop dist"),
    (error: unknown) =>
      error instanceof OptionError && error.option === "-pop dist" &&
      error.message.includes('unknown distribution type "weibull"'),
  );
});

Deno.test("parseDistribution() rejects malformed specs", () => {
  for (
    const text of [
      "",
      "fixed",
      "fixed()",
      "fixed(1,2)",
      "uniform(1)",
      "uniform(10..1)",
      "gaussian(1..2,3,4,5)",
      "extreme(1..10)",
      "qextreme(1..10,2)",
      "uniform(a..b)",
      "seq(9..1)",
      "gaussian(1..9,x)",
    ]
  ) {
    assert.throws(() => parseDistribution(text), OptionError, text);
  }
});

Deno.test("parseDistribution() refuses a stdev, shape or quantas no run can draw from, naming the option", () => {
  // These passed the grammar and failed later as option "distribution"; a qextreme of a
  // billion ranges ran for minutes before its first op.
  const cases: [string, string][] = [
    ["gaussian(1..100,0)", 'has stdev "Infinity", expected a positive stdev'],
    ["gaussian(1..100,5,0)", 'has stdev "0", expected a positive stdev'],
    ["normal(1..100,5,-1)", 'has stdev "-1", expected a positive stdev'],
    ["extreme(1..10,0)", 'has shape "0", expected a positive shape'],
    ["qextreme(1..10,-2,4)", 'has shape "-2", expected a positive shape'],
    ["qextreme(1..10,1,0)", 'has quantas "0", expected quantas from 1 to 1000000'],
    ["qextreme(1..10,1,1b)", 'has quantas "1000000000", expected quantas from 1 to 1000000'],
  ];
  for (const [text, message] of cases) {
    assert.throws(() => parseDistribution(text, "-pop dist"), {
      message: `Cannot parse option "-pop dist": "${text}" ${message}`,
    });
  }
  assert.equal(parseDistribution("qextreme(1..10,1,1000000)").kind, "qextreme");
  // min == max is fixed(min), whatever the rest: the default gaussian(1..n) of n=1.
  assert.equal(parseDistribution("gaussian(1..1)").kind, "fixed");
  assert.equal(parseDistribution("extreme(3..3,0)").kind, "fixed");
});

Deno.test("parseRatioDistribution() reads DIST/divisor", () => {
  assert.deepEqual(parseRatioDistribution("fixed(1)/1"), {
    distribution: { kind: "fixed", value: 1, inverted: false, source: "fixed(1)" },
    divisor: 1,
    source: "fixed(1)/1",
  });
  assert.equal(parseRatioDistribution("uniform(1..10)/1k").divisor, 1000);
  assert.throws(() => parseRatioDistribution("fixed(1)"), OptionError);
  assert.throws(() => parseRatioDistribution("fixed(1)/0"), OptionError);
});

const bound = fc.integer({ min: -1_000_000_000, max: 1_000_000_000 });
const real = fc.double({ min: -1e9, max: 1e9, noNaN: true, noDefaultInfinity: true });
/** A stdev or a shape: positive. */
const positive = fc.double({ min: 1e-9, max: 1e9, noNaN: true, noDefaultInfinity: true });

const specArb: fc.Arbitrary<DistributionSpec> = fc.tuple(
  fc.constantFrom("fixed", "uniform", "gaussian", "exp", "extreme", "qextreme", "seq"),
  bound,
  fc.integer({ min: 1, max: 1_000_000 }),
  real,
  positive,
  fc.integer({ min: 1, max: 1000 }),
  fc.boolean(),
).map(([kind, min, width, mean, b, quantas, inverted]) => {
  const max = min + width;
  const base = kind === "fixed"
    ? { kind, value: min }
    : kind === "gaussian"
    ? { kind, min, max, mean, stdev: b }
    : kind === "extreme"
    ? { kind, min, max, shape: b }
    : kind === "qextreme"
    ? { kind, min, max, shape: b, quantas }
    : { kind, min, max };
  const spec = { ...base, inverted, source: "" } as DistributionSpec;
  return { ...spec, source: formatDistribution(spec) } as DistributionSpec;
});

Deno.test("parseDistribution() round trips formatDistribution()", () => {
  fc.assert(
    fc.property(specArb, (spec) => {
      assert.deepEqual(parseDistribution(formatDistribution(spec)), spec);
    }),
    { numRuns: 1000, seed: 4242 },
  );
});
