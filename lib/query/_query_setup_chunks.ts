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
 * The longest `--data` line read, in characters: a longer one (a binary file) is refused rather
 * than grown until the runtime gives up.
 */
const MAX_LINE_CHARS = 65_536;

/** Whether a line holds nothing but spaces and tabs (and the CR of a CRLF). */
function isBlank(line: string): boolean {
  return /^[ \t\r]*$/.test(line);
}

/**
 * Reads the file as text chunks, checking every data line; a bad line, or no data line at all
 * (which would replace a table with nothing), is a usage error. Blank lines (a file that ends
 * with an empty line, say) are skipped: COPY would read them as rows of one empty field.
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
  let dataLines = 0;
  let rest = "";
  /** Checks a line; false for the header and blank lines, which COPY must not get. */
  const check = (line: string): boolean => {
    lineNumber++;
    if (lineNumber === 1 && source.header) return true;
    if (isBlank(line)) return false;
    dataLines++;
    const text = line.endsWith("\r") ? line.slice(0, -1) : line;
    const problem = checkCpuUsageLine(text);
    if (problem !== null) {
      throw new UsageError(
        `Cannot load --data "${source.path}": line ${lineNumber} "${
          text.slice(0, 80)
        }" is malformed, ${problem}`,
      );
    }
    return true;
  };
  for await (const bytesChunk of file.readable) {
    if (signal?.aborted) throw new InterruptedError("Setup interrupted by SIGINT: nothing loaded");
    bytes += bytesChunk.length;
    const text = rest + decoder.decode(bytesChunk, { stream: true });
    const lastBreak = text.lastIndexOf("\n");
    rest = text.slice(lastBreak + 1);
    if (rest.length > MAX_LINE_CHARS) {
      throw overLong(source.path, lineNumber + 1 + lineBreaks(text));
    }
    if (lastBreak < 0) continue;
    const complete = text.slice(0, lastBreak + 1);
    const lines = complete.split("\n");
    lines.pop();
    const kept = lines.filter(check);
    yield kept.length === lines.length ? complete : kept.map((line) => `${line}\n`).join("");
    onBytes(bytes);
  }
  rest += decoder.decode();
  if (check(rest)) yield rest + "\n";
  if (dataLines < 1) throw noRows(source.path);
}

/** How many LFs `text` holds. */
function lineBreaks(text: string): number {
  let count = 0;
  for (let at = text.indexOf("\n"); at >= 0; at = text.indexOf("\n", at + 1)) count++;
  return count;
}

/** The error of a `--data` line longer than {@linkcode MAX_LINE_CHARS}. */
function overLong(path: string, line: number): UsageError {
  return new UsageError(
    `Cannot load --data "${path}": line ${line} is longer than ${MAX_LINE_CHARS} characters, ` +
      "expected a CSV file with the columns ts,host,usage",
  );
}

/** The error of a `--data` file that holds no data line. */
export function noRows(path: string): UsageError {
  return new UsageError(
    `Cannot load --data "${path}": it has no rows, expected a CSV file with the columns ts,host,usage`,
  );
}
