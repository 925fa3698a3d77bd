/**
 * Private helpers of the value codec: varint (two's complement), decimal and the unsigned
 * vint of durations.
 *
 * @module
 */

import { toHex } from "./_value_bytes.ts";

/** The smallest two's-complement big-endian encoding of `value` (at least one byte). */
export function varintBytes(value: bigint): Uint8Array {
  const magnitude = value < 0n ? -value - 1n : value;
  const bits = magnitude === 0n ? 0 : magnitude.toString(2).length;
  const length = Math.floor(bits / 8) + 1;
  const unsigned = value < 0n ? value + (1n << BigInt(8 * length)) : value;
  const hex = unsigned.toString(16).padStart(2 * length, "0");
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/** Reads a two's-complement big-endian integer from `bytes[start, end)`; empty reads as 0. */
export function readVarint(bytes: Uint8Array, start: number, end: number): bigint {
  if (end <= start) return 0n;
  if (end - start <= 6) {
    let value = bytes[start] >= 0x80 ? -1 : 0;
    for (let i = start; i < end; i++) value = value * 256 + bytes[i];
    return BigInt(value);
  }
  const unsigned = BigInt("0x" + toHex(bytes.subarray(start, end)));
  return bytes[start] >= 0x80 ? unsigned - (1n << BigInt(8 * (end - start))) : unsigned;
}

/** A decimal as Java's BigDecimal holds it: `unscaled * 10^-scale`. */
export interface DecimalParts {
  /** The digits, as an integer. */
  unscaled: bigint;
  /** How many of the digits are after the decimal point (negative: trailing zeros). */
  scale: number;
}

const DECIMAL = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;

/** Parses a decimal number as Java's `new BigDecimal(String)`, keeping the scale. */
export function parseDecimal(text: string): DecimalParts | undefined {
  const match = DECIMAL.exec(text);
  if (match === null) return undefined;
  const [, sign, whole, fraction = "", exponent = "0"] = match;
  if (whole.length + fraction.length === 0 || whole.length + fraction.length > 100_000) {
    return undefined;
  }
  const scale = fraction.length - Number(exponent);
  if (!Number.isSafeInteger(scale) || scale > 2147483647 || scale < -2147483648) return undefined;
  return { unscaled: BigInt(sign + whole + fraction), scale };
}

/** Formats a decimal as Java's `BigDecimal.toString()` (plain, or scientific notation). */
export function formatDecimal(parts: DecimalParts): string {
  const { unscaled, scale } = parts;
  const sign = unscaled < 0n ? "-" : "";
  const digits = (unscaled < 0n ? -unscaled : unscaled).toString();
  if (scale === 0) return sign + digits;
  const adjusted = -scale + (digits.length - 1);
  if (scale > 0 && adjusted >= -6) {
    if (digits.length > scale) {
      return `${sign}${digits.slice(0, digits.length - scale)}.${digits.slice(-scale)}`;
    }
    return `${sign}0.${"0".repeat(scale - digits.length)}${digits}`;
  }
  const mantissa = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
  return `${sign}${mantissa}E${adjusted > 0 ? "+" : ""}${adjusted}`;
}

/** Numeric comparison of two decimals; never scales by more than the digit counts differ. */
export function compareDecimals(a: DecimalParts, b: DecimalParts): number {
  const signA = a.unscaled < 0n ? -1 : a.unscaled > 0n ? 1 : 0;
  const signB = b.unscaled < 0n ? -1 : b.unscaled > 0n ? 1 : 0;
  if (signA !== signB || signA === 0) return signA < signB ? -1 : signA > signB ? 1 : 0;
  const digitsA = (a.unscaled < 0n ? -a.unscaled : a.unscaled).toString().length;
  const digitsB = (b.unscaled < 0n ? -b.unscaled : b.unscaled).toString().length;
  const adjustedA = digitsA - a.scale;
  const adjustedB = digitsB - b.scale;
  if (adjustedA !== adjustedB) return (adjustedA < adjustedB ? -1 : 1) * signA;
  // Same magnitude exponent: bring both to the larger scale (the shift is below digitsA + digitsB).
  let x = a.unscaled;
  let y = b.unscaled;
  if (a.scale < b.scale) x *= 10n ** BigInt(b.scale - a.scale);
  else if (b.scale < a.scale) y *= 10n ** BigInt(a.scale - b.scale);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Appends the unsigned vint encoding (Cassandra's VIntCoding) of a 64-bit value. */
export function writeUnsignedVint(value: bigint, out: number[]): void {
  const v = BigInt.asUintN(64, value);
  const bits = v === 0n ? 1 : v.toString(2).length;
  const size = bits > 56 ? 9 : Math.ceil(bits / 7);
  if (size === 1) {
    out.push(Number(v));
    return;
  }
  const extra = size - 1;
  const first = size === 9 ? 0xff : ((0xff << (8 - extra)) & 0xff) | Number(v >> BigInt(8 * extra));
  out.push(first);
  for (let i = extra - 1; i >= 0; i--) out.push(Number((v >> BigInt(8 * i)) & 0xffn));
}

/** Reads an unsigned vint at `at`; `undefined` when it runs past `end`. */
export function readUnsignedVint(
  bytes: Uint8Array,
  at: number,
  end: number,
): { value: bigint; next: number } | undefined {
  if (at >= end) return undefined;
  const first = bytes[at];
  if (first < 0x80) return { value: BigInt(first), next: at + 1 };
  const extra = Math.clz32(~first & 0xff) - 24;
  if (at + 1 + extra > end) return undefined;
  let value = BigInt(first & (0xff >> extra));
  for (let i = 1; i <= extra; i++) value = (value << 8n) | BigInt(bytes[at + i]);
  return { value, next: at + 1 + extra };
}

/** Zig-zag encodes a signed 64-bit value for {@linkcode writeUnsignedVint}. */
export function zigzagEncode(value: bigint): bigint {
  return BigInt.asUintN(64, (value << 1n) ^ (value >> 63n));
}

/** Reverses {@linkcode zigzagEncode}. */
export function zigzagDecode(value: bigint): bigint {
  return BigInt.asIntN(64, (value >> 1n) ^ -(value & 1n));
}
