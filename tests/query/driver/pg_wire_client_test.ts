import assert from "node:assert/strict";
import { TargetError } from "../../../lib/errors.ts";
import { PgWireClient } from "../../../lib/query/driver/pg_wire_client.ts";
import { queryErrorKind } from "../../../lib/query/query_error_kind.ts";
import { startPostgres } from "../_pg_fixture.ts";

const server = await startPostgres();
const admin = await PgWireClient.connect(server.url, { applicationName: "admin" });

function urlFor(user: string, password = ""): string {
  const auth = password === "" ? user : `${user}:${encodeURIComponent(password)}`;
  return `postgres://${auth}@127.0.0.1:${server.port}/postgres`;
}

Deno.test("PgWireClient.connect() starts a trust session with UTC and the application name", async () => {
  const client = await PgWireClient.connect(server.url, { applicationName: "wire test" });
  try {
    assert.equal(client.parameter("TimeZone"), "UTC");
    assert.equal(client.parameter("application_name"), "wire test");
    assert.deepEqual(await client.simpleQuery("SELECT 1, current_user, current_database()"), [[
      "1",
      "postgres",
      "postgres",
    ]]);
    // The bucket text the query Worker parses.
    assert.deepEqual(
      await client.simpleQuery("SELECT TIMESTAMPTZ '2017-01-01 08:59:00+00'"),
      [["2017-01-01 08:59:00+00"]],
    );
  } finally {
    await client.close();
  }
  assert.equal(client.closed, true);
});

Deno.test("PgWireClient.query() runs a prepared statement with params and NULLs", async () => {
  const client = await PgWireClient.connect(server.url);
  try {
    await client.prepare(
      "s1",
      "SELECT $1::text AS a, $2::int + 1 AS b, NULL::text AS c, $3::text AS d",
    );
    assert.deepEqual(client.columns, ["a", "b", "c", "d"]);
    assert.deepEqual(await client.query(["x", "41", null]), [["x", "42", null, null]]);
    assert.deepEqual(await client.query(["héllo ✓ long enough to skip the fast path", "0", ""]), [
      ["héllo ✓ long enough to skip the fast path", "1", null, ""],
    ]);
    await client.prepare("s2", "SELECT g, repeat('é', $2::int) FROM generate_series(1, $1::int) g");
    const rows = await client.query(["3", "100000"]); // 600 KB: grows the receive buffer
    assert.equal(rows.length, 3);
    assert.deepEqual(rows.map((r) => r[0]), ["1", "2", "3"]);
    assert.equal(rows[2][1], "é".repeat(100_000));
    assert.deepEqual(await client.query(["0", "1"]), []);
  } finally {
    await client.close();
  }
});

Deno.test("PgWireClient.query() runs the unnamed statement, parsed with each query", async () => {
  const client = await PgWireClient.connect(server.url);
  try {
    await client.prepare("", "SELECT $1::int * 2, $2::text IS NULL");
    assert.deepEqual(await client.query(["21", null]), [["42", "t"]]);
    assert.deepEqual(await client.query(["1", "x"]), [["2", "f"]]);
    const [[named]] = await client.simpleQuery("SELECT count(*) FROM pg_prepared_statements");
    assert.equal(named, "0");
  } finally {
    await client.close();
  }
});

Deno.test("PgWireClient.query() throws the SQLSTATE and stays usable", async () => {
  const client = await PgWireClient.connect(server.url);
  try {
    await client.prepare("div", "SELECT 1 / $1::int");
    const error = await client.query(["0"]).then(() => null, (e: unknown) => e);
    assert.ok(error instanceof Error);
    assert.equal((error as Error & { code: string }).code, "22012");
    assert.deepEqual(queryErrorKind(error), {
      kind: "22012 division_by_zero",
      message: "division by zero",
    });
    assert.deepEqual(await client.query(["1"]), [["1"]]);
    await assert.rejects(client.prepare("bad", "SELEC 1"), { code: "42601" });
    assert.deepEqual(await client.simpleQuery("SELECT 2"), [["2"]]);
    // Notices and ParameterStatus between results are skipped or recorded.
    await client.simpleQuery("DO $$ BEGIN RAISE NOTICE 'hello'; END $$");
    await client.simpleQuery("SET application_name = 'renamed'");
    assert.equal(client.parameter("application_name"), "renamed");
    assert.deepEqual(await client.query(["2"]), [["0"]]);
  } finally {
    await client.close();
  }
});

Deno.test("PgWireClient.connect() sets statement_timeout: a slow query fails with 57014", async () => {
  const client = await PgWireClient.connect(server.url, { statementTimeoutMs: 50 });
  try {
    assert.deepEqual(await client.simpleQuery("SHOW statement_timeout"), [["50ms"]]);
    await client.prepare("sleep", "SELECT pg_sleep($1::float8)::text");
    const error = await client.query(["2"]).then(() => null, (e: unknown) => e);
    assert.equal(queryErrorKind(error).kind, "57014 query_canceled");
    assert.deepEqual(await client.query(["0"]), [[""]]);
  } finally {
    await client.close();
  }
});

Deno.test("PgWireClient.query() reports a terminated backend as a connection error", async () => {
  const client = await PgWireClient.connect(server.url);
  await client.prepare("one", "SELECT 1");
  const [[pid]] = await client.simpleQuery("SELECT pg_backend_pid()");
  assert.deepEqual(await admin.simpleQuery(`SELECT pg_terminate_backend(${pid}, 5000)`), [["t"]]);
  const error = await client.query([]).then(() => null, (e: unknown) => e);
  assert.match(queryErrorKind(error).kind, /^connection /);
  assert.equal(client.closed, true);
  await assert.rejects(client.query([]), { code: "CONNECTION_CLOSED" });
  assert.equal(
    queryErrorKind(await client.query([]).catch((e) => e)).kind,
    "connection CONNECTION_CLOSED",
  );
  await client.close();
});

Deno.test("PgWireClient.connect() rejects a refused connection with ECONNREFUSED", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = listener.addr.port;
  listener.close();
  const error = await PgWireClient.connect(`postgres://u@127.0.0.1:${port}/db`).catch((e) => e);
  assert.equal(queryErrorKind(error).kind, "connection ECONNREFUSED");
  await assert.rejects(PgWireClient.connect("postgres://u@h/db?sslmode=require"), TargetError);
});

Deno.test("PgWireClient.query() runs many queries in a row with the right answers", async () => {
  const client = await PgWireClient.connect(server.url);
  try {
    await client.prepare("s", "SELECT g, $1::text || g FROM generate_series(1, $2::int) g");
    for (let i = 0; i < 2000; i++) {
      const count = i % 61;
      const rows = await client.query([`h${i}-`, String(count)]);
      assert.equal(rows.length, count);
      if (count > 0) assert.deepEqual(rows[count - 1], [String(count), `h${i}-${count}`]);
    }
  } finally {
    await client.close();
  }
});

Deno.test("PgWireClient.connect() authenticates with md5 and SCRAM-SHA-256 passwords", async () => {
  await admin.simpleQuery("SET password_encryption = 'md5'");
  await admin.simpleQuery("CREATE ROLE md5user LOGIN PASSWORD 'md5 p@ss'");
  await admin.simpleQuery("SET password_encryption = 'scram-sha-256'");
  await admin.simpleQuery("CREATE ROLE scramuser LOGIN PASSWORD 'scr@m/pass%'");
  const [[hbaFile]] = await admin.simpleQuery("SHOW hba_file");
  const hba = await Deno.readTextFile(hbaFile!);
  await Deno.writeTextFile(
    hbaFile!,
    "host all md5user 127.0.0.1/32 md5\nhost all scramuser 127.0.0.1/32 scram-sha-256\n" + hba,
  );
  await admin.simpleQuery("SELECT pg_reload_conf()");
  // The postmaster reloads asynchronously: wait until md5user needs a password.
  let asked: unknown = null;
  for (let attempt = 0; attempt < 100 && !(asked instanceof TargetError); attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    asked = await PgWireClient.connect(urlFor("md5user")).then(async (c) => {
      await c.close();
      return null;
    }, (e) => e);
  }
  assert.ok(asked instanceof TargetError);
  assert.match(asked.message, /asks for a password/);

  for (const [user, password] of [["md5user", "md5 p@ss"], ["scramuser", "scr@m/pass%"]]) {
    const client = await PgWireClient.connect(urlFor(user, password));
    assert.deepEqual(await client.simpleQuery("SELECT current_user"), [[user]]);
    await client.close();
    const wrong = await PgWireClient.connect(urlFor(user, "wrong")).catch((e) => e);
    assert.equal(wrong.code, "28P01", `${user}: ${wrong}`);
    assert.equal(queryErrorKind(wrong).kind, "28P01 invalid_password");
  }
});

Deno.test("PgWireClient tests stop the server", async () => {
  await admin.close();
  await server.stop();
});
