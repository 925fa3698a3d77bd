/**
 * `stress disk server`: accepts `stress disk client` connections over TCP (protocol v1,
 * newline-delimited JSON, see `lib/disk/disk_protocol.ts`), listens for their heartbeats on UDP
 * multicast, stores every record in the run database before acknowledging it, marks clients
 * whose heartbeats stop as gone, and when every client is done writes the run's report and
 * exits.
 *
 * @module
 */

import { CheckFailedError, InterruptedError, TargetError, UsageError } from "../errors.ts";
import {
  type ClientMessage,
  encodeMessage,
  type HelloMessage,
  isProtocolProblem,
  LineSplitter,
  parseClientMessage,
  parseHeartbeat,
  type ProtocolErrorCode,
} from "./disk_protocol.ts";
import { createDiskReport, formatDiskReport } from "./report/disk_report.ts";
import { HeartbeatTracker } from "./heartbeat_tracker.ts";
import { HeartbeatListener, isMulticastV4 } from "./driver/heartbeat_socket.ts";
import { openRunStore, type RunStatus, type RunStore } from "./driver/run_store.ts";
import { parseDuration } from "../units/parse_duration.ts";
import { formatSize } from "../units/parse_size.ts";
import { type CommandIo, printText } from "../cli/command_io.ts";
import { parseFlags, parsePort, rejectPositionals } from "../cli/parse_flags.ts";
import { TextFile } from "../cli/text_file.ts";

/** The help text of `stress disk server`. */
export const DISK_SERVER_HELP: string =
  `Usage: stress disk server --hb-address GROUP --hb-port PORT --tcp-port PORT [options]

The central server of the disk benchmark. Clients (stress disk client) connect over TCP and speak
protocol v1: one JSON object per line, at most 64 KiB per line; a hello, then records (events:
start, rollover, stop, error; samples of the writer's CPU, memory and chunk-write times), each
acknowledged only once it is stored, then a bye. Heartbeats arrive on the UDP multicast group; a
client whose heartbeats stop for --hb-misses intervals is marked gone. Every record goes to the
run database (SQLite with WAL, or PostgreSQL). When every client that came has finished or gone,
the server prints the run's report (and writes it as JSON with --report) and exits. A connection
that sends anything else is logged and closed; the others carry on.

Options:
  --hb-address GROUP   the heartbeat multicast group, e.g. 239.0.0.1 (required)
  --hb-port PORT       the heartbeat UDP port (required)
  --tcp-port PORT      the TCP port for clients (required; 0 picks a free one)
  --host ADDR          the TCP address to listen on (default 0.0.0.0)
  --interface ADDR     the interface to join the multicast group on (default 0.0.0.0)
  --db TARGET          runs.sqlite (default), another SQLite file, or postgres://...
  --log FILE           also write the log lines (heartbeats, messages, connections) to FILE
  --idle-timeout DURATION  exit when no client came within this time (default 30s)
  --hb-misses N        heartbeat intervals without a heartbeat before a client is gone (default 3)
  --token TOKEN        clients must send this token in their hello
  --report FILE        write the report as JSON to FILE too
  -h, --help           this help

Exit: 0 report written, 1 no client came within --idle-timeout, 2 bad options, 3 the database or
a port cannot be opened, 130 interrupted (the report of what was stored is still written).`;

const HELLO_TIMEOUT_MS = 10_000;
/** How long a rejected connection is drained before it is closed. */
const LINGER_MS = 1000;
const TICK_MS = 100;

interface ServerSettings {
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

function settingsOf(values: Record<string, string | boolean | undefined>): ServerSettings {
  const hbAddress = values["hb-address"];
  if (typeof hbAddress !== "string" || !isMulticastV4(hbAddress)) {
    throw new UsageError(
      `Cannot parse --hb-address: "${
        hbAddress ?? ""
      }" is invalid, expected an IPv4 multicast group 224.0.0.0..239.255.255.255`,
    );
  }
  const misses = Number(values["hb-misses"]);
  if (!Number.isInteger(misses) || misses < 1 || misses > 1000) {
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
    db: values.db as string,
    logPath: (values.log as string | undefined) ?? null,
    idleTimeoutMs: parseDuration(values["idle-timeout"] as string, "--idle-timeout", {
      units: ["ms", "s", "m", "h"],
    }),
    misses,
    token: values.token as string | undefined,
    reportPath: (values.report as string | undefined) ?? null,
  };
}

/** One admitted client. */
interface ClientEntry {
  readonly id: string;
  done: boolean;
}

/** The running server: connections, heartbeats and the end of the run. */
class DiskServer {
  readonly #settings: ServerSettings;
  readonly #store: RunStore;
  readonly #runId: number;
  readonly #log: (text: string) => void;
  readonly #tracker: HeartbeatTracker;
  readonly #clients = new Map<string, ClientEntry>();
  readonly #connections = new Set<Deno.Conn>();
  readonly #startMs = Date.now();
  #ended: ((status: RunStatus) => void) | null = null;
  rejected = 0;

  constructor(
    settings: ServerSettings,
    store: RunStore,
    runId: number,
    log: (text: string) => void,
  ) {
    this.#settings = settings;
    this.#store = store;
    this.#runId = runId;
    this.#log = log;
    this.#tracker = new HeartbeatTracker({ misses: settings.misses });
  }

  /** Resolves with the run's status when it is over. */
  run(
    listener: Deno.Listener,
    heartbeats: HeartbeatListener,
    signal: AbortSignal | undefined,
  ): Promise<RunStatus> {
    const ended = new Promise<RunStatus>((resolve) => {
      this.#ended = resolve;
    });
    (async () => {
      for await (const conn of listener) {
        this.#connections.add(conn);
        this.#serve(conn).finally(() => this.#connections.delete(conn));
      }
    })().catch(() => {});
    (async () => {
      for await (const datagram of heartbeats) {
        const beat = parseHeartbeat(datagram.text);
        if (isProtocolProblem(beat)) {
          this.#log(`heartbeat from ${datagram.from} rejected: ${beat.message}`);
          continue;
        }
        const known = this.#tracker.beat(beat.client, Date.now());
        this.#log(
          `heartbeat ${beat.client} seq ${beat.seq} ${beat.state}${
            known ? "" : " (unknown client)"
          }`,
        );
        if (known) await this.#store.noteHeartbeat(this.#runId, beat.client, beat.atMs);
      }
    })().catch((error) => this.#log(`heartbeat listener failed: ${String(error)}`));
    const onAbort = () => this.#end("interrupted");
    signal?.addEventListener("abort", onAbort, { once: true });
    const timer = setInterval(() => void this.#tick(), TICK_MS);
    return ended.finally(() => {
      clearInterval(timer);
      signal?.removeEventListener("abort", onAbort);
      listener.close();
      heartbeats.close();
      for (const conn of this.#connections) {
        try {
          conn.close();
        } catch {
          // Already closed.
        }
      }
    });
  }

  #end(status: RunStatus): void {
    const end = this.#ended;
    this.#ended = null;
    end?.(status);
  }

  async #tick(): Promise<void> {
    const nowMs = Date.now();
    for (const id of this.#tracker.expired(nowMs)) {
      const client = this.#clients.get(id);
      if (client === undefined || client.done) continue;
      client.done = true;
      this.#log(`client ${id} is gone: no heartbeat for ${this.#settings.misses} intervals`);
      await this.#store.setClientState(this.#runId, id, "gone", nowMs);
      await this.#store.addEvent(this.#runId, {
        clientId: id,
        seq: null,
        atMs: nowMs,
        receivedAtMs: nowMs,
        kind: "gone",
        detail: { misses: this.#settings.misses },
      });
    }
    if (this.#clients.size === 0) {
      if (nowMs - this.#startMs >= this.#settings.idleTimeoutMs) this.#end("idle");
    } else if ([...this.#clients.values()].every((client) => client.done)) {
      this.#end("done");
    }
  }

  async #reject(
    conn: Deno.Conn,
    from: string,
    code: ProtocolErrorCode,
    message: string,
    clientId: string | null,
  ): Promise<void> {
    this.rejected++;
    this.#log(
      `connection ${from}${clientId === null ? "" : ` (${clientId})`} closed: ${code}: ${message}`,
    );
    await conn.write(
      new TextEncoder().encode(encodeMessage({ v: 1, type: "error", code, message })),
    )
      .catch(() => {});
    await lingeringClose(conn);
    const nowMs = Date.now();
    await this.#store.addEvent(this.#runId, {
      clientId,
      seq: null,
      atMs: nowMs,
      receivedAtMs: nowMs,
      kind: "rejected",
      detail: { from, code, message },
    }).catch((error) => this.#log(`cannot store the rejection: ${String(error)}`));
  }

  async #serve(conn: Deno.Conn): Promise<void> {
    const remote = conn.remoteAddr as Deno.NetAddr;
    const from = `${remote.hostname}:${remote.port}`;
    const encoder = new TextEncoder();
    const splitter = new LineSplitter();
    const buffer = new Uint8Array(16384);
    let client: ClientEntry | null = null;
    this.#log(`connection from ${from}`);
    const helloTimer = setTimeout(() => {
      if (client === null) {
        void this.#reject(conn, from, "not_hello", "no hello within 10 s", null).finally(() =>
          conn.close()
        );
      }
    }, HELLO_TIMEOUT_MS);
    try {
      reading: while (true) {
        const read = await conn.read(buffer).catch(() => null);
        if (read === null) break;
        const { lines, problem } = splitter.push(buffer.subarray(0, read));
        for (const line of lines) {
          const message = parseClientMessage(line);
          if (isProtocolProblem(message)) {
            await this.#reject(conn, from, message.code, message.message, client?.id ?? null);
            break reading;
          }
          if (client === null) {
            if (message.type !== "hello") {
              await this.#reject(
                conn,
                from,
                "not_hello",
                "the first message must be a hello",
                null,
              );
              break reading;
            }
            client = await this.#admit(conn, from, message);
            if (client === null) break reading;
            continue;
          }
          if (message.type === "hello") {
            await this.#reject(conn, from, "bad_message", "a second hello", client.id);
            break reading;
          }
          // A record is a sign of life too: a busy client is not gone for a late heartbeat.
          if (!client.done) this.#tracker.beat(client.id, Date.now());
          await this.#store_(client, message);
          await conn.write(encoder.encode(encodeMessage({ v: 1, type: "ack", seq: message.seq })));
          if (message.type === "bye") {
            client.done = true;
            this.#tracker.finish(client.id);
            this.#log(`client ${client.id} finished`);
            break reading;
          }
        }
        if (problem !== null) {
          await this.#reject(conn, from, problem.code, problem.message, client?.id ?? null);
          break;
        }
      }
    } catch (error) {
      this.#log(`connection ${from} failed: ${String(error).split("\n")[0]}`);
    } finally {
      clearTimeout(helloTimer);
      try {
        conn.close();
      } catch {
        // Already closed.
      }
      if (client !== null && !client.done) {
        const nowMs = Date.now();
        this.#log(`client ${client.id} disconnected without a bye; waiting for its heartbeats`);
        await this.#store.addEvent(this.#runId, {
          clientId: client.id,
          seq: null,
          atMs: nowMs,
          receivedAtMs: nowMs,
          kind: "disconnected",
          detail: { from },
        }).catch(() => {});
      }
    }
  }

  async #admit(conn: Deno.Conn, from: string, hello: HelloMessage): Promise<ClientEntry | null> {
    if (this.#settings.token !== undefined && hello.token !== this.#settings.token) {
      await this.#reject(conn, from, "bad_token", "the token does not match", hello.client);
      return null;
    }
    const nowMs = Date.now();
    const added = await this.#store.addClient(this.#runId, {
      clientId: hello.client,
      host: hello.host,
      pid: hello.pid,
      config: hello.config,
      connectedAtMs: nowMs,
    });
    if (!added) {
      await this.#reject(
        conn,
        from,
        "bad_message",
        `client id "${hello.client}" is already in this run`,
        null,
      );
      return null;
    }
    const entry: ClientEntry = { id: hello.client, done: false };
    this.#clients.set(hello.client, entry);
    this.#tracker.register(hello.client, hello.config.heartbeatMs, nowMs);
    this.#log(
      `client ${hello.client} joined from ${from} (host ${hello.host}, pid ${hello.pid}, chunk ${hello.config.chunkBytes} B, file ${hello.config.fileBytes} B, fsync ${hello.config.fsync})`,
    );
    await conn.write(
      new TextEncoder().encode(
        encodeMessage({
          v: 1,
          type: "welcome",
          run: this.#runId,
          client: hello.client,
          heartbeatMisses: this.#settings.misses,
        }),
      ),
    );
    return entry;
  }

  async #store_(client: ClientEntry, message: Exclude<ClientMessage, HelloMessage>): Promise<void> {
    const receivedAtMs = Date.now();
    if (message.type === "sample") {
      await this.#store.addSample(this.#runId, {
        clientId: client.id,
        seq: message.seq,
        atMs: message.atMs,
        receivedAtMs,
        cpuPercent: message.cpuPercent,
        userMs: message.userMs,
        sysMs: message.sysMs,
        rssBytes: message.rssBytes,
        bytesWritten: message.bytesWritten,
        chunks: message.chunks,
        intervalMs: message.intervalMs,
        histogram: message.histogram,
      });
      this.#log(
        `client ${client.id} sample: writer cpu ${message.cpuPercent.toFixed(1)}%, rss ${
          formatSize(message.rssBytes)
        }, ${
          formatSize(message.bytesWritten, { system: "decimal" })
        } in ${message.chunks} chunks so far`,
      );
      return;
    }
    const kind = message.type === "bye" ? "bye" : message.kind;
    const detail = message.type === "bye" ? {} : message.detail;
    await this.#store.addEvent(this.#runId, {
      clientId: client.id,
      seq: message.seq,
      atMs: message.atMs,
      receivedAtMs,
      kind,
      detail,
    });
    if (message.type === "event") {
      this.#log(`client ${client.id} ${message.kind}: ${JSON.stringify(detail)}`);
    }
    if (message.type === "bye") {
      await this.#store.setClientState(this.#runId, client.id, "finished", receivedAtMs);
    }
  }
}

/**
 * Half-closes a connection and reads what the peer still sends, for at most 1 s or 64 KiB, so
 * that closing it does not reset it before the peer has read the last answer (a close with unread
 * input sends a reset).
 */
async function lingeringClose(conn: Deno.Conn): Promise<void> {
  try {
    await conn.closeWrite();
  } catch {
    return;
  }
  const buffer = new Uint8Array(4096);
  let total = 0;
  const timer = setTimeout(() => {
    try {
      conn.close();
    } catch {
      // Already closed.
    }
  }, LINGER_MS);
  try {
    while (total < 65536) {
      const read = await conn.read(buffer).catch(() => null);
      if (read === null) break;
      total += read;
    }
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Runs `stress disk server` until the run is over.
 *
 * @param args The arguments after `disk server`.
 * @param io Where the log lines and the report go.
 * @param options The abort signal (SIGINT), and a callback told the TCP port once listening.
 * @returns 0 when the report was written.
 * @throws {UsageError} On bad options.
 * @throws {TargetError} When the database or a port cannot be opened, or no client came.
 * @throws {InterruptedError} When interrupted (after the report of what was stored).
 *
 * @example Usage
 * ```ts ignore
 * await diskServerCommand(["--hb-address", "239.0.0.1", "--hb-port", "10001", "--tcp-port", "42000"], io);
 * ```
 */
export async function diskServerCommand(
  args: readonly string[],
  io: CommandIo,
  options: { signal?: AbortSignal; onListening?: (port: number, runId: number) => void } = {},
): Promise<number> {
  const { values, positionals } = parseFlags("disk server", args, {
    "hb-address": { type: "string" },
    "hb-port": { type: "string" },
    "tcp-port": { type: "string" },
    host: { type: "string", default: "0.0.0.0" },
    interface: { type: "string", default: "0.0.0.0" },
    db: { type: "string", default: "runs.sqlite" },
    log: { type: "string" },
    "idle-timeout": { type: "string", default: "30s" },
    "hb-misses": { type: "string", default: "3" },
    token: { type: "string" },
    report: { type: "string" },
    help: { type: "boolean", short: "h" },
  });
  if (values.help) {
    printText(io, DISK_SERVER_HELP);
    return 0;
  }
  rejectPositionals("disk server", positionals);
  const settings = settingsOf(values);
  const logFile = settings.logPath === null ? null : TextFile.create(settings.logPath, "--log");
  const log = (text: string) => {
    const line = `${new Date().toISOString()} server: ${text}`;
    io.out(line);
    logFile?.writeLine(line);
  };
  const store = await openRunStore(settings.db);
  try {
    let listener: Deno.Listener;
    try {
      listener = Deno.listen({ hostname: settings.host, port: settings.tcpPort });
    } catch (error) {
      throw new TargetError(
        `Cannot listen on ${settings.host}:${settings.tcpPort}: ${String(error).split("\n")[0]}`,
        { cause: error },
      );
    }
    let heartbeats: HeartbeatListener;
    try {
      heartbeats = await HeartbeatListener.open({
        address: settings.hbAddress,
        port: settings.hbPort,
        interfaceAddress: settings.interfaceAddress,
      });
    } catch (error) {
      listener.close();
      throw new TargetError(
        `Cannot join ${settings.hbAddress}:${settings.hbPort} on ${settings.interfaceAddress}: ${
          String(error).split("\n")[0]
        }`,
        { cause: error },
      );
    }
    const tcpPort = (listener.addr as Deno.NetAddr).port;
    const runId = await store.createRun({
      startedAtMs: Date.now(),
      tcpPort,
      hbAddress: settings.hbAddress,
      hbPort: settings.hbPort,
    });
    log(
      `run ${runId}: listening on ${settings.host}:${tcpPort}, heartbeats on ${settings.hbAddress}:${settings.hbPort} (interface ${settings.interfaceAddress}), database ${store.target}`,
    );
    options.onListening?.(tcpPort, runId);
    const server = new DiskServer(settings, store, runId, log);
    const status = await server.run(listener, heartbeats, options.signal);
    const loaded = await store.loadRun(runId);
    const endedAtMs = Date.now();
    const report = loaded === null
      ? null
      : createDiskReport({ ...loaded, run: { ...loaded.run, endedAtMs, status } });
    const reportJson = report === null ? null : JSON.stringify(report, null, 2);
    await store.finishRun(runId, { endedAtMs, status, reportJson });
    if (status === "idle") {
      throw new CheckFailedError(
        `Cannot write a report for run ${runId}: no client came within ${
          settings.idleTimeoutMs / 1000
        } s`,
      );
    }
    if (report !== null) {
      io.out("");
      for (const line of formatDiskReport(report)) io.out(line);
      if (settings.reportPath !== null) {
        const file = TextFile.create(settings.reportPath, "--report");
        file.write(reportJson + "\n");
        file.close();
      }
    }
    if (status === "interrupted") {
      throw new InterruptedError("Server interrupted: the report above covers what was stored");
    }
    return 0;
  } finally {
    await store.close();
    logFile?.close();
  }
}
