/**
 * The pieces the data parity steps are built of (`_data_parity_steps.ts`): a step sends requests
 * through cassandra-driver and resolves with the answer as plain data, so that the answers of a
 * real Cassandra node and of the embedded node compare with deepEqual and record as JSON. A result
 * is its columns (name and type, in order), its rows (values in column order), whether more pages
 * follow and its warnings; an error is its class, code and message.
 *
 * @module
 */

import type cassandra from "cassandra-driver";
import { answer as answerWith, errorOf, plainValue } from "./_plain_rows.ts";
import { NATIVE_TYPES } from "./_raw_answers.ts";

type Client = cassandra.Client;

/** One request (or a few in a row) and its answer as plain data. */
export interface DataStep {
  /** What the step checks (unique). */
  label: string;
  /** Sends the request; resolves with the answer (rows, or the error's code and message). */
  run(client: Client): Promise<unknown>;
}

/** A group of steps that check one thing. */
export interface DataStepGroup {
  /** What the group checks. */
  group: string;
  /** The steps, in order. */
  steps: DataStep[];
}

/**
 * A value as plain data: timestamps in ISO form (a Date's own text depends on the time zone),
 * NaN, the infinities and -0 as text (JSON has none of them).
 */
function valueOf(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  if (typeof value === "number" && (!Number.isFinite(value) || Object.is(value, -0))) {
    return Object.is(value, -0) ? "-0" : String(value);
  }
  if (Array.isArray(value)) return value.map(valueOf);
  if (value instanceof Map) return Object.fromEntries([...value].map(([k, v]) => [k, valueOf(v)]));
  return plainValue(value);
}

/** A column type of the driver's result metadata as CQL writes it (`map<text, int>`). */
function typeName(type: { code: number; info?: unknown }): string {
  const info = type.info as { code: number; info?: unknown } | { code: number }[] | string;
  switch (type.code) {
    case 0x00:
      return `'${info}'`;
    case 0x20:
      return `list<${typeName(info as { code: number })}>`;
    case 0x22:
      return `set<${typeName(info as { code: number })}>`;
    case 0x21:
    case 0x31: {
      const parts = (info as { code: number }[]).map(typeName).join(", ");
      return `${type.code === 0x21 ? "map" : "tuple"}<${parts}>`;
    }
    default:
      return NATIVE_TYPES[type.code] ?? `0x${type.code.toString(16)}`;
  }
}

/** A result as plain data: columns (name and type), rows, whether more pages follow. */
export function answerOf(result: cassandra.types.ResultSet): unknown {
  const warnings = (result.info as unknown as { warnings?: string[] }).warnings;
  const columns = result.columns ?? [];
  return {
    ...(warnings && warnings.length > 0 ? { warnings } : {}),
    columns: columns.map((c) => `${c.name} ${typeName(c.type)}`),
    rows: (result.rows ?? []).map((row) => columns.map((c) => valueOf(row.get(c.name)))),
    more: result.pageState !== null && result.pageState !== undefined,
  };
}

/**
 * A statement, prepared when it has values (as cassandra-stress prepares its statements).
 *
 * @param label What the step checks.
 * @param cql The statement.
 * @param params Its values (prepared when there are any).
 * @returns The step.
 */
export function q(label: string, cql: string, params: unknown[] = []): DataStep {
  return {
    label,
    run: (client) =>
      answerWith(() => client.execute(cql, params, { prepare: params.length > 0 }), answerOf),
  };
}

/**
 * Several statements in a row (unprepared, or prepared with their values); the answer is the
 * list of their answers.
 *
 * @param label What the step checks.
 * @param statements Each statement, alone or with its values.
 * @returns The step.
 */
export function many(label: string, statements: (string | [string, unknown[]])[]): DataStep {
  return {
    label,
    run: async (client) => {
      const out: unknown[] = [];
      for (const statement of statements) {
        const [cql, params] = typeof statement === "string" ? [statement, []] : statement;
        out.push(await q(label, cql, params).run(client));
      }
      return out;
    },
  };
}

/**
 * A batch through the driver's batch API: prepared statements, or unprepared ones when they have
 * no values.
 *
 * @param label What the step checks.
 * @param queries The statements and their values.
 * @param options Logged (the default) or not, counter or not.
 * @returns The step.
 */
export function batch(
  label: string,
  queries: { query: string; params: unknown[] }[],
  options: { logged?: boolean; counter?: boolean } = {},
): DataStep {
  const prepare = queries.some((query) => query.params.length > 0);
  return {
    label,
    run: (client) => answerWith(() => client.batch(queries, { prepare, ...options }), answerOf),
  };
}

/**
 * Every page of a statement with `fetchSize` rows a page (at most 50 pages).
 *
 * @param label What the step checks.
 * @param cql The statement.
 * @param options The rows a page, and values (then prepared).
 * @returns The step.
 */
export function pages(
  label: string,
  cql: string,
  options: { fetchSize: number; params?: unknown[] },
): DataStep {
  const params = options.params ?? [];
  return {
    label,
    run: async (client) => {
      const out: unknown[] = [];
      let pageState: string | undefined;
      try {
        do {
          const result = await client.execute(cql, params, {
            fetchSize: options.fetchSize,
            pageState,
            prepare: params.length > 0,
          });
          out.push(answerOf(result));
          pageState = result.pageState ?? undefined;
        } while (pageState !== undefined && out.length < 50);
      } catch (error) {
        out.push(errorOf(error));
      }
      return out;
    },
  };
}
