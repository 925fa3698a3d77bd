/**
 * Private helper of `disk_client.ts`: the writer, its own process
 * (`driver/disk_writer_main.ts`), so that its CPU and memory can be sampled alone.
 *
 * @module
 */

import { isBundled, workerEntryUrl } from "../engine/worker_entry_url.ts";
import type { ClientSettings } from "./_disk_client_settings.ts";
import { dataPrefixOf } from "./_disk_client_files.ts";

/** The writer process: its report lines on stdout, its stdin held open while the client lives. */
export class WriterProcess {
  readonly #child: Deno.ChildProcess;
  readonly #stdin: WritableStreamDefaultWriter<Uint8Array>;

  private constructor(child: Deno.ChildProcess) {
    this.#child = child;
    this.#stdin = child.stdin.getWriter();
  }

  /**
   * Starts the writer with the run's settings.
   *
   * @param settings The directory, client id (in the file names), sizes, fsync policy, run
   * time, free-space floor and sample interval.
   * @returns The running writer.
   */
  static spawn(settings: ClientSettings): WriterProcess {
    // From the bundle (`deno task bundle`), `dist/disk_writer_main.js` next to `dist/stress.js`.
    const writerUrl = new URL(workerEntryUrl("./driver/disk_writer_main.ts", import.meta.url));
    const bundled = isBundled(import.meta.url);
    const child = new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "-A",
        "--quiet",
        ...(bundled ? ["--no-config"] : []),
        writerUrl.href,
        JSON.stringify({
          dir: settings.path,
          prefix: dataPrefixOf(settings.id),
          chunkBytes: settings.chunkBytes,
          fileBytes: settings.fileBytes,
          fsync: settings.fsync,
          runTimeMs: settings.runTimeMs,
          minFree: settings.minFree,
          statsMs: Math.min(200, settings.statsEveryMs / 4),
        }),
      ],
      // Its stdin stays open while the client lives: the writer stops when it ends.
      stdin: "piped",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    return new WriterProcess(child);
  }

  /** The writer's process id. */
  get pid(): number {
    return this.#child.pid;
  }

  /** The writer's report lines, one JSON object a line. */
  get stdout(): ReadableStream<Uint8Array> {
    return this.#child.stdout;
  }

  /** Resolves when the writer has exited. */
  get status(): Promise<Deno.CommandStatus> {
    return this.#child.status;
  }

  /** Closes the writer's stdin: it exits after its last line (closing twice does nothing). */
  release(): void {
    this.#stdin.close().catch(() => {});
  }

  /** Asks the writer to stop between chunks (SIGTERM); does nothing when it is gone. */
  stop(): void {
    try {
      this.#child.kill("SIGTERM");
    } catch {
      // Already gone.
    }
  }

  /**
   * Why the writer failed, from its stderr (see {@linkcode writerFailureOf}).
   *
   * @param status How it exited.
   * @returns One line.
   */
  async failure(status: Deno.CommandStatus): Promise<string> {
    const stderr = new TextDecoder().decode(await new Response(this.#child.stderr).arrayBuffer());
    return writerFailureOf(stderr, status.code);
  }

  /** Discards the writer's stderr. */
  async discardStderr(): Promise<void> {
    await this.#child.stderr.cancel();
  }
}

/**
 * Why a writer process failed: the message of Deno's `error: ...` line in its stderr (without
 * colours), not the stack backtrace after it; else the last line; else the exit code.
 *
 * @param stderr What the writer wrote on stderr.
 * @param code Its exit code.
 * @returns One line.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { writerFailureOf } from "./_disk_client_writer.ts";
 * const stderr = "error: Import 'x' failed\n\nStack backtrace:\n   0: <unknown>\n";
 * assert.equal(writerFailureOf(stderr, 1), "Import 'x' failed");
 * assert.equal(writerFailureOf("", 3), "exit 3");
 * ```
 */
export function writerFailureOf(stderr: string, code: number): string {
  // deno-lint-ignore no-control-regex
  const lines = stderr.replace(/\x1b\[[0-9;]*m/g, "").split("\n").map((line) => line.trim())
    .filter((line) => line !== "");
  const error = lines.find((line) => line.startsWith("error:"));
  return error?.replace(/^error:\s*/, "") ?? lines.at(-1) ?? `exit ${code}`;
}
