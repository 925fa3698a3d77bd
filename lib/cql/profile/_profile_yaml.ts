// Private helper: the YAML side of reading a profile. Walks the document's nodes (not plain JS
// values) so every error can name the key and its line.
import {
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

  /** Parses the YAML text; a syntax error throws with its line and column. */
  constructor(text: string, fileName: string) {
    this.fileName = fileName;
    const doc = parseDocument(text, { lineCounter: this.#lines, prettyErrors: false });
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
    this.root = doc.contents;
  }

  /** The 1-based line of a node, or null. */
  line(node: Node | null): number | null {
    const range = (node as ParsedNode | null)?.range;
    return range === undefined ? null : this.#lines.linePos(range[0]).line;
  }

  /** Throws `Cannot load profile "<file>": key "<path>" (line N): <message>`. */
  fail(path: string, line: number | null, message: string, cause?: unknown): never {
    const at = line === null ? "" : ` (line ${line})`;
    throw new UsageError(`Cannot load profile "${this.fileName}": key "${path}"${at}: ${message}`, {
      cause,
    });
  }

  /** The entries of a mapping node, in order; fails if it is not one. */
  entries(node: Node | null, path: string, line: number | null): YamlEntry[] {
    if (!isMap(node)) return this.fail(path, line, `expected a mapping, found ${kindOf(node)}`);
    return node.items.map((item) => {
      const key = item.key as Node | null;
      return {
        key: isScalar(key) ? String(key.value) : this.javaText(key),
        value: (item.value as Node | null) ?? null,
        line: this.line(key) ?? line ?? 0,
      };
    });
  }

  /** The items of a list node; fails if it is not one. */
  items(node: Node | null, path: string, line: number | null): Node[] {
    if (!isSeq(node)) return this.fail(path, line, `expected a list, found ${kindOf(node)}`);
    return node.items as Node[];
  }

  /** Whether a value is missing: `key:` with nothing, or `null`/`~`. */
  isEmpty(node: Node | null): boolean {
    return node === null || (isScalar(node) && node.value === null);
  }

  /** A scalar's text (a number as written), or null for an empty value; fails on a list or map. */
  text(node: Node | null, path: string, line: number | null): string | null {
    if (this.isEmpty(node)) return null;
    if (!isScalar(node)) return this.fail(path, line, `expected a text, found ${kindOf(node)}`);
    return typeof node.value === "string" ? node.value : String(node.source ?? node.value);
  }

  /** A value as Java's `toString` prints it: `x`, `[a, b]`, `{k=v}`, `null`. */
  javaText(node: Node | null): string {
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
