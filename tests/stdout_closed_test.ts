import assert from "node:assert/strict";
import { readHdrLog } from "../lib/commands/read_hdr_log.ts";

const root = new URL("../", import.meta.url);

/** Reads lines from a stream until `wanted` of them start with `prefix`. */
async function readUntil(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  prefix: string,
  wanted: number,
): Promise<string[]> {
  const decoder = new TextDecoder();
  let text = "";
  while (text.split("\n").filter((l) => l.startsWith(prefix)).length < wanted) {
    const { value, done } = await reader.read();
    if (done) break;
    text += decoder.decode(value, { stream: true });
  }
  return text.split("\n");
}

Deno.test("stress ... | head: the reader going away stops the run at once, exit 141, files written", async () => {
  const dir = await Deno.makeTempDir();
  const hdrFile = `${dir}/run.hdr`;
  try {
    const child = new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "-A",
        "--config",
        new URL("deno.json", root).pathname,
        new URL("main.ts", root).pathname,
        "write",
        "duration=60s",
        "no-warmup",
        "-rate",
        "threads=2",
        "-node",
        "synthetic:fixed(1000)",
        "-log",
        "interval=200ms",
        `hdrfile=${hdrFile}`,
      ],
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const reader = child.stdout.getReader();
    const lines = await readUntil(reader, "total,", 3);
    assert.equal(lines.filter((l) => l.startsWith("total,")).length, 3, lines.join("\n"));
    const closedAt = performance.now();
    await reader.cancel();
    const [status, stderr] = await Promise.all([
      child.status,
      new Response(child.stderr).text(),
    ]);
    const tookMs = performance.now() - closedAt;
    assert.equal(status.code, 141, stderr);
    assert.equal(stderr, "", "nothing on stderr: the reader left, nobody failed");
    // A 60 s run; the next interval row (200 ms away) finds the pipe closed.
    assert.ok(tookMs < 20_000, `ended ${tookMs} ms after the reader left`);
    // The HDR log was closed properly: it parses and holds the intervals that were read.
    const log = readHdrLog(await Deno.readTextFile(hdrFile), hdrFile);
    assert.ok(log.intervals.length >= 3, `${log.intervals.length} intervals`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
