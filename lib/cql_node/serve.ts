/**
 * `stress serve`: runs the embedded in-memory CQL node in the foreground.
 *
 * @module
 */

import { CqlRing } from "./driver/cql_ring.ts";
import {
  CqlServer,
  type CqlServerOptions,
  type CqlServerTlsPem,
  type FaultOptions,
  type InjectedErrorKind,
} from "./driver/cql_server.ts";
import { OptionError, TargetError, UsageError } from "../errors.ts";
import { parseDistribution } from "../units/parse_distribution.ts";
import { parseDuration } from "../units/parse_duration.ts";
import type { CommandIo } from "../cli/command_io.ts";
import { parseCommandFlags, parsePositive } from "../cli/parse_flags.ts";

/** The help text of `stress serve`. */
export const SERVE_HELP: string = `Usage: stress serve [options]

Runs an embedded CQL node: an in-memory server that speaks the CQL native protocol
(v4, and v3) over TCP, so cassandra-stress commands, drivers and cqlsh-style tools can run
without a cluster. It is NOT a storage engine: rows live in memory only and are lost
when it stops; there is no disk, no replication and no commit log. It answers as a
one-node Cassandra does: a consistency level that needs more replicas than there are
nodes (cl=ALL at replication factor 2) is Unavailable; the node that receives a request
answers it alone. Write timestamps decide which write of a cell wins and TTLs expire,
as in Cassandra (see docs/embedded-node.md for the differences). Use it for demos,
tests, and to measure a client's own overhead.

With --nodes N it runs a ring of N such nodes in one process, on N consecutive addresses
from --host (127.0.0.1, 127.0.0.2, 127.0.0.3, ...: all loopback on Linux) and the same
--port. Each node has 16 tokens (evenly spaced, dealt to the nodes in turn) and lists the
others in system.peers and system.peers_v2, so a driver connecting to any of them finds
all of them and routes by token. Each node keeps its own rows: nothing is copied between
nodes, a node that is not a key's replica stores what it is sent, and a read finds only
the rows written to the node it is sent to; use keyspaces with replication factor 1 and a
token-aware client to know where a row lives. Consistency levels count every node of the
ring as a live replica (cl=QUORUM at replication factor 3 on 3 nodes is answered).
Schema changes and TRUNCATE sent to one node are run by every node.

Options:
  --host ADDR        address to listen on (default 127.0.0.1); with --nodes, the first
  --port N           port to listen on (default 9042; 0 picks a free port), every node's
  --nodes N          run a ring of N nodes on N consecutive addresses (default 1)
  --user U           require PasswordAuthenticator with this user ...
  --password P       ... and this password
  --tls-cert FILE    serve CQL over TLS with this certificate chain (PEM) ...
  --tls-key FILE     ... and this private key (PEM); client certificates are not asked for
  --latency DIST     add latency to every query response, in microseconds,
                     cassandra-stress distribution syntax (e.g. "fixed(2000)",
                     "exp(100..20000)")
  --stall EVERY/FOR  stall every response for FOR once every EVERY (e.g. 10s/1s)
  --errors RATE[:KINDS]
                     answer a fraction RATE (0..1) of the workload's requests (reads and
                     writes of user tables, batches) with an error instead; KINDS is a
                     comma list of overloaded, read_timeout, write_timeout, unavailable,
                     server_error (default overloaded). A client's set-up is never
                     picked: USE, schema changes (CREATE, ALTER, DROP), TRUNCATE, PREPARE
                     and reads of the system tables, so a cassandra-stress run creates
                     its schema even at RATE 1 and the errors fall on its ops only
  --drop RATE        drop the connection, unanswered, on a fraction RATE of the reads of
                     a connection's socket, set-up included: a connect can fail too
  --max-frame-size BYTES
                     largest request frame accepted (default 268435456, the protocol's)
  --seed N           seed of the injected faults (default 1)
  -h, --help         this help

It prints one line when it is listening and stops cleanly on Ctrl-C or SIGTERM.

In-process: any cassandra-stress command given "-node embedded" starts the same node
inside the command on a free loopback port and runs against it.

Examples:
  stress serve --port 9042 --latency "uniform(500..1500)" --stall 10s/1s
  stress serve --nodes 3      # 127.0.0.1:9042, 127.0.0.2:9042, 127.0.0.3:9042`;

const ERROR_KINDS: InjectedErrorKind[] = [
  "overloaded",
  "read_timeout",
  "write_timeout",
  "unavailable",
  "server_error",
];

function readProblem(error: unknown): string {
  if (error instanceof Deno.errors.NotFound) return "does not exist";
  if (error instanceof Deno.errors.PermissionDenied) return "is not readable (permission denied)";
  return `cannot be read (${error instanceof Error ? error.message : error})`;
}

const CERT_EXPECTED = "a PEM certificate file (-----BEGIN CERTIFICATE-----)";
const KEY_EXPECTED = "a PEM private key file (PKCS#8, RSA or EC)";

async function readTls(certFile: string, keyFile: string): Promise<CqlServerTlsPem> {
  const read = async (option: string, file: string, expected: string) => {
    try {
      return await Deno.readTextFile(file);
    } catch (error) {
      throw new OptionError({ option, value: file, problem: readProblem(error), expected }, {
        cause: error,
      });
    }
  };
  const cert = await read("--tls-cert", certFile, CERT_EXPECTED);
  const key = await read("--tls-key", keyFile, KEY_EXPECTED);
  if (!cert.includes("-----BEGIN CERTIFICATE-----")) {
    throw new OptionError({
      option: "--tls-cert",
      value: certFile,
      problem: "holds no PEM certificate",
      expected: CERT_EXPECTED,
    });
  }
  if (!/-----BEGIN (RSA |EC |ENCRYPTED )?PRIVATE KEY-----/.test(key)) {
    throw new OptionError({
      option: "--tls-key",
      value: keyFile,
      problem: "holds no PEM private key",
      expected: KEY_EXPECTED,
    });
  }
  return { cert, key };
}

/** Whether `error`, from starting a TLS listener, is about the certificate or key. */
function isTlsMaterialError(error: unknown): boolean {
  return error instanceof Deno.errors.InvalidData ||
    (error instanceof Error && /KeyMismatch|certificate|private key|keys? /i.test(error.message));
}

function tlsError(error: unknown, certFile: string, keyFile: string): OptionError {
  const message = error instanceof Error ? error.message : String(error);
  if (/KeyMismatch/.test(message)) {
    return new OptionError({
      option: "--tls-key",
      value: keyFile,
      problem: `does not match the certificate in "${certFile}"`,
      expected: "the private key of the --tls-cert certificate",
    }, { cause: error });
  }
  const isKey = /key/i.test(message);
  return new OptionError({
    option: isKey ? "--tls-key" : "--tls-cert",
    value: isKey ? keyFile : certFile,
    problem: `cannot be used (${message})`,
    expected: isKey ? KEY_EXPECTED : CERT_EXPECTED,
  }, { cause: error });
}

function parseRate(option: string, text: string): number {
  const value = /^[0-9]*\.?[0-9]+$/.test(text) ? Number(text) : NaN;
  if (!(value >= 0 && value <= 1)) {
    throw new OptionError({ option, value: text, expected: "a number between 0 and 1" });
  }
  return value;
}

/**
 * Parses the fault flags of `stress serve` into fault options.
 *
 * @param values The parsed flag values.
 * @returns The faults.
 * @throws {OptionError} On a malformed value.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { faultsOf } from "./serve.ts";
 * const faults = faultsOf({ stall: "10s/1s", errors: "0.01:overloaded,read_timeout" });
 * assert.deepEqual(faults.stall, { everyMs: 10000, forMs: 1000 });
 * assert.deepEqual(faults.errorKinds, ["overloaded", "read_timeout"]);
 * ```
 */
export function faultsOf(
  values: Record<string, string | boolean | undefined>,
): Partial<FaultOptions> {
  const faults: Partial<FaultOptions> = {};
  if (typeof values.latency === "string") {
    faults.latencyUs = parseDistribution(values.latency, "--latency");
  }
  if (typeof values.stall === "string") {
    const parts = values.stall.split("/");
    if (parts.length !== 2) {
      throw new OptionError({
        option: "--stall",
        value: values.stall,
        expected: "EVERY/FOR, two durations such as 10s/1s",
      });
    }
    const everyMs = parseDuration(parts[0], "--stall");
    const forMs = parseDuration(parts[1], "--stall");
    if (forMs >= everyMs) {
      throw new OptionError({
        option: "--stall",
        value: values.stall,
        problem: "stalls for longer than its period",
        expected: "FOR shorter than EVERY",
      });
    }
    faults.stall = { everyMs, forMs };
  }
  if (typeof values.errors === "string") {
    const [rate, kinds] = values.errors.split(":");
    faults.errorRate = parseRate("--errors", rate);
    if (kinds !== undefined) {
      faults.errorKinds = kinds.split(",").map((kind) => {
        if (!ERROR_KINDS.includes(kind as InjectedErrorKind)) {
          throw new OptionError({
            option: "--errors",
            value: values.errors as string,
            problem: `names an unknown error kind "${kind}"`,
            expected: ERROR_KINDS.join(", "),
          });
        }
        return kind as InjectedErrorKind;
      });
    }
  }
  if (typeof values.drop === "string") faults.dropRate = parseRate("--drop", values.drop);
  return faults;
}

/** Nodes started by `stress serve`: one, or a ring; stopped together. */
interface Serving {
  /** Where each node listens, `host:port`. */
  addresses: string[];
  /** Stops every node. */
  close(): Promise<void>;
}

/** Checks that `nodes` consecutive IPv4 addresses start at `host`. */
function checkRingHost(host: string, nodes: number): void {
  const parts = host.split(".").map(Number);
  const ipv4 = parts.length === 4 && parts.every((p) => Number.isInteger(p) && p >= 0 && p <= 255);
  if (!ipv4 || parts[3] + nodes - 1 > 254) {
    throw new OptionError({
      option: "--nodes",
      value: String(nodes),
      problem: `does not fit after --host "${host}"`,
      expected: "--host an IPv4 address whose last number plus the nodes stays at most 255",
    });
  }
}

/** Starts one node, or a ring of `nodes` on consecutive addresses from `options.hostname`. */
async function startServing(options: CqlServerOptions, nodes: number): Promise<Serving> {
  if (nodes === 1) {
    const server = await CqlServer.start(options);
    return { addresses: [`${server.hostname}:${server.port}`], close: () => server.close() };
  }
  const ring = await CqlRing.start({ ...options, nodes });
  return {
    addresses: ring.nodes.map((node) => `${node.hostname}:${node.port}`),
    close: () => ring.close(),
  };
}

/** Resolves when the signal aborts or SIGTERM arrives. */
async function stopRequested(signal: AbortSignal | undefined): Promise<void> {
  let onTerm: (() => void) | null = null;
  await new Promise<void>((resolve) => {
    if (signal?.aborted) return resolve();
    signal?.addEventListener("abort", () => resolve(), { once: true });
    onTerm = () => resolve();
    try {
      Deno.addSignalListener("SIGTERM", onTerm);
    } catch {
      onTerm = null;
    }
  });
  if (onTerm) Deno.removeSignalListener("SIGTERM", onTerm);
}

/** The line printed once every node listens. */
function banner(serving: Serving, options: { tls: boolean; auth: boolean }): string {
  const what = serving.addresses.length === 1
    ? "in-memory CQL node"
    : `in-memory CQL ring of ${serving.addresses.length} nodes`;
  return `stress serve: ${what} (native protocol v4/v3${
    options.tls ? " over TLS" : ""
  }, no disk, no replication) listening on ${serving.addresses.join(", ")}${
    options.auth ? " with PasswordAuthenticator" : ""
  }`;
}

/**
 * Runs `stress serve` until the signal aborts or SIGTERM arrives.
 *
 * @param args The arguments after `serve`.
 * @param io Where output goes.
 * @param options The abort signal (SIGINT).
 * @returns The exit code.
 * @throws {UsageError} On bad arguments.
 * @throws {OptionError} On a bad flag value, or a TLS file that is missing or not usable.
 * @throws {TargetError} When an address cannot be bound.
 *
 * @example Usage
 * ```ts ignore
 * const code = await serveCommand(["--port", "0"], io, { signal });
 * ```
 */
export async function serveCommand(
  args: readonly string[],
  io: CommandIo,
  options: { signal?: AbortSignal } = {},
): Promise<number> {
  const values = parseCommandFlags("serve", args, {
    host: { type: "string", default: "127.0.0.1" },
    port: { type: "string", default: "9042" },
    nodes: { type: "string", default: "1" },
    user: { type: "string" },
    password: { type: "string" },
    latency: { type: "string" },
    stall: { type: "string" },
    errors: { type: "string" },
    drop: { type: "string" },
    "max-frame-size": { type: "string" },
    "tls-cert": { type: "string" },
    "tls-key": { type: "string" },
    seed: { type: "string", default: "1" },
  }, { io, help: SERVE_HELP });
  if (values === null) return 0;
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new OptionError({ option: "--port", value: values.port as string, expected: "0..65535" });
  }
  const nodes = parsePositive("--nodes", values.nodes as string, { integer: true });
  if (nodes > 1) checkRingHost(values.host as string, nodes);
  if ((values.user === undefined) !== (values.password === undefined)) {
    throw new UsageError("Cannot enable authentication: give both --user and --password");
  }
  const certFile = values["tls-cert"] as string | undefined;
  const keyFile = values["tls-key"] as string | undefined;
  if ((certFile === undefined) !== (keyFile === undefined)) {
    throw new UsageError("Cannot enable TLS: give both --tls-cert and --tls-key");
  }
  const faults = faultsOf(values);
  const maxFrameBytes = values["max-frame-size"] === undefined
    ? undefined
    : parsePositive("--max-frame-size", values["max-frame-size"] as string, { integer: true });
  const seed = parsePositive("--seed", values.seed as string, { integer: true });
  const tls = certFile === undefined ? undefined : await readTls(certFile, keyFile as string);
  if (options.signal?.aborted) return 130;
  let serving: Serving;
  try {
    serving = await startServing({
      hostname: values.host as string,
      port,
      credentials: values.user === undefined
        ? undefined
        : { user: values.user as string, password: values.password as string },
      faults,
      maxFrameBytes,
      seed,
      tls,
      onInternalError: (error) =>
        io.err(
          `stress serve: internal error (a bug): ${error instanceof Error ? error.stack : error}`,
        ),
    }, nodes);
  } catch (error) {
    if (tls !== undefined && isTlsMaterialError(error)) throw tlsError(error, certFile!, keyFile!);
    throw new TargetError(
      `Cannot listen on ${values.host}:${port}${
        nodes > 1 ? ` and the next ${nodes - 1} addresses` : ""
      }: ${error instanceof Error ? error.message : error}`,
      { cause: error },
    );
  }
  io.out(banner(serving, { tls: tls !== undefined, auth: values.user !== undefined }));
  await stopRequested(options.signal);
  await serving.close();
  io.out("stress serve: stopped");
  return 0;
}
