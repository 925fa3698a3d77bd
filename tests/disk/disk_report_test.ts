import assert from "node:assert/strict";
import { createDiskReport } from "../../lib/disk/report/disk_report.ts";
import type {
  DiskClientConfig,
  DiskEventRecord,
  DiskReportInput,
  DiskSampleRecord,
} from "../../lib/disk/report/disk_report_input.ts";
import { formatDiskReport } from "../../lib/disk/report/format_disk_report.ts";
import { LatencyHistogram } from "../../lib/stats/latency_histogram.ts";
import { encodeCompressedBase64 } from "../../lib/stats/hdr_codec.ts";

const T0 = 1_700_000_000_000;

function config(chunkBytes: number, fileBytes: number): DiskClientConfig {
  return {
    chunkBytes,
    fileBytes,
    runTimeMs: 20_000,
    path: "/mnt/bench",
    fsync: "file",
    heartbeatMs: 5000,
    statsEveryMs: 10_000,
    minFreeBytes: null,
    minFreePercent: 5,
  };
}

/** A histogram of `count` chunk writes from `baseMs` ms rising by `stepUs` µs each. */
function histogramOf(count: number, baseMs: number, stepUs: number): string {
  const histogram = new LatencyHistogram();
  for (let i = 0; i < count; i++) histogram.recordValue(baseMs * 1e6 + i * stepUs * 1e3);
  return encodeCompressedBase64(histogram);
}

function sample(
  clientId: string,
  seq: number,
  atMs: number,
  fields: { cpu: number; rssMb: number; bytes: number; chunks: number; histogram: string },
): DiskSampleRecord {
  return {
    clientId,
    seq,
    atMs: T0 + atMs,
    cpuPercent: fields.cpu,
    userMs: fields.cpu * 20,
    sysMs: fields.cpu * 80,
    rssBytes: fields.rssMb * 1_000_000,
    bytesWritten: fields.bytes,
    chunks: fields.chunks,
    intervalMs: 10_000,
    histogram: fields.histogram,
  };
}

function event(
  clientId: string | null,
  seq: number | null,
  atMs: number,
  kind: string,
  detail: Record<string, unknown>,
): DiskEventRecord {
  return { clientId, seq, atMs: T0 + atMs, kind, detail };
}

function rollover(clientId: string, seq: number, atMs: number, index: number, bytes: number) {
  return event(clientId, seq, atMs, "rollover", {
    file: `/mnt/bench/${clientId}/data-${index}.bin`,
    index,
    bytes,
    durationMs: 4000 + index * 10,
  });
}

const INPUT: DiskReportInput = {
  run: { id: 7, startedAtMs: T0, endedAtMs: T0 + 40_000, status: "done" },
  clients: [
    {
      clientId: "c2",
      host: "bench-b",
      pid: 202,
      config: config(20_000_000, 40_000_000),
      connectedAtMs: T0 + 200,
      finishedAtMs: T0 + 22_500,
      state: "finished",
      heartbeats: 5,
      lastHeartbeatMs: T0 + 22_000,
    },
    {
      clientId: "c1",
      host: "bench-a",
      pid: 101,
      config: config(10_000_000, 20_000_000),
      connectedAtMs: T0 + 100,
      finishedAtMs: T0 + 22_400,
      state: "finished",
      heartbeats: 5,
      lastHeartbeatMs: T0 + 21_900,
    },
    {
      clientId: "c3",
      host: "bench-c",
      pid: 303,
      config: config(30_000_000, 60_000_000),
      connectedAtMs: T0 + 300,
      finishedAtMs: null,
      state: "gone",
      heartbeats: 2,
      lastHeartbeatMs: T0 + 11_000,
    },
  ],
  events: [
    event("c1", 1, 2100, "start", { speedBytesPerSec: 180_000_000, expectedRollovers: 90 }),
    rollover("c1", 2, 6100, 1, 20_000_000),
    rollover("c1", 3, 10_100, 2, 20_000_000),
    rollover("c1", 5, 14_100, 3, 20_000_000),
    event("c1", 6, 16_000, "error", { message: "Cannot sync file: EIO" }),
    rollover("c1", 7, 18_100, 4, 20_000_000),
    event("c1", 9, 22_100, "stop", {
      reason: "done",
      bytesWritten: 100_000_000,
      chunks: 10,
      rollovers: 4,
    }),
    event("c2", 1, 2200, "start", { speedBytesPerSec: 190_000_000, expectedRollovers: 40 }),
    rollover("c2", 2, 10_200, 1, 40_000_000),
    rollover("c2", 4, 18_200, 2, 40_000_000),
    event("c2", 6, 22_200, "stop", {
      reason: "done",
      bytesWritten: 100_000_000,
      chunks: 5,
      rollovers: 2,
    }),
    event("c3", 1, 2300, "start", { speedBytesPerSec: 150_000_000, expectedRollovers: 30 }),
    rollover("c3", 2, 10_300, 1, 60_000_000),
    event("c3", null, 26_001, "gone", { lastHeartbeatMs: T0 + 11_000, misses: 3 }),
    event("c3", null, 26_002, "disconnected", { message: "connection reset by peer" }),
    event(null, null, 5000, "rejected", { message: "bad_token from 127.0.0.1:50012" }),
  ],
  samples: [
    sample("c1", 4, 12_100, {
      cpu: 12.5,
      rssMb: 41,
      bytes: 50_000_000,
      chunks: 5,
      histogram: histogramOf(5, 30, 500),
    }),
    sample("c1", 8, 22_100, {
      cpu: 14.5,
      rssMb: 43,
      bytes: 100_000_000,
      chunks: 10,
      histogram: histogramOf(5, 32, 700),
    }),
    sample("c2", 3, 12_200, {
      cpu: 9,
      rssMb: 60,
      bytes: 60_000_000,
      chunks: 3,
      histogram: histogramOf(3, 70, 1000),
    }),
    sample("c2", 5, 22_200, {
      cpu: 11,
      rssMb: 62,
      bytes: 100_000_000,
      chunks: 5,
      histogram: histogramOf(2, 75, 2000),
    }),
    sample("c3", 3, 12_300, {
      cpu: 20,
      rssMb: 80,
      bytes: 90_000_000,
      chunks: 3,
      histogram: histogramOf(3, 140, 3000),
    }),
  ],
};

Deno.test("createDiskReport() matches the snapshot for three clients, one gone", async (t) => {
  await t.assertSnapshot(createDiskReport(INPUT));
});

Deno.test("formatDiskReport() matches the snapshot for three clients, one gone", async (t) => {
  await t.assertSnapshot(formatDiskReport(createDiskReport(INPUT)));
});

Deno.test("createDiskReport() is JSON-able", () => {
  const report = createDiskReport(INPUT);
  assert.deepEqual(JSON.parse(JSON.stringify(report)), report);
});

Deno.test("createDiskReport() takes percentiles from merged histograms, not averages", () => {
  const fast = new LatencyHistogram();
  const slow = new LatencyHistogram();
  const all = new LatencyHistogram();
  for (let i = 1; i <= 99; i++) {
    fast.recordValue(i * 10_000);
    all.recordValue(i * 10_000);
  }
  slow.recordValue(500_000_000);
  all.recordValue(500_000_000);
  const input: DiskReportInput = {
    ...INPUT,
    clients: [INPUT.clients[1]],
    samples: [
      { ...INPUT.samples[0], histogram: encodeCompressedBase64(fast) },
      { ...INPUT.samples[1], histogram: encodeCompressedBase64(slow) },
    ],
  };
  const latency = createDiskReport(input).clients[0].latencyMs;
  assert.deepEqual(latency, {
    count: 100,
    p50: all.valueAtPercentile(50) / 1e6,
    p90: all.valueAtPercentile(90) / 1e6,
    p99: all.valueAtPercentile(99) / 1e6,
    p999: all.valueAtPercentile(99.9) / 1e6,
    max: all.maxNs / 1e6,
  });
  assert.ok(latency!.p50 < 1); // an average of the two medians would be about 250 ms
});

Deno.test("createDiskReport() counts the rejected connections and the gone client", () => {
  const report = createDiskReport(INPUT);
  assert.equal(report.rejectedConnections, 1);
  assert.deepEqual(
    report.clients.map((client) => [client.clientId, client.state, client.gone]),
    [
      ["c1", "finished", null],
      ["c2", "finished", null],
      ["c3", "gone", { lastHeartbeatMs: T0 + 11_000, goneAtMs: T0 + 26_001 }],
    ],
  );
  assert.deepEqual(
    [report.totals.finished, report.totals.gone, report.totals.running],
    [2, 1, 0],
  );
});

Deno.test("createDiskReport() falls back to the last sample without a stop event", () => {
  const c3 = createDiskReport(INPUT).clients[2];
  assert.equal(c3.stopReason, null);
  assert.equal(c3.bytesWritten, 90_000_000);
  assert.equal(c3.chunks, 3);
  assert.equal(c3.stoppedAtMs, T0 + 12_300);
  assert.equal(c3.throughputBytesPerSec, 90_000_000 / 10);
});

Deno.test("createDiskReport() computes throughput over the writing time", () => {
  const c1 = createDiskReport(INPUT).clients[0];
  assert.equal(c1.startedAtMs, T0 + 2100);
  assert.equal(c1.stoppedAtMs, T0 + 22_100);
  assert.equal(c1.throughputBytesPerSec, 5_000_000);
  assert.equal(c1.rollovers.count, 4);
  assert.equal(c1.usage.cpuMeanPercent, 13.5);
  assert.equal(c1.usage.rssMaxBytes, 43_000_000);
});

Deno.test("createDiskReport() counts a histogram it cannot decode and leaves it out", () => {
  const input: DiskReportInput = {
    ...INPUT,
    samples: [{ ...INPUT.samples[0], histogram: "bm90IGEgaGlzdG9ncmFt" }, INPUT.samples[1]],
  };
  const c1 = createDiskReport(input).clients[0];
  assert.equal(c1.badHistograms, 1);
  assert.equal(c1.latencyMs?.count, 5);
});

Deno.test("createDiskReport() handles a client with no events or samples", () => {
  const report = createDiskReport({
    run: { id: 1, startedAtMs: T0, endedAtMs: null, status: "running" },
    clients: [{ ...INPUT.clients[0], state: "running", lastHeartbeatMs: null }],
    events: [],
    samples: [],
  });
  const client = report.clients[0];
  assert.equal(client.bytesWritten, 0);
  assert.equal(client.throughputBytesPerSec, null);
  assert.equal(client.latencyMs, null);
  assert.equal(client.usage.cpuMeanPercent, null);
  assert.equal(report.totals.throughputBytesPerSec, null);
  assert.equal(report.run.durationMs, null);
  const lines = formatDiskReport(report);
  assert.equal(lines[0], "Run 1 (running): started 2023-11-14T22:13:20.000Z, still running");
  assert.ok(lines.includes("  writer CPU and memory: no samples"));
});

Deno.test("createDiskReport() shows a config it cannot read as unknown", () => {
  const report = createDiskReport({ ...INPUT, clients: [{ ...INPUT.clients[0], config: null }] });
  const client = report.clients[0];
  assert.deepEqual(
    [client.chunkBytes, client.fileBytes, client.fsync, client.path, client.runTimeMs],
    [null, null, null, null, null],
  );
  assert.equal(
    formatDiskReport(report)[6],
    "  config: chunk unknown, file unknown, fsync unknown, run time unknown, path unknown",
  );
});

Deno.test("createDiskReport() reads event details that are not objects", () => {
  const report = createDiskReport({
    ...INPUT,
    events: [
      event("c1", 1, 1000, "start", null as unknown as Record<string, unknown>),
      event("c1", 2, 2000, "error", [1, 2] as unknown as Record<string, unknown>),
    ],
  });
  const c1 = report.clients[0];
  assert.equal(c1.measuredBytesPerSec, null);
  assert.deepEqual(c1.errors, [{ atMs: T0 + 2000, kind: "error", message: "[1,2]" }]);
});

Deno.test("createDiskReport() counts the rolled-over files of a client gone before its first sample", () => {
  const report = createDiskReport({
    ...INPUT,
    events: INPUT.events.filter((e) => e.clientId !== "c3" || e.kind !== "gone"),
    samples: INPUT.samples.filter((s) => s.clientId !== "c3"),
  });
  const c3 = report.clients[2];
  assert.equal(c3.bytesWritten, 60_000_000);
  assert.equal(c3.stoppedAtMs, T0 + 10_300);
  assert.equal(c3.throughputBytesPerSec, 60_000_000 / 8);
  assert.equal(c3.usage.samples.length, 0);
});

Deno.test("createDiskReport() takes the writer's own run time from the stop event", () => {
  const events = INPUT.events.map((e) =>
    e.clientId === "c1" && e.kind === "stop"
      ? { ...e, detail: { ...(e.detail as object), elapsedMs: 12_500 } }
      : e
  );
  const c1 = createDiskReport({ ...INPUT, events }).clients[0];
  assert.equal(c1.throughputBytesPerSec, 100_000_000 / 12.5);
});

Deno.test("createDiskReport() times the total rate over the writing, not from the start events", () => {
  // c1 alone; its writer wrote for 12.5 s of the 20 s from its start event to its stop (the
  // writer process starts after the start event, and the stop comes after it exits).
  const events = INPUT.events.filter((e) => e.clientId === "c1").map((e) =>
    e.kind === "stop" ? { ...e, detail: { ...(e.detail as object), elapsedMs: 12_500 } } : e
  );
  const clients = INPUT.clients.filter((c) => c.clientId === "c1");
  const samples = INPUT.samples.filter((s) => s.clientId === "c1");
  const report = createDiskReport({ ...INPUT, clients, events, samples });
  assert.equal(report.totals.throughputBytesPerSec, report.clients[0].throughputBytesPerSec);
  assert.equal(report.totals.throughputBytesPerSec, 100_000_000 / 12.5);
});

Deno.test("createDiskReport() takes bytes, chunks and time of a killed client from its rollovers when they cover more", () => {
  // c3 (30 MB chunks, 60 MB files) was killed: its last sample says 90 MB in 3 chunks at +12.3s,
  // but it rolled over three files, the last at +16.3s.
  const events = [
    ...INPUT.events,
    rollover("c3", 4, 13_300, 2, 60_000_000),
    rollover("c3", 5, 16_300, 3, 60_000_000),
  ];
  const c3 = createDiskReport({ ...INPUT, events }).clients[2];
  assert.equal(c3.stopReason, null);
  assert.deepEqual(
    [c3.bytesWritten, c3.chunks, c3.writingMs],
    [180_000_000, 6, 16_300 - 2300],
  );
  assert.equal(c3.throughputBytesPerSec, 180_000_000 / 14);
  const lines = formatDiskReport(createDiskReport({ ...INPUT, events }));
  assert.ok(
    lines.includes("  wrote 180.00 MB in 6 chunks over 14.0s: 12.9 MB/s"),
    lines.join("\n"),
  );
});

Deno.test("formatDiskReport() prints the time the rate was computed over", () => {
  // The writer's own run time (12.5 s) is shorter than start to stop (20 s): both say 12.5 s.
  const events = INPUT.events.map((e) =>
    e.clientId === "c1" && e.kind === "stop"
      ? { ...e, detail: { ...(e.detail as object), elapsedMs: 12_500 } }
      : e
  );
  const report = createDiskReport({ ...INPUT, events });
  assert.equal(report.clients[0].writingMs, 12_500);
  const lines = formatDiskReport(report);
  assert.ok(
    lines.includes("  wrote 100.00 MB in 10 chunks over 12.5s: 8.0 MB/s"),
    lines.join("\n"),
  );
});

Deno.test("createDiskReport() shows no speed of 0 from a probe that wrote nothing (a full disk)", () => {
  const events = INPUT.events.map((e) =>
    e.clientId === "c1" && e.kind === "start"
      ? { ...e, detail: { speedBytesPerSec: 0, expectedRollovers: 0 } }
      : e
  );
  const report = createDiskReport({ ...INPUT, events });
  assert.equal(report.clients[0].measuredBytesPerSec, null);
  const lines = formatDiskReport(report);
  assert.ok(!lines.some((line) => /measured 0 B\/s/.test(line)), lines.join("\n"));
  assert.ok(
    lines.includes("  measured nothing before writing: the disk was full (or at --min-free)"),
  );
});

Deno.test("createDiskReport() gives no rate to a client stopped before it started writing", () => {
  const stop = { reason: "signal", bytesWritten: 0, chunks: 0, rollovers: 0 };
  const report = createDiskReport({
    ...INPUT,
    clients: [INPUT.clients[0]],
    events: [event(INPUT.clients[0].clientId, 1, 500, "stop", stop)],
    samples: [],
  });
  const client = report.clients[0];
  assert.deepEqual([client.writingMs, client.throughputBytesPerSec], [null, null]);
  assert.equal(report.totals.throughputBytesPerSec, null);
  assert.ok(
    formatDiskReport(report).includes("  wrote nothing: it stopped before it started writing"),
  );
});
