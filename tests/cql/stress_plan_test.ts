import assert from "node:assert/strict";
import { measuredPlan, opsOf, targetOf, warmupPlans } from "../../lib/cql/stress_plan.ts";
import { UsageError } from "../../lib/errors.ts";
import { parseStressArgs } from "../../lib/cql/options/parse_stress_args.ts";

const target = { kind: "synthetic", latencyUs: null, errorRate: 0 } as const;

Deno.test("targetOf() builds the synthetic target from -node", () => {
  assert.deepEqual(targetOf(parseStressArgs(["write", "-node", "synthetic"])), target);
  const spec = targetOf(
    parseStressArgs(["write", "-node", "synthetic:uniform(5..9):errors(0.25)"]),
  );
  assert.equal(spec.errorRate, 0.25);
  assert.equal(spec.latencyUs?.kind, "uniform");
  assert.throws(
    () => targetOf(parseStressArgs(["write", "-node", "synthetic:errors(2)"])),
    UsageError,
  );
  assert.throws(() => targetOf(parseStressArgs(["write", "-node", "syntheticx"])), UsageError);
  assert.throws(() => targetOf(parseStressArgs(["write", "-node", "127.0.0.1"])), UsageError);
  assert.throws(
    () => targetOf(parseStressArgs(["write", "-node", "synthetic,127.0.0.1"])),
    UsageError,
  );
});

Deno.test("opsOf() names ops as the console does, sorted, with mixed weights", () => {
  assert.deepEqual(opsOf(parseStressArgs(["counter_add"])), {
    names: ["COUNTER_WRITE"],
    weights: null,
  });
  assert.deepEqual(opsOf(parseStressArgs(["mixed", "ratio(write=1,read=3)"])), {
    names: ["READ", "WRITE"],
    weights: [3, 1],
  });
});

Deno.test("measuredPlan() maps stop, schedule and population from the settings", () => {
  const fixed = measuredPlan(
    parseStressArgs(["read", "n=1000", "-rate", "threads=8", "fixed=500/s"]),
    8,
    { target, workers: 2 },
  );
  assert.equal(fixed.totalOps, 1000);
  assert.deepEqual(fixed.schedule, { opsPerSec: 500, fixed: true });
  assert.equal(fixed.population.kind, "dist");
  const throttled = measuredPlan(
    parseStressArgs(["write", "duration=2m", "-rate", "threads=1", "throttle=10/s"]),
    1,
    { target, workers: 2 },
  );
  assert.equal(throttled.durationMs, 120_000);
  assert.equal(throttled.workers, 1);
  assert.deepEqual(throttled.schedule, { opsPerSec: 10, fixed: false });
  assert.deepEqual(throttled.population, { kind: "seq", lo: 1, hi: 1_000_000 });
  const uncertain = measuredPlan(parseStressArgs(["write", "err<0.05"]), 4, { target, workers: 2 });
  assert.equal(uncertain.totalOps, -1);
  assert.equal(uncertain.uncertainty?.targetStderr, 0.05);
});

Deno.test("warmupPlans() uses 25% of n capped at 50,000 per node, per op type", () => {
  const settings = parseStressArgs(["mixed", "n=1000", "-node", "synthetic"]);
  const plan = measuredPlan(settings, 200, { target, workers: 2 });
  const warm = warmupPlans(plan, settings);
  assert.deepEqual(warm.map((w) => [w.opNames, w.totalOps, w.threads]), [
    [["READ"], 250, 100],
    [["WRITE"], 250, 100],
  ]);
  const big = parseStressArgs(["write", "n=10m", "-node", "a,b"]);
  assert.equal(warmupPlans(measuredPlan(big, 4, { target, workers: 2 }), big)[0].totalOps, 100_000);
  const none = parseStressArgs(["write", "n=10m", "no-warmup"]);
  assert.deepEqual(warmupPlans(measuredPlan(none, 4, { target, workers: 2 }), none), []);
});

Deno.test("measuredPlan() gives the ops in flight at the end the longest one can take and 2 s", () => {
  const graceOf = (args: string[]) => {
    const settings = parseStressArgs(args);
    return measuredPlan(settings, 1, { target: targetOf(settings), workers: 1 }).stopGraceMs;
  };
  assert.equal(graceOf(["write", "-node", "synthetic"]), 10_000);
  // A synthetic latency of up to 11 s (µs): 13 s.
  assert.equal(graceOf(["write", "-node", "synthetic:uniform(1..11000000)"]), 13_000);
  // A node: its request timeout (the driver's 12 s by default) and 2 s.
  const cqlGraceOf = (args: string[]) =>
    measuredPlan(parseStressArgs(args), 1, { target: { kind: "cql" } as never, workers: 1 })
      .stopGraceMs;
  assert.equal(cqlGraceOf(["write", "-node", "127.0.0.1"]), 14_000);
  const mode = ["-mode", "native", "cql3", "requestTimeout=30000"];
  assert.equal(cqlGraceOf(["write", "-node", "127.0.0.1", ...mode]), 32_000);
});
