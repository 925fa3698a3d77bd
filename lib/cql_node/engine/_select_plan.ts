// Compiles SELECT into a function producing result rows, with paging.
import type { SelectStatement } from "../parse/cql_ast.ts";
import { CqlError } from "../protocol/cql_error.ts";
import type { CqlType } from "../values/cql_type.ts";
import type { TableSchema } from "./schema.ts";
import {
  type BindCollector,
  compileTerm,
  type ExecContext,
  sameBytes,
  type TermFn,
} from "./_bind.ts";
import {
  cartesian,
  decodePartitionKey,
  encodePartitionKey,
  partitionRows,
  type ResumeAfter,
  type RowRef,
  STATIC_ROW,
} from "./_keys.ts";
import { compileWhere, type KeyPlan, passes } from "./_restrictions.ts";
import { checkAllowFiltering } from "./_allow_filtering.ts";
import { inTokenRange, tokenHalves, tokenRangeOf } from "./_token_scan.ts";
import { type PagePosition, readPagingState, writePagingState } from "./_paging_state.ts";
import {
  type AggregateOutput,
  cellOf,
  checkDistinctSelection,
  checkStaticSelection,
  type ColumnSpec,
  type Output,
  selectOutputs,
} from "./_select_outputs.ts";
import {
  checkOrderPaging,
  orderingColumns,
  type SelectOrder,
  selectOrder,
} from "./_select_order.ts";
import type { Partition } from "./table_store.ts";
import { firstRowColumn } from "./_aggregates.ts";
import { aggregationWarnings, groupByPrefix, groupedPage, type GroupedRead } from "./_group_by.ts";

export type { ColumnSpec } from "./_select_outputs.ts";

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

/** A compiled SELECT. */
export interface SelectPlan {
  table: TableSchema;
  columns: ColumnSpec[];
  run(ctx: ExecContext, page: PageRequest): RowsPage;
}

/** How many rows of the partition being read were returned (the scan sets it before each row). */
interface ScanCursor {
  inPartition: number;
}

/** The rows a SELECT reads, after `resume` when given. */
type Scan = (
  ctx: ExecContext,
  resume: PagePosition | null,
  cursor: ScanCursor,
) => Generator<RowRef>;

const INT: CqlType = { kind: "native", name: "int" };

/**
 * A LIMIT or PER PARTITION LIMIT for one execution, as Cassandra reads it: none when absent or
 * unset, refused when null or not positive.
 */
function readLimit(fn: TermFn | null, ctx: ExecContext): number {
  if (fn === null) return Infinity;
  const bytes = fn(ctx);
  if (bytes === undefined) return Infinity;
  if (bytes === null) throw CqlError.invalid("Invalid null value of limit");
  const value = new DataView(bytes.buffer, bytes.byteOffset, 4).getInt32(0);
  // Cassandra says LIMIT for PER PARTITION LIMIT too.
  if (value <= 0) throw CqlError.invalid("LIMIT must be strictly positive");
  return value;
}

/** Compiles a SELECT on `table`. */
export function compileSelect(
  table: TableSchema,
  statement: SelectStatement,
  binds: BindCollector,
): SelectPlan {
  if (statement.json) throw CqlError.invalid("SELECT JSON is not supported by the embedded node");
  const { outputs, aggregates, selected } = selectOutputs(table, statement, binds);
  const bindOutputs = outputs.flatMap((output) => output.bind ?? []);
  const ordering = orderingColumns(table, statement);
  const keys = compileWhere(table, statement.where, binds, statement.allowFiltering);
  checkStaticSelection(table, statement.where, selected);
  checkAllowFiltering(table, statement, keys);
  const limit = statement.limit ? compileTerm(INT, statement.limit, "[limit]", binds) : null;
  if (statement.distinct) {
    if (statement.perPartitionLimit) {
      throw CqlError.invalid("PER PARTITION LIMIT is not allowed with SELECT DISTINCT queries");
    }
    checkDistinctSelection(table, keys, selected);
  }
  const prefix = groupByPrefix(table, statement);
  if (statement.perPartitionLimit && aggregates !== null && prefix === null) {
    throw CqlError.invalid("PER PARTITION LIMIT is not allowed with aggregate queries.");
  }
  const perPartition = statement.perPartitionLimit
    ? compileTerm(INT, statement.perPartitionLimit, "[per_partition_limit]", binds)
    : null;
  const order = selectOrder(table, statement, keys, ordering);
  // GROUP BY counts groups of a partition, not rows.
  const scanLimit = prefix === null ? perPartition : null;
  const rows = compileScan(table, keys, statement.distinct, scanLimit, order.reversed);
  const partitionIn = order.compare === null && isPartitionIn(table, statement);
  const grouped = prefix === null
    ? null
    : aggregates ?? outputs.map((output) => firstRowColumn(output.spec, output.get));
  const groupWarnings = aggregationWarnings(keys, isPartitionIn(table, statement));
  return {
    table,
    columns: (grouped ?? aggregates ?? outputs).map((o) => o.spec),
    run(ctx, page) {
      for (const bind of bindOutputs) bind(ctx);
      const max = readLimit(limit, ctx);
      checkOrderPaging(order, page.pageSize);
      if (grouped !== null) {
        const read: GroupedRead = {
          prefix: prefix!,
          columns: grouped,
          // Cassandra answers a SELECT DISTINCT in one page.
          pageSize: statement.distinct ? 0 : page.pageSize,
          pagingState: page.pagingState,
          limit: max,
          perPartition: readLimit(perPartition, ctx),
          compare: order.compare,
          lastPartition: keys.partition === null ? null : lastNamedKey(keys, ctx),
        };
        const answer: RowsPage = groupedPage(
          (resume) => rows(ctx, resume, { inPartition: 0 }),
          read,
        );
        if (groupWarnings) answer.warnings = groupWarnings;
        return answer;
      }
      if (aggregates !== null) return aggregatePage(rows, ctx, aggregates, keys, partitionIn);
      if (order.compare !== null) return sortedPage(rows, ctx, outputs, order, max);
      const inPartition = statement.distinct ? 1 : readLimit(perPartition, ctx);
      const lastKey = keys.partition === null || inPartition === Infinity
        ? null
        : lastNamedKey(keys, ctx);
      const ends = lastKey === null ? null : { key: lastKey, perPartition: inPartition };
      return nextPage(rows, ctx, outputs, page, { max, ends });
    },
  };
}

/** The serialized key of the last partition a SELECT names by `=`/IN, `null` for none. */
function lastNamedKey(keys: KeyPlan, ctx: ExecContext): Uint8Array | null {
  const combos = cartesian(keys.partition!.map((fn) => fn(ctx)));
  return combos.length === 0 ? null : encodePartitionKey(combos[combos.length - 1]);
}

/** Whether the partition key is restricted by IN (for the aggregate's warning). */
function isPartitionIn(table: TableSchema, statement: SelectStatement): boolean {
  return statement.where.some((relation) =>
    !relation.token && relation.op === "IN" &&
    table.byName.get(relation.columns[0])?.kind === "partition_key"
  );
}

/** The limits of a plain page. */
interface PageLimits {
  /** The LIMIT. */
  max: number;
  /**
   * The last partition named by `=`/IN and its PER PARTITION LIMIT (1 for DISTINCT), `null` for a
   * scan: a page that ends with it at that limit is the last, as Cassandra's pager knows.
   */
  ends: { key: Uint8Array; perPartition: number } | null;
}

/**
 * The page of rows after the paging state. As Cassandra pages: a full page says more may follow
 * (unless LIMIT is reached, or the last named partition its PER PARTITION LIMIT), without looking
 * ahead, so the next page may be empty; the next page resumes strictly after the last row of this
 * one.
 */
function nextPage(
  rows: Scan,
  ctx: ExecContext,
  outputs: Output[],
  page: PageRequest,
  { max, ends }: PageLimits,
): RowsPage {
  const state = readPagingState(page.pagingState);
  const take = Math.min(page.pageSize > 0 ? page.pageSize : Infinity, max - state.sent);
  const out: (Uint8Array | null)[][] = [];
  const cursor: ScanCursor = { inPartition: 0 };
  let last: RowRef | null = null;
  if (take > 0) {
    for (const ref of rows(ctx, state.position, cursor)) {
      out.push(outputs.map((o) => o.get(ref)));
      last = ref;
      if (out.length >= take) break;
    }
  }
  const sent = state.sent + out.length;
  if (last === null || out.length < take || sent >= max) return { rows: out, pagingState: null };
  const clustering = last.clustering.some((value) => value === null) ? null : last.clustering;
  const position = {
    key: encodePartitionKey(last.partitionKey),
    clustering,
    inPartition: cursor.inPartition,
  };
  if (
    ends !== null && position.inPartition >= ends.perPartition && sameBytes(position.key, ends.key)
  ) return { rows: out, pagingState: null };
  return { rows: out, pagingState: writePagingState(sent, position) };
}

/**
 * The rows of several partitions sorted by the ORDER BY columns (never paged): Cassandra reads
 * them all, sorts them, then applies LIMIT.
 */
function sortedPage(
  rows: Scan,
  ctx: ExecContext,
  outputs: Output[],
  order: SelectOrder,
  max: number,
): RowsPage {
  const all = [...rows(ctx, null, { inPartition: 0 })];
  // A stable sort: rows that tie keep their partition's order.
  all.sort(order.compare!);
  const kept = max < all.length ? all.slice(0, max) : all;
  return { rows: kept.map((ref) => outputs.map((o) => o.get(ref))), pagingState: null };
}

/**
 * The one-row page of an aggregate SELECT: every row read, aggregated whatever the LIMIT
 * (Cassandra applies LIMIT to the one result row), never paged.
 */
function aggregatePage(
  rows: Scan,
  ctx: ExecContext,
  columns: AggregateOutput[],
  keys: KeyPlan,
  partitionIn: boolean,
): RowsPage {
  const aggregators = columns.map((column) => column.start());
  for (const ref of rows(ctx, null, { inPartition: 0 })) {
    for (const aggregator of aggregators) aggregator.add(ref);
  }
  const row = aggregators.map((aggregator) => aggregator.result());
  const page: RowsPage = { rows: [row], pagingState: null };
  const warnings = aggregationWarnings(keys, partitionIn);
  if (warnings) page.warnings = warnings;
  return page;
}

/**
 * A partition a SELECT reads: its key's values, its serialized key and the partition (or slab
 * handle; `undefined` when it does not exist).
 */
type PartitionEntry = [Uint8Array[], Uint8Array, number | Partition | undefined];

/** The partitions a SELECT names by `=`/IN, in key order, from the resumed one on. */
function* namedPartitions(
  table: TableSchema,
  keys: KeyPlan,
  ctx: ExecContext,
  resume: PagePosition | null,
): Generator<PartitionEntry> {
  const range = tokenRangeOf(keys, ctx);
  if (range === null) return;
  const combos = cartesian(keys.partition!.map((fn) => fn(ctx)));
  let from = 0;
  if (resume !== null) {
    // Cassandra resumes at the partition the last page ended in; none when it is not named.
    from = combos.findIndex((combo) => sameBytes(encodePartitionKey(combo), resume.key));
    if (from < 0) return;
  }
  for (let i = from; i < combos.length; i++) {
    const key = encodePartitionKey(combos[i]);
    if (keys.token !== null && !inTokenRange(key, range)) continue;
    yield [combos[i], key, table.store.getPartition(key)];
  }
}

/** The partitions of a token range (the whole ring without one), in token order, from `resume`. */
function* tokenPartitions(
  table: TableSchema,
  keys: KeyPlan,
  ctx: ExecContext,
  resume: PagePosition | null,
): Generator<PartitionEntry> {
  const range = tokenRangeOf(keys, ctx);
  if (range === null) return;
  const pkCount = table.partitionKey.length;
  const from = resume === null ? undefined : { key: resume.key, ...tokenHalves(resume.key) };
  for (const [key, found] of table.store.partitionsByToken(range, from)) {
    yield [decodePartitionKey(key, pkCount), key, found];
  }
}

/** The rows a SELECT reads, partition by partition, with its filters and per-partition limit. */
function compileScan(
  table: TableSchema,
  keys: KeyPlan,
  distinct: boolean,
  perPartition: TermFn | null,
  reversed: boolean,
): Scan {
  const filters = keys.filters.map((filter) => ({ filter, get: cellOf(filter.column) }));
  const tests = keys.clusteringTests;
  return function* rows(ctx, resume, cursor): Generator<RowRef> {
    // DISTINCT reads one row of each partition.
    const partitionLimit = distinct ? 1 : readLimit(perPartition, ctx);
    for (const check of keys.checks) check(ctx);
    const partitions: Iterable<PartitionEntry> = keys.partition !== null
      ? namedPartitions(table, keys, ctx, resume)
      : tokenPartitions(table, keys, ctx, resume);
    // Only the first partition can be the one the last page ended in.
    let first = resume !== null;
    for (const [partitionKey, key, found] of partitions) {
      const resumed = first && sameBytes(key, resume!.key);
      first = false;
      if (found === undefined) continue;
      let n = resumed ? resume!.inPartition : 0;
      if (n >= partitionLimit) continue;
      const after: ResumeAfter = resumed ? resume!.clustering ?? STATIC_ROW : null;
      for (const ref of partitionRows(table, partitionKey, found, keys, ctx, reversed, after)) {
        if (!filters.every(({ filter, get }) => passes(filter, get(ref), ctx))) continue;
        if (!tests.every((test) => test(ref.clustering, ctx))) continue;
        cursor.inPartition = ++n;
        yield ref;
        if (n >= partitionLimit) break;
      }
    }
  };
}
