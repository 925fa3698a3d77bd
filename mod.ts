/**
 * `@team/stress`: the pure building blocks of the `stress` load generator: the
 * cassandra-stress command-line grammar, distributions and a seeded PRNG, the
 * coordinated-omission-correct rate schedule, the rendezvous dispatcher, HDR latency
 * histograms and the report formatters; sizes with units; the disk benchmark's protocol v1
 * and rollover plan; the checkout consistency verdicts and load wait times. The command line
 * itself is `@team/stress/cli`.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { LatencyHistogram, parseStressArgs, RendezvousDispatcher } from "./mod.ts";
 *
 * const settings = parseStressArgs(["write", "n=1m", "-rate", "threads=50"]);
 * assert.equal(settings.command.stop.kind, "count");
 *
 * const dispatcher = new RendezvousDispatcher(10);
 * assert.equal(dispatcher.select("host_1"), dispatcher.select("host_1"));
 *
 * const histogram = new LatencyHistogram();
 * histogram.recordValue(1_500_000);
 * assert.equal(histogram.totalCount, 1);
 * ```
 *
 * @module
 */

export * from "./lib/errors.ts";
export * from "./lib/units/distribution_spec.ts";
export * from "./lib/cql/options/stress_settings.ts";
export * from "./lib/cql/options/parse_stress_args.ts";
export * from "./lib/units/parse_distribution.ts";
export * from "./lib/units/parse_count.ts";
export * from "./lib/units/parse_duration.ts";
export * from "./lib/units/parse_rate.ts";
export * from "./lib/units/parse_size.ts";
export * from "./lib/units/listen_address.ts";
export * from "./lib/units/shard.ts";
export * from "./lib/cql/shard_stress_settings.ts";
export * from "./lib/core/prng.ts";
export * from "./lib/core/distribution.ts";
export * from "./lib/core/rate_schedule.ts";
export * from "./lib/core/rendezvous_dispatcher.ts";
export * from "./lib/core/uncertainty.ts";
export * from "./lib/core/exact_percentile.ts";
export * from "./lib/core/retry_backoff.ts";
export * from "./lib/core/thread_search.ts";
export * from "./lib/cql/stress_data.ts";
export * from "./lib/stats/latency_histogram.ts";
export * from "./lib/stats/hdr_codec.ts";
export * from "./lib/stats/op_recorder.ts";
export * from "./lib/stats/op_window.ts";
export * from "./lib/cql/report/settings_dump.ts";
export * from "./lib/report/interval_rows.ts";
export * from "./lib/report/results_block.ts";
export * from "./lib/report/hdr_log.ts";
export * from "./lib/report/json_summary.ts";
export * from "./lib/cql/report/distribution_table.ts";
export * from "./lib/report/merge_hdr_logs.ts";
export * from "./lib/report/hdr_log_merge_input.ts";
export * from "./lib/report/prometheus_text.ts";
export * from "./lib/stats/autocorrelated_mean.ts";
export * from "./lib/stats/welch_t.ts";
export * from "./lib/stats/compare_runs.ts";
export * from "./lib/stats/loader_verdict.ts";
export * from "./lib/disk/disk_protocol.ts";
export * from "./lib/disk/rollover_plan.ts";
export * from "./lib/checkout/consistency_verdict.ts";
export * from "./lib/checkout/checkout_urls.ts";
export * from "./lib/checkout/wait_time.ts";

// `deno run -A jsr:@team/stress write n=1e6` runs this module: hand it to the command line.
// Importing the library never loads the command line.
if (import.meta.main) {
  const cli = await import("./main.ts");
  Deno.exitCode = await cli.main(Deno.args);
}
