// Reads the parameters of a QUERY or EXECUTE (values, paging, consistency levels) and of a
// BATCH, and checks the number of bound values.
import type {
  ConsistencyLevels,
  ExecOptions,
  PreparedStatement,
} from "../engine/prepared_statement.ts";
import { CqlError } from "./cql_error.ts";
import type { FrameReader } from "./frame_reader.ts";
import { OPCODE, QUERY_FLAG } from "../../protocol/protocol_codes.ts";

/** The serial consistency level when a request gives none. */
const SERIAL = 0x0008;

/** The parameters of one QUERY or EXECUTE. */
export interface RequestParams extends ExecOptions {
  /** Whether the client may be sent rows without their metadata. */
  skipMetadata: boolean;
  /** Whether the values came with names. */
  named: boolean;
  /** The consistency level's protocol code. */
  consistency: number;
  /** The serial consistency level's protocol code. */
  serialConsistency: number;
}

/**
 * Reads `<consistency><flags>[values][page size][paging state][serial][timestamp]`; named
 * values are put in marker order of `statement`.
 */
export function readParams(
  reader: FrameReader,
  version: number,
  statement: PreparedStatement | null,
): RequestParams {
  const consistency = reader.readShort();
  const flags = version >= 5 ? reader.readInt() : reader.readByte();
  let values: (Uint8Array | null | undefined)[] = [];
  let names: string[] | null = null;
  if (flags & QUERY_FLAG.values) {
    const n = reader.readShort();
    if (flags & QUERY_FLAG.namesForValues) names = [];
    for (let i = 0; i < n; i++) {
      if (names) names.push(reader.readString());
      values.push(version >= 4 ? reader.readValue() : reader.readBytes());
    }
  }
  const pageSize = flags & QUERY_FLAG.pageSize ? reader.readInt() : 0;
  const pagingState = flags & QUERY_FLAG.pagingState ? reader.readBytes() : null;
  const serialConsistency = flags & QUERY_FLAG.serialConsistency ? reader.readShort() : SERIAL;
  const timestamp = flags & QUERY_FLAG.defaultTimestamp ? reader.readLong() : undefined;
  if (names && statement) values = byName(statement, names, values);
  const skipMetadata = (flags & QUERY_FLAG.skipMetadata) !== 0;
  return {
    ...(timestamp === undefined ? {} : { timestamp }),
    values,
    pageSize,
    pagingState,
    skipMetadata,
    named: names !== null,
    consistency,
    serialConsistency,
  };
}

/** Reads the consistency levels that end a BATCH (`<consistency><flags>[serial][timestamp]`). */
export function readBatchLevels(reader: FrameReader, version: number): ConsistencyLevels {
  const consistency = reader.readShort();
  const flags = version >= 5 ? reader.readInt() : reader.readByte();
  const serialConsistency = flags & QUERY_FLAG.serialConsistency ? reader.readShort() : SERIAL;
  if (flags & QUERY_FLAG.defaultTimestamp) {
    return { consistency, serialConsistency, timestamp: reader.readLong() };
  }
  return { consistency, serialConsistency };
}

function byName(
  statement: PreparedStatement,
  names: string[],
  given: (Uint8Array | null | undefined)[],
): (Uint8Array | null | undefined)[] {
  const values: (Uint8Array | null | undefined)[] = new Array(statement.binds.length);
  names.forEach((name, i) => {
    let found = false;
    statement.binds.forEach((spec, at) => {
      const markerName = statement.markerNames[at] ?? spec.name;
      if (markerName === name || markerName === name.toLowerCase()) {
        values[at] = given[i];
        found = true;
      }
    });
    if (!found) throw CqlError.invalid(`Invalid named bind variable: ${name}`);
  });
  return values;
}

/**
 * Checks the number of values as Cassandra 5.0 does, in its words for each request:
 * `Invalid amount of bind variables` (QUERY), `there were N markers(?) ...` (EXECUTE),
 * `There were N markers(?) ...` (a statement of a BATCH).
 */
export function checkCount(statement: PreparedStatement, count: number, opcode: number): void {
  if (count === statement.binds.length) return;
  if (opcode === OPCODE.query) throw CqlError.invalid("Invalid amount of bind variables");
  const there = opcode === OPCODE.execute ? "there" : "There";
  throw CqlError.invalid(
    `${there} were ${statement.binds.length} markers(?) in CQL but ${count} bound variables`,
  );
}
