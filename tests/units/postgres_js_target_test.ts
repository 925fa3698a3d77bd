import assert from "node:assert/strict";
import { OptionError } from "../../lib/errors.ts";
import { postgresJsTarget } from "../../lib/units/postgres_js_target.ts";

Deno.test("postgresJsTarget() gives an IPv6 host as it is, and the decoded user, password and database", () => {
  const target = postgresJsTarget(
    "postgres://a%20b:p%3Aw%2Fd%40%25@[::1]:7/my%20db?sslmode=disable",
  );
  // postgres.js would split a string host at ':' (and connect to '[').
  assert.deepEqual(target.options, {
    host: ["::1"],
    port: [7],
    user: "a b",
    pass: "p:w/d@%",
    database: "my db",
  });
  assert.equal(target.url, "postgres://a%20b:p%3Aw%2Fd%40%25@[::1]:7/my%20db?sslmode=disable");
});

Deno.test("postgresJsTarget() connects a socket folder through its path, without host= or port= as settings", () => {
  const encoded = postgresJsTarget("postgres://u@%2Frun%2Fpg:6000/db");
  assert.equal(encoded.options.path, "/run/pg/.s.PGSQL.6000");
  const param = postgresJsTarget("postgres:///db?host=/run/pg&port=6000&application_name=x");
  assert.equal(param.options.path, "/run/pg/.s.PGSQL.6000");
  assert.equal(param.options.database, "db");
  // The server refuses an unknown setting: only application_name is left to send.
  assert.equal(param.url, "postgres:///db?application_name=x");
});

Deno.test("postgresJsTarget() leaves no host, or several, to postgres.js", () => {
  assert.equal(postgresJsTarget("postgres:///db").options.host, undefined);
  assert.throws(() => postgresJsTarget("http://h/db"), OptionError);
});
