import assert from "node:assert/strict";
import { queryErrorKind } from "../../lib/query/query_error_kind.ts";

function coded(message: string, code: string): Error {
  return Object.assign(new Error(message), { code });
}

Deno.test("queryErrorKind() names known SQLSTATEs and keeps unknown ones as codes", () => {
  assert.equal(queryErrorKind(coded("canceling statement", "57014")).kind, "57014 query_canceled");
  assert.equal(queryErrorKind(coded("relation missing", "42P01")).kind, "42P01 undefined_table");
  assert.equal(queryErrorKind(coded("odd", "22023")).kind, "22023");
});

Deno.test("queryErrorKind() marks connection classes and driver connection codes", () => {
  assert.equal(
    queryErrorKind(coded("terminating connection", "57P01")).kind,
    "connection 57P01 admin_shutdown",
  );
  assert.equal(queryErrorKind(coded("x", "08006")).kind, "connection 08006 connection_failure");
  assert.equal(queryErrorKind(coded("x", "ECONNRESET")).kind, "connection ECONNRESET");
  assert.equal(queryErrorKind(coded("x", "CONNECT_TIMEOUT")).kind, "connection CONNECT_TIMEOUT");
});

Deno.test("queryErrorKind() keeps the first line of the message and classifies the rest as other", () => {
  assert.deepEqual(queryErrorKind(coded("first\nsecond", "lowercase")), {
    kind: "other",
    message: "first",
  });
  assert.deepEqual(queryErrorKind(new Error("")), { kind: "other", message: "(no message)" });
  assert.equal(queryErrorKind(undefined).kind, "other");
});
