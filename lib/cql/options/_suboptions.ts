// Private helper: matches the parameters of one group against its known sub-options.
import { parseWholeNumber } from "../../units/parse_whole_number.ts";
import { OptionError } from "../../errors.ts";

/** One matched sub-option: the token as given and the text after the key. */
export interface Matched {
  /** The parameter as given. */
  readonly token: string;
  /** The text after the key (inside the parentheses for `name(...)`). */
  readonly value: string;
}

/** The sub-options of one group that were given, keyed by their definition key. */
export type MatchedMap = ReadonlyMap<string, Matched>;

function isFlag(key: string): boolean {
  return !/[=<>(]$/.test(key);
}

/** The display name of a key (`"threads="` -> `"threads"`, `"ratio("` -> `"ratio"`). */
export function keyName(key: string): string {
  return key.replace(/[=(]$/, "");
}

/**
 * Matches each parameter to the first key it starts with (case-insensitive); flags must
 * match exactly and `name(` keys must end with `)`. `catchAll` takes any token no key took
 * (the -node host list). Throws on an unknown or repeated sub-option.
 */
export function matchSubOptions(
  group: string,
  params: readonly string[],
  keys: readonly string[],
  catchAll: string | null = null,
): MatchedMap {
  const found = new Map<string, Matched>();
  for (const token of params) {
    const lower = token.toLowerCase();
    let hit: string | null = null;
    for (const key of keys) {
      if (isFlag(key) ? lower === key.toLowerCase() : lower.startsWith(key.toLowerCase())) {
        hit = key;
        break;
      }
    }
    let value: string;
    if (hit === null) {
      if (catchAll === null || token.includes("=")) {
        throw new OptionError({
          option: group,
          value: token,
          problem: "is not a valid parameter",
          expected: `one of ${keys.map((key) => isFlag(key) ? key : `${key}...`).join(", ")}` +
            (catchAll === null ? "" : ", or a comma-separated host list"),
        });
      }
      hit = catchAll;
      value = token;
    } else if (hit.endsWith("(")) {
      if (!token.endsWith(")")) {
        throw new OptionError({
          option: `${group} ${keyName(hit)}`,
          value: token,
          problem: "has no closing parenthesis",
          expected: `${keyName(hit)}(key=value,...)`,
        });
      }
      value = token.slice(hit.length, -1);
    } else {
      value = token.slice(hit.length);
    }
    if (found.has(hit)) {
      throw new OptionError({
        option: `${group} ${keyName(hit)}`.trimEnd(),
        value: token,
        problem: "is given more than once",
        expected: "each sub-option at most once",
      });
    }
    found.set(hit, { token, value });
  }
  return found;
}

/** Splits `k=v,k2=v2` of a `name(...)` sub-option into ordered pairs. */
export function parsePairs(
  option: string,
  token: string,
  body: string,
): Array<[string, string]> {
  const pairs: Array<[string, string]> = [];
  const seen = new Set<string>();
  for (const part of body.split(",")) {
    const eq = part.indexOf("=");
    if (eq <= 0 || eq === part.length - 1 || part.indexOf("=", eq + 1) !== -1) {
      throw new OptionError({
        option,
        value: token,
        problem: `has an invalid entry "${part}"`,
        expected: "comma-separated key=value pairs",
      });
    }
    const key = part.slice(0, eq);
    if (seen.has(key.toLowerCase())) {
      throw new OptionError({
        option,
        value: token,
        problem: `sets "${key}" twice`,
        expected: "each key at most once",
      });
    }
    seen.add(key.toLowerCase());
    pairs.push([key, part.slice(eq + 1)]);
  }
  return pairs;
}

/** Parses a whole number in `[min, max]` for an option of the grammar (an OptionError when not). */
export function parseOptionInteger(
  option: string,
  text: string,
  range: { min?: number; max?: number } = {},
): number {
  const min = range.min ?? 0;
  const max = range.max ?? Number.MAX_SAFE_INTEGER;
  const expected = max === Number.MAX_SAFE_INTEGER
    ? `a whole number >= ${min}`
    : `a whole number from ${min} to ${max}`;
  const read = parseWholeNumber(text, { min, max });
  if (read.ok) return read.value;
  throw new OptionError({
    option,
    value: text,
    ...(read.reason === "range" ? { problem: "is out of range" } : {}),
    expected,
  });
}

/** Checks a value against a case-insensitive list; returns the list's spelling. */
export function parseChoice<T extends string>(
  option: string,
  text: string,
  choices: readonly T[],
): T {
  const lower = text.toLowerCase();
  const hit = choices.find((choice) => choice.toLowerCase() === lower);
  if (hit === undefined) {
    throw new OptionError({ option, value: text, expected: `one of ${choices.join(", ")}` });
  }
  return hit;
}

/** Rejects an empty value for a `key=` sub-option. */
export function nonEmpty(option: string, text: string, expected: string): string {
  if (text.length === 0) {
    throw new OptionError({ option, value: text, problem: "is empty", expected });
  }
  return text;
}
