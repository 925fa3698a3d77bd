// Output files named by a descriptor's path (`-log json=/dev/stdout hdrfile=/dev/stdout`) while
// stdout goes to a regular file: each is written after what stdout holds, none replaces the file
// or writes over it from its first byte.
import assert from "node:assert/strict";

const MAIN = new URL("../../main.ts", import.meta.url).pathname;

/** Runs `main.ts ARGS > out` in a shell; resolves with the exit code and the file's text. */
async function runToFile(args: string[], out: string): Promise<{ code: number; text: string }> {
  const quoted = args.map((arg) => `'${arg}'`).join(" ");
  const { code } = await new Deno.Command("sh", {
    args: ["-c", `'${Deno.execPath()}' run -A '${MAIN}' ${quoted} > '${out}'`],
    stdin: "null",
    stderr: "null",
  }).output();
  return { code, text: await Deno.readTextFile(out) };
}

Deno.test("-log hdrfile= or json= of /dev/stdout, stdout a file: the run's output stays, the log follows it", async () => {
  const dir = await Deno.makeTempDir({ prefix: "stress_descriptor_" });
  const run = ["write", "n=2000", "-node", "synthetic", "-rate", "threads=2", "-log"];
  try {
    const hdr = await runToFile([...run, "hdrfile=/dev/stdout"], `${dir}/hdr.txt`);
    assert.equal(hdr.code, 0, hdr.text);
    // Before, the HDR log was written from the file's first byte, over the settings dump.
    assert.match(hdr.text, /^\*+ Stress Settings \*+$/m);
    assert.match(hdr.text, /^#\[StartTime: [^]*^Results:$[^]*^END$/m);
    const json = await runToFile([...run, "json=/dev/stdout"], `${dir}/json.txt`);
    assert.equal(json.code, 0, json.text);
    // Before, the JSON summary replaced the file: nothing the run printed was left.
    assert.match(json.text, /^\*+ Stress Settings \*+$[^]*^Results:$[^]*^END$/m);
    const summary = JSON.parse(json.text.slice(json.text.indexOf("\n{") + 1));
    assert.equal(
      summary.command,
      "write n=2000 -node synthetic -rate threads=2 -log json=/dev/stdout",
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
