/**
 * One connection of an `HttpPool`, with its request encoder, its response parser and the
 * deadline of the request in flight.
 *
 * @module
 */

import type { RequestEncoder } from "./request_encoder.ts";
import type { ResponseParser } from "./response_parser.ts";

/** One connection and what a request on it needs; `HttpPool`'s worker loop runs requests on it. */
export class HttpSlot {
  conn: Deno.Conn | null = null;
  /** When the current request times out (performance.now() ms), 0 when idle. */
  deadlineMs = 0;
  timedOut = false;
  readonly encoder: RequestEncoder;
  readonly parser: ResponseParser;

  constructor(encoder: RequestEncoder, parser: ResponseParser) {
    this.encoder = encoder;
    this.parser = parser;
  }

  drop(): void {
    const conn = this.conn;
    this.conn = null;
    if (conn !== null) {
      try {
        conn.close();
      } catch {
        // Already closed.
      }
    }
  }
}
