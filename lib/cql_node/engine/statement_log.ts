/**
 * Counts of the CQL statements the embedded node received, by exact text and request kind, so
 * tests can assert what a client sent. Pure.
 *
 * @module
 */

/** How often one statement text arrived, per request kind. */
export interface StatementCounts {
  /** PREPARE requests with this text. */
  prepared: number;
  /** EXECUTE requests of a statement prepared from this text. */
  executed: number;
  /** QUERY requests (unprepared) with this text. */
  queried: number;
  /** Statements of BATCH requests with this text, inline or by prepared id. */
  batched: number;
}

/** A request kind, as {@linkcode StatementLog.entries} names it. */
export type StatementKind = "prepare" | "execute" | "query" | "batch";

/** One row of {@linkcode StatementLog.entries}. */
export interface StatementLogEntry {
  /** The statement text exactly as received. */
  text: string;
  /** The request kind. */
  kind: StatementKind;
  /** How many requests of that kind carried the text. */
  count: number;
}

/** How a {@linkcode StatementLog} is set up. */
export interface StatementLogOptions {
  /** The most distinct texts kept; requests with further texts only count as overflow. @default 1000 */
  maxTexts?: number;
}

const KINDS: readonly [StatementKind, keyof StatementCounts][] = [
  ["prepare", "prepared"],
  ["execute", "executed"],
  ["query", "queried"],
  ["batch", "batched"],
];

function zeroCounts(): StatementCounts {
  return { prepared: 0, executed: 0, queried: 0, batched: 0 };
}

function totalOf(counts: StatementCounts): number {
  return counts.prepared + counts.executed + counts.queried + counts.batched;
}

/**
 * Statement counters by text. The engine takes one counter object per text with
 * {@linkcode StatementLog.counter} and keeps it in the compiled statement, so counting a request
 * is one field increment. At most `maxTexts` texts are kept; the others share one overflow
 * counter.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { StatementLog } from "./statement_log.ts";
 * const log = new StatementLog({ maxTexts: 1 });
 * log.counter("SELECT * FROM t").prepared++;
 * log.counter("SELECT * FROM t").executed += 2;
 * log.counter("INSERT INTO t (k) VALUES (1)").queried++; // over the cap
 * assert.deepEqual(log.entries(), [
 *   { text: "SELECT * FROM t", kind: "prepare", count: 1 },
 *   { text: "SELECT * FROM t", kind: "execute", count: 2 },
 * ]);
 * assert.equal(log.overflowCount, 1);
 * ```
 */
export class StatementLog {
  readonly #counts = new Map<string, StatementCounts>();
  readonly #overflow: StatementCounts = zeroCounts();
  readonly #maxTexts: number;

  /**
   * Creates an empty log.
   *
   * @param options The cap on distinct texts.
   * @throws {RangeError} When `maxTexts` is not a non-negative integer.
   */
  constructor(options: StatementLogOptions = {}) {
    const maxTexts = options.maxTexts ?? 1000;
    if (!Number.isInteger(maxTexts) || maxTexts < 0) {
      throw new RangeError(
        `Cannot create a statement log: maxTexts is "${maxTexts}", expected an integer >= 0`,
      );
    }
    this.#maxTexts = maxTexts;
  }

  /**
   * The live counter of a text, created on first use; past the cap, the shared overflow counter.
   * Callers increment its fields.
   *
   * @param text The statement text exactly as received.
   * @returns The counter to increment.
   */
  counter(text: string): StatementCounts {
    let counts = this.#counts.get(text);
    if (counts === undefined) {
      if (this.#counts.size >= this.#maxTexts) return this.#overflow;
      counts = zeroCounts();
      this.#counts.set(text, counts);
    }
    return counts;
  }

  /**
   * A snapshot of the counts of every text seen since the last reset, in first-seen order.
   *
   * @returns Text -> counts (copies).
   */
  get statements(): ReadonlyMap<string, Readonly<StatementCounts>> {
    const out = new Map<string, Readonly<StatementCounts>>();
    for (const [text, counts] of this.#counts) {
      if (totalOf(counts) > 0) out.set(text, { ...counts });
    }
    return out;
  }

  /**
   * Requests whose text was not kept because the cap was reached.
   *
   * @returns The count.
   */
  get overflowCount(): number {
    return totalOf(this.#overflow);
  }

  /**
   * The counts as rows: one per text and request kind that occurred, texts in first-seen order,
   * kinds in the order prepare, execute, query, batch.
   *
   * @returns The rows.
   */
  entries(): StatementLogEntry[] {
    const out: StatementLogEntry[] = [];
    for (const [text, counts] of this.#counts) {
      for (const [kind, field] of KINDS) {
        if (counts[field] > 0) out.push({ text, kind, count: counts[field] });
      }
    }
    return out;
  }

  /**
   * Sets every count to zero. Texts already seen keep their place (and their share of the cap),
   * since compiled statements hold their counters.
   */
  reset(): void {
    for (const counts of [...this.#counts.values(), this.#overflow]) {
      counts.prepared = 0;
      counts.executed = 0;
      counts.queried = 0;
      counts.batched = 0;
    }
  }
}
