/**
 * The messages of protocol v1 of `stress disk`: their types, the protocol version and the size
 * limits of a line and of a heartbeat datagram.
 *
 * @module
 */

/** The protocol version every message carries in its `v` field. */
export const DISK_PROTOCOL_VERSION = 1;
/** The longest TCP line accepted, in bytes of UTF-8, without its newline. */
export const MAX_LINE_BYTES = 65536;
/** The longest heartbeat datagram accepted, in bytes. */
export const MAX_HEARTBEAT_BYTES = 512;

/** When the client syncs its writes to the disk. */
export type FsyncPolicy = "chunk" | "file" | "never";
/** Why a client stopped writing. */
export type StopReason = "done" | "disk_full" | "signal" | "error" | "server_lost";
/** What a client's writer is doing, as announced in its heartbeats. */
export type HeartbeatState = "measuring" | "writing" | "stopping";
/** The codes of an `error` message and of a {@linkcode ProtocolProblem}. */
export type ProtocolErrorCode =
  | "bad_message"
  | "too_long"
  | "bad_version"
  | "bad_token"
  | "not_hello";

/** The configuration a client announces in its `hello`. */
export interface DiskClientConfig {
  /** Size of one write, in bytes. */
  readonly chunkBytes: number;
  /** Size at which a data file is rolled over, in bytes. */
  readonly fileBytes: number;
  /** How long the client writes, in milliseconds. */
  readonly runTimeMs: number;
  /** The directory the client writes into. */
  readonly path: string;
  /** When the client syncs its writes. */
  readonly fsync: FsyncPolicy;
  /** The interval between heartbeats, in milliseconds. */
  readonly heartbeatMs: number;
  /** The interval between samples, in milliseconds. */
  readonly statsEveryMs: number;
  /** Stop when less than this many bytes are free, or null. */
  readonly minFreeBytes: number | null;
  /** Stop when less than this percentage of the disk is free, or null. */
  readonly minFreePercent: number | null;
}

/** Client → server: the first message of a connection. */
export interface HelloMessage {
  /** Protocol version. */
  readonly v: 1;
  /** Message type. */
  readonly type: "hello";
  /** The client id: 1 to 128 characters of `A-Z a-z 0-9 . _ : -`. */
  readonly client: string;
  /** The shared token, when the server requires one. */
  readonly token?: string;
  /** The client's host name. */
  readonly host: string;
  /** The client's process id. */
  readonly pid: number;
  /**
   * The key its heartbeats carry (1 to 128 characters of `A-Z a-z 0-9 . _ : -`), when it has
   * one: the server then counts only the heartbeats with this key for this client.
   */
  readonly hbKey?: string;
  /** The client's configuration. */
  readonly config: DiskClientConfig;
}

/** Detail of a `start` event. */
export interface StartDetail {
  /** The write speed measured before the run, in bytes per second. */
  readonly speedBytesPerSec: number;
  /** The number of rollovers expected at that speed. */
  readonly expectedRollovers: number;
}
/** Detail of a `rollover` event. */
export interface RolloverDetail {
  /** The file that was completed. */
  readonly file: string;
  /** The file's number, from 1. */
  readonly index: number;
  /** The file's size, in bytes. */
  readonly bytes: number;
  /** How long the file took to write, in milliseconds. */
  readonly durationMs: number;
}
/** Detail of a `stop` event. */
export interface StopDetail {
  /** Why the client stopped. */
  readonly reason: StopReason;
  /** Bytes written in the run. */
  readonly bytesWritten: number;
  /** Chunks written in the run. */
  readonly chunks: number;
  /** Rollovers in the run. */
  readonly rollovers: number;
  /** How long the writer ran, ms; optional (a v1 field a client may omit). */
  readonly elapsedMs?: number;
}
/** Detail of an `error` or `log` event. */
export interface MessageDetail {
  /** The text. */
  readonly message: string;
}

/** The fields common to every record a client sends (`event`, `sample`, `bye`). */
export interface RecordFields {
  /** Protocol version. */
  readonly v: 1;
  /** Per-client sequence number: 1, 2, 3, ... within a run. */
  readonly seq: number;
  /** The client's clock when the record was made, epoch milliseconds. */
  readonly atMs: number;
}

/** Client → server: an event record; `detail` depends on `kind`. */
export type EventMessage =
  & RecordFields
  & { readonly type: "event" }
  & (
    | { readonly kind: "start"; readonly detail: StartDetail }
    | { readonly kind: "rollover"; readonly detail: RolloverDetail }
    | { readonly kind: "stop"; readonly detail: StopDetail }
    | { readonly kind: "error" | "log"; readonly detail: MessageDetail }
  );

/** The kinds of event a client sends. */
export type EventKind = EventMessage["kind"];

/** What a sample reports of the writer: its CPU, memory and chunk-write latencies. */
export interface SampleFields {
  /** The writer's CPU use over the interval; 100 is one core. */
  readonly cpuPercent: number;
  /** The writer's user CPU time over the interval, in milliseconds. */
  readonly userMs: number;
  /** The writer's system CPU time over the interval, in milliseconds. */
  readonly sysMs: number;
  /** The writer's resident set size, in bytes. */
  readonly rssBytes: number;
  /** Bytes written since the start of the run. */
  readonly bytesWritten: number;
  /** Chunks written since the start of the run. */
  readonly chunks: number;
  /** The length of the interval, in milliseconds. */
  readonly intervalMs: number;
  /** Chunk-write latencies of the interval in nanoseconds, HDR V2 compressed base64. */
  readonly histogram: string;
}

/** Client → server: a sample of the writer's CPU, memory and chunk-write latencies. */
export interface SampleMessage extends RecordFields, SampleFields {
  /** Message type. */
  readonly type: "sample";
}

/** Client → server: the client is done; the server marks it finished. */
export interface ByeMessage extends RecordFields {
  /** Message type. */
  readonly type: "bye";
}

/** Any message a client sends over TCP. */
export type ClientMessage = HelloMessage | EventMessage | SampleMessage | ByeMessage;

/** Server → client: the answer to `hello`. */
export interface WelcomeMessage {
  /** Protocol version. */
  readonly v: 1;
  /** Message type. */
  readonly type: "welcome";
  /** The run id. */
  readonly run: number;
  /** The client id, as received. */
  readonly client: string;
  /** How many heartbeat intervals without a heartbeat make the client gone. */
  readonly heartbeatMisses: number;
}
/** Server → client: the record with this `seq` is committed. */
export interface AckMessage {
  /** Protocol version. */
  readonly v: 1;
  /** Message type. */
  readonly type: "ack";
  /** The acknowledged record's sequence number. */
  readonly seq: number;
}
/** Server → client: a protocol error; the server closes the connection after it. */
export interface ErrorMessage {
  /** Protocol version. */
  readonly v: 1;
  /** Message type. */
  readonly type: "error";
  /** What was wrong. */
  readonly code: ProtocolErrorCode;
  /** One line for people. */
  readonly message: string;
}

/** Any message the server sends over TCP. */
export type ServerMessage = WelcomeMessage | AckMessage | ErrorMessage;

/** A heartbeat datagram, sent over UDP multicast. */
export interface HeartbeatMessage {
  /** Protocol version. */
  readonly v: 1;
  /** Message type. */
  readonly type: "hb";
  /** The client id. */
  readonly client: string;
  /** The heartbeat's sequence number, from 1. */
  readonly seq: number;
  /** The client's clock, epoch milliseconds. */
  readonly atMs: number;
  /** What the writer is doing. */
  readonly state: HeartbeatState;
  /** The `hbKey` of the client's hello, when it sent one. */
  readonly key?: string;
}

/** Any message of the protocol. */
export type DiskMessage = ClientMessage | ServerMessage | HeartbeatMessage;
