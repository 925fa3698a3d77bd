/**
 * Private helper of `disk_server.ts`: its settings from the flags.
 *
 * @module
 */

import { UsageError } from "../errors.ts";
import { isMulticastV4 } from "./driver/heartbeat_socket.ts";
import { parseDuration } from "../units/parse_duration.ts";
import { parsePort } from "../cli/parse_flags.ts";

/** The settings of `disk server`, from its flags. */
export interface ServerSettings {
  readonly hbAddress: string;
  readonly hbPort: number;
  readonly tcpPort: number;
  readonly host: string;
  readonly interfaceAddress: string;
  readonly db: string;
  readonly logPath: string | null;
  readonly idleTimeoutMs: number;
  readonly misses: number;
  readonly token: string | undefined;
  readonly reportPath: string | null;
}

/**
 * A file option's value, or null when it is not given; an empty one is refused (an empty `--db`
 * would be a temporary SQLite database, its runs lost at exit).
 */
function fileOption(
  values: Record<string, string | boolean | undefined>,
  name: string,
): string | null {
  const value = values[name] as string | undefined;
  if (value === "") {
    throw new UsageError(`Cannot parse --${name}: "" is empty, expected a file name`);
  }
  return value ?? null;
}

/**
 * Reads `disk server`'s flags into settings.
 *
 * @param values The parsed flags.
 * @returns The settings.
 * @throws {UsageError} When a value is invalid.
 */
export function settingsOf(values: Record<string, string | boolean | undefined>): ServerSettings {
  const hbAddress = values["hb-address"];
  if (typeof hbAddress !== "string" || !isMulticastV4(hbAddress)) {
    throw new UsageError(
      `Cannot parse --hb-address: "${
        hbAddress ?? ""
      }" is invalid, expected an IPv4 multicast group 224.0.0.0..239.255.255.255`,
    );
  }
  // Plain digits: Number() would also take " 3", "0x3" and "1e2".
  const missesText = String(values["hb-misses"]);
  const misses = /^\d{1,4}$/.test(missesText) ? Number(missesText) : NaN;
  if (!(misses >= 1 && misses <= 1000)) {
    throw new UsageError(
      `Cannot parse --hb-misses: "${values["hb-misses"]}" is invalid, expected an integer 1..1000`,
    );
  }
  return {
    hbAddress,
    hbPort: parsePort("--hb-port", values["hb-port"]),
    tcpPort: parsePort("--tcp-port", values["tcp-port"], { allowZero: true }),
    host: values.host as string,
    interfaceAddress: values.interface as string,
    db: fileOption(values, "db") as string,
    logPath: fileOption(values, "log"),
    idleTimeoutMs: parseDuration(values["idle-timeout"] as string, "--idle-timeout", {
      units: ["ms", "s", "m", "h"],
    }),
    misses,
    token: values.token as string | undefined,
    reportPath: fileOption(values, "report"),
  };
}
