// Bad input of bench/checkout_load_vs_locust.ts: one `error:` line, exit 2, nothing on stdout,
// and nothing started or installed (these fail before the service starts and before pip runs).
import assert from "node:assert/strict";

const SCRIPT = new URL("../../bench/checkout_load_vs_locust.ts", import.meta.url).pathname;
const decoder = new TextDecoder();

async function run(args: string[], env: Record<string, string>) {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", SCRIPT, ...args],
    env,
    stdout: "piped",
    stderr: "piped",
  }).output();
  return {
    code: output.code,
    stdout: decoder.decode(output.stdout),
    stderr: decoder.decode(output.stderr),
  };
}

Deno.test("checkout_load_vs_locust: a missing Python is one error line, and no venv is made", async () => {
  const venv = await Deno.makeTempDir({ prefix: "locust_venv_test_" });
  await Deno.remove(venv);
  const result = await run(["1"], { LOCUST_VENV: venv, PYTHON: "/nonexistent/python3" });
  assert.equal(result.code, 2);
  assert.equal(result.stdout, "");
  assert.match(
    result.stderr,
    /^error: cannot run Python "\/nonexistent\/python3" \(.*\); set PYTHON to a Python 3\.11\+\n$/,
  );
  assert.equal(await Deno.stat(venv).then(() => true, () => false), false);
});

Deno.test("checkout_load_vs_locust: a program that is not Python is one error line", async () => {
  const venv = await Deno.makeTempDir({ prefix: "locust_venv_test_" });
  await Deno.remove(venv);
  const result = await run(["1"], { LOCUST_VENV: venv, PYTHON: "false" });
  assert.equal(result.code, 2);
  assert.equal(result.stdout, "");
  assert.equal(
    result.stderr,
    'error: "false" is not a usable Python 3.11+ (locust 2.47.0 needs one): exit code 1\n',
  );
});

Deno.test("checkout_load_vs_locust: a bad duration is one usage line", async () => {
  const result = await run(["soon"], {});
  assert.equal(result.code, 2);
  assert.equal(result.stdout, "");
  assert.match(result.stderr, /^error: usage: deno run -A bench\/checkout_load_vs_locust\.ts /);
});
