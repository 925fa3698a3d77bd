/**
 * Turns parsed cassandra-stress settings into the engine's {@linkcode RunPlan}s: the
 * target, the op names and mix, the stop rule, the schedule, the warm-up.
 *
 * @module
 */

import { UsageError } from "../errors.ts";
import type { SyntheticTargetSpec } from "../engine/target.ts";
import type { StressSettings } from "./options/stress_settings.ts";
import type { RunPlan } from "../engine/run_workload.ts";
import type { StressTargetSpec } from "./cql_target_spec.ts";
import type { PopulationPlan } from "../engine/protocol.ts";
import { distributionMax } from "../units/distribution_spec.ts";

/** The most warm-up iterations, as in cassandra-stress. */
const MAX_WARMUP_OPS = 50_000;

/**
 * Whether `-node` selects the synthetic target (`synthetic[:DIST]`).
 *
 * @param settings The parsed settings.
 * @returns True for the synthetic target.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { isSyntheticTarget } from "./stress_plan.ts";
 * import { parseStressArgs } from "./options/parse_stress_args.ts";
 * assert.equal(isSyntheticTarget(parseStressArgs(["write", "-node", "synthetic"])), true);
 * assert.equal(isSyntheticTarget(parseStressArgs(["write", "-node", "127.0.0.1"])), false);
 * ```
 */
export function isSyntheticTarget(settings: StressSettings): boolean {
  return settings.target.kind === "synthetic";
}

/**
 * The synthetic target of `-node synthetic[:DIST][:errors(P)]` (DIST is the op latency in
 * microseconds; `errors(P)` makes a fraction P of ops fail), as the grammar parsed it.
 *
 * @param settings The parsed settings.
 * @returns The target description.
 * @throws {UsageError} When `-node` is not the synthetic target alone.
 *
 * @example Usage
 * ```ts ignore
 * const target = targetOf(parseStressArgs(["write", "-node", "synthetic:fixed(100)"]));
 * ```
 */
export function targetOf(settings: StressSettings): SyntheticTargetSpec {
  const target = settings.target;
  if (target.kind !== "synthetic" || target.alongside.length > 0) {
    throw new UsageError(
      `Cannot mix the synthetic target with other nodes: "${
        settings.node.hosts.join(",")
      }" is invalid, expected one -node synthetic[:DIST]`,
    );
  }
  return { kind: "synthetic", latencyUs: target.latencyUs, errorRate: target.errorRate };
}

/**
 * The op type names of a command as printed on the console (`WRITE`, `COUNTER_READ`; a `user`
 * command's ops as typed), sorted, with their mix weights.
 *
 * @param settings The parsed settings.
 * @returns The names and, for `mixed`, the weights in the same order.
 *
 * @example Usage
 * ```ts ignore
 * opsOf(settings); // { names: ["READ", "WRITE"], weights: [3, 1] }
 * ```
 */
export function opsOf(settings: StressSettings): { names: string[]; weights: number[] | null } {
  const command = settings.command;
  if (command.type === "user") return userOpsOf(command.ops);
  if (command.type !== "mixed") return { names: [command.type.toUpperCase()], weights: null };
  const entries = Object.entries(command.ratio)
    .filter(([, weight]) => weight > 0)
    .map(([name, weight]) => [name.toUpperCase(), weight] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return { names: entries.map(([n]) => n), weights: entries.map(([, w]) => w) };
}

/** The ops of `user`: their names as typed, sorted, with their weights (none for one op). */
function userOpsOf(ops: Readonly<Record<string, number>>): {
  names: string[];
  weights: number[] | null;
} {
  const entries = Object.entries(ops)
    .filter(([, weight]) => weight > 0)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return {
    names: entries.map(([name]) => name),
    weights: entries.length === 1 ? null : entries.map(([, weight]) => weight),
  };
}

/** How seeds derive from cycles, from `-pop`. */
function populationOf(settings: StressSettings): PopulationPlan {
  const pop = settings.population;
  return pop.kind === "seq"
    ? { kind: "seq", lo: pop.min, hi: pop.max }
    : { kind: "dist", distribution: pop.distribution };
}

/**
 * The ops of the run: n, or none for a duration; `-pop seq=LO..HI no-wrap` ends the run once
 * every seed of the range was visited, whatever comes first.
 */
function totalOpsOf(settings: StressSettings): number {
  const stop = settings.command.stop;
  const n = stop.kind === "count" ? stop.n : -1;
  const pop = settings.population;
  if (pop.kind !== "seq" || pop.wrap) return n;
  const seeds = pop.max - pop.min + 1;
  return n < 0 ? seeds : Math.min(n, seeds);
}

/** The target of one op's warm-up: a CQL target maps op indexes to statements (index 0). */
function warmupTarget(target: StressTargetSpec, index: number): StressTargetSpec {
  switch (target.kind) {
    case "cql":
      return { ...target, opKinds: [target.opKinds[index]] };
    case "cql-user": {
      // cassandra-stress reads token range pages of at most 100 rows in the warm-up.
      const op = target.ops[index];
      const warm = op.kind === "token_range" ? { ...op, pageSize: Math.min(100, op.pageSize) } : op;
      return { ...target, ops: [warm] };
    }
    case "synthetic":
      return target;
  }
}

/**
 * Builds the measured run's plan for a fixed thread count.
 *
 * @param settings The parsed settings.
 * @param threads The thread count of this run (auto mode passes each step's).
 * @param options The target and the Worker count.
 * @returns The plan.
 *
 * @example Usage
 * ```ts ignore
 * const plan = measuredPlan(settings, 200, { target, workers: 2 });
 * ```
 */
export function measuredPlan(
  settings: StressSettings,
  threads: number,
  options: { target: StressTargetSpec; workers: number },
): RunPlan<StressTargetSpec> {
  const { names, weights } = opsOf(settings);
  const stop = settings.command.stop;
  const rate = settings.rate;
  const opsPerSec = rate.kind === "threads"
    ? Math.max(rate.throttleOpsPerSec, rate.fixedOpsPerSec)
    : 0;
  return {
    opNames: names,
    threads,
    workers: Math.max(1, Math.min(options.workers, threads)),
    totalOps: totalOpsOf(settings),
    durationMs: stop.kind === "duration" ? stop.durationMs : -1,
    uncertainty: stop.kind === "uncertainty"
      ? {
        targetStderr: stop.targetStderr,
        minIntervals: stop.minIntervals,
        maxIntervals: stop.maxIntervals,
      }
      : null,
    schedule: opsPerSec > 0
      ? { opsPerSec, fixed: rate.kind === "threads" && rate.fixedOpsPerSec > 0 }
      : null,
    // One op needs no mix: every op is op 0 (and no draw is spent per op choosing it).
    mix: weights === null || weights.length === 1
      ? null
      : { weights, clustering: settings.command.clustering },
    population: populationOf(settings),
    target: options.target,
    errors: {
      tries: settings.errors.tries,
      ignore: settings.errors.ignore,
      backoff: settings.errors.backoff,
    },
    seed: 0x5eed,
    intervalMs: settings.log.intervalMs,
    stopGraceMs: stopGraceMsOf(settings, options.target),
    startTimeoutMs: 30_000,
  };
}

/** How long the ops in flight at the end get: 10 s, or the longest one op can take and 2 s. */
function stopGraceMsOf(settings: StressSettings, target: StressTargetSpec): number {
  const longestMs = target.kind === "synthetic"
    ? (target.latencyUs === null ? 0 : distributionMax(target.latencyUs) / 1000)
    // A request past its timeout fails: the op ends (the driver's default timeout is 12 s).
    : settings.mode.requestTimeoutMs ?? 12_000;
  return Math.max(10_000, Math.ceil(longestMs) + 2_000);
}

/**
 * The nodes cassandra-stress warms up, one share each: the hosts of `-node`, those of
 * `-node file=` included (the target's contact points), at least one.
 */
function nodeCountOf(target: StressTargetSpec, settings: StressSettings): number {
  const hosts = "contactPoints" in target ? target.contactPoints : settings.node.hosts;
  return Math.max(1, hosts.length);
}

/**
 * The warm-up plans: one per op type (cassandra-stress warms each type of `mixed`
 * separately), each with 25% of n capped at 50,000 ops (50,000 for runs without n),
 * times the number of nodes, on min(100, threads) threads, unthrottled.
 *
 * @param plan The measured plan.
 * @param settings The parsed settings.
 * @returns The warm-up plans, empty with `no-warmup` or `n=0`.
 *
 * @example Usage
 * ```ts ignore
 * for (const warm of warmupPlans(plan, settings)) await runWorkload(warm);
 * ```
 */
export function warmupPlans(
  plan: RunPlan<StressTargetSpec>,
  settings: StressSettings,
): RunPlan<StressTargetSpec>[] {
  const stop = settings.command.stop;
  const n = stop.kind === "count" ? stop.n : -1;
  if (settings.command.noWarmup || n === 0) return [];
  const perNode = n > 0 ? Math.min(Math.floor(n / 4), MAX_WARMUP_OPS) : MAX_WARMUP_OPS;
  const totalOps = perNode * nodeCountOf(plan.target, settings);
  if (totalOps === 0) return [];
  const threads = Math.min(100, plan.threads);
  return plan.opNames.map((name, index) => ({
    ...plan,
    target: warmupTarget(plan.target, index),
    opNames: [name],
    mix: null,
    threads,
    workers: Math.min(plan.workers, threads),
    totalOps,
    durationMs: -1,
    uncertainty: null,
    schedule: null,
  }));
}
