// Compiles SELECT into a function producing result rows, with paging.
import type { SelectStatement } from "../parse/cql_ast.ts";
import { CqlError } from "../protocol/cql_error.ts";
import { type CqlType, formatCqlType } from "../values/cql_type.ts";
import type { ColumnSchema, TableSchema } from "./schema.ts";
import {
  type BindCollector,
  compileTerm,
  type ExecContext,
  sameBytes,
  type TermFn,
} from "./_bind.ts";
import { decodePartitionKey, encodePartitionKey, partitionRows, type RowRef } from "./_keys.ts";
import { compileWhere, type KeyPlan, passes } from "./_restrictions.ts";
import { checkAllowFiltering } from "./_allow_filtering.ts";
import { inTokenRange, tokenBytes, tokenHalves, tokenRangeOf } from "./_token_scan.ts";

/** A result column. */
export interface ColumnSpec {
  keyspace: string;
  table: string;
  name: string;
  type: CqlType;
}

/** Paging input of one execution. */
export interface PageRequest {
  /** Rows per page; 0 or less for no paging. */
  pageSize: number;
  /** The paging state from the previous page. */
  pagingState: Uint8Array | null;
}

/** One page of rows. */
export interface RowsPage {
  rows: (Uint8Array | null)[][];
  /** Set when more rows follow. */
  pagingState: Uint8Array | null;
  /** Warnings for the client. */
  warnings?: string[];
}

/** Where a token-ordered scan resumes: a partition, and the rows of it already sent. */
interface Resume {
  key: Uint8Array;
  skip: number;
}

/** A compiled SELECT. */
export interface SelectPlan {
  table: TableSchema;
  columns: ColumnSpec[];
  run(ctx: ExecContext, page: PageRequest): RowsPage;
}

const INT: CqlType = { kind: "native", name: "int" };
const BIGINT: CqlType = { kind: "native", name: "bigint" };
const PAGING_MAGIC = 0x53545250; // "STRP"

function cellOf(col: ColumnSchema): (ref: RowRef) => Uint8Array | null {
  if (col.kind === "partition_key") return (ref) => ref.partitionKey[col.position] ?? null;
  if (col.kind === "clustering") return (ref) => ref.clustering[col.position] ?? null;
  return (ref) => ref.row.cells[col.cell];
}

function readLimit(fn: TermFn | null, ctx: ExecContext): number {
  if (fn === null) return Infinity;
  const bytes = fn(ctx);
  if (bytes === null || bytes === undefined) return Infinity;
  const value = new DataView(bytes.buffer, bytes.byteOffset, 4).getInt32(0);
  // Cassandra says LIMIT for PER PARTITION LIMIT too.
  if (value <= 0) throw CqlError.invalid("LIMIT must be strictly positive");
  return value;
}

/** One output column of a SELECT and how to read it from a row. */
interface Output {
  spec: ColumnSpec;
  get: (ref: RowRef) => Uint8Array | null;
}

/** Compiles a SELECT on `table`. */
export function compileSelect(
  table: TableSchema,
  statement: SelectStatement,
  binds: BindCollector,
): SelectPlan {
  if (statement.json) throw CqlError.invalid("SELECT JSON is not supported by the embedded node");
  const { outputs, count } = selectOutputs(table, statement);
  const keys = compileWhere(table, statement.where, binds);
  checkAllowFiltering(table, statement, keys);
  const limit = statement.limit ? compileTerm(INT, statement.limit, "[limit]", binds) : null;
  if (statement.perPartitionLimit && statement.distinct) {
    throw CqlError.invalid("PER PARTITION LIMIT is not allowed with SELECT DISTINCT queries");
  }
  if (statement.perPartitionLimit && count !== null) {
    throw CqlError.invalid("PER PARTITION LIMIT is not allowed with aggregate queries.");
  }
  const perPartition = statement.perPartitionLimit
    ? compileTerm(INT, statement.perPartitionLimit, "[per_partition_limit]", binds)
    : null;
  const reversed = isReversed(table, statement, keys);
  const rows = compileScan(table, keys, statement.distinct, perPartition, reversed);
  return {
    table,
    columns: count !== null ? [count] : outputs.map((o) => o.spec),
    run(ctx, page) {
      const max = readLimit(limit, ctx);
      if (count !== null) {
        const counted = countPage(rows(ctx), max);
        // Cassandra warns of an aggregate that reads every partition.
        if (keys.partition === null) {
          counted.warnings = ["Aggregation query used without partition key"];
        }
        return counted;
      }
      const state = readPagingState(page.pagingState);
      // Token-ordered scans resume at the partition they stopped in; others skip what was sent.
      const resume = keys.partition === null ? state.resume : null;
      const skip = resume === null ? state.sent : 0;
      const take = Math.min(page.pageSize > 0 ? page.pageSize : Infinity, max - state.sent);
      const out: (Uint8Array | null)[][] = [];
      let index = 0;
      let last: RowRef | null = null;
      let inPartition = resume?.skip ?? 0;
      if (take > 0) {
        for (const ref of rows(ctx, resume)) {
          if (index++ < skip) continue;
          out.push(outputs.map((o) => o.get(ref)));
          const samePartition = last !== null
            ? last.partitionKey === ref.partitionKey
            : resume !== null && sameBytes(encodePartitionKey(ref.partitionKey), resume.key);
          if (!samePartition) inPartition = 0;
          inPartition++;
          last = ref;
          if (out.length >= take) break;
        }
      }
      // As Cassandra pages: a full page says more may follow (unless LIMIT is reached), without
      // looking ahead; the next page may then be empty.
      let pagingState: Uint8Array | null = null;
      const sent = state.sent + out.length;
      if (out.length === take && sent < max) {
        const key = last === null ? null : encodePartitionKey(last.partitionKey);
        pagingState = pagingStateAt(sent, key, inPartition);
      }
      return { rows: out, pagingState };
    },
  };
}

/** The selected columns, or the `count(*)` column (never both). */
function selectOutputs(
  table: TableSchema,
  statement: SelectStatement,
): { outputs: Output[]; count: ColumnSpec | null } {
  const outputs: Output[] = [];
  let count: ColumnSpec | null = null;
  const spec = (name: string, type: CqlType): ColumnSpec => ({
    keyspace: table.keyspace,
    table: table.name,
    name,
    type,
  });
  const columns = statement.distinct && statement.selectors === null
    ? table.partitionKey
    : statement.selectors === null
    ? table.columns
    : null;
  if (columns) {
    for (const col of columns) outputs.push({ spec: spec(col.name, col.type), get: cellOf(col) });
  } else {
    for (const selector of statement.selectors!) {
      if (selector.kind === "column") {
        const col = table.byName.get(selector.name);
        if (!col) throw CqlError.undefinedColumn(selector.name, table);
        outputs.push({ spec: spec(selector.alias ?? col.name, col.type), get: cellOf(col) });
      } else if (selector.kind === "token") {
        outputs.push(tokenOutput(table, selector.columns, selector.alias, spec));
      } else if (selector.kind === "count") {
        count = spec(selector.alias ?? "count", BIGINT);
      } else {
        throw CqlError.invalid(
          `Selector ${
            selector.kind === "function" ? selector.name : selector.kind
          }() is not supported by the embedded node`,
        );
      }
    }
  }
  if (count !== null && outputs.length > 0) {
    throw CqlError.invalid("count(*) cannot be mixed with columns in the embedded node");
  }
  return { outputs, count };
}

/** The `token(k1, k2)` selector: the Murmur3 token of the partition key the columns give. */
function tokenOutput(
  table: TableSchema,
  names: string[],
  alias: string | undefined,
  spec: (name: string, type: CqlType) => ColumnSpec,
): Output {
  const pk = table.partitionKey;
  if (names.length !== pk.length) {
    throw CqlError.invalid(
      `Invalid number of arguments in call to function system.token: ${pk.length} required but ${names.length} provided`,
    );
  }
  const cols = names.map((name, i) => {
    const col = table.byName.get(name);
    if (!col) throw CqlError.undefinedColumn(name, table);
    if (formatCqlType(col.type) !== formatCqlType(pk[i].type)) {
      throw CqlError.invalid(
        `Type error: ${name} cannot be passed as argument ${i} of function system.token of type ${
          formatCqlType(pk[i].type)
        }`,
      );
    }
    return cellOf(col);
  });
  const isKey = cols.length === pk.length && names.every((name, i) => name === pk[i].name);
  const get = isKey
    ? (ref: RowRef) => tokenBytes(encodePartitionKey(ref.partitionKey))
    : (ref: RowRef) => {
      const parts = cols.map((get) => get(ref));
      return parts.some((p) => p === null)
        ? null
        : tokenBytes(encodePartitionKey(parts as Uint8Array[]));
    };
  return { spec: spec(alias ?? `system.token(${names.join(", ")})`, BIGINT), get };
}

/** Whether ORDER BY asks for the clustering order reversed (and may it). */
function isReversed(table: TableSchema, statement: SelectStatement, keys: KeyPlan): boolean {
  if (statement.orderBy.length === 0) return false;
  const first = statement.orderBy[0];
  const col = table.byName.get(first.column);
  if (!col || col.kind !== "clustering") {
    throw CqlError.invalid(
      "Order by is currently only supported on the clustered columns of the PRIMARY KEY",
    );
  }
  if (keys.partition === null) {
    throw CqlError.invalid(
      "ORDER BY is only supported when the partition key is restricted by an EQ or an IN.",
    );
  }
  return first.descending !== (col.order === "desc");
}

/** The rows a SELECT reads, partition by partition, with its filters and per-partition limit. */
function compileScan(
  table: TableSchema,
  keys: KeyPlan,
  distinct: boolean,
  perPartition: TermFn | null,
  reversed: boolean,
): (ctx: ExecContext, resume?: Resume | null) => Generator<RowRef> {
  const pkCount = table.partitionKey.length;
  return function* rows(ctx: ExecContext, resume?: Resume | null): Generator<RowRef> {
    // DISTINCT reads one row of each partition.
    const partitionLimit = distinct ? 1 : readLimit(perPartition, ctx);
    const range = tokenRangeOf(keys, ctx);
    if (range === null) return;
    const partitions: Iterable<[Uint8Array[], ReturnType<TableSchema["store"]["getPartition"]>]> =
      keys.partition !== null
        ? (function* () {
          const lists = keys.partition!.map((fn) => fn(ctx));
          let combos: Uint8Array[][] = [[]];
          for (const list of lists) combos = combos.flatMap((p) => list.map((v) => [...p, v]));
          for (const combo of combos) {
            const key = encodePartitionKey(combo);
            if (keys.token !== null && !inTokenRange(key, range)) continue;
            yield [combo, table.store.getPartition(key)];
          }
        })()
        : (function* () {
          const from = resume ? { key: resume.key, ...tokenHalves(resume.key) } : undefined;
          for (const [key, found] of table.store.partitionsByToken(range, from)) {
            yield [decodePartitionKey(key, pkCount), found];
          }
        })();
    let first = resume !== null && resume !== undefined;
    for (const [partitionKey, found] of partitions) {
      if (found === undefined) continue;
      // Resuming in the partition a page stopped in: skip the rows that page sent.
      const skip = first && sameBytes(encodePartitionKey(partitionKey), resume!.key)
        ? resume!.skip
        : 0;
      first = false;
      let n = 0;
      for (const ref of partitionRows(table, partitionKey, found, keys, ctx, reversed)) {
        if (!keys.filters.every((f) => passes(f, cellOf(f.column)(ref), ctx))) continue;
        if (!keys.clusteringTests.every((test) => test(ref.clustering, ctx))) continue;
        if (n >= partitionLimit) break;
        if (n++ < skip) continue;
        yield ref;
      }
    }
  };
}

/** The one-row page of `count(*)`: the rows read, at most `max`. */
function countPage(rows: Generator<RowRef>, max: number): RowsPage {
  let n = 0;
  for (const _ of rows) if (++n >= max) break;
  const bytes = new Uint8Array(8);
  new DataView(bytes.buffer).setBigInt64(0, BigInt(n));
  return { rows: [[bytes]], pagingState: null };
}

/** What a paging state says: rows sent so far, and where a token-ordered scan stopped. */
interface PagingPosition {
  sent: number;
  resume: Resume | null;
}

/** The rows to skip that a paging state says were sent already (0 without one). */
function readPagingState(state: Uint8Array | null): PagingPosition {
  if (state === null) return { sent: 0, resume: null };
  if (state.length < 8) throw CqlError.protocol("Invalid paging state");
  const view = new DataView(state.buffer, state.byteOffset, state.length);
  if (view.getUint32(0) !== PAGING_MAGIC) throw CqlError.protocol("Invalid paging state");
  const sent = view.getUint32(4);
  if (state.length < 12) return { sent, resume: null };
  return { sent, resume: { skip: view.getUint32(8), key: state.slice(12) } };
}

/**
 * The paging state of the page that starts after `sent` rows, the last of which were
 * `inPartition` rows of the partition with key bytes `key`.
 */
function pagingStateAt(sent: number, key: Uint8Array | null, inPartition: number): Uint8Array {
  const pagingState = new Uint8Array(key === null ? 8 : 12 + key.length);
  const view = new DataView(pagingState.buffer);
  view.setUint32(0, PAGING_MAGIC);
  view.setUint32(4, sent);
  if (key !== null) {
    view.setUint32(8, inPartition);
    pagingState.set(key, 12);
  }
  return pagingState;
}
