/**
 * Shards: `--shard I/N` makes this loader the I-th of N that together run the one workload a
 * command describes. Each gets a disjoint, contiguous slice of the population and of the
 * operation count, and 1/N of any rate. Pure.
 *
 * @module
 */

import { OptionError } from "../errors.ts";
import type { StressSettings } from "./stress_settings.ts";

/** This loader's place among the loaders: `index` from 0 to `count - 1`. */
export interface Shard {
  /** This loader's index, from 0 (as Kubernetes' `JOB_COMPLETION_INDEX`). */
  readonly index: number;
  /** How many loaders share the workload. */
  readonly count: number;
}

const EXPECTED = "I/N with 0 <= I < N, e.g. 0/10 (I counts from 0, as JOB_COMPLETION_INDEX)";

/**
 * Parses `I/N`.
 *
 * @param text The value, e.g. `"2/10"`.
 * @param option The option name for the message.
 * @returns The shard.
 * @throws {OptionError} When it is not `I/N` with `0 <= I < N`.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseShard } from "./shard.ts";
 * assert.deepEqual(parseShard("2/10"), { index: 2, count: 10 });
 * assert.throws(() => parseShard("10/10"));
 * ```
 */
export function parseShard(text: string, option = "--shard"): Shard {
  const match = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  const index = match === null ? NaN : Number(match[1]);
  const count = match === null ? NaN : Number(match[2]);
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(count) || count < 1 || index >= count) {
    throw new OptionError({ option, value: text, expected: EXPECTED });
  }
  return { index, count };
}

/**
 * The shard's part of `total` items numbered from 0: items `start` to `start + count - 1`. The
 * parts of shards 0 to N-1 are disjoint, contiguous, in order, cover every item, and differ in
 * size by at most one.
 *
 * @param total How many items there are.
 * @param shard The shard.
 * @returns The first item and how many.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { shardSlice } from "./shard.ts";
 * assert.deepEqual(shardSlice(10, { index: 0, count: 3 }), { start: 0, count: 3 });
 * assert.deepEqual(shardSlice(10, { index: 1, count: 3 }), { start: 3, count: 3 });
 * assert.deepEqual(shardSlice(10, { index: 2, count: 3 }), { start: 6, count: 4 });
 * ```
 */
export function shardSlice(total: number, shard: Shard): { start: number; count: number } {
  const start = Math.floor((total * shard.index) / shard.count);
  const end = Math.floor((total * (shard.index + 1)) / shard.count);
  return { start, count: end - start };
}

/**
 * The settings of one shard of a cassandra-stress command: a sequential population
 * (`seq=LO..HI`, the default of write) keeps only the shard's contiguous part of the seeds, `n=`
 * becomes the shard's part of the count, and `throttle=`/`fixed=` rates are divided by N. A
 * `dist=` population is left whole (the draws of all shards together follow it), as are
 * `duration=` and the thread count (threads are per loader).
 *
 * With `n=` equal to the population's size (as write's default `seq=1..n`), the N shards write
 * every key exactly once between them.
 *
 * @param settings The command line's settings.
 * @param shard The shard.
 * @returns The shard's settings (the same object for a 1/1 shard).
 * @throws {OptionError} When a sequential population has fewer seeds than there are shards.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseStressArgs } from "./parse_stress_args.ts";
 * import { shardStressSettings } from "./shard.ts";
 * const all = parseStressArgs(["write", "n=10", "-rate", "threads=4", "fixed=300/s"]);
 * const last = shardStressSettings(all, { index: 2, count: 3 });
 * assert.deepEqual(last.command.stop, { kind: "count", n: 4 });
 * assert.equal(last.population.kind === "seq" && last.population.min, 7);
 * assert.equal(last.population.kind === "seq" && last.population.max, 10);
 * assert.equal(last.rate.kind === "threads" && last.rate.fixedOpsPerSec, 100);
 * ```
 */
export function shardStressSettings(settings: StressSettings, shard: Shard): StressSettings {
  if (shard.count === 1) return settings;
  let { command, rate, population } = settings;
  if (command.stop.kind === "count") {
    command = { ...command, stop: { kind: "count", n: shardSlice(command.stop.n, shard).count } };
  }
  if (rate.kind === "threads") {
    rate = {
      ...rate,
      throttleOpsPerSec: rate.throttleOpsPerSec / shard.count,
      fixedOpsPerSec: rate.fixedOpsPerSec / shard.count,
    };
  }
  if (population.kind === "seq") {
    const size = population.max - population.min + 1;
    if (size < shard.count) {
      throw new OptionError({
        option: "-pop seq",
        value: `${population.min}..${population.max}`,
        expected: `at least one seed per shard (${shard.count} shards)`,
      });
    }
    const part = shardSlice(size, shard);
    population = {
      ...population,
      min: population.min + part.start,
      max: population.min + part.start + part.count - 1,
    };
  }
  return { ...settings, command, rate, population };
}

/** What {@linkcode takeShardFlags} returns. */
export interface ShardFlags {
  /** The arguments without the shard flags. */
  readonly args: string[];
  /** The shard, or null when none was asked for. */
  readonly shard: Shard | null;
}

/**
 * Takes `--shard I/N` and `--shards N` (also written `--shard=I/N`, `--shards=N`) out of a
 * command line, up to a `--` (what follows it belongs to another command). `--shards N` takes
 * the index from `JOB_COMPLETION_INDEX`, which a Kubernetes Indexed Job sets in each pod.
 *
 * @param args The command line.
 * @param env The environment (only `JOB_COMPLETION_INDEX` is read).
 * @returns The other arguments and the shard.
 * @throws {OptionError} On a bad value, both flags, or `--shards` without `JOB_COMPLETION_INDEX`.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { takeShardFlags } from "./shard.ts";
 * assert.deepEqual(takeShardFlags(["write", "--shard", "1/4", "n=10"], {}), {
 *   args: ["write", "n=10"],
 *   shard: { index: 1, count: 4 },
 * });
 * assert.deepEqual(
 *   takeShardFlags(["write", "--shards=4"], { JOB_COMPLETION_INDEX: "3" }).shard,
 *   { index: 3, count: 4 },
 * );
 * assert.equal(takeShardFlags(["analyze", "2", "--", "write", "--shard", "0/2"], {}).shard, null);
 * ```
 */
export function takeShardFlags(
  args: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): ShardFlags {
  const rest: string[] = [];
  let shardText: string | undefined;
  let shardsText: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === "--") {
      rest.push(...args.slice(i));
      break;
    }
    const match = /^--(shards?)(?:=(.*))?$/.exec(arg);
    if (match === null) {
      rest.push(arg);
      continue;
    }
    const value = match[2] ?? args[++i];
    if (value === undefined) {
      throw new OptionError({
        option: `--${match[1]}`,
        value: "",
        expected: match[1] === "shard" ? EXPECTED : "a shard count N >= 1",
      });
    }
    if (match[1] === "shard") shardText = value;
    else shardsText = value;
  }
  if (shardText !== undefined && shardsText !== undefined) {
    throw new OptionError({
      option: "--shards",
      value: shardsText,
      expected: "either --shard I/N or --shards N with JOB_COMPLETION_INDEX, not both",
    });
  }
  if (shardText !== undefined) return { args: rest, shard: parseShard(shardText) };
  if (shardsText === undefined) return { args: rest, shard: null };
  const count = Number(shardsText);
  if (!/^\d+$/.test(shardsText) || !Number.isSafeInteger(count) || count < 1) {
    throw new OptionError({
      option: "--shards",
      value: shardsText,
      expected: "a shard count N >= 1",
    });
  }
  const index = env.JOB_COMPLETION_INDEX;
  if (index === undefined || index === "") {
    throw new OptionError({
      option: "--shards",
      value: shardsText,
      problem: "needs JOB_COMPLETION_INDEX, which is not set",
      expected:
        "JOB_COMPLETION_INDEX in the environment (a Kubernetes Indexed Job sets it), or --shard I/N",
    });
  }
  if (!/^\d+$/.test(index) || Number(index) >= count) {
    throw new OptionError({
      option: "JOB_COMPLETION_INDEX",
      value: index,
      expected: `a shard index 0..${count - 1} (--shards ${count})`,
    });
  }
  return { args: rest, shard: { index: Number(index), count } };
}
