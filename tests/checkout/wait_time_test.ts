import assert from "node:assert/strict";
import fc from "fast-check";
import { OptionError } from "../../lib/errors.ts";
import { Prng } from "../../lib/core/prng.ts";
import {
  formatWaitTime,
  parseWaitTime,
  waitMs,
  type WaitTime,
} from "../../lib/checkout/wait_time.ts";

Deno.test("parseWaitTime() reads none, constant and between with spaces and decimals", () => {
  const cases: [string, WaitTime][] = [
    ["none", { kind: "none" }],
    [" none ", { kind: "none" }],
    ["constant(1)", { kind: "constant", seconds: 1 }],
    ["constant( 0.5 )", { kind: "constant", seconds: 0.5 }],
    ["constant(0)", { kind: "constant", seconds: 0 }],
    ["constant(.25)", { kind: "constant", seconds: 0.25 }],
    ["constant(1e-3)", { kind: "constant", seconds: 0.001 }],
    ["between(1,3)", { kind: "between", minSeconds: 1, maxSeconds: 3 }],
    [" between ( 1 , 3.5 ) ", { kind: "between", minSeconds: 1, maxSeconds: 3.5 }],
    ["between(2, 2)", { kind: "between", minSeconds: 2, maxSeconds: 2 }],
  ];
  for (const [text, expected] of cases) assert.deepEqual(parseWaitTime(text), expected, text);
});

Deno.test("parseWaitTime() rejects malformed, negative, infinite and inverted values", () => {
  for (
    const text of [
      "",
      "constant",
      "constant()",
      "constant(-1)",
      "constant(1, 2)",
      "constant(1e400)",
      "constant(0x10)",
      "constant(NaN)",
      "constant(1s)",
      "between(1)",
      "between(1, 2, 3)",
      "between(3, 1)",
      "between(1, 3",
      "uniform(1, 3)",
      "Constant(1)",
      "none()",
    ]
  ) {
    assert.throws(() => parseWaitTime(text, "wait"), OptionError, text);
  }
});

Deno.test("parseWaitTime() names the option and the problem in its message", () => {
  assert.throws(() => parseWaitTime("between(3, 1)", "--wait"), {
    message: 'Cannot parse option "--wait": "between(3, 1)" has MIN > MAX, ' +
      "expected none, constant(SECONDS) or between(MIN, MAX) with 0 <= MIN <= MAX seconds",
  });
  assert.throws(
    () => parseWaitTime("soon"),
    (error: unknown) =>
      error instanceof OptionError && error.option === "wait-time" && error.value === "soon",
  );
});

Deno.test("parseWaitTime() refuses a wait longer than a timer can sleep (it would not wait at all)", () => {
  assert.deepEqual(parseWaitTime("constant(2147483.647)"), {
    kind: "constant",
    seconds: 2147483.647,
  });
  for (const text of ["constant(3000000)", "between(1, 2147484)", "between(2147484, 2147485)"]) {
    assert.throws(() => parseWaitTime(text, "--wait-time"), {
      message: `Cannot parse option "--wait-time": "${text}" is too long, expected waits of at ` +
        "most 2147483.647 seconds (2147483647 ms, what a timer can wait)",
    });
  }
});

const seconds = fc.double({ min: 0, max: 1e6, noNaN: true, noDefaultInfinity: true })
  .map((x) => Math.abs(x) + 0);
const waitTimes: fc.Arbitrary<WaitTime> = fc.oneof(
  fc.constant({ kind: "none" as const }),
  seconds.map((s) => ({ kind: "constant" as const, seconds: s })),
  fc.tuple(seconds, seconds).map(([a, b]) => ({
    kind: "between" as const,
    minSeconds: Math.min(a, b),
    maxSeconds: Math.max(a, b),
  })),
);

Deno.test("parseWaitTime() round trips formatWaitTime()", () => {
  fc.assert(
    fc.property(waitTimes, (wait) => {
      assert.deepEqual(parseWaitTime(formatWaitTime(wait)), wait);
    }),
    { numRuns: 1000, seed: 20240414 },
  );
});

Deno.test("waitMs() stays within the bounds for any random value in [0, 1)", () => {
  fc.assert(
    fc.property(
      waitTimes,
      fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
      (wait, r) => {
        const ms = waitMs(wait, () => r);
        if (wait.kind === "none") assert.equal(ms, 0);
        else if (wait.kind === "constant") assert.equal(ms, wait.seconds * 1000);
        else {
          assert.ok(ms >= wait.minSeconds * 1000, `${ms} < min`);
          assert.ok(ms <= wait.maxSeconds * 1000, `${ms} > max`);
        }
      },
    ),
    { numRuns: 2000, seed: 42 },
  );
});

Deno.test("waitMs() draws between() uniformly and calls random only for between()", () => {
  const prng = new Prng(11);
  let calls = 0;
  const random = () => {
    calls++;
    return prng.nextDouble();
  };
  assert.equal(waitMs({ kind: "none" }, random), 0);
  assert.equal(waitMs({ kind: "constant", seconds: 2.5 }, random), 2500);
  assert.equal(calls, 0);
  const n = 40_000;
  const buckets = [0, 0, 0, 0];
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const ms = waitMs({ kind: "between", minSeconds: 1, maxSeconds: 3 }, random);
    sum += ms;
    buckets[Math.min(3, Math.floor((ms - 1000) / 500))]++;
  }
  assert.equal(calls, n);
  assert.ok(Math.abs(sum / n - 2000) < 10, `mean ${sum / n}`);
  for (const count of buckets) assert.ok(Math.abs(count / n - 0.25) < 0.01, `${buckets}`);
});
