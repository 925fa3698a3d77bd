/**
 * The schema of the SQLite run database: created in a new file, checked in an existing one.
 * Internal to `lib/disk/driver/`.
 *
 * @module
 */

import type { DatabaseSync } from "node:sqlite";
import { firstLineOf, TargetError } from "../../errors.ts";
import type { Row } from "./_run_rows.ts";

const SCHEMA_VERSION = 1;
const OUR_TABLES = ["schema_version", "runs", "clients", "events", "samples"];

const SCHEMA_SQL = `
CREATE TABLE schema_version (version INTEGER NOT NULL);
CREATE TABLE runs (
  id INTEGER PRIMARY KEY,
  started_at_ms INTEGER NOT NULL,
  ended_at_ms INTEGER,
  tcp_port INTEGER NOT NULL,
  hb_address TEXT NOT NULL,
  hb_port INTEGER NOT NULL,
  status TEXT NOT NULL DEFAULT 'running'
    CHECK (status IN ('running', 'done', 'idle', 'interrupted')),
  report_json TEXT
);
CREATE TABLE clients (
  run_id INTEGER NOT NULL REFERENCES runs (id),
  client_id TEXT NOT NULL,
  host TEXT NOT NULL,
  pid INTEGER NOT NULL,
  config_json TEXT NOT NULL,
  connected_at_ms INTEGER NOT NULL,
  finished_at_ms INTEGER,
  last_heartbeat_ms INTEGER,
  heartbeats INTEGER NOT NULL DEFAULT 0,
  state TEXT NOT NULL DEFAULT 'running' CHECK (state IN ('running', 'finished', 'gone')),
  PRIMARY KEY (run_id, client_id)
);
CREATE TABLE events (
  id INTEGER PRIMARY KEY,
  run_id INTEGER NOT NULL REFERENCES runs (id),
  client_id TEXT,
  seq INTEGER,
  at_ms INTEGER NOT NULL,
  received_at_ms INTEGER NOT NULL,
  kind TEXT NOT NULL,
  detail_json TEXT NOT NULL,
  UNIQUE (run_id, client_id, seq)
);
CREATE TABLE samples (
  id INTEGER PRIMARY KEY,
  run_id INTEGER NOT NULL REFERENCES runs (id),
  client_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  at_ms INTEGER NOT NULL,
  received_at_ms INTEGER NOT NULL,
  cpu_percent REAL NOT NULL,
  user_ms REAL NOT NULL,
  sys_ms REAL NOT NULL,
  rss_bytes INTEGER NOT NULL,
  bytes_written INTEGER NOT NULL,
  chunks INTEGER NOT NULL,
  interval_ms REAL NOT NULL,
  histogram TEXT NOT NULL,
  UNIQUE (run_id, client_id, seq)
);
INSERT INTO schema_version (version) VALUES (${SCHEMA_VERSION});
`;

/** What a report (which only reads) expects of a database that is not a server's. */
const EXPECTED_READ_ONLY = "expected the --db of a stress disk server";

/** The names of the tables in the database; throws the one line of a file that is not SQLite. */
function tablesOf(db: DatabaseSync, path: string, readOnly: boolean): string[] {
  // The first read of the file: "file is not a database" comes from here.
  try {
    return (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as Row[])
      .map((row) => String(row.name));
  } catch (error) {
    const message = firstLineOf(error);
    if (/not a database|malformed/i.test(message)) {
      throw new TargetError(
        `Cannot open run database "${path}": it is not a SQLite database, ${
          readOnly ? EXPECTED_READ_ONLY : "expected a SQLite file or a new path"
        }`,
        { cause: error },
      );
    }
    throw error;
  }
}

/** Creates the schema in an empty database, in one transaction. */
function createSchema(db: DatabaseSync): void {
  db.exec("BEGIN IMMEDIATE");
  try {
    db.exec(SCHEMA_SQL);
    db.exec("COMMIT");
  } catch (error) {
    if (db.isTransaction) db.exec("ROLLBACK");
    throw error;
  }
}

/**
 * Creates the schema in an empty database, or checks that an existing one is ours and of this
 * version. Sets WAL and `synchronous=FULL`. Read-only, it changes nothing and refuses a database
 * without tables (an empty file is an empty SQLite database).
 *
 * @param db The open database.
 * @param path Its file, for messages.
 * @param options Whether the database is open for reading only.
 * @throws {TargetError} When the file is not a SQLite database, holds tables of something else,
 * another schema version, or (read-only) no tables.
 */
export function prepareSqliteSchema(
  db: DatabaseSync,
  path: string,
  options: { readOnly: boolean } = { readOnly: false },
): void {
  const tables = tablesOf(db, path, options.readOnly);
  db.exec("PRAGMA busy_timeout = 5000");
  if (options.readOnly) {
    if (tables.length === 0) {
      throw new TargetError(
        `Cannot open run database "${path}": it holds no tables, expected the --db of a ` +
          `stress disk server`,
      );
    }
  } else {
    db.exec("PRAGMA journal_mode = WAL");
    db.exec("PRAGMA synchronous = FULL");
    db.exec("PRAGMA foreign_keys = ON");
    if (tables.length === 0) return createSchema(db);
  }
  checkSchema(db, path, tables, options.readOnly);
}

/** Checks that the tables are ours, of this version. */
function checkSchema(
  db: DatabaseSync,
  path: string,
  tables: readonly string[],
  readOnly: boolean,
): void {
  if (!tables.includes("schema_version")) {
    throw new TargetError(
      `Cannot open run database "${path}": it holds other tables (${
        tables.slice(0, 5).map((t) => `"${t}"`).join(", ")
      }) and no schema_version, ${
        readOnly ? EXPECTED_READ_ONLY : `expected a new file or one written by "stress disk server"`
      }`,
    );
  }
  const rows = db.prepare("SELECT version FROM schema_version").all() as Row[];
  const version = rows.length === 1 ? Number(rows[0].version) : NaN;
  if (version !== SCHEMA_VERSION) {
    throw new TargetError(
      `Cannot open run database "${path}": its schema version is ${
        rows.length === 1 ? `"${rows[0].version}"` : "unknown"
      }, expected ${SCHEMA_VERSION} (it was written by another version of stress; use a new file)`,
    );
  }
  const missing = OUR_TABLES.filter((name) => !tables.includes(name));
  if (missing.length > 0) {
    throw new TargetError(
      `Cannot open run database "${path}": table "${missing[0]}" is missing, expected the tables ` +
        `${OUR_TABLES.map((t) => `"${t}"`).join(", ")}`,
    );
  }
}
