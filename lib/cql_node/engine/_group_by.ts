// GROUP BY in SELECT, as Cassandra 5.0 answers it: groups on a prefix of the primary key (the
// partition key, then clustering columns in order; a column restricted by `=` may be skipped),
// each answered as one row of its aggregates, its plain columns taking the group's first row.
// LIMIT counts groups, PER PARTITION LIMIT groups of a partition, and a page holds page-size
// groups (full: more may follow, without looking past its last group).
import type { Relation, SelectStatement } from "../parse/cql_ast.ts";
import { CqlError } from "../protocol/cql_error.ts";
import type { TableSchema } from "./schema.ts";
import { sameBytes } from "./_bind.ts";
import { encodePartitionKey, type RowRef } from "./_keys.ts";
import type { AggregateColumn, Aggregator } from "./_aggregates.ts";
import { type PagePosition, readPagingState, writePagingState } from "./_paging_state.ts";

const NOT_DECLARED_ORDER = "Group by currently only support groups of columns following their " +
  "declared order in the PRIMARY KEY";

/** Whether `relation` restricts `name` by `=` (an IN of one value is a `=` to Cassandra). */
function restrictsByEq(relation: Relation, name: string): boolean {
  if (relation.token || !relation.columns.includes(name)) return false;
  if (relation.op === "=") return true;
  const value = relation.value;
  return relation.op === "IN" && relation.columns.length === 1 && value.kind === "tuple" &&
    "items" in value && value.items.length === 1;
}

/**
 * Checks the GROUP BY of a SELECT as Cassandra does and says how many clustering columns its
 * groups share (their partition always).
 *
 * @param table The table.
 * @param statement The SELECT.
 * @returns The number of clustering columns of a group's key, `null` without GROUP BY.
 * @throws {CqlError} Invalid for a GROUP BY Cassandra refuses.
 */
export function groupByPrefix(table: TableSchema, statement: SelectStatement): number | null {
  if (statement.groupBy === undefined) return null;
  const primaryKey = [...table.partitionKey, ...table.clustering];
  const byEq = (name: string) => statement.where.some((r) => restrictsByEq(r, name));
  let next = 0;
  let prefix = 0;
  for (const name of statement.groupBy) {
    const col = table.byName.get(name);
    if (!col) throw CqlError.undefinedColumn(name, table);
    if (col.kind !== "partition_key" && col.kind !== "clustering") {
      throw CqlError.invalid(
        `Group by is currently only supported on the columns of the PRIMARY KEY, got ${col.name}`,
      );
    }
    for (;;) {
      if (next >= primaryKey.length) throw CqlError.invalid(NOT_DECLARED_ORDER);
      const pkColumn = primaryKey[next++];
      if (pkColumn.kind === "clustering") prefix++;
      if (pkColumn === col) break;
      if (!byEq(pkColumn.name)) throw CqlError.invalid(NOT_DECLARED_ORDER);
    }
  }
  if (next < table.partitionKey.length) {
    throw CqlError.invalid("Group by is not supported on only a part of the partition key");
  }
  if (prefix > 0 && statement.distinct) {
    throw CqlError.invalid(
      "Grouping on clustering columns is not allowed for SELECT DISTINCT queries",
    );
  }
  return prefix;
}

/** One execution of a grouped SELECT. */
export interface GroupedRead {
  /** The clustering columns of a group's key (see {@linkcode groupByPrefix}). */
  prefix: number;
  /** The result columns, each fed the rows of one group. */
  columns: AggregateColumn<unknown>[];
  /** Groups per page; 0 or less for no paging. */
  pageSize: number;
  /** The paging state from the previous page. */
  pagingState: Uint8Array | null;
  /** The LIMIT: groups in all. */
  limit: number;
  /** The PER PARTITION LIMIT: groups of each partition. */
  perPartition: number;
  /**
   * Orders the groups by their first rows (an ORDER BY with an IN on the partition key): then
   * every group is read, sorted, and LIMIT applies after; never paged.
   */
  compare: ((a: RowRef, b: RowRef) => number) | null;
  /**
   * The serialized key of the last partition named by `=`/IN, `null` for a scan: a full page that
   * ends with it at its PER PARTITION LIMIT is the last, as Cassandra's pager knows.
   */
  lastPartition: Uint8Array | null;
}

/** One page of groups. */
export interface GroupedPage {
  rows: (Uint8Array | null)[][];
  /** Set when more groups may follow. */
  pagingState: Uint8Array | null;
}

/** A group being read: its first row, its last and its columns' aggregators. */
interface OpenGroup {
  first: RowRef;
  last: RowRef;
  aggregators: Aggregator[];
}

function sameValues(a: Uint8Array[], b: Uint8Array[], count: number): boolean {
  for (let i = 0; i < count; i++) {
    if (!sameBytes(a[i] ?? null, b[i] ?? null)) return false;
  }
  return true;
}

/**
 * The page of groups after the paging state, read from the rows `source` gives (resuming
 * strictly after a row when given one).
 *
 * @param source The rows of the SELECT, in its order.
 * @param read This execution's prefix, columns, paging and limits.
 * @returns The page.
 */
export function groupedPage(
  source: (resume: PagePosition | null) => Iterable<RowRef>,
  read: GroupedRead,
): GroupedPage {
  const state = readPagingState(read.pagingState);
  const paged = read.pageSize > 0 && read.compare === null;
  const take = read.compare !== null
    ? Infinity
    : Math.min(paged ? read.pageSize : Infinity, read.limit - state.sent);
  const groups: OpenGroup[] = [];
  let open: OpenGroup | null = null;
  let inPartition = 0;
  let previous: RowRef | null = null;
  if (take > 0) {
    for (const ref of source(state.position)) {
      const samePartition = previous !== null &&
        sameValues(previous.partitionKey, ref.partitionKey, ref.partitionKey.length);
      if (
        open !== null && samePartition &&
        sameValues(open.first.clustering, ref.clustering, read.prefix)
      ) {
        for (const aggregator of open.aggregators) aggregator.add(ref);
        open.last = ref;
        continue;
      }
      if (open !== null && groups.push(open) >= take) {
        open = null;
        break;
      }
      open = null;
      if (!samePartition) inPartition = resumedGroups(state.position, previous, ref);
      previous = ref;
      if (inPartition >= read.perPartition) continue;
      inPartition++;
      const aggregators = read.columns.map((column) => column.start());
      for (const aggregator of aggregators) aggregator.add(ref);
      open = { first: ref, last: ref, aggregators };
    }
    if (open !== null) groups.push(open);
  }
  if (read.compare !== null) {
    const compare = read.compare;
    groups.sort((a, b) => compare(a.first, b.first));
    if (groups.length > read.limit) groups.length = read.limit;
  }
  const rows = groups.map((group) => group.aggregators.map((aggregator) => aggregator.result()));
  const sent = state.sent + groups.length;
  if (!paged || groups.length < take || sent >= read.limit) return { rows, pagingState: null };
  const last = groups[groups.length - 1].last;
  const position: PagePosition = {
    key: encodePartitionKey(last.partitionKey),
    clustering: last.clustering.some((value) => value === null) ? null : last.clustering,
    inPartition: countInPartition(groups, last, state.position),
  };
  const exhausted = read.lastPartition !== null && position.inPartition >= read.perPartition &&
    sameBytes(position.key, read.lastPartition);
  return { rows, pagingState: exhausted ? null : writePagingState(sent, position) };
}

/**
 * The groups of `ref`'s partition already sent: those of the page before when the read resumes
 * in that partition (its first row), none otherwise.
 */
function resumedGroups(resume: PagePosition | null, previous: RowRef | null, ref: RowRef): number {
  if (resume === null || previous !== null) return 0;
  return sameBytes(encodePartitionKey(ref.partitionKey), resume.key) ? resume.inPartition : 0;
}

/** The groups sent of the last group's partition, this page's and those before. */
function countInPartition(
  groups: OpenGroup[],
  last: RowRef,
  resume: PagePosition | null,
): number {
  let n = 0;
  for (let i = groups.length - 1; i >= 0; i--) {
    const key = groups[i].first.partitionKey;
    if (!sameValues(key, last.partitionKey, key.length)) return n;
    n++;
  }
  const key = encodePartitionKey(last.partitionKey);
  return resume !== null && sameBytes(key, resume.key) ? n + resume.inPartition : n;
}

/**
 * Cassandra's warnings of an aggregate or GROUP BY SELECT: one that reads every partition (not a
 * token range), or several named by IN.
 *
 * @param keys Whether the SELECT restricts the partition key, and its token.
 * @param partitionIn Whether an IN restricts the partition key.
 * @returns The warnings, `undefined` for none.
 */
export function aggregationWarnings(
  keys: { partition: unknown[] | null; token: unknown },
  partitionIn: boolean,
): string[] | undefined {
  if (keys.partition === null && keys.token === null) {
    return ["Aggregation query used without partition key"];
  }
  if (partitionIn) return ["Aggregation query used on multiple partition keys (IN restriction)"];
  return undefined;
}
