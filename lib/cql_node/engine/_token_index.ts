// The partitions of a table in token order (Murmur3), as a real node scans them. Built on the
// first scan that needs it and kept up to date from then on: new keys wait in a list, are sorted
// into a small run at the next scan, and the small run is merged into the large one when it grows
// past a sixteenth of it, so a scan after a few writes costs little and writes to a table never
// scanned cost nothing.
import { Murmur3PartitionToken } from "../../core/murmur3_token.ts";

/** A token as its signed high and unsigned low 32 bits. */
export interface TokenHalves {
  hi: number;
  lo: number;
}

/** Where a token scan starts and stops; a missing bound is the end of the ring. */
export interface TokenRange {
  lower?: TokenHalves & { inclusive: boolean };
  upper?: TokenHalves & { inclusive: boolean };
}

/** A position in token order: a token and a key (a one-char-per-byte string). */
export interface TokenPosition extends TokenHalves {
  key: string;
}

/** Keys sorted by (token, key), with their tokens. */
interface Run {
  keys: string[];
  hi: number[];
  lo: number[];
}

/** Hashes a key; its halves are read at once, before the next hash. */
const TOKEN = new Murmur3PartitionToken();

const emptyRun = (): Run => ({ keys: [], hi: [], lo: [] });

/** The bytes of a one-char-per-byte key string (as table_store.ts's keyOf makes them). */
function bytesOf(key: string): Uint8Array {
  const bytes = new Uint8Array(key.length);
  for (let i = 0; i < key.length; i++) bytes[i] = key.charCodeAt(i);
  return bytes;
}

/** Orders (token, key) pairs: by token, then by key bytes. */
function compare(aHi: number, aLo: number, aKey: string, bHi: number, bLo: number, bKey: string) {
  if (aHi !== bHi) return aHi - bHi;
  if (aLo !== bLo) return aLo - bLo;
  return aKey < bKey ? -1 : aKey > bKey ? 1 : 0;
}

function cmpAt(a: Run, i: number, b: Run, j: number): number {
  return compare(a.hi[i], a.lo[i], a.keys[i], b.hi[j], b.lo[j], b.keys[j]);
}

/** Sorts fresh keys into a run. */
function sortedRun(keys: string[]): Run {
  const n = keys.length;
  const hi = new Array<number>(n);
  const lo = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    hi[i] = TOKEN.hash(bytesOf(keys[i])).high;
    lo[i] = TOKEN.low;
  }
  const order = Array.from({ length: n }, (_, i) => i)
    .sort((a, b) => compare(hi[a], lo[a], keys[a], hi[b], lo[b], keys[b]));
  return {
    keys: order.map((i) => keys[i]),
    hi: order.map((i) => hi[i]),
    lo: order.map((i) => lo[i]),
  };
}

/** Merges two runs; a key in both (deleted and written again) is kept once. */
function merge(a: Run, b: Run): Run {
  const out = emptyRun();
  let i = 0;
  let j = 0;
  while (i < a.keys.length || j < b.keys.length) {
    const c = i >= a.keys.length ? 1 : j >= b.keys.length ? -1 : cmpAt(a, i, b, j);
    const run = c <= 0 ? a : b;
    const at = c <= 0 ? i++ : j++;
    if (c === 0) j++;
    const last = out.keys.length - 1;
    if (last >= 0 && out.keys[last] === run.keys[at]) continue;
    out.keys.push(run.keys[at]);
    out.hi.push(run.hi[at]);
    out.lo.push(run.lo[at]);
  }
  return out;
}

/** The first index of `run` at or after the bound (after it when not inclusive). */
function firstIndex(run: Run, hi: number, lo: number, key: string | null, inclusive: boolean) {
  let low = 0;
  let high = run.keys.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    let c = run.hi[mid] !== hi ? run.hi[mid] - hi : run.lo[mid] - lo;
    if (c === 0 && key !== null) c = run.keys[mid] < key ? -1 : run.keys[mid] > key ? 1 : 0;
    if (c < 0 || (c === 0 && !inclusive)) low = mid + 1;
    else high = mid;
  }
  return low;
}

/** The keys of a table sorted by (token, key bytes). */
export class TokenIndex {
  #large: Run = emptyRun();
  #small: Run = emptyRun();
  #fresh: string[] = [];

  /** Notes a key that became a partition. */
  add(key: string): void {
    this.#fresh.push(key);
  }

  #settle(): void {
    if (this.#fresh.length > 0) {
      this.#small = merge(this.#small, sortedRun(this.#fresh));
      this.#fresh = [];
    }
    if (this.#small.keys.length > 1024 + (this.#large.keys.length >> 4)) {
      this.#large = merge(this.#large, this.#small);
      this.#small = emptyRun();
    }
  }

  /**
   * The keys within `range`, in token order, from `from` on (inclusive) when given; keys since
   * deleted are included (the caller skips them). Consume it before the next write.
   */
  *keys(range: TokenRange, from?: TokenPosition): Generator<string> {
    this.#settle();
    const { lower, upper } = range;
    const runs = [this.#large, this.#small];
    const at = runs.map((run) => {
      let i = lower ? firstIndex(run, lower.hi, lower.lo, null, lower.inclusive) : 0;
      if (from) i = Math.max(i, firstIndex(run, from.hi, from.lo, from.key, true));
      return i;
    });
    const [a, b] = runs;
    for (;;) {
      const aDone = at[0] >= a.keys.length;
      const bDone = at[1] >= b.keys.length;
      if (aDone && bDone) return;
      const c = aDone ? 1 : bDone ? -1 : cmpAt(a, at[0], b, at[1]);
      const r = c <= 0 ? 0 : 1;
      const run = runs[r];
      const i = at[r]++;
      if (c === 0) at[1]++; // deleted and written again: in both runs
      if (upper) {
        const c = run.hi[i] !== upper.hi ? run.hi[i] - upper.hi : run.lo[i] - upper.lo;
        if (c > 0 || (c === 0 && !upper.inclusive)) return;
      }
      yield run.keys[i];
    }
  }
}
