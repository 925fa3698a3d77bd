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
  /** The `--hdr-log` writer, or null. */
  readonly hdr: HdrLogWriter | null;
  /** The `--results` file, or null. */
  readonly resultsFile: TextFile | null;

  private constructor(parts: {
    pageStop: PageStop;
    live: LiveEndpoints | null;
    input: ReadableStream<Uint8Array>;
    hdr: HdrLogWriter | null;
    resultsFile: TextFile | null;
  }) {
    this.pageStop = parts.pageStop;
    this.live = parts.live;
    this.input = parts.input;
    this.hdr = parts.hdr;
    this.resultsFile = parts.resultsFile;
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
    let input: ReadableStream<Uint8Array>;
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
      await live?.close();
      throw error;
    }
    return new QueryRunOutputs({ pageStop, live, input, hdr, resultsFile });
  }

  /** Closes the files and the endpoints after the run failed. */
  async closeAfterError(): Promise<void> {
    this.hdr?.close();
    this.resultsFile?.close();
    await this.live?.close();
  }

  /** Tells the live page how the run ended, then closes the endpoints and the files. */
  async closeAtEnd(): Promise<void> {
    this.live?.runEnded(this.pageStop.fromPage ? "stopped from the live page" : null);
    await this.live?.close();
    this.hdr?.close();
    this.resultsFile?.close();
  }
}
