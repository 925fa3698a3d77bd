/**
 * A strict parser of the Prometheus text exposition format 0.0.4, for tests: the metrics the
 * tool serves are read with it, so a format error fails the test that scrapes them.
 *
 * @module
 */

import assert from "node:assert/strict";

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface Family {
  type: string;
  help: string | null;
  samples: Sample[];
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*/;
const TYPES = new Set(["counter", "gauge", "histogram", "summary", "untyped"]);
// The decimal subset of Go's strconv.ParseFloat, plus the spellings Prometheus uses.
const GO_FLOAT = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

function parseGoFloat(token: string): number {
  if (token === "NaN") return NaN;
  if (token === "+Inf") return Infinity;
  if (token === "-Inf") return -Infinity;
  if (!GO_FLOAT.test(token)) throw new SyntaxError(`bad float "${token}"`);
  return Number(token);
}

/** Unescapes `text`, allowing only the escapes in `allowed` (the char after the backslash). */
function unescape(text: string, allowed: string): string {
  let out = "";
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c !== "\\") {
      out += c;
      continue;
    }
    const next = text[++i];
    if (next === undefined || !allowed.includes(next)) {
      throw new SyntaxError(`bad escape "\\${next ?? ""}"`);
    }
    out += next === "n" ? "\n" : next;
  }
  return out;
}

/** Reads `{a="x",b="y"}` at the start of `text`; returns the labels and the rest. */
function parseLabels(text: string): { labels: Record<string, string>; rest: string } {
  const labels: Record<string, string> = {};
  let i = 1; // after "{"
  while (true) {
    const name = LABEL_NAME.exec(text.slice(i))?.[0];
    if (name === undefined) throw new SyntaxError(`bad label name at "${text.slice(i)}"`);
    if (Object.hasOwn(labels, name)) throw new SyntaxError(`duplicate label "${name}"`);
    i += name.length;
    if (text.slice(i, i + 2) !== '="') throw new SyntaxError(`expected ="`);
    i += 2;
    let raw = "";
    while (i < text.length && text[i] !== '"') {
      raw += text[i];
      if (text[i] === "\\") raw += text[++i] ?? "";
      i++;
    }
    if (text[i] !== '"') throw new SyntaxError("unterminated label value");
    labels[name] = unescape(raw, '\\"n');
    i++;
    if (text[i] === ",") i++;
    if (text[i] === "}") return { labels, rest: text.slice(i + 1) };
    if (text[i - 1] !== ",") throw new SyntaxError(`expected , or } at "${text.slice(i)}"`);
  }
}

/**
 * Parses an exposition strictly: every family needs a `# TYPE` line before its first sample,
 * at most one HELP and TYPE per family, families are not interleaved, (name, labels) pairs are
 * unique, only the escapes of the spec, floats as Go reads them, and a final line feed.
 */
export function parseExposition(text: string): Map<string, Family> {
  if (!text.endsWith("\n")) throw new SyntaxError("missing final line feed");
  const families = new Map<string, Family>();
  const closed = new Set<string>();
  const seen = new Set<string>();
  let current: string | null = null;
  const enter = (name: string) => {
    if (name === current) return;
    if (closed.has(name)) throw new SyntaxError(`family "${name}" is interleaved`);
    if (current !== null) closed.add(current);
    current = name;
  };
  const familyOf = (name: string): Family => {
    let family = families.get(name);
    if (family === undefined) {
      family = { type: "untyped", help: null, samples: [] };
      families.set(name, family);
    }
    return family;
  };
  for (const line of text.slice(0, -1).split("\n")) {
    const trimmed = line.trim();
    if (trimmed === "") continue;
    if (trimmed.startsWith("#")) {
      const tokens = trimmed.slice(1).trim().split(/[ \t]+/);
      if (tokens[0] !== "HELP" && tokens[0] !== "TYPE") continue;
      const name = tokens[1];
      if (name === undefined || METRIC_NAME.exec(name)?.[0] !== name) {
        throw new SyntaxError(`bad metric name in "${line}"`);
      }
      enter(name);
      const family = familyOf(name);
      if (tokens[0] === "HELP") {
        if (family.help !== null) throw new SyntaxError(`second HELP for "${name}"`);
        const rest = trimmed.slice(trimmed.indexOf(name, 6) + name.length).replace(/^[ \t]+/, "");
        family.help = unescape(rest, "\\n");
      } else {
        if (tokens.length !== 3 || !TYPES.has(tokens[2])) {
          throw new SyntaxError(`bad TYPE line "${line}"`);
        }
        if (seen.has(`type:${name}`)) throw new SyntaxError(`second TYPE for "${name}"`);
        if (family.samples.length > 0) throw new SyntaxError(`TYPE after samples of "${name}"`);
        seen.add(`type:${name}`);
        family.type = tokens[2];
      }
      continue;
    }
    const name = METRIC_NAME.exec(trimmed)?.[0];
    if (name === undefined) throw new SyntaxError(`bad sample line "${line}"`);
    let rest = trimmed.slice(name.length);
    let labels: Record<string, string> = {};
    if (rest.startsWith("{")) ({ labels, rest } = parseLabels(rest));
    if (!/^[ \t]/.test(rest)) throw new SyntaxError(`no blank before the value in "${line}"`);
    const tokens = rest.trim().split(/[ \t]+/);
    if (tokens.length > 2) throw new SyntaxError(`extra tokens in "${line}"`);
    if (tokens.length === 2 && !/^-?\d+$/.test(tokens[1])) {
      throw new SyntaxError(`bad timestamp in "${line}"`);
    }
    // This exposition only has counters and gauges: every sample needs its own TYPE line.
    if (!seen.has(`type:${name}`)) throw new SyntaxError(`sample of "${name}" before its TYPE`);
    enter(name);
    const key = `${name}${JSON.stringify(Object.entries(labels).sort())}`;
    if (seen.has(key)) throw new SyntaxError(`duplicate sample "${line}"`);
    seen.add(key);
    familyOf(name).samples.push({ name, labels, value: parseGoFloat(tokens[0]) });
  }
  return families;
}

/** The value of the one sample of `name` whose labels are `labels`. */
export function valueOf(
  families: Map<string, Family>,
  name: string,
  labels: Record<string, string> = {},
): number {
  const matches = (families.get(name)?.samples ?? []).filter((s) =>
    JSON.stringify(Object.entries(s.labels).sort()) ===
      JSON.stringify(Object.entries(labels).sort())
  );
  assert.equal(matches.length, 1, `one sample ${name} ${JSON.stringify(labels)}`);
  return matches[0].value;
}
