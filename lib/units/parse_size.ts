/**
 * Parses and formats byte sizes such as `10M`, `1.5K`, `64KiB` and `5%`.
 *
 * Decimal units (`K`, `M`, `G`, `T`, also written `KB`, `MB`, `GB`, `TB`) are powers of 1000,
 * binary units (`KiB`, `MiB`, `GiB`, `TiB`) powers of 1024, a bare number (or one followed by
 * `B`) is bytes. Units are case-insensitive.
 *
 * @module
 */

import { OptionError } from "../errors.ts";

const PATTERN = /^(\d+)(?:\.(\d+))?\s*([a-z]*)$/i;

const UNIT_BYTES: Readonly<Record<string, bigint>> = {
  "": 1n,
  b: 1n,
  k: 1000n,
  kb: 1000n,
  m: 1000n ** 2n,
  mb: 1000n ** 2n,
  g: 1000n ** 3n,
  gb: 1000n ** 3n,
  t: 1000n ** 4n,
  tb: 1000n ** 4n,
  kib: 1024n,
  mib: 1024n ** 2n,
  gib: 1024n ** 3n,
  tib: 1024n ** 4n,
};

const EXPECTED = "a whole number of bytes, optionally with a unit K, M, G, T (powers of 1000) " +
  "or KiB, MiB, GiB, TiB (powers of 1024)";

/** Options for {@linkcode parseSize}. */
export interface ParseSizeOptions {
  /**
   * Accept a size of zero bytes.
   *
   * @default {false}
   */
  readonly allowZero?: boolean;
}

/**
 * Parses a size with an optional unit into a whole number of bytes. A decimal number is
 * accepted when the result is a whole number of bytes (`1.5K` is 1500, `0.5KiB` is 512, but
 * `1.0001K` is refused).
 *
 * @param text The value, e.g. `"10M"`, `"64KiB"`, `"1.5K"` or `"4096"`.
 * @param option The option name used in the error message.
 * @param options Whether zero is accepted.
 * @returns The size in bytes, a safe integer.
 * @throws {OptionError} When the text is not such a size, is zero (unless allowed), is not a
 * whole number of bytes or is larger than `Number.MAX_SAFE_INTEGER` bytes.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseSize } from "./parse_size.ts";
 * assert.equal(parseSize("10M"), 10_000_000);
 * assert.equal(parseSize("10MiB"), 10 * 2 ** 20);
 * assert.equal(parseSize("1.5k"), 1500);
 * assert.equal(parseSize("4096"), 4096);
 * assert.throws(() => parseSize("1.0001K", "chunk"), /is not a whole number of bytes/);
 * ```
 */
export function parseSize(
  text: string,
  option: string = "size",
  options: ParseSizeOptions = {},
): number {
  const match = PATTERN.exec(text.trim());
  if (match === null) throw new OptionError({ option, value: text, expected: EXPECTED });
  const unitBytes = UNIT_BYTES[match[3].toLowerCase()];
  if (unitBytes === undefined) {
    throw new OptionError({
      option,
      value: text,
      problem: "has an unknown unit",
      expected: EXPECTED,
    });
  }
  const fraction = match[2] ?? "";
  const scaled = BigInt(match[1] + fraction) * unitBytes;
  const divisor = 10n ** BigInt(fraction.length);
  if (scaled % divisor !== 0n) {
    throw new OptionError({
      option,
      value: text,
      problem: "is not a whole number of bytes",
      expected: EXPECTED,
    });
  }
  const bytes = scaled / divisor;
  if (bytes > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new OptionError({ option, value: text, problem: "is too large", expected: EXPECTED });
  }
  if (bytes === 0n && !options.allowZero) {
    throw new OptionError({ option, value: text, problem: "is zero", expected: EXPECTED });
  }
  return Number(bytes);
}

/** Options for {@linkcode formatSize}. */
export interface FormatSizeOptions {
  /**
   * The unit system: `"binary"` (KiB, MiB, ... powers of 1024) or `"decimal"` (KB, MB, ...
   * powers of 1000).
   *
   * @default {"binary"}
   */
  readonly system?: "binary" | "decimal";
  /**
   * The number of digits after the decimal point when a unit above bytes is used.
   *
   * @default {2}
   */
  readonly digits?: number;
}

const BINARY_UNITS = ["B", "KiB", "MiB", "GiB", "TiB"] as const;
const DECIMAL_UNITS = ["B", "KB", "MB", "GB", "TB"] as const;

/**
 * Formats a number of bytes for people: the largest unit in which the value is at least 1,
 * up to tera, with two decimals (`9.54 MiB`, `2.12 GB`); below one kilo unit, whole bytes
 * (`512 B`).
 * The text (without its space) is accepted by {@linkcode parseSize} when it is a whole
 * number of bytes.
 *
 * @param bytes The size in bytes (negative values keep their sign).
 * @param options The unit system and the number of decimals.
 * @returns The text, e.g. `"9.54 MiB"`.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatSize } from "./parse_size.ts";
 * assert.equal(formatSize(10_000_000), "9.54 MiB");
 * assert.equal(formatSize(2_124_000_000, { system: "decimal" }), "2.12 GB");
 * assert.equal(formatSize(512), "512 B");
 * ```
 */
export function formatSize(bytes: number, options: FormatSizeOptions = {}): string {
  const binary = (options.system ?? "binary") === "binary";
  const digits = options.digits ?? 2;
  const base = binary ? 1024 : 1000;
  const units = binary ? BINARY_UNITS : DECIMAL_UNITS;
  const magnitude = Math.abs(bytes);
  if (!Number.isFinite(magnitude) || magnitude < base) return `${Math.round(bytes)} B`;
  let index = 0;
  let value = magnitude;
  while (value >= base && index < units.length - 1) {
    value /= base;
    index++;
  }
  // Rounding may carry into the next unit (1023.999 KiB -> "1024.00 KiB"): move up once more.
  if (Number(value.toFixed(digits)) >= base && index < units.length - 1) {
    value /= base;
    index++;
  }
  return `${bytes < 0 ? "-" : ""}${value.toFixed(digits)} ${units[index]}`;
}

/** A size given either in bytes or as a percentage (of a disk, for `--min-free`). */
export type SizeOrPercent = { readonly bytes: number } | { readonly percent: number };

/**
 * Parses a size as {@linkcode parseSize} does, or a percentage such as `5%` or `2.5%`
 * (0 to 100 inclusive).
 *
 * @param text The value, e.g. `"5%"` or `"1G"`.
 * @param option The option name used in the error message.
 * @returns `{ percent }` for a percentage, else `{ bytes }` (zero is accepted in both forms).
 * @throws {OptionError} When the text is neither a size nor a percentage from 0 to 100.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseSizeOrPercent } from "./parse_size.ts";
 * assert.deepEqual(parseSizeOrPercent("5%", "min-free"), { percent: 5 });
 * assert.deepEqual(parseSizeOrPercent("1G", "min-free"), { bytes: 1_000_000_000 });
 * assert.throws(() => parseSizeOrPercent("101%", "min-free"), /expected a percentage/);
 * ```
 */
export function parseSizeOrPercent(text: string, option: string = "size"): SizeOrPercent {
  const trimmed = text.trim();
  if (!trimmed.endsWith("%")) return { bytes: parseSize(text, option, { allowZero: true }) };
  const expected = "a percentage from 0% to 100%, or a size such as 10G";
  const number = trimmed.slice(0, -1).trim();
  if (!/^\d+(\.\d+)?$/.test(number)) throw new OptionError({ option, value: text, expected });
  const percent = Number(number);
  if (percent > 100) {
    throw new OptionError({ option, value: text, problem: "is over 100%", expected });
  }
  return { percent };
}
