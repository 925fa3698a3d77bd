/**
 * Checks the port of a `-node` host as typed: `HOST`, `HOST:PORT`, `[IPV6]`, `[IPV6]:PORT`
 * or a bare IPv6 address.
 *
 * @module
 */

import { OptionError } from "../../errors.ts";
import { parseWholeNumber } from "../../units/parse_whole_number.ts";

const EXPECTED = "HOST or HOST:PORT with PORT from 1 to 65535 ([IPV6]:PORT for IPv6)";

/**
 * Refuses a `-node` host whose port is not a whole number from 1 to 65535 (`10.0.0.1:`,
 * `10.0.0.1:abc`, `10.0.0.1:0`, `10.0.0.1:99999`) or whose name is empty (`:9042`), which the
 * connection would otherwise ignore or fail on with the driver's words. A host with two or
 * more colons and no brackets is a bare IPv6 address, without a port.
 *
 * @param host One host as given.
 * @param option The option named in the error (`-node`, `-node file`).
 * @throws {OptionError} For an empty name or a bad port.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { checkNodeHost } from "./check_node_host.ts";
 * checkNodeHost("10.0.0.1:9042", "-node");
 * checkNodeHost("[::1]:9042", "-node");
 * checkNodeHost("::1", "-node");
 * assert.throws(() => checkNodeHost("10.0.0.1:abc", "-node"), /has an invalid port "abc"/);
 * ```
 */
export function checkNodeHost(host: string, option: string): void {
  const bracketed = /^\[[^\]]+\](?::(.*))?$/.exec(host);
  let name = host;
  let port: string | undefined;
  if (bracketed !== null) {
    port = bracketed[1];
  } else if (host.indexOf(":") === host.lastIndexOf(":")) {
    const colon = host.indexOf(":");
    if (colon >= 0) [name, port] = [host.slice(0, colon), host.slice(colon + 1)];
  }
  if (name === "") {
    throw new OptionError({ option, value: host, problem: "has no host name", expected: EXPECTED });
  }
  if (port !== undefined && !parseWholeNumber(port, { min: 1, max: 65535 }).ok) {
    throw new OptionError({
      option,
      value: host,
      problem: `has an invalid port "${port}"`,
      expected: EXPECTED,
    });
  }
}
