/**
 * Private helper of `disk_client.ts`: its settings from the flags.
 *
 * @module
 */

import { OptionError, UsageError } from "../errors.ts";
import type { FsyncPolicy } from "./protocol/disk_message.ts";
import { isMulticastV4 } from "./driver/heartbeat_socket.ts";
import { type ListenAddress, parseListenAddress } from "../units/listen_address.ts";
import { parseDuration } from "../units/parse_duration.ts";
import { parseSize, parseSizeOrPercent } from "../units/parse_size.ts";
import { parseInteger, parsePort } from "../cli/parse_flags.ts";

/** The settings of `disk client`, from its flags. */
export interface ClientSettings {
  readonly serverHost: string;
  readonly serverPort: number;
  readonly hbAddress: string;
  readonly hbPort: number;
  readonly interfaceAddress: string;
  readonly id: string;
  /** The key of this client's heartbeats (random): another run's client with its id has another. */
  readonly hbKey: string;
  readonly chunkBytes: number;
  readonly fileBytes: number;
  readonly runTimeMs: number;
  /** `--min-rollovers`: the rollovers the measured speed must promise, else refused (0: never). */
  readonly minRollovers: number;
  readonly path: string;
  readonly heartbeatMs: number;
  readonly statsEveryMs: number;
  readonly fsync: FsyncPolicy;
  readonly minFree: { bytes: number } | { percent: number };
  readonly token: string | undefined;
  readonly logPath: string | null;
  readonly cleanup: boolean;
  /** `--fail-if-limited`: exit 4 when the loader itself was a limit. */
  readonly failIfLimited: boolean;
  readonly prometheus: ListenAddress | null;
  readonly web: ListenAddress | null;
}

/**
 * The shortest `--heartbeat` and `--stats-every`, in ms: the server marks a client gone after
 * `--hb-misses` intervals without a heartbeat, and a client measuring its disk sends one only
 * between its writes; shorter ones make a live client gone at once, and the whole run with it.
 */
export const MIN_INTERVAL_MS = 100;

/** The largest `--chunk`: the writer holds one chunk in memory. */
export const MAX_CHUNK_BYTES = 2 ** 30;

/**
 * Reads `--chunk` and `--file-size`: a chunk of at most {@linkcode MAX_CHUNK_BYTES}, no larger
 * than the file (a file holds whole chunks, and never grows past `--file-size`).
 */
function sizesOf(
  values: Record<string, string | boolean | undefined>,
): { chunkBytes: number; fileBytes: number } {
  const chunk = values.chunk as string;
  const fileSize = values["file-size"] as string;
  const chunkBytes = parseSize(chunk, "--chunk");
  if (chunkBytes > MAX_CHUNK_BYTES) {
    throw new OptionError({
      option: "--chunk",
      value: chunk,
      problem: "is too large",
      expected: "at most 1GiB (the writer holds one chunk in memory)",
    });
  }
  const fileBytes = parseSize(fileSize, "--file-size");
  if (chunkBytes > fileBytes) {
    throw new UsageError(
      `Cannot use --chunk "${chunk}" with --file-size "${fileSize}": a chunk is larger than a ` +
        `file, expected --chunk at most --file-size (a file holds whole chunks)`,
    );
  }
  return { chunkBytes, fileBytes };
}

/** Reads `--heartbeat` or `--stats-every`: at least {@linkcode MIN_INTERVAL_MS}. */
function intervalOf(values: Record<string, string | boolean | undefined>, name: string): number {
  const text = values[name] as string;
  const ms = parseDuration(text, `--${name}`, { units: ["ms", "s", "m", "h"] });
  if (ms < MIN_INTERVAL_MS) {
    throw new OptionError({
      option: `--${name}`,
      value: text,
      problem: "is too short",
      expected: `at least ${MIN_INTERVAL_MS}ms`,
    });
  }
  return ms;
}

function required(values: Record<string, unknown>, name: string): string {
  const value = values[name];
  if (typeof value !== "string") {
    throw new UsageError(`Cannot run "disk client": --${name} is missing`);
  }
  return value;
}

/**
 * Reads `disk client`'s flags into settings.
 *
 * @param values The parsed flags.
 * @returns The settings.
 * @throws {UsageError} When a required flag is missing or a value is invalid.
 */
export function settingsOf(
  values: Record<string, string | boolean | undefined>,
): ClientSettings {
  const server = required(values, "server");
  const match = /^(.+):(\d+)$/.exec(server);
  if (match === null) {
    throw new UsageError(`Cannot parse --server: "${server}" is invalid, expected HOST:PORT`);
  }
  const hbAddress = required(values, "hb-address");
  if (!isMulticastV4(hbAddress)) {
    throw new UsageError(
      `Cannot parse --hb-address: "${hbAddress}" is invalid, expected an IPv4 multicast group 224.0.0.0..239.255.255.255`,
    );
  }
  const fsync = values.fsync as string;
  if (fsync !== "chunk" && fsync !== "file" && fsync !== "never") {
    throw new UsageError(
      `Cannot parse --fsync: "${fsync}" is invalid, expected chunk, file or never`,
    );
  }
  const id = (values.id as string | undefined) ?? `${Deno.hostname()}-${Deno.pid}`;
  if (!/^[A-Za-z0-9._:-]{1,128}$/.test(id)) {
    throw new UsageError(
      `Cannot parse --id: "${id}" is invalid, expected 1 to 128 of A-Z a-z 0-9 . _ : -`,
    );
  }
  for (const name of ["path", "log"]) {
    if (values[name] === "") {
      throw new UsageError(
        `Cannot parse --${name}: "" is empty, expected a ${
          name === "path" ? "directory" : "file name"
        }`,
      );
    }
  }
  return {
    serverHost: match[1].replace(/^\[(.*)\]$/, "$1"),
    serverPort: parsePort("--server", match[2]),
    hbAddress,
    hbPort: parsePort("--hb-port", required(values, "hb-port")),
    interfaceAddress: values.interface as string,
    id,
    hbKey: crypto.randomUUID(),
    ...sizesOf(values),
    runTimeMs: parseDuration(values["run-time"] as string, "--run-time", {
      units: ["ms", "s", "m", "h"],
    }),
    minRollovers: parseInteger("--min-rollovers", values["min-rollovers"] as string, { min: 0 }),
    path: (values.path as string | undefined) ?? `./stress-disk-${id.replaceAll(":", "_")}`,
    heartbeatMs: intervalOf(values, "heartbeat"),
    statsEveryMs: intervalOf(values, "stats-every"),
    fsync,
    minFree: parseSizeOrPercent(values["min-free"] as string, "--min-free"),
    token: values.token as string | undefined,
    logPath: (values.log as string | undefined) ?? null,
    cleanup: values.cleanup === true,
    failIfLimited: values["fail-if-limited"] === true,
    prometheus: values.prometheus === undefined
      ? null
      : parseListenAddress("--prometheus", values.prometheus as string),
    web: values.web === undefined ? null : parseListenAddress("--web", values.web as string),
  };
}
