// The value a `token(pk) > ...` restriction compares with: a bigint term, or `token(v1, v2)` of
// values, the Murmur3 token of the partition key they give (as Cassandra's token function on
// literals and bind markers, `arg0(system.token)`, ... in prepared metadata).
import type { FunctionTerm, Term } from "../parse/cql_ast.ts";
import { CqlError } from "../protocol/cql_error.ts";
import { type CqlType, formatCqlType } from "../values/cql_type.ts";
import { int64Bytes } from "../values/_value_bytes.ts";
import { murmur3PartitionToken } from "../../core/murmur3_token.ts";
import type { TableSchema } from "./schema.ts";
import { type BindCollector, compileTerm, type TermFn } from "./_bind.ts";
import { encodePartitionKey } from "./_partition_key.ts";
import { termText } from "./_term_text.ts";

const BIGINT: CqlType = { kind: "native", name: "bigint" };

/** Whether `term` calls the token function (`token(...)` or `system.token(...)`). */
function isTokenCall(term: Term): term is FunctionTerm {
  return term.kind === "function" && /^(system\.)?token$/.test(term.name.toLowerCase());
}

/**
 * The token `term` gives for one execution, on `table`'s partition key.
 *
 * @throws {CqlError} Invalid for a call with the wrong number of arguments, or an argument of
 *   another type than its key column.
 */
export function compileTokenValue(
  table: TableSchema,
  term: Term,
  binds: BindCollector,
): TermFn {
  if (!isTokenCall(term)) return compileTerm(BIGINT, term, "partition key token", binds);
  const pk = table.partitionKey;
  if (term.args.length !== pk.length) {
    throw CqlError.invalid(
      `Invalid number of arguments in call to function system.token: ${pk.length} required but ${term.args.length} provided`,
    );
  }
  const parts = term.args.map((arg, i) => {
    try {
      return compileTerm(pk[i].type, arg, `arg${i}(system.token)`, binds);
    } catch (error) {
      if (!(error instanceof CqlError)) throw error;
      throw CqlError.invalid(
        `Type error: ${
          termText(arg)
        } cannot be passed as argument ${i} of function system.token of type ${
          formatCqlType(pk[i].type)
        }`,
      );
    }
  });
  return (ctx) => {
    const values = parts.map((part) => part(ctx));
    // A null or unset component has no token: the bound is refused as a null token.
    if (values.some((value) => value === null || value === undefined)) return null;
    return int64Bytes(murmur3PartitionToken(encodePartitionKey(values as Uint8Array[])));
  };
}
