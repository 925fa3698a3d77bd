/**
 * Private helper of {@linkcode NativeConnection}: the check of its open options, protocol
 * version negotiation (v5, then v4 when the node refuses it, as drivers do) and the handshake of
 * one attempt: OPTIONS when LZ4 compression is asked for (a node that does not list `lz4` in its
 * SUPPORTED `COMPRESSION` fails the open: no silent fallback to uncompressed frames), STARTUP,
 * SASL PLAIN authentication, `USE keyspace`.
 *
 * @module
 */

import { plainAuthToken } from "../native/handshake_requests.ts";
import {
  NativeConnectionError,
  NativeResponseError,
  NativeTimeoutError,
} from "../native/native_errors.ts";
import { ERROR_CODE, OPCODE } from "../../protocol/protocol_codes.ts";
import { REQUEST_KIND } from "./_native_requests.ts";

/** The node refused the protocol version of the STARTUP: try a lower one. */
export class VersionRefusedError extends NativeConnectionError {
  /**
   * Creates the error.
   *
   * @param host `host:port`.
   * @param version The version refused.
   * @param reason The node's words.
   */
  constructor(host: string, version: number, reason: string) {
    super(`Cannot connect to ${host}: it refuses protocol v${version}: ${reason}`);
    this.name = "NativeConnectionError";
  }
}

/** What the connection answers a STARTUP with. */
export interface StartupAnswer {
  /** READY, AUTHENTICATE or ERROR. */
  readonly opcode: number;
  /** The version of the answer's header. */
  readonly version: number;
  /** AUTHENTICATE: the authenticator class. */
  readonly authenticator?: string;
  /** ERROR: the error. */
  readonly error?: NativeResponseError;
}

/** How the handshake talks through the connection. */
export interface HandshakeChannel {
  /** `host:port`. */
  readonly host: string;
  /** The version of this attempt. */
  readonly version: number;
  /** Sends a STARTUP or AUTH_RESPONSE and resolves with its answer. */
  request(kind: number, subject: unknown, timeoutMs: number): Promise<unknown>;
  /** Runs a statement text. */
  query(cql: string, timeoutMs: number): Promise<unknown>;
}

/** What the handshake needs besides the channel. */
export interface HandshakeOptions {
  /** Credentials, or null. */
  readonly credentials: { readonly user: string; readonly password: string } | null;
  /** The keyspace to use, or null. */
  readonly keyspace: string | null;
  /** When opening must be over (ms since the epoch). */
  readonly deadlineMs: number;
  /** The frame compression STARTUP asks for. */
  readonly compression: "none" | "lz4";
}

/**
 * What is wrong with the options of `NativeConnection.open`, or null: `maxInFlight` out of
 * 1..32768, or a compression other than `none` and `lz4` (snappy is not supported on this path).
 *
 * @param options The options.
 * @returns The error to reject the open with, or null.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { openOptionsError } from "./_native_handshake.ts";
 * assert.equal(openOptionsError({ maxInFlight: 64, compression: "lz4" }), null);
 * assert.match(openOptionsError({ compression: "snappy" })!.message, /snappy/);
 * ```
 */
export function openOptionsError(
  options: { readonly maxInFlight?: number; readonly compression?: string },
): RangeError | null {
  const maxInFlight = options.maxInFlight ?? 2048;
  if (!Number.isInteger(maxInFlight) || maxInFlight < 1 || maxInFlight > 32768) {
    return new RangeError(`Cannot open with maxInFlight ${maxInFlight}: expected 1..32768`);
  }
  const compression = options.compression ?? "none";
  if (compression !== "none" && compression !== "lz4") {
    return new RangeError(
      `Cannot open with compression ${compression}: expected none or lz4 (the native path does not support ${compression})`,
    );
  }
  return null;
}

const MAX_AUTH_ROUNDS = 8;

function remainingMs(deadlineMs: number): number {
  return Math.max(1, deadlineMs - Date.now());
}

async function authenticate(
  channel: HandshakeChannel,
  authenticator: string,
  options: HandshakeOptions,
): Promise<void> {
  if (options.credentials === null) {
    throw new NativeConnectionError(
      `Cannot connect to ${channel.host}: it requires authentication (${authenticator}) and no credentials were given`,
    );
  }
  const token = plainAuthToken(options.credentials.user, options.credentials.password);
  for (let round = 0; round < MAX_AUTH_ROUNDS; round++) {
    const answer = await channel.request(
      REQUEST_KIND.auth,
      token,
      remainingMs(options.deadlineMs),
    ) as { opcode: number };
    if (answer.opcode === OPCODE.authSuccess) return;
  }
  throw new NativeConnectionError(
    `Cannot connect to ${channel.host}: authentication did not end after ${MAX_AUTH_ROUNDS} rounds`,
  );
}

/**
 * Runs OPTIONS (to check for lz4 when asked), STARTUP, authentication and `USE` on a fresh
 * connection.
 *
 * @param channel The connection.
 * @param options Credentials, keyspace, deadline, compression.
 * @throws {VersionRefusedError} When the node answers in another version or with a protocol error.
 * @throws {NativeConnectionError} When credentials are needed and missing, or lz4 is asked for
 *   and the node does not support it.
 * @throws {NativeResponseError} When the node refuses the credentials or the keyspace.
 *
 * @example Usage
 * ```ts ignore
 * await runHandshake(channel, {
 *   credentials: null,
 *   keyspace: null,
 *   deadlineMs: Date.now() + 5000,
 *   compression: "none",
 * });
 * ```
 */
export async function runHandshake(
  channel: HandshakeChannel,
  options: HandshakeOptions,
): Promise<void> {
  try {
    await handshake(channel, options);
  } catch (error) {
    if (error instanceof NativeResponseError) throw error;
    const message = (error as Error).message;
    if (error instanceof NativeConnectionError && message.startsWith("Cannot connect")) throw error;
    const reason = error instanceof NativeTimeoutError
      ? "the handshake did not finish in time"
      : message;
    throw new NativeConnectionError(`Cannot connect to ${channel.host}: ${reason}`, {
      cause: error,
    });
  }
}

/** Asks the node which compressions it supports (OPTIONS); throws unless lz4 is one. */
async function requireLz4(channel: HandshakeChannel, deadlineMs: number): Promise<void> {
  let supported: Record<string, string[]>;
  try {
    supported = await channel.request(
      REQUEST_KIND.options,
      null,
      remainingMs(deadlineMs),
    ) as Record<
      string,
      string[]
    >;
  } catch (error) {
    if (error instanceof NativeResponseError && error.code === ERROR_CODE.protocolError) {
      throw new VersionRefusedError(channel.host, channel.version, error.message);
    }
    throw error;
  }
  const offered = supported.COMPRESSION ?? [];
  if (!offered.some((name) => name.toLowerCase() === "lz4")) {
    throw new NativeConnectionError(
      `Cannot connect to ${channel.host} with lz4 compression: the node does not support it (it supports ${
        offered.length === 0 ? "no compression" : offered.join(", ")
      })`,
    );
  }
}

async function handshake(channel: HandshakeChannel, options: HandshakeOptions): Promise<void> {
  const lz4 = options.compression === "lz4";
  if (lz4) await requireLz4(channel, options.deadlineMs);
  const answer = await channel.request(
    REQUEST_KIND.startup,
    lz4 ? { cqlVersion: "3.0.0", compression: "lz4" } : { cqlVersion: "3.0.0" },
    remainingMs(options.deadlineMs),
  ) as StartupAnswer;
  if (answer.error !== undefined) {
    if (answer.error.code === ERROR_CODE.protocolError || answer.version !== channel.version) {
      throw new VersionRefusedError(channel.host, channel.version, answer.error.message);
    }
    throw answer.error;
  }
  if (answer.version !== channel.version) {
    throw new VersionRefusedError(
      channel.host,
      channel.version,
      `it answered in v${answer.version}`,
    );
  }
  if (answer.opcode === OPCODE.authenticate) {
    await authenticate(channel, answer.authenticator ?? "", options);
  } else if (answer.opcode !== OPCODE.ready) {
    throw new NativeConnectionError(
      `Cannot connect to ${channel.host}: STARTUP answered with opcode 0x${
        answer.opcode.toString(16)
      }`,
    );
  }
  if (options.keyspace !== null) {
    await channel.query(
      `USE "${options.keyspace.replaceAll('"', '""')}"`,
      remainingMs(options.deadlineMs),
    );
  }
}

/**
 * Opens with the highest version the node takes: from `maxProtocolVersion` (5 by default) down
 * to 4 (to 3 only when 3 is the maximum asked), a fresh attempt each time the node refuses one.
 *
 * @typeParam T The connection.
 * @param options The highest version and the connect timeout.
 * @param attempt Opens and handshakes at a version, before a deadline (ms since the epoch).
 * @returns The connection of the first attempt that succeeds.
 * @throws {NativeConnectionError} What the last attempt threw.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { negotiate, VersionRefusedError } from "./_native_handshake.ts";
 * const tried: number[] = [];
 * const version = await negotiate({ maxProtocolVersion: 5 }, (v) => {
 *   tried.push(v);
 *   if (v === 5) return Promise.reject(new VersionRefusedError("h:1", 5, "no"));
 *   return Promise.resolve(v);
 * });
 * assert.equal(version, 4);
 * assert.deepEqual(tried, [5, 4]);
 * ```
 */
export async function negotiate<T>(
  options: { readonly maxProtocolVersion?: number; readonly connectTimeoutMs?: number },
  attempt: (version: number, deadlineMs: number) => Promise<T>,
): Promise<T> {
  const deadlineMs = Date.now() + (options.connectTimeoutMs ?? 5000);
  const max = options.maxProtocolVersion ?? 5;
  if (max !== 3 && max !== 4 && max !== 5) {
    throw new RangeError(`Cannot open a connection at protocol v${max}: expected 3, 4 or 5`);
  }
  const min = max === 3 ? 3 : 4;
  for (let version = max;; version--) {
    try {
      return await attempt(version, deadlineMs);
    } catch (error) {
      if (!(error instanceof VersionRefusedError) || version <= min) throw error;
    }
  }
}
