import assert from "node:assert/strict";
import { VERSION } from "../lib/version.ts";

const root = new URL("../", import.meta.url);

Deno.test("mod.ts run as the main module is the command line (deno run -A jsr:@team/stress ...)", async () => {
  const output = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      "--config",
      new URL("deno.json", root).pathname,
      new URL("mod.ts", root).pathname,
      "version",
    ],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stdout = new TextDecoder().decode(output.stdout);
  assert.equal(output.code, 0, new TextDecoder().decode(output.stderr));
  assert.ok(stdout.includes(VERSION), stdout);
});
