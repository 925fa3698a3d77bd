/**
 * Private number and date helpers that reproduce Java's `String.format` and `Date.toString`
 * and Python's `time.ctime`, for byte-exact reports. Not re-exported.
 *
 * @module
 */

const DAY_NAMES = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const MONTH_NAMES = [
  "Jan",
  "Feb",
  "Mar",
  "Apr",
  "May",
  "Jun",
  "Jul",
  "Aug",
  "Sep",
  "Oct",
  "Nov",
  "Dec",
];

/**
 * Formats a number as Java's `%.<digits>f` does: rounding HALF_UP on the shortest decimal
 * representation (so 1.45 gives "1.5", where `toFixed` gives "1.4"); `NaN` and infinities as
 * Java prints them.
 */
export function formatFixed(value: number, digits: number): string {
  if (Number.isNaN(value)) return "NaN";
  if (!Number.isFinite(value)) return value > 0 ? "Infinity" : "-Infinity";
  const negative = value < 0 || Object.is(value, -0);
  const [mantissa, exponentText] = String(Math.abs(value)).split("e");
  const [intText, fracText = ""] = mantissa.split(".");
  let allDigits = intText + fracText;
  let pointAt = intText.length + (exponentText === undefined ? 0 : Number(exponentText));
  if (pointAt <= 0) {
    allDigits = "0".repeat(1 - pointAt) + allDigits;
    pointAt = 1;
  }
  if (pointAt > allDigits.length) allDigits = allDigits + "0".repeat(pointAt - allDigits.length);
  let whole = allDigits.slice(0, pointAt);
  let fraction = allDigits.slice(pointAt);
  if (fraction.length <= digits) {
    fraction = fraction + "0".repeat(digits - fraction.length);
  } else {
    const roundUp = fraction.charCodeAt(digits) >= 53; // "5"
    const kept = BigInt(whole + fraction.slice(0, digits)) + (roundUp ? 1n : 0n);
    const keptText = kept.toString().padStart(digits + 1, "0");
    whole = keptText.slice(0, keptText.length - digits);
    fraction = keptText.slice(keptText.length - digits);
  }
  whole = whole.replace(/^0+(?=\d)/, "");
  return (negative ? "-" : "") + whole + (digits > 0 ? "." + fraction : "");
}

/** Inserts `,` between groups of three digits of the integer part, as Java's `%,` flag. */
export function groupThousands(text: string): string {
  const match = /^(-?)(\d+)(.*)$/.exec(text);
  if (match === null) return text;
  return match[1] + match[2].replace(/\B(?=(\d{3})+(?!\d))/g, ",") + match[3];
}

/** Java's `%<width>.<digits>f`, with `%,` grouping when `grouping` is set. */
export function formatJavaFloat(
  value: number,
  width: number,
  digits: number,
  grouping = false,
): string {
  const text = formatFixed(value, digits);
  return (grouping ? groupThousands(text) : text).padStart(width);
}

/** Java's `%<width>d` (with `%,` grouping when `grouping` is set) of a whole number. */
export function formatJavaInt(value: number, width: number, grouping = false): string {
  const text = formatFixed(Math.trunc(value), 0);
  return (grouping ? groupThousands(text) : text).padStart(width);
}

/** The fields of a time stamp shifted to a fixed UTC offset. */
function partsAt(timeMs: number, utcOffsetMinutes: number): Date {
  return new Date(timeMs + utcOffsetMinutes * 60_000);
}

function pad2(value: number): string {
  return String(value).padStart(2, "0");
}

/** The zone name Java prints for a fixed offset: `UTC`, or `GMT+01:00`. */
export function zoneNameOf(utcOffsetMinutes: number): string {
  if (utcOffsetMinutes === 0) return "UTC";
  const sign = utcOffsetMinutes < 0 ? "-" : "+";
  const minutes = Math.abs(utcOffsetMinutes);
  return `GMT${sign}${pad2(Math.floor(minutes / 60))}:${pad2(minutes % 60)}`;
}

/** Java's `Date.toString()`: `Wed Nov 06 15:34:21 CET 2024`, at a fixed UTC offset. */
export function formatJavaDate(timeMs: number, utcOffsetMinutes: number, zoneName: string): string {
  const d = partsAt(timeMs, utcOffsetMinutes);
  return `${DAY_NAMES[d.getUTCDay()]} ${MONTH_NAMES[d.getUTCMonth()]} ${pad2(d.getUTCDate())} ` +
    `${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())} ` +
    `${zoneName} ${d.getUTCFullYear()}`;
}

/** Python's `time.ctime()`: `Tue Oct 20 17:57:52 2020` (day padded with a space). */
export function formatCtime(timeMs: number, utcOffsetMinutes: number): string {
  const d = partsAt(timeMs, utcOffsetMinutes);
  return `${DAY_NAMES[d.getUTCDay()]} ${MONTH_NAMES[d.getUTCMonth()]} ` +
    `${String(d.getUTCDate()).padStart(2, " ")} ` +
    `${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())} ` +
    `${d.getUTCFullYear()}`;
}
