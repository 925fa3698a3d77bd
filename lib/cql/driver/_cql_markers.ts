/**
 * Which column each bind marker of a profile statement stands for, read from the CQL text as
 * cassandra-stress binds a query's markers by the variable names the server gives them:
 * `col = ?`, `col >= ?`, `"Quoted" < ?`, `SET col = col + ?`, `IF col = ?`, `:name`, and
 * `INSERT INTO t (a, b) VALUES (?, ?)`. Private to lib/cql/driver.
 *
 * @module
 */

interface Token {
  readonly kind: "name" | "marker" | "string" | "number" | "punct";
  /** The identifier (bare ones lower-cased, quoted ones as written), or the text. */
  readonly text: string;
}

const OPERATORS = new Set(["=", "<", ">", "<=", ">=", "!="]);

function skipString(cql: string, at: number, quote: string): number {
  let i = at + 1;
  while (i < cql.length) {
    if (cql[i] === quote) {
      if (cql[i + 1] !== quote) return i + 1;
      i++;
    }
    i++;
  }
  return i;
}

function quotedName(cql: string, at: number, end: number): string {
  return cql.slice(at + 1, end - 1).replaceAll('""', '"');
}

/** The statement's tokens, comments and whitespace left out. */
function tokenize(cql: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < cql.length) {
    const c = cql[i];
    const rest = cql.slice(i, i + 2);
    if (/\s/.test(c)) {
      i++;
    } else if (rest === "--" || rest === "//") {
      while (i < cql.length && cql[i] !== "\n") i++;
    } else if (rest === "/*") {
      const end = cql.indexOf("*/", i + 2);
      i = end < 0 ? cql.length : end + 2;
    } else if (rest === "$$") {
      const end = cql.indexOf("$$", i + 2);
      i = end < 0 ? cql.length : end + 2;
      tokens.push({ kind: "string", text: "" });
    } else if (c === "'") {
      i = skipString(cql, i, "'");
      tokens.push({ kind: "string", text: "" });
    } else if (c === '"') {
      const end = skipString(cql, i, '"');
      tokens.push({ kind: "name", text: quotedName(cql, i, end) });
      i = end;
    } else if (/[A-Za-z_]/.test(c)) {
      const word = /^[A-Za-z_][A-Za-z0-9_]*/.exec(cql.slice(i))![0];
      tokens.push({ kind: "name", text: word.toLowerCase() });
      i += word.length;
    } else if (/[0-9]/.test(c)) {
      const word = /^[0-9][A-Za-z0-9_.]*/.exec(cql.slice(i))![0];
      tokens.push({ kind: "number", text: word });
      i += word.length;
    } else if (c === "?") {
      tokens.push({ kind: "marker", text: "?" });
      i++;
    } else if (OPERATORS.has(rest)) {
      tokens.push({ kind: "punct", text: rest });
      i += 2;
    } else {
      tokens.push({ kind: "punct", text: c });
      i++;
    }
  }
  return tokens;
}

/** The columns of the markers in `INSERT INTO t (a, b) VALUES (?, ?)`, by token index. */
function insertColumns(tokens: readonly Token[]): Map<number, string | null> {
  const columns = new Map<number, string | null>();
  if (tokens[0]?.kind !== "name" || tokens[0].text !== "insert") return columns;
  const open = tokens.findIndex((t) => t.text === "(");
  const close = tokens.findIndex((t, i) => i > open && t.text === ")");
  const values = tokens.findIndex((t, i) => i > close && t.kind === "name" && t.text === "values");
  if (open < 0 || close < 0 || values < 0 || tokens[values + 1]?.text !== "(") return columns;
  const names = tokens.slice(open + 1, close).filter((t) => t.kind === "name").map((t) => t.text);
  let element = 0;
  let depth = 0;
  for (let i = values + 2; i < tokens.length; i++) {
    const token = tokens[i];
    if (token.text === "(") depth++;
    if (token.text === ")" && depth-- === 0) break;
    if (token.text === "," && depth === 0) element++;
    if (token.kind === "marker") {
      const alone = (tokens[i - 1].text === "," || tokens[i - 1].text === "(") &&
        (tokens[i + 1]?.text === "," || tokens[i + 1]?.text === ")");
      columns.set(i, depth === 0 && alone ? names[element] ?? null : null);
    }
  }
  return columns;
}

/** The column before marker `i` (`col op ?`, `col = col + ?`, `:col`), or null. */
function columnBefore(tokens: readonly Token[], i: number): string | null {
  const name = (t: Token | undefined) => t?.kind === "name" ? t.text : null;
  const previous = tokens[i - 1];
  if (previous?.kind !== "punct") return null;
  if (OPERATORS.has(previous.text)) return name(tokens[i - 2]);
  if (previous.text === "+" || previous.text === "-") {
    const column = name(tokens[i - 4]);
    return tokens[i - 3]?.text === "=" && column !== null && column === name(tokens[i - 2])
      ? column
      : null;
  }
  return null;
}

/**
 * The column each bind marker of a statement stands for, in marker order: the identifier
 * before the comparison or assignment (`k = ?`, `c >= ?`, `"Col" < ?`, `l = l + ?`), the name
 * of a named marker (`:name`), or an INSERT's column; null where a marker stands for no
 * column (`LIMIT ?`, `token(k) > ?`, `USING TTL ?`, `IN (?, ?)`).
 *
 * @param cql The statement.
 * @returns The column names (bare identifiers lower-cased, quoted ones as written) or null.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { markerColumns } from "./_cql_markers.ts";
 * assert.deepEqual(
 *   markerColumns('UPDATE t SET l = l + ?,"B" = ? WHERE k = ? AND c >= ? LIMIT ?'),
 *   ["l", "B", "k", "c", null],
 * );
 * assert.deepEqual(markerColumns("INSERT INTO t (k, c) values(?, ?)"), ["k", "c"]);
 * ```
 */
export function markerColumns(cql: string): (string | null)[] {
  const tokens = tokenize(cql);
  const inserted = insertColumns(tokens);
  const columns: (string | null)[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i];
    if (token.kind === "marker") {
      columns.push(inserted.has(i) ? inserted.get(i)! : columnBefore(tokens, i));
    } else if (token.text === ":" && tokens[i + 1]?.kind === "name") {
      columns.push(tokens[++i].text);
    }
  }
  return columns;
}

/**
 * Whether a statement reads rows (`SELECT`), as opposed to writing them.
 *
 * @param cql The statement.
 * @returns True for a SELECT.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { isSelect } from "./_cql_markers.ts";
 * assert.equal(isSelect("  select * from t"), true);
 * assert.equal(isSelect("UPDATE t SET v = ? WHERE k = ? IF v = ?"), false);
 * ```
 */
export function isSelect(cql: string): boolean {
  const first = tokenize(cql)[0];
  return first?.kind === "name" && first.text === "select";
}
