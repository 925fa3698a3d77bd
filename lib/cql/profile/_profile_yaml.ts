// Private helper: the YAML side of reading a profile. Walks the document's nodes (not plain JS
// values) so every error can name the key and its line.
import {
  type Document,
  isAlias,
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  type Node,
  type ParsedNode,
  parseDocument,
} from "yaml";
import { OptionError, UsageError } from "../../errors.ts";

/** One `key: value` of a mapping. */
export interface YamlEntry {
  /** The key as text. */
  readonly key: string;
  /** The value node; null for `key:` with nothing after it. */
  readonly value: Node | null;
  /** The key's line (1-based). */
  readonly line: number;
}

function kindOf(node: Node | null): string {
  if (node === null || (isScalar(node) && node.value === null)) return "nothing";
  if (isMap(node)) return "a mapping";
  if (isSeq(node)) return "a list";
  return `"${String((node as { source?: string }).source ?? "")}"`;
}

/** A profile file being read: its name, its lines, and errors that name both. */
export class ProfileYaml {
  /** The file name, as given. */
  readonly fileName: string;
  /** The top-level node: a mapping, or null for an empty file. */
  readonly root: Node | null;
  #lines = new LineCounter();
  #doc: Document.Parsed;

  /** Parses the YAML text; a syntax error throws with its line and column. */
  constructor(text: string, fileName: string) {
    this.fileName = fileName;
    const doc = parseDocument(text, { lineCounter: this.#lines, prettyErrors: false });
    this.#doc = doc;
    const error = doc.errors[0];
    if (error !== undefined) {
      const at = this.#lines.linePos(error.pos[0]);
      const where = `line ${at.line}, column ${at.col}: `;
      const message = error.message.split("\n")[0].replace(/ at line \d+, column \d+:?$/, "");
      throw new UsageError(
        `Cannot load profile "${fileName}": ${where}the YAML is invalid: ${message}`,
        { cause: error },
      );
    }
    this.root = this.#deref(doc.contents);
  }

  /** The node an alias (`*name`) stands for; any other node itself. */
  #deref(node: Node | null | undefined): Node | null {
    if (node === null || node === undefined) return null;
    return isAlias(node) ? (node.resolve(this.#doc) as Node | undefined) ?? null : node;
  }

  /** The 1-based line of a node, or null. */
  line(node: Node | null): number | null {
    const range = (node as ParsedNode | null)?.range;
    return range === undefined ? null : this.#lines.linePos(range[0]).line;
  }

  /**
   * Throws `Cannot load profile "<file>": key "<path>" (line N): <message>`, on one line (line
   * breaks of values it quotes are written `\n`).
   */
  fail(path: string, line: number | null, message: string, cause?: unknown): never {
    const at = line === null ? "" : ` (line ${line})`;
    const text = `Cannot load profile "${this.fileName}": key "${path}"${at}: ${message}`;
    throw new UsageError(text.replace(/\r?\n/g, "\\n"), { cause });
  }

  /** The entries of a mapping node, in order, `<<: *base` merged in; fails if it is not one. */
  entries(given: Node | null, path: string, line: number | null): YamlEntry[] {
    const node = this.#deref(given);
    if (!isMap(node)) return this.fail(path, line, `expected a mapping, found ${kindOf(node)}`);
    const own: YamlEntry[] = [];
    const merged: YamlEntry[] = [];
    for (const item of node.items) {
      const key = this.#deref(item.key as Node | null);
      const value = this.#deref(item.value as Node | null);
      const keyLine = this.line(key) ?? line ?? 0;
      if (isScalar(key) && key.value === "<<" && !isScalar(value)) {
        const sources = isSeq(value) ? (value.items as Node[]) : [value];
        for (const source of sources) merged.push(...this.entries(source, path, keyLine));
        continue;
      }
      const text = isScalar(key) ? String(key.value) : this.javaText(key);
      own.push({ key: text, value, line: keyLine });
    }
    const ownKeys = new Set(own.map((entry) => entry.key));
    const inherited = merged.filter((entry, i) =>
      !ownKeys.has(entry.key) && merged.findIndex((other) => other.key === entry.key) === i
    );
    return [...inherited, ...own];
  }

  /** The items of a list node; fails if it is not one. */
  items(given: Node | null, path: string, line: number | null): Node[] {
    const node = this.#deref(given);
    if (!isSeq(node)) return this.fail(path, line, `expected a list, found ${kindOf(node)}`);
    return node.items as Node[];
  }

  /** Whether a value is a scalar with a value (not a list, a mapping or nothing). */
  isText(node: Node | null): boolean {
    return !this.isEmpty(node) && isScalar(this.#deref(node));
  }

  /** Whether a value is missing: `key:` with nothing, or `null`/`~`. */
  isEmpty(given: Node | null): boolean {
    const node = this.#deref(given);
    return node === null || (isScalar(node) && node.value === null);
  }

  /** A scalar's text (a number as written), or null for an empty value; fails on a list or map. */
  text(given: Node | null, path: string, line: number | null): string | null {
    const node = this.#deref(given);
    if (this.isEmpty(node)) return null;
    if (!isScalar(node)) return this.fail(path, line, `expected a text, found ${kindOf(node)}`);
    return typeof node.value === "string" ? node.value : String(node.source ?? node.value);
  }

  /** A value as Java's `toString` prints it: `x`, `[a, b]`, `{k=v}`, `null`. */
  javaText(given: Node | null): string {
    const node = this.#deref(given);
    if (node === null) return "null";
    if (isMap(node)) {
      const parts = node.items.map((item) =>
        `${this.javaText(item.key as Node | null)}=${this.javaText(item.value as Node | null)}`
      );
      return `{${parts.join(", ")}}`;
    }
    if (isSeq(node)) return `[${(node.items as Node[]).map((n) => this.javaText(n)).join(", ")}]`;
    if (isScalar(node)) {
      if (node.value === null) return "null";
      return typeof node.value === "string" ? node.value : String(node.source ?? node.value);
    }
    return String(node);
  }

  /**
   * Runs a parser of the option grammar (`parseDistribution`...) and turns its OptionError
   * into a profile error at `path`.
   */
  parse<T>(path: string, line: number | null, parser: (option: string) => T): T {
    try {
      return parser(path);
    } catch (error) {
      if (!(error instanceof OptionError)) throw error;
      const detail = error.message.replace(`Cannot parse option "${path}": `, "");
      return this.fail(path, line, detail, error);
    }
  }
}
