// SIGTERM (what Kubernetes sends to a loader's pod, and what `timeout` sends) stops a run as
// Ctrl-C does: the Results block is printed, the HDR log and the JSON summary are complete, and
// the exit code is 143. It used to end the process at once with no Results and an empty summary.
import assert from "node:assert/strict";
import { readHdrLog } from "../lib/report/read_hdr_log.ts";
import { LONG_SYNTHETIC_WRITE, readUntil, spawnMain } from "./_main_child.ts";

Deno.test("SIGTERM during the measured run: Results, valid HDR log and JSON summary, exit 143", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const child = spawnMain([
      ...LONG_SYNTHETIC_WRITE,
      "-log",
      "interval=200ms",
      `hdrfile=${dir}/run.hdr`,
      `json=${dir}/run.json`,
    ]);
    const reader = child.stdout.getReader();
    let out = await readUntil(reader, "total,", 3);
    child.kill("SIGTERM");
    const decoder = new TextDecoder();
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      out += decoder.decode(value, { stream: true });
    }
    const [status, stderr] = await Promise.all([child.status, new Response(child.stderr).text()]);
    assert.equal(status.code, 143, stderr);
    assert.match(stderr, /^error: Run interrupted by SIGTERM/m);
    const lines = out.split("\n");
    assert.ok(lines.includes("Results:"), out);
    const written = Number(
      lines.find((l) => l.startsWith("Total partitions"))!.split(":")[1].trim().split(/\s+/)[0]
        .replaceAll(",", ""),
    );
    assert.ok(written > 0, out);
    const log = readHdrLog(await Deno.readTextFile(`${dir}/run.hdr`), "run.hdr");
    const logged = log.intervals.filter((i) => i.tag === "WRITE-st")
      .reduce((n, i) => n + i.histogram.totalCount, 0);
    assert.equal(logged, written);
    const summary = JSON.parse(await Deno.readTextFile(`${dir}/run.json`));
    assert.equal(typeof summary, "object");
    assert.ok(JSON.stringify(summary).includes("WRITE"));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
