/**
 * The reads of a `user` profile's token range and validate ops on the native path: the ring's
 * token ranges from the keyspace's {@linkcode TokenMap} (each range between consecutive tokens,
 * the one across the ring's end unwrapped, sorted; as cassandra-driver's metadata gives them to
 * the driver path), a range's pages run unprepared on a replica of the range, and a validate
 * statement run on a replica of its partition whose cells are compared as CQL values. Private
 * to lib/cql/driver.
 *
 * @module
 */

import type { TokenMap } from "../native/token_map.ts";
import type { NativeResult, RequestOptions } from "./native_connection.ts";
import type { RowsResult } from "../native/rows_result.ts";
import type { NativeKeyspacePool } from "./_native_keyspace_pool.ts";
import type { TokenBounds, TokenPage, TokenPageSource } from "./_token_range_pager.ts";
import type { ValidateAnswer, ValidateReader } from "./_validating_query.ts";

/** The value decoder (`_cql_value_decoder.ts`), loaded only by runs that validate. */
export type CqlValueDecoder = typeof import("./_cql_value_decoder.ts");

const MIN_TOKEN = -(1n << 63n);

/** A ring token as a bound: the minimum token is the ring's open end, as the driver reads it. */
function boundOf(token: bigint): bigint | null {
  return token === MIN_TOKEN ? null : token;
}

/** Orders bounds as tokens, an open end as the minimum token (cassandra-driver's order). */
function compareBounds(a: TokenBounds, b: TokenBounds): number {
  const as = a.start ?? MIN_TOKEN;
  const bs = b.start ?? MIN_TOKEN;
  if (as !== bs) return as < bs ? -1 : 1;
  const ae = a.end ?? MIN_TOKEN;
  const be = b.end ?? MIN_TOKEN;
  return ae === be ? 0 : ae < be ? -1 : 1;
}

/**
 * The ring's token ranges: `(t[i], t[i+1]]` for consecutive tokens, the range across the ring's
 * end split at it, sorted by start; the whole ring when the ring has one token or none.
 *
 * @param map The keyspace's token map.
 * @returns The ranges.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { TokenMap } from "../native/token_map.ts";
 * import { ringTokenRanges } from "./_native_user_reads.ts";
 * const host = (address: string, tokens: string[]) =>
 *   ({ address, datacenter: "dc1", rack: "r1", tokens });
 * const map = new TokenMap([host("a", ["-10", "20"]), host("b", ["5"])], { class: "LocalStrategy" });
 * assert.deepEqual(ringTokenRanges(map), [
 *   { start: null, end: -10n },
 *   { start: -10n, end: 5n },
 *   { start: 5n, end: 20n },
 *   { start: 20n, end: null },
 * ]);
 * ```
 */
export function ringTokenRanges(map: TokenMap): TokenBounds[] {
  const n = map.rangeCount;
  if (n <= 1) return [{ start: null, end: null }];
  const out: TokenBounds[] = [];
  for (let i = 0; i < n; i++) {
    const start = map.rangeEnd(i);
    const end = map.rangeEnd((i + 1) % n);
    if (start > end && end !== MIN_TOKEN) {
      out.push({ start: boundOf(start), end: null }, { start: null, end: boundOf(end) });
    } else {
      out.push({ start: boundOf(start), end: boundOf(end) });
    }
  }
  return out.sort(compareBounds);
}

/** The rows of a result (none for a result without rows). */
function rowsOf(result: NativeResult): RowsResult | null {
  return result.kind === "rows" ? result : null;
}

/** A token cell as text equal for equal tokens (its bytes in hex). */
function tokenText(rows: RowsResult, row: number): string {
  const cell = rows.cell(row, 0);
  if (cell === null) return "null";
  let text = "";
  for (let i = 0; i < cell.length; i++) text += cell[i].toString(16).padStart(2, "0");
  return text;
}

/**
 * A token range query's ranges and pages on a keyspace's pool: each page on a replica of its
 * range, unprepared.
 *
 * @param pool The keyspace's pool.
 * @param options The run's request options (consistency, timeout).
 * @returns The source.
 *
 * @example Usage
 * ```ts ignore
 * const pager = new TokenRangePager(nativeTokenPages(pool, options), table, query, share);
 * ```
 */
export function nativeTokenPages(
  pool: NativeKeyspacePool,
  options: RequestOptions,
): TokenPageSource {
  return {
    ranges: () => ringTokenRanges(pool.map),
    async page(cql, range, pagingState, pageSize): Promise<TokenPage> {
      const result = await pool.query(cql, range.end, {
        ...options,
        pageSize,
        pagingState: pagingState as Uint8Array | null,
      });
      const rows = rowsOf(result);
      return {
        rowCount: rows?.rowCount ?? 0,
        token: (row) => tokenText(rows!, row),
        pagingState: rows?.pagingState ?? null,
      };
    },
  };
}

/**
 * Runs validate statements on a keyspace's pool, each on a replica of its partition; a cell
 * holds the expected value when its bytes are the same, or when both decode to the same CQL
 * value (a set's elements in any order).
 *
 * @param pool The keyspace's pool.
 * @param indexOf The pool's index of each validate statement.
 * @param options The run's request options.
 * @param decoder The value decoder.
 * @returns The reader.
 *
 * @example Usage
 * ```ts ignore
 * const read = nativeValidateReader(pool, indexOf, options, await import("./_cql_value_decoder.ts"));
 * ```
 */
export function nativeValidateReader(
  pool: NativeKeyspacePool,
  indexOf: ReadonlyMap<string, number>,
  options: RequestOptions,
  decoder: CqlValueDecoder,
): ValidateReader {
  return async (cql, values, key, pageSize): Promise<ValidateAnswer> => {
    const result = await pool.execute(indexOf.get(cql)!, key, values, { ...options, pageSize });
    const rows = rowsOf(result);
    const columns = rows?.columns ?? [];
    const types = columns.map((column) => decoder.driverTypeOf(column.type));
    return {
      rowCount: rows?.rowCount ?? 0,
      hasMorePages: rows?.pagingState != null,
      columnNames: columns.map((column) => column.name),
      holds(row, column, expected) {
        if (
          expected === null
            ? rows!.cellLength(row, column) < 0
            : rows!.cellEquals(row, column, expected)
        ) {
          return true;
        }
        const type = types[column];
        const want = decoder.decodeCqlValue(expected, type);
        const actual = decoder.decodeCqlValue(rows!.cell(row, column), type);
        return decoder.comparableCqlValue(want, type) === decoder.comparableCqlValue(actual, type);
      },
    };
  };
}
