/**
 * Protocol v1 of `stress disk`: newline-delimited JSON over TCP between clients and the
 * server, and JSON heartbeat datagrams over UDP multicast.
 *
 * Every message is one JSON object with `"v": 1` and a `"type"`, on one UTF-8 line of at most
 * {@linkcode MAX_LINE_BYTES} bytes. The parsers here never throw on bad input: they return a
 * {@linkcode ProtocolProblem} that the server sends back as an `error` message before it closes
 * that one connection.
 *
 * This module gathers the parts in `protocol/`: the message types
 * (`protocol/disk_message.ts`), the problem type, the three parsers, the encoder and the line
 * splitter.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { encodeMessage, parseServerMessage } from "./disk_protocol.ts";
 * const line = encodeMessage({ v: 1, type: "ack", seq: 2 });
 * assert.deepEqual(parseServerMessage(line), { v: 1, type: "ack", seq: 2 });
 * ```
 *
 * @module
 */

export * from "./protocol/disk_message.ts";
export * from "./protocol/protocol_problem.ts";
export * from "./protocol/parse_client_message.ts";
export * from "./protocol/parse_server_message.ts";
export * from "./protocol/parse_heartbeat.ts";
export * from "./protocol/encode_message.ts";
export * from "./protocol/line_splitter.ts";
