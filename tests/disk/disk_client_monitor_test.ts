import assert from "node:assert/strict";
import { WriterMonitor } from "../../lib/disk/_disk_client_monitor.ts";
import { LatencyHistogram } from "../../lib/stats/latency_histogram.ts";
import { encodeCompressedBase64 } from "../../lib/stats/hdr_codec.ts";

Deno.test("disk client sample: the rate is over the writer's time its stats cover, not the sample's interval", async () => {
  const lines: string[] = [];
  const startMs = Date.now();
  const monitor = new WriterMonitor(Deno.pid, {
    live: null,
    log: (text) => lines.push(text),
    record: () => Promise.resolve(),
  });
  const writes = new LatencyHistogram();
  writes.recordValue(1_000_000);
  // The writer counted 10 MB over its first second; the stats line comes just before the sample
  // (a final sample, a few ms after the one before it).
  monitor.addStats(encodeCompressedBase64(writes), {
    bytes: 10_000_000,
    chunks: 10,
    atMs: startMs + 1000,
  });
  monitor.stop();
  await monitor.finish();
  const sample = lines.find((line) => line.startsWith("sample:"));
  assert.match(sample ?? "", /^sample: (9\.9\d|10\.0\d) MB\/s, 10 chunks/, lines.join("\n"));
});

Deno.test("disk client sample: a writer gone before its first reading, with no writes, sends no sample of zeros", async () => {
  const records: string[] = [];
  // A process id that is not alive: its /proc entry cannot be read.
  const monitor = new WriterMonitor(2 ** 22 + 1, {
    live: null,
    log: () => {},
    record: (fields) => {
      records.push(fields.type);
      return Promise.resolve();
    },
  });
  monitor.stop();
  await monitor.finish();
  assert.deepEqual(records, []);
});

Deno.test("disk client sample: no final sample of nothing after the interval's sample took the last chunks", async () => {
  const chunks: number[] = [];
  // A writer that uses no CPU and exits after its last reading.
  const writer = new Deno.Command("sleep", { args: ["30"] }).spawn();
  const monitor = new WriterMonitor(writer.pid, {
    live: null,
    log: () => {},
    record: (fields) => {
      if (fields.type === "sample") chunks.push(fields.chunks);
      return Promise.resolve();
    },
  });
  try {
    const writes = new LatencyHistogram();
    writes.recordValue(1_000_000);
    monitor.addStats(encodeCompressedBase64(writes), { bytes: 1000, chunks: 1, atMs: Date.now() });
    monitor.start(100);
    await new Promise((resolve) => setTimeout(resolve, 160));
    await monitor.keepFinalUsage();
  } finally {
    writer.kill("SIGKILL");
    await writer.status;
  }
  monitor.stop();
  await monitor.finish();
  // The interval's sample counted the one chunk; the end had nothing more to count.
  assert.deepEqual(chunks, [1]);
});
