/**
 * Resolves the op names of `stress user ... ops(NAME=WEIGHT,...)` against the loaded profiles,
 * as cassandra-stress 4.x (and ScyllaDB's fork) does.
 *
 * @module
 */

import { UsageError } from "../../errors.ts";
import { specNameIndex } from "./_spec_names.ts";
import type { ProfileQuery, ProfileTokenRangeQuery, StressProfile } from "./stress_profile.ts";

/** What an op name stands for. */
export type ResolvedOpKind =
  | { readonly kind: "insert" }
  | { readonly kind: "validate" }
  | { readonly kind: "query"; readonly query: ProfileQuery }
  | { readonly kind: "token_range"; readonly query: ProfileTokenRangeQuery };

/** One resolved `ops(...)` entry. */
export type ResolvedOp = ResolvedOpKind & {
  /** The op name as typed (the interval rows and Results print it so). */
  readonly name: string;
  /** Its weight, as given. */
  readonly weight: number;
  /** The index of its profile in the list given. */
  readonly profileIndex: number;
};

/** `(.+)\.(.+)`: the spec is everything before the last dot, when both sides are non-empty. */
const SPEC_AND_OP = /^(.+)\.(.+)$/s;

function resolveOne(
  name: string,
  profiles: readonly StressProfile[],
  index: ReadonlyMap<string, number>,
): ResolvedOpKind & { profileIndex: number } {
  const fail = (detail: string): never => {
    throw new UsageError(`Cannot resolve op "${name}" in ops(...): ${detail}`);
  };
  const match = SPEC_AND_OP.exec(name);
  const spec = match === null ? (profiles[0]?.specName ?? "null") : match[1];
  const op = match === null ? name : match[2];
  const profileIndex = index.get(spec);
  if (profileIndex === undefined) {
    return fail(`Op name ${name} contains an invalid profile specname: ${spec}`);
  }
  const profile = profiles[profileIndex];
  if (op.toLowerCase() === "insert") return { kind: "insert", profileIndex };
  if (op.toLowerCase() === "validate") return { kind: "validate", profileIndex };
  const range = profile.tokenRangeQueries.find((query) => query.name === op);
  if (range !== undefined) return { kind: "token_range", query: range, profileIndex };
  const lower = op.toLowerCase();
  const query = profile.queries.find((candidate) => candidate.name === lower);
  if (query !== undefined) return { kind: "query", query, profileIndex };
  const unreachable = profile.queries.find((candidate) => candidate.name.toLowerCase() === lower);
  const hint = unreachable === undefined ? "" : ` (cassandra-stress looks query names up in ` +
    `lower case, so the query "${unreachable.name}" of "${profile.fileName}" cannot be run: ` +
    "rename it in lower case)";
  return fail(`No query defined with name ${lower}${hint}`);
}

/**
 * Resolves each `ops(...)` entry to an op of a profile. A name is split at its last dot into
 * `spec.op` (no dot: the first profile); then `insert` and `validate` (any case) are the built-in
 * ops, a `token_range_queries` name matches exactly, and anything else is lower-cased and looked
 * up among `queries` as the YAML spells them, so a query named `readByUser` cannot be reached
 * (cassandra-stress's quirk, kept).
 *
 * @param ops The `ops(...)` weights by name, in the order given (`settings.command.ops`).
 * @param profiles The loaded profiles, in `profile=` order.
 * @returns One resolved op per entry, in order.
 * @throws {UsageError} For an unknown specname, a name matching no query, or two profiles
 *   with the same specname.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseProfile } from "./parse_profile.ts";
 * import { resolveOps } from "./resolve_ops.ts";
 * const profile = parseProfile(
 *   "keyspace: ks\ntable: t\nqueries:\n  simple1: {cql: SELECT * FROM t WHERE k = ?}",
 *   "t.yaml",
 * );
 * const ops = resolveOps({ insert: 1, "ks.t.simple1": 9 }, [profile]);
 * assert.deepEqual(ops.map((op) => [op.name, op.kind, op.weight]), [
 *   ["insert", "insert", 1],
 *   ["ks.t.simple1", "query", 9],
 * ]);
 * assert.throws(() => resolveOps({ "other.insert": 1 }, [profile]), {
 *   message: 'Cannot resolve op "other.insert" in ops(...): ' +
 *     "Op name other.insert contains an invalid profile specname: other",
 * });
 * ```
 */
export function resolveOps(
  ops: Readonly<Record<string, number>>,
  profiles: readonly StressProfile[],
): ResolvedOp[] {
  const index = specNameIndex(profiles);
  return Object.entries(ops).map(([name, weight]) => ({
    ...resolveOne(name, profiles, index),
    name,
    weight,
  }));
}
