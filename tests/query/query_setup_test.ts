import assert from "node:assert/strict";
import postgres from "postgres";
import { querySetupCommand } from "../../lib/query/query_setup.ts";
import { BufferedIo } from "../../lib/cli/command_io.ts";
import { InterruptedError, TargetError, UsageError, UserError } from "../../lib/errors.ts";
import { startPostgres } from "./_pg_fixture.ts";

// One server for the whole file; the last test stops it.
const server = await startPostgres();

/** Creates a fresh database on the shared server and returns its URL. */
async function freshDatabase(name: string): Promise<string> {
  const admin = postgres(server.url, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`DROP DATABASE IF EXISTS ${name}`);
    await admin.unsafe(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  return server.url.replace(/\/postgres$/, `/${name}`);
}

async function setup(args: string[]): Promise<{ code: number; io: BufferedIo }> {
  const io = new BufferedIo();
  const code = await querySetupCommand(args, io, { progress: false });
  return { code, io };
}

/** Runs the command expecting a UserError; returns it as main() would print it. */
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

function tableExists(url: string): Promise<boolean> {
  return query(
    url,
    async (sql) => (await sql`SELECT to_regclass('cpu_usage') IS NOT NULL AS e`)[0].e,
  );
}

Deno.test("querySetupCommand() --generate 3,1 creates cpu_usage and loads 3 × 8640 rows", async () => {
  const url = await freshDatabase("gen");
  const { code, io } = await setup(["--url", url, "--generate", "3,1"]);
  assert.equal(code, 0);
  assert.deepEqual(io.stdout.slice(0, 3), [
    "table: cpu_usage created",
    "storage: plain table (timescaledb not available), indexes (ts DESC)",
    "rows loaded: 25920 generated (3 hosts, 1 days, every 10 s, seed 20170101)",
  ]);
  assert.match(io.stdout[3], /^seconds: \d+\.\d\d$/);
  assert.equal(io.stdout.length, 4);
  const facts = await query(url, async (sql) => {
    const [stats] = await sql`SELECT count(*)::int AS n, count(DISTINCT host)::int AS hosts,
      min(ts) AS first, max(ts) AS last, min(usage) AS lo, max(usage) AS hi,
      count(*) FILTER (WHERE abs(usage * 100 - round(usage * 100)) > 1e-6)::int AS not_two_decimals
      FROM cpu_usage`;
    const columns = await sql`SELECT column_name, data_type FROM information_schema.columns
      WHERE table_name = 'cpu_usage' ORDER BY ordinal_position`;
    const indexes = await sql`SELECT indexdef FROM pg_indexes WHERE tablename = 'cpu_usage'`;
    const perHost = await sql`SELECT host, count(*)::int AS n FROM cpu_usage
      GROUP BY host ORDER BY host`;
    return { stats, columns, indexes, perHost };
  });
  assert.equal(facts.stats.n, 25920);
  assert.equal(facts.stats.hosts, 3);
  assert.equal(facts.stats.first.toISOString(), "2017-01-01T00:00:00.000Z");
  assert.equal(facts.stats.last.toISOString(), "2017-01-01T23:59:50.000Z");
  assert.ok(
    facts.stats.lo >= 0 && facts.stats.lo < 1 && facts.stats.hi > 99 && facts.stats.hi <= 100,
  );
  assert.equal(facts.stats.not_two_decimals, 0);
  assert.deepEqual(
    facts.columns.map((c) => [c.column_name, c.data_type]),
    [["ts", "timestamp with time zone"], ["host", "text"], ["usage", "double precision"]],
  );
  assert.deepEqual(facts.indexes.map((i) => i.indexdef), [
    "CREATE INDEX cpu_usage_ts_idx ON public.cpu_usage USING btree (ts DESC)",
  ]);
  assert.deepEqual(facts.perHost.map((r) => [r.host, r.n]), [
    ["host_000000", 8640],
    ["host_000001", 8640],
    ["host_000002", 8640],
  ]);
});

Deno.test("querySetupCommand() is idempotent: a second run loads nothing, --replace reloads", async () => {
  const url = await freshDatabase("again");
  await setup(["--url", url, "--generate", "2,0.5"]);
  const second = await setup(["--url", url, "--generate", "2,0.5"]);
  assert.equal(second.code, 0);
  assert.deepEqual(second.io.stdout.slice(0, 3), [
    "table: cpu_usage exists with 8640 rows, left as is (give --replace to drop and load it again)",
    "storage: plain table",
    "rows loaded: 0",
  ]);
  const bare = await setup(["--url", url]);
  assert.equal(bare.io.stdout[0], "table: cpu_usage exists with 8640 rows, left as is");
  const replaced = await setup(["--url", url, "--generate", "1,1", "--replace", "--host-index"]);
  assert.deepEqual(replaced.io.stdout.slice(0, 3), [
    "table: cpu_usage created (replaced)",
    "storage: plain table (timescaledb not available), indexes (ts DESC) (host, ts DESC)",
    "rows loaded: 8640 generated (1 hosts, 1 days, every 10 s, seed 20170101)",
  ]);
  const count = await query(
    url,
    async (sql) => (await sql`SELECT count(*)::int AS n FROM cpu_usage`)[0].n,
  );
  assert.equal(count, 8640);
});

Deno.test("querySetupCommand() without data creates the table, and later loads into it", async () => {
  const url = await freshDatabase("empty");
  const first = await setup(["--url", url]);
  assert.deepEqual(first.io.stdout.slice(0, 3), [
    "table: cpu_usage created",
    "storage: plain table (timescaledb not available), indexes (ts DESC)",
    "rows loaded: 0",
  ]);
  // Seed 0 is a seed like any other, as it is for query run's --seed.
  const second = await setup(["--url", url, "--generate", "1,0.01", "--seed", "0"]);
  assert.deepEqual(second.io.stdout.slice(0, 3).filter((_, i) => i !== 1), [
    "table: cpu_usage exists and was empty",
    "rows loaded: 86 generated (1 hosts, 0.01 days, every 10 s, seed 0)",
  ]);
});

Deno.test("querySetupCommand() interrupted by the signal keeps nothing", async () => {
  const url = await freshDatabase("interrupted");
  const controller = new AbortController();
  controller.abort();
  await assert.rejects(
    querySetupCommand(["--url", url, "--generate", "2,1"], new BufferedIo(), {
      signal: controller.signal,
      progress: false,
    }),
    (error: unknown) => error instanceof InterruptedError && error.exitCode === 130,
  );
  assert.equal(await tableExists(url), false);
});

Deno.test("querySetupCommand() --data loads a CSV file with a header, times as UTC", async () => {
  const url = await freshDatabase("file");
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/cpu_usage.csv`;
    await Deno.writeTextFile(
      path,
      "ts,host,usage\n" +
        "2017-01-01 00:00:00,host_000000,92.77\n" +
        "2017-01-01 00:00:00,host_000001,76.26\n" +
        "2017-01-01 00:00:10,host_000000,0.5\n",
    );
    const { code, io } = await setup(["--url", url, "--data", path]);
    assert.equal(code, 0);
    assert.equal(io.stdout[2], `rows loaded: 3 from "${path}"`);
    const rows = await query(
      url,
      (sql) => sql`SELECT ts, host, usage FROM cpu_usage ORDER BY ts, host`,
    );
    assert.deepEqual(rows.map((r) => [r.ts.toISOString(), r.host, r.usage]), [
      ["2017-01-01T00:00:00.000Z", "host_000000", 92.77],
      ["2017-01-01T00:00:00.000Z", "host_000001", 76.26],
      ["2017-01-01T00:00:10.000Z", "host_000000", 0.5],
    ]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("querySetupCommand() --data skips blank lines (CRLF, a trailing one) and reads quoted fields", async () => {
  const url = await freshDatabase("blank");
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/cpu_usage.csv`;
    await Deno.writeTextFile(
      path,
      '"ts","host","usage"\r\n' +
        '"2017-01-01 00:00:00","host_000000","92.77"\r\n' +
        "\r\n \t\r\n" +
        "2017-01-01 00:00:10,host_000000,0.5\r\n\r\n",
    );
    const { code, io } = await setup(["--url", url, "--data", path]);
    assert.equal(code, 0, io.stderr.join("\n"));
    assert.equal(io.stdout[2], `rows loaded: 2 from "${path}"`);
    const rows = await query(url, (sql) => sql`SELECT ts, host, usage FROM cpu_usage ORDER BY ts`);
    assert.deepEqual(rows.map((r) => [r.ts.toISOString(), r.host, r.usage]), [
      ["2017-01-01T00:00:00.000Z", "host_000000", 92.77],
      ["2017-01-01T00:00:10.000Z", "host_000000", 0.5],
    ]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("querySetupCommand() rejects a malformed --data file and keeps nothing", async () => {
  const url = await freshDatabase("bad");
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/bad.csv`;
    await Deno.writeTextFile(
      path,
      "ts,host,usage\n2017-01-01 00:00:00,host_000000,1\nnot-a-time,host_000001,2\n",
    );
    const error = await setupError(["--url", url, "--data", path]);
    assert.ok(error instanceof UsageError);
    assert.equal(error.exitCode, 2);
    assert.equal(
      error.message,
      `Cannot load --data "${path}": line 3 "not-a-time,host_000001,2" is malformed, its timestamp "not-a-time" is invalid, expected YYYY-MM-DD HH:MM:SS`,
    );
    assert.equal(await tableExists(url), false);
    // Year 0 passes the client-side check; the server rejects it after the last line
    // (the path of porsager/postgres#1173).
    await Deno.writeTextFile(path, "ts,host,usage\n0000-01-01 00:00:00,host_000000,1\n");
    const rejected = await setupError(["--url", url, "--data", path]);
    assert.ok(rejected instanceof TargetError);
    // Either the COPY's own error arrives first (with the server's reason), or the query queued
    // after it reports the aborted transaction: which one wins is a race inside postgres.js.
    assert.match(
      rejected.message,
      /^Cannot load cpu_usage(: the server rejected the data \(current transaction is aborted| on ".*": date\/time field value out of range)/,
    );
    assert.equal(await tableExists(url), false);
    await Deno.writeTextFile(path, "just one column\n1\n");
    const header = await setupError(["--url", url, "--data", path]);
    assert.equal(
      header.message,
      `Cannot load --data "${path}": line 1 "just one column" has 1 field, expected a CSV file with the columns ts,host,usage`,
    );
    // A line with no end (a binary file) is refused once it is too long, not read to its end.
    await Deno.writeTextFile(path, `ts,host,usage\n2017-01-01 00:00:00,h,1\n${"x".repeat(70_000)}`);
    const long = await setupError(["--url", url, "--data", path]);
    assert.equal(
      long.message,
      `Cannot load --data "${path}": line 3 is longer than 65536 characters, expected a CSV file with the columns ts,host,usage`,
    );
    assert.equal(await tableExists(url), false);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("querySetupCommand() refuses a --data file with no rows and keeps the table it would replace", async () => {
  const url = await freshDatabase("norows");
  const dir = await Deno.makeTempDir();
  try {
    assert.equal((await setup(["--url", url, "--generate", "1,0.01"])).code, 0);
    const count = () =>
      query(url, async (sql) => (await sql`SELECT count(*)::int AS n FROM cpu_usage`)[0].n);
    const rows = await count();
    assert.ok(rows > 0);
    for (const [name, text] of [["header.csv", "ts,host,usage\n"], ["empty.csv", ""]]) {
      const path = `${dir}/${name}`;
      await Deno.writeTextFile(path, text);
      const error = await setupError(["--url", url, "--data", path, "--replace"]);
      assert.ok(error instanceof UsageError);
      assert.equal(
        error.message,
        `Cannot load --data "${path}": it has no rows, expected a CSV file with the columns ts,host,usage`,
      );
      assert.equal(await count(), rows, `${name}: the table was replaced by nothing`);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("querySetupCommand() reports a missing --data file as a usage error", async () => {
  const error = await setupError(["--url", server.url, "--data", "/nonexistent/cpu_usage.csv"]);
  assert.ok(error instanceof UsageError);
  assert.equal(error.exitCode, 2);
  assert.equal(
    error.message,
    'Cannot read --data "/nonexistent/cpu_usage.csv": does not exist, expected a CSV file with the columns ts,host,usage',
  );
});

Deno.test({
  name: "querySetupCommand() reports a --data file that cannot be read as a usage error, not a bug",
  ignore: Deno.build.os !== "linux",
  async fn() {
    // /proc/self/mem opens, and its first read fails (EIO): a disk error, as the user meets it.
    const error = await setupError(["--url", server.url, "--data", "/proc/self/mem"]);
    assert.ok(error instanceof UsageError, String(error));
    assert.equal(error.exitCode, 2);
    assert.match(
      error.message,
      /^Cannot read --data "\/proc\/self\/mem": Input\/output error \(os error 5\), expected a CSV file with the columns ts,host,usage$/,
    );
  },
});

Deno.test("querySetupCommand() reports an unreachable database as one target-error line", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const closedPort = (listener.addr as Deno.NetAddr).port;
  listener.close();
  const refused = await setupError([
    "--url",
    `postgres://postgres:secret@127.0.0.1:${closedPort}/postgres`,
    "--generate",
    "1,1",
  ]);
  assert.ok(refused instanceof TargetError);
  assert.equal(refused.exitCode, 3);
  assert.match(
    refused.message,
    new RegExp(
      `^Cannot connect on "postgres://postgres:\\*\\*\\*@127\\.0\\.0\\.1:${closedPort}/postgres": .*ECONNREFUSED`,
    ),
  );
  assert.ok(!refused.message.includes("\n") && !refused.message.includes("secret"));
  const noDatabase = await setupError(["--url", server.url.replace(/postgres$/, "nosuchdb")]);
  assert.ok(noDatabase instanceof TargetError);
  assert.match(noDatabase.message, /database "nosuchdb" does not exist/);
});

Deno.test("querySetupCommand() rejects bad flags with exit code 2", async () => {
  const cases: [string[], RegExp][] = [
    [["--generate", "1,1"], /--url is missing/],
    [["--url", "http://x"], /^Cannot parse option "--url": "http:\/\/x" is invalid/],
    [["--url", server.url, "--generate", "3"], /"--generate": "3" is invalid, expected HOSTS,DAYS/],
    [["--url", server.url, "--generate", "0,1"], /--generate HOSTS: "0" is invalid/],
    [["--url", server.url, "--generate", "1,1", "--data", "x.csv"], /either --data or --generate/],
    [["--url", server.url, "--bogus"], /Cannot parse the arguments of "query setup"/],
  ];
  for (const [args, pattern] of cases) {
    const error = await setupError(args);
    assert.equal(error.exitCode, 2, args.join(" "));
    assert.match(error.message, pattern);
  }
});

Deno.test("querySetupCommand() --help prints the help", async () => {
  const { code, io } = await setup(["--help"]);
  assert.equal(code, 0);
  assert.match(io.stdout[0], /^Usage: stress query setup --url URL/);
});

Deno.test("startPostgres() stop() ends the server (last test of the file)", async () => {
  await server.stop();
  const sql = postgres(server.url, { max: 1, connect_timeout: 2 });
  await assert.rejects(sql`SELECT 1`);
  await sql.end();
});
