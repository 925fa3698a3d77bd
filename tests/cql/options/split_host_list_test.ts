import assert from "node:assert/strict";
import { OptionError } from "../../../lib/errors.ts";
import { splitHostList } from "../../../lib/cql/options/split_host_list.ts";

Deno.test("splitHostList() does not split inside parentheses", () => {
  assert.deepEqual(splitHostList("synthetic:gaussian(1..10,5,2)"), [
    "synthetic:gaussian(1..10,5,2)",
  ]);
  assert.deepEqual(splitHostList("a,b:9042,synthetic"), ["a", "b:9042", "synthetic"]);
});

Deno.test("splitHostList() rejects empty hosts and unbalanced parentheses", () => {
  for (const text of ["a,,b", ",a", "a,", "synthetic:uniform(1..2", "a)"]) {
    assert.throws(() => splitHostList(text), OptionError, text);
  }
});
