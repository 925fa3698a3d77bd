// The comparison helper of our output with the recorded cassandra-stress runs: what it splits
// out of a recording, and that each kind of difference is found (and nothing else).
import assert from "node:assert/strict";
import { compareOutputs, readRecorded, recordedArgs, splitOutput } from "./_compare_output.ts";

const WRITE = readRecorded("01-write");
const MIXED = readRecorded("03-mixed");

/** The recording's text with `from` replaced by `to` (which must be there). */
function edited(text: string, from: string | RegExp, to: string): string {
  const changed = text.replace(from, to);
  assert.notEqual(changed, text, `${from} is in the recording`);
  return changed;
}

function wheres(recorded: string, ours: string, prefix = false): string[] {
  return compareOutputs(recorded, ours, { prefix }).map((d) => d.where);
}

Deno.test("splitOutput() splits a recorded run into settings, events, rows and Results", () => {
  const split = splitOutput(WRITE);
  assert.equal(
    split.command,
    "cassandra-stress write n=20000 -rate threads=16 -node 127.0.0.1 -port native=PORT",
  );
  assert.equal(split.exitStatus, 0);
  assert.deepEqual(split.settings.map((s) => s.name), [
    "Command",
    "Rate",
    "Population",
    "Insert",
    "Columns",
    "Errors",
    "Log",
    "Mode",
    "Node",
    "Schema",
    "Transport",
    "Port",
    "Send To Daemon",
    "Graph",
    "TokenRange",
  ]);
  const transport = split.settings.find((s) => s.name === "Transport")!;
  assert.equal(transport.entries.length, 10);
  assert.deepEqual(transport.entries[9], { key: "hostname-verification", value: "false" });
  // The driver's INFO/WARN lines and the JMX line are not events; the banner is masked.
  assert.deepEqual(split.events, [
    "<settings>",
    "Connected to cluster: <cluster>, max pending requests per connection null, max connections per host 8",
    "Datatacenter: <dc>; Host: <host>; Rack: <rack>",
    "Created keyspaces. Sleeping 1s for propagation.",
    "Sleeping 2s...",
    "Warming up WRITE with 5000 iterations...",
    "Running WRITE with 16 threads for 20000 iteration",
    "<interval header>",
    "<rows>",
    "<results>",
    "END",
  ]);
  assert.deepEqual(split.rows.map((r) => r.timeSec), [1, 2, 2.7]);
  assert.equal(split.rows[0].columns.length, 18);
  assert.deepEqual(split.results[0].map((l) => l.label).slice(0, 2), ["Op rate", "Partition rate"]);
  assert.deepEqual(split.results[0][0], {
    label: "Op rate",
    shape: "N op/s [WRITE: N op/s]",
    alignedAt: 36,
  });
});

Deno.test("compareOutputs() finds nothing between a recording and itself, or another run of it", () => {
  assert.deepEqual(wheres(WRITE, WRITE), []);
  // Other numbers, the same shapes: a different run of the same command line.
  const other = WRITE.replaceAll("7,410", "9,999").replace(/\b2\.7\b/g, "2.2").replace(
    "acceptance",
    "Test Cluster",
  ).replace("Native Port: 19042", "Native Port: 9042");
  assert.deepEqual(wheres(WRITE, other), []);
});

Deno.test("compareOutputs() names each settings difference: sections, key order, values", () => {
  const swapped = edited(
    WRITE,
    "  Fail fast setting: false\n  Tries: 10\n",
    "  Tries: 10\n  Fail fast setting: false\n",
  );
  assert.deepEqual(wheres(WRITE, swapped), ["Errors/<keys>"]);
  assert.deepEqual(wheres(WRITE, edited(WRITE, "Protocol Version: V4", "Protocol Version: V5")), [
    "Mode/Protocol Version",
  ]);
  assert.deepEqual(wheres(WRITE, edited(WRITE, "  Rack: null\n", "")), ["Node/<keys>"]);
  assert.deepEqual(wheres(WRITE, edited(WRITE, "Send To Daemon:\n  *not set*\n", "")), [
    "<sections>",
  ]);
  const transport = edited(WRITE, "hostname-verification=false; ", "");
  assert.deepEqual(wheres(WRITE, transport), ["Transport/<keys>"]);
});

Deno.test("compareOutputs() names a banner line that differs, and a flow out of order", () => {
  const banner = edited(WRITE, "per connection null", "per connection 2048");
  assert.deepEqual(wheres(WRITE, banner), ["events/Connected to cluster"]);
  // read and mixed print the banner after the first warm-up line.
  const early = edited(
    MIXED,
    /(Sleeping 2s...\nWarming up READ with 5000 iterations...\n)((?:.*\n)*?)(Connected to cluster.*\nDatatacenter.*\n)/,
    "$3$1$2",
  );
  assert.deepEqual(wheres(MIXED, early), ["events"]);
  const mixed = edited(MIXED, "Running [READ, WRITE] with", "Running MIXED with");
  assert.deepEqual(wheres(MIXED, mixed), ["events/Running [READ, WRITE] with"]);
});

Deno.test("compareOutputs() checks row shapes, op types per interval and the time column", () => {
  const wide = edited(WRITE, "total,           238,     238,", "total,           238,      238,");
  assert.deepEqual(wheres(WRITE, wide), ["rows/total"]);
  const decimals = edited(WRITE, /(total, +238,(?:[^,]*,){3}) +2\.9,/, "$1    2.90,");
  assert.deepEqual(wheres(WRITE, decimals), ["rows/total"]);
  // Counted from the run's start instead of the second it started in: 0.7, 1.7, 2.4.
  const elapsed = WRITE.replace("    1.0,  0.00000", "    0.7,  0.00000")
    .replace("    2.0,  0.67732", "    1.7,  0.67732");
  assert.deepEqual(wheres(WRITE, elapsed), ["rows/time"]);
  const noReadRow = MIXED.replace(/^READ, .*\n/m, "");
  assert.deepEqual(wheres(MIXED, noReadRow), ["rows/types"]);
});

Deno.test("compareOutputs() checks each Results line's label, shape and alignment", () => {
  const label = edited(WRITE, "Latency mean              :", "Latency average           :");
  assert.deepEqual(wheres(WRITE, label), ["results/1/<labels>"]);
  const aligned = edited(
    WRITE,
    "Op rate                   :    7,410",
    "Op rate                   :   7,410",
  );
  assert.deepEqual(wheres(WRITE, aligned), ["results/1/Op rate"]);
  const memory = edited(WRITE, "0.000 KiB", "0 B");
  assert.deepEqual(wheres(WRITE, memory), ["results/1/Total GC memory"]);
});

Deno.test("compareOutputs() takes a cut or early-ended recording as the start of ours", () => {
  // Run 08 is cut in its middle: ours must start and end as it does.
  const cut = readRecorded("08-write-cl-all-errors-ignore");
  const whole = edited(
    cut,
    /\[\.\.\. .* cut .*\]\n/,
    "Running WRITE with 8 threads for 2000 iteration\ntype       total ops,    op/s,    pk/s,   row/s,    mean,     med,     .95,     .99,    .999,     max,   time,   stderr, errors,  gc: #,  max ms,  sum ms,  sdv ms,      mb\n",
  );
  assert.deepEqual(wheres(cut, whole), []);
  assert.deepEqual(wheres(cut, edited(whole, /^END$/m, "FAILURE")), ["events"]);
  // Run 09 ends at its failed warm-up: with prefix, ours may go on.
  const ended = readRecorded("09-read-missing-keys");
  const more = `${ended}\nFAILURE\n`;
  assert.deepEqual(wheres(ended, more, true), []);
  assert.deepEqual(wheres(ended, edited(more, "Warming up READ", "Warming up WRITE"), true), [
    "events/Warming up READ with",
  ]);
});

Deno.test("recordedArgs() gives the recorded command line with our node and folder", () => {
  assert.deepEqual(recordedArgs("01-write", { node: ["-node", "embedded"] }), [
    "write",
    "n=20000",
    "-rate",
    "threads=16",
    "-node",
    "embedded",
  ]);
  const graph = recordedArgs("16-write-hdr-graph", { node: [], out: "/tmp/x" });
  assert.ok(graph.includes("hdrfile=/tmp/x/16.hdr"), graph.join(" "));
  assert.ok(graph.includes("file=/tmp/x/16-graph.html"), graph.join(" "));
});
