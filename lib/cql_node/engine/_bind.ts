// Compiles AST terms into functions of the bound values, validating bound bytes by type.
import type { Term } from "../parse/cql_ast.ts";
import { CqlError } from "../protocol/cql_error.ts";
import type { CqlType } from "../values/cql_type.ts";
import {
  argumentTypeOf,
  decodeValue,
  encodeValue,
  resolveTerm,
  validateValue,
} from "../values/cql_value.ts";
import { CqlValueError } from "../values/cql_value_error.ts";

/** What one execution sees: bound values, the clock, randomness. */
export interface ExecContext {
  values: (Uint8Array | null | undefined)[];
  nowMs: number;
  /** The timestamp of a write without USING TIMESTAMP, in microseconds (the request's, else the
   * node's). @default nowMs * 1000 */
  timestamp?: number | bigint;
  randomBytes: (length: number) => Uint8Array;
}

/** A compiled term: bytes, `null` for CQL null, `undefined` for unset. */
export type TermFn = (ctx: ExecContext) => Uint8Array | null | undefined;

/** The type and name of one bind marker, for PREPARED metadata. */
export interface BindSpec {
  keyspace: string;
  table: string;
  name: string;
  type: CqlType;
}

/** Collects bind marker specs while a statement compiles. */
export class BindCollector {
  readonly specs: (BindSpec | undefined)[];
  readonly keyspace: string;
  readonly table: string;
  constructor(count: number, keyspace: string, table: string) {
    this.specs = new Array(count);
    this.keyspace = keyspace;
    this.table = table;
  }
  /** Records the type of every marker inside `term`. */
  note(term: Term, type: CqlType, name: string): void {
    if (term.kind === "bind") {
      this.specs[term.index] = {
        keyspace: this.keyspace,
        table: this.table,
        name: term.name ?? name,
        type,
      };
    } else if (term.kind === "cast") this.note(term.term, type, name);
    else if (term.kind === "function" && term.args.length === 1) {
      const argType = argumentTypeOf(term.name);
      const fn = term.name.toLowerCase().replace(/^system\./, "");
      if (argType) this.note(term.args[0], argType, `arg0(system.${fn})`);
    } else if ((term.kind === "list" || term.kind === "set") && "element" in type) {
      for (const item of term.items) this.note(item, type.element, name);
    } else if (term.kind === "tuple" && type.kind === "tuple") {
      term.items.forEach((item, i) => type.elements[i] && this.note(item, type.elements[i], name));
    } else if (term.kind === "map" && type.kind === "map") {
      for (const [k, v] of term.entries) {
        this.note(k, type.key, name);
        this.note(v, type.value, name);
      }
    }
  }
}

function rethrow(error: unknown): never {
  if (error instanceof CqlValueError) throw CqlError.invalid(error.message);
  throw error;
}

/** Compiles `term` of `type`; literals are resolved once, binds are validated per execution. */
export function compileTerm(
  type: CqlType,
  term: Term,
  name: string,
  binds: BindCollector,
): TermFn {
  binds.note(term, type, name);
  if (term.kind === "bind") {
    const index = term.index;
    // Sets and maps are stored sorted and de-duplicated, whatever order the client sent.
    const canonical = hasSetOrMap(type);
    return (ctx) => {
      const value = ctx.values[index];
      if (value === undefined || value === null) return value;
      const problem = validateValue(type, value);
      if (problem !== undefined) throw CqlError.invalid(`Invalid value for ${name}: ${problem}`);
      return canonical ? encodeValue(type, decodeValue(type, value)) : value;
    };
  }
  const constant = !hasDynamicPart(term);
  if (constant) {
    let bytes: Uint8Array | null | undefined;
    try {
      bytes = resolveTerm(type, term, {
        bound: () => undefined,
        nowMs: 0,
        randomBytes: (n) => new Uint8Array(n),
      }, { column: name });
    } catch (error) {
      rethrow(error);
    }
    return () => bytes;
  }
  return (ctx) => {
    try {
      return resolveTerm(type, term, {
        bound: (i) => ctx.values[i],
        nowMs: ctx.nowMs,
        randomBytes: ctx.randomBytes,
      }, { column: name });
    } catch (error) {
      rethrow(error);
    }
  };
}

function hasSetOrMap(type: CqlType): boolean {
  switch (type.kind) {
    case "set":
    case "map":
      return true;
    case "list":
      return hasSetOrMap(type.element);
    case "tuple":
      return type.elements.some(hasSetOrMap);
    default:
      return false;
  }
}

function hasDynamicPart(term: Term): boolean {
  switch (term.kind) {
    case "bind":
    case "function":
      return true;
    case "cast":
      return hasDynamicPart(term.term);
    case "list":
    case "set":
    case "tuple":
      return term.items.some(hasDynamicPart);
    case "map":
      return term.entries.some(([k, v]) => hasDynamicPart(k) || hasDynamicPart(v));
    default:
      return false;
  }
}

/** Splits a serialized list or set (v3+ format) into its element bytes. */
export function splitCollection(
  bytes: Uint8Array,
  what: string,
  perItem = 1,
): (Uint8Array | null)[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 4) throw CqlError.invalid(`Invalid ${what}: not enough bytes`);
  const n = view.getInt32(0);
  if (n < 0 || n > bytes.length) throw CqlError.invalid(`Invalid ${what}: bad element count`);
  const items: (Uint8Array | null)[] = [];
  let at = 4;
  for (let i = 0; i < n * perItem; i++) {
    if (at + 4 > bytes.length) throw CqlError.invalid(`Invalid ${what}: not enough bytes`);
    const length = view.getInt32(at);
    at += 4;
    if (length < 0) {
      items.push(null);
      continue;
    }
    if (at + length > bytes.length) throw CqlError.invalid(`Invalid ${what}: not enough bytes`);
    items.push(bytes.subarray(at, at + length));
    at += length;
  }
  return items;
}

/** Serializes elements as a list, set or (pairs flattened) map. */
export function joinCollection(items: (Uint8Array | null)[], count = items.length): Uint8Array {
  let size = 4;
  for (const item of items) size += 4 + (item?.length ?? 0);
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  view.setInt32(0, count);
  let at = 4;
  for (const item of items) {
    if (item === null) {
      view.setInt32(at, -1);
      at += 4;
    } else {
      view.setInt32(at, item.length);
      out.set(item, at + 4);
      at += 4 + item.length;
    }
  }
  return out;
}

/** Compares byte arrays lexicographically, unsigned. */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
}

/** Equality of two optional byte arrays. */
export function sameBytes(a: Uint8Array | null, b: Uint8Array | null): boolean {
  if (a === null || b === null) return a === b;
  return a.length === b.length && compareBytes(a, b) === 0;
}
