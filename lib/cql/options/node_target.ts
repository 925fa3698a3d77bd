/**
 * What `-node` means, decided once in the grammar: a cluster at the listed hosts (and the hosts
 * of `file=`), the embedded node started in-process (`-node embedded`), or the synthetic target
 * (`-node synthetic[:DIST][:errors(P)]`) with its latency distribution and error rate.
 *
 * @module
 */

import { UsageError } from "../../errors.ts";
import type { DistributionSpec } from "../../units/distribution_spec.ts";
import { parseDistribution } from "../../units/parse_distribution.ts";

/** The `-node` value that starts the embedded node in-process. */
export const EMBEDDED_HOST = "embedded";
/** The `-node` host that selects the synthetic target: `synthetic` or `synthetic:DIST`. */
export const SYNTHETIC_HOST = "synthetic";

/**
 * `synthetic` alone or followed by a character no host name has (`:`, `(`), in any case: a real
 * host whose name only starts with the word (`synthetic-1.example.com`) stays a host.
 */
const SYNTHETIC_PATTERN = /^synthetic(?:$|[^a-z0-9.-])/i;

/**
 * Whether a `-node` host selects the synthetic target rather than naming a node.
 *
 * @param host One host as given.
 * @returns True for `synthetic`, `synthetic:DIST` (any case) and other spellings the synthetic
 * parser checks; false for a host name that only starts with `synthetic`.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { isSyntheticHost } from "./node_target.ts";
 * assert.equal(isSyntheticHost("Synthetic:uniform(1..5)"), true);
 * assert.equal(isSyntheticHost("synthetic-1.example.com"), false);
 * ```
 */
export function isSyntheticHost(host: string): boolean {
  return SYNTHETIC_PATTERN.test(host);
}

/** What `-node` targets. */
export type NodeTarget =
  | {
    /** A cluster at `hosts` and the hosts listed in `file=`. */
    readonly kind: "hosts";
  }
  | {
    /** The embedded node, started in-process on a free loopback port. */
    readonly kind: "embedded";
  }
  | {
    /** No server: ops complete after a latency drawn from `latencyUs`. */
    readonly kind: "synthetic";
    /** The latency of one op in microseconds, or null for none. */
    readonly latencyUs: DistributionSpec | null;
    /** The probability (0..1) that an op fails. */
    readonly errorRate: number;
    /**
     * The other hosts given with it (`-node synthetic,127.0.0.1`): the command line parses, a
     * run refuses them.
     */
    readonly alongside: readonly string[];
  };

/**
 * Decides what `-node` targets from its hosts as given.
 *
 * @param hosts The hosts as given (split on commas outside parentheses).
 * @param file The `file=` path, or null.
 * @returns The target.
 * @throws {UsageError} When the synthetic target is badly written.
 * @throws {OptionError} For a bad synthetic latency distribution.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseNodeTarget } from "./node_target.ts";
 * assert.deepEqual(parseNodeTarget(["embedded"], null), { kind: "embedded" });
 * assert.deepEqual(parseNodeTarget(["127.0.0.1", "127.0.0.2"], null), { kind: "hosts" });
 * assert.equal(parseNodeTarget(["synthetic:errors(0.5)"], null).kind, "synthetic");
 * ```
 */
export function parseNodeTarget(hosts: readonly string[], file: string | null): NodeTarget {
  const synthetic = hosts.findIndex(isSyntheticHost);
  if (synthetic >= 0) {
    return {
      ...parseSynthetic(hosts[synthetic]),
      alongside: hosts.filter((_, i) => i !== synthetic),
    };
  }
  const embedded = file === null && hosts.length === 1 &&
    hosts[0].toLowerCase() === EMBEDDED_HOST;
  return embedded ? { kind: "embedded" } : { kind: "hosts" };
}

/** Parses `synthetic[:DIST][:errors(P)]`. */
function parseSynthetic(
  host: string,
): { kind: "synthetic"; latencyUs: DistributionSpec | null; errorRate: number } {
  const spec = host.slice(SYNTHETIC_HOST.length);
  if (spec === "") return { kind: "synthetic", latencyUs: null, errorRate: 0 };
  if (!spec.startsWith(":")) {
    throw new UsageError(
      `Cannot parse option "-node": "${host}" is invalid, expected synthetic[:DIST][:errors(P)]`,
    );
  }
  let errorRate = 0;
  let latencyUs: DistributionSpec | null = null;
  for (const part of spec.slice(1).split(":")) {
    const errors = /^errors\((.*)\)$/i.exec(part);
    if (errors === null) {
      latencyUs = part === "" ? null : parseDistribution(part, "-node synthetic");
      continue;
    }
    errorRate = /^[0-9]*\.?[0-9]+$/.test(errors[1]) ? Number(errors[1]) : NaN;
    if (!(errorRate >= 0 && errorRate <= 1)) {
      throw new UsageError(
        `Cannot parse option "-node": "${part}" is invalid, expected errors(P) with P in 0..1`,
      );
    }
  }
  return { kind: "synthetic", latencyUs, errorRate };
}
