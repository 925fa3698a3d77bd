import assert from "node:assert/strict";
import { OptionError } from "../../lib/errors.ts";
import { splitPgUrl } from "../../lib/units/split_pg_url.ts";

Deno.test("splitPgUrl() fills in the port, user and database defaults", () => {
  assert.deepEqual(splitPgUrl("postgres://127.0.0.1"), {
    hostname: "127.0.0.1",
    port: 5432,
    socket: null,
    user: "postgres",
    password: "",
    database: "postgres",
    tls: false,
    needsFullDriver: false,
  });
  const url = splitPgUrl("postgresql://alice@db:6000");
  assert.equal(url.database, "alice");
  assert.equal(url.port, 6000);
});

Deno.test("splitPgUrl() percent-decodes the user, password and database", () => {
  const url = splitPgUrl("postgres://a%20b:p%3Aw%2Fd%40%25@[::1]:7/my%20db");
  assert.equal(url.user, "a b");
  assert.equal(url.password, "p:w/d@%");
  assert.equal(url.database, "my db");
  assert.equal(url.hostname, "::1");
});

Deno.test("splitPgUrl() flags TLS, sockets and several hosts for the full driver", () => {
  for (const query of ["sslmode=require", "sslmode=verify-ca", "sslmode=verify-full", "ssl=true"]) {
    const url = splitPgUrl(`postgres://u@h/db?${query}`);
    assert.equal(url.tls, true, query);
    assert.equal(url.needsFullDriver, true, query);
  }
  for (const query of ["sslmode=disable", "sslmode=prefer", "ssl=false", "application_name=x"]) {
    assert.equal(splitPgUrl(`postgres://u@h/db?${query}`).needsFullDriver, false, query);
  }
  assert.equal(splitPgUrl("postgres://u@h/db?host=/run/postgresql").needsFullDriver, true);
});

Deno.test("splitPgUrl() reads a Unix socket folder and libpq's host= and port=", () => {
  const encoded = splitPgUrl("postgres://u@%2Frun%2Fpostgresql:6000/db");
  assert.equal(encoded.hostname, "/run/postgresql");
  assert.equal(encoded.socket, "/run/postgresql/.s.PGSQL.6000");
  assert.equal(encoded.needsFullDriver, true);
  const param = splitPgUrl("postgres:///db?host=/tmp/&port=5433");
  assert.equal(param.socket, "/tmp/.s.PGSQL.5433");
  // host= and port= win over the authority; a TCP host stays on the wire client.
  const tcp = splitPgUrl("postgres://u@localhost:1/db?host=127.0.0.1&port=5433");
  assert.deepEqual([tcp.hostname, tcp.port, tcp.socket, tcp.needsFullDriver], [
    "127.0.0.1",
    5433,
    null,
    false,
  ]);
});

Deno.test("splitPgUrl() rejects another scheme and a non-URL", () => {
  assert.throws(() => splitPgUrl("mysql://u@h/db"), OptionError);
  assert.throws(() => splitPgUrl("not a url"), OptionError);
});
