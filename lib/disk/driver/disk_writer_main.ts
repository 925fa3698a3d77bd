/**
 * The writer process of `stress disk client`: runs {@linkcode DiskWriter} with the options given
 * as JSON in its first argument and reports on stdout, one JSON object per line:
 * `{"type":"started","pid":N}`, `{"type":"stats","atMs":T,"bytes":B,"chunks":C,"histogram":H}`
 * (chunk-write times in ns since the last stats line, HDR compressed base64) about every
 * `statsMs`, `{"type":"rollover",...}` at each rollover, and finally
 * `{"type":"stopped",...outcome}` or `{"type":"failed","message":M}`. SIGTERM and SIGINT stop it
 * between chunks, and so does the end of its stdin (the client is gone: no orphan writer goes
 * on filling the disk). After its last line it stays alive until its stdin ends (at most
 * 5 s), so the client can take a last reading of its CPU and memory. Not part of the library API.
 *
 * @module
 */

import { LatencyHistogram } from "../../stats/latency_histogram.ts";
import { DiskWriter, type DiskWriterOptions } from "./disk_writer.ts";
import { encodeCompressedBase64 } from "../../stats/hdr_codec.ts";

/** The JSON argument of the writer process. */
export interface WriterProcessOptions extends DiskWriterOptions {
  /** How often to print a stats line, ms. */
  readonly statsMs: number;
}

const encoder = new TextEncoder();

/** How long the writer waits, after its last line, for the client to close its stdin. */
const LINGER_MS = 5000;

function emit(message: Record<string, unknown>): void {
  const line = encoder.encode(JSON.stringify(message) + "\n");
  let offset = 0;
  while (offset < line.length) offset += Deno.stdout.writeSync(line.subarray(offset));
}

async function writerMain(options: WriterProcessOptions): Promise<number> {
  let stop = false;
  const onSignal = () => {
    stop = true;
  };
  Deno.addSignalListener("SIGTERM", onSignal);
  Deno.addSignalListener("SIGINT", onSignal);
  const stdinEnded = (async () => {
    const buffer = new Uint8Array(64);
    try {
      while ((await Deno.stdin.read(buffer)) !== null) {
        // The client sends nothing; only the end matters.
      }
    } catch {
      // A closed or broken pipe is an end too.
    }
    stop = true;
  })();
  const histogram = new LatencyHistogram();
  let bytes = 0;
  let chunks = 0;
  let lastStatsMs = performance.now();
  const flushStats = () => {
    emit({
      type: "stats",
      atMs: Date.now(),
      bytes,
      chunks,
      histogram: encodeCompressedBase64(histogram),
    });
    histogram.reset();
    bytes = 0;
    chunks = 0;
    lastStatsMs = performance.now();
  };
  emit({ type: "started", pid: Deno.pid });
  try {
    const outcome = await new DiskWriter(options).run({
      onChunk: (tookNs, size) => {
        histogram.recordValue(Math.max(1, Math.round(tookNs)));
        bytes += size;
        chunks++;
        if (performance.now() - lastStatsMs >= options.statsMs) flushStats();
      },
      onRollover: (rollover) => emit({ type: "rollover", atMs: Date.now(), ...rollover }),
      shouldStop: () => stop,
    });
    flushStats();
    emit({ type: "stopped", atMs: Date.now(), ...outcome, files: outcome.files.length });
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([
      stdinEnded,
      new Promise((resolve) => timer = setTimeout(resolve, LINGER_MS)),
    ]);
    clearTimeout(timer);
    return 0;
  } catch (error) {
    flushStats();
    emit({ type: "failed", atMs: Date.now(), message: String(error).split("\n")[0] });
    return 1;
  }
}

if (import.meta.main) {
  Deno.exitCode = await writerMain(JSON.parse(Deno.args[0]) as WriterProcessOptions);
}
