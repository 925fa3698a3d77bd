import assert from "node:assert/strict";
import { readHdrLog } from "../lib/report/read_hdr_log.ts";
import { LONG_SYNTHETIC_WRITE, readUntil, spawnMain } from "./_main_child.ts";

Deno.test("stress ... | head: the reader going away stops the run at once, exit 141, files written", async () => {
  const dir = await Deno.makeTempDir();
  const hdrFile = `${dir}/run.hdr`;
  try {
    const child = spawnMain([
      ...LONG_SYNTHETIC_WRITE,
      "-log",
      "interval=200ms",
      `hdrfile=${hdrFile}`,
    ]);
    const reader = child.stdout.getReader();
    const lines = (await readUntil(reader, "total,", 3)).split("\n");
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
