// The routing information of a prepared statement: which markers bind the partition key.
import type { Statement } from "../parse/cql_ast.ts";
import type { TableSchema } from "./schema.ts";

/**
 * For each partition key column, the index of the bind marker that gives its value (`= ?` in
 * WHERE, or the INSERT value); empty when some column is not bound by a marker.
 */
export function pkIndexes(table: TableSchema, statement: Statement): number[] {
  const where = "where" in statement ? statement.where : [];
  const out: number[] = [];
  for (const col of table.partitionKey) {
    let index = -1;
    if (statement.kind === "insert") {
      const at = statement.columns.indexOf(col.name);
      const term = at >= 0 ? statement.values[at] : undefined;
      if (term?.kind === "bind") index = term.index;
    } else {
      const relation = where.find((r) =>
        r.op === "=" && r.columns.length === 1 && r.columns[0] === col.name
      );
      if (relation?.value.kind === "bind") index = relation.value.index;
    }
    if (index < 0) return [];
    out.push(index);
  }
  return out;
}
