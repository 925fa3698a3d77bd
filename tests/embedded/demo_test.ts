// `deno task demo` (scripts/demo.ts): the embedded CQL node served on loopback, cassandra-stress
// `write` into it, then `read` of the same keys, which validates every row; both Results blocks
// and END, and the node stopped afterwards.
import assert from "node:assert/strict";

Deno.test("deno task demo: write then a validating read against the embedded node", async () => {
  const demo = new URL("../../scripts/demo.ts", import.meta.url).pathname;
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", demo, "3000", "8"],
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const out = new TextDecoder().decode(output.stdout);
  const err = new TextDecoder().decode(output.stderr);
  assert.equal(output.code, 0, `${out}\n${err}`);
  const lines = out.split("\n");
  const commands = lines.filter((l) => l.startsWith("$ stress "));
  assert.deepEqual(commands.map((l) => l.split(" ")[2]), ["write", "read"]);
  assert.equal(lines.filter((l) => l === "Results:").length, 2, out);
  assert.deepEqual(
    lines.filter((l) => l.startsWith("Total partitions")).map((l) => l.replace(/\s+/g, " ")),
    ["Total partitions : 3,000 [WRITE: 3,000]", "Total partitions : 3,000 [READ: 3,000]"],
  );
  assert.deepEqual(
    lines.filter((l) => l.startsWith("Total errors")).map((l) => l.replace(/\s+/g, " ")),
    ["Total errors : 0 [WRITE: 0]", "Total errors : 0 [READ: 0]"],
  );
  assert.equal(lines.filter((l) => l === "END").length, 2, out);
});

Deno.test("deno task demo: bad arguments give one error line and exit 2", async () => {
  const demo = new URL("../../scripts/demo.ts", import.meta.url).pathname;
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", demo, "lots"],
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(output.code, 2);
  assert.match(new TextDecoder().decode(output.stderr), /^error: Cannot run the demo: .*\n$/);
});
