// The token side of a SELECT: the token range a `token(pk) > ?` restriction asks for, as
// Cassandra reads the bounds, and the `token(k1, k2)` selector's value.
import { CqlError } from "../protocol/cql_error.ts";
import { Murmur3PartitionToken } from "../../core/murmur3_token.ts";
import type { ExecContext } from "./_bind.ts";
import type { KeyPlan, TokenBound } from "./_restrictions.ts";
import type { TokenRange } from "./table_store.ts";

/** Hashes a key; its halves are read at once, before the next hash. */
const TOKEN = new Murmur3PartitionToken();

const MIN_HI = -0x80000000;

function boundOf(bound: TokenBound | undefined, ctx: ExecContext) {
  if (bound === undefined) return undefined;
  const bytes = bound.value(ctx);
  if (bytes === null || bytes === undefined) throw CqlError.invalid("Invalid null token value");
  const view = new DataView(bytes.buffer, bytes.byteOffset, 8);
  const hi = view.getInt32(0);
  const lo = view.getUint32(4);
  // The minimum token is the start of the ring as a start and its end as an end.
  if (hi === MIN_HI && lo === 0) return undefined;
  return { hi, lo, inclusive: bound.inclusive };
}

/**
 * The token range of `plan`'s token restrictions for one execution, `null` when it is empty
 * (a start above the end, or equal bounds one of which excludes: Cassandra answers no rows
 * rather than wrapping around the ring).
 */
export function tokenRangeOf(plan: KeyPlan, ctx: ExecContext): TokenRange | null {
  if (plan.token === null) return {};
  const lower = boundOf(plan.token.lower, ctx);
  const upper = boundOf(plan.token.upper, ctx);
  if (lower && upper) {
    const c = lower.hi !== upper.hi ? lower.hi - upper.hi : lower.lo - upper.lo;
    if (c > 0 || (c === 0 && !(lower.inclusive && upper.inclusive))) return null;
  }
  return { lower, upper };
}

/** Whether the partition with key bytes `key` has its token within `range`. */
export function inTokenRange(key: Uint8Array, range: TokenRange): boolean {
  const hi = TOKEN.hash(key).high;
  const lo = TOKEN.low;
  const { lower, upper } = range;
  if (lower) {
    const c = hi !== lower.hi ? hi - lower.hi : lo - lower.lo;
    if (c < 0 || (c === 0 && !lower.inclusive)) return false;
  }
  if (upper) {
    const c = hi !== upper.hi ? hi - upper.hi : lo - upper.lo;
    if (c > 0 || (c === 0 && !upper.inclusive)) return false;
  }
  return true;
}

/** The token of serialized partition key bytes as a CQL bigint value. */
export function tokenBytes(key: Uint8Array): Uint8Array {
  TOKEN.hash(key);
  const out = new Uint8Array(8);
  const view = new DataView(out.buffer);
  view.setInt32(0, TOKEN.high);
  view.setUint32(4, TOKEN.low);
  return out;
}

/** The token of serialized partition key bytes as its two halves. */
export function tokenHalves(key: Uint8Array): { hi: number; lo: number } {
  TOKEN.hash(key);
  return { hi: TOKEN.high, lo: TOKEN.low };
}
