/**
 * `stress disk server`: accepts `stress disk client` connections over TCP (protocol v1,
 * newline-delimited JSON, see `lib/disk/disk_protocol.ts`), listens for their heartbeats on UDP
 * multicast, stores every record in the run database before acknowledging it, marks clients
 * whose heartbeats stop as gone, and when every client is done writes the run's report and
 * exits.
 *
 * @module
 */

import type { CommandIo } from "../cli/command_io.ts";
import { parseCommandFlags } from "../cli/parse_flags.ts";
import { TextFile } from "../cli/text_file.ts";
import { openRunStore } from "./driver/run_store.ts";
import { settingsOf } from "./_disk_server_settings.ts";
import { openServerSockets } from "./_disk_server_listen.ts";
import { DiskServerRun } from "./_disk_server_run.ts";
import { reportServerRun } from "./_disk_server_report.ts";
import { checkServerFiles } from "./_disk_server_files.ts";
import { LogSink } from "./_disk_log_sink.ts";
import type { RunStore } from "./driver/run_store_types.ts";

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
  --report FILE        write the report as JSON to FILE too (its folder is checked at start)
  -h, --help           this help

--db, --log and --report must name three different files (a --log or --report on the database
would destroy its runs).

Exit: 0 report written, 1 no client came within --idle-timeout, 2 bad options or --report cannot
be written (after the report is printed and stored), 3 the database or a port cannot be opened,
130 interrupted (the report of what was stored is still written).`;

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
  const values = parseCommandFlags("disk server", args, {
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
  }, { io, help: DISK_SERVER_HELP });
  if (values === null) return 0;
  const settings = settingsOf(values);
  // Before anything is opened: --log or --report on the database would destroy its runs.
  checkServerFiles(settings);
  const logFile = settings.logPath === null ? null : TextFile.create(settings.logPath, "--log");
  const sink = new LogSink(io, logFile);
  const log = (text: string) => sink.line(`${new Date().toISOString()} server: ${text}`);
  let store: RunStore;
  try {
    store = await openRunStore(settings.db);
  } catch (error) {
    sink.close();
    throw error;
  }
  try {
    const { listener, heartbeats } = await openServerSockets(settings);
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
    const server = new DiskServerRun(settings, { store, runId, log });
    const status = await server.run(listener, { heartbeats, signal: options.signal });
    return await reportServerRun(store, { runId, status, settings, io });
  } finally {
    await store.close();
    sink.close();
  }
}
