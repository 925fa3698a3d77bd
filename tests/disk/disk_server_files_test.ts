import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { openRunStore } from "../../lib/disk/driver/run_store.ts";
import {
  helloLine,
  idleServerArgs,
  inTempDir,
  kill,
  rawConnect,
  runMain,
  start,
  waitFor,
} from "./_disk_procs.ts";

/** A runs database with one stored run. */
async function databaseWithARun(path: string): Promise<void> {
  const store = await openRunStore(path);
  try {
    await store.createRun({ startedAtMs: 1000, tcpPort: 1, hbAddress: "239.0.0.1", hbPort: 1 });
  } finally {
    await store.close();
  }
}

Deno.test("disk server refuses --log or --report on the --db file, with one line, and keeps its runs", async () => {
  await inTempDir("files", async (dir) => {
    const db = `${dir}/runs.sqlite`;
    await databaseWithARun(db);
    const before = await Deno.readFile(db);
    const cases: [string, string[]][] = [
      ["--log", ["--db", db, "--log", db]],
      ["--report", ["--db", db, "--report", db]],
      ["--log", ["--db", db, "--log", `${dir}/../${dir.split("/").at(-1)}/runs.sqlite`]],
      ["--log", ["--db", dir, "--log", db]], // a directory: its runs.sqlite
    ];
    for (const [option, args] of cases) {
      const { code, stdout, stderr } = await runMain(idleServerArgs(args));
      assert.equal(code, 2, `${args}: ${stderr}`);
      assert.equal(stdout, "", args.join(" "));
      const lines = stderr.trim().split("\n");
      assert.equal(lines.length, 1, stderr);
      assert.match(
        lines[0],
        new RegExp(
          `^error: Cannot write the file of ${option} ".*": it is the file of --db, which`,
        ),
      );
      assert.deepEqual(await Deno.readFile(db), before, `${args}: the database changed`);
    }
    const both = await runMain(
      idleServerArgs(["--db", db, "--log", `${dir}/x`, "--report", `${dir}/x`]),
    );
    assert.equal(both.code, 2, both.stderr);
    assert.match(
      both.stderr,
      /^error: Cannot write the file of --report ".*x": it is the file of --log/,
    );
    const store = await openRunStore(db);
    try {
      assert.equal((await store.listRuns()).length, 1);
    } finally {
      await store.close();
    }
  });
});

Deno.test("disk server refuses --log or --report on the -wal, -shm or -journal file of --db", async () => {
  await inTempDir("files", async (dir) => {
    const db = `${dir}/runs.sqlite`;
    await databaseWithARun(db);
    for (const suffix of ["-wal", "-shm", "-journal"]) {
      for (const option of ["--log", "--report"]) {
        const args = ["--db", db, option, `${db}${suffix}`];
        const { code, stdout, stderr } = await runMain(idleServerArgs(args));
        assert.equal(code, 2, `${args}: ${stderr}`);
        assert.equal(stdout, "", args.join(" "));
        assert.equal(
          stderr.trim(),
          `error: Cannot write the file of ${option} "${db}${suffix}": it is the file of --db ` +
            `(its ${suffix} file), which this command reads, expected a file of its own`,
        );
      }
    }
    const store = await openRunStore(db, { mustExist: true, readOnly: true });
    try {
      assert.equal((await store.listRuns()).length, 1);
    } finally {
      await store.close();
    }
  });
});

Deno.test("disk server checks --report before the run: a missing folder or a directory is one line", async () => {
  await inTempDir("files", async (dir) => {
    for (const [report, why] of [[`${dir}/nodir/r.json`, /No such file/], [dir, /a directory/]]) {
      const { code, stdout, stderr } = await runMain(
        idleServerArgs(["--db", `${dir}/runs.sqlite`, "--report", report as string]),
      );
      assert.equal(code, 2, stderr);
      assert.equal(stdout, "", "the server started");
      assert.equal(stderr.trim().split("\n").length, 1, stderr);
      assert.match(stderr, /^error: Cannot write the file of --report ".*": /);
      assert.match(stderr, why as RegExp);
    }
    assert.deepEqual(
      (await Array.fromAsync(Deno.readDir(dir))).map((e) => e.name),
      [],
      "nothing is created",
    );
  });
});

let devFull = false;
try {
  devFull = Deno.statSync("/dev/full").isCharDevice === true;
} catch {
  // Not on this system.
}

Deno.test({
  name: "disk server with --report on a full device prints the report, then one error line",
  ignore: !devFull,
  fn: async () => {
    await inTempDir("files", async (dir) => {
      const server = start(idleServerArgs([
        "--db",
        `${dir}/runs.sqlite`,
        "--report",
        "/dev/full",
        "--idle-timeout",
        "20s",
      ]));
      try {
        const port = await waitFor("the server", () => {
          const line = server.lines.find((l) => l.includes("listening on"));
          return line === undefined ? undefined : Number(/127\.0\.0\.1:(\d+)/.exec(line)![1]);
        });
        // A client with no writer: hello, then bye at once; the run ends.
        const conn = await rawConnect(port);
        await conn.send(helloLine("r1"));
        assert.equal((await conn.next())?.type, "welcome");
        await conn.send(JSON.stringify({ v: 1, type: "bye", seq: 1, atMs: Date.now() }) + "\n");
        assert.deepEqual(await conn.next(), { v: 1, type: "ack", seq: 1 });
        conn.close();
        const { code, stderr } = await server.done;
        assert.equal(code, 2, stderr);
        assert.equal(
          stderr,
          'error: Cannot write the file of --report "/dev/full": No space left on device (os ' +
            "error 28)\n",
        );
        assert.ok(server.lines.some((l) => l.startsWith("Run 1 (done)")), server.lines.join("\n"));
        const store = await openRunStore(`${dir}/runs.sqlite`);
        try {
          const [run] = await store.listRuns();
          assert.equal(run.status, "done");
          assert.notEqual(run.reportJson, null, "the report is stored");
        } finally {
          await store.close();
        }
      } finally {
        kill(server);
        await server.done;
      }
    });
  },
});

Deno.test("disk report only reads: a file that is not a runs database is refused and left as it was", async () => {
  await inTempDir("files", async (dir) => {
    await Deno.writeFile(`${dir}/empty.csv`, new Uint8Array(0));
    await Deno.writeTextFile(`${dir}/notes.csv`, "a,b\n1,2\n");
    const other = new DatabaseSync(`${dir}/other.db`);
    other.exec("CREATE TABLE notes (x TEXT)");
    other.close();
    // A report only reads: it never suggests a new file, which it would refuse as missing.
    const server = / expected the --db of a stress disk server$/;
    for (
      const [name, why] of [
        ["empty.csv", /it holds no tables/],
        ["notes.csv", /not a SQLite/],
        ["notes.csv", server],
        ["other.db", /holds other tables \("notes"\) and no schema_version/],
        ["other.db", server],
      ] as const
    ) {
      const path = `${dir}/${name}`;
      const before = await Deno.readFile(path);
      const { code, stdout, stderr } = await runMain(["disk", "report", "--db", path]);
      assert.equal(code, 3, stderr);
      assert.equal(stdout, "");
      assert.equal(stderr.trim().split("\n").length, 1, stderr);
      assert.match(stderr, /^error: Cannot open run database ".*": /);
      assert.match(stderr.trim(), why);
      assert.deepEqual(await Deno.readFile(path), before, `${name} changed`);
    }
    assert.deepEqual(
      (await Array.fromAsync(Deno.readDir(dir))).map((e) => e.name).sort(),
      ["empty.csv", "notes.csv", "other.db"],
    );
    // A runs database is read as before.
    await databaseWithARun(`${dir}/runs.sqlite`);
    const listed = await runMain(["disk", "report", "--db", `${dir}/runs.sqlite`]);
    assert.equal(listed.code, 0, listed.stderr);
    assert.match(listed.stdout, /^\s+1\s+\S+Z\s+-\s+running\s+0$/m);
  });
});
