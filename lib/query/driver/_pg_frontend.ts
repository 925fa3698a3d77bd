/**
 * Private helper of `pg_wire_client.ts`: encoding the frontend messages of the PostgreSQL
 * wire protocol 3.0 (all but Bind, which `_pg_bind_encoder.ts` writes into a reused buffer).
 *
 * @module
 */

/** The protocol version of the StartupMessage: 3.0. */
export const PROTOCOL_3_0 = 196_608;
/** The request code of a CancelRequest (1234 << 16 | 5678). */
export const CANCEL_REQUEST_CODE = 80_877_102;
/** Execute (unnamed portal, no row limit) followed by Sync. */
export const EXECUTE_SYNC: Uint8Array = new Uint8Array(
  [0x45, 0, 0, 0, 9, 0, 0, 0, 0, 0, 0x53, 0, 0, 0, 4],
);
/** Terminate. */
export const TERMINATE: Uint8Array = new Uint8Array([0x58, 0, 0, 0, 4]);

const encoder = new TextEncoder();

/**
 * A frontend message with a type byte: `type`, length, then `body`.
 *
 * @param type The message's type letter (`P`, `D`, `S`, `Q`, `p`).
 * @param body Its body.
 * @returns The message.
 */
export function frontendMessage(type: string, body: Uint8Array): Uint8Array {
  const bytes = new Uint8Array(5 + body.length);
  bytes[0] = type.charCodeAt(0);
  new DataView(bytes.buffer).setInt32(1, 4 + body.length);
  bytes.set(body, 5);
  return bytes;
}

/**
 * Concatenates parts; strings become NUL-terminated UTF-8.
 *
 * @param parts Bytes, or strings to write as C strings.
 * @returns The bytes, one after the other.
 */
export function concat(...parts: (string | Uint8Array)[]): Uint8Array {
  const chunks = parts.map((p) => typeof p === "string" ? encoder.encode(`${p}\0`) : p);
  const bytes = new Uint8Array(chunks.reduce((sum, c) => sum + c.length, 0));
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.length;
  }
  return bytes;
}

/**
 * A big-endian 32-bit integer.
 *
 * @param value The integer.
 * @returns Its 4 bytes.
 */
export function int32(value: number): Uint8Array {
  const bytes = new Uint8Array(4);
  new DataView(bytes.buffer).setInt32(0, value);
  return bytes;
}
