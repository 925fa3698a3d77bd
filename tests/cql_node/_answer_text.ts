// Test helper: a result written as text, to compare with what a real node answered through the
// Python driver: `name type` of each column, each row's values as CQL literals (null for null),
// and the warnings.
import assert from "node:assert/strict";
import type { ExecResult } from "../../lib/cql_node/engine/cql_engine.ts";
import type { EngineFixture } from "./_engine_fixture.ts";
import { formatCqlType } from "../../lib/cql_node/values/cql_type.ts";
import { formatValueForCql } from "../../lib/cql_node/values/cql_value.ts";

/** A rows result as text. */
export interface AnswerText {
  /** `name type, ...`. */
  columns: string;
  /** Each row as `value, ...`, rows joined by ` / `. */
  rows: string;
  /** The warnings, none when absent. */
  warnings: string[];
}

/** The result as text. */
export function answerText(result: ExecResult): AnswerText {
  assert.equal(result.kind, "rows");
  if (result.kind !== "rows") return { columns: "", rows: "", warnings: [] };
  const types = result.columns.map((column) => column.type);
  return {
    columns: result.columns.map((c) => `${c.name} ${formatCqlType(c.type)}`).join(", "),
    rows: result.rows.map((row) =>
      row.map((cell, i) => cell === null ? "null" : formatValueForCql(types[i], cell)).join(", ")
    ).join(" / "),
    warnings: result.warnings ?? [],
  };
}

/** The pages of a paged SELECT, each ending in ` [more]` when it had a paging state. */
export function pages(f: EngineFixture, cql: string, pageSize: number, prepare = false): string[] {
  const out: string[] = [];
  let pagingState: Uint8Array | null = null;
  for (let i = 0; i < 20; i++) {
    const result = f.run(cql, { pageSize, pagingState, prepare });
    pagingState = result.kind === "rows" ? result.pagingState : null;
    out.push(answerText(result).rows + (pagingState === null ? "" : " [more]"));
    if (pagingState === null) return out;
  }
  throw new Error(`more than 20 pages: ${cql}`);
}
