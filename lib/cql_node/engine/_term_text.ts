// A term of the syntax tree written back as CQL, as Cassandra quotes statements in its messages.
import type { Term } from "../parse/cql_ast.ts";

/**
 * A term as CQL text: `?`, `:name`, `'text'`, literals as written, collections and tuples.
 *
 * @param term The term.
 * @returns The text.
 */
export function termText(term: Term): string {
  switch (term.kind) {
    case "bind":
      return term.name === undefined ? "?" : `:${term.name}`;
    case "string":
      return `'${term.text}'`;
    case "list":
      return `[${term.items.map(termText).join(", ")}]`;
    case "set":
      return `{${term.items.map(termText).join(", ")}}`;
    case "tuple":
      return `(${term.items.map(termText).join(", ")})`;
    case "map":
      return `{${term.entries.map(([k, v]) => `${termText(k)}: ${termText(v)}`).join(", ")}}`;
    case "function":
      return `${term.name}(${term.args.map(termText).join(", ")})`;
    case "cast":
      return `(${term.type})${termText(term.term)}`;
    default:
      return term.text;
  }
}
