import assert from "node:assert/strict";
import { OptionError } from "../../lib/errors.ts";
import { parsePgUrl } from "../../lib/units/parse_pg_url.ts";
import { BufferedIo } from "../../lib/cli/command_io.ts";
import { main } from "../../main.ts";

Deno.test("parsePgUrl() refuses a % that starts no escape, saying how to write it", async (t) => {
  for (
    const url of [
      "postgres://u:50%off@127.0.0.1:5432/db",
      "postgres://u%zz@127.0.0.1:5432/db",
      "postgres://u@127.0.0.1%zz:5432/db",
      "postgres://u@127.0.0.1:5432/db%zz",
    ]
  ) {
    await t.step(url, () => {
      assert.throws(() => parsePgUrl(url), (error: unknown) => {
        assert.ok(error instanceof OptionError);
        assert.match(error.message, /^Cannot parse option "--url": ".*" has a % that is not /);
        assert.match(error.message, /%25/);
        assert.doesNotMatch(error.message, /50%off/, "never the password");
        return true;
      });
    });
  }
  assert.equal(parsePgUrl("postgres://u:50%25off@127.0.0.1:5432/db").password, "50%25off");
});

Deno.test("query setup and query run give one error line for a password with a bare %", async () => {
  const url = "postgres://u:50%off@127.0.0.1:1/db";
  for (const args of [["setup", "--url", url], ["run", "--url", url, "--file", "-"]]) {
    const io = new BufferedIo();
    const code = await main(["query", ...args], { io });
    assert.equal(code, 2, io.stderr.join("\n"));
    assert.equal(io.stderr.length, 1, io.stderr.join("\n"));
    assert.match(io.stderr[0], /^error: Cannot parse option "--url": "postgres:\/\/u:\*\*\*@/);
  }
});
