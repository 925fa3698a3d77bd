import assert from "node:assert/strict";
import { OptionError } from "../../../lib/errors.ts";
import { tokenizeArgs } from "../../../lib/cql/options/tokenize_args.ts";

Deno.test("tokenizeArgs() removes whitespace around , = ( )", () => {
  const args = tokenizeArgs(["write", "-schema", "replication(factor = 1, key=value )"]);
  assert.deepEqual(args.tokens, ["write", "-schema", "replication(factor=1,key=value)"]);
});

Deno.test("tokenizeArgs() re-splits quoted groups", () => {
  const args = tokenizeArgs(["write n=100k cl=ONE", "-rate", "threads=80 throttle=9000/s"]);
  assert.deepEqual(args.command, { name: "write", params: ["n=100k", "cl=ONE"] });
  assert.deepEqual(args.groups, [{ name: "-rate", params: ["threads=80", "throttle=9000/s"] }]);
});

Deno.test("tokenizeArgs() lower-cases group names", () => {
  assert.equal(tokenizeArgs(["READ", "-NODE", "A"]).groups[0].name, "-node");
  assert.equal(tokenizeArgs(["READ"]).command.name, "read");
});

Deno.test("tokenizeArgs() rejects a group given twice", () => {
  assert.throws(
    () => tokenizeArgs(["write", "-rate", "-Rate"]),
    (error: unknown) => error instanceof OptionError && error.value === "-rate",
  );
});

Deno.test("tokenizeArgs() rejects an empty line", () => {
  assert.throws(() => tokenizeArgs(["  "]), OptionError);
});
