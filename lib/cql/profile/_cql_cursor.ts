// Private helper: a small CQL tokenizer and a cursor over its tokens, enough to read the names
// in CREATE KEYSPACE and the columns of CREATE TABLE (not a CQL parser).
import { UsageError } from "../../errors.ts";

/** One token of CQL text. */
export interface CqlToken {
  /** `word` (unquoted identifier or keyword), `quoted` ("..."), `string` ('...' or $$...$$), `number`, `symbol`, `end`. */
  readonly kind: "word" | "quoted" | "string" | "number" | "symbol" | "end";
  /** The text: a word as written, a quoted identifier or string unescaped, a symbol's character. */
  readonly text: string;
  /** Where it starts in the statement. */
  readonly offset: number;
}

const WORD = /[A-Za-z_][A-Za-z0-9_]*/y;
const NUMBER = /-?(?:0x[0-9a-f]+|\d+(?:\.\d*)?(?:e[+-]?\d+)?)/iy;
const SYMBOLS = "()<>,;.={}[]:+-*?/%!";

function closing(text: string, from: number, quote: string, what: string): number {
  let at = from + 1;
  for (;;) {
    const end = text.indexOf(quote, at);
    if (end < 0) throw new UsageError(`unterminated ${what} at ${position(text, from)}`);
    if (quote.length === 1 && text[end + 1] === quote) {
      at = end + 2;
      continue;
    }
    return end;
  }
}

function skipBlank(text: string, at: number): number {
  for (;;) {
    while (at < text.length && /\s/.test(text[at])) at++;
    const two = text.slice(at, at + 2);
    if (two === "--" || two === "//") {
      const end = text.indexOf("\n", at);
      at = end < 0 ? text.length : end + 1;
    } else if (two === "/*") {
      const end = text.indexOf("*/", at + 2);
      if (end < 0) throw new UsageError(`unterminated comment at ${position(text, at)}`);
      at = end + 2;
    } else {
      return at;
    }
  }
}

/** The token at `at` and the offset just past it. */
function readToken(text: string, at: number): [CqlToken, number] {
  const c = text[at];
  if (c === '"' || c === "'") {
    const end = closing(text, at, c, c === '"' ? "quoted identifier" : "string");
    const inner = text.slice(at + 1, end).replaceAll(c + c, c);
    return [{ kind: c === '"' ? "quoted" : "string", text: inner, offset: at }, end + 1];
  }
  if (text.startsWith("$$", at)) {
    const end = closing(text, at, "$$", "string");
    return [{ kind: "string", text: text.slice(at + 2, end), offset: at }, end + 2];
  }
  for (const [kind, pattern] of [["number", NUMBER], ["word", WORD]] as const) {
    pattern.lastIndex = at;
    const match = pattern.exec(text);
    if (match !== null) {
      return [{ kind, text: match[0], offset: at }, at + match[0].length];
    }
  }
  if (SYMBOLS.includes(c)) return [{ kind: "symbol", text: c, offset: at }, at + 1];
  throw new UsageError(`unexpected character "${c}" at ${position(text, at)}`);
}

/** Splits CQL text into tokens, ending with one `end` token. */
export function tokenizeCql(text: string): CqlToken[] {
  const tokens: CqlToken[] = [];
  let at = skipBlank(text, 0);
  while (at < text.length) {
    const [token, next] = readToken(text, at);
    tokens.push(token);
    at = skipBlank(text, next);
  }
  tokens.push({ kind: "end", text: "", offset: text.length });
  return tokens;
}

/** `line L, column C` of an offset. */
export function position(text: string, offset: number): string {
  const before = text.slice(0, offset).split("\n");
  return `line ${before.length}, column ${before[before.length - 1].length + 1}`;
}

/** A cursor over the tokens of one statement; its errors say what was expected and where. */
export class CqlCursor {
  #text: string;
  #tokens: CqlToken[];
  #at = 0;

  /** Tokenizes `text`. */
  constructor(text: string) {
    this.#text = text;
    this.#tokens = tokenizeCql(text);
  }

  /** The current token (the `end` token once past the last). */
  peek(ahead = 0): CqlToken {
    return this.#tokens[Math.min(this.#at + ahead, this.#tokens.length - 1)];
  }

  /** Takes the current token. */
  next(): CqlToken {
    const token = this.peek();
    if (this.#at < this.#tokens.length - 1) this.#at++;
    return token;
  }

  /** Whether the current token is the keyword (any case). */
  isKeyword(word: string): boolean {
    const token = this.peek();
    return token.kind === "word" && token.text.toLowerCase() === word.toLowerCase();
  }

  /** Takes the keywords if they come next, all of them. */
  acceptKeywords(...words: string[]): boolean {
    const match = words.every((word, i) => {
      const token = this.peek(i);
      return token.kind === "word" && token.text.toLowerCase() === word.toLowerCase();
    });
    if (match) this.#at += words.length;
    return match;
  }

  /** Takes the symbol if it comes next. */
  acceptSymbol(symbol: string): boolean {
    const token = this.peek();
    if (token.kind !== "symbol" || token.text !== symbol) return false;
    this.next();
    return true;
  }

  /** Takes the keywords, or fails. */
  expectKeywords(...words: string[]): void {
    if (!this.acceptKeywords(...words)) this.fail(words.join(" ").toUpperCase());
  }

  /** Takes the symbol, or fails. */
  expectSymbol(symbol: string): void {
    if (!this.acceptSymbol(symbol)) this.fail(`"${symbol}"`);
  }

  /** Takes an identifier: an unquoted one lower-cased (as CQL does), a quoted one as written. */
  identifier(what: string): string {
    const token = this.peek();
    if (token.kind === "word") return this.next().text.toLowerCase();
    if (token.kind === "quoted") return this.next().text;
    return this.fail(what);
  }

  /** Throws: `expected <what> at line L, column C, found "<token>"`. */
  fail(what: string): never {
    const token = this.peek();
    const found = token.kind === "end" ? "the end" : `"${token.text.replace(/\r?\n/g, "\\n")}"`;
    throw new UsageError(
      `expected ${what} at ${position(this.#text, token.offset)}, found ${found}`,
    );
  }
}
