// Our HDR interval logs read in HdrHistogram's own Java library (the one cassandra-stress writes
// its logs with; its jar comes with Cassandra's): a scheduled run's -st, -rt and -wt histograms
// have, merged per tag, the same total count and the same values at every percentile as our
// reader finds. Lives in the Cassandra suite for its JDK 17 and its jars, not for a node.
import assert from "node:assert/strict";
import { findJava17, resolveCassandraJars } from "../../scripts/cassandra/cassandra_jars.ts";
import { readHdrLog } from "../../lib/report/read_hdr_log.ts";
import { encodeCompressedBase64 } from "../../lib/stats/hdr_codec.ts";
import { LatencyHistogram } from "../../lib/stats/latency_histogram.ts";
import { formatHdrLogHeader } from "../../lib/report/hdr_log.ts";
import { cassandraNodes, runStress } from "./_cassandra_node.ts";

const READER = new URL("../testdata/java/HdrLogSummary.java", import.meta.url).pathname;
const PERCENTILES = [0, 50, 90, 99, 99.9, 100];

/** Per tag: "TAG COUNT V0 V50 ..." as the Java reader prints it. */
function summaryOf(merged: Map<string, LatencyHistogram>): string[] {
  return [...merged.keys()].sort().map((tag) => {
    const histogram = merged.get(tag)!;
    const values = PERCENTILES.map((p) => histogram.valueAtPercentile(p));
    return [tag, histogram.totalCount, ...values].join(" ");
  });
}

/** The same, of a log as our reader reads it. */
function ourSummary(text: string, path: string): string[] {
  const merged = new Map<string, LatencyHistogram>();
  for (const interval of readHdrLog(text, path).intervals) {
    const histogram = merged.get(interval.tag) ?? new LatencyHistogram();
    histogram.add(interval.histogram);
    merged.set(interval.tag, histogram);
  }
  return summaryOf(merged);
}

async function javaSummary(log: string): Promise<string[]> {
  const { libDir } = await resolveCassandraJars();
  let jar: string | null = null;
  for await (const entry of Deno.readDir(libDir)) {
    if (/^HdrHistogram-.*\.jar$/.test(entry.name)) jar = entry.name;
  }
  assert.ok(jar, `no HdrHistogram jar among Cassandra's jars in ${libDir}`);
  const output = await new Deno.Command(await findJava17(), {
    args: ["-cp", `${libDir}/${jar}`, READER, log],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const err = new TextDecoder().decode(output.stderr);
  assert.equal(output.code, 0, err);
  return new TextDecoder().decode(output.stdout).trim().split("\n");
}

Deno.test("HdrHistogram's Java reader decodes our histograms to the counts we recorded", async () => {
  // Single values, runs of zeros, counts that take several LEB128 bytes, values up to an hour.
  const shapes: Record<string, [number, number][]> = {
    one: [[1_000, 1]],
    low: [[1, 3], [2, 1], [2_047, 5], [2_048, 7], [4_095, 1]],
    wide: [[150_000, 70_000], [3_000_000, 1_234_567], [90e9, 2], [3.6e12, 1]],
  };
  let text = formatHdrLogHeader({ startTimeMs: 1_700_000_000_000 });
  const merged = new Map<string, LatencyHistogram>();
  for (const [tag, values] of Object.entries(shapes)) {
    const histogram = new LatencyHistogram();
    for (const [value, count] of values) histogram.recordValueWithCount(value, count);
    merged.set(tag, histogram);
    const maxMs = (histogram.maxNs / 1e6).toFixed(3);
    text += `Tag=${tag},0.000,1.000,${maxMs},${encodeCompressedBase64(histogram)}\n`;
  }
  const dir = await Deno.makeTempDir({ prefix: "stress_hdr_java_" });
  try {
    await Deno.writeTextFile(`${dir}/known.hdr`, text);
    assert.deepEqual(await javaSummary(`${dir}/known.hdr`), summaryOf(merged));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("HdrHistogram's Java reader reads our HDR log as our reader does", async () => {
  const dir = await Deno.makeTempDir({ prefix: "stress_hdr_java_" });
  try {
    const log = `${dir}/run.hdr`;
    const run = await runStress(cassandraNodes().plain, [
      ...["write", "duration=3s", "no-warmup", "-rate", "threads=8", "fixed=1000/s"],
      ...["-node", "embedded", "-log", `hdrfile=${log}`],
    ]);
    assert.equal(run.code, 0, run.err.join("\n"));
    const ours = ourSummary(await Deno.readTextFile(log), log);
    assert.deepEqual(ours.map((line) => line.split(" ")[0]), ["WRITE-rt", "WRITE-st", "WRITE-wt"]);
    assert.ok(ours.every((line) => Number(line.split(" ")[1]) >= 2000), ours.join("\n"));
    assert.deepEqual(await javaSummary(log), ours);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
