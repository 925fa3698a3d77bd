// One client socket of the server: its protocol state machine, and a write queue that counts
// the bytes waiting (backpressure), sends late answers on timers and closes after a flush.
import type { CqlConnection } from "../protocol/cql_connection.ts";
import { concatBytes } from "../values/_value_bytes.ts";

/** A client socket with its protocol state and write queue. */
export class ClientConnection {
  readonly protocol: CqlConnection;
  readonly #conn: Deno.Conn;
  #queue: Uint8Array[] = [];
  #queuedBytes = 0;
  #writing = false;
  #closed = false;
  #drained: (() => void) | null = null;
  readonly #timers = new Set<ReturnType<typeof setTimeout>>();

  constructor(conn: Deno.Conn, protocol: CqlConnection) {
    this.#conn = conn;
    this.protocol = protocol;
  }

  get queuedBytes(): number {
    return this.#queuedBytes;
  }

  get closed(): boolean {
    return this.#closed;
  }

  send(bytes: Uint8Array): void {
    if (this.#closed) return;
    this.#queuedBytes += bytes.length + 64; // count the object, not only its bytes
    this.#enqueue(bytes);
  }

  /** Sends after a delay; the bytes count as queued from now, so backpressure sees them. */
  later(delayMs: number, bytes: Uint8Array): void {
    if (this.#closed) return;
    this.#queuedBytes += bytes.length + 64;
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      if (!this.#closed) this.#enqueue(bytes);
    }, delayMs);
    this.#timers.add(timer);
  }

  #enqueue(bytes: Uint8Array): void {
    this.#queue.push(bytes);
    if (!this.#writing) this.#flush();
  }

  async #flush(): Promise<void> {
    this.#writing = true;
    try {
      while (this.#queue.length > 0 && !this.#closed) {
        const parts = this.#queue;
        const chunk = parts.length === 1 ? parts[0] : concatBytes(parts);
        this.#queue = [];
        let written = 0;
        while (written < chunk.length) written += await this.#conn.write(chunk.subarray(written));
        this.#queuedBytes -= chunk.length + 64 * parts.length;
        this.#drained?.();
      }
    } catch {
      this.close();
    } finally {
      this.#writing = false;
    }
  }

  /** Resolves when the queue is under `limit` bytes (or the connection closed). */
  waitDrained(limit: number): Promise<void> {
    if (this.#queuedBytes <= limit || this.#closed) return Promise.resolve();
    return new Promise((resolve) => {
      this.#drained = () => {
        if (this.#queuedBytes <= limit || this.#closed) {
          this.#drained = null;
          resolve();
        }
      };
    });
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
    this.#drained?.();
    try {
      this.#conn.close();
    } catch {
      // already closed
    }
  }

  /** Flushes what is queued, then closes. */
  async closeAfterFlush(): Promise<void> {
    await this.waitDrained(0);
    this.close();
  }
}
