/**
 * The report of one client of a `stress disk` run: its types. `_client_report.ts` builds it.
 *
 * @module
 */

/** Latency percentiles in milliseconds, from merged histograms. */
export interface LatencySummaryMs {
  /** The number of chunk writes measured. */
  readonly count: number;
  /** Median. */
  readonly p50: number;
  /** 90th percentile. */
  readonly p90: number;
  /** 99th percentile. */
  readonly p99: number;
  /** 99.9th percentile. */
  readonly p999: number;
  /** Maximum. */
  readonly max: number;
}

/** One rollover of a client. */
export interface DiskRolloverEntry {
  /** When it happened (epoch ms). */
  readonly atMs: number;
  /** The completed file. */
  readonly file: string;
  /** The file's number. */
  readonly index: number;
  /** The file's size (bytes). */
  readonly bytes: number;
  /** How long the file took (ms). */
  readonly durationMs: number;
}

/** One point of a client's CPU and memory series. */
export interface DiskUsagePoint {
  /** When the sample was taken (epoch ms). */
  readonly atMs: number;
  /** Writer CPU over the interval; 100 is one core. */
  readonly cpuPercent: number;
  /** Writer resident set size (bytes). */
  readonly rssBytes: number;
  /** Bytes written by then. */
  readonly bytesWritten: number;
}

/** A client's CPU and memory over time. */
export interface DiskUsage {
  /** The samples, in order. */
  readonly samples: readonly DiskUsagePoint[];
  /** Mean CPU, weighted by interval length, or null without samples. */
  readonly cpuMeanPercent: number | null;
  /** Highest CPU, or null. */
  readonly cpuMaxPercent: number | null;
  /** Mean RSS, or null. */
  readonly rssMeanBytes: number | null;
  /** Highest RSS, or null. */
  readonly rssMaxBytes: number | null;
}

/** A message attached to a client: one of its `error` events or a server-made event. */
export interface DiskNote {
  /** When (epoch ms). */
  readonly atMs: number;
  /** The event kind. */
  readonly kind: string;
  /** The message, or the detail as JSON. */
  readonly message: string;
}

/** The report of one client. */
export interface DiskClientReport {
  /** The client id. */
  readonly clientId: string;
  /** Its host. */
  readonly host: string;
  /** Its process id. */
  readonly pid: number;
  /** Chunk size (bytes), or null when its config lacks it. */
  readonly chunkBytes: number | null;
  /** Configured file size (bytes), or null. */
  readonly fileBytes: number | null;
  /** Fsync policy, or null. */
  readonly fsync: string | null;
  /** Directory written, or null. */
  readonly path: string | null;
  /** Configured run time (ms), or null. */
  readonly runTimeMs: number | null;
  /** `running`, `finished` or `gone`. */
  readonly state: string;
  /**
   * Write speed measured before the run (bytes/s), from its start event, or null (no start, or
   * a probe that wrote nothing: the disk was full).
   */
  readonly measuredBytesPerSec: number | null;
  /** Rollovers it expected, from its start event, or null. */
  readonly expectedRollovers: number | null;
  /** When writing started: its start event, else its connection (epoch ms). */
  readonly startedAtMs: number;
  /** When writing ended: its stop event, else its last record (sample or event), else its last heartbeat, or null. */
  readonly stoppedAtMs: number | null;
  /** Bytes written: from its stop event, else its last sample or its rollovers, the larger. */
  readonly bytesWritten: number;
  /** Chunks written: from the same source as `bytesWritten`. */
  readonly chunks: number;
  /**
   * The time `bytesWritten` was written in, ms, from the same source: the writer's run time
   * (`elapsedMs` of its stop event), else from its start event to its stop event, its last sample
   * or its last rollover (whichever gave the bytes); null when unknown.
   */
  readonly writingMs: number | null;
  /** `bytesWritten` per second of `writingMs`, or null when unknown. */
  readonly throughputBytesPerSec: number | null;
  /** Chunk-write latency from all its samples' histograms merged, or null without any. */
  readonly latencyMs: LatencySummaryMs | null;
  /** Samples whose histogram could not be decoded. */
  readonly badHistograms: number;
  /** Its rollovers. */
  readonly rollovers: { readonly count: number; readonly list: readonly DiskRolloverEntry[] };
  /** CPU and memory of its writer. */
  readonly usage: DiskUsage;
  /** The reason from its stop event, or null when it never sent one. */
  readonly stopReason: string | null;
  /** Set when the client went away: its last heartbeat and when it was marked gone. */
  readonly gone:
    | { readonly lastHeartbeatMs: number | null; readonly goneAtMs: number | null }
    | null;
  /** Heartbeats received. */
  readonly heartbeats: number;
  /** The last heartbeat (epoch ms), or null. */
  readonly lastHeartbeatMs: number | null;
  /** Its error events. */
  readonly errors: readonly DiskNote[];
  /** Server-made events about it (`gone`, `disconnected`, ...). */
  readonly serverEvents: readonly DiskNote[];
}
