/**
 * Benchmarks of one Prometheus scrape's text: `formatPrometheusText` for 5 op types (each
 * interval histogram holding 20,000 latencies), against a trivial formatter of the counters
 * only.
 *
 * Run: `deno bench bench/prometheus_text_bench.ts`
 *
 * @module
 */

import { formatPrometheusText, type PrometheusTextInput } from "../lib/report/prometheus_text.ts";
import { OpWindow } from "../lib/stats/op_window.ts";

// Inputs: 5 op types, each interval with 20,000 pseudo-random latencies from 50 µs to 200 ms.
const OP_NAMES = ["READ", "WRITE", "COUNTER_READ", "COUNTER_WRITE", "insert_user"];
const VALUES_PER_OP = 20_000;
let state = 4242;
function nextLatencyNs(): number {
  state = (state * 1103515245 + 12345) % 2147483648;
  return Math.floor(50_000 * Math.exp((state / 2147483648) * 8.3));
}
function windowFor(name: string, ops: number): OpWindow {
  const window = new OpWindow(name, { scheduled: true });
  window.ops = ops;
  window.errors = ops % 7;
  for (let i = 0; i < VALUES_PER_OP; i++) {
    const serviceNs = nextLatencyNs();
    window.service.recordValue(serviceNs);
    window.response!.recordValue(serviceNs + 20_000);
  }
  return window;
}
const input: PrometheusTextInput = {
  command: "user",
  windows: OP_NAMES.map((name) => windowFor(name, VALUES_PER_OP)),
  lengthSec: 1.000217,
  totals: OP_NAMES.map((name) => windowFor(name, 3_600 * VALUES_PER_OP)),
  elapsedSec: 3600.5,
  useResponseTime: true,
};
/** Keeps results alive so the measured work is not optimized away. */
let sink = "";

/** The simplest correct scrape: the op counters only, no escaping, no percentiles. */
function formatCountersOnly(totals: readonly OpWindow[]): string {
  let text = "# TYPE stress_ops_total counter\n";
  for (const window of totals) text += `stress_ops_total{op="${window.name}"} ${window.ops}\n`;
  return text;
}

// ---- one scrape, 5 op types ----

Deno.bench({
  name: "trivial: counters only",
  group: "prometheus text, 5 op types",
  baseline: true,
  fn() {
    sink = formatCountersOnly(input.totals);
  },
});

Deno.bench({
  name: "formatPrometheusText() (counters, rates, 5 percentiles each)",
  group: "prometheus text, 5 op types",
  fn() {
    sink = formatPrometheusText(input);
  },
});

// Read once so `sink` counts as used.
if (sink === undefined) throw new Error("Cannot run benchmarks: the sink was never written");
