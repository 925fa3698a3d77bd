/**
 * The path templates of checkout scenarios: `{variable}` and `{randint:MIN:MAX}` placeholders
 * between literal text.
 *
 * @module
 */

/** A variable name: letters, digits and `_`, not starting with a digit. */
export const IDENTIFIER: RegExp = /^[A-Za-z_][A-Za-z0-9_]*$/;
const RANDINT = /^randint:(-?\d+):(-?\d+)$/;

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
