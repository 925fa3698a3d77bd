/**
 * A `token_range_queries` entry as cassandra-stress runs it: the ring's token ranges (unwrapped
 * and sorted, as the target's {@linkcode TokenPageSource} reads them) are a queue shared by the
 * ops of every token range query of the profile (cassandra-stress keeps one
 * `TokenRangeIterator` per profile, so two such queries read each range once between them); an
 * op takes a range (or goes on with the one its cursor holds), reads one page of it, and
 * keeps the paging state for the next op. With `-tokenrange wrap` the queue starts over once every range was read;
 * without it the pager has no work left then, and the op loops that draw it stop. Each Worker
 * of a run reads its own share of the ranges (every `workers`-th one), so the Workers together
 * read each range once per round. `-tokenrange split-factor=` splits every range evenly.
 * Private to lib/cql/driver.
 *
 * @module
 */

import type { OpCount } from "../../engine/target.ts";
import { tokenRangeStatement } from "../user/user_statements.ts";
import type { UserTableSpec } from "../user/user_target_spec.ts";

/** A range `(start, end]` of tokens; null is the open end of the ring. */
export interface TokenBounds {
  /** The exclusive start, or null for the ring's beginning. */
  readonly start: bigint | null;
  /** The inclusive end, or null for the ring's end. */
  readonly end: bigint | null;
}

const MIN_TOKEN = -(1n << 63n);
const MAX_TOKEN = (1n << 63n) - 1n;

/**
 * Splits each range into `parts` even ranges (`-tokenrange split-factor=`), as cassandra-stress
 * splits the ring's ranges before queueing them.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { splitRanges } from "./_token_range_pager.ts";
 * assert.deepEqual(splitRanges([{ start: 0n, end: 10n }], 2), [
 *   { start: 0n, end: 5n },
 *   { start: 5n, end: 10n },
 * ]);
 * ```
 */
export function splitRanges(ranges: readonly TokenBounds[], parts: number): TokenBounds[] {
  if (parts <= 1) return [...ranges];
  return ranges.flatMap((range) => {
    const start = range.start ?? MIN_TOKEN;
    const end = range.end ?? MAX_TOKEN;
    const width = end - start;
    const out: TokenBounds[] = [];
    let from = range.start;
    for (let i = 1; i <= parts; i++) {
      const to = i === parts ? range.end : start + (width * BigInt(i)) / BigInt(parts);
      if (to === null || from === null || to > from) out.push({ start: from, end: to });
      from = to;
    }
    return out;
  });
}

/** One page of a token range: its rows' tokens (the first column) and where the next starts. */
export interface TokenPage {
  /** The rows of the page. */
  readonly rowCount: number;
  /**
   * A row's token, as text that is equal for equal tokens.
   *
   * @param row The row.
   */
  token(row: number): string;
  /** The paging state of the next page, or null on the range's last page. */
  readonly pagingState: unknown;
}

/** How a target's client reads the ring's ranges and their pages. */
export interface TokenPageSource {
  /** The ring's token ranges, unwrapped and sorted by start (read at the first page). */
  ranges(): TokenBounds[];
  /**
   * Reads one page of a range's statement, unprepared.
   *
   * @param cql The statement.
   * @param range Its range (for routing).
   * @param pagingState Where the previous page ended, or null for the first page.
   * @param pageSize Rows per page.
   */
  page(
    cql: string,
    range: TokenBounds,
    pagingState: unknown,
    pageSize: number,
  ): Promise<TokenPage>;
}

/** The split factor, `wrap`, and this Worker's share of the ranges. */
export interface TokenRangeQueueOptions {
  /** Each of the ring's ranges is read as this many even parts (`-tokenrange split-factor=`). */
  readonly splitFactor: number;
  /** `-tokenrange wrap`: once every range was taken, start over. */
  readonly wrap: boolean;
  /** This Worker's index and the run's number of Workers. */
  readonly share: { readonly workerIndex: number; readonly workers: number };
}

/**
 * The token ranges of one profile's table not yet taken, shared by the pagers of all its token
 * range queries (cassandra-stress's `TokenRangeIterator`, one per profile).
 *
 * @example Usage
 * ```ts ignore
 * const queue = new TokenRangeQueue(source, { splitFactor: 1, wrap: false, share });
 * const range = queue.take();
 * ```
 */
export class TokenRangeQueue {
  readonly #source: Pick<TokenPageSource, "ranges">;
  readonly #options: TokenRangeQueueOptions;
  #ranges: TokenBounds[] | null = null;
  /** The ranges not yet taken, next last. */
  #queue: TokenBounds[] = [];

  /**
   * Prepares the queue; the ranges are read from the source when first asked for.
   *
   * @param source The target client's ranges.
   * @param options The split factor, `wrap` and this Worker's share.
   */
  constructor(source: Pick<TokenPageSource, "ranges">, options: TokenRangeQueueOptions) {
    this.#source = source;
    this.#options = options;
  }

  /** Whether it starts over once every range was taken (`-tokenrange wrap`). */
  get wrap(): boolean {
    return this.#options.wrap;
  }

  /** Whether a range is left to take (always with `wrap`). */
  hasRange(): boolean {
    return this.#pending().length > 0;
  }

  /** Takes the next range, or undefined when none is left. */
  take(): TokenBounds | undefined {
    return this.#pending().pop();
  }

  /** This Worker's ranges (read at first use): every `workers`-th range of the split ring. */
  #myRanges(): TokenBounds[] {
    if (this.#ranges !== null) return this.#ranges;
    const all = splitRanges(this.#source.ranges(), this.#options.splitFactor);
    const { workerIndex, workers } = this.#options.share;
    const mine = all.filter((_, i) => i % workers === workerIndex);
    // A Worker without a range of its own (more Workers than ranges) reads them all with wrap.
    this.#ranges = mine.length === 0 && this.wrap ? all : mine;
    this.#queue = [...this.#ranges].reverse();
    return this.#ranges;
  }

  /** The queue of ranges not yet taken, refilled with `wrap` once empty. */
  #pending(): TokenBounds[] {
    const ranges = this.#myRanges();
    if (this.#queue.length === 0 && this.wrap) this.#queue = [...ranges].reverse();
    return this.#queue;
  }
}

/**
 * One {@linkcode TokenRangeQueue} per profile table of a target, made for the first of its
 * token range queries.
 *
 * @example Usage
 * ```ts ignore
 * const queues = new TokenRangeQueues(share);
 * const queue = queues.of({ table: 0, splitFactor: 1, wrap: false }, source);
 * ```
 */
export class TokenRangeQueues {
  readonly #share: TokenRangeQueueOptions["share"];
  readonly #byTable = new Map<number, TokenRangeQueue>();

  /** @param share This Worker's index and the run's number of Workers. */
  constructor(share: TokenRangeQueueOptions["share"]) {
    this.#share = share;
  }

  /**
   * The queue of a query's table.
   *
   * @param query The table's index, the split factor and `wrap` (the run's, the same for all).
   * @param source The target client's ranges.
   * @returns The table's queue.
   */
  of(
    query: { readonly table: number; readonly splitFactor: number; readonly wrap: boolean },
    source: Pick<TokenPageSource, "ranges">,
  ): TokenRangeQueue {
    let queue = this.#byTable.get(query.table);
    if (queue === undefined) {
      const { splitFactor, wrap } = query;
      queue = new TokenRangeQueue(source, { splitFactor, wrap, share: this.#share });
      this.#byTable.set(query.table, queue);
    }
    return queue;
  }
}

/** Where one reader is: its range and statement, the client's paging state, the last token. */
interface Cursor {
  cql: string;
  range: TokenBounds;
  /** Whether the cursor is inside a range (else the next op takes one from the queue). */
  active: boolean;
  pagingState: unknown;
  lastToken: string | null;
}

/**
 * Reads a table's token ranges one page per op.
 *
 * @example Usage
 * ```ts ignore
 * const queue = new TokenRangeQueue(source, { splitFactor: 1, wrap: false, share });
 * const pager = new TokenRangePager(source, table, { columns: "*", pageSize: 5000 }, queue);
 * const { partitions, rows } = await pager.next();
 * ```
 */
export class TokenRangePager {
  readonly #source: TokenPageSource;
  readonly #table: UserTableSpec;
  readonly #columns: string;
  readonly #pageSize: number;
  readonly #queue: TokenRangeQueue;
  /** Cursors not in use by an op. */
  readonly #idle: Cursor[] = [];

  /**
   * Prepares the pager.
   *
   * @param source The target client's pages.
   * @param table The profile's table.
   * @param query The entry's columns and page size.
   * @param queue The ranges, shared with the profile's other token range queries.
   */
  constructor(
    source: TokenPageSource,
    table: UserTableSpec,
    query: { readonly columns: string; readonly pageSize: number },
    queue: TokenRangeQueue,
  ) {
    this.#source = source;
    this.#table = table;
    this.#columns = query.columns;
    this.#pageSize = query.pageSize;
    this.#queue = queue;
  }

  /**
   * Whether a page is left to read: always with `wrap`; without it, while a range is queued or
   * an idle cursor is inside one.
   */
  hasWork(): boolean {
    if (this.#queue.wrap) return true;
    return this.#queue.hasRange() || this.#idle.some((cursor) => cursor.active);
  }

  /**
   * Reads the next page of a range.
   *
   * @returns The new distinct tokens (partitions) and the rows of the page; none when no range
   * is left (without `wrap`, an op that raced another for the last range).
   */
  async next(): Promise<OpCount> {
    const cursor = this.#idle.pop() ?? this.#fresh();
    if (!cursor.active && !this.#take(cursor)) {
      this.#idle.push(cursor);
      return { partitions: 0, rows: 0 };
    }
    let page: TokenPage;
    try {
      page = await this.#source.page(cursor.cql, cursor.range, cursor.pagingState, this.#pageSize);
    } catch (error) {
      this.#idle.push(cursor);
      throw error;
    }
    let partitions = 0;
    let last = cursor.lastToken;
    for (let row = 0; row < page.rowCount; row++) {
      const token = page.token(row);
      if (token !== last) partitions++;
      last = token;
    }
    if (page.pagingState == null) {
      cursor.active = false; // the range is done: the next op takes another
    } else {
      cursor.pagingState = page.pagingState;
      cursor.lastToken = last;
    }
    this.#idle.push(cursor);
    return { partitions, rows: page.rowCount };
  }

  #fresh(): Cursor {
    const range = { start: null, end: null };
    return { cql: "", range, active: false, pagingState: null, lastToken: null };
  }

  /** Points a cursor at the next range of the queue; false when none is left. */
  #take(cursor: Cursor): boolean {
    const range = this.#queue.take();
    if (range === undefined) return false;
    cursor.cql = tokenRangeStatement(this.#table.layout, this.#columns, range);
    cursor.range = range;
    cursor.active = true;
    cursor.pagingState = null;
    cursor.lastToken = null;
    return true;
  }
}
