/**
 * Decodes an ERROR response: its code, message and the fields some codes carry, into a
 * {@linkcode NativeResponseError}. For Unavailable, read and write timeouts and failures the
 * message is the one cassandra-driver derives from those fields, since the run's output prints
 * it (e.g. `Not enough replicas available for query at consistency ALL (2 required but only 1
 * alive)`).
 *
 * @module
 */

import type { BodyReader } from "./body_reader.ts";
import { NativeResponseError, type ResponseErrorDetails } from "./native_errors.ts";
import { consistencyName, ERROR_CODE } from "../../protocol/protocol_codes.ts";

/** Reads v5's <reasonmap> (or v4's <numfailures>) and returns the count of failures. */
function readFailures(reader: BodyReader, version: number): number {
  const n = reader.readInt();
  if (version < 5) return n;
  for (let i = 0; i < n; i++) {
    reader.readInetAddr();
    reader.readShort();
  }
  return n;
}

function readTimeoutDetails(received: number, blockFor: number, dataPresent: boolean): string {
  if (received < blockFor) return `${received} replica(s) responded over ${blockFor} required`;
  if (!dataPresent) return "the replica queried for the data didn't respond";
  return "timeout while waiting for repair of inconsistent replica";
}

function readErrorOf(
  reader: BodyReader,
  version: number,
  code: number,
): [string, ResponseErrorDetails] {
  const consistencies = reader.readShort();
  const received = reader.readInt();
  const blockFor = reader.readInt();
  const cl = consistencyName(consistencies);
  const failures = code === ERROR_CODE.readFailure ? readFailures(reader, version) : undefined;
  const isDataPresent = reader.readByte() !== 0;
  const details = { consistencies, received, blockFor, isDataPresent, failures };
  if (failures === undefined) {
    return [
      `Server timeout during read query at consistency ${cl} (${
        readTimeoutDetails(received, blockFor, isDataPresent)
      })`,
      details,
    ];
  }
  return [
    `Server failure during read query at consistency ${cl} (${blockFor} responses were required but only ${received} replicas responded, ${failures} failed)`,
    details,
  ];
}

function writeErrorOf(
  reader: BodyReader,
  version: number,
  code: number,
): [string, ResponseErrorDetails] {
  const consistencies = reader.readShort();
  const received = reader.readInt();
  const blockFor = reader.readInt();
  const cl = consistencyName(consistencies);
  const failures = code === ERROR_CODE.writeFailure ? readFailures(reader, version) : undefined;
  const writeType = reader.readString();
  const details = { consistencies, received, blockFor, writeType, failures };
  if (failures !== undefined) {
    return [
      `Server failure during write query at consistency ${cl} (${blockFor} responses were required but only ${received} replicas responded, ${failures} failed)`,
      details,
    ];
  }
  const what = writeType === "BATCH_LOG" ? "batchlog write" : "write query";
  return [
    `Server timeout during ${what} at consistency ${cl} (${received} peer(s) acknowledged the write over ${blockFor} required)`,
    details,
  ];
}

/** The message and fields of the codes that carry fields; null for the others. */
function detailsOf(
  reader: BodyReader,
  version: number,
  code: number,
): [string | null, ResponseErrorDetails] {
  switch (code) {
    case ERROR_CODE.unavailable: {
      const consistencies = reader.readShort();
      const required = reader.readInt();
      const alive = reader.readInt();
      return [
        `Not enough replicas available for query at consistency ${
          consistencyName(consistencies)
        } (${required} required but only ${alive} alive)`,
        { consistencies, required, alive },
      ];
    }
    case ERROR_CODE.readTimeout:
    case ERROR_CODE.readFailure:
      return readErrorOf(reader, version, code);
    case ERROR_CODE.writeTimeout:
    case ERROR_CODE.writeFailure:
      return writeErrorOf(reader, version, code);
    case ERROR_CODE.unprepared:
      return [null, { queryId: reader.readShortBytes() }];
    case ERROR_CODE.alreadyExists: {
      const keyspace = reader.readString();
      const table = reader.readString();
      return [null, table === "" ? { keyspace } : { keyspace, table }];
    }
    case ERROR_CODE.functionFailure:
      return [null, { keyspace: reader.readString(), functionName: reader.readString() }];
    default:
      return [null, {}];
  }
}

/**
 * Decodes the body of an ERROR response.
 *
 * @param reader The reader, at the start of the message (after any tracing id, warnings or
 *   custom payload).
 * @param version The protocol version of the response.
 * @returns The error, with the code's fields.
 * @throws {NativeProtocolError} When the body is shorter than its code requires.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { BodyReader } from "./body_reader.ts";
 * import { decodeError } from "./decode_error.ts";
 * // Unavailable at ALL: 2 required, 1 alive.
 * const body = new Uint8Array([0, 0, 0x10, 0, 0, 1, 120, 0, 5, 0, 0, 0, 2, 0, 0, 0, 1]);
 * const reader = new BodyReader();
 * reader.reset(body, new DataView(body.buffer), 0, body.length);
 * const error = decodeError(reader, 4);
 * assert.equal(error.code, 0x1000);
 * assert.equal(
 *   error.message,
 *   "Not enough replicas available for query at consistency ALL (2 required but only 1 alive)",
 * );
 * ```
 */
export function decodeError(reader: BodyReader, version: number): NativeResponseError {
  const code = reader.readInt();
  const serverMessage = reader.readString();
  const [message, details] = detailsOf(reader, version, code);
  return new NativeResponseError(code, message ?? serverMessage, details);
}
