/**
 * Private helper of the protocol parsers: reads and checks one field of a JSON object, throwing
 * {@linkcode Invalid} with a one-line message when it is missing or wrong.
 *
 * @module
 */

import type { ProtocolErrorCode } from "./disk_message.ts";

const CLIENT_ID = /^[A-Za-z0-9._:-]{1,128}$/;
/** The longest text field accepted by default, in characters. */
const MAX_TEXT = 4096;

/** Thrown inside the validators and turned into a problem; never escapes the parsers. */
export class Invalid {
  constructor(readonly code: ProtocolErrorCode, readonly message: string) {}
}

/** A JSON object. */
export type Json = Record<string, unknown>;

/** A `bad_message` {@linkcode Invalid}. */
export function bad(message: string): Invalid {
  return new Invalid("bad_message", `Cannot accept message: ${message}`);
}

/** Whether a value is a JSON object (not null, not an array). */
export function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function fieldName(path: string, key: string): string {
  return path === "" ? key : `${path}.${key}`;
}

/** The object in `source[key]`. */
export function obj(source: Json, key: string, path = ""): Json {
  const value = source[key];
  if (!isObject(value)) throw bad(`field "${fieldName(path, key)}" is not an object`);
  return value;
}

/** The string in `source[key]`, at most `maxLength` characters. */
export function str(source: Json, key: string, path = "", maxLength = MAX_TEXT): string {
  const value = source[key];
  if (typeof value !== "string") throw bad(`field "${fieldName(path, key)}" is not a string`);
  if (value.length > maxLength) {
    throw bad(`field "${fieldName(path, key)}" is longer than ${maxLength} characters`);
  }
  return value;
}

/** The non-empty string in `source[key]`, at most `maxLength` characters. */
export function nonEmpty(source: Json, key: string, path = "", maxLength = MAX_TEXT): string {
  const value = str(source, key, path, maxLength);
  if (value.length === 0) throw bad(`field "${fieldName(path, key)}" is empty`);
  return value;
}

/** A finite number >= min (and an integer when `integer`; integers must be safe). */
export function num(
  source: Json,
  key: string,
  options: { path?: string; min: number; integer: boolean; max?: number },
): number {
  const value = source[key];
  const name = fieldName(options.path ?? "", key);
  if (typeof value !== "number" || !Number.isFinite(value)) {
    throw bad(`field "${name}" is not a finite number`);
  }
  if (options.integer && !Number.isSafeInteger(value)) {
    throw bad(`field "${name}" is not a safe integer`);
  }
  if (value < options.min || (options.max !== undefined && value > options.max)) {
    const range = options.max === undefined
      ? `at least ${options.min}`
      : `${options.min} to ${options.max}`;
    throw bad(`field "${name}" is "${value}", expected ${range}`);
  }
  return value;
}

/** The count (an integer >= 0) in `source[key]`. */
export function count(source: Json, key: string, path = ""): number {
  return num(source, key, { path, min: 0, integer: true });
}

/** The integer >= 1 in `source[key]`. */
export function positiveInteger(source: Json, key: string, path = ""): number {
  return num(source, key, { path, min: 1, integer: true });
}

/** The number >= 0 in `source[key]`. */
export function nonNegative(source: Json, key: string, path = ""): number {
  return num(source, key, { path, min: 0, integer: false });
}

/** The string in `source[key]`, one of `values`. */
export function oneOf<T extends string>(
  source: Json,
  key: string,
  values: readonly T[],
  path = "",
): T {
  const value = source[key];
  if (typeof value !== "string" || !(values as readonly string[]).includes(value)) {
    throw bad(`field "${fieldName(path, key)}" is not one of ${values.join(", ")}`);
  }
  return value as T;
}

/** The client id in `source[key]`: 1 to 128 characters of `A-Z a-z 0-9 . _ : -`. */
export function clientId(source: Json, key: string): string {
  const value = source[key];
  if (typeof value !== "string" || !CLIENT_ID.test(value)) {
    throw bad(`field "${key}" is not 1 to 128 characters of A-Z a-z 0-9 . _ : -`);
  }
  return value;
}

/** Null when `source[key]` is null, else what `read` reads. */
export function nullable<T>(source: Json, key: string, read: () => T): T | null {
  return source[key] === null ? null : read();
}
