/**
 * The CQL lexer: one pass over the char codes of a statement, producing parallel token arrays.
 * Private to lib/cql_node.
 *
 * @module
 */

import { CqlSyntaxError } from "./cql_syntax_error.ts";

/** Token kind: end of input. */
export const TOKEN_EOF = 0;
/** Token kind: unquoted identifier or keyword (value lower-cased). */
export const TOKEN_IDENT = 1;
/** Token kind: double-quoted identifier (value exact, `""` unescaped). */
export const TOKEN_QUOTED = 2;
/** Token kind: `'...'` or `$$...$$` string (value unescaped). */
export const TOKEN_STRING = 3;
/** Token kind: unsigned integer. */
export const TOKEN_INTEGER = 4;
/** Token kind: unsigned float such as `1.5` or `1e3`. */
export const TOKEN_FLOAT = 5;
/** Token kind: blob `0xCAFE` (value lower-cased hex digits without `0x`). */
export const TOKEN_HEX = 6;
/** Token kind: unquoted uuid (value lower-cased). */
export const TOKEN_UUID = 7;
/** Token kind: duration such as `1h30m`. */
export const TOKEN_DURATION = 8;
/** Token kind: punctuation or operator; the value is its text. */
export const TOKEN_PUNCT = 9;

/** The tokens of one text, as parallel arrays; the last token is always `TOKEN_EOF`. */
export interface CqlTokens {
  /** The kind of each token. */
  kinds: number[];
  /** The offset of each token's first char. */
  starts: number[];
  /** The offset after each token's last char. */
  ends: number[];
  /** Each token's value (see the kinds). */
  values: string[];
}

const PUNCT_CHARS = "()[]{},;.:?*+-=<>";

/**
 * Returns the 1-based line and 0-based column of an offset.
 *
 * @param text The whole text.
 * @param offset The offset.
 * @returns The position.
 */
export function positionOf(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart };
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function isLetter(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90);
}

function isIdentChar(c: number): boolean {
  return isLetter(c) || isDigit(c) || c === 95;
}

function isHex(c: number): boolean {
  return isDigit(c) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70);
}

function isUuidAt(text: string, i: number): boolean {
  if (i + 36 > text.length) return false;
  for (let k = 0; k < 36; k++) {
    const c = text.charCodeAt(i + k);
    if (k === 8 || k === 13 || k === 18 || k === 23) {
      if (c !== 45) return false;
    } else if (!isHex(c)) return false;
  }
  return i + 36 === text.length || !isIdentChar(text.charCodeAt(i + 36));
}

/** Returns the end of a duration such as `1h30m` starting at `i` (a digit), or -1. */
function durationEnd(text: string, i: number): number {
  const n = text.length;
  while (i < n && isDigit(text.charCodeAt(i))) {
    while (i < n && isDigit(text.charCodeAt(i))) i++;
    if (i >= n) return -1;
    const c = text.charCodeAt(i) | 32;
    const c2 = i + 1 < n ? text.charCodeAt(i + 1) | 32 : 0;
    if (c === 109) i += c2 === 111 || c2 === 115 ? 2 : 1; // m, mo, ms
    else if (c === 117 || c === 110 || c === 181) { // us, ns, µs
      if (c2 !== 115) return -1;
      i += 2;
    } else if (c === 121 || c === 119 || c === 100 || c === 104 || c === 115) i++; // y w d h s
    else return -1;
  }
  return i < n && isIdentChar(text.charCodeAt(i)) ? -1 : i;
}

function fail(text: string, offset: number, detail: string): CqlSyntaxError {
  return new CqlSyntaxError(detail, positionOf(text, offset));
}

/** The text of a bad word for an error message, at most 60 chars. */
function badWord(text: string, start: number, end: number): string {
  return `no viable alternative at input '${text.slice(start, Math.min(end, start + 60))}'`;
}

function wordEnd(text: string, i: number): number {
  while (i < text.length && isIdentChar(text.charCodeAt(i))) i++;
  return i;
}

/**
 * Splits a CQL text into tokens, skipping whitespace and comments.
 *
 * @param text The statement text.
 * @returns The tokens, ending with `TOKEN_EOF`.
 * @throws {CqlSyntaxError} On a char no token starts with, or an unterminated string,
 * quoted identifier or comment.
 */
export function lexCql(text: string): CqlTokens {
  const kinds: number[] = [];
  const starts: number[] = [];
  const ends: number[] = [];
  const values: string[] = [];
  const n = text.length;
  let i = 0;
  function push(kind: number, start: number, end: number, value: string): void {
    kinds.push(kind);
    starts.push(start);
    ends.push(end);
    values.push(value);
  }
  while (i < n) {
    const c = text.charCodeAt(i);
    const next = i + 1 < n ? text.charCodeAt(i + 1) : 0;
    if (c === 32 || c === 10 || c === 13 || c === 9 || c === 12) {
      i++;
    } else if ((c === 45 && next === 45) || (c === 47 && next === 47)) {
      while (i < n && text.charCodeAt(i) !== 10) i++;
    } else if (c === 47 && next === 42) {
      const close = text.indexOf("*/", i + 2);
      if (close < 0) throw fail(text, i, "unterminated comment");
      i = close + 2;
    } else if (isHex(c) && isUuidAt(text, i)) {
      push(TOKEN_UUID, i, i + 36, text.slice(i, i + 36).toLowerCase());
      i += 36;
    } else if (isDigit(c)) {
      i = lexNumber(text, i, push);
    } else if (isLetter(c)) {
      const end = wordEnd(text, i);
      push(TOKEN_IDENT, i, end, text.slice(i, end).toLowerCase());
      i = end;
    } else if (c === 34 || c === 39) {
      i = lexQuoted(text, i, c, push);
    } else if (c === 36 && next === 36) {
      const close = text.indexOf("$$", i + 2);
      if (close < 0) throw fail(text, i, "unterminated string literal");
      push(TOKEN_STRING, i, close + 2, text.slice(i + 2, close));
      i = close + 2;
    } else if (
      (next === 61 && (c === 60 || c === 62 || c === 33 || c === 43 || c === 45)) ||
      (c === 46 && next === 46)
    ) {
      push(TOKEN_PUNCT, i, i + 2, text.slice(i, i + 2));
      i += 2;
    } else if (PUNCT_CHARS.indexOf(text[i]) >= 0) {
      push(TOKEN_PUNCT, i, i + 1, text[i]);
      i++;
    } else {
      throw fail(text, i, `no viable alternative at character '${text[i]}'`);
    }
  }
  push(TOKEN_EOF, n, n, "");
  return { kinds, starts, ends, values };
}

type Push = (kind: number, start: number, end: number, value: string) => void;

function lexNumber(text: string, start: number, push: Push): number {
  const n = text.length;
  let i = start;
  if (text.charCodeAt(i) === 48 && (text.charCodeAt(i + 1) | 32) === 120) {
    i += 2;
    while (i < n && isHex(text.charCodeAt(i))) i++;
    if (i === start + 2 || (i < n && isIdentChar(text.charCodeAt(i)))) {
      const end = wordEnd(text, start);
      throw fail(text, start, badWord(text, start, end));
    }
    push(TOKEN_HEX, start, i, text.slice(start + 2, i).toLowerCase());
    return i;
  }
  while (i < n && isDigit(text.charCodeAt(i))) i++;
  let kind = TOKEN_INTEGER;
  // `1..3` is a range (an element slice), not a float.
  if (i < n && text.charCodeAt(i) === 46 && text.charCodeAt(i + 1) !== 46) {
    kind = TOKEN_FLOAT;
    i++;
    while (i < n && isDigit(text.charCodeAt(i))) i++;
  }
  if (i < n && (text.charCodeAt(i) | 32) === 101) {
    let k = i + 1;
    const sign = text.charCodeAt(k);
    if (sign === 43 || sign === 45) k++;
    if (k < n && isDigit(text.charCodeAt(k))) {
      kind = TOKEN_FLOAT;
      i = k;
      while (i < n && isDigit(text.charCodeAt(i))) i++;
    }
  }
  if (i < n && (isIdentChar(text.charCodeAt(i)) || text.charCodeAt(i) === 181)) {
    const end = kind === TOKEN_INTEGER ? durationEnd(text, start) : -1;
    if (end < 0) {
      throw fail(text, start, badWord(text, start, wordEnd(text, i)));
    }
    push(TOKEN_DURATION, start, end, text.slice(start, end).toLowerCase());
    return end;
  }
  push(kind, start, i, text.slice(start, i));
  return i;
}

function lexQuoted(text: string, start: number, quote: number, push: Push): number {
  const n = text.length;
  let i = start + 1;
  let escaped = false;
  for (;;) {
    const close = text.indexOf(quote === 34 ? '"' : "'", i);
    if (close < 0) {
      throw fail(
        text,
        start,
        quote === 34 ? "unterminated quoted identifier" : "unterminated string literal",
      );
    }
    if (close + 1 < n && text.charCodeAt(close + 1) === quote) {
      escaped = true;
      i = close + 2;
      continue;
    }
    let value = text.slice(start + 1, close);
    if (escaped) value = value.replaceAll(quote === 34 ? '""' : "''", quote === 34 ? '"' : "'");
    if (quote === 34 && value.length === 0) {
      throw fail(text, start, `no viable alternative at input '""'`);
    }
    push(quote === 34 ? TOKEN_QUOTED : TOKEN_STRING, start, close + 1, value);
    return close + 1;
  }
}
