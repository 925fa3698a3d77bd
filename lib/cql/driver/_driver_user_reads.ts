/**
 * The reads of a `user` profile's token range and validate ops through `cassandra-driver`: the
 * ring's token ranges from the driver's metadata (unwrapped and sorted), a range's pages run
 * unprepared with the driver's paging state, and a validate statement whose rows are compared as
 * the driver decodes them. Private to lib/cql/driver.
 *
 * @module
 */

import type cassandra from "cassandra-driver";
import type { TokenBounds, TokenPage, TokenPageSource } from "./_token_range_pager.ts";
import type { ValidateAnswer, ValidateReader } from "./_validating_query.ts";
import { comparableCqlValue, decodeCqlValue, type DriverType } from "./_cql_value_decoder.ts";
import { bufferOf } from "./_user_rows.ts";

/**
 * The driver's token ranges, unwrapped and sorted by start; the whole ring when it has none.
 *
 * @param client A connected client.
 * @returns The ranges.
 *
 * @example Usage
 * ```ts ignore
 * const ranges = driverRingRanges(client);
 * ```
 */
export function driverRingRanges(client: cassandra.Client): TokenBounds[] {
  const metadata = client.metadata as unknown as {
    getTokenRanges(): Set<cassandra.token.TokenRange> | undefined;
    tokenizer?: { minToken(): cassandra.token.Token };
  };
  const ranges = metadata.getTokenRanges();
  const tokenizer = metadata.tokenizer;
  if (ranges === undefined || ranges.size === 0 || tokenizer === undefined) {
    return [{ start: null, end: null }];
  }
  const min = tokenizer.minToken();
  const valueOf = (token: cassandra.token.Token) =>
    token.equals(min) ? null : BigInt(String(token.getValue()));
  return [...ranges]
    .flatMap((range) => range.unwrap())
    .filter((range) => !range.isEmpty())
    .sort((a, b) => a.compare(b))
    .map((range) => ({ start: valueOf(range.start), end: valueOf(range.end) }));
}

/**
 * A token range query's ranges and pages through a driver client.
 *
 * @param client A connected client.
 * @param options The run's query options (consistency, timeout).
 * @returns The source.
 *
 * @example Usage
 * ```ts ignore
 * const pager = new TokenRangePager(driverTokenPages(client, options), table, query, share);
 * ```
 */
export function driverTokenPages(
  client: cassandra.Client,
  options: cassandra.QueryOptions,
): TokenPageSource {
  return {
    ranges: () => driverRingRanges(client),
    async page(cql, _range, pagingState, pageSize): Promise<TokenPage> {
      const result = await client.execute(cql, [], {
        ...options,
        prepare: false,
        fetchSize: pageSize,
        pageState: (pagingState ?? undefined) as string | undefined,
      });
      const rows = result.rows ?? [];
      return {
        rowCount: rows.length,
        token: (row) => String(rows[row].get(0)),
        pagingState: result.pageState ?? null,
      };
    },
  };
}

/**
 * Runs validate statements through a driver client; cells are compared as the driver decodes
 * them.
 *
 * @param client A connected client.
 * @param options The run's query options.
 * @returns The reader.
 *
 * @example Usage
 * ```ts ignore
 * const validate = new ValidatingQuery(driverValidateReader(client, options), layout, g, s);
 * ```
 */
export function driverValidateReader(
  client: cassandra.Client,
  options: cassandra.QueryOptions,
): ValidateReader {
  return async (cql, values, _key, pageSize): Promise<ValidateAnswer> => {
    const params = values.map((value) => bufferOf(value));
    const result = await client.execute(cql, params, { ...options, fetchSize: pageSize });
    const rows = result.rows ?? [];
    const types = result.columns.map((column) => column.type as unknown as DriverType);
    return {
      rowCount: rows.length,
      hasMorePages: result.pageState != null,
      columnNames: result.columns.map((column) => column.name),
      holds: (row, column, expected) =>
        comparableCqlValue(decodeCqlValue(expected, types[column]), types[column]) ===
          comparableCqlValue(rows[row].get(column), types[column]),
    };
  };
}
