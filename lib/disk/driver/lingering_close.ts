/**
 * Closes a TCP connection without resetting it before the peer has read the last answer.
 *
 * @module
 */

/** How long a rejected connection is drained before it is closed. */
const LINGER_MS = 1000;

/**
 * Half-closes a connection and reads what the peer still sends, for at most 1 s or 64 KiB, so
 * that closing it does not reset it before the peer has read the last answer (a close with unread
 * input sends a reset).
 *
 * @param conn The connection.
 * @returns When the peer closed its side, 64 KiB were drained, or 1 s passed.
 *
 * @example Usage
 * ```ts ignore
 * await conn.write(new TextEncoder().encode("bye\n"));
 * await lingeringClose(conn);
 * ```
 */
export async function lingeringClose(conn: Deno.Conn): Promise<void> {
  try {
    await conn.closeWrite();
  } catch {
    return;
  }
  const buffer = new Uint8Array(4096);
  let total = 0;
  const timer = setTimeout(() => {
    try {
      conn.close();
    } catch {
      // Already closed.
    }
  }, LINGER_MS);
  try {
    while (total < 65536) {
      const read = await conn.read(buffer).catch(() => null);
      if (read === null) break;
      total += read;
    }
  } finally {
    clearTimeout(timer);
  }
}
