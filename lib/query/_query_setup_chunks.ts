/**
 * Private helper of `query_setup.ts`: the rows to load as text chunks for COPY, generated or
 * read (and checked line by line) from the `--data` file.
 *
 * @module
 */

import { InterruptedError, UsageError } from "../errors.ts";
import { checkCpuUsageLine, generateCpuUsage } from "./cpu_usage.ts";

/** Joins generated lines into ~64 KiB chunks. */
export async function* generatedChunks(
  source: { hosts: number; days: number; seed: number },
  onRows: (rows: number) => void,
  signal: AbortSignal | undefined,
): AsyncGenerator<string> {
  let chunk = "";
  let rows = 0;
  for (const line of generateCpuUsage(source.hosts, source.days, { seed: source.seed })) {
    chunk += line + "\n";
    rows++;
    if (chunk.length >= 65536) {
      if (signal?.aborted) {
        throw new InterruptedError("Setup interrupted by SIGINT: nothing loaded");
      }
      yield chunk;
      chunk = "";
      onRows(rows);
    }
  }
  if (chunk !== "") yield chunk;
  onRows(rows);
}

/**
 * Reads the file as text chunks, checking every data line; a bad line, or no data line at all
 * (which would replace a table with nothing), is a usage error.
 */
export async function* fileChunks(
  source: { path: string; header: boolean },
  onBytes: (bytes: number) => void,
  signal: AbortSignal | undefined,
): AsyncGenerator<string> {
  using file = await Deno.open(source.path);
  const decoder = new TextDecoder();
  let bytes = 0;
  let lineNumber = 0;
  let rest = "";
  const check = (line: string) => {
    lineNumber++;
    if (lineNumber === 1 && source.header) return;
    const text = line.endsWith("\r") ? line.slice(0, -1) : line;
    const problem = checkCpuUsageLine(text);
    if (problem !== null) {
      throw new UsageError(
        `Cannot load --data "${source.path}": line ${lineNumber} "${
          text.slice(0, 80)
        }" is malformed, ${problem}`,
      );
    }
  };
  for await (const bytesChunk of file.readable) {
    if (signal?.aborted) throw new InterruptedError("Setup interrupted by SIGINT: nothing loaded");
    bytes += bytesChunk.length;
    const text = rest + decoder.decode(bytesChunk, { stream: true });
    const lastBreak = text.lastIndexOf("\n");
    if (lastBreak < 0) {
      rest = text;
      continue;
    }
    rest = text.slice(lastBreak + 1);
    const complete = text.slice(0, lastBreak + 1);
    const lines = complete.split("\n");
    lines.pop();
    for (const line of lines) check(line);
    yield complete;
    onBytes(bytes);
  }
  rest += decoder.decode();
  if (rest !== "" && rest !== "\r") {
    check(rest);
    yield rest + "\n";
  }
  if (lineNumber - (source.header ? 1 : 0) < 1) throw noRows(source.path);
}

/** The error of a `--data` file that holds no data line. */
export function noRows(path: string): UsageError {
  return new UsageError(
    `Cannot load --data "${path}": it has no rows, expected a CSV file with the columns ts,host,usage`,
  );
}
