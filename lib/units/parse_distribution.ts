/**
 * Parses the cassandra-stress distribution grammar (`[~]NAME(args)`) and ratio
 * distributions (`DIST/divisor`) into {@linkcode DistributionSpec} values.
 *
 * @module
 */

import { OptionError } from "../errors.ts";
import type {
  BaseDistributionSpec,
  DistributionSpec,
  RatioDistributionSpec,
} from "./distribution_spec.ts";
import { parseCount } from "./parse_count.ts";

const FULL = /^(~?)([a-z]+)\((.+)\)$/i;
const RATIO = /^(.*)\/(\d+[kmb]?)$/i;
const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?$/i;

type Kind = BaseDistributionSpec["kind"];

const NAMES: Readonly<Record<string, Kind>> = {
  fixed: "fixed",
  uniform: "uniform",
  gaussian: "gaussian",
  gauss: "gaussian",
  normal: "gaussian",
  norm: "gaussian",
  exp: "exp",
  extreme: "extreme",
  extr: "extreme",
  qextreme: "qextreme",
  qextr: "qextreme",
  seq: "seq",
};

const EXPECTED_SPEC =
  "a distribution such as FIXED(v), UNIFORM(min..max), GAUSSIAN(min..max[,stdvrng|,mean,stdev]), " +
  "EXP(min..max), EXTREME(min..max,shape), QEXTREME(min..max,shape,quantas) or SEQ(min..max)";

const ARITY: Readonly<Record<Kind, string>> = {
  fixed: "FIXED(value)",
  uniform: "UNIFORM(min..max)",
  gaussian: "GAUSSIAN(min..max), GAUSSIAN(min..max,stdvrng) or GAUSSIAN(min..max,mean,stdev)",
  exp: "EXP(min..max)",
  extreme: "EXTREME(min..max,shape)",
  qextreme: "QEXTREME(min..max,shape,quantas)",
  seq: "SEQ(min..max)",
};

function parseBounds(
  text: string,
  option: string,
  spec: string,
  kind: Kind,
): { min: number; max: number } {
  const parts = text.split(/\.\.+/);
  if (parts.length !== 2) {
    throw new OptionError({ option, value: spec, expected: ARITY[kind] });
  }
  const [min, max] = parts.map((part) => {
    try {
      return parseCount(part, option, { allowNegative: true });
    } catch (cause) {
      throw new OptionError({ option, value: spec, expected: ARITY[kind] }, { cause });
    }
  });
  if (min > max) {
    throw new OptionError({ option, value: spec, problem: "has min > max", expected: ARITY[kind] });
  }
  return { min, max };
}

function parseReal(text: string, option: string, spec: string, kind: Kind): number {
  if (!NUMBER.test(text)) {
    throw new OptionError({ option, value: spec, expected: ARITY[kind] });
  }
  const value = Number(text);
  if (!Number.isFinite(value)) {
    throw new OptionError({
      option,
      value: spec,
      problem: "is out of range",
      expected: ARITY[kind],
    });
  }
  return value;
}

/**
 * The most ranges a `qextreme` may split into (one bound each is computed up front): a billion
 * took minutes here, and runs cassandra-stress out of memory.
 */
const MAX_QUANTAS = 1_000_000;

function parseBase(kind: Kind, args: string[], option: string, spec: string): BaseDistributionSpec {
  const arity = (ok: boolean): void => {
    if (!ok) {
      throw new OptionError({
        option,
        value: spec,
        problem: "has the wrong number of parameters",
        expected: ARITY[kind],
      });
    }
  };
  if (kind === "fixed") {
    arity(args.length === 1);
    let value: number;
    try {
      value = parseCount(args[0], option, { allowNegative: true });
    } catch (cause) {
      throw new OptionError({ option, value: spec, expected: ARITY[kind] }, { cause });
    }
    return { kind, value };
  }
  if (kind === "gaussian") {
    arity(args.length >= 1 && args.length <= 3);
  } else if (kind === "extreme") {
    arity(args.length === 2);
  } else if (kind === "qextreme") {
    arity(args.length === 3);
  } else {
    arity(args.length === 1);
  }
  const { min, max } = parseBounds(args[0], option, spec, kind);
  // A stdev, shape or quantas no value can be drawn with; min == max is fixed(min) whatever
  // they are (the default gaussian(1..n) of n=1 has a stdev of 0).
  const check = (ok: boolean, problem: string, expected: string): void => {
    if (!ok && min !== max) throw new OptionError({ option, value: spec, problem, expected });
  };
  const positiveShape = (text: string): number => {
    const shape = parseReal(text, option, spec, kind);
    check(shape > 0 && Number.isFinite(shape), `has shape "${shape}"`, "a positive shape");
    return shape;
  };
  if (kind === "seq") {
    if (min === max) {
      throw new OptionError({
        option,
        value: spec,
        problem: "has min == max",
        expected: ARITY[kind],
      });
    }
    return { kind, min, max };
  }
  let result: BaseDistributionSpec;
  switch (kind) {
    case "uniform":
    case "exp":
      result = { kind, min, max };
      break;
    case "gaussian": {
      let mean: number;
      let stdev: number;
      if (args.length === 3) {
        mean = parseReal(args[1], option, spec, kind);
        stdev = parseReal(args[2], option, spec, kind);
      } else {
        const stdvrng = args.length === 2 ? parseReal(args[1], option, spec, kind) : 3;
        mean = (min + max) / 2;
        stdev = (max - min) / 2 / stdvrng;
      }
      check(Number.isFinite(mean), `has mean "${mean}"`, "a finite mean");
      check(stdev > 0 && Number.isFinite(stdev), `has stdev "${stdev}"`, "a positive stdev");
      result = { kind, min, max, mean, stdev };
      break;
    }
    case "extreme":
      result = { kind, min, max, shape: positiveShape(args[1]) };
      break;
    default: {
      const shape = positiveShape(args[1]);
      let quantas: number;
      try {
        quantas = parseCount(args[2], option);
      } catch (cause) {
        throw new OptionError({ option, value: spec, expected: ARITY[kind] }, { cause });
      }
      check(
        quantas >= 1 && quantas <= MAX_QUANTAS,
        `has quantas "${quantas}"`,
        `quantas from 1 to ${MAX_QUANTAS}`,
      );
      result = { kind: "qextreme", min, max, shape, quantas };
    }
  }
  return min === max ? { kind: "fixed", value: min } : result;
}

/**
 * Parses a distribution such as `gaussian(1..1M)`, `~exp(1..10)` or `fixed(34)`. Names are
 * case-insensitive with the aliases GAUSS, NORMAL, NORM, EXTR and QEXTR; bounds accept
 * `k`, `m`, `b` suffixes; min == max collapses to FIXED (SEQ rejects it). `WEIBULL` fails
 * as it does in cassandra-stress.
 *
 * @param text The distribution text.
 * @param option The option name used in error messages, e.g. `"-pop dist"`.
 * @returns The parsed spec, with `source` = `text`.
 * @throws {OptionError} When the text is not a valid distribution.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseDistribution } from "./parse_distribution.ts";
 * assert.deepEqual(parseDistribution("gaussian(1..100,50,10)"), {
 *   kind: "gaussian", min: 1, max: 100, mean: 50, stdev: 10, inverted: false,
 *   source: "gaussian(1..100,50,10)",
 * });
 * assert.equal(parseDistribution("uniform(5..5)").kind, "fixed");
 * ```
 */
export function parseDistribution(text: string, option: string = "distribution"): DistributionSpec {
  const match = FULL.exec(text);
  if (match === null) {
    throw new OptionError({ option, value: text, expected: EXPECTED_SPEC });
  }
  const name = match[2].toLowerCase();
  const kind = NAMES[name];
  if (kind === undefined) {
    throw new OptionError({
      option,
      value: text,
      problem: `has an unknown distribution type "${match[2]}"`,
      expected: "one of FIXED, UNIFORM, GAUSSIAN (GAUSS, NORMAL, NORM), EXP, EXTREME (EXTR), " +
        "QEXTREME (QEXTR), SEQ",
    });
  }
  const args = match[3].split(",").filter((arg) => arg.length > 0);
  const base = parseBase(kind, args, option, text);
  return { ...base, inverted: match[1] === "~", source: text };
}

/**
 * Parses a ratio distribution `DIST/divisor`, e.g. `fixed(1)/1` or `uniform(1..10)/10`.
 *
 * @param text The ratio text.
 * @param option The option name used in error messages.
 * @returns The parsed ratio spec, with `source` = `text`.
 * @throws {OptionError} When the text is not `DIST/divisor` with a positive divisor.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseRatioDistribution } from "./parse_distribution.ts";
 * const ratio = parseRatioDistribution("fixed(1)/2");
 * assert.equal(ratio.divisor, 2);
 * assert.equal(ratio.distribution.kind, "fixed");
 * ```
 */
export function parseRatioDistribution(
  text: string,
  option: string = "ratio",
): RatioDistributionSpec {
  const match = RATIO.exec(text);
  if (match === null) {
    throw new OptionError({
      option,
      value: text,
      expected: "a ratio distribution DIST/divisor such as fixed(1)/1",
    });
  }
  const divisor = parseCount(match[2], option);
  if (divisor === 0) {
    throw new OptionError({
      option,
      value: text,
      problem: "has a zero divisor",
      expected: "a ratio distribution DIST/divisor such as fixed(1)/1",
    });
  }
  return { distribution: parseDistribution(match[1], option), divisor, source: text };
}
