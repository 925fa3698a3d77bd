// The `USING TTL ... AND TIMESTAMP ...` of a write, checked as Cassandra 5.0 checks it when the
// write runs. The node keeps no TTLs or timestamps; a value Cassandra refuses is refused.
import type { BatchStatement, UsingClause } from "../parse/cql_ast.ts";
import { CqlError } from "../protocol/cql_error.ts";
import type { CqlType } from "../values/cql_type.ts";
import { type BindCollector, compileTerm, type ExecContext } from "./_bind.ts";

const INT: CqlType = { kind: "native", name: "int" };
const BIGINT: CqlType = { kind: "native", name: "bigint" };
/** Cassandra's largest TTL: 20 years in seconds. */
const MAX_TTL_SECONDS = 630720000;

/** Checks one execution's TTL and timestamp. */
type UsingCheck = (ctx: ExecContext) => void;

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
  return (ctx) => {
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
    }
    if (timestamp?.(ctx) === null) throw CqlError.invalid("Invalid null value of timestamp");
  };
}

/**
 * A write that checks its USING clause first.
 *
 * @param check The clause's check, or `null`.
 * @param write The write.
 * @returns The write itself without a check.
 */
export function withUsing(
  check: UsingCheck | null,
  write: (ctx: ExecContext) => void,
): (ctx: ExecContext) => void {
  if (check === null) return write;
  return (ctx) => {
    check(ctx);
    write(ctx);
  };
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
