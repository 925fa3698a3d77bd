/**
 * Private helpers of the value codec: civil dates, and the text forms of timestamp, date,
 * time and duration values (all computed without the host clock or time zone; UTC).
 *
 * @module
 */

import {
  readUnsignedVint,
  writeUnsignedVint,
  zigzagDecode,
  zigzagEncode,
} from "./_value_numbers.ts";

/** Milliseconds per day. */
export const MS_PER_DAY = 86_400_000;
/** Nanoseconds per day, the exclusive upper bound of a `time` value. */
export const NS_PER_DAY = 86_400_000_000_000n;
/** The raw `date` value of 1970-01-01 (dates are unsigned days centred on 2^31). */
export const DATE_EPOCH = 2 ** 31;

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const INT32_MAX = 2147483647;

/** Days since 1970-01-01 of a proleptic Gregorian date (any year). */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) +
    dayOfYear;
  return era * 146097 + dayOfEra - 719468;
}

/** The proleptic Gregorian `[year, month, day]` of a day count since 1970-01-01. */
export function civilFromDays(days: number): [number, number, number] {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const dayOfEra = z - era * 146097;
  const yearOfEra = Math.floor(
    (dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36524) -
      Math.floor(dayOfEra / 146096)) / 365,
  );
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) -
    Math.floor(yearOfEra / 100));
  const mp = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return [yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day];
}

function daysInMonth(year: number, month: number): number {
  return daysFromCivil(month === 12 ? year + 1 : year, month === 12 ? 1 : month + 1, 1) -
    daysFromCivil(year, month, 1);
}

function validDate(year: number, month: number, day: number): boolean {
  return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}

const TIMESTAMP =
  /^([+-]?\d{1,9})-(\d{1,2})-(\d{1,2})(?:[T ](\d{1,2}):(\d{1,2})(?::(\d{1,2})(?:\.(\d{1,3}))?)?)?\s*(Z|z|UTC|GMT|[+-]\d{2}(?::?\d{2})?)?$/;

/**
 * Parses a timestamp as Cassandra accepts it: an integer (milliseconds) or
 * `yyyy-mm-dd[( |T)hh:mm[:ss[.fff]]][Z|+hhmm|+hh:mm]` (UTC when no zone is given).
 */
export function parseTimestamp(text: string): bigint | undefined {
  const trimmed = text.trim();
  if (/^[+-]?\d+$/.test(trimmed)) {
    const ms = BigInt(trimmed);
    return ms < INT64_MIN || ms > INT64_MAX ? undefined : ms;
  }
  const match = TIMESTAMP.exec(trimmed);
  if (match === null) return undefined;
  const [, y, mo, d, h = "0", mi = "0", s = "0", fraction = "0", zone = "Z"] = match;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  if (!validDate(year, month, day) || Number(h) > 23 || Number(mi) > 59 || Number(s) > 59) {
    return undefined;
  }
  let offsetMinutes = 0;
  if (zone[0] === "+" || zone[0] === "-") {
    const digits = zone.slice(1).replace(":", "");
    offsetMinutes = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || "0");
    if (zone[0] === "-") offsetMinutes = -offsetMinutes;
  }
  const ms = daysFromCivil(year, month, day) * MS_PER_DAY +
    ((Number(h) * 60 + Number(mi) - offsetMinutes) * 60 + Number(s)) * 1000 +
    Number(fraction.padEnd(3, "0"));
  return Number.isSafeInteger(ms) ? BigInt(ms) : undefined;
}

function pad(value: number, width: number): string {
  return String(value).padStart(width, "0");
}

function formatYear(year: number): string {
  return year < 0 ? "-" + pad(-year, 4) : pad(year, 4);
}

/** Formats milliseconds since the epoch as `yyyy-mm-ddThh:mm:ss.fffZ`. */
export function formatTimestamp(ms: bigint): string {
  const day = BigInt(MS_PER_DAY);
  let days = ms / day;
  let rest = ms % day;
  if (rest < 0n) {
    rest += day;
    days -= 1n;
  }
  const [year, month, dayOfMonth] = civilFromDays(Number(days));
  const r = Number(rest);
  return `${formatYear(year)}-${pad(month, 2)}-${pad(dayOfMonth, 2)}T` +
    `${pad(Math.floor(r / 3_600_000), 2)}:${pad(Math.floor(r / 60_000) % 60, 2)}:` +
    `${pad(Math.floor(r / 1000) % 60, 2)}.${pad(r % 1000, 3)}Z`;
}

/**
 * Parses a date as Cassandra accepts it: `yyyy-mm-dd`, or an integer that is the raw unsigned
 * value (2^31 is 1970-01-01). Returns the raw unsigned 32-bit value.
 */
export function parseDate(text: string): number | undefined {
  const trimmed = text.trim();
  if (/^\d+$/.test(trimmed)) {
    const raw = Number(trimmed);
    return raw <= 0xffffffff ? raw : undefined;
  }
  const match = /^([+-]?\d{1,9})-(\d{1,2})-(\d{1,2})$/.exec(trimmed);
  if (match === null) return undefined;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (!validDate(year, month, day)) return undefined;
  const raw = daysFromCivil(year, month, day) + DATE_EPOCH;
  return raw >= 0 && raw <= 0xffffffff ? raw : undefined;
}

/** Formats a raw unsigned `date` value as `yyyy-mm-dd`. */
export function formatDate(raw: number): string {
  const [year, month, day] = civilFromDays(raw - DATE_EPOCH);
  return `${formatYear(year)}-${pad(month, 2)}-${pad(day, 2)}`;
}

/** Parses `hh:mm:ss[.fffffffff]` or an integer (nanoseconds) into nanoseconds of the day. */
export function parseTime(text: string): bigint | undefined {
  const trimmed = text.trim();
  if (/^\d+$/.test(trimmed)) {
    const ns = BigInt(trimmed);
    return ns < NS_PER_DAY ? ns : undefined;
  }
  const match = /^(\d{1,2}):(\d{1,2}):(\d{1,2})(?:\.(\d{1,9}))?$/.exec(trimmed);
  if (match === null) return undefined;
  const [h, m, s] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (h > 23 || m > 59 || s > 59) return undefined;
  return BigInt((h * 60 + m) * 60 + s) * 1_000_000_000n + BigInt((match[4] ?? "").padEnd(9, "0"));
}

/** Formats nanoseconds of the day as `hh:mm:ss.fffffffff` (out-of-range values as integers). */
export function formatTime(ns: bigint): string {
  if (ns < 0n || ns >= NS_PER_DAY) return ns.toString();
  const seconds = Number(ns / 1_000_000_000n);
  const fraction = Number(ns % 1_000_000_000n);
  return `${pad(Math.floor(seconds / 3600), 2)}:${pad(Math.floor(seconds / 60) % 60, 2)}:` +
    `${pad(seconds % 60, 2)}.${pad(fraction, 9)}`;
}

/** A `duration` value: months, days and nanoseconds, all of one sign. */
export interface DurationValue {
  /** Whole months (an int). */
  months: number;
  /** Whole days (an int). */
  days: number;
  /** Nanoseconds (a long). */
  nanoseconds: bigint;
}

const UNIT_SCALE: Record<string, [0 | 1 | 2, bigint]> = {
  y: [0, 12n],
  mo: [0, 1n],
  w: [1, 7n],
  d: [1, 1n],
  h: [2, 3_600_000_000_000n],
  m: [2, 60_000_000_000n],
  s: [2, 1_000_000_000n],
  ms: [2, 1_000_000n],
  us: [2, 1_000n],
  "µs": [2, 1_000n],
  ns: [2, 1n],
};

function durationFrom(negative: boolean, totals: bigint[]): DurationValue | undefined {
  const [months, days, nanos] = totals;
  if (months > BigInt(INT32_MAX) || days > BigInt(INT32_MAX) || nanos > INT64_MAX) {
    return undefined;
  }
  const sign = negative ? -1 : 1;
  return {
    months: sign * Number(months) || 0,
    days: sign * Number(days) || 0,
    nanoseconds: negative ? -nanos : nanos,
  };
}

const ISO = /^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/;

/** Parses a duration: `1h30m`, `-2d`, `1y2mo3w4d5h6m7s8ms9us10ns`, or ISO `P1DT2H` / `P2W`. */
export function parseDuration(text: string): DurationValue | undefined {
  let rest = text.trim();
  const negative = rest.startsWith("-");
  if (negative) rest = rest.slice(1);
  const totals = [0n, 0n, 0n];
  const upper = rest.toUpperCase();
  if (upper.startsWith("P")) {
    const week = /^P(\d+)W$/.exec(upper);
    if (week !== null) return durationFrom(negative, [0n, BigInt(week[1]) * 7n, 0n]);
    const match = ISO.exec(upper);
    if (match === null || upper === "P" || upper.endsWith("T")) return undefined;
    const [y, mo, d, h, mi, s] = match.slice(1).map((x) => BigInt(x ?? "0"));
    totals[0] = y * 12n + mo;
    totals[1] = d;
    totals[2] = h * 3_600_000_000_000n + mi * 60_000_000_000n + s * 1_000_000_000n;
    return durationFrom(negative, totals);
  }
  const unit = /(\d+)(mo|ms|us|µs|ns|y|w|d|h|m|s)/iy;
  if (rest === "") return undefined;
  let at = 0;
  while (at < rest.length) {
    unit.lastIndex = at;
    const match = unit.exec(rest);
    if (match === null) return undefined;
    const [field, scale] = UNIT_SCALE[match[2].toLowerCase()];
    totals[field] += BigInt(match[1]) * scale;
    at = unit.lastIndex;
  }
  return durationFrom(negative, totals);
}

/** Formats a duration as Cassandra does: `1y2mo3d4h5m6s7ms8us9ns`, `-1d`; zero is `0s`. */
export function formatDuration(value: DurationValue): string {
  const negative = value.months < 0 || value.days < 0 || value.nanoseconds < 0n;
  const months = Math.abs(value.months);
  const days = Math.abs(value.days);
  let nanos = value.nanoseconds < 0n ? -value.nanoseconds : value.nanoseconds;
  let out = "";
  if (months >= 12) out += `${Math.floor(months / 12)}y`;
  if (months % 12 !== 0) out += `${months % 12}mo`;
  if (days !== 0) out += `${days}d`;
  for (
    const [suffix, size] of [
      ["h", 3_600_000_000_000n],
      ["m", 60_000_000_000n],
      [
        "s",
        1_000_000_000n,
      ],
      ["ms", 1_000_000n],
      ["us", 1_000n],
      ["ns", 1n],
    ] as const
  ) {
    if (nanos >= size) {
      out += `${nanos / size}${suffix}`;
      nanos %= size;
    }
  }
  return out === "" ? "0s" : (negative ? "-" : "") + out;
}

/** Encodes a duration as three zig-zag vints (months, days, nanoseconds). */
export function durationBytes(value: DurationValue): Uint8Array {
  const out: number[] = [];
  writeUnsignedVint(zigzagEncode(BigInt(value.months)), out);
  writeUnsignedVint(zigzagEncode(BigInt(value.days)), out);
  writeUnsignedVint(zigzagEncode(value.nanoseconds), out);
  return new Uint8Array(out);
}

/**
 * Reads a duration from `bytes[start, end)`; a string (the error message) when the bytes are
 * not exactly three vints, months or days do not fit an int, or the signs differ.
 */
export function readDuration(
  bytes: Uint8Array,
  start: number,
  end: number,
): DurationValue | string {
  if (end - start < 3) return `Expected at least 3 bytes for a duration (${end - start})`;
  const months = readUnsignedVint(bytes, start, end);
  const days = months && readUnsignedVint(bytes, months.next, end);
  const nanos = days && readUnsignedVint(bytes, days.next, end);
  if (months === undefined || days === undefined || nanos === undefined || nanos.next !== end) {
    return "Invalid duration: the value is not three vints";
  }
  const m = zigzagDecode(months.value);
  const d = zigzagDecode(days.value);
  const n = zigzagDecode(nanos.value);
  if (m > 2147483647n || m < -2147483648n || d > 2147483647n || d < -2147483648n) {
    return "Invalid duration: months and days must fit in an int";
  }
  if ((m < 0n || d < 0n || n < 0n) && (m > 0n || d > 0n || n > 0n)) {
    return `The duration months, days and nanoseconds must be all of the same sign (${m}, ${d}, ${n})`;
  }
  return { months: Number(m), days: Number(d), nanoseconds: n };
}
