import assert from "node:assert/strict";
import fc from "fast-check";
import { createDistribution, type Distribution } from "../../lib/core/distribution.ts";
import { OpMix } from "../../lib/core/op_mix.ts";
import { Prng } from "../../lib/core/prng.ts";
import { OptionError } from "../../lib/errors.ts";

const FC_SEED = 8080;

function fixed(value: number, prng: Prng): Distribution {
  return createDistribution(
    { kind: "fixed", value, inverted: false, source: `fixed(${value})` },
    prng,
  );
}

/** A clustering distribution that returns scripted run lengths, in a loop. */
function scripted(lengths: number[]): Distribution {
  let i = 0;
  return {
    minValue: Math.min(...lengths),
    maxValue: Math.max(...lengths),
    next: () => lengths[i++ % lengths.length],
    inverseCumProb: () => lengths[0],
  };
}

Deno.test("OpMix.names lists the kinds sorted", () => {
  const prng = new Prng(1);
  const mix = new OpMix({ write: 1, read: 1, counter_write: 2 }, fixed(1, prng), prng);
  assert.deepEqual(mix.names, ["counter_write", "read", "write"]);
});

Deno.test("OpMix.next() matches the ratio over a long run", () => {
  const prng = new Prng(2);
  const mix = new OpMix({ read: 3, write: 1 }, fixed(1, prng), prng);
  let reads = 0;
  const draws = 40_000;
  for (let i = 0; i < draws; i++) if (mix.names[mix.next()] === "read") reads++;
  // sd of the fraction 0.0022; allow 4.5 sd.
  assert.ok(Math.abs(reads / draws - 0.75) < 0.01, `${reads / draws}`);
});

Deno.test("OpMix.next() with gaussian(1..10) clustering still matches the ratio", () => {
  const prng = new Prng(3);
  const clustering = createDistribution(
    {
      kind: "gaussian",
      min: 1,
      max: 10,
      mean: 5.5,
      stdev: 1.5,
      inverted: false,
      source: "gaussian(1..10)",
    },
    prng,
  );
  const mix = new OpMix({ read: 1, write: 1 }, clustering, prng);
  let reads = 0;
  const draws = 100_000;
  for (let i = 0; i < draws; i++) if (mix.next() === 0) reads++;
  // About 20,000 runs of ~5: sd of the fraction ~0.0035.
  assert.ok(Math.abs(reads / draws - 0.5) < 0.015, `${reads / draws}`);
});

Deno.test("OpMix.next() repeats each drawn kind for the clustering length", () => {
  const lengths = [2, 5, 1, 3, 4];
  const prng = new Prng(4);
  const mix = new OpMix({ a: 1, b: 1, c: 1 }, scripted(lengths), prng);
  const kindsPerRun: number[] = [];
  for (let run = 0; run < 500; run++) {
    const length = lengths[run % lengths.length];
    const kind = mix.next();
    for (let i = 1; i < length; i++) assert.equal(mix.next(), kind, `run ${run} broke early`);
    kindsPerRun.push(kind);
  }
  // Runs draw their kind afresh, so all three kinds start runs.
  assert.deepEqual([...new Set(kindsPerRun)].sort(), [0, 1, 2]);
});

Deno.test("OpMix.next() skips zero-length runs as cassandra-stress does", () => {
  const prng = new Prng(5);
  const mix = new OpMix({ a: 1 }, scripted([0, 2]), prng);
  for (let i = 0; i < 10; i++) assert.equal(mix.next(), 0);
});

Deno.test("OpMix.next() never picks a kind with weight 0", () => {
  const prng = new Prng(6);
  const mix = new OpMix({ a: 0, b: 1, c: 0 }, fixed(1, prng), prng);
  for (let i = 0; i < 1000; i++) assert.equal(mix.next(), 1);
});

Deno.test("OpMix() rejects ratios without a positive weight and clustering below 1", () => {
  const prng = new Prng(7);
  const cases: [Record<string, number>, Distribution, string][] = [
    [
      {},
      fixed(1, prng),
      'Cannot parse option "ratio": "" has no positive weight, expected at least one operation with a positive weight',
    ],
    [
      { read: 0, write: 0 },
      fixed(1, prng),
      'Cannot parse option "ratio": "read=0,write=0" has no positive weight, expected at least one operation with a positive weight',
    ],
    [
      { read: -1, write: 2 },
      fixed(1, prng),
      'Cannot parse option "ratio": "read=-1,write=2" has weight "-1" for "read", expected finite weights of 0 or more',
    ],
    [
      { read: 1 },
      fixed(0, prng),
      'Cannot parse option "clustering": "0..0" never gives a run length of 1 or more, expected a distribution that reaches 1',
    ],
  ];
  for (const [ratio, clustering, message] of cases) {
    assert.throws(
      () => new OpMix(ratio, clustering, prng),
      (error: unknown) => error instanceof OptionError && error.message === message,
    );
  }
});

Deno.test("OpMix property: run lengths follow fixed clustering and the seed fixes the sequence", () => {
  fc.assert(
    fc.property(
      fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }), fc.integer({ min: 1, max: 10 }), {
        minKeys: 1,
        maxKeys: 5,
      }),
      fc.integer({ min: 1, max: 6 }),
      fc.integer(),
      (ratio, runLength, seed) => {
        const sequence = (): number[] => {
          const prng = new Prng(seed);
          const mix = new OpMix(ratio, fixed(runLength, prng), prng);
          return Array.from({ length: 60 }, () => mix.next());
        };
        const first = sequence();
        assert.deepEqual(sequence(), first);
        for (let i = 0; i < first.length; i++) {
          assert.ok(first[i] >= 0 && first[i] < Object.keys(ratio).length);
          if (i % runLength !== 0) assert.equal(first[i], first[i - 1]);
        }
      },
    ),
    { numRuns: 200, seed: FC_SEED },
  );
});
