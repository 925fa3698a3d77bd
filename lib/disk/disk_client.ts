/**
 * `stress disk client`: measures the write speed of a local disk, refuses a run that cannot
 * roll its file over twice, then runs three parts at once: the writer (its own process), the
 * monitor (the writer's CPU and memory, about every `--stats-every`) and the heartbeat (UDP
 * multicast, every `--heartbeat`), and reports start, rollovers, samples and stop to the
 * server over TCP (protocol v1, see `lib/disk/disk_protocol.ts`).
 *
 * @module
 */

import { InterruptedError, UsageError } from "../errors.ts";
import type { ClientMessage, StopReason } from "./disk_protocol.ts";
import { feasibilityMessage, rolloverPlan } from "./rollover_plan.ts";
import { DiskWriter, freeSpace } from "./driver/disk_writer.ts";
import { HeartbeatSender } from "./driver/heartbeat_socket.ts";
import { formatSize } from "../units/parse_size.ts";
import { LatencyHistogram } from "../stats/latency_histogram.ts";
import { OpWindow } from "../stats/op_window.ts";
import { type CommandIo, printText } from "../cli/command_io.ts";
import { LiveEndpoints, PageStop } from "../live/live_endpoints.ts";
import { Messenger } from "./_disk_client_messenger.ts";
import { type ClientSettings, settingsOf } from "./_disk_client_settings.ts";
import { parseFlags, rejectPositionals } from "../cli/parse_flags.ts";
import { TextFile } from "../cli/text_file.ts";

/** The help text of `stress disk client`. */
export const DISK_CLIENT_HELP: string =
  `Usage: stress disk client --server HOST:PORT --hb-address GROUP --hb-port PORT [options]

Measures the write performance of a local disk and reports it to a stress disk server. First it
writes for 5% of the run time (0.25 s to 1 s) to measure the disk, with the same chunk size and
fsync policy, and refuses to run (exit 2) when the run time cannot roll the data file over at least twice. Then the
writer (its own process) writes chunks of random bytes and rolls the file over at --file-size;
the monitor samples the writer's CPU and memory every --stats-every; the heartbeat goes to the
multicast group every --heartbeat. Start, rollovers, samples and stop are logged and sent.

Options:
  --server HOST:PORT   the server's TCP address (required)
  --hb-address GROUP   the heartbeat multicast group, e.g. 239.0.0.1 (required)
  --hb-port PORT       the heartbeat UDP port (required)
  --interface ADDR     the interface address heartbeats are sent from (default 0.0.0.0)
  --id ID              this client's id (default HOST-PID)
  --chunk SIZE         bytes per write (default 10M); K/M/G = 1000^n, KiB/MiB/GiB = 1024^n
  --file-size SIZE     roll the data file over at this size (default 20M)
  --run-time DURATION  how long to write (default 10s); units ms, s, m, h
  --path DIR           where the data files go (default ./stress-disk-ID)
  --heartbeat DURATION heartbeat interval (default 5s)
  --stats-every DURATION  CPU/memory sample interval (default 10s)
  --fsync POLICY       chunk (fdatasync after every chunk), file (before each rollover, default)
                       or never
  --min-free SIZE|N%   stop before the file system has less free space than this (default 5%)
  --token TOKEN        the server's token, if it has one
  --log FILE           also write the log lines to FILE
  --prometheus ADDR    serve each sample's chunk writes (op WRITE: count, rate, latency) at
                       http://ADDR/metrics ([HOST:]PORT; a bare port binds 127.0.0.1)
  --web ADDR           serve the live page (charts per sample, and a Stop button) at http://ADDR/
  --cleanup            remove the data files at the end (they are kept by default)
  -h, --help           this help

Exit: 0 done, 1 the server connection was lost (the local run still completes), 2 bad options
or an infeasible run, 3 the server cannot be reached or refused the client, 130 interrupted.`;

/** The speed probe writes for 5% of the run time, within these bounds (ms). */
const PROBE_MS = 1000;
const PROBE_MIN_MS = 250;
/** How long to wait for the server's acknowledgements at the end. */
const ACK_WAIT_MS = 10_000;

/** The writer process's CPU times (ms) and resident memory (bytes), from /proc (Linux). */
async function processUsage(
  pid: number,
): Promise<{ userMs: number; sysMs: number; rssBytes: number } | null> {
  try {
    const stat = await Deno.readTextFile(`/proc/${pid}/stat`);
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    // Fields 14 and 15 of stat (utime, stime) in clock ticks; Linux's USER_HZ is 100.
    const userMs = Number(fields[11]) * 10;
    const sysMs = Number(fields[12]) * 10;
    const status = await Deno.readTextFile(`/proc/${pid}/status`);
    const rss = /VmRSS:\s+(\d+)/.exec(status);
    if (rss === null) return null; // exited: a zombie has no memory to report
    const rssKb = Number(rss[1]);
    return { userMs, sysMs, rssBytes: rssKb * 1024 };
  } catch {
    return null;
  }
}

/**
 * Measures the write speed with the run's chunk size and fsync policy. Its files are removed
 * only after the run: deleting them (and the discards that may follow) would slow the run.
 */
async function measureSpeed(
  settings: ClientSettings,
): Promise<{ speed: number; files: readonly string[] }> {
  const outcome = await new DiskWriter({
    dir: settings.path,
    chunkBytes: settings.chunkBytes,
    fileBytes: settings.fileBytes,
    fsync: settings.fsync,
    runTimeMs: Math.min(PROBE_MS, Math.max(PROBE_MIN_MS, settings.runTimeMs / 20)),
    prefix: "stress-disk-probe",
  }).run();
  const seconds = Math.max(outcome.writingMs, 0.001) / 1000;
  return { speed: outcome.bytesWritten / seconds, files: outcome.files };
}

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
  const { values, positionals } = parseFlags("disk client", args, {
    server: { type: "string" },
    "hb-address": { type: "string" },
    "hb-port": { type: "string" },
    interface: { type: "string", default: "0.0.0.0" },
    id: { type: "string" },
    chunk: { type: "string", default: "10M" },
    "file-size": { type: "string", default: "20M" },
    "run-time": { type: "string", default: "10s" },
    path: { type: "string" },
    heartbeat: { type: "string", default: "5s" },
    "stats-every": { type: "string", default: "10s" },
    fsync: { type: "string", default: "file" },
    "min-free": { type: "string", default: "5%" },
    token: { type: "string" },
    log: { type: "string" },
    cleanup: { type: "boolean" },
    prometheus: { type: "string" },
    web: { type: "string" },
    help: { type: "boolean", short: "h" },
  });
  if (values.help) {
    printText(io, DISK_CLIENT_HELP);
    return 0;
  }
  rejectPositionals("disk client", positionals);
  const settings = settingsOf(values);
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
  let logFile: TextFile | null = null;
  try {
    logFile = settings.logPath === null ? null : TextFile.create(settings.logPath, "--log");
    const file = logFile;
    const log = (text: string) => {
      const line = `${new Date().toISOString()} client ${settings.id}: ${text}`;
      io.out(line);
      file?.writeLine(line);
    };
    return await runClient(settings, log, pageStop.signal, live);
  } catch (error) {
    if (error instanceof InterruptedError && pageStop.fromPage) {
      throw new InterruptedError(
        "Client stopped from the live page: the run was stopped and reported",
      );
    }
    throw error;
  } finally {
    live?.runEnded(pageStop.fromPage ? "stopped from the live page" : null);
    logFile?.close();
    await live?.close();
  }
}

async function runClient(
  settings: ClientSettings,
  log: (text: string) => void,
  signal: AbortSignal | undefined,
  live: LiveEndpoints | null,
): Promise<number> {
  await Deno.mkdir(settings.path, { recursive: true });
  const probe = await measureSpeed(settings);
  try {
    return await runMeasured(settings, probe.speed, log, signal, live);
  } finally {
    for (const file of probe.files) await Deno.remove(file).catch(() => {});
  }
}

async function runMeasured(
  settings: ClientSettings,
  speed: number,
  log: (text: string) => void,
  signal: AbortSignal | undefined,
  live: LiveEndpoints | null,
): Promise<number> {
  const plan = rolloverPlan({
    speedBytesPerSec: speed,
    chunkBytes: settings.chunkBytes,
    fileBytes: settings.fileBytes,
    runTimeMs: settings.runTimeMs,
  });
  if (!plan.feasible) {
    throw new UsageError(feasibilityMessage(plan, settings));
  }
  log(
    `measured ${formatSize(speed, { system: "decimal" })}/s with fsync ${settings.fsync}; ${
      settings.runTimeMs / 1000
    } s should give about ${plan.expectedRollovers} rollovers`,
  );
  const free = freeSpace(settings.path);
  if (plan.expectedBytes > free.bytes) {
    log(
      `warning: the run may write ${
        formatSize(plan.expectedBytes, { system: "decimal" })
      }, more than the ${
        formatSize(free.bytes, { system: "decimal" })
      } free: it will stop at --min-free`,
    );
  }

  const minFree = settings.minFree;
  const stop: { reason: StopReason } = { reason: "done" };
  let saidBye = false;
  const hello: ClientMessage = {
    v: 1,
    type: "hello",
    client: settings.id,
    ...(settings.token === undefined ? {} : { token: settings.token }),
    host: Deno.hostname(),
    pid: Deno.pid,
    config: {
      chunkBytes: settings.chunkBytes,
      fileBytes: settings.fileBytes,
      runTimeMs: settings.runTimeMs,
      path: settings.path,
      fsync: settings.fsync,
      heartbeatMs: settings.heartbeatMs,
      statsEveryMs: settings.statsEveryMs,
      minFreeBytes: "bytes" in minFree ? minFree.bytes : null,
      minFreePercent: "percent" in minFree ? minFree.percent : null,
    },
  };
  const { messenger, run } = await Messenger.open(settings, hello, (why) => {
    if (!saidBye) log(`server connection lost: ${why}; writing goes on locally`);
  });
  log(`joined run ${run} at ${settings.serverHost}:${settings.serverPort}`);
  const record = <T extends object>(fields: T) => {
    const seq = messenger.nextSeq();
    return messenger.send(
      { v: 1, seq, atMs: Date.now(), ...fields } as unknown as ClientMessage & { seq: number },
    );
  };

  // The heartbeat.
  const sender = HeartbeatSender.open({
    address: settings.hbAddress,
    port: settings.hbPort,
    interfaceAddress: settings.interfaceAddress,
  });
  let heartbeatSeq = 0;
  let state: "writing" | "stopping" = "writing";
  const beat = () => {
    sender.send(JSON.stringify({
      v: 1,
      type: "hb",
      client: settings.id,
      seq: ++heartbeatSeq,
      atMs: Date.now(),
      state,
    })).catch(() => {});
  };
  beat();
  const heartbeatTimer = setInterval(beat, settings.heartbeatMs);

  // The writer process.
  const writerUrl = new URL("./driver/disk_writer_main.ts", import.meta.url);
  const writer = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      "--quiet",
      writerUrl.href,
      JSON.stringify({
        dir: settings.path,
        chunkBytes: settings.chunkBytes,
        fileBytes: settings.fileBytes,
        fsync: settings.fsync,
        runTimeMs: settings.runTimeMs,
        minFree,
        statsMs: Math.min(200, settings.statsEveryMs / 4),
      }),
    ],
    // Its stdin stays open while the client lives: the writer stops when it ends.
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const writerStdin = writer.stdin.getWriter();
  const releaseWriter = () => writerStdin.close().catch(() => {});
  const onAbort = () => {
    stop.reason = "signal";
    try {
      writer.kill("SIGTERM");
    } catch {
      // Already gone.
    }
  };
  signal?.addEventListener("abort", onAbort, { once: true });
  await record({
    type: "event",
    kind: "start",
    detail: { speedBytesPerSec: speed, expectedRollovers: plan.expectedRollovers },
  });
  log(
    `start: ${formatSize(settings.chunkBytes, { system: "decimal" })} chunks, ${
      formatSize(settings.fileBytes, { system: "decimal" })
    } files, fsync ${settings.fsync}, ${
      settings.runTimeMs / 1000
    } s, in ${settings.path} (writer pid ${writer.pid})`,
  );

  // The monitor: the writer's CPU and memory with the chunk times since the last sample.
  const pending = new LatencyHistogram();
  // The live endpoints see each sample as one interval of op WRITE (a chunk write).
  const startedMs = performance.now();
  const liveTotal = new OpWindow("WRITE", { scheduled: false });
  live?.runStarted(1);
  let pendingBytes = 0;
  let pendingChunks = 0;
  // Samples carry the totals since the start (protocol v1), so a lost sample loses no bytes.
  let sampledBytes = 0;
  let sampledChunks = 0;
  let lastUserMs = 0;
  let lastSysMs = 0;
  let totals: { bytesWritten: number; chunks: number; rollovers: number; elapsedMs?: number } = {
    bytesWritten: 0,
    chunks: 0,
    rollovers: 0,
  };
  let lastSampleMs = performance.now();
  let sampling: Promise<void> = Promise.resolve();
  // The writer's last reading before it exits: the final sample falls back on it.
  let finalUsage: Awaited<ReturnType<typeof processUsage>> = null;
  const sample = async () => {
    const usage = (await processUsage(writer.pid)) ?? finalUsage;
    const nowMs = performance.now();
    const intervalMs = nowMs - lastSampleMs;
    lastSampleMs = nowMs;
    // CPU time over the interval; /proc gives the totals since the writer started.
    // (The fallback reading may be older than the last sample: never count time backwards.)
    const userMs = Math.max(usage?.userMs ?? 0, lastUserMs);
    const sysMs = Math.max(usage?.sysMs ?? 0, lastSysMs);
    const cpuTimes = { userMs: userMs - lastUserMs, sysMs: sysMs - lastSysMs };
    lastUserMs = userMs;
    lastSysMs = sysMs;
    const cpuPercent = intervalMs > 0 ? (100 * (cpuTimes.userMs + cpuTimes.sysMs)) / intervalMs : 0;
    const histogram = pending.encodeCompressedBase64();
    const p50 = pending.totalCount > 0 ? pending.valueAtPercentile(50) / 1e6 : 0;
    if (live !== null) {
      const window = new OpWindow("WRITE", { scheduled: false });
      window.ops = pendingChunks;
      window.service.add(pending);
      liveTotal.add(window);
      live.interval({
        windows: [window],
        totals: [liveTotal],
        lengthSec: intervalMs / 1000,
        elapsedSec: (nowMs - startedMs) / 1000,
        atMs: Date.now(),
        users: 1,
        useResponseTime: false,
      });
    }
    const bytes = pendingBytes;
    const chunks = pendingChunks;
    pending.reset();
    pendingBytes = 0;
    pendingChunks = 0;
    if (usage !== null) {
      log(
        `sample: ${
          formatSize((bytes * 1000) / Math.max(1, intervalMs), { system: "decimal" })
        }/s, ${chunks} chunks (p50 ${p50.toFixed(2)} ms), writer cpu ${
          cpuPercent.toFixed(1)
        }%, rss ${formatSize(usage.rssBytes)}`,
      );
    }
    sampledBytes += bytes;
    sampledChunks += chunks;
    await record({
      type: "sample",
      cpuPercent,
      ...cpuTimes,
      rssBytes: usage?.rssBytes ?? 0,
      bytesWritten: sampledBytes,
      chunks: sampledChunks,
      intervalMs,
      histogram,
    });
  };
  const monitorTimer = setInterval(() => {
    sampling = sampling.then(sample);
  }, settings.statsEveryMs);

  // The writer's report lines.
  const decoder = new TextDecoderStream();
  let rest = "";
  let failure: string | null = null;
  const rolloverAcks: Promise<void>[] = [];
  for await (const text of writer.stdout.pipeThrough(decoder)) {
    const lines = (rest + text).split("\n");
    rest = lines.pop() ?? "";
    for (const line of lines) {
      if (line.trim() === "") continue;
      const message = JSON.parse(line) as Record<string, unknown> & { type: string };
      if (message.type === "stats") {
        pending.add(LatencyHistogram.fromCompressedBase64(message.histogram as string));
        pendingBytes += message.bytes as number;
        pendingChunks += message.chunks as number;
      } else if (message.type === "rollover") {
        const detail = {
          file: message.file as string,
          index: (message.index as number) + 1,
          bytes: message.bytes as number,
          durationMs: message.durationMs as number,
        };
        log(
          `rollover ${detail.index}: ${detail.file}, ${
            formatSize(detail.bytes, { system: "decimal" })
          } in ${detail.durationMs.toFixed(1)} ms`,
        );
        rolloverAcks.push(record({ type: "event", kind: "rollover", detail }));
      } else if (message.type === "stopped") {
        finalUsage = await processUsage(writer.pid);
        releaseWriter();
        totals = {
          bytesWritten: message.bytesWritten as number,
          chunks: message.chunks as number,
          rollovers: message.rollovers as number,
          elapsedMs: message.elapsedMs as number,
        };
        if (message.reason === "disk_full") stop.reason = "disk_full";
      } else if (message.type === "failed") {
        failure = message.message as string;
      }
    }
  }
  releaseWriter();
  const status = await writer.status;
  state = "stopping";
  clearInterval(monitorTimer);
  signal?.removeEventListener("abort", onAbort);
  await sampling;
  await sample();
  if (failure !== null || (!status.success && stop.reason !== "signal")) {
    stop.reason = "error";
    const stderr = new TextDecoder().decode(await new Response(writer.stderr).arrayBuffer());
    const why = failure ?? (stderr.trim().split("\n").at(-1) || `exit ${status.code}`);
    log(`error: the writer failed: ${why}`);
    await record({ type: "event", kind: "error", detail: { message: `writer: ${why}` } });
  } else {
    await writer.stderr.cancel();
  }
  await Promise.all(rolloverAcks);
  await record({ type: "event", kind: "stop", detail: { reason: stop.reason, ...totals } });
  const rate = totals.elapsedMs === undefined || totals.elapsedMs <= 0
    ? ""
    : ` (${formatSize(totals.bytesWritten / (totals.elapsedMs / 1000), { system: "decimal" })}/s)`;
  log(
    `stop: ${stop.reason}, ${
      formatSize(totals.bytesWritten, { system: "decimal" })
    } in ${totals.chunks} chunks${rate}, ${totals.rollovers} rollovers`,
  );
  saidBye = true;
  const bye = record({ type: "bye" });
  await Promise.race([bye, messenger.drain(ACK_WAIT_MS)]);
  clearInterval(heartbeatTimer);
  sender.close();
  const lost = messenger.lost;
  const unacknowledged = messenger.unacknowledged + messenger.unsent;
  await messenger.close();
  if (settings.cleanup) {
    for await (const entry of Deno.readDir(settings.path)) {
      if (/^stress-disk-\d+\.dat$/.test(entry.name)) {
        await Deno.remove(`${settings.path}/${entry.name}`).catch(() => {});
      }
    }
  }
  if (stop.reason === "signal") {
    throw new InterruptedError("Client interrupted: the run was stopped and reported");
  }
  if (unacknowledged > 0 && lost !== null) {
    log(`error: ${unacknowledged} records were not acknowledged by the server (${lost})`);
    return 1;
  }
  return stop.reason === "error" ? 1 : 0;
}
