/**
 * The native aggregate functions `sum` and `avg` of the numeric types, computed as Cassandra
 * 5.0's `AggregateFcts` computes them on serialized values: sums of tinyint, smallint, int and
 * bigint wrap; averages of integers sum without overflow and truncate; float and double sum in
 * double with Kahan's compensation (and an average falls back to BigDecimal when that sum
 * overflows); a decimal average is kept as a running average rounded half-even to the scale of
 * each step's dividend.
 *
 * @module
 */

import type { NativeTypeName } from "./cql_type.ts";
import { concatBytes, readInt32 } from "./_value_bytes.ts";
import { fixedIntBytes } from "./_value_codec.ts";
import { type DecimalParts, readVarint, varintBytes } from "./_value_numbers.ts";

/** One aggregate being computed: fed the non-null values of its column, read once at the end. */
export interface AggregateFold {
  /** Adds one serialized value. */
  add(bytes: Uint8Array): void;
  /** The serialized result. */
  result(): Uint8Array;
}

/** The byte widths of the fixed-width integer types. */
const INTEGER_WIDTHS: Partial<Record<NativeTypeName, number>> = {
  tinyint: 1,
  smallint: 2,
  int: 4,
  bigint: 8,
  counter: 8,
};

/** The numeric types `sum` and `avg` take; each returns its argument's type. */
export const SUMMABLE_TYPES: ReadonlySet<NativeTypeName> = new Set<NativeTypeName>([
  "tinyint",
  "smallint",
  "int",
  "bigint",
  "counter",
  "varint",
  "decimal",
  "float",
  "double",
]);

/**
 * A new `sum` or `avg` of values of numeric type `type` (one of `SUMMABLE_TYPES`).
 *
 * @param name `sum` or `avg`.
 * @param type The argument's type.
 * @returns The fold.
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * const fold = createAggregateFold("avg", "int");
 * fold.add(new Uint8Array([0, 0, 0, 3]));
 * fold.add(new Uint8Array([0, 0, 0, 4]));
 * assert.deepEqual(fold.result(), new Uint8Array([0, 0, 0, 3]));
 * ```
 */
export function createAggregateFold(name: "sum" | "avg", type: NativeTypeName): AggregateFold {
  const width = INTEGER_WIDTHS[type];
  if (width !== undefined) return integerFold(name, width);
  if (type === "varint") return varintFold(name);
  if (type === "decimal") return name === "sum" ? decimalSum() : decimalAverage();
  const float = type === "float";
  return name === "sum" ? floatSum(float) : floatAverage(float);
}

/** Reads a fixed-width big-endian two's-complement integer. */
function readFixed(bytes: Uint8Array): bigint {
  return readVarint(bytes, 0, bytes.length);
}

function integerFold(name: "sum" | "avg", width: number): AggregateFold {
  const bits = BigInt(8 * width);
  let sum = 0n;
  let count = 0n;
  return {
    add(bytes) {
      const value = readFixed(bytes);
      count++;
      // A sum wraps in the type; an average sums exactly (Java's long, then BigInteger).
      sum = name === "sum" ? BigInt.asIntN(Number(bits), sum + value) : sum + value;
    },
    result() {
      const value = name === "sum" ? sum : count === 0n ? 0n : sum / count;
      return fixedIntBytes(BigInt.asIntN(Number(bits), value), width);
    },
  };
}

function varintFold(name: "sum" | "avg"): AggregateFold {
  let sum = 0n;
  let count = 0n;
  return {
    add(bytes) {
      sum += readVarint(bytes, 0, bytes.length);
      count++;
    },
    result: () => varintBytes(name === "sum" || count === 0n ? sum : sum / count),
  };
}

function readDecimal(bytes: Uint8Array): DecimalParts {
  return { scale: readInt32(bytes, 0), unscaled: readVarint(bytes, 4, bytes.length) };
}

function decimalBytes(value: DecimalParts): Uint8Array {
  return concatBytes([fixedIntBytes(BigInt(value.scale), 4), varintBytes(value.unscaled)]);
}

/** `a + b` as BigDecimal adds: at the larger scale. */
function addDecimals(a: DecimalParts, b: DecimalParts): DecimalParts {
  const scale = Math.max(a.scale, b.scale);
  const x = a.unscaled * 10n ** BigInt(scale - a.scale);
  const y = b.unscaled * 10n ** BigInt(scale - b.scale);
  return { unscaled: x + y, scale };
}

/** `a / n` as BigDecimal's `divide(n, HALF_EVEN)`: at the scale of `a`. */
function divideHalfEven(a: DecimalParts, n: bigint): DecimalParts {
  let quotient = a.unscaled / n;
  const remainder = a.unscaled % n;
  const twice = 2n * (remainder < 0n ? -remainder : remainder);
  const divisor = n < 0n ? -n : n;
  const sign = (a.unscaled < 0n) !== (n < 0n) ? -1n : 1n;
  if (twice > divisor || (twice === divisor && quotient % 2n !== 0n)) quotient += sign;
  return { unscaled: quotient, scale: a.scale };
}

function decimalSum(): AggregateFold {
  let sum: DecimalParts = { unscaled: 0n, scale: 0 };
  return {
    add: (bytes) => void (sum = addDecimals(sum, readDecimal(bytes))),
    result: () => decimalBytes(sum),
  };
}

function decimalAverage(): AggregateFold {
  let avg: DecimalParts = { unscaled: 0n, scale: 0 };
  let count = 0n;
  return {
    add(bytes) {
      const value = readDecimal(bytes);
      count++;
      // avg = avg + (value - avg) / count
      const difference = addDecimals(value, { unscaled: -avg.unscaled, scale: avg.scale });
      avg = addDecimals(avg, divideHalfEven(difference, count));
    },
    result: () => decimalBytes(avg),
  };
}

function readFloating(bytes: Uint8Array, float: boolean): number {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return float ? view.getFloat32(0) : view.getFloat64(0);
}

function floatingBytes(value: number, float: boolean): Uint8Array {
  const bytes = new Uint8Array(float ? 4 : 8);
  const view = new DataView(bytes.buffer);
  if (float) view.setFloat32(0, value);
  else view.setFloat64(0, value);
  return bytes;
}

/** Kahan's summation as Cassandra's `FloatSumAggregate` runs it. */
class KahanSum {
  sum = 0;
  compensation = 0;
  simpleSum = 0;

  add(value: number): void {
    this.simpleSum += value;
    const tmp = value - this.compensation;
    const rounded = this.sum + tmp;
    this.compensation = (rounded - this.sum) - tmp;
    this.sum = rounded;
  }

  total(): number {
    // The sum of same-signed infinities would be NaN with the compensation.
    const tmp = this.sum + this.compensation;
    return Number.isNaN(tmp) && !Number.isFinite(this.simpleSum) && !Number.isNaN(this.simpleSum)
      ? this.simpleSum
      : tmp;
  }
}

function floatSum(float: boolean): AggregateFold {
  const sum = new KahanSum();
  return {
    add: (bytes) => sum.add(readFloating(bytes, float)),
    result: () => floatingBytes(sum.total(), float),
  };
}

function floatAverage(float: boolean): AggregateFold {
  const sum = new KahanSum();
  let count = 0;
  let bigSum: DecimalParts | null = null;
  return {
    add(bytes) {
      const value = readFloating(bytes, float);
      count++;
      if (bigSum !== null) {
        bigSum = addDecimals(bigSum, javaDecimalOf(value));
        return;
      }
      const previous = sum.sum;
      sum.add(value);
      if (!Number.isFinite(sum.sum) && !Number.isNaN(sum.sum) && Number.isFinite(value)) {
        bigSum = addDecimals(javaDecimalOf(previous), javaDecimalOf(value));
      }
    },
    result() {
      if (count === 0) return floatingBytes(0, float);
      if (bigSum === null) return floatingBytes(sum.total() / count, float);
      const avg = divideHalfEven(bigSum, BigInt(count));
      return floatingBytes(Number(`${avg.unscaled}e${-avg.scale}`), float);
    },
  };
}

/**
 * Java's `BigDecimal.valueOf(double)`: the decimal `Double.toString` writes, whose scale keeps
 * its trailing `.0` (`100.0` has scale 1, `1.7E308` scale -307).
 */
function javaDecimalOf(value: number): DecimalParts {
  const [mantissa, exponentText] = value.toExponential().split("e");
  const exponent = Number(exponentText);
  const digits = mantissa.replace("-", "").replace(".", "");
  const sign = value < 0 ? "-" : "";
  const abs = Math.abs(value);
  if (abs === 0 || (abs >= 1e-3 && abs < 1e7)) {
    // Plain notation: at least one digit after the point.
    const fraction = Math.max(1, digits.length - 1 - exponent);
    const padding = fraction - (digits.length - 1 - exponent);
    return { unscaled: BigInt(sign + digits + "0".repeat(padding)), scale: fraction };
  }
  // Scientific notation `d.dddE±n`, again with at least one digit after the point.
  const fraction = Math.max(1, digits.length - 1);
  const padded = digits + "0".repeat(fraction - (digits.length - 1));
  return { unscaled: BigInt(sign + padded), scale: fraction - exponent };
}
