/**
 * A streaming reader of the query benchmark's parameter file: CSV rows of
 * `hostname,start_time,end_time`, parsed chunk by chunk into checked query windows.
 *
 * @module
 */

/** A parsed, valid row of the parameter file: one query to run. */
export interface QueryParamsRow {
  /** Marks a valid row. */
  readonly kind: "row";
  /** The 1-based line of the file on which the row starts (the header is line 1). */
  readonly line: number;
  /** The host name, exactly as written (not trimmed). */
  readonly host: string;
  /** The start of the window, inclusive, in milliseconds since the Unix epoch (UTC). */
  readonly startMs: number;
  /** The end of the window, exclusive, in milliseconds since the Unix epoch; always > `startMs`. */
  readonly endMs: number;
  /** The row as written, without its line terminator. */
  readonly text: string;
}

/** A malformed row of the parameter file, with a one-line explanation. */
export interface QueryParamsBadRow {
  /** Marks a malformed row. */
  readonly kind: "bad";
  /** The 1-based line of the file on which the row starts. */
  readonly line: number;
  /** The row as written, without its line terminator. */
  readonly text: string;
  /**
   * What is wrong, as one line that starts with the line number and quotes the row, for
   * example `line 7: "host_1,2017-01-01 00:00:00" has 2 columns, expected
   * hostname,start_time,end_time`. Control characters in the row are escaped, so this never
   * spans lines, and a row longer than 200 characters is cut there and marked with `...`.
   */
  readonly problem: string;
}

/** One item read from the parameter file: a valid row or a malformed one. */
export type QueryParamsItem = QueryParamsRow | QueryParamsBadRow;

const EXPECTED_COLUMNS = "hostname,start_time,end_time";
const HEADER = ["hostname", "start_time", "end_time"];
const TIME_FORMS = "YYYY-MM-DD HH:MM:SS (UTC) or ISO 8601 YYYY-MM-DDTHH:MM:SS[.fff][Z|±hh:mm]";
const TIMESTAMP =
  /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,3}))?(?:([Zz])|([+-])(\d{2})(?::?(\d{2}))?)?$/;
const MS_PER_MINUTE = 60_000;
/** How much of a bad row a problem quotes (a never-closed quote can swallow the whole file). */
const MAX_SHOWN_CHARS = 200;
/**
 * The longest record kept, in characters: a longer one (a binary file, a quote never closed in a
 * big file) is a bad row, and only this much of it is kept, instead of growing a string until
 * the runtime gives up.
 */
const MAX_RECORD_CHARS = 65_536;

const QUOTE = 34; // "
const COMMA = 44; // ,
const LF = 10;
const CR = 13;
const BOM = 0xfeff;

// Where the scanner is inside the current record.
/** At the start of a field (nothing of it read yet). */
const FIELD_START = 0;
/** Inside an unquoted field. */
const UNQUOTED = 1;
/** Inside a quoted field. */
const QUOTED = 2;
/** Just after a `"` inside a quoted field: an escaped quote, or the field's end. */
const QUOTE_IN_QUOTED = 3;
/** The record is already known to be malformed; skip to the end of the line. */
const BROKEN = 4;

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** Parses one timestamp to epoch milliseconds, or returns `undefined` when it is not valid. */
function parseTimestampMs(value: string): number | undefined {
  const match = TIMESTAMP.exec(value);
  if (match === null) return undefined;
  const year = Number(match[1]);
  const month = Number(match[2]);
  const day = Number(match[3]);
  const hour = Number(match[4]);
  const minute = Number(match[5]);
  const second = Number(match[6]);
  const millis = match[7] === undefined ? 0 : Number(match[7].padEnd(3, "0"));
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  let offsetMinutes = 0;
  if (match[9] !== undefined) {
    const offsetHours = Number(match[10]);
    const offsetMins = match[11] === undefined ? 0 : Number(match[11]);
    if (offsetHours > 23 || offsetMins > 59) return undefined;
    offsetMinutes = (match[9] === "-" ? -1 : 1) * (offsetHours * 60 + offsetMins);
  }
  // Date.UTC maps years 0..99 to 1900..1999; build in year 2000 and shift by whole years.
  const date = new Date(Date.UTC(2000, month - 1, day, hour, minute, second, millis));
  date.setUTCFullYear(year);
  return date.getTime() - offsetMinutes * MS_PER_MINUTE;
}

function columns(count: number): string {
  return count === 1 ? "1 column" : `${count} columns`;
}

/**
 * Reads query parameters (`hostname,start_time,end_time`) from CSV text that arrives in
 * chunks, and returns one {@linkcode QueryParamsItem} per record as soon as its line is
 * complete, so a consumer can start queries before the whole file has been read.
 *
 * The rules:
 * - RFC 4180 CSV: fields separated by `,`; a field may be quoted with `"`, and then holds
 *   commas, line breaks and `""` (one quote). Records end with LF, CRLF or a lone CR; a
 *   record and a chunk boundary may fall anywhere, even between CR and LF.
 * - A UTF-8 byte-order mark at the start is ignored. Blank lines (empty, or only spaces and
 *   tabs, unquoted) are skipped.
 * - The first record is skipped when its fields are `hostname,start_time,end_time` (compared
 *   trimmed and case-insensitively); anywhere else such a record is a bad row.
 * - A row is valid when it has exactly 3 fields, a host that is not empty or only
 *   whitespace, two timestamps (surrounding whitespace ignored) of the form
 *   `YYYY-MM-DD HH:MM:SS` or ISO 8601 `YYYY-MM-DDTHH:MM:SS[.fff][Z|±hh:mm]` (also `±hhmm`
 *   and `±hh`; up to 3 fraction digits), with a real calendar date, and an end strictly
 *   after the start. A time without a zone is UTC.
 * - The window is half-open: `[startMs, endMs)`, which is what the per-minute query uses.
 * - Each record yields at most one problem: the first of column count, empty host,
 *   start_time, end_time, order, and malformed quoting.
 * - A record longer than 65,536 characters (a binary file, a quote never closed) is a bad
 *   row that ends with its line; only its first 65,536 characters are kept.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { QueryParamsReader } from "./query_params.ts";
 *
 * const reader = new QueryParamsReader();
 * const items = [
 *   ...reader.push("hostname,start_time,end_time\nhost_1,2017-01-01 08:59:22,2017-01-01 09:5"),
 *   ...reader.push("9:22\r\nhost_2,2017-01-01 00:00:00\n"),
 *   ...reader.end(),
 * ];
 * assert.deepEqual(items[0], {
 *   kind: "row",
 *   line: 2,
 *   host: "host_1",
 *   startMs: Date.UTC(2017, 0, 1, 8, 59, 22),
 *   endMs: Date.UTC(2017, 0, 1, 9, 59, 22),
 *   text: "host_1,2017-01-01 08:59:22,2017-01-01 09:59:22",
 * });
 * assert.equal(
 *   items[1].kind === "bad" && items[1].problem,
 *   'line 3: "host_2,2017-01-01 00:00:00" has 2 columns, expected hostname,start_time,end_time',
 * );
 * ```
 */
export class QueryParamsReader {
  #scan = FIELD_START;
  #fields: string[] = [];
  #field = "";
  #fieldQuoted = false;
  #raw = "";
  #csvProblem = "";
  /** The physical line being scanned, 1-based. */
  #line = 1;
  #recordLine = 1;
  /** A CR ended the last line; an LF right after it belongs to the same line break. */
  #afterCr = false;
  #atStreamStart = true;
  #firstRecord = true;
  #ended = false;

  /**
   * Feeds the next piece of text and returns the items of every record it completed.
   *
   * @param chunk The next piece of the file, of any length (decoded text).
   * @returns The items of the records that ended in this chunk, in file order.
   * @throws {Error} If called after {@linkcode QueryParamsReader.prototype.end}.
   *
   * @example Usage
   * ```ts
   * import assert from "node:assert/strict";
   * import { QueryParamsReader } from "./query_params.ts";
   *
   * const reader = new QueryParamsReader();
   * assert.deepEqual(reader.push("host_1,2017-01-01 00:00:00,"), []);
   * assert.equal(reader.push("2017-01-01T01:00:00Z\n").length, 1);
   * ```
   */
  push(chunk: string): QueryParamsItem[] {
    if (this.#ended) throw new Error("Cannot push text: the reader has ended, expected a new one");
    const items: QueryParamsItem[] = [];
    let start = 0;
    if (this.#atStreamStart && chunk.length > 0) {
      this.#atStreamStart = false;
      if (chunk.charCodeAt(0) === BOM) start = 1;
    }
    /** Where the not-yet-copied run of the current field (and of the raw record) begins. */
    let runStart = start;
    let rawStart = start;
    for (let i = start; i < chunk.length; i++) {
      const code = chunk.charCodeAt(i);
      if (this.#afterCr) {
        this.#afterCr = false;
        if (code === LF) {
          // The LF of a CRLF: part of the line break already counted.
          if (this.#scan === QUOTED) continue; // inside a field: already in the run
          runStart = rawStart = i + 1;
          continue;
        }
      }
      switch (this.#scan) {
        case FIELD_START:
        case UNQUOTED:
          if (code === COMMA) {
            this.#field += chunk.slice(runStart, i);
            this.#endField();
            runStart = i + 1;
          } else if (code === LF || code === CR) {
            this.#field += chunk.slice(runStart, i);
            this.#raw += chunk.slice(rawStart, i);
            this.#endField();
            this.#endRecord(items);
            this.#newLine(code);
            runStart = rawStart = i + 1;
          } else if (code === QUOTE) {
            if (this.#scan === FIELD_START) {
              this.#scan = QUOTED;
              this.#fieldQuoted = true;
              runStart = i + 1;
            } else {
              this.#break("has a quote inside an unquoted field");
            }
          } else {
            this.#scan = UNQUOTED;
          }
          break;
        case QUOTED:
          if (code === QUOTE) {
            this.#field += chunk.slice(runStart, i);
            this.#scan = QUOTE_IN_QUOTED;
          } else if (code === LF || code === CR) {
            this.#newLine(code);
          }
          break;
        case QUOTE_IN_QUOTED:
          if (code === QUOTE) {
            // An escaped quote: the run restarts at this quote, which is kept.
            this.#scan = QUOTED;
            runStart = i;
          } else if (code === COMMA) {
            this.#endField();
            runStart = i + 1;
          } else if (code === LF || code === CR) {
            this.#raw += chunk.slice(rawStart, i);
            this.#endField();
            this.#endRecord(items);
            this.#newLine(code);
            runStart = rawStart = i + 1;
          } else {
            this.#break("has text after the closing quote of a field");
          }
          break;
        case BROKEN:
          if (code === LF || code === CR) {
            this.#raw += chunk.slice(rawStart, i);
            this.#endRecord(items);
            this.#newLine(code);
            runStart = rawStart = i + 1;
          }
          break;
      }
    }
    if (this.#scan === QUOTED || this.#scan === UNQUOTED) {
      this.#field += chunk.slice(runStart);
    }
    this.#raw += chunk.slice(rawStart);
    if (this.#raw.length > MAX_RECORD_CHARS) this.#overLong();
    return items;
  }

  /** Makes a record longer than {@linkcode MAX_RECORD_CHARS} a bad row, skipped to its line's end. */
  #overLong(): void {
    if (this.#scan !== BROKEN) {
      this.#break(`is longer than ${MAX_RECORD_CHARS} characters, expected ${EXPECTED_COLUMNS}`);
    }
    this.#raw = this.#raw.slice(0, MAX_RECORD_CHARS);
    this.#fields = [];
    this.#field = "";
  }

  /**
   * Ends the input and returns the items of a last record that had no line terminator, or a
   * bad row for a quoted field that was never closed.
   *
   * @returns The remaining items (at most one).
   * @throws {Error} If called twice.
   *
   * @example Usage
   * ```ts
   * import assert from "node:assert/strict";
   * import { QueryParamsReader } from "./query_params.ts";
   *
   * const reader = new QueryParamsReader();
   * assert.deepEqual(reader.push("h,2017-01-01 00:00:00,2017-01-01 01:00:00"), []);
   * const [last] = reader.end();
   * assert.equal(last.kind, "row");
   * ```
   */
  end(): QueryParamsItem[] {
    if (this.#ended) throw new Error("Cannot end reader: it has already ended, expected one end");
    this.#ended = true;
    const items: QueryParamsItem[] = [];
    if (this.#scan === QUOTED) {
      this.#csvProblem = "has a quoted field that is never closed";
      this.#raw = this.#raw.replace(/[\r\n]+$/, "");
      this.#endRecord(items);
    } else if (this.#scan !== FIELD_START || this.#fields.length > 0 || this.#raw !== "") {
      if (this.#scan !== BROKEN) this.#endField();
      this.#endRecord(items);
    }
    return items;
  }

  #endField(): void {
    this.#fields.push(this.#field);
    this.#field = "";
    this.#fieldQuoted = false;
    this.#scan = FIELD_START;
  }

  #break(problem: string): void {
    this.#csvProblem = problem;
    this.#scan = BROKEN;
  }

  #newLine(code: number): void {
    this.#line++;
    this.#afterCr = code === CR;
  }

  /** Turns the finished record into an item (or nothing, for blank lines and the header). */
  #endRecord(items: QueryParamsItem[]): void {
    const fields = this.#fields;
    const text = this.#raw;
    const line = this.#recordLine;
    const csvProblem = this.#csvProblem;
    this.#fields = [];
    this.#field = "";
    this.#fieldQuoted = false;
    this.#raw = "";
    this.#csvProblem = "";
    this.#scan = FIELD_START;
    this.#recordLine = this.#line + 1; // the caller counts the line break next
    if (csvProblem === "" && fields.length === 1 && text.trim() === "") return; // blank line
    const first = this.#firstRecord;
    this.#firstRecord = false;
    if (csvProblem !== "") {
      items.push(bad(line, text, csvProblem));
      return;
    }
    if (
      first && fields.length === 3 &&
      fields.every((field, i) => field.trim().toLowerCase() === HEADER[i])
    ) return;
    items.push(checkRow(line, text, fields));
  }
}

function bad(line: number, text: string, problem: string): QueryParamsBadRow {
  const shown = text.length > MAX_SHOWN_CHARS ? `${text.slice(0, MAX_SHOWN_CHARS)}...` : text;
  return { kind: "bad", line, text, problem: `line ${line}: ${JSON.stringify(shown)} ${problem}` };
}

function checkRow(line: number, text: string, fields: string[]): QueryParamsItem {
  if (fields.length !== 3) {
    return bad(line, text, `has ${columns(fields.length)}, expected ${EXPECTED_COLUMNS}`);
  }
  const [host, startText, endText] = fields;
  if (host.trim() === "") return bad(line, text, "has an empty hostname, expected a host name");
  const startMs = parseTimestampMs(startText.trim());
  if (startMs === undefined) {
    return bad(line, text, `has start_time ${JSON.stringify(startText)}, expected ${TIME_FORMS}`);
  }
  const endMs = parseTimestampMs(endText.trim());
  if (endMs === undefined) {
    return bad(line, text, `has end_time ${JSON.stringify(endText)}, expected ${TIME_FORMS}`);
  }
  if (!(endMs > startMs)) {
    return bad(
      line,
      text,
      `has end_time ${JSON.stringify(endText)} not after start_time ${
        JSON.stringify(startText)
      }, expected an end after the start`,
    );
  }
  return { kind: "row", line, host, startMs, endMs, text };
}
