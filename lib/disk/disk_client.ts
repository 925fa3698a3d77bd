/**
 * `stress disk client`: joins the server, measures the write speed of a local disk, refuses a
 * run that cannot roll its file over twice, then runs three parts at once: the writer (its own process), the
 * monitor (the writer's CPU and memory, about every `--stats-every`) and the heartbeat (UDP
 * multicast, every `--heartbeat`), and reports start, rollovers, samples and stop to the
 * server over TCP (protocol v1, see `lib/disk/disk_protocol.ts`).
 *
 * @module
 */

import { InterruptedError } from "../errors.ts";
import type { CommandIo } from "../cli/command_io.ts";
import { parseCommandFlags } from "../cli/parse_flags.ts";
import { TextFile } from "../cli/text_file.ts";
import { LiveEndpoints, PageStop } from "../live/live_endpoints.ts";
import { settingsOf } from "./_disk_client_settings.ts";
import { refuseLogAmongOwnFiles } from "./_disk_client_files.ts";
import { runClient } from "./_disk_client_run.ts";
import { LogSink } from "./_disk_log_sink.ts";

/** The help text of `stress disk client`. */
export const DISK_CLIENT_HELP: string =
  `Usage: stress disk client --server HOST:PORT --hb-address GROUP --hb-port PORT [options]

Measures the write performance of a local disk and reports it to a stress disk server. First it
joins the server, then writes for 5% of the run time (0.25 s to 1 s) to measure the disk, with
the same chunk size, fsync policy and --min-free, removes those files, and refuses to run (exit
2) when the run time cannot roll the data file over at least twice (--min-rollovers). Then the
writer (its own process) writes chunks of random bytes; a file holds whole chunks and is rolled
over before the next chunk would take it past --file-size. The monitor samples the writer's CPU
and memory every --stats-every; the heartbeat goes to the multicast group every --heartbeat.
Start, rollovers, samples and stop are logged and sent. A full disk (--min-free, or the file
system says so) ends the run as disk_full, reported as any other end.

Options:
  --server HOST:PORT   the server's TCP address (required)
  --hb-address GROUP   the heartbeat multicast group, e.g. 239.0.0.1 (required)
  --hb-port PORT       the heartbeat UDP port (required)
  --interface ADDR     the interface address heartbeats are sent from (default 0.0.0.0)
  --id ID              this client's id (default HOST-PID)
  --chunk SIZE         bytes per write (default 10M, at most 1GiB and --file-size);
                       K/M/G = 1000^n, KiB/MiB/GiB = 1024^n
  --file-size SIZE     the largest data file: whole chunks up to this size (default 20M)
  --run-time DURATION  how long to write (default 10s); units ms, s, m, h
  --min-rollovers N    the rollovers the measured speed must promise in the run time, else the
                       run is refused (default 2; 0: never refused)
  --path DIR           where the data files go (default ./stress-disk-ID)
  --heartbeat DURATION heartbeat interval (default 5s, at least 100ms)
  --stats-every DURATION  CPU/memory sample interval (default 10s, at least 100ms)
  --fsync POLICY       chunk (fdatasync after every chunk), file (before each rollover, default)
                       or never
  --min-free SIZE|N%   stop before the file system has less free space than this (default 5%)
  --token TOKEN        the server's token, if it has one
  --log FILE           also write the log lines to FILE
  --prometheus ADDR    serve each sample's chunk writes (op WRITE: count, rate, latency) at
                       http://ADDR/metrics ([HOST:]PORT; a bare port binds 127.0.0.1)
  --web ADDR           serve the live page (charts per sample, and a Stop button) at http://ADDR/
  --cleanup            remove the data files at the end (they are kept by default)
  --fail-if-limited    exit 4 when the load generator itself was a limit of the run (the
                       Loader: line after stop says ok or limited, and why)
  -h, --help           this help

Exit: 0 done, 1 the server connection was lost (the local run still completes), 2 bad options
or an infeasible run, 3 the server cannot be reached or refused the client, 4 the loader was a
limit (--fail-if-limited), 130 interrupted.`;

/**
 * Runs `stress disk client`.
 *
 * @param args The arguments after `disk client`.
 * @param io Where the log lines go.
 * @param options The abort signal (SIGINT).
 * @returns 0 when the run completed and every record was acknowledged, 1 when the server was
 * lost on the way.
 * @throws {UsageError} On bad options or an infeasible run.
 * @throws {TargetError} When the server cannot be reached or refuses the client.
 * @throws {InterruptedError} When interrupted (after a clean stop).
 *
 * @example Usage
 * ```ts ignore
 * await diskClientCommand(["--server", "127.0.0.1:42000", "--hb-address", "239.0.0.1", "--hb-port", "10001"], io);
 * ```
 */
export async function diskClientCommand(
  args: readonly string[],
  io: CommandIo,
  options: { signal?: AbortSignal } = {},
): Promise<number> {
  const values = parseCommandFlags("disk client", args, {
    server: { type: "string" },
    "hb-address": { type: "string" },
    "hb-port": { type: "string" },
    interface: { type: "string", default: "0.0.0.0" },
    id: { type: "string" },
    chunk: { type: "string", default: "10M" },
    "file-size": { type: "string", default: "20M" },
    "run-time": { type: "string", default: "10s" },
    "min-rollovers": { type: "string", default: "2" },
    path: { type: "string" },
    heartbeat: { type: "string", default: "5s" },
    "stats-every": { type: "string", default: "10s" },
    fsync: { type: "string", default: "file" },
    "min-free": { type: "string", default: "5%" },
    token: { type: "string" },
    log: { type: "string" },
    cleanup: { type: "boolean" },
    "fail-if-limited": { type: "boolean" },
    prometheus: { type: "string" },
    web: { type: "string" },
  }, { io, help: DISK_CLIENT_HELP });
  if (values === null) return 0;
  const settings = settingsOf(values);
  refuseLogAmongOwnFiles(settings.logPath, settings);
  // The live page's Stop ends the run as Ctrl-C does.
  const pageStop = new PageStop(options.signal);
  // The endpoints bind first: a taken port fails before the log file is created.
  const live = await LiveEndpoints.start({
    command: "disk client",
    title: "stress disk client",
    prometheus: settings.prometheus,
    web: settings.web,
    names: { prometheus: "--prometheus", web: "--web" },
    onStop: () => pageStop.stop(),
  }, io);
  let sink: LogSink | null = null;
  try {
    const file = settings.logPath === null ? null : TextFile.create(settings.logPath, "--log");
    const lines = sink = new LogSink(io, file);
    const log = (text: string) =>
      lines.line(`${new Date().toISOString()} client ${settings.id}: ${text}`);
    return await runClient(settings, { log, signal: pageStop.signal, live });
  } catch (error) {
    if (error instanceof InterruptedError && pageStop.fromPage) {
      throw new InterruptedError(
        "Client stopped from the live page: the run was stopped and reported",
      );
    }
    throw error;
  } finally {
    live?.runEnded(pageStop.fromPage ? "stopped from the live page" : null);
    sink?.close();
    await live?.close();
  }
}
