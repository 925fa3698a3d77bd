/**
 * Private helper of `disk_client.ts`: the monitor, which samples the writer's CPU and memory
 * with the chunk writes since the last sample, logs each sample, sends it to the server and shows
 * it on the live endpoints.
 *
 * @module
 */

import { formatSize } from "../units/parse_size.ts";
import { LatencyHistogram } from "../stats/latency_histogram.ts";
import { OpWindow } from "../stats/op_window.ts";
import type { LiveEndpoints } from "../live/live_endpoints.ts";
import { type ProcessUsage, processUsage } from "./driver/process_usage.ts";
import type { RecordBody } from "./_disk_client_messenger.ts";
import { decodeCompressedBase64, encodeCompressedBase64 } from "../stats/hdr_codec.ts";
import { LoaderProbe } from "../engine/loader_probe.ts";
import {
  type LoaderFigures,
  mergeLoaderSamples,
  type WorkerLoaderSample,
} from "../stats/loader_verdict.ts";

/** How often the client's probe timer fires, in ms. */
const PROBE_MS = 20;

/** Where the monitor's samples go. */
export interface MonitorOutputs {
  /** The live endpoints, or null. */
  readonly live: LiveEndpoints | null;
  /** Writes one log line. */
  readonly log: (text: string) => void;
  /** Sends a record to the server. */
  readonly record: (fields: RecordBody) => Promise<void>;
}

/** The monitor of the writer process. */
export class WriterMonitor {
  readonly #pid: number;
  readonly #outputs: MonitorOutputs;
  readonly #pending = new LatencyHistogram();
  // The live endpoints see each sample as one interval of op WRITE (a chunk write).
  readonly #startedMs: number;
  readonly #liveTotal = new OpWindow("WRITE", { scheduled: false });
  #pendingBytes = 0;
  #pendingChunks = 0;
  // Samples carry the totals since the start (protocol v1), so a lost sample loses no bytes.
  #sampledBytes = 0;
  #sampledChunks = 0;
  // Samples sent so far.
  #sent = 0;
  #lastUserMs = 0;
  #lastSysMs = 0;
  #lastSampleMs: number;
  // The writer's time (epoch ms) its stats lines cover: the rate of a sample is over that span,
  // not the sample's interval (a stats line comes every 200 ms, so the two ends differ).
  #statsFromMs = Date.now();
  #statsToMs = this.#statsFromMs;
  #sampling: Promise<void> = Promise.resolve();
  // The writer's last reading before it exits: the final sample falls back on it.
  #finalUsage: ProcessUsage | null = null;
  #timer: ReturnType<typeof setInterval> | undefined;
  // For the loader verdict: the client's event loop (a probe timer), the writer's time in writes.
  readonly #probe = new LoaderProbe(1, () => performance.now() * 1e6);
  #probed: WorkerLoaderSample | null = null;
  #busyNs = 0;

  /**
   * Starts watching a writer; the live endpoints are told the run started.
   *
   * @param pid The writer's process id.
   * @param outputs The live endpoints, the log and the server.
   */
  constructor(pid: number, outputs: MonitorOutputs) {
    this.#pid = pid;
    this.#outputs = outputs;
    this.#startedMs = performance.now();
    outputs.live?.runStarted(1);
    this.#lastSampleMs = performance.now();
    this.#probe.start();
    this.#probe.watchLoop(PROBE_MS);
  }

  /**
   * Counts chunk writes the writer reported.
   *
   * @param histogram Their latencies (ns), HDR compressed base64.
   * @param counts Their bytes and number, and when the writer counted them (epoch ms).
   */
  addStats(histogram: string, counts: { bytes: number; chunks: number; atMs: number }): void {
    this.#statsToMs = Math.max(this.#statsToMs, counts.atMs);
    const writes = decodeCompressedBase64(histogram);
    this.#busyNs += writes.meanNs * writes.totalCount;
    this.#pending.add(writes);
    this.#pendingBytes += counts.bytes;
    this.#pendingChunks += counts.chunks;
  }

  /** Keeps the writer's reading before it exits, for the final sample. */
  async keepFinalUsage(): Promise<void> {
    this.#finalUsage = await processUsage(this.#pid);
  }

  /**
   * Takes a sample every interval, one after the other.
   *
   * @param everyMs The interval, ms.
   */
  start(everyMs: number): void {
    this.#timer = setInterval(() => {
      this.#sampling = this.#sampling.then(() => this.#sample());
    }, everyMs);
  }

  /** Stops taking samples every interval, and the probe timer. */
  stop(): void {
    clearInterval(this.#timer);
    this.#probed ??= this.#probe.finish();
  }

  /**
   * What the run measured of its loader, once stopped and finished: the writer process's CPU
   * share over the run (from its last sample), the client's event-loop delay, and the share of
   * the run the writer spent in writes (the sum of the chunk write times).
   *
   * @returns The figures, for `judgeLoader`.
   */
  loaderFigures(): LoaderFigures {
    const probed = this.#probed ?? this.#probe.finish();
    const sample: WorkerLoaderSample = {
      ...probed,
      cpuSec: (this.#lastUserMs + this.#lastSysMs) / 1000,
      busyNs: this.#busyNs,
    };
    return mergeLoaderSamples([sample], false, "writers");
  }

  /**
   * Waits for the sample under way, then takes the final one (none when the writer was never
   * read and wrote nothing since the last, nor when the last sample left it nothing to count:
   * no chunk, no CPU time).
   */
  async finish(): Promise<void> {
    await this.#sampling;
    await this.#sample({ final: true });
  }

  async #sample(options: { final?: boolean } = {}): Promise<void> {
    const usage = (await processUsage(this.#pid)) ?? this.#finalUsage;
    const cpuTimes = this.#cpuTimes(usage);
    // The interval's sample may have taken the writer's last chunks just before the end: a final
    // sample of nothing (no chunk, no CPU) would show the run ending at 0 B/s and 0% CPU.
    const idle = this.#pendingChunks === 0 && cpuTimes.userMs + cpuTimes.sysMs === 0;
    if (options.final && this.#sent > 0 && idle) return;
    const nowMs = performance.now();
    const intervalMs = nowMs - this.#lastSampleMs;
    this.#lastSampleMs = nowMs;
    const cpuPercent = intervalMs > 0 ? (100 * (cpuTimes.userMs + cpuTimes.sysMs)) / intervalMs : 0;
    const pending = this.#pending;
    const histogram = encodeCompressedBase64(pending);
    const p50 = pending.totalCount > 0 ? pending.valueAtPercentile(50) / 1e6 : 0;
    this.#showLive(intervalMs, nowMs);
    const bytes = this.#pendingBytes;
    const chunks = this.#pendingChunks;
    const spanMs = this.#statsToMs - this.#statsFromMs;
    const rateMs = chunks > 0 && spanMs > 0 ? spanMs : intervalMs;
    this.#statsFromMs = this.#statsToMs;
    pending.reset();
    this.#pendingBytes = 0;
    this.#pendingChunks = 0;
    if (usage !== null) {
      this.#outputs.log(
        `sample: ${
          formatSize((bytes * 1000) / Math.max(1, rateMs), { system: "decimal" })
        }/s, ${chunks} chunks (p50 ${p50.toFixed(2)} ms), writer cpu ${
          cpuPercent.toFixed(1)
        }%, rss ${formatSize(usage.rssBytes)}`,
      );
    }
    // No reading of the writer (it was gone before its first) and no writes: nothing measured,
    // and a sample of zeros would show as one in the report.
    if (usage === null && chunks === 0) return;
    this.#sampledBytes += bytes;
    this.#sampledChunks += chunks;
    this.#sent++;
    // Sent, not waited for (records keep their order): a server that hangs must not stop the
    // samples, nor hold the end of the run until it is given up.
    void this.#outputs.record({
      type: "sample",
      cpuPercent,
      ...cpuTimes,
      rssBytes: usage?.rssBytes ?? 0,
      bytesWritten: this.#sampledBytes,
      chunks: this.#sampledChunks,
      intervalMs,
      histogram,
    });
  }

  /** The CPU times over the interval; /proc gives the totals since the writer started. */
  #cpuTimes(usage: ProcessUsage | null): { userMs: number; sysMs: number } {
    // (The fallback reading may be older than the last sample: never count time backwards.)
    const userMs = Math.max(usage?.userMs ?? 0, this.#lastUserMs);
    const sysMs = Math.max(usage?.sysMs ?? 0, this.#lastSysMs);
    const cpuTimes = { userMs: userMs - this.#lastUserMs, sysMs: sysMs - this.#lastSysMs };
    this.#lastUserMs = userMs;
    this.#lastSysMs = sysMs;
    return cpuTimes;
  }

  /** Shows the chunk writes since the last sample as one interval on the live endpoints. */
  #showLive(intervalMs: number, nowMs: number): void {
    const live = this.#outputs.live;
    if (live === null) return;
    const window = new OpWindow("WRITE", { scheduled: false });
    window.ops = this.#pendingChunks;
    window.service.add(this.#pending);
    this.#liveTotal.add(window);
    live.interval({
      windows: [window],
      totals: [this.#liveTotal],
      lengthSec: intervalMs / 1000,
      elapsedSec: (nowMs - this.#startedMs) / 1000,
      atMs: Date.now(),
      users: 1,
      useResponseTime: false,
    });
  }
}
