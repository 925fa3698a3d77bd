/**
 * A keyspace's replication map as Cassandra 5.0 stores and checks it on a one-node cluster:
 * strategy classes fully qualified, SimpleStrategy's factor defaulted to 1,
 * NetworkTopologyStrategy's `replication_factor` expanded into the node's data center, unknown
 * options and data centers refused, and the warnings a factor above one node earns. Private to
 * lib/cql_node.
 *
 * @module
 */

import type { OptionValue } from "../parse/cql_ast.ts";
import { CqlError } from "../protocol/cql_error.ts";
import { ERROR_CODE } from "../../protocol/protocol_codes.ts";

const STRATEGY_PREFIX = "org.apache.cassandra.locator.";
const SIMPLE = STRATEGY_PREFIX + "SimpleStrategy";
const NETWORK = STRATEGY_PREFIX + "NetworkTopologyStrategy";
const FACTOR = "replication_factor";

/** The data center and the keyspace a replication map is for. */
export interface ReplicationContext extends NodePlace {
  /** The keyspace name, for messages. */
  keyspace: string;
}

/** Where the node stands: its data center and its ring. */
export interface NodePlace {
  /** The node's data center. */
  datacenter: string;
  /**
   * How many nodes the ring has in a data center ("": all of them), for the warnings.
   * Default: one.
   */
  nodesIn?: (datacenter: string) => number;
}

function configError(message: string): CqlError {
  return new CqlError(ERROR_CODE.configError, message);
}

/** Java's String.hashCode. */
function javaHash(text: string): number {
  let h = 0;
  for (let i = 0; i < text.length; i++) h = (Math.imul(h, 31) + text.charCodeAt(i)) | 0;
  return h;
}

/**
 * The option Cassandra names when several are unrecognized: the first in its option map's
 * iteration order (a Java HashMap of default capacity: by hash bucket).
 */
function firstInHashOrder(names: string[]): string {
  const bucket = (name: string) => {
    const h = javaHash(name);
    return (h ^ (h >>> 16)) & 15;
  };
  return names.reduce((best, name) => bucket(name) < bucket(best) ? name : best);
}

function unrecognized(names: string[], strategy: string, context: ReplicationContext): CqlError {
  return configError(
    `Unrecognized strategy option {${firstInHashOrder(names)}} passed to ${
      strategy.slice(STRATEGY_PREFIX.length)
    } for keyspace ${context.keyspace}`,
  );
}

function simple(given: Record<string, string>, context: ReplicationContext) {
  const unknown = Object.keys(given).filter((name) => name !== "class" && name !== FACTOR);
  if (unknown.length > 0) throw unrecognized(unknown, SIMPLE, context);
  return { class: SIMPLE, [FACTOR]: given[FACTOR] ?? "1" };
}

function network(given: Record<string, string>, context: ReplicationContext) {
  const names = Object.keys(given).filter((name) => name !== "class" && name !== FACTOR);
  const unknown = names.filter((name) => name !== context.datacenter);
  if (unknown.length > 0) throw unrecognized(unknown, NETWORK, context);
  const out: Record<string, string> = { class: NETWORK };
  const factor = given[context.datacenter] ?? given[FACTOR];
  if (factor !== undefined && factor !== "0") out[context.datacenter] = factor;
  else if (names.length > 0 || given[FACTOR] !== undefined) {
    throw configError("Configuration for at least one datacenter must be present");
  }
  return out;
}

/**
 * Validates and normalises the `replication` option of CREATE/ALTER KEYSPACE.
 *
 * @param options The keyspace options as given.
 * @param context The keyspace and the node's data center.
 * @returns The replication map as system_schema.keyspaces shows it.
 * @throws {CqlError} When the option is missing or not a map, or the strategy or its options are
 *   unknown (messages as Cassandra 5.0 words them).
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { replicationOf } from "./_replication.ts";
 * const context = { keyspace: "ks", datacenter: "datacenter1" };
 * assert.deepEqual(
 *   replicationOf({ replication: { class: "NetworkTopologyStrategy", replication_factor: "3" } }, context),
 *   { class: "org.apache.cassandra.locator.NetworkTopologyStrategy", datacenter1: "3" },
 * );
 * ```
 */
export function replicationOf(
  options: Record<string, OptionValue>,
  context: ReplicationContext,
): Record<string, string> {
  const given = options["replication"];
  if (given === undefined) throw CqlError.invalid("Missing mandatory option 'replication'");
  if (typeof given !== "object") throw CqlError.invalid("Invalid value for option 'replication'");
  const cls = given["class"];
  if (!cls) throw configError("Missing replication strategy class");
  const strategy = cls.includes(".") ? cls : STRATEGY_PREFIX + cls;
  if (strategy === SIMPLE) return simple(given, context);
  if (strategy === NETWORK) return network(given, context);
  throw configError(`Unable to find replication strategy class '${strategy}'`);
}

/** The number of replicas of each data center in a normalised replication map. */
function factors(replication: Record<string, string>, datacenter: string): Map<string, number> {
  if (replication["class"] === SIMPLE) {
    return new Map([["", Number(replication[FACTOR])]]);
  }
  return new Map(
    Object.entries(replication).filter(([name]) => name !== "class" && name === datacenter)
      .map(([name, value]) => [name, Number(value)]),
  );
}

function total(replication: Record<string, string>): number {
  let sum = 0;
  for (const [name, value] of Object.entries(replication)) {
    if (name !== "class") sum += Number(value);
  }
  return sum;
}

/**
 * The warnings a real cluster sends with CREATE or ALTER KEYSPACE: a factor above its number of
 * nodes (in the data center), and after ALTER a factor raised (a repair is needed).
 *
 * @param replication The new normalised replication map.
 * @param context The keyspace and the node's data center.
 * @param before The map before an ALTER; `undefined` for CREATE.
 * @returns The warnings, in the order Cassandra sends them.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { replicationWarnings } from "./_replication.ts";
 * const simple = { class: "org.apache.cassandra.locator.SimpleStrategy", replication_factor: "2" };
 * assert.deepEqual(replicationWarnings(simple, { keyspace: "ks", datacenter: "dc1" }), [
 *   "Your replication factor 2 for keyspace ks is higher than the number of nodes 1",
 * ]);
 * ```
 */
export function replicationWarnings(
  replication: Record<string, string>,
  context: ReplicationContext,
  before?: Record<string, string>,
): string[] {
  const warnings: string[] = [];
  for (const [datacenter, rf] of factors(replication, context.datacenter)) {
    const nodes = context.nodesIn?.(datacenter) ?? 1;
    if (rf <= nodes) continue;
    const where = datacenter === "" ? "" : ` for datacenter ${datacenter}`;
    warnings.push(
      `Your replication factor ${rf} for keyspace ${context.keyspace} is higher than the number of nodes ${nodes}${where}`,
    );
  }
  if (before !== undefined && total(replication) > total(before)) {
    warnings.push(
      "When increasing replication factor you need to run a full (-full) repair to distribute the data.",
    );
  }
  return warnings;
}
