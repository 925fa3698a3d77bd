/**
 * The address a live endpoint binds: `-log prometheus=`, `-log web=`, `--web`, `--prometheus`.
 *
 * @module
 */

import { OptionError } from "../errors.ts";

/** Where a server listens. */
export interface ListenAddress {
  /** The address to bind, without brackets (`127.0.0.1`, `::1`, `0.0.0.0`). */
  readonly hostname: string;
  /** The port; 0 lets the system pick a free one. */
  readonly port: number;
}

/** The address a bare port binds: loopback, so nothing is exposed unless asked for. */
export const LOOPBACK = "127.0.0.1";

const EXPECTED = "PORT, HOST:PORT or [IPV6]:PORT with a port 0..65535";

/**
 * Parses where a live endpoint listens: `HOST:PORT`, `[IPV6]:PORT`, or a bare `PORT` that binds
 * loopback (`127.0.0.1`). Any other host must be written out (`0.0.0.0:9464` to listen on every
 * interface). Port 0 picks a free port.
 *
 * @param option The option, for the error message (e.g. `-log prometheus`).
 * @param text The value.
 * @returns The hostname and the port.
 * @throws {OptionError} When the value is not one of those forms or the port is out of range.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseListenAddress } from "./listen_address.ts";
 *
 * assert.deepEqual(parseListenAddress("-log web", "8089"), { hostname: "127.0.0.1", port: 8089 });
 * assert.deepEqual(parseListenAddress("-log web", "0.0.0.0:8089"), { hostname: "0.0.0.0", port: 8089 });
 * assert.deepEqual(parseListenAddress("-log web", "[::1]:0"), { hostname: "::1", port: 0 });
 * assert.throws(() => parseListenAddress("-log web", "localhost"), /expected PORT, HOST:PORT/);
 * ```
 */
export function parseListenAddress(option: string, text: string): ListenAddress {
  const match = /^(?:(\[[0-9A-Fa-f:.]+\]|[^:[\]\s]+):)?(\d{1,5})$/.exec(text);
  const port = match === null ? NaN : Number(match[2]);
  if (match === null || port > 65535) {
    throw new OptionError({ option, value: text, expected: EXPECTED });
  }
  const host = match[1];
  return { hostname: host === undefined ? LOOPBACK : host.replace(/^\[|\]$/g, ""), port };
}
