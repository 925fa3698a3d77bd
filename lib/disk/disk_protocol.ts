/**
 * Protocol v1 of `stress disk`: newline-delimited JSON over TCP between clients and the
 * server, and JSON heartbeat datagrams over UDP multicast.
 *
 * Every message is one JSON object with `"v": 1` and a `"type"`, on one UTF-8 line of at most
 * {@linkcode MAX_LINE_BYTES} bytes. The parsers here never throw on bad input: they return a
 * {@linkcode ProtocolProblem} that the server sends back as an `error` message before it closes
 * that one connection.
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

/** Client → server: a sample of the writer's CPU, memory and chunk-write latencies. */
export interface SampleMessage extends RecordFields {
  /** Message type. */
  readonly type: "sample";
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
}

/** A line or datagram that is not a valid message. The parsers return it; they never throw. */
export interface ProtocolProblem {
  /** Marks a problem (messages have no `problem` field). */
  readonly problem: true;
  /** The error code to send back. */
  readonly code: ProtocolErrorCode;
  /** One line for the log and the `error` message. */
  readonly message: string;
}

/** Any message of the protocol. */
export type DiskMessage = ClientMessage | ServerMessage | HeartbeatMessage;

const CLIENT_ID = /^[A-Za-z0-9._:-]{1,128}$/;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
const ERROR_CODES: readonly ProtocolErrorCode[] = [
  "bad_message",
  "too_long",
  "bad_version",
  "bad_token",
  "not_hello",
];
const FSYNC: readonly FsyncPolicy[] = ["chunk", "file", "never"];
const STOP_REASONS: readonly StopReason[] = ["done", "disk_full", "signal", "error", "server_lost"];
const HB_STATES: readonly HeartbeatState[] = ["measuring", "writing", "stopping"];
const MAX_TEXT = 4096;

/**
 * Makes a {@linkcode ProtocolProblem}.
 *
 * @param code The error code.
 * @param message One line, in std's error-message style.
 * @returns The problem.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { protocolProblem } from "./disk_protocol.ts";
 * const problem = protocolProblem("not_hello", "Cannot accept message: expected hello first");
 * assert.equal(problem.problem, true);
 * assert.equal(problem.code, "not_hello");
 * ```
 */
export function protocolProblem(code: ProtocolErrorCode, message: string): ProtocolProblem {
  return { problem: true, code, message };
}

/**
 * Tells a problem from a message.
 *
 * @param value A parse result.
 * @returns True when the value is a {@linkcode ProtocolProblem}.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { isProtocolProblem, parseClientMessage } from "./disk_protocol.ts";
 * assert.equal(isProtocolProblem(parseClientMessage("nonsense")), true);
 * assert.equal(isProtocolProblem(parseClientMessage('{"v":1,"type":"bye","seq":1,"atMs":5}')), false);
 * ```
 */
export function isProtocolProblem(value: unknown): value is ProtocolProblem {
  return typeof value === "object" && value !== null &&
    (value as { problem?: unknown }).problem === true;
}

/** Thrown inside the validators and turned into a problem; never escapes this module. */
class Invalid {
  constructor(readonly code: ProtocolErrorCode, readonly message: string) {}
}

type Json = Record<string, unknown>;

function bad(message: string): Invalid {
  return new Invalid("bad_message", `Cannot accept message: ${message}`);
}

function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function fieldName(path: string, key: string): string {
  return path === "" ? key : `${path}.${key}`;
}

function obj(source: Json, key: string, path = ""): Json {
  const value = source[key];
  if (!isObject(value)) throw bad(`field "${fieldName(path, key)}" is not an object`);
  return value;
}

function str(source: Json, key: string, path = "", maxLength = MAX_TEXT): string {
  const value = source[key];
  if (typeof value !== "string") throw bad(`field "${fieldName(path, key)}" is not a string`);
  if (value.length > maxLength) {
    throw bad(`field "${fieldName(path, key)}" is longer than ${maxLength} characters`);
  }
  return value;
}

function nonEmpty(source: Json, key: string, path = "", maxLength = MAX_TEXT): string {
  const value = str(source, key, path, maxLength);
  if (value.length === 0) throw bad(`field "${fieldName(path, key)}" is empty`);
  return value;
}

/** A finite number >= min (and an integer when `integer`; integers must be safe). */
function num(
  source: Json,
  key: string,
  options: { path?: string; min: number; integer: boolean; max?: number },
): number {
  const value = source[key];
  const name = fieldName(options.path ?? "", key);
  if (typeof value !== "number" || !Number.isFinite(value)) {
    throw bad(`field "${name}" is not a finite number`);
  }
  if (options.integer && !Number.isSafeInteger(value)) {
    throw bad(`field "${name}" is not a safe integer`);
  }
  if (value < options.min || (options.max !== undefined && value > options.max)) {
    const range = options.max === undefined
      ? `at least ${options.min}`
      : `${options.min} to ${options.max}`;
    throw bad(`field "${name}" is "${value}", expected ${range}`);
  }
  return value;
}

function count(source: Json, key: string, path = ""): number {
  return num(source, key, { path, min: 0, integer: true });
}

function positiveInteger(source: Json, key: string, path = ""): number {
  return num(source, key, { path, min: 1, integer: true });
}

function nonNegative(source: Json, key: string, path = ""): number {
  return num(source, key, { path, min: 0, integer: false });
}

function oneOf<T extends string>(source: Json, key: string, values: readonly T[], path = ""): T {
  const value = source[key];
  if (typeof value !== "string" || !(values as readonly string[]).includes(value)) {
    throw bad(`field "${fieldName(path, key)}" is not one of ${values.join(", ")}`);
  }
  return value as T;
}

function clientId(source: Json, key: string): string {
  const value = source[key];
  if (typeof value !== "string" || !CLIENT_ID.test(value)) {
    throw bad(`field "${key}" is not 1 to 128 characters of A-Z a-z 0-9 . _ : -`);
  }
  return value;
}

function nullable<T>(source: Json, key: string, read: () => T): T | null {
  return source[key] === null ? null : read();
}

function readConfig(source: Json): DiskClientConfig {
  const path = "config";
  const config = obj(source, "config");
  return {
    chunkBytes: positiveInteger(config, "chunkBytes", path),
    fileBytes: positiveInteger(config, "fileBytes", path),
    runTimeMs: positiveInteger(config, "runTimeMs", path),
    path: nonEmpty(config, "path", path),
    fsync: oneOf(config, "fsync", FSYNC, path),
    heartbeatMs: positiveInteger(config, "heartbeatMs", path),
    statsEveryMs: positiveInteger(config, "statsEveryMs", path),
    minFreeBytes: nullable(config, "minFreeBytes", () => count(config, "minFreeBytes", path)),
    minFreePercent: nullable(
      config,
      "minFreePercent",
      () => num(config, "minFreePercent", { path, min: 0, max: 100, integer: false }),
    ),
  };
}

function readHello(source: Json): HelloMessage {
  const client = clientId(source, "client");
  const token = source.token === undefined ? undefined : str(source, "token", "", 1024);
  const host = nonEmpty(source, "host", "", 255);
  const pid = count(source, "pid");
  const config = readConfig(source);
  return token === undefined
    ? { v: 1, type: "hello", client, host, pid, config }
    : { v: 1, type: "hello", client, token, host, pid, config };
}

function readEvent(source: Json, seq: number, atMs: number): EventMessage {
  const detail = obj(source, "detail");
  const path = "detail";
  const kind = oneOf(source, "kind", ["start", "stop", "rollover", "error", "log"] as const);
  switch (kind) {
    case "start":
      return {
        v: 1,
        type: "event",
        seq,
        atMs,
        kind,
        detail: {
          speedBytesPerSec: nonNegative(detail, "speedBytesPerSec", path),
          expectedRollovers: count(detail, "expectedRollovers", path),
        },
      };
    case "rollover":
      return {
        v: 1,
        type: "event",
        seq,
        atMs,
        kind,
        detail: {
          file: nonEmpty(detail, "file", path),
          index: positiveInteger(detail, "index", path),
          bytes: count(detail, "bytes", path),
          durationMs: nonNegative(detail, "durationMs", path),
        },
      };
    case "stop":
      return {
        v: 1,
        type: "event",
        seq,
        atMs,
        kind,
        detail: {
          reason: oneOf(detail, "reason", STOP_REASONS, path),
          bytesWritten: count(detail, "bytesWritten", path),
          chunks: count(detail, "chunks", path),
          rollovers: count(detail, "rollovers", path),
          ...(detail.elapsedMs === undefined
            ? {}
            : { elapsedMs: nonNegative(detail, "elapsedMs", path) }),
        },
      };
    default:
      return {
        v: 1,
        type: "event",
        seq,
        atMs,
        kind,
        detail: { message: str(detail, "message", path) },
      };
  }
}

function readSample(source: Json, seq: number, atMs: number): SampleMessage {
  const histogram = nonEmpty(source, "histogram", "", MAX_LINE_BYTES);
  if (!BASE64.test(histogram)) throw bad(`field "histogram" is not base64`);
  return {
    v: 1,
    type: "sample",
    seq,
    atMs,
    cpuPercent: nonNegative(source, "cpuPercent"),
    userMs: nonNegative(source, "userMs"),
    sysMs: nonNegative(source, "sysMs"),
    rssBytes: count(source, "rssBytes"),
    bytesWritten: count(source, "bytesWritten"),
    chunks: count(source, "chunks"),
    intervalMs: nonNegative(source, "intervalMs"),
    histogram,
  };
}

/** Parses JSON text into an object with `v: 1` and a string `type`, or throws Invalid. */
function envelope(text: string): Json & { type: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw bad("line is not valid JSON");
  }
  if (!isObject(value)) throw bad("line is not a JSON object");
  if (value.v !== DISK_PROTOCOL_VERSION) {
    return invalidVersion(value.v);
  }
  if (typeof value.type !== "string") throw bad(`field "type" is not a string`);
  return value as Json & { type: string };
}

function invalidVersion(v: unknown): never {
  const shown = typeof v === "string" || typeof v === "number" ? String(v) : typeof v;
  throw new Invalid(
    "bad_version",
    `Cannot accept message: version "${shown.slice(0, 32)}" is not supported, expected 1`,
  );
}

function guard<T>(read: () => T): T | ProtocolProblem {
  try {
    return read();
  } catch (error) {
    if (error instanceof Invalid) return protocolProblem(error.code, error.message);
    throw error;
  }
}

function unknownType(type: string): never {
  throw bad(`type "${type.slice(0, 32)}" is unknown, expected one of the protocol v1 types`);
}

/**
 * Parses and validates one line a client sent (`hello`, `event`, `sample` or `bye`). Only
 * the known fields are kept. Never throws on bad input.
 *
 * @param line One line, without or with its newline.
 * @returns The message, or a {@linkcode ProtocolProblem} (`bad_message` or `bad_version`).
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { isProtocolProblem, parseClientMessage } from "./disk_protocol.ts";
 * assert.deepEqual(parseClientMessage('{"v":1,"type":"bye","seq":3,"atMs":1000}'), {
 *   v: 1,
 *   type: "bye",
 *   seq: 3,
 *   atMs: 1000,
 * });
 * const problem = parseClientMessage('{"v":2,"type":"bye"}');
 * assert.ok(isProtocolProblem(problem));
 * assert.equal(problem.code, "bad_version");
 * ```
 */
export function parseClientMessage(line: string): ClientMessage | ProtocolProblem {
  return guard((): ClientMessage => {
    const source = envelope(line);
    if (source.type === "hello") return readHello(source);
    if (source.type !== "event" && source.type !== "sample" && source.type !== "bye") {
      return unknownType(source.type);
    }
    const seq = positiveInteger(source, "seq");
    const atMs = nonNegative(source, "atMs");
    if (source.type === "event") return readEvent(source, seq, atMs);
    if (source.type === "sample") return readSample(source, seq, atMs);
    return { v: 1, type: "bye", seq, atMs };
  });
}

/**
 * Parses and validates one line the server sent (`welcome`, `ack` or `error`), on the client
 * side. Never throws on bad input.
 *
 * @param line One line, without or with its newline.
 * @returns The message, or a {@linkcode ProtocolProblem}.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { isProtocolProblem, parseServerMessage } from "./disk_protocol.ts";
 * assert.deepEqual(parseServerMessage('{"v":1,"type":"ack","seq":7}'), { v: 1, type: "ack", seq: 7 });
 * assert.ok(isProtocolProblem(parseServerMessage('{"v":1,"type":"ack","seq":0}')));
 * ```
 */
export function parseServerMessage(line: string): ServerMessage | ProtocolProblem {
  return guard((): ServerMessage => {
    const source = envelope(line);
    switch (source.type) {
      case "welcome":
        return {
          v: 1,
          type: "welcome",
          run: positiveInteger(source, "run"),
          client: clientId(source, "client"),
          heartbeatMisses: positiveInteger(source, "heartbeatMisses"),
        };
      case "ack":
        return { v: 1, type: "ack", seq: positiveInteger(source, "seq") };
      case "error":
        return {
          v: 1,
          type: "error",
          code: oneOf(source, "code", ERROR_CODES),
          message: str(source, "message"),
        };
      default:
        return unknownType(source.type);
    }
  });
}

const DECODER = new TextDecoder("utf-8", { fatal: true });
const ENCODER = new TextEncoder();

/**
 * Parses and validates one heartbeat datagram. Never throws on bad input.
 *
 * @param data The datagram, as bytes or already decoded text.
 * @returns The heartbeat, or a {@linkcode ProtocolProblem} (`too_long` over
 * {@linkcode MAX_HEARTBEAT_BYTES} bytes, `bad_version`, `bad_message`).
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { isProtocolProblem, parseHeartbeat } from "./disk_protocol.ts";
 * const text = '{"v":1,"type":"hb","client":"c1","seq":4,"atMs":20000,"state":"writing"}';
 * assert.deepEqual(parseHeartbeat(text), {
 *   v: 1,
 *   type: "hb",
 *   client: "c1",
 *   seq: 4,
 *   atMs: 20000,
 *   state: "writing",
 * });
 * assert.ok(!isProtocolProblem(parseHeartbeat(new TextEncoder().encode(text))));
 * assert.ok(isProtocolProblem(parseHeartbeat("x".repeat(600))));
 * ```
 */
export function parseHeartbeat(data: string | Uint8Array): HeartbeatMessage | ProtocolProblem {
  return guard((): HeartbeatMessage => {
    const bytes = typeof data === "string" ? ENCODER.encode(data) : data;
    if (bytes.length > MAX_HEARTBEAT_BYTES) {
      throw new Invalid(
        "too_long",
        `Cannot accept heartbeat: it is ${bytes.length} bytes, expected at most ${MAX_HEARTBEAT_BYTES}`,
      );
    }
    let text: string;
    if (typeof data === "string") {
      text = data;
    } else {
      try {
        text = DECODER.decode(data);
      } catch {
        throw bad("heartbeat is not valid UTF-8");
      }
    }
    const source = envelope(text);
    if (source.type !== "hb") return unknownType(source.type);
    return {
      v: 1,
      type: "hb",
      client: clientId(source, "client"),
      seq: positiveInteger(source, "seq"),
      atMs: nonNegative(source, "atMs"),
      state: oneOf(source, "state", HB_STATES),
    };
  });
}

/**
 * Encodes a message as one line: JSON followed by a newline.
 *
 * @param message The message.
 * @returns The line, ending in `\n`.
 * @throws {RangeError} When the line would be longer than {@linkcode MAX_LINE_BYTES} bytes
 * (the server would refuse it); callers keep texts such as log messages short.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { encodeMessage, parseServerMessage } from "./disk_protocol.ts";
 * const line = encodeMessage({ v: 1, type: "ack", seq: 2 });
 * assert.equal(line, '{"v":1,"type":"ack","seq":2}\n');
 * assert.deepEqual(parseServerMessage(line), { v: 1, type: "ack", seq: 2 });
 * ```
 */
export function encodeMessage(message: DiskMessage): string {
  const json = JSON.stringify(message);
  // Quick bound first: UTF-8 needs at most 3 bytes per UTF-16 unit.
  if (json.length * 3 > MAX_LINE_BYTES && ENCODER.encode(json).length > MAX_LINE_BYTES) {
    throw new RangeError(
      `Cannot encode message: it is longer than ${MAX_LINE_BYTES} bytes, expected at most that`,
    );
  }
  return `${json}\n`;
}

/** The result of {@linkcode LineSplitter.push}. */
export interface SplitResult {
  /** The complete lines found, in order, without their newlines (empty lines are skipped). */
  readonly lines: string[];
  /** The problem that ended the input, or null. Lines after it are not returned. */
  readonly problem: ProtocolProblem | null;
}

const NEWLINE = 0x0a;

/**
 * Splits a TCP byte stream into UTF-8 lines of at most {@linkcode MAX_LINE_BYTES} bytes.
 *
 * A line over the limit (detected as soon as the buffered bytes exceed it, so memory stays
 * bounded) or one that is not valid UTF-8 yields one problem (`too_long` or `bad_message`);
 * the splitter is then closed and returns nothing more, and the server closes the connection.
 * A trailing `\r` is left in the line (JSON parsing ignores it).
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { LineSplitter } from "./disk_protocol.ts";
 * const splitter = new LineSplitter();
 * const bytes = new TextEncoder().encode('{"a":1}\n{"b"');
 * assert.deepEqual(splitter.push(bytes), { lines: ['{"a":1}'], problem: null });
 * assert.deepEqual(splitter.push(new TextEncoder().encode(":2}\n")), {
 *   lines: ['{"b":2}'],
 *   problem: null,
 * });
 * ```
 */
export class LineSplitter {
  #pending: Uint8Array[] = [];
  #pendingBytes = 0;
  #closed = false;
  #maxLineBytes: number;

  /**
   * Creates a splitter.
   *
   * @param options The longest line accepted, in bytes (default {@linkcode MAX_LINE_BYTES}).
   *
   * @example Usage
   * ```ts
   * import assert from "node:assert/strict";
   * import { LineSplitter } from "./disk_protocol.ts";
   * const splitter = new LineSplitter({ maxLineBytes: 4 });
   * assert.equal(splitter.push(new TextEncoder().encode("12345")).problem?.code, "too_long");
   * assert.equal(splitter.closed, true);
   * ```
   */
  constructor(options: { maxLineBytes?: number } = {}) {
    this.#maxLineBytes = options.maxLineBytes ?? MAX_LINE_BYTES;
  }

  /**
   * True once a problem was returned; later input is ignored.
   *
   * @returns Whether the splitter is closed.
   *
   * @example Usage
   * ```ts
   * import assert from "node:assert/strict";
   * import { LineSplitter } from "./disk_protocol.ts";
   * const splitter = new LineSplitter();
   * splitter.push(new Uint8Array([0xff, 0x0a]));
   * assert.equal(splitter.closed, true);
   * ```
   */
  get closed(): boolean {
    return this.#closed;
  }

  /**
   * The number of bytes of an incomplete line held.
   *
   * @returns The buffered byte count.
   *
   * @example Usage
   * ```ts
   * import assert from "node:assert/strict";
   * import { LineSplitter } from "./disk_protocol.ts";
   * const splitter = new LineSplitter();
   * splitter.push(new TextEncoder().encode("abc"));
   * assert.equal(splitter.bufferedBytes, 3);
   * ```
   */
  get bufferedBytes(): number {
    return this.#pendingBytes;
  }

  /**
   * Adds bytes received and returns the lines they complete.
   *
   * @param bytes The bytes received (not kept: they are copied when part of a line is held).
   * @returns The complete lines and the problem that closed the splitter, if any.
   *
   * @example Usage
   * ```ts
   * import assert from "node:assert/strict";
   * import { LineSplitter } from "./disk_protocol.ts";
   * const splitter = new LineSplitter();
   * const result = splitter.push(new TextEncoder().encode("a\n\nb\n"));
   * assert.deepEqual(result.lines, ["a", "b"]);
   * ```
   */
  push(bytes: Uint8Array): SplitResult {
    const lines: string[] = [];
    if (this.#closed) return { lines, problem: null };
    let start = 0;
    while (start <= bytes.length) {
      const end = bytes.indexOf(NEWLINE, start);
      if (end === -1) break;
      const lineBytes = this.#pendingBytes + (end - start);
      if (lineBytes > this.#maxLineBytes) return this.#fail(lines, this.#tooLong());
      const line = this.#decode(bytes.subarray(start, end));
      if (line === null) {
        return this.#fail(
          lines,
          protocolProblem("bad_message", "Cannot accept message: line is not valid UTF-8"),
        );
      }
      if (line.length > 0) lines.push(line);
      start = end + 1;
    }
    if (start < bytes.length) {
      this.#pendingBytes += bytes.length - start;
      if (this.#pendingBytes > this.#maxLineBytes) return this.#fail(lines, this.#tooLong());
      this.#pending.push(bytes.slice(start));
    }
    return { lines, problem: null };
  }

  /**
   * Ends the input (the peer closed the connection).
   *
   * @returns A `bad_message` problem when an incomplete line was held, else null.
   *
   * @example Usage
   * ```ts
   * import assert from "node:assert/strict";
   * import { LineSplitter } from "./disk_protocol.ts";
   * const splitter = new LineSplitter();
   * splitter.push(new TextEncoder().encode('{"v":1,'));
   * assert.equal(splitter.end()?.code, "bad_message");
   * ```
   */
  end(): ProtocolProblem | null {
    const held = this.#pendingBytes;
    const wasClosed = this.#closed;
    this.#pending = [];
    this.#pendingBytes = 0;
    this.#closed = true;
    if (wasClosed || held === 0) return null;
    return protocolProblem(
      "bad_message",
      `Cannot accept message: connection closed in the middle of a line (${held} bytes)`,
    );
  }

  #tooLong(): ProtocolProblem {
    return protocolProblem(
      "too_long",
      `Cannot accept message: line is longer than ${this.#maxLineBytes} bytes, expected at most that`,
    );
  }

  #fail(lines: string[], problem: ProtocolProblem): SplitResult {
    this.#closed = true;
    this.#pending = [];
    this.#pendingBytes = 0;
    return { lines, problem };
  }

  /** Decodes the held bytes plus `tail` as one line and clears the held bytes; null if invalid. */
  #decode(tail: Uint8Array): string | null {
    let bytes = tail;
    if (this.#pending.length > 0) {
      bytes = new Uint8Array(this.#pendingBytes + tail.length);
      let offset = 0;
      for (const part of this.#pending) {
        bytes.set(part, offset);
        offset += part.length;
      }
      bytes.set(tail, offset);
      this.#pending = [];
      this.#pendingBytes = 0;
    }
    try {
      return DECODER.decode(bytes);
    } catch {
      return null;
    }
  }
}
