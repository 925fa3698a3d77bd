/**
 * Private helper of the protocol parsers: the frame every message shares (JSON object, `v: 1`,
 * string `type`) and the guard that turns a thrown {@linkcode Invalid} into a problem.
 *
 * @module
 */

import { DISK_PROTOCOL_VERSION } from "./disk_message.ts";
import { bad, Invalid, isObject, type Json } from "./_json_fields.ts";
import { type ProtocolProblem, protocolProblem } from "./protocol_problem.ts";

/** Parses JSON text into an object with `v: 1` and a string `type`, or throws Invalid. */
export function envelope(text: string): Json & { type: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw bad("line is not valid JSON");
  }
  if (!isObject(value)) throw bad("line is not a JSON object");
  if (value.v !== DISK_PROTOCOL_VERSION) {
    return invalidVersion(value.v);
  }
  if (typeof value.type !== "string") throw bad(`field "type" is not a string`);
  return value as Json & { type: string };
}

function invalidVersion(v: unknown): never {
  const shown = typeof v === "string" || typeof v === "number" ? String(v) : typeof v;
  throw new Invalid(
    "bad_version",
    `Cannot accept message: version "${shown.slice(0, 32)}" is not supported, expected 1`,
  );
}

/** Runs a reader; an {@linkcode Invalid} it throws comes back as a problem. */
export function guard<T>(read: () => T): T | ProtocolProblem {
  try {
    return read();
  } catch (error) {
    if (error instanceof Invalid) return protocolProblem(error.code, error.message);
    throw error;
  }
}

/** Throws the problem of a message type this parser does not know. */
export function unknownType(type: string): never {
  throw bad(`type "${type.slice(0, 32)}" is unknown, expected one of the protocol v1 types`);
}
