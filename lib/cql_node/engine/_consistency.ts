/**
 * Whether a consistency level can be met by the node's ring (one node, or the nodes of
 * `stress serve --nodes N`, all of them up), answered as Cassandra 5.0 answers it: Unavailable
 * when a level needs more replicas than the ring has in the keyspace's data centers (`cl=ALL`
 * with replication factor 2 on one node), Invalid for levels a statement may not use (ANY for
 * reads, SERIAL for plain writes, ANY for counters). Private to lib/cql_node.
 *
 * @module
 */

import { CqlError } from "../protocol/cql_error.ts";
import type { KeyspaceSchema } from "./schema.ts";
import type { NodePlace } from "./_replication.ts";

/** Consistency level protocol codes. */
export const CL = {
  any: 0x0000,
  one: 0x0001,
  two: 0x0002,
  three: 0x0003,
  quorum: 0x0004,
  all: 0x0005,
  localQuorum: 0x0006,
  eachQuorum: 0x0007,
  serial: 0x0008,
  localSerial: 0x0009,
  localOne: 0x000a,
} as const;

/** What a statement asks of the replicas. */
export interface ConsistencyRequest {
  /** The consistency level of the request. */
  consistency: number;
  /** The serial consistency level (conditional writes). */
  serialConsistency: number;
  /** Whether the statement writes. */
  write: boolean;
  /** Whether it writes with a condition (IF ...). */
  conditional: boolean;
  /** Whether the table is a counter table. */
  counter: boolean;
  /** The table name, for messages. */
  table: string;
}

/** Replication factors: the sum over data centers, and the node's own data center's. */
interface Factors {
  total: number;
  local: number;
}

/** The keys of a NetworkTopologyStrategy map that name a data center, with their factors. */
function dataCenterFactors(replication: Record<string, string>, own: string): [string, number][] {
  // The key replication_factor alone stands for the node's own data center.
  return Object.entries(replication).filter(([name]) => name !== "class")
    .map(([name, value]) => [name === "replication_factor" ? own : name, Number(value)]);
}

function factorsOf(keyspace: KeyspaceSchema, datacenter: string): Factors {
  const replication = keyspace.replication;
  const strategy = replication["class"] ?? "";
  if (strategy.endsWith(".SimpleStrategy")) {
    const rf = Number(replication["replication_factor"] ?? 1);
    return { total: rf, local: rf };
  }
  if (strategy.endsWith(".NetworkTopologyStrategy")) {
    let total = 0;
    for (const [, rf] of dataCenterFactors(replication, datacenter)) total += rf;
    const local = Number(replication[datacenter] ?? replication["replication_factor"] ?? 0);
    return { total, local };
  }
  return { total: 1, local: 1 };
}

/**
 * The live replicas of a keyspace, all nodes of the ring being up: in each data center its
 * nodes, at most its factor, summed over them; for a local level, those of the node's own data
 * center (`localFactor`, its factor), else null.
 */
function aliveReplicas(
  keyspace: KeyspaceSchema,
  place: NodePlace,
  localFactor: number | null,
): number {
  const replication = keyspace.replication;
  const strategy = replication["class"] ?? "";
  const nodesIn = place.nodesIn ?? ((datacenter) => datacenter === place.datacenter ? 1 : 0);
  if (strategy.endsWith(".SimpleStrategy")) {
    return Math.min(Number(replication["replication_factor"] ?? 1), nodesIn(""));
  }
  if (!strategy.endsWith(".NetworkTopologyStrategy")) return 1;
  if (localFactor !== null) return Math.min(localFactor, nodesIn(place.datacenter));
  let alive = 0;
  for (const [datacenter, rf] of dataCenterFactors(replication, place.datacenter)) {
    alive += Math.min(rf, nodesIn(datacenter));
  }
  return alive;
}

function quorum(rf: number): number {
  return Math.floor(rf / 2) + 1;
}

function blockFor(consistency: number, factors: Factors): number {
  switch (consistency) {
    case CL.two:
      return 2;
    case CL.three:
      return 3;
    case CL.quorum:
    case CL.eachQuorum:
      return quorum(factors.total);
    case CL.all:
      return factors.total;
    case CL.localQuorum:
      return quorum(factors.local);
    default:
      return 1;
  }
}

function validate(request: ConsistencyRequest): void {
  const { consistency, write } = request;
  const serial = consistency === CL.serial || consistency === CL.localSerial;
  if (!write && consistency === CL.any) {
    throw CqlError.invalid("ANY ConsistencyLevel is only supported for writes");
  }
  if (write && request.counter && consistency === CL.any) {
    throw CqlError.invalid(
      `Consistency level ANY is not yet supported for counter table ${request.table}`,
    );
  }
  if (write && !request.conditional && serial) {
    throw CqlError.invalid("You must use conditional updates for serializable writes");
  }
  const serialLevel = request.serialConsistency;
  if (write && request.conditional && serialLevel !== CL.serial && serialLevel !== CL.localSerial) {
    throw CqlError.invalid(
      "Invalid consistency for conditional update. Must be one of SERIAL or LOCAL_SERIAL",
    );
  }
}

/**
 * The level whose replicas a request waits for: serial levels wait for a quorum (conditional
 * writes by their serial level), ANY for no live replica.
 */
function effectiveLevel(request: ConsistencyRequest): number | null {
  const level = request.write && request.conditional
    ? request.serialConsistency
    : request.consistency;
  if (level === CL.serial) return CL.quorum;
  if (level === CL.localSerial) return CL.localQuorum;
  if (level === CL.any) return null;
  return level;
}

/**
 * Checks a request against the keyspace's replication and the nodes of the ring.
 *
 * @param keyspace The keyspace of the statement's table.
 * @param place The node's data center and its ring's nodes in each.
 * @param request The consistency levels and the kind of statement.
 * @throws {CqlError} Invalid for a level the statement may not use; Unavailable (with the
 *   level, the replicas it needs and those alive) when the ring's nodes are not enough.
 */
export function checkConsistency(
  keyspace: KeyspaceSchema,
  place: NodePlace,
  request: ConsistencyRequest,
): void {
  validate(request);
  const level = effectiveLevel(request);
  if (level === null) return;
  const factors = factorsOf(keyspace, place.datacenter);
  const required = blockFor(level, factors);
  // The node is a live replica of its own data center: one is there whenever its factor is.
  if (required <= 1 && factors.local > 0) return;
  const local = level === CL.localQuorum || level === CL.localOne;
  const alive = aliveReplicas(keyspace, place, local ? factors.local : null);
  if (alive < required) throw CqlError.unavailable(level, required, alive);
}
