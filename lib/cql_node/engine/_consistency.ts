/**
 * Whether a consistency level can be met on this one-node cluster, answered as Cassandra 5.0
 * answers it: Unavailable when a level needs more replicas than the one node (`cl=ALL` with
 * replication factor 2), Invalid for levels a statement may not use (ANY for reads, SERIAL for
 * plain writes, ANY for counters). Private to lib/cql_node.
 *
 * @module
 */

import { CqlError } from "../protocol/cql_error.ts";
import type { KeyspaceSchema } from "./schema.ts";

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

function factorsOf(keyspace: KeyspaceSchema, datacenter: string): Factors {
  const replication = keyspace.replication;
  const strategy = replication["class"] ?? "";
  if (strategy.endsWith(".SimpleStrategy")) {
    const rf = Number(replication["replication_factor"] ?? 1);
    return { total: rf, local: rf };
  }
  if (strategy.endsWith(".NetworkTopologyStrategy")) {
    let total = 0;
    for (const [name, value] of Object.entries(replication)) {
      if (name !== "class") total += Number(value);
    }
    const local = Number(replication[datacenter] ?? replication["replication_factor"] ?? 0);
    return { total, local };
  }
  return { total: 1, local: 1 };
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
 * Checks a request against the keyspace's replication on this one-node cluster.
 *
 * @param keyspace The keyspace of the statement's table.
 * @param datacenter The node's data center.
 * @param request The consistency levels and the kind of statement.
 * @throws {CqlError} Invalid for a level the statement may not use; Unavailable (with the
 *   level, the replicas it needs and the one alive) when one node is not enough.
 */
export function checkConsistency(
  keyspace: KeyspaceSchema,
  datacenter: string,
  request: ConsistencyRequest,
): void {
  validate(request);
  const level = effectiveLevel(request);
  if (level === null) return;
  const factors = factorsOf(keyspace, datacenter);
  const required = blockFor(level, factors);
  const alive = factors.local > 0 ? 1 : 0;
  if (alive < required) throw CqlError.unavailable(level, required, alive);
}
