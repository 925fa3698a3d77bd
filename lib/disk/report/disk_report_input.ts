/**
 * What the report of a `stress disk` run is built from: the run, its clients, events and samples
 * as the run database stores them.
 *
 * @module
 */

import type { SampleFields } from "../protocol/disk_message.ts";

export type { DiskClientConfig, FsyncPolicy, SampleFields } from "../protocol/disk_message.ts";

/** A stored run. */
export interface DiskRunRecord {
  /** The run id. */
  readonly id: number;
  /** When the server started the run (epoch ms). */
  readonly startedAtMs: number;
  /** When the run ended (epoch ms), or null while it runs. */
  readonly endedAtMs: number | null;
  /** `running`, `done`, `idle` or `interrupted`. */
  readonly status: string;
}

/** A stored client of a run. */
export interface DiskClientRecord {
  /** The client id. */
  readonly clientId: string;
  /** The client's host name. */
  readonly host: string;
  /** The client's process id. */
  readonly pid: number;
  /**
   * The configuration from its `hello`, as stored (a {@linkcode DiskClientConfig} in JSON);
   * read defensively, so a missing or odd field shows as unknown.
   */
  readonly config: unknown;
  /** When it connected (server clock, epoch ms). */
  readonly connectedAtMs: number;
  /** When it said `bye`, or null. */
  readonly finishedAtMs: number | null;
  /** `running`, `finished` or `gone`. */
  readonly state: string;
  /** Heartbeats received. */
  readonly heartbeats: number;
  /** When the last heartbeat arrived, or null. */
  readonly lastHeartbeatMs: number | null;
}

/** A stored event; server-made events (`gone`, `disconnected`, `rejected`) have a null seq. */
export interface DiskEventRecord {
  /** The client, or null for run-wide events such as `rejected`. */
  readonly clientId: string | null;
  /** The client's sequence number, or null for server-made events. */
  readonly seq: number | null;
  /** When it happened (epoch ms). */
  readonly atMs: number;
  /** `start`, `stop`, `rollover`, `error`, `log`, `gone`, `disconnected`, `rejected`, ... */
  readonly kind: string;
  /** The event's detail, as stored (any JSON value; read defensively). */
  readonly detail: unknown;
}

/** A stored sample of a client's writer: its {@linkcode SampleFields} and where from. */
export interface DiskSampleRecord extends SampleFields {
  /** The client id. */
  readonly clientId: string;
  /** The client's sequence number. */
  readonly seq: number;
  /** When it was taken (client clock, epoch ms). */
  readonly atMs: number;
}

/** Everything stored about one run: the input of `createDiskReport`. */
export interface DiskReportInput {
  /** The run. */
  readonly run: DiskRunRecord;
  /** Its clients. */
  readonly clients: readonly DiskClientRecord[];
  /** Its events. */
  readonly events: readonly DiskEventRecord[];
  /** Its samples. */
  readonly samples: readonly DiskSampleRecord[];
}
