// The `USING TTL ... AND TIMESTAMP ...` of a write, checked as Cassandra 5.0 checks it when the
// write runs, and the stamp (timestamp and TTL) the write puts on the cells it writes.
import type { BatchStatement, UsingClause } from "../parse/cql_ast.ts";
import { CqlError } from "../protocol/cql_error.ts";
import type { CqlType } from "../values/cql_type.ts";
import { BindCollector, compileTerm, type ExecContext, type TermFn } from "./_bind.ts";
import { halvesOf, NO_TIME, type WriteStamp } from "./_cell_times.ts";
import type { TableSchema } from "./schema.ts";
import { isMultiCell } from "./_cell_size.ts";

const INT: CqlType = { kind: "native", name: "int" };
const BIGINT: CqlType = { kind: "native", name: "bigint" };
/** Cassandra's largest TTL: 20 years in seconds. */
const MAX_TTL_SECONDS = 630720000;

/** Checks one execution's TTL and timestamp, and puts them on the write's stamp. */
type UsingCheck = (ctx: ExecContext, stamp: WriteStamp) => void;

/**
 * Compiles a USING clause: its markers are bound, its values checked at each execution (a null
 * TTL is no TTL, an unset one the table's default; a TTL below 0 or above 20 years and a null
 * timestamp are refused).
 *
 * @param using The clause.
 * @param binds The statement's markers.
 * @returns The check, `null` when there is nothing to check.
 */
export function compileUsing(using: UsingClause, binds: BindCollector): UsingCheck | null {
  const ttl = using.ttl ? compileTerm(INT, using.ttl, "[ttl]", binds) : null;
  const timestamp = using.timestamp
    ? compileTerm(BIGINT, using.timestamp, "[timestamp]", binds)
    : null;
  if (ttl === null && timestamp === null) return null;
  return (ctx, stamp) => {
    const ttlBytes = ttl?.(ctx);
    if (ttlBytes) {
      const seconds = new DataView(ttlBytes.buffer, ttlBytes.byteOffset, 4).getInt32(0);
      if (seconds < 0) {
        throw CqlError.invalid(`A TTL must be greater or equal to 0, but was ${seconds}`);
      }
      if (seconds > MAX_TTL_SECONDS) {
        throw CqlError.invalid(
          `ttl is too large. requested (${seconds}) maximum (${MAX_TTL_SECONDS})`,
        );
      }
      stamp.ttl = seconds;
    } else if (ttlBytes === null) stamp.ttl = 0;
    if (timestamp !== null) setTimestamp(timestamp, ctx, stamp);
  };
}

function setTimestamp(timestamp: TermFn, ctx: ExecContext, stamp: WriteStamp): void {
  const bytes = timestamp(ctx);
  if (bytes === null) throw CqlError.invalid("Invalid null value of timestamp");
  if (bytes === undefined) return;
  const view = new DataView(bytes.buffer, bytes.byteOffset, 8);
  stamp.hi = view.getInt32(0);
  stamp.lo = view.getUint32(4);
  if (stamp.hi === NO_TIME && stamp.lo === 0) {
    throw CqlError.invalid(
      "Out of bound timestamp, must be in [-9223372036854775807, 9223372036854775807]",
    );
  }
}

/** Cassandra's refusal of a USING TIMESTAMP or TTL on a write of a counter table. */
export function checkCounterUsing(table: TableSchema, using: UsingClause): void {
  if (!table.isCounter) return;
  if (using.timestamp) {
    throw CqlError.invalid("Cannot provide custom timestamp for counter updates");
  }
  if (using.ttl) throw CqlError.invalid("Cannot provide custom TTL for counter updates");
}

/** What a write stamps besides its timestamp and TTL. */
export interface StampShape {
  /** Whether it sets the row marker (an INSERT). */
  marker: boolean;
  /** Whether it deletes whole rows. */
  deletesRow: boolean;
  /** Whether it is a DELETE (its tombstones have no TTL). */
  deletes: boolean;
  /** The cells the statement names. */
  cells: number[];
}

/**
 * A write that stamps the cells it writes: the timestamp of its USING clause, else the one the
 * request or the node gives (`ctx`), and the TTL of its USING clause, else the table's
 * `default_time_to_live`.
 *
 * @param table The table written.
 * @param check The USING clause's check, or `null`.
 * @param shape What the write writes.
 * @param write The write.
 * @returns The stamped write.
 */
export function withStamp(
  table: TableSchema,
  check: UsingCheck | null,
  shape: StampShape,
  write: (ctx: ExecContext) => void,
): (ctx: ExecContext) => void {
  const cells = table.cells.map((_, i) => shape.cells.includes(i));
  const stamp: WriteStamp = {
    hi: 0,
    lo: 0,
    ttl: 0,
    expiry: 0,
    marker: shape.marker,
    deletesRow: shape.deletesRow,
    cells,
    multiCell: table.cells.map((col) => table.isCounter || isMultiCell(col.type)),
  };
  const store = table.store;
  return (ctx) => {
    const micros = ctx.timestamp ?? ctx.nowMs * 1000;
    if (typeof micros === "number") [stamp.hi, stamp.lo] = halvesOf(micros);
    else {
      stamp.hi = Number(BigInt.asIntN(32, micros >> 32n));
      stamp.lo = Number(BigInt.asUintN(32, micros));
    }
    stamp.ttl = shape.deletes ? 0 : defaultTtl(table);
    if (check !== null) check(ctx, stamp);
    if (shape.deletes || table.isCounter) stamp.ttl = 0;
    stamp.expiry = stamp.ttl === 0 ? 0 : Math.floor(ctx.nowMs / 1000) + stamp.ttl;
    const outer = store.stamp;
    store.stamp = stamp;
    try {
      write(ctx);
    } finally {
      store.stamp = outer;
    }
  };
}

function defaultTtl(table: TableSchema): number {
  const value = table.options["default_time_to_live"];
  const seconds = typeof value === "number" ? value : Number(value ?? 0);
  return Number.isInteger(seconds) && seconds > 0 ? seconds : 0;
}

/**
 * Cassandra's checks of a BATCH's own USING clause, once its statements are compiled: no TTL,
 * and a timestamp neither on a conditional or counter batch nor with a statement's own.
 *
 * @param batch The batch.
 * @param plans Its statements' plans, in order: whether each has conditions, and its table.
 * @throws {CqlError} When Cassandra refuses the clause.
 */
export function checkBatchUsing(
  batch: BatchStatement,
  plans: { conditional: boolean; table: { isCounter: boolean } }[],
): void {
  if (batch.using.ttl) {
    throw CqlError.invalid("Global TTL on the BATCH statement is not supported.");
  }
  if (!batch.using.timestamp) return;
  if (plans.some((plan) => plan.conditional)) {
    throw CqlError.invalid("Cannot provide custom timestamp for conditional BATCH");
  }
  if (batch.type === "counter") {
    throw CqlError.invalid("Cannot provide custom timestamp for counter BATCH");
  }
  batch.statements.forEach((statement, i) => {
    if (plans[i].table.isCounter) {
      throw CqlError.invalid("Cannot provide custom timestamp for a BATCH containing counters");
    }
    if (statement.using.timestamp) {
      throw CqlError.invalid("Timestamp must be set either on BATCH or individual statements");
    }
  });
}

/**
 * The timestamp a BATCH's own USING TIMESTAMP gives its statements.
 *
 * @param statement The batch.
 * @param markers The number of its markers.
 * @returns The timestamp of one execution, `null` without the clause.
 */
export function compileBatchTimestamp(
  statement: BatchStatement,
  markers: number,
): ((ctx: ExecContext) => bigint | undefined) | null {
  const term = statement.using.timestamp;
  if (!term) return null;
  const fn = compileTerm(BIGINT, term, "[timestamp]", new BindCollector(markers, "", ""));
  return (ctx) => {
    const bytes = fn(ctx);
    if (bytes === null) throw CqlError.invalid("Invalid null value of timestamp");
    return bytes === undefined
      ? undefined
      : new DataView(bytes.buffer, bytes.byteOffset, 8).getBigInt64(0);
  };
}
