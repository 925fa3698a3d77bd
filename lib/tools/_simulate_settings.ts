/**
 * Private helper of `simulate.ts`: its settings from the arguments.
 *
 * @module
 */

import { MAX_DURATION_MS } from "../units/parse_duration.ts";
import { UsageError } from "../errors.ts";
import { type ListenAddress, parseListenAddress } from "../units/listen_address.ts";
import type { DistributionSpec } from "../units/distribution_spec.ts";
import { parseDistribution } from "../units/parse_distribution.ts";
import { parseFlags, parsePositive } from "../cli/parse_flags.ts";

/** The settings of `stress simulate`, from its arguments. */
export interface SimulateSettings {
  /** How long the run lasts, seconds. */
  readonly seconds: number;
  /** Concurrent op loops. */
  readonly threads: number;
  /** Workers to spread them over. */
  readonly workers: number;
  /** Length of one printed row, ms. */
  readonly intervalMs: number;
  /** Op latency in microseconds. */
  readonly latency: DistributionSpec;
  /** Where to serve /metrics, or null. */
  readonly prometheus: ListenAddress | null;
  /** Where to serve the live page, or null. */
  readonly web: ListenAddress | null;
  /** Where to write the HDR interval log, or null. */
  readonly hdrfile: string | null;
  /** `--fail-if-limited`: exit 4 when the loader itself was a limit. */
  readonly failIfLimited: boolean;
}

/**
 * Reads `stress simulate`'s arguments into settings.
 *
 * @param args The arguments after `simulate`.
 * @returns The settings, or null when `--help` was asked for.
 * @throws {UsageError} On an unknown flag, an extra positional, a bad number, distribution or
 * address.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseSimulateSettings } from "./_simulate_settings.ts";
 * const settings = parseSimulateSettings(["3", "--threads", "4", "--workers", "2"]);
 * assert.equal(settings?.seconds, 3);
 * assert.equal(settings?.threads, 4);
 * assert.equal(settings?.workers, 2);
 * assert.equal(settings?.intervalMs, 1000);
 * assert.equal(parseSimulateSettings(["--help"]), null);
 * ```
 */
export function parseSimulateSettings(args: readonly string[]): SimulateSettings | null {
  const { values, positionals } = parseFlags("simulate", args, {
    threads: { type: "string", default: "16" },
    workers: { type: "string" },
    latency: { type: "string", default: "uniform(1000..10000)" },
    interval: { type: "string", default: "1000" },
    hdrfile: { type: "string" },
    prometheus: { type: "string" },
    web: { type: "string" },
    "fail-if-limited": { type: "boolean" },
    help: { type: "boolean", short: "h" },
  });
  if (values.help) return null;
  if (positionals.length > 1) {
    throw new UsageError(
      `Cannot parse the arguments of "simulate": "${
        positionals.slice(1).join(" ")
      }" is extra, expected SECONDS [options]`,
    );
  }
  const seconds = parsePositive("SECONDS", positionals[0]);
  if (seconds * 1000 > MAX_DURATION_MS) {
    throw new UsageError(
      `Cannot parse "SECONDS": ${positionals[0]} is too long, expected at most ` +
        `${Math.floor(MAX_DURATION_MS / 1000)} (596 h, what a timer can wait)`,
    );
  }
  const threads = parsePositive("--threads", values.threads as string, { integer: true });
  const workers = values.workers === undefined
    ? Math.min(navigator.hardwareConcurrency, threads)
    : parsePositive("--workers", values.workers as string, { integer: true });
  const intervalMs = parsePositive("--interval", values.interval as string, { integer: true });
  if (intervalMs > MAX_DURATION_MS) {
    throw new UsageError(
      `Cannot parse --interval: "${values.interval}" is too long, expected at most ` +
        `${MAX_DURATION_MS} (596 h, what a timer can wait)`,
    );
  }
  const latency = parseDistribution(values.latency as string, "--latency");
  const prometheus = values.prometheus === undefined
    ? null
    : parseListenAddress("--prometheus", values.prometheus as string);
  const web = values.web === undefined ? null : parseListenAddress("--web", values.web as string);
  const hdrfile = values.hdrfile === undefined ? null : values.hdrfile as string;
  const failIfLimited = values["fail-if-limited"] === true;
  return {
    seconds,
    threads,
    workers,
    intervalMs,
    latency,
    prometheus,
    web,
    hdrfile,
    failIfLimited,
  };
}
