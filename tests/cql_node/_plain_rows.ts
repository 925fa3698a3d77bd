// Test fixture: driver results as plain data, so the answers of a real Cassandra node and of the
// embedded node compare with deepEqual and record as JSON (tests/testdata/cassandra_5_answers.json).
import type cassandra from "cassandra-driver";

/** A driver value as plain JSON-able data: maps as objects, blobs as hex, UUIDs and inets as text. */
export function plainValue(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (value instanceof Uint8Array) {
    return `0x${Array.from(value, (b) => b.toString(16).padStart(2, "0")).join("")}`;
  }
  if (value instanceof Map) {
    return Object.fromEntries([...value].map(([k, v]) => [k, plainValue(v)]));
  }
  if (Array.isArray(value)) return value.map(plainValue);
  if (typeof value === "object") {
    const text = String(value);
    if (text !== "[object Object]") return text;
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plainValue(v)]));
  }
  return value;
}

/** The columns of a result as `name type` (the driver's type code and parameters). */
export function columnsOf(result: cassandra.types.ResultSet): string[] {
  return result.columns.map((c) => `${c.name} ${JSON.stringify(c.type)}`);
}

/** A result as plain data: column names, rows, whether more pages follow, warnings. */
export function plainAnswer(result: cassandra.types.ResultSet): unknown {
  const warnings = (result.info as unknown as { warnings?: string[] }).warnings;
  return {
    ...(warnings && warnings.length > 0 ? { warnings } : {}),
    columns: result.columns?.map((c) => c.name) ?? [],
    rows: (result.rows ?? []).map((row) => result.columns.map((c) => plainValue(row.get(c.name)))),
    more: result.pageState !== null && result.pageState !== undefined,
  };
}

/** An error as plain data: its class, code and message. */
export function errorOf(error: unknown): unknown {
  const e = error as { name?: string; code?: number; message?: string };
  return { error: e.name, code: e.code, message: e.message };
}

/**
 * Sends a request and gives its answer as plain data: the result as `format` writes it, or the
 * error's class, code and message.
 */
export async function answer(
  fn: () => Promise<cassandra.types.ResultSet>,
  format: (result: cassandra.types.ResultSet) => unknown = plainAnswer,
): Promise<unknown> {
  try {
    return format(await fn());
  } catch (error) {
    return errorOf(error);
  }
}
