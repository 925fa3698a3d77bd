// `stress ... > out.txt` on a full disk (/dev/full here): one `error:` line on stderr, exit 1,
// not an internal error with a stack trace. Only a real process has a real stdout.
import assert from "node:assert/strict";

const FULL = (() => {
  try {
    return Deno.statSync("/dev/full").isCharDevice;
  } catch {
    return false;
  }
})();

const root = new URL("../../", import.meta.url);

Deno.test({
  name: "stdout that cannot be written is one error line, exit 1",
  ignore: !FULL,
  async fn() {
    const main = new URL("main.ts", root).pathname;
    const config = new URL("deno.json", root).pathname;
    const command = `exec "${Deno.execPath()}" run -A --config "${config}" "${main}" ` +
      "write n=10 -rate threads=1 -node synthetic > /dev/full";
    const output = await new Deno.Command("sh", {
      args: ["-c", command],
      stdin: "null",
      stdout: "null",
      stderr: "piped",
    }).output();
    const stderr = new TextDecoder().decode(output.stderr);
    assert.equal(output.code, 1, stderr);
    assert.equal(stderr, "error: Cannot write to stdout: No space left on device (os error 28)\n");
  },
});
