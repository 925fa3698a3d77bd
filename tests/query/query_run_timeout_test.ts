/**
 * `query run --timeout` bounds the queries, not a Worker's set-up: the statement is prepared
 * before `statement_timeout` is set, so a prepare that takes longer than the timeout (here it
 * waits for a lock on the table) does not make the Worker "unable to connect".
 */
import assert from "node:assert/strict";
import postgres from "postgres";
import { main } from "../../main.ts";
import { BufferedIo } from "../../lib/cli/command_io.ts";
import { freshDatabase, startPostgres } from "./_pg_fixture.ts";

const server = await startPostgres();
const dir = await Deno.makeTempDir({ prefix: "stress_query_timeout_" });

Deno.test("query run --timeout does not apply to the Worker's prepare, only to the queries", async () => {
  const url = await freshDatabase(server, "qtimeout");
  const setup = new BufferedIo();
  const code = await main(["query", "setup", "--url", url, "--generate", "2,0.01"], {
    io: setup,
  });
  assert.equal(code, 0, setup.stderr.join("\n"));
  const csv = `${dir}/params.csv`;
  await Deno.writeTextFile(csv, "host_000001,2017-01-01 00:00:00,2017-01-01 00:05:00\n");

  // Another session holds the table: the Worker's Parse waits for the lock longer than --timeout.
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  const locked = Promise.withResolvers<void>();
  const release = Promise.withResolvers<void>();
  const holder = sql.begin(async (tx) => {
    await tx.unsafe("LOCK TABLE cpu_usage IN ACCESS EXCLUSIVE MODE");
    locked.resolve();
    await release.promise;
  });
  try {
    await locked.promise;
    const io = new BufferedIo();
    const running = main(
      ["query", "run", "--url", url, "--file", csv, "--timeout", "200ms"],
      { io },
    );
    await new Promise((resolve) => setTimeout(resolve, 800));
    release.resolve();
    await holder;
    assert.equal(await running, 0, io.stderr.join("\n"));
    const figure = (label: string) => io.stdout.find((line) => line.startsWith(label));
    assert.match(figure("Number of queries") ?? "", /: 1$/, io.stdout.join("\n"));
    assert.match(figure("Failed queries") ?? "", /: 0$/, io.stdout.join("\n"));
  } finally {
    release.resolve();
    await holder.catch(() => {});
    await sql.end();
  }
});

Deno.test("query run --timeout tests stop the PostgreSQL server", async () => {
  await Deno.remove(dir, { recursive: true });
  await server.stop();
});
