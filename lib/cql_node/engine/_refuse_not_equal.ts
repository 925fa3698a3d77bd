// The one WHERE operator Cassandra 5.0 parses and always refuses: `!=`.
import type { Relation } from "../parse/cql_ast.ts";
import { CqlError } from "../protocol/cql_error.ts";
import { termText } from "./_term_text.ts";

/**
 * Refuses a WHERE relation with `!=`, as Cassandra 5.0 does (it takes `!=` only in IF
 * conditions), before any other check of the clause.
 *
 * @param where The relations.
 * @throws {CqlError} At the first `!=`, naming it as Cassandra writes it.
 */
export function refuseNotEqual(where: Relation[]): void {
  for (const relation of where) {
    if (relation.op !== "!=") continue;
    const names = relation.columns.join(", ");
    const tuple = relation.columns.length > 1 || relation.value.kind === "tuple";
    const left = relation.token ? `token(${names})` : tuple ? `(${names})` : names;
    throw CqlError.invalid(`Unsupported "!=" relation: ${left} != ${termText(relation.value)}`);
  }
}
