// Names a statement gives, resolved against the session's keyspace and the schema.
import type { QualifiedName } from "../parse/cql_ast.ts";
import { CqlError } from "../protocol/cql_error.ts";
import type { Session } from "./prepared_statement.ts";
import type { Schema, TableSchema } from "./schema.ts";

/** The keyspace of `name`: its own, else the session's; throws when there is none. */
export function keyspaceOf(name: QualifiedName, session: Session): string {
  const keyspace = name.keyspace ?? session.keyspace;
  if (keyspace === undefined) {
    throw CqlError.invalid(
      "No keyspace has been specified. USE a keyspace, or explicitly specify keyspace.tablename",
    );
  }
  return keyspace;
}

/** The table `name` names; throws when its keyspace or the table does not exist. */
export function tableOf(schema: Schema, name: QualifiedName, session: Session): TableSchema {
  const keyspaceName = keyspaceOf(name, session);
  const keyspace = schema.keyspaces.get(keyspaceName);
  if (!keyspace) throw CqlError.invalid(`keyspace ${keyspaceName} does not exist`);
  const table = keyspace.tables.get(name.name);
  if (!table) throw CqlError.invalid(`table ${name.name} does not exist`);
  return table;
}
