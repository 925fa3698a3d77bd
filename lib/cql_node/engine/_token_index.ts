// The partitions of a table in token order (Murmur3), as a real node scans them. Built on the
// first scan that needs it and kept up to date from then on: new keys wait in a list and are
// sorted and merged in at the next scan, so writes to a table never scanned pay nothing.
import { computeMurmur3Token, tokenHigh, tokenLow } from "../values/murmur3_token.ts";

/** The bytes of a one-char-per-byte key string (as table_store.ts's keyOf makes them). */
function bytesOf(key: string): Uint8Array {
  const bytes = new Uint8Array(key.length);
  for (let i = 0; i < key.length; i++) bytes[i] = key.charCodeAt(i);
  return bytes;
}

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

function compare(aHi: number, aLo: number, bHi: number, bLo: number): number {
  return aHi !== bHi ? aHi - bHi : aLo - bLo;
}

/** The keys of a table sorted by (token, key bytes). */
export class TokenIndex {
  #keys: string[] = [];
  #hi: number[] = [];
  #lo: number[] = [];
  #pending: string[] = [];

  /** Notes a key that became a partition. */
  add(key: string): void {
    this.#pending.push(key);
  }

  #merge(): void {
    const pending = this.#pending;
    this.#pending = [];
    const n = pending.length;
    const hi = new Array<number>(n);
    const lo = new Array<number>(n);
    for (let i = 0; i < n; i++) {
      computeMurmur3Token(bytesOf(pending[i]));
      hi[i] = tokenHigh();
      lo[i] = tokenLow();
    }
    const order = Array.from({ length: n }, (_, i) => i).sort((a, b) =>
      compare(hi[a], lo[a], hi[b], lo[b]) ||
      (pending[a] < pending[b] ? -1 : pending[a] > pending[b] ? 1 : 0)
    );
    const keys: string[] = [];
    const outHi: number[] = [];
    const outLo: number[] = [];
    let i = 0;
    let j = 0;
    while (i < this.#keys.length || j < n) {
      let takeOld = j >= n;
      if (!takeOld && i < this.#keys.length) {
        const p = order[j];
        const c = compare(this.#hi[i], this.#lo[i], hi[p], lo[p]) ||
          (this.#keys[i] < pending[p] ? -1 : this.#keys[i] > pending[p] ? 1 : 0);
        if (c === 0) j++; // a key deleted and written again is listed once
        takeOld = c <= 0;
      }
      const key = takeOld ? this.#keys[i] : pending[order[j]];
      const h = takeOld ? this.#hi[i++] : hi[order[j]];
      const l = takeOld ? this.#lo[i - 1] : lo[order[j++]];
      if (keys.length > 0 && keys[keys.length - 1] === key) continue;
      keys.push(key);
      outHi.push(h);
      outLo.push(l);
    }
    this.#keys = keys;
    this.#hi = outHi;
    this.#lo = outLo;
  }

  /** The first index whose token is above `bound` (or at it, when `inclusive`). */
  #first(bound: TokenHalves & { inclusive: boolean }): number {
    let lo = 0;
    let hi = this.#keys.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const c = compare(this.#hi[mid], this.#lo[mid], bound.hi, bound.lo);
      if (c < 0 || (c === 0 && !bound.inclusive)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /**
   * The keys within `range`, in token order (keys since deleted included: the caller skips
   * them). Consume it before the next write.
   */
  *keys(range: TokenRange): Generator<string> {
    if (this.#pending.length > 0) this.#merge();
    const { lower, upper } = range;
    const keys = this.#keys;
    const his = this.#hi;
    const los = this.#lo;
    for (let i = lower ? this.#first(lower) : 0; i < keys.length; i++) {
      if (upper) {
        const c = compare(his[i], los[i], upper.hi, upper.lo);
        if (c > 0 || (c === 0 && !upper.inclusive)) return;
      }
      yield keys[i];
    }
  }
}
