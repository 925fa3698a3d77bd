/**
 * Turns cassandra-stress settings into a {@linkcode CqlTargetSpec}: reads `-node file=`,
 * resolves `whitelist` hosts, loads `-transport` PEM files (a JKS or PKCS12 store gets a
 * clear error saying how to convert it), and maps `-mode`, `-port`, `-col`, `cl=`.
 *
 * @module
 */

import { lookup } from "node:dns/promises";
import {
  type CqlConnectionSpec,
  type CqlTlsSpec,
  DRIVER_MAX_PROTOCOL,
} from "../cql_connection_spec.ts";
import type { CqlOpKind, CqlTargetSpec } from "../cql_target_spec.ts";
import { TargetError, UsageError } from "../../errors.ts";
import type { StressSettings } from "../options/stress_settings.ts";
import { checkNodeHost } from "../options/check_node_host.ts";
import { opsOf } from "../stress_plan.ts";

/** The connect timeout: an unreachable node fails the run within it. */
export const CONNECT_TIMEOUT_MS = 5000;

/**
 * The hosts of `-node`: the list, then the lines of `file=` (blank lines and `#` comments
 * skipped).
 *
 * @param settings The parsed settings.
 * @returns The hosts, in order.
 * @throws {UsageError} When the file cannot be read or lists no host.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { nodeHostsOf } from "./cql_settings.ts";
 * import { parseStressArgs } from "../options/parse_stress_args.ts";
 * assert.deepEqual(nodeHostsOf(parseStressArgs(["write", "-node", "127.0.0.2,127.0.0.3"])), [
 *   "127.0.0.2",
 *   "127.0.0.3",
 * ]);
 * ```
 */
export function nodeHostsOf(settings: StressSettings): string[] {
  const file = settings.node.file;
  if (file === null) return [...settings.node.hosts];
  // As cassandra-stress: the file's hosts, and those of the list beside it ignored.
  const hosts: string[] = [];
  let text: string;
  try {
    text = Deno.readTextFileSync(file);
  } catch (error) {
    throw new UsageError(
      `Cannot read -node file "${file}": ${
        error instanceof Error ? error.message : error
      }, expected a file with one host per line`,
    );
  }
  for (const line of text.split(/\r?\n/)) {
    const host = line.replace(/#.*$/, "").trim();
    if (host === "") continue;
    checkNodeHost(host, "-node file");
    hosts.push(host);
  }
  if (hosts.length === 0) {
    throw new UsageError(
      `Cannot use -node file "${file}": it lists no host, expected one per line`,
    );
  }
  return hosts;
}

function readPem(path: string, option: string, what: string): string {
  let bytes: Uint8Array;
  try {
    bytes = Deno.readFileSync(path);
  } catch (error) {
    throw new UsageError(
      `Cannot read ${option} "${path}": ${error instanceof Error ? error.message : error}`,
    );
  }
  const text = new TextDecoder().decode(bytes);
  if (text.includes("-----BEGIN ")) return text;
  const jks = bytes[0] === 0xfe && bytes[1] === 0xed && bytes[2] === 0xfe && bytes[3] === 0xed;
  const kind = jks ? "a JKS key store" : "not a PEM file (a PKCS12 or JKS key store?)";
  const convert = option.endsWith("truststore")
    ? `keytool -exportcert -rfc -keystore "${path}" -alias <alias> -file ${what}.pem`
    : `keytool -importkeystore -srckeystore "${path}" -destkeystore ${what}.p12 -deststoretype PKCS12 && openssl pkcs12 -in ${what}.p12 -nodes -out ${what}.pem`;
  throw new UsageError(
    `Cannot use ${option} "${path}": it is ${kind}, expected PEM; convert it with: ${convert}`,
  );
}

/**
 * The client TLS of `-transport`: on when a truststore is given, as in cassandra-stress;
 * the stores must be PEM files (the CA certificates; the keystore holds the client
 * certificate and its key).
 *
 * @param settings The parsed settings.
 * @returns The TLS material, or null for plain TCP.
 * @throws {UsageError} When a file cannot be read or is not PEM (with how to convert it).
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { tlsOf } from "./cql_settings.ts";
 * import { parseStressArgs } from "../options/parse_stress_args.ts";
 * assert.equal(tlsOf(parseStressArgs(["write"])), null);
 * ```
 */
export function tlsOf(settings: StressSettings): CqlTlsSpec | null {
  const transport = settings.transport;
  if (transport.truststore === null && transport.keystore === null) return null;
  const caPem = transport.truststore === null
    ? null
    : readPem(transport.truststore, "-transport truststore", "truststore");
  const keyPem = transport.keystore === null
    ? null
    : readPem(transport.keystore, "-transport keystore", "keystore");
  if (keyPem !== null && !/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(keyPem)) {
    throw new UsageError(
      `Cannot use -transport keystore "${transport.keystore}": it holds no private key, expected the client certificate and its key in PEM`,
    );
  }
  return {
    caPem,
    certPem: keyPem,
    keyPem,
    checkHostname: transport.hostnameVerification,
    ciphers: null,
  };
}

async function allowListOf(hosts: readonly string[], port: number): Promise<string[]> {
  const addresses: string[] = [];
  for (const entry of hosts) {
    const match = /^\[?([^\]]+?)\]?(?::(\d+))?$/.exec(entry);
    const host = match?.[1] ?? entry;
    const hostPort = match?.[2] === undefined ? port : Number(match[2]);
    let resolved: { address: string; family: number }[];
    try {
      resolved = await lookup(host, { all: true });
    } catch (error) {
      throw new TargetError(
        `Cannot resolve -node host "${host}": ${error instanceof Error ? error.message : error}`,
      );
    }
    for (const { address, family } of resolved) {
      addresses.push(family === 6 ? `[${address}]:${hostPort}` : `${address}:${hostPort}`);
    }
  }
  return addresses;
}

/**
 * Warnings about `-mode` settings the client that sends the ops cannot honour: frame
 * compression (cassandra-driver for Node.js has none; the native path has lz4 but not snappy),
 * a custom auth provider, a protocol version newer than cassandra-driver speaks.
 *
 * @param settings The parsed settings.
 * @returns One `warning:` line per setting, in that order.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { modeWarningsOf } from "./cql_settings.ts";
 * import { parseStressArgs } from "../options/parse_stress_args.ts";
 * const native = parseStressArgs(["write", "-mode", "native", "cql3", "compression=lz4"]);
 * assert.deepEqual(modeWarningsOf(native), []);
 * const driver = parseStressArgs(["write", "-mode", "native", "cql3", "compression=lz4", "client=driver"]);
 * assert.match(modeWarningsOf(driver)[0], /^warning: -mode compression=lz4 /);
 * const snappy = parseStressArgs(["write", "-mode", "native", "cql3", "compression=snappy"]);
 * assert.match(modeWarningsOf(snappy)[0], /^warning: -mode compression=snappy /);
 * ```
 */
export function modeWarningsOf(settings: StressSettings): string[] {
  const mode = settings.mode;
  const warnings: string[] = [];
  if (mode.compression === "snappy" || (mode.compression === "lz4" && mode.client === "driver")) {
    warnings.push(
      mode.client === "native"
        ? `warning: -mode compression=${mode.compression} is not supported by the native path (lz4 is); frames are sent uncompressed`
        : `warning: -mode compression=${mode.compression} is not supported by cassandra-driver for Node.js; frames are sent uncompressed`,
    );
  }
  if (mode.authProvider !== null) {
    warnings.push(
      `warning: -mode auth-provider=${mode.authProvider} is ignored; user= and password= use PasswordAuthenticator`,
    );
  }
  if (
    mode.client === "driver" && mode.protocolVersion !== null &&
    mode.protocolVersion > DRIVER_MAX_PROTOCOL
  ) {
    warnings.push(
      `warning: -mode protocolVersion=${mode.protocolVersion} is newer than cassandra-driver supports; using ${DRIVER_MAX_PROTOCOL}`,
    );
  }
  return warnings;
}

/**
 * The Workers a command's runs use at most: one per core, at most one per thread (auto mode:
 * per `threads<=`).
 *
 * @param settings The parsed settings.
 * @param cores The cores (`navigator.hardwareConcurrency`).
 * @returns The Worker count, at least 1.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { workersOf } from "./cql_settings.ts";
 * import { parseStressArgs } from "../options/parse_stress_args.ts";
 * assert.equal(workersOf(parseStressArgs(["write", "-rate", "threads=3"]), 8), 3);
 * assert.equal(workersOf(parseStressArgs(["write", "-rate", "threads=16"]), 2), 2);
 * ```
 */
export function workersOf(settings: StressSettings, cores: number): number {
  const rate = settings.rate;
  const threads = rate.kind === "threads" ? rate.threads : rate.maxThreads;
  return Math.max(1, Math.min(cores, threads));
}

/**
 * The connections per host a run opens: each Worker's client opens `perWorker`; together
 * they open about `-mode connectionsPerHost=` (at least one each), or one each, the
 * cassandra-driver default, when it is not given.
 *
 * @param settings The parsed settings.
 * @param workers The Workers of the run ({@linkcode workersOf}).
 * @returns Each Worker's connections per host, and all Workers' together.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { connectionsPerHostOf } from "./cql_settings.ts";
 * import { parseStressArgs } from "../options/parse_stress_args.ts";
 * assert.deepEqual(connectionsPerHostOf(parseStressArgs(["write"]), 2), { perWorker: 1, total: 2 });
 * const eight = parseStressArgs(["write", "-mode", "native", "cql3", "connectionsPerHost=8"]);
 * assert.deepEqual(connectionsPerHostOf(eight, 3), { perWorker: 3, total: 9 });
 * ```
 */
export function connectionsPerHostOf(
  settings: StressSettings,
  workers: number,
): { perWorker: number; total: number } {
  const wanted = settings.mode.connectionsPerHost;
  const count = Math.max(1, workers);
  const perWorker = wanted === null ? 1 : Math.max(1, Math.ceil(wanted / count));
  return { perWorker, total: perWorker * count };
}

/**
 * The native protocol version a run speaks: `-mode protocolVersion=`, at most the newest
 * cassandra-driver speaks (4), which is also what it negotiates when none is given.
 *
 * @param settings The parsed settings.
 * @returns The version.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { protocolVersionOf } from "./cql_settings.ts";
 * import { parseStressArgs } from "../options/parse_stress_args.ts";
 * assert.equal(protocolVersionOf(parseStressArgs(["write"])), 4);
 * ```
 */
export function protocolVersionOf(settings: StressSettings): number {
  return Math.min(settings.mode.protocolVersion ?? DRIVER_MAX_PROTOCOL, DRIVER_MAX_PROTOCOL);
}

/**
 * The CQL target of a command.
 *
 * @param settings The parsed settings.
 * @param options The contact points (default: `-node`), the port (default `-port native=`)
 *   and the Worker count ({@linkcode workersOf}; connections per host are shared between
 *   Workers).
 * @returns The target spec; its `localDataCenter` is empty until the control connection
 *   discovers it (unless `-node datacenter=` gave it).
 * @throws {UsageError} For unreadable files.
 * @throws {TargetError} For whitelist hosts that do not resolve.
 *
 * @example Usage
 * ```ts ignore
 * const spec = await cqlTargetOf(settings, { workers: 2 });
 * ```
 */
export async function cqlTargetOf(
  settings: StressSettings,
  options: { contactPoints?: readonly string[]; port?: number; workers?: number } = {},
): Promise<CqlTargetSpec> {
  const opKinds = opsOf(settings).names.map((name) => name.toLowerCase() as CqlOpKind);
  const columns = settings.columns;
  return {
    ...await cqlConnectionOf(settings, options),
    kind: "cql",
    opKinds,
    columnNames: [...columns.columnNames],
    columnSize: columns.sizeDistribution,
    columnCount: columns.variableColumnCount ? columns.countDistribution : null,
    keyBytes: settings.command.keySizeBytes,
    counterAdd: settings.command.add,
    timestamp: columns.timestamp,
    slice: columns.slice,
    validateReads: !settings.errors.skipReadValidation,
    client: settings.mode.client,
    ring: null,
    // The native path speaks v5 too; cassandra-driver at most v4.
    ...(settings.mode.client === "native" && settings.mode.protocolVersion !== null
      ? { protocolVersion: settings.mode.protocolVersion }
      : {}),
  };
}

/**
 * How the Workers of a command connect: `-node`, `-port`, `-mode`, `-transport`, `cl=`.
 *
 * @param settings The parsed settings.
 * @param options Contact points and port (the embedded node's), and the Worker count.
 * @returns The connection part of a target.
 * @throws {UsageError} For unreadable files.
 * @throws {TargetError} For whitelist hosts that do not resolve.
 *
 * @example Usage
 * ```ts ignore
 * const connection = await cqlConnectionOf(settings, { workers: 2 });
 * ```
 */
export async function cqlConnectionOf(
  settings: StressSettings,
  options: { contactPoints?: readonly string[]; port?: number; workers?: number } = {},
): Promise<CqlConnectionSpec> {
  const contactPoints = options.contactPoints ?? nodeHostsOf(settings);
  const port = options.port ?? settings.port.nativePort;
  const mode = settings.mode;
  const workers = Math.max(1, options.workers ?? 1);
  return {
    contactPoints: [...contactPoints],
    port,
    localDataCenter: settings.node.datacenter ?? "",
    // The fork's auto policy: rack-aware when a rack is given, else dc-aware.
    loadBalance: settings.node.loadBalance ??
      (settings.node.rack === null ? "DC_AWARE" : "RACK_AWARE"),
    localRack: settings.node.rack,
    allowList: settings.node.whitelist ? await allowListOf(contactPoints, port) : null,
    keyspace: settings.schema.keyspace,
    prepared: mode.prepared,
    consistency: settings.command.consistencyLevel,
    serialConsistency: settings.command.serialConsistencyLevel,
    connectionsPerHost: connectionsPerHostOf(settings, workers).perWorker,
    maxPending: mode.maxPending,
    protocolVersion: mode.protocolVersion === null
      ? null
      : Math.min(mode.protocolVersion, DRIVER_MAX_PROTOCOL),
    credentials: mode.user === null ? null : { user: mode.user, password: mode.password ?? "" },
    requestTimeoutMs: mode.requestTimeoutMs ?? 12_000,
    connectTimeoutMs: CONNECT_TIMEOUT_MS,
    tls: tlsOf(settings),
    compression: mode.compression,
  };
}
