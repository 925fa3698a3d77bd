/**
 * Parses the lines a client sends over TCP (`hello`, `event`, `sample`, `bye`), on the server
 * side.
 *
 * @module
 */

import {
  type ClientMessage,
  type DiskClientConfig,
  type EventMessage,
  type FsyncPolicy,
  type HelloMessage,
  MAX_LINE_BYTES,
  type SampleMessage,
  type StopReason,
} from "./disk_message.ts";
import type { ProtocolProblem } from "./protocol_problem.ts";
import {
  bad,
  clientId,
  count,
  Invalid,
  type Json,
  nonEmpty,
  nonNegative,
  nullable,
  num,
  obj,
  oneOf,
  positiveInteger,
  str,
} from "./_json_fields.ts";
import { envelope, guard, unknownType } from "./_envelope.ts";

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
const FSYNC: readonly FsyncPolicy[] = ["chunk", "file", "never"];
const STOP_REASONS: readonly StopReason[] = ["done", "disk_full", "signal", "error", "server_lost"];

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
  const hbKey = source.hbKey === undefined ? {} : { hbKey: clientId(source, "hbKey") };
  const config = readConfig(source);
  return token === undefined
    ? { v: 1, type: "hello", client, host, pid, ...hbKey, config }
    : { v: 1, type: "hello", client, token, host, pid, ...hbKey, config };
}

function readEvent(source: Json, seq: number, atMs: number): EventMessage {
  const detail = obj(source, "detail");
  const path = "detail";
  const kind = oneOf(source, "kind", ["start", "stop", "rollover", "error", "log"] as const);
  const base = { v: 1, type: "event", seq, atMs } as const;
  switch (kind) {
    case "start":
      return {
        ...base,
        kind,
        detail: {
          speedBytesPerSec: nonNegative(detail, "speedBytesPerSec", path),
          expectedRollovers: count(detail, "expectedRollovers", path),
        },
      };
    case "rollover":
      return {
        ...base,
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
        ...base,
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
      return { ...base, kind, detail: { message: str(detail, "message", path) } };
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
 * import { isProtocolProblem } from "./protocol_problem.ts";
 * import { parseClientMessage } from "./parse_client_message.ts";
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
 * Parses the first line of a connection, which must be a `hello`: a line that is JSON with
 * `"v": 1` and a string `type` other than `hello` is `not_hello`, whatever its other fields (the
 * type is checked before them). Never throws on bad input.
 *
 * @param line One line, without or with its newline.
 * @returns The hello, or a {@linkcode ProtocolProblem} (`bad_message`, `bad_version` or
 * `not_hello`).
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { isProtocolProblem } from "./protocol_problem.ts";
 * import { parseHelloMessage } from "./parse_client_message.ts";
 * const problem = parseHelloMessage('{"v":1,"type":"event","seq":1}');
 * assert.ok(isProtocolProblem(problem));
 * assert.equal(problem.code, "not_hello");
 * assert.ok(isProtocolProblem(parseHelloMessage("{")));
 * ```
 */
export function parseHelloMessage(line: string): HelloMessage | ProtocolProblem {
  return guard((): HelloMessage => {
    const source = envelope(line);
    if (source.type !== "hello") {
      throw new Invalid(
        "not_hello",
        `Cannot accept message: type "${
          source.type.slice(0, 32)
        }" came first, expected a hello as the first message`,
      );
    }
    return readHello(source);
  });
}
