/**
 * Private helper of `query_run.ts`: what a run reads and writes besides the database, opened
 * in order (the live endpoints first, so a taken port truncates no file) and closed together.
 *
 * @module
 */

import { LiveEndpoints, PageStop } from "../live/live_endpoints.ts";
import type { CommandIo } from "../cli/command_io.ts";
import { HdrLogWriter } from "../cli/hdr_log_writer.ts";
import { TextFile } from "../cli/text_file.ts";
import { QueryRunWriteGuard } from "./_query_run_files.ts";
import { openQueryInput } from "./_query_run_open_input.ts";
import type { QueryRunSettings } from "./_query_run_settings.ts";

/** The live endpoints, the input, the HDR log and the results file of one run. */
export class QueryRunOutputs {
  /** The page's Stop joined with the command's signal: it ends the input as Ctrl-C does. */
  readonly pageStop: PageStop;
  /** The `--prometheus` and `--web` endpoints, or null without them. */
  readonly live: LiveEndpoints | null;
  /** The query parameters. */
  readonly input: ReadableStream<Uint8Array>;
  /** The first write error of the files; its signal stops the run. */
  readonly writeGuard: QueryRunWriteGuard;
  /** The `--hdr-log` writer (its write errors go to `writeGuard`), or null. */
  readonly hdr: Pick<HdrLogWriter, "writeInterval"> | null;
  /** The `--results` file (its write errors go to `writeGuard`), or null. */
  readonly resultsFile: Pick<TextFile, "writeLine"> | null;
  readonly #hdr: HdrLogWriter | null;
  readonly #resultsFile: TextFile | null;
  readonly #settings: QueryRunSettings;

  private constructor(parts: {
    settings: QueryRunSettings;
    pageStop: PageStop;
    live: LiveEndpoints | null;
    input: ReadableStream<Uint8Array>;
    hdr: HdrLogWriter | null;
    resultsFile: TextFile | null;
  }) {
    this.#settings = parts.settings;
    this.pageStop = parts.pageStop;
    this.live = parts.live;
    this.input = parts.input;
    this.writeGuard = new QueryRunWriteGuard();
    this.#hdr = parts.hdr;
    this.#resultsFile = parts.resultsFile;
    const guard = this.writeGuard;
    const { hdrPath, resultsPath } = parts.settings;
    const hdr = parts.hdr;
    const results = parts.resultsFile;
    this.hdr = hdr === null ? null : {
      writeInterval: (report) =>
        guard.write("--hdr-log", hdrPath!, () => hdr.writeInterval(report)),
    };
    this.resultsFile = results === null ? null : {
      writeLine: (line) => guard.write("--results", resultsPath!, () => results.writeLine(line)),
    };
  }

  /**
   * Binds the live endpoints, then opens the input, the HDR log and the results file; when
   * one fails, closes what was opened.
   *
   * @param settings The run's settings.
   * @param io Where the endpoints print their addresses.
   * @param options The command's signal and standard input.
   * @returns The opened outputs.
   * @throws {UsageError} When an address is taken or a file cannot be opened.
   */
  static async open(
    settings: QueryRunSettings,
    io: CommandIo,
    options: { signal?: AbortSignal; stdin?: ReadableStream<Uint8Array> },
  ): Promise<QueryRunOutputs> {
    // The page's Stop ends the input as Ctrl-C does (also while stdin is quiet).
    const pageStop = new PageStop(options.signal);
    // The endpoints are bound before any file is created, so a taken port truncates nothing.
    const live = await LiveEndpoints.start({
      command: "query run",
      title: "stress query run",
      prometheus: settings.prometheus,
      web: settings.web,
      names: { prometheus: "--prometheus", web: "--web" },
      onStop: () => pageStop.stop(),
    }, io);
    let hdr: HdrLogWriter | null = null;
    let resultsFile: TextFile | null = null;
    let input: ReadableStream<Uint8Array> | null = null;
    try {
      input = await openQueryInput(settings, options.stdin);
      if (settings.hdrPath !== null) {
        hdr = new HdrLogWriter(settings.hdrPath, {
          purpose: "--hdr-log",
          comment: "stress query run",
        });
      }
      if (settings.resultsPath !== null) {
        resultsFile = TextFile.create(settings.resultsPath, "--results");
      }
    } catch (error) {
      hdr?.close();
      if (settings.file !== null) await input?.cancel().catch(() => {});
      await live?.close();
      throw error;
    }
    return new QueryRunOutputs({ settings, pageStop, live, input, hdr, resultsFile });
  }

  /** Closes the files and the endpoints after the run failed. */
  async closeAfterError(): Promise<void> {
    this.#closeFiles();
    await this.live?.close();
  }

  /** Tells the live page how the run ended, then closes the endpoints and the files. */
  async closeAtEnd(): Promise<void> {
    this.live?.runEnded(this.pageStop.fromPage ? "stopped from the live page" : null);
    await this.live?.close();
    this.#closeFiles();
  }

  /** Closes the files (an HDR log with no interval gets its header); errors go to the guard. */
  #closeFiles(): void {
    const { hdrPath, resultsPath } = this.#settings;
    const hdr = this.#hdr;
    const results = this.#resultsFile;
    if (hdr !== null) this.writeGuard.close("--hdr-log", hdrPath!, () => hdr.close());
    if (results !== null) this.writeGuard.close("--results", resultsPath!, () => results.close());
  }
}
