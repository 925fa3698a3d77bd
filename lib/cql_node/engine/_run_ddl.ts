// Runs the statements that are not reads or writes: USE, and the keyspace, table and index DDL.
import type { Statement } from "../parse/cql_ast.ts";
import { CqlError } from "../protocol/cql_error.ts";
import { ERROR_CODE } from "../../protocol/protocol_codes.ts";
import type { ExecResult, SchemaChange, Session } from "./prepared_statement.ts";
import type { Schema } from "./schema.ts";
import { isSystemKeyspace, type NodeInfo } from "./system_tables.ts";
import { alterKeyspace, createKeyspace, createTable } from "./_ddl.ts";
import { nodePlaceOf } from "./_node_place.ts";
import { keyspaceOf, tableOf } from "./_table_lookup.ts";
import { runIndexDdl } from "./_index_ddl.ts";

/** What DDL needs from the engine. */
export interface DdlHost {
  /** The schema it changes. */
  readonly schema: Schema;
  /** What the node says about itself (its datacenter, for replication warnings). */
  readonly node: NodeInfo;
  /** Records a schema change (version, system tables, caches, events) and returns it. */
  changed(change: SchemaChange): SchemaChange;
}

/** Runs USE, CREATE/ALTER/DROP KEYSPACE, CREATE/DROP TABLE, CREATE/DROP INDEX or TRUNCATE. */
export function runDdl(statement: Statement, session: Session, host: DdlHost): ExecResult {
  const schema = host.schema;
  switch (statement.kind) {
    case "use": {
      if (!schema.keyspaces.has(statement.keyspace)) {
        throw CqlError.invalid(`Keyspace '${statement.keyspace}' does not exist`);
      }
      session.keyspace = statement.keyspace;
      return { kind: "setKeyspace", keyspace: statement.keyspace };
    }
    case "createKeyspace": {
      const warnings = createKeyspace(schema, statement, nodePlaceOf(host.node));
      if (warnings === null) return { kind: "void" };
      return host.changed({
        kind: "schemaChange",
        change: "CREATED",
        target: "KEYSPACE",
        keyspace: statement.keyspace,
        warnings,
      });
    }
    case "alterKeyspace": {
      const warnings = alterKeyspace(schema, statement, nodePlaceOf(host.node));
      return host.changed({
        kind: "schemaChange",
        change: "UPDATED",
        target: "KEYSPACE",
        keyspace: statement.keyspace,
        warnings,
      });
    }
    case "dropKeyspace": {
      const name = statement.table.name;
      const keyspace = schema.keyspaces.get(name);
      if (!keyspace) {
        if (statement.ifExists) return { kind: "void" };
        throw CqlError.invalid(`Keyspace '${name}' doesn't exist`);
      }
      if (keyspace.system) {
        throw new CqlError(ERROR_CODE.unauthorized, `${name} keyspace is not user-modifiable.`);
      }
      schema.keyspaces.delete(name);
      return host.changed({
        kind: "schemaChange",
        change: "DROPPED",
        target: "KEYSPACE",
        keyspace: name,
      });
    }
    case "createTable": {
      const keyspace = keyspaceOf(statement.table, session);
      if (!createTable(schema, keyspace, statement)) return { kind: "void" };
      return host.changed({
        kind: "schemaChange",
        change: "CREATED",
        target: "TABLE",
        keyspace,
        table: statement.table.name,
      });
    }
    case "dropTable": {
      const keyspaceName = keyspaceOf(statement.table, session);
      const keyspace = schema.keyspaces.get(keyspaceName);
      if (!keyspace?.tables.has(statement.table.name)) {
        if (statement.ifExists) return { kind: "void" };
        throw CqlError.invalid(`Table '${keyspaceName}.${statement.table.name}' doesn't exist`);
      }
      if (keyspace.system) {
        throw new CqlError(
          ERROR_CODE.unauthorized,
          `${keyspaceName} keyspace is not user-modifiable.`,
        );
      }
      keyspace.tables.delete(statement.table.name);
      return host.changed({
        kind: "schemaChange",
        change: "DROPPED",
        target: "TABLE",
        keyspace: keyspaceName,
        table: statement.table.name,
      });
    }
    case "createIndex":
    case "dropIndex":
      return runIndexDdl(statement, session, host);
    case "truncate": {
      const table = tableOf(schema, statement.table, session);
      if (isSystemKeyspace(table.keyspace)) {
        throw new CqlError(
          ERROR_CODE.unauthorized,
          `${table.keyspace} keyspace is not user-modifiable.`,
        );
      }
      table.store.truncate();
      return { kind: "void" };
    }
    default:
      throw CqlError.invalid(`Unsupported statement ${statement.kind}`);
  }
}
