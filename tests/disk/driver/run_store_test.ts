import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import postgres from "postgres";
import { OptionError, TargetError } from "../../../lib/errors.ts";
import { openRunStore } from "../../../lib/disk/driver/run_store.ts";
import type {
  EventRecord,
  NewClient,
  NewRun,
  RunStore,
  SampleRecord,
} from "../../../lib/disk/driver/run_store_types.ts";
import { PgRunStore } from "../../../lib/disk/driver/pg_run_store.ts";
import { SqliteRunStore } from "../../../lib/disk/driver/sqlite_run_store.ts";
import { startPostgres } from "../../query/_pg_fixture.ts";

const server = await startPostgres();

/** A fresh, empty database of one back-end. */
interface FreshDb {
  /** The `--db` value. */
  target: string;
  /** Sets the stored schema version behind the store's back. */
  setSchemaVersion(version: number): Promise<void>;
  /** Creates a table `name` that is not ours. */
  createForeignTable(name: string): Promise<void>;
  /** The names of the tables in the database (none before a store opened it). */
  tables(): Promise<string[]>;
  /** Removes the database. */
  cleanUp(): Promise<void>;
}

interface Backend {
  name: string;
  storeClass: typeof SqliteRunStore | typeof PgRunStore;
  fresh(): Promise<FreshDb>;
}

const sqliteBackend: Backend = {
  name: "SqliteRunStore",
  storeClass: SqliteRunStore,
  async fresh(): Promise<FreshDb> {
    const dir = await Deno.makeTempDir({ prefix: "run_store_" });
    const target = `${dir}/runs.sqlite`;
    function withDb(fn: (db: DatabaseSync) => void): Promise<void> {
      const db = new DatabaseSync(target);
      try {
        fn(db);
      } finally {
        db.close();
      }
      return Promise.resolve();
    }
    return {
      target,
      setSchemaVersion: (version) =>
        withDb((db) => db.prepare("UPDATE schema_version SET version = ?").run(version)),
      createForeignTable: (name) => withDb((db) => db.exec(`CREATE TABLE ${name} (x INTEGER)`)),
      tables: () => {
        let names: string[] = [];
        return withDb((db) => {
          names = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all()
            .map((row) => String(row.name));
        }).then(() => names);
      },
      cleanUp: () => Deno.remove(dir, { recursive: true }),
    };
  },
};

let pgDatabases = 0;

async function withPg(url: string, fn: (sql: postgres.Sql) => Promise<unknown>): Promise<void> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    await fn(sql);
  } finally {
    await sql.end({ timeout: 1 });
  }
}

const pgBackend: Backend = {
  name: "PgRunStore",
  storeClass: PgRunStore,
  async fresh(): Promise<FreshDb> {
    const name = `run_store_${++pgDatabases}`;
    await withPg(server.url, (sql) => sql.unsafe(`CREATE DATABASE ${name}`));
    const target = server.url.replace(/\/postgres$/, `/${name}`);
    return {
      target,
      setSchemaVersion: (version) =>
        withPg(target, (sql) => sql`UPDATE schema_version SET version = ${version}`),
      createForeignTable: (table) =>
        withPg(target, (sql) => sql.unsafe(`CREATE TABLE ${table} (x integer)`)),
      tables: async () => {
        let names: string[] = [];
        await withPg(target, async (sql) => {
          const rows = await sql`SELECT table_name FROM information_schema.tables
            WHERE table_schema = current_schema()`;
          names = rows.map((row) => String(row.table_name));
        });
        return names;
      },
      cleanUp: () => withPg(server.url, (sql) => sql.unsafe(`DROP DATABASE ${name}`)),
    };
  },
};

const RUN: NewRun = {
  startedAtMs: 1_700_000_000_000,
  tcpPort: 42000,
  hbAddress: "239.0.0.1",
  hbPort: 10001,
};
const CONFIG = {
  chunkBytes: 10_000_000,
  fileBytes: 20_000_000,
  runTimeMs: 10_000,
  path: "/tmp/x",
  fsync: "chunk",
  heartbeatMs: 5000,
  statsEveryMs: 10_000,
  minFreeBytes: null,
  minFreePercent: 5,
};

function client(clientId: string, connectedAtMs = RUN.startedAtMs + 10): NewClient {
  return { clientId, host: "bench-1", pid: 4242, config: CONFIG, connectedAtMs };
}

function event(clientId: string | null, seq: number | null, kind = "log"): EventRecord {
  return {
    clientId,
    seq,
    atMs: RUN.startedAtMs + 100 + (seq ?? 0),
    receivedAtMs: RUN.startedAtMs + 101 + (seq ?? 0),
    kind,
    detail: { message: `m${seq}`, nested: { list: [1, 2.5, "x", null] } },
  };
}

function sample(clientId: string, seq: number): SampleRecord {
  return {
    clientId,
    seq,
    atMs: RUN.startedAtMs + 10_000 * seq,
    receivedAtMs: RUN.startedAtMs + 10_000 * seq + 3,
    cpuPercent: 37.5,
    userMs: 250.25,
    sysMs: 1000.5,
    rssBytes: 52_428_800,
    bytesWritten: 123_456_789_012,
    chunks: 12_345,
    intervalMs: 10_000.5,
    histogram: "HISTFAAAACl4nJNpmSzMwMDAxwABzFCaEUz+",
  };
}

async function rejectsWithTargetError(
  promise: Promise<unknown>,
  pattern: RegExp,
): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof TargetError, `expected a TargetError, got ${error}`);
    assert.match(error.message, pattern);
    assert.ok(!error.message.includes("\n"), `not one line: ${error.message}`);
    return true;
  });
}

function defineCases(backend: Backend): void {
  const { name } = backend;

  /** Runs `fn` on a store over a fresh database and cleans up. */
  async function withStore(
    fn: (store: RunStore, db: FreshDb) => Promise<void>,
    options: { heartbeatFlushMs?: number } = {},
  ): Promise<void> {
    const db = await backend.fresh();
    const store = await openRunStore(db.target, options);
    try {
      assert.ok(store instanceof backend.storeClass);
      await fn(store, db);
    } finally {
      await store.close();
      await db.cleanUp();
    }
  }

  Deno.test(`${name} loadRun() returns every record type as stored`, async () => {
    await withStore(async (store) => {
      const runId = await store.createRun(RUN);
      assert.equal(await store.addClient(runId, client("c1")), true);
      assert.equal(await store.addClient(runId, client("c2", RUN.startedAtMs + 20)), true);
      const events = [
        event("c1", 1, "start"),
        event("c2", 1, "start"),
        event("c1", 2, "rollover"),
        event(null, null, "rejected"),
        event("c2", null, "gone"),
      ];
      for (const e of events) assert.equal(await store.addEvent(runId, e), "stored");
      const samples = [sample("c1", 3), sample("c2", 2)];
      for (const s of samples) assert.equal(await store.addSample(runId, s), "stored");
      await store.noteHeartbeat(runId, "c1", RUN.startedAtMs + 5000);
      await store.noteHeartbeat(runId, "c1", RUN.startedAtMs + 10_000);
      await store.noteHeartbeat(runId, "c1", RUN.startedAtMs + 9000);
      await store.setClientState(runId, "c1", "finished", RUN.startedAtMs + 20_000);
      await store.setClientState(runId, "c2", "gone", RUN.startedAtMs + 21_000);
      await store.finishRun(runId, {
        endedAtMs: RUN.startedAtMs + 30_000,
        status: "done",
        reportJson: '{"clients":2}',
      });
      const loaded = await store.loadRun(runId);
      assert.deepEqual(loaded, {
        run: {
          id: runId,
          ...RUN,
          endedAtMs: RUN.startedAtMs + 30_000,
          status: "done",
          reportJson: '{"clients":2}',
          clientCount: 2,
        },
        clients: [
          {
            ...client("c1"),
            finishedAtMs: RUN.startedAtMs + 20_000,
            lastHeartbeatMs: RUN.startedAtMs + 10_000,
            heartbeats: 3,
            state: "finished",
          },
          {
            ...client("c2", RUN.startedAtMs + 20),
            finishedAtMs: RUN.startedAtMs + 21_000,
            lastHeartbeatMs: null,
            heartbeats: 0,
            state: "gone",
          },
        ],
        events,
        samples,
      });
    });
  });

  Deno.test(`${name} createRun() starts a run as running with no end`, async () => {
    await withStore(async (store) => {
      const runId = await store.createRun(RUN);
      const loaded = await store.loadRun(runId);
      assert.deepEqual(loaded?.run, {
        id: runId,
        ...RUN,
        endedAtMs: null,
        status: "running",
        reportJson: null,
        clientCount: 0,
      });
      assert.deepEqual([loaded?.clients, loaded?.events, loaded?.samples], [[], [], []]);
    });
  });

  Deno.test(`${name} addEvent() and addSample() store a resent record once`, async () => {
    await withStore(async (store) => {
      const runId = await store.createRun(RUN);
      const otherRunId = await store.createRun(RUN);
      await store.addClient(runId, client("c1"));
      await store.addClient(otherRunId, client("c1"));
      assert.equal(await store.addEvent(runId, event("c1", 1)), "stored");
      assert.equal(await store.addEvent(runId, { ...event("c1", 1), kind: "x" }), "duplicate");
      assert.equal(await store.addEvent(otherRunId, event("c1", 1)), "stored");
      assert.equal(await store.addSample(runId, sample("c1", 2)), "stored");
      assert.equal(await store.addSample(runId, sample("c1", 2)), "duplicate");
      assert.equal(await store.addSample(runId, sample("c1", 3)), "stored");
      // Server events have no seq: each one is stored.
      assert.equal(await store.addEvent(runId, event("c1", null, "gone")), "stored");
      assert.equal(await store.addEvent(runId, event("c1", null, "gone")), "stored");
      assert.equal(await store.addEvent(runId, event(null, null, "rejected")), "stored");
      assert.equal(await store.addEvent(runId, event(null, null, "rejected")), "stored");
      const loaded = await store.loadRun(runId);
      assert.deepEqual(loaded?.events.map((e) => [e.clientId, e.seq, e.kind]), [
        ["c1", 1, "log"],
        ["c1", null, "gone"],
        ["c1", null, "gone"],
        [null, null, "rejected"],
        [null, null, "rejected"],
      ]);
      assert.deepEqual(loaded?.samples.map((s) => s.seq), [2, 3]);
      assert.equal((await store.loadRun(otherRunId))?.events.length, 1);
    });
  });

  Deno.test(`${name} addClient() refuses a client id already in the run`, async () => {
    await withStore(async (store) => {
      const runId = await store.createRun(RUN);
      const otherRunId = await store.createRun(RUN);
      assert.equal(await store.addClient(runId, client("c1")), true);
      assert.equal(await store.addClient(runId, { ...client("c1"), host: "other" }), false);
      assert.equal(await store.addClient(otherRunId, client("c1")), true);
      const loaded = await store.loadRun(runId);
      assert.deepEqual(loaded?.clients.map((c) => c.host), ["bench-1"]);
    });
  });

  Deno.test(`${name} listRuns() lists runs newest first with client counts`, async () => {
    await withStore(async (store) => {
      assert.deepEqual(await store.listRuns(), []);
      const first = await store.createRun(RUN);
      const second = await store.createRun({ ...RUN, startedAtMs: RUN.startedAtMs + 1 });
      const third = await store.createRun({ ...RUN, startedAtMs: RUN.startedAtMs + 2 });
      for (const id of ["a", "b", "c"]) await store.addClient(first, client(id));
      await store.addClient(third, client("a"));
      await store.finishRun(first, {
        endedAtMs: RUN.startedAtMs + 5,
        status: "idle",
        reportJson: null,
      });
      const runs = await store.listRuns();
      assert.deepEqual(runs.map((r) => [r.id, r.clientCount, r.status]), [
        [third, 1, "running"],
        [second, 0, "running"],
        [first, 3, "idle"],
      ]);
      assert.ok(first < second && second < third);
    });
  });

  Deno.test(`${name} loadRun() returns null for a missing run`, async () => {
    await withStore(async (store) => {
      assert.equal(await store.loadRun(1), null);
      const runId = await store.createRun(RUN);
      assert.equal(await store.loadRun(runId + 1), null);
    });
  });

  Deno.test(`${name} addEvent() rejects an unknown run with a TargetError`, async () => {
    await withStore(async (store) => {
      await rejectsWithTargetError(
        store.addEvent(999, event("c1", 1)),
        /^Cannot store event in run database ".+": .*(FOREIGN KEY|foreign key)/,
      );
    });
  });

  Deno.test(`${name} noteHeartbeat() batches and close() writes the batch`, async () => {
    const db = await backend.fresh();
    try {
      const store = await openRunStore(db.target, { heartbeatFlushMs: 60_000 });
      const runId = await store.createRun(RUN);
      await store.addClient(runId, client("c1"));
      for (let i = 1; i <= 5; i++) await store.noteHeartbeat(runId, "c1", RUN.startedAtMs + i);
      await store.close();
      await store.close();
      const reopened = await openRunStore(db.target);
      const loaded = await reopened.loadRun(runId);
      await reopened.close();
      assert.deepEqual(
        [loaded?.clients[0].heartbeats, loaded?.clients[0].lastHeartbeatMs],
        [5, RUN.startedAtMs + 5],
      );
      await rejectsWithTargetError(store.listRuns(), /^Cannot use run database ".+": closed$/);
    } finally {
      await db.cleanUp();
    }
  });

  Deno.test(`${name} open() keeps the runs of an existing database`, async () => {
    const db = await backend.fresh();
    try {
      const first = await openRunStore(db.target);
      const runId = await first.createRun(RUN);
      await first.addClient(runId, client("c1"));
      await first.addEvent(runId, event("c1", 1));
      const before = await first.loadRun(runId);
      await first.close();
      const second = await openRunStore(db.target);
      try {
        assert.deepEqual(await second.loadRun(runId), before);
        assert.equal(await second.createRun(RUN), runId + 1);
        assert.equal(await second.addEvent(runId, event("c1", 1)), "duplicate");
      } finally {
        await second.close();
      }
    } finally {
      await db.cleanUp();
    }
  });

  Deno.test(`${name} open() refuses another schema version and changes nothing`, async () => {
    const db = await backend.fresh();
    try {
      const store = await openRunStore(db.target);
      const runId = await store.createRun(RUN);
      await store.close();
      await db.setSchemaVersion(2);
      await rejectsWithTargetError(
        openRunStore(db.target),
        /^Cannot open run database ".+": its schema version is "2", expected 1 /,
      );
      await db.setSchemaVersion(1);
      const reopened = await openRunStore(db.target);
      assert.equal((await reopened.listRuns())[0].id, runId);
      await reopened.close();
    } finally {
      await db.cleanUp();
    }
  });

  Deno.test(`${name} open() refuses a database with our table names but no version`, async () => {
    const db = await backend.fresh();
    try {
      await db.createForeignTable("runs");
      await rejectsWithTargetError(
        openRunStore(db.target),
        /^Cannot open run database ".+": it holds .*"runs".* no schema_version/,
      );
    } finally {
      await db.cleanUp();
    }
  });
}

/** The cases of a store opened for reading only (`stress disk report`). */
function defineReadOnlyCases(backend: Backend): void {
  const { name } = backend;

  Deno.test(`${name} open() read-only refuses a database without the runs tables, creating none`, async () => {
    const db = await backend.fresh();
    try {
      // An existing, empty file for SQLite (an empty file is an empty SQLite database).
      if (backend === sqliteBackend) await Deno.writeFile(db.target, new Uint8Array(0));
      await rejectsWithTargetError(
        openRunStore(db.target, { mustExist: true, readOnly: true }),
        /^Cannot open run database ".+": it holds no (runs )?tables, expected the --db of a stress disk server$/,
      );
      assert.deepEqual(await db.tables(), []);
      if (backend === sqliteBackend) assert.equal((await Deno.stat(db.target)).size, 0);
    } finally {
      await db.cleanUp();
    }
  });

  Deno.test(`${name} open() read-only reads the runs and refuses to write`, async () => {
    const db = await backend.fresh();
    try {
      const writer = await openRunStore(db.target);
      await writer.createRun(RUN);
      await writer.close();
      const reader = await openRunStore(db.target, { mustExist: true, readOnly: true });
      try {
        assert.equal((await reader.listRuns()).length, 1);
        await assert.rejects(reader.createRun(RUN), TargetError);
        assert.equal((await reader.listRuns()).length, 1);
      } finally {
        await reader.close();
      }
    } finally {
      await db.cleanUp();
    }
  });
}

defineCases(sqliteBackend);
defineCases(pgBackend);
defineReadOnlyCases(sqliteBackend);
defineReadOnlyCases(pgBackend);

Deno.test("SqliteRunStore open() refuses a file that is not SQLite", async () => {
  const dir = await Deno.makeTempDir({ prefix: "run_store_" });
  try {
    const path = `${dir}/notes.txt`;
    const text = "these are notes, not a database\n".repeat(100);
    await Deno.writeTextFile(path, text);
    await rejectsWithTargetError(
      openRunStore(path),
      /^Cannot open run database ".+notes\.txt": it is not a SQLite database, expected /,
    );
    assert.equal(await Deno.readTextFile(path), text);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("SqliteRunStore open() refuses a path in a missing directory", async () => {
  const dir = await Deno.makeTempDir({ prefix: "run_store_" });
  try {
    await rejectsWithTargetError(
      openRunStore(`${dir}/missing/runs.sqlite`),
      /^Cannot open run database ".+\/missing\/runs\.sqlite": directory ".+\/missing" does not exist/,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("SqliteRunStore open() refuses a SQLite file of another program", async () => {
  const dir = await Deno.makeTempDir({ prefix: "run_store_" });
  try {
    const path = `${dir}/other.db`;
    const db = new DatabaseSync(path);
    db.exec("CREATE TABLE notes (x TEXT); INSERT INTO notes VALUES ('keep')");
    db.close();
    await rejectsWithTargetError(
      openRunStore(path),
      /^Cannot open run database ".+": it holds other tables \("notes"\) and no schema_version/,
    );
    const check = new DatabaseSync(path);
    const tables = check.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all();
    check.close();
    assert.deepEqual(tables.map((t) => t.name), ["notes"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("openRunStore() opens runs.sqlite inside a directory, in WAL mode", async () => {
  const dir = await Deno.makeTempDir({ prefix: "run_store_" });
  try {
    const store = await openRunStore(dir);
    assert.equal(store.target, `${dir}/runs.sqlite`);
    await store.createRun(RUN);
    const check = new DatabaseSync(`${dir}/runs.sqlite`);
    const mode = check.prepare("PRAGMA journal_mode").get();
    check.close();
    await store.close();
    assert.equal(mode?.journal_mode, "wal");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("SqliteRunStore keeps a record a SIGKILLed process was told is stored", async () => {
  const dir = await Deno.makeTempDir({ prefix: "run_store_" });
  try {
    const path = `${dir}/runs.sqlite`;
    const moduleUrl = new URL("../../../lib/disk/driver/run_store.ts", import.meta.url).href;
    const code = `
      import { openRunStore } from ${JSON.stringify(moduleUrl)};
      const store = await openRunStore(${JSON.stringify(path)});
      const runId = await store.createRun(${JSON.stringify(RUN)});
      await store.addClient(runId, ${JSON.stringify(client("c1"))});
      const a = await store.addEvent(runId, ${JSON.stringify(event("c1", 1, "start"))});
      const b = await store.addSample(runId, ${JSON.stringify(sample("c1", 2))});
      console.log("stored", runId, a, b);
      setInterval(() => {}, 1000);
    `;
    const child = new Deno.Command(Deno.execPath(), {
      args: ["eval", code],
      cwd: new URL("../../../", import.meta.url).pathname,
      stdin: "null",
      stdout: "piped",
      stderr: "inherit",
    }).spawn();
    let output = "";
    const decoder = new TextDecoder();
    for await (const bytes of child.stdout) {
      output += decoder.decode(bytes, { stream: true });
      if (output.includes("\n")) {
        child.kill("SIGKILL");
        break;
      }
    }
    const status = await child.status;
    assert.equal(status.signal, "SIGKILL");
    const match = /^stored (\d+) stored stored$/m.exec(output);
    assert.ok(match, `unexpected output: ${output}`);
    const store = await openRunStore(path);
    try {
      const loaded = await store.loadRun(Number(match[1]));
      assert.deepEqual(loaded?.clients.map((c) => c.clientId), ["c1"]);
      assert.deepEqual(loaded?.events, [event("c1", 1, "start")]);
      assert.deepEqual(loaded?.samples, [sample("c1", 2)]);
    } finally {
      await store.close();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("PgRunStore open() reports an unreachable server without its password", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  await rejectsWithTargetError(
    openRunStore(`postgres://stress:secret@127.0.0.1:${port}/runs`),
    new RegExp(
      `^Cannot open run database "postgres://stress:\\*\\*\\*@127\\.0\\.0\\.1:${port}/runs": `,
    ),
  );
});

Deno.test("PgRunStore open() reads --db as libpq does: a socket folder, host=, port=, user=, dbname=", async () => {
  const db = await pgBackend.fresh();
  const name = db.target.slice(db.target.lastIndexOf("/") + 1);
  try {
    const urls = [
      `postgres://postgres@${encodeURIComponent(server.socketDir)}:${server.port}/${name}`,
      `postgres:///${name}?host=127.0.0.1&port=${server.port}&user=postgres`,
      `postgres://127.0.0.1:${server.port}/?user=postgres&dbname=${name}&application_name=x`,
    ];
    const ids: number[] = [];
    for (const url of urls) {
      const store = await openRunStore(url);
      try {
        ids.push(await store.createRun(RUN));
      } finally {
        await store.close();
      }
    }
    // Each one stored in the same database.
    const reader = await openRunStore(db.target, { readOnly: true });
    try {
      assert.deepEqual((await reader.listRuns()).map((run) => run.id).sort(), ids.sort());
    } finally {
      await reader.close();
    }
  } finally {
    await db.cleanUp();
  }
});

Deno.test("openRunStore() refuses a postgres:// --db that does not parse, without its password", async () => {
  await assert.rejects(
    () => openRunStore("postgres://u@127.0.0.1:99999/runs?password=hush"),
    (error: unknown) => {
      assert.ok(error instanceof OptionError);
      assert.match(error.message, /^Cannot parse option "--db": ".*password=\*\*\*"/);
      return true;
    },
  );
});

Deno.test("startPostgres() stop() ends the server (last test of the file)", async () => {
  await server.stop();
});
