// `query setup` against a server where timescaledb is available but not preloaded (the state right
// after installing the package). The server runs from a private copy of the system's installation
// (tests/query/_pg_private_install.ts) whose extension directory gets a stand-in `timescaledb`
// extension: its scripts raise TimescaleDB's error (the real one is FATAL, which SQL cannot
// raise, so one version ends the session instead) or another error. When the installation
// already has a real timescaledb, it is left alone and used as it is (never preloaded here).
import assert from "node:assert/strict";
import postgres from "postgres";
import { querySetupCommand } from "../../lib/query/query_setup.ts";
import { BufferedIo } from "../../lib/cli/command_io.ts";
import { TargetError, UserError } from "../../lib/errors.ts";
import { main } from "../../main.ts";
import { freshDatabase, type PgServer, startPostgres } from "./_pg_fixture.ts";
import { type PrivateInstall, privateInstall } from "./_pg_private_install.ts";

const install = await privateInstall();
const skipped = typeof install === "string" ? install : null;
if (skipped !== null) {
  // deno-lint-ignore no-console
  console.warn(
    `SKIPPED query_setup_preload_test.ts: no private PostgreSQL installation: ${skipped}`,
  );
}
const copy = install as PrivateInstall;
const server: PgServer | null = skipped === null
  ? await startPostgres({ binDir: copy.binDir }).catch(async (error) => {
    await copy.remove();
    throw error;
  })
  : null;
const CONTROL = skipped === null ? `${copy.extensionDir}/timescaledb.control` : "";
const realTimescale = skipped === null &&
  await Deno.lstat(CONTROL).then(() => true, () => false);
if (realTimescale) {
  // deno-lint-ignore no-console
  console.warn(
    "query_setup_preload_test.ts: the installation has a real timescaledb; it is used as it is " +
      "and the stand-in cases (run as a non-superuser) are SKIPPED",
  );
}

/** The stand-in's scripts, by version: what `CREATE EXTENSION timescaledb` runs. */
const STAND_IN_SCRIPTS: Readonly<Record<string, string>> = {
  // TimescaleDB's message and hint (src/loader/loader.c); its SQLSTATE is XX000 (none given).
  "0.0.0": `DO $$ BEGIN RAISE EXCEPTION USING ERRCODE = 'XX000',
    MESSAGE = 'extension "timescaledb" must be preloaded',
    HINT = 'Please preload the timescaledb library via shared_preload_libraries.'; END $$;`,
  "0.0.1": "SELECT pg_terminate_backend(pg_backend_pid()); SELECT pg_sleep(10);",
  "0.0.2": `DO $$ BEGIN RAISE EXCEPTION 'stand-in: could not load library'; END $$;`,
};

/** Makes the stand-in's default version `version` (writes only into the private copy). */
async function standIn(version: string): Promise<void> {
  // The copy's files are hard links of the system's: never write to a real one.
  assert.ok(!realTimescale, "a real timescaledb.control is installed");
  await Deno.writeTextFile(
    CONTROL,
    `comment = 'stand-in of the stress tests'\ndefault_version = '${version}'\n` +
      "relocatable = false\ntrusted = true\n",
  );
  for (const [v, script] of Object.entries(STAND_IN_SCRIPTS)) {
    await Deno.writeTextFile(`${copy.extensionDir}/timescaledb--${v}.sql`, `${script}\n`);
  }
}

async function setupError(args: string[]): Promise<UserError> {
  const io = new BufferedIo();
  try {
    await querySetupCommand(args, io, { progress: false });
  } catch (error) {
    assert.ok(error instanceof UserError, String(error));
    assert.deepEqual(io.stdout, []);
    return error;
  }
  assert.fail("expected an error");
}

async function query<T>(url: string, run: (sql: postgres.Sql) => Promise<T>): Promise<T> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    return await run(sql);
  } finally {
    await sql.end();
  }
}

/** Whether the database has the table and the extension. */
function created(url: string): Promise<{ table: boolean; extension: boolean }> {
  return query(url, async (sql) => {
    const [row] = await sql`SELECT to_regclass('cpu_usage') IS NOT NULL AS table,
      EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'timescaledb') AS extension`;
    return { table: row.table, extension: row.extension };
  });
}

/** A database owned by the non-superuser `bench`, and its URL as `bench`. */
async function benchDatabase(name: string): Promise<string> {
  const url = await freshDatabase(server!, name);
  await query(server!.url, async (sql) => {
    await sql.unsafe(
      "DO $$ BEGIN CREATE ROLE bench LOGIN; EXCEPTION WHEN duplicate_object " +
        "THEN NULL; END $$",
    );
    await sql.unsafe(`ALTER DATABASE ${name} OWNER TO bench`);
  });
  return url.replace("postgres://postgres@", "postgres://bench@");
}

Deno.test({
  name: "query setup stops with what to do when timescaledb is available but not preloaded",
  ignore: skipped !== null,
  async fn() {
    if (!realTimescale) await standIn("0.0.0");
    const url = await freshDatabase(server!, "notpreloaded");
    const available = await query(
      url,
      (sql) => sql`SELECT default_version FROM pg_available_extensions WHERE name = 'timescaledb'`,
    );
    // The server reads the private copy's extension directory.
    if (!realTimescale) assert.deepEqual(available.map((r) => r.default_version), ["0.0.0"]);
    const configFile = await query(
      url,
      async (sql) => (await sql`SHOW config_file`)[0].config_file,
    );
    const expected = `Cannot use timescaledb on "${url}": the server has the extension but does ` +
      `not preload it (shared_preload_libraries is ''), and TimescaleDB then refuses with ` +
      `"extension "timescaledb" must be preloaded"; set shared_preload_libraries = 'timescaledb' ` +
      `in ${configFile} and restart the server, or give --plain for a plain table`;
    const error = await setupError(["--url", url, "--generate", "1,0.01"]);
    assert.ok(error instanceof TargetError);
    assert.equal(error.exitCode, 3);
    assert.equal(error.message, expected);
    assert.deepEqual(await created(url), { table: false, extension: false });
    // What the user sees: one line, exit 3.
    const io = new BufferedIo();
    assert.equal(await main(["query", "setup", "--url", url, "--generate", "1,0.01"], { io }), 3);
    assert.deepEqual(io.stderr, [`error: ${expected}`]);
    assert.deepEqual(io.stdout, []);
    // --plain gives the plain table, and says why.
    const plain = new BufferedIo();
    const code = await querySetupCommand(["--url", url, "--generate", "1,0.01", "--plain"], plain, {
      progress: false,
    });
    assert.equal(code, 0);
    assert.deepEqual(plain.stdout.slice(0, 3), [
      "table: cpu_usage created",
      "storage: plain table (timescaledb available, --plain given), indexes (ts DESC)",
      "rows loaded: 86 generated (1 hosts, 0.01 days, every 10 s, seed 20170101)",
    ]);
    assert.deepEqual(await created(url), { table: true, extension: false });
  },
});

Deno.test({
  name: "query setup quotes the server when the role cannot read shared_preload_libraries",
  ignore: skipped !== null || realTimescale,
  async fn() {
    await standIn("0.0.0");
    const url = await benchDatabase("asbench");
    const error = await setupError(["--url", url, "--generate", "1,0.01"]);
    assert.ok(error instanceof TargetError);
    assert.equal(
      error.message,
      `Cannot create extension timescaledb on "${url}": extension "timescaledb" must be ` +
        `preloaded; add 'timescaledb' to shared_preload_libraries in postgresql.conf (SHOW ` +
        `config_file names it) and restart the server, or give --plain for a plain table`,
    );
    assert.deepEqual(await created(url), { table: false, extension: false });
    // TimescaleDB's check is FATAL: the session ends, and the client sees a closed connection.
    await standIn("0.0.1");
    const closed = await setupError(["--url", url, "--generate", "1,0.01"]);
    assert.ok(closed instanceof TargetError);
    assert.match(
      closed.message,
      new RegExp(
        `^Cannot create extension timescaledb on "${url}": the server ended the session ` +
          `\\(write CONNECTION_CLOSED [^)]*\\), as TimescaleDB does when it is not preloaded ` +
          `\\("extension "timescaledb" must be preloaded"\\); add 'timescaledb' to ` +
          `shared_preload_libraries in postgresql.conf \\(SHOW config_file names it\\) and ` +
          `restart the server, or give --plain for a plain table$`,
      ),
    );
    assert.deepEqual(await created(url), { table: false, extension: false });
  },
});

Deno.test({
  name: "query setup still falls back to a plain table when timescaledb fails otherwise",
  ignore: skipped !== null || realTimescale,
  async fn() {
    await standIn("0.0.2");
    const url = await benchDatabase("otherfailure");
    const io = new BufferedIo();
    const code = await querySetupCommand(["--url", url, "--generate", "1,0.01"], io, {
      progress: false,
    });
    assert.equal(code, 0);
    assert.equal(
      io.stdout[1],
      "storage: plain table (timescaledb cannot be loaded: stand-in: could not load library), " +
        "indexes (ts DESC)",
    );
    assert.deepEqual(await created(url), { table: true, extension: false });
  },
});

Deno.test({
  name: "the stand-in stayed in the private copy; stop the server and remove the copy (last)",
  ignore: skipped !== null,
  async fn() {
    try {
      for (const version of Object.keys(STAND_IN_SCRIPTS)) {
        const leaked = `${copy.systemExtensionDir}/timescaledb--${version}.sql`;
        assert.equal(await Deno.lstat(leaked).then(() => true, () => false), false, leaked);
      }
    } finally {
      await server!.stop();
      await copy.remove();
    }
  },
});
