// `deno task cassandra` itself: the one ready line, and a node stopped by its pid on SIGTERM with
// nothing left behind.
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";

const SCRIPT = fileURLToPath(new URL("../../scripts/cassandra.ts", import.meta.url));

function isAlive(pid: number): boolean {
  try {
    Deno.kill(pid, "SIGCONT");
    return true;
  } catch {
    return false;
  }
}

async function readUntil(reader: ReadableStreamDefaultReader<string>, pattern: RegExp) {
  let text = "";
  while (!pattern.test(text)) {
    const { value, done } = await reader.read();
    if (done) break;
    text += value;
  }
  return text;
}

Deno.test("deno task cassandra prints one ready line and stops the node on SIGTERM", async () => {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", SCRIPT],
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  const text = await readUntil(reader, /node: pid \d+, directory \S+\n/);
  const lines = text.trim().split("\n");
  assert.match(lines[0], /^cassandra ready at 127\.0\.0\.1:\d+ \(Apache Cassandra 5\.0\.\d+\)$/);
  assert.equal(lines.filter((line) => line.startsWith("cassandra ready")).length, 1);
  const [, pid, dir] = text.match(/node: pid (\d+), directory (\S+)/)!;
  assert.ok(isAlive(Number(pid)));
  child.kill("SIGTERM");
  const rest = await readUntil(reader, /cassandra stopped/);
  reader.releaseLock();
  const status = await child.status;
  await child.stderr.cancel();
  assert.match(rest, /cassandra stopped/);
  assert.equal(status.code, 0);
  assert.equal(isAlive(Number(pid)), false, "the JVM outlived the command");
  await assert.rejects(Deno.stat(dir), Deno.errors.NotFound);
});
