import assert from "node:assert/strict";
import { OptionError } from "../../../lib/errors.ts";
import { parseStressArgs } from "../../../lib/cql/options/parse_stress_args.ts";

function refusal(line: string): string {
  try {
    parseStressArgs(line.split(" "));
  } catch (error) {
    assert.ok(error instanceof OptionError, String(error));
    return error.message;
  }
  assert.fail(`accepted: ${line}`);
}

Deno.test("parseStressArgs() takes keysize= up to 65535, the longest partition key a node stores", () => {
  assert.equal(parseStressArgs(["write", "n=10", "keysize=65535"]).command.keySizeBytes, 65_535);
  // A longer key fails every op on Cassandra; 99999999999 is not even a Java int to the fork,
  // and here it failed every Worker (out of memory) after the schema was created.
  for (const value of ["65536", "99999999999"]) {
    const message = refusal(`write n=10 keysize=${value}`);
    assert.ok(message.includes(`"${value}"`), message);
    assert.match(message, /expected a whole number from 1 to 65535/);
  }
});

Deno.test("parseStressArgs() refuses a parameter of version in one sentence that names it", () => {
  const message = refusal("version x");
  assert.equal(
    message,
    'Cannot parse option "version": "x" is not a parameter of version, ' +
      "expected version with no parameters",
  );
});

Deno.test("parseStressArgs() help insert is write's help, as a command alias comes first", () => {
  const topic = (line: string) => parseStressArgs(line.split(" ")).command.helpTopic;
  assert.equal(topic("help insert"), "write");
  assert.equal(topic("help counteradd"), "counter_write");
  assert.equal(topic("help -insert"), "-insert");
  assert.equal(topic("help rate"), "-rate");
});
