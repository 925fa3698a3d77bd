/**
 * The requests of a connection's handshake: STARTUP, OPTIONS and AUTH_RESPONSE (with the SASL
 * PLAIN token PasswordAuthenticator expects).
 *
 * @module
 */

import type { FrameBuffer } from "./frame_buffer.ts";
import { OPCODE } from "../../protocol/protocol_codes.ts";

/** What STARTUP asks for. */
export interface StartupOptions {
  /**
   * The CQL version (`CQL_VERSION`, mandatory in the protocol).
   *
   * @default {"3.0.0"}
   */
  readonly cqlVersion?: string;
  /**
   * The frame compression (`COMPRESSION`), e.g. `lz4`; none when absent.
   *
   * @default {undefined}
   */
  readonly compression?: string;
  /**
   * `DRIVER_NAME`, shown by `nodetool clientstats`; not sent when absent.
   *
   * @default {undefined}
   */
  readonly driverName?: string;
}

/**
 * Writes a STARTUP frame: a [string map] of `CQL_VERSION` and the optional `COMPRESSION` and
 * `DRIVER_NAME`.
 *
 * @param out The buffer.
 * @param version The protocol version.
 * @param stream The stream id.
 * @param options What to ask for.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { FrameBuffer } from "./frame_buffer.ts";
 * import { writeStartup } from "./handshake_requests.ts";
 * const out = new FrameBuffer();
 * writeStartup(out, 4, 0);
 * // header, then 1 entry: "CQL_VERSION" -> "3.0.0"
 * assert.equal(out.length, 9 + 2 + 2 + 11 + 2 + 5);
 * assert.equal(out.bytes[4], 0x01);
 * ```
 */
export function writeStartup(
  out: FrameBuffer,
  version: number,
  stream: number,
  options: StartupOptions = {},
): void {
  const map: Record<string, string> = { CQL_VERSION: options.cqlVersion ?? "3.0.0" };
  if (options.compression !== undefined) map.COMPRESSION = options.compression;
  if (options.driverName !== undefined) map.DRIVER_NAME = options.driverName;
  out.beginFrame(version, 0, stream, OPCODE.startup);
  out.writeStringMap(map);
  out.endFrame();
}

/**
 * Writes an OPTIONS frame (empty body).
 *
 * @param out The buffer.
 * @param version The protocol version.
 * @param stream The stream id.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { FrameBuffer } from "./frame_buffer.ts";
 * import { writeOptions } from "./handshake_requests.ts";
 * const out = new FrameBuffer();
 * writeOptions(out, 4, 3);
 * assert.deepEqual([...out.bytes.subarray(0, out.length)], [4, 0, 0, 3, 5, 0, 0, 0, 0]);
 * ```
 */
export function writeOptions(out: FrameBuffer, version: number, stream: number): void {
  out.beginFrame(version, 0, stream, OPCODE.options);
  out.endFrame();
}

/**
 * Writes an AUTH_RESPONSE frame: one [bytes] token.
 *
 * @param out The buffer.
 * @param version The protocol version.
 * @param stream The stream id.
 * @param token The SASL token, or null.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { FrameBuffer } from "./frame_buffer.ts";
 * import { writeAuthResponse } from "./handshake_requests.ts";
 * const out = new FrameBuffer();
 * writeAuthResponse(out, 4, 0, new Uint8Array([0, 97, 0, 98]));
 * assert.deepEqual([...out.bytes.subarray(9, out.length)], [0, 0, 0, 4, 0, 97, 0, 98]);
 * ```
 */
export function writeAuthResponse(
  out: FrameBuffer,
  version: number,
  stream: number,
  token: Uint8Array | null,
): void {
  out.beginFrame(version, 0, stream, OPCODE.authResponse);
  out.writeBytes(token);
  out.endFrame();
}

/**
 * The SASL PLAIN token PasswordAuthenticator expects: `\0user\0password`, UTF-8.
 *
 * @param user The user name.
 * @param password The password.
 * @returns The token.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { plainAuthToken } from "./handshake_requests.ts";
 * assert.deepEqual([...plainAuthToken("u", "pw")], [0, 117, 0, 112, 119]);
 * ```
 */
export function plainAuthToken(user: string, password: string): Uint8Array {
  return new TextEncoder().encode(`\0${user}\0${password}`);
}
