// `token(k1, k2) op value` in a WHERE clause: its columns checked as Cassandra checks them, and
// the bound it sets.
import type { Relation } from "../parse/cql_ast.ts";
import { CqlError } from "../protocol/cql_error.ts";
import type { ColumnSchema, TableSchema } from "./schema.ts";
import type { BindCollector, TermFn } from "./_bind.ts";
import { compileTokenValue } from "./_token_value.ts";

/** One bound of a `token(pk) > ?` restriction. */
export interface TokenBound {
  value: TermFn;
  inclusive: boolean;
}

function column(table: TableSchema, name: string): ColumnSchema {
  const found = table.byName.get(name);
  if (!found) throw CqlError.undefinedColumn(name, table);
  return found;
}

/** `token(k1, k2) op value`: checks the columns as Cassandra does and sets a token bound. */
export function compileTokenRelation(
  table: TableSchema,
  relation: Relation,
  binds: BindCollector,
  plan: { token: { lower?: TokenBound; upper?: TokenBound } | null },
): void {
  const cols = relation.columns.map((name) => column(table, name));
  const names = table.partitionKey.map((c) => c.name).join(", ");
  if (cols.some((col) => col.kind !== "partition_key")) {
    throw CqlError.invalid("The token() function must contains only partition key components");
  }
  if (cols.length !== table.partitionKey.length) {
    throw CqlError.invalid(
      "The token() function must be applied to all partition key components or none of them",
    );
  }
  if (cols.some((col, i) => col.position !== i)) {
    throw CqlError.invalid(
      `The token function arguments must be in the partition key order: ${names}`,
    );
  }
  const value = compileTokenValue(table, relation.value, binds);
  const token = plan.token ??= {};
  const op = relation.op;
  const bound = { value, inclusive: op === "=" || op.endsWith("=") };
  if (op === "=" || op[0] === ">") {
    if (token.lower) {
      throw CqlError.invalid(`More than one restriction was found for the start bound on ${names}`);
    }
    token.lower = bound;
  }
  if (op === "=" || op[0] === "<") {
    if (token.upper) {
      throw CqlError.invalid(`More than one restriction was found for the end bound on ${names}`);
    }
    token.upper = bound;
  }
}
