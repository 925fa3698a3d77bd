/**
 * Shards: `--shard I/N` makes this loader the I-th of N that together run the one workload a
 * command describes. Each gets a disjoint, contiguous slice of the population and of the
 * operation count, and 1/N of any rate. Pure.
 *
 * @module
 */

import { OptionError, UsageError } from "../errors.ts";

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
    if ((match[1] === "shard" ? shardText : shardsText) !== undefined) {
      throw new OptionError({
        option: `--${match[1]}`,
        value,
        problem: "is given twice",
        expected: `one --${match[1]} a loader`,
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

/** The cassandra-stress command words (with their aliases) whose work `--shard` splits. */
const STRESS_SPLITS = new Set([
  "write",
  "insert",
  "read",
  "mixed",
  "counter_write",
  "counterwrite",
  "counter_add",
  "counteradd",
  "counter_read",
  "counterread",
  "counter_get",
  "counterget",
  "user",
]);

/** The commands that do work but do not split it, by their first one or two words. */
const UNSPLIT = new Set([
  "simulate",
  "analyze",
  "compare",
  "merge",
  "serve",
  "disk server",
  "disk client",
  "disk report",
  "checkout consistency",
  "query setup",
]);

/**
 * Whether a command line's work is split between loaders by `--shard I/N`: the
 * cassandra-stress commands, `query run` and `checkout load`.
 *
 * @param args The command line (without `--shard`).
 * @returns True when each loader runs its own part of the work.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { splitsWork } from "./shard.ts";
 * assert.equal(splitsWork(["write", "n=10"]), true);
 * assert.equal(splitsWork(["query", "run", "--url", "u"]), true);
 * assert.equal(splitsWork(["simulate", "2"]), false);
 * ```
 */
export function splitsWork(args: readonly string[]): boolean {
  if (args.length === 0) return false;
  if (args[0] === "query") return args[1] === "run";
  if (args[0] === "checkout") return args[1] === "load";
  return STRESS_SPLITS.has(args[0].toLowerCase());
}

/**
 * Refuses a shard for a command that does work but does not split it (`simulate`, `serve`,
 * `disk ...`, `query setup`, ...). The cassandra-stress `help`, `print` and `version` do no
 * work and ignore it; an unknown command is left to be refused by name.
 *
 * @param args The command line (without `--shard`).
 * @param shard The shard given, or null.
 * @throws {UsageError} When a shard was given to such a command.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { refuseUnsplit } from "./shard.ts";
 * refuseUnsplit(["write", "n=10"], { index: 0, count: 2 });
 * refuseUnsplit(["simulate", "2"], null);
 * assert.throws(() => refuseUnsplit(["simulate", "2"], { index: 0, count: 2 }), /simulate/);
 * ```
 */
export function refuseUnsplit(args: readonly string[], shard: Shard | null): void {
  if (shard === null || splitsWork(args)) return;
  const name = [args[0], `${args[0]} ${args[1]}`].find((words) => UNSPLIT.has(words));
  if (name === undefined) return;
  throw new UsageError(
    `Cannot use --shard with "${name}": its work is not split between loaders, expected a cassandra-stress command (write, read, mixed, counter_write, counter_read, user), query run or checkout load`,
  );
}

/**
 * A shard as the JSON summaries record it: `{index, count}`, or null for a whole run.
 *
 * @param shard The shard, or null.
 * @returns A plain object (a copy), or null.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { shardJson } from "./shard.ts";
 * assert.deepEqual(shardJson({ index: 2, count: 10 }), { index: 2, count: 10 });
 * assert.equal(shardJson(null), null);
 * ```
 */
export function shardJson(shard: Shard | null): { index: number; count: number } | null {
  return shard === null ? null : { index: shard.index, count: shard.count };
}
