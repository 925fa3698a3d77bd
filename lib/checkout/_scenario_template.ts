/**
 * The path templates of checkout scenarios: `{variable}` and `{randint:MIN:MAX}` placeholders
 * between literal text.
 *
 * @module
 */

/** A variable name: letters, digits and `_`, not starting with a digit. */
export const IDENTIFIER: RegExp = /^[A-Za-z_][A-Za-z0-9_]*$/;
const RANDINT = /^randint:(-?\d+):(-?\d+)$/;

/**
 * A character a request line cannot carry as it is: a space (any Unicode space) or a control
 * character. The HTTP client refuses a path that has one.
 */
// deno-lint-ignore no-control-regex -- control characters are what it looks for
export const UNSENDABLE: RegExp = /[\s\x00-\x1f\x7f]/;
const UNSENDABLE_ALL = new RegExp(UNSENDABLE.source, "g");

/**
 * A captured value as it goes into a path: its spaces and control characters percent-encoded
 * (`"a b"` becomes `"a%20b"`), everything else as it is.
 */
export function pathSafe(value: string): string {
  return UNSENDABLE.test(value)
    ? value.replace(UNSENDABLE_ALL, (c) => encodeURIComponent(c))
    : value;
}

/**
 * What is wrong with a path template that has a space or a control character (its placeholders
 * cannot: {@linkcode parseTemplate} refuses them), or undefined when it has none.
 */
export function unsendableProblem(path: string): string | undefined {
  const found = UNSENDABLE.exec(path);
  if (found === null) return undefined;
  const code = found[0].codePointAt(0)!;
  const what = code >= 0x20 && code !== 0x7f ? "a space" : "a control character";
  const hex = code.toString(16).toUpperCase().padStart(4, "0");
  return `has ${what} (U+${hex}) at index ${found.index}`;
}

/** A piece of a compiled path: literal text, a variable slot, or a random integer. */
export type Part =
  | { readonly kind: "text"; readonly text: string }
  | { readonly kind: "var"; readonly name: string; readonly slot: number }
  | { readonly kind: "randint"; readonly min: number; readonly span: number };

/** Splits a path template into parts, or returns what is wrong with it. */
export function parseTemplate(path: string): Part[] | string {
  const parts: Part[] = [];
  let index = 0;
  while (index < path.length) {
    const open = path.indexOf("{", index);
    const close = path.indexOf("}", index);
    if (close !== -1 && (open === -1 || close < open)) return `has an unmatched "}"`;
    if (open === -1) {
      parts.push({ kind: "text", text: path.slice(index) });
      break;
    }
    if (open > index) parts.push({ kind: "text", text: path.slice(index, open) });
    if (close === -1) return `has an unmatched "{"`;
    const inner = path.slice(open + 1, close);
    const randint = RANDINT.exec(inner);
    if (randint !== null) {
      const min = Number(randint[1]);
      const max = Number(randint[2]);
      if (!Number.isSafeInteger(min) || !Number.isSafeInteger(max) || min > max) {
        return `has "{${inner}}" with MIN > MAX or out of range`;
      }
      parts.push({ kind: "randint", min, span: max - min + 1 });
    } else if (IDENTIFIER.test(inner)) {
      parts.push({ kind: "var", name: inner, slot: -1 });
    } else {
      return `has "{${inner}}"`;
    }
    index = close + 1;
  }
  return parts;
}
