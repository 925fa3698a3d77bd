// `deno task cassandra` without Java 17 or without Maven: one error line naming what to install,
// exit 3. Neither case starts a node.
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";

const SCRIPT = fileURLToPath(new URL("../../scripts/cassandra.ts", import.meta.url));

async function runScript(env: Record<string, string>) {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", SCRIPT],
    env,
    stdout: "piped",
    stderr: "piped",
  }).output();
  return {
    code: output.code,
    out: new TextDecoder().decode(output.stdout),
    err: new TextDecoder().decode(output.stderr).trim().split("\n"),
  };
}

Deno.test("deno task cassandra without Java 17 says what to install and exits 3", async () => {
  const result = await runScript({ JAVA17_HOME: "/nonexistent/jdk" });
  assert.equal(result.code, 3);
  assert.equal(result.err.length, 1);
  assert.match(result.err[0], /^error: .*Java 17 is not installed; install it/);
  assert.equal(result.out, "");
});

Deno.test("deno task cassandra without Maven says what to install and exits 3", async () => {
  const cache = await Deno.makeTempDir();
  try {
    const result = await runScript({ STRESS_CASSANDRA_CACHE: cache, PATH: "/nonexistent" });
    assert.equal(result.code, 3);
    assert.equal(result.err.length, 1);
    assert.match(result.err[0], /^error: .*Maven \(mvn\) is not installed; install it/);
  } finally {
    await Deno.remove(cache, { recursive: true });
  }
});

Deno.test("deno task cassandra refuses a bad flag with one error line and exit 2", async () => {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", SCRIPT, "--heap-mb", "12"],
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(output.code, 2);
  assert.match(new TextDecoder().decode(output.stderr), /^error: --heap-mb is "12"/);
});
