/**
 * How scenario checks quote a value in a message.
 *
 * @module
 */

/** A string as JSON, `null`, "an array", "an object", anything else in double quotes. */
export function quote(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "object") return "an object";
  return `"${String(value)}"`;
}
