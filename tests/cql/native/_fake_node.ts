// Test helper: a scriptable, misbehaving CQL node on 127.0.0.1 (port 0). It parses the client's
// request frames (v3/v4; v5 unframed until READY or AUTHENTICATE, then in segments, and its own
// answers then go in segments too) and hands each to the test's script, which answers however it likes: good frames, malformed ones, wrong stream ids, huge
// lengths, half a frame then a close, or nothing at all. Started with `lz4`, once a STARTUP asks
// for lz4 it reads compressed frame bodies (v4) or compressed segments (v5, and answers in them),
// decompressed with the reference LZ4 implementation; `frame(..., { flags: 1 })` compresses a
// v4 answer's body.
import {
  bytes,
  int,
  lz4Segment,
  referenceLz4Block,
  referenceLz4Decode,
  responseFrame,
  segment,
  short,
  string,
} from "./_bytes.ts";

/** A request the node received. */
export interface FakeRequest {
  /** The protocol version of its header. */
  readonly version: number;
  readonly stream: number;
  readonly opcode: number;
  /** The body (decompressed). */
  readonly body: Uint8Array;
  /** Whether it came compressed (a flagged v4 body, or in a compressed v5 segment). */
  readonly compressed?: boolean;
}

/** How a script answers on one connection. */
export interface FakeReply {
  /** Writes raw bytes. */
  raw(data: Uint8Array): Promise<void>;
  /** Writes a response frame on the request's stream (or `stream`), at its version (or `version`). */
  frame(
    opcode: number,
    body: Uint8Array,
    options?: { stream?: number; version?: number; flags?: number },
  ): Promise<void>;
  /** Closes the connection. */
  close(): void;
}

/** The script: called with each request and how to answer it. */
export type FakeScript = (
  request: FakeRequest,
  reply: FakeReply,
  node: FakeNode,
) => void | Promise<void>;

export const OP = {
  error: 0x00,
  startup: 0x01,
  ready: 0x02,
  authenticate: 0x03,
  options: 0x05,
  supported: 0x06,
  query: 0x07,
  result: 0x08,
  prepare: 0x09,
  execute: 0x0a,
  batch: 0x0d,
  authResponse: 0x0f,
  authSuccess: 0x10,
} as const;

/** RESULT Void. */
export const VOID_BODY: Uint8Array = int(1);

/** RESULT Prepared (v4): id `id`, one blob variable k of ks.t (pk index 0), no result columns. */
export function preparedBody(id: Uint8Array): Uint8Array {
  return bytes(
    int(4),
    short(id.length),
    id,
    int(1),
    int(1),
    int(1),
    "0000",
    string("ks"),
    string("t"),
    string("k"),
    "0003",
    int(4),
    int(0),
  );
}

/** An ERROR body. */
export function errorBody(
  code: number,
  message: string,
  extra: Uint8Array = new Uint8Array(0),
): Uint8Array {
  return bytes(int(code), string(message), extra);
}

/**
 * Answers STARTUP with READY and PREPARE with a Prepared result of id [0xab]; returns whether it
 * answered (scripts fall back on it).
 */
export async function answerBasics(request: FakeRequest, reply: FakeReply): Promise<boolean> {
  if (request.opcode === OP.startup) {
    await reply.frame(OP.ready, new Uint8Array(0));
    return true;
  }
  if (request.opcode === OP.prepare) {
    await reply.frame(OP.result, preparedBody(new Uint8Array([0xab])));
    return true;
  }
  return false;
}

/** A scriptable node. */
export class FakeNode {
  /** Every request received, in order, across connections. */
  readonly requests: FakeRequest[] = [];
  /** Connections accepted. */
  accepted = 0;
  readonly #listener: Deno.Listener;
  readonly #conns = new Set<Deno.Conn>();
  readonly #serving: Promise<void>[] = [];
  readonly #accepting: Promise<void>;
  readonly #script: FakeScript;
  readonly #lz4: boolean;

  private constructor(script: FakeScript, lz4: boolean) {
    this.#script = script;
    this.#lz4 = lz4;
    this.#listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    this.#accepting = this.#accept();
  }

  /** Starts a node running `script`. */
  static start(script: FakeScript, options: { lz4?: boolean } = {}): FakeNode {
    return new FakeNode(script, options.lz4 ?? false);
  }

  /** The port it listens on. */
  get port(): number {
    return (this.#listener.addr as Deno.NetAddr).port;
  }

  /** Requests received with this opcode. */
  count(opcode: number): number {
    return this.requests.filter((r) => r.opcode === opcode).length;
  }

  /** Stops listening, closes every connection, waits for its loops. */
  async close(): Promise<void> {
    this.#listener.close();
    for (const conn of this.#conns) {
      try {
        conn.close();
      } catch {
        // already closed
      }
    }
    await this.#accepting;
    await Promise.all(this.#serving);
  }

  async #accept(): Promise<void> {
    for (;;) {
      let conn: Deno.Conn;
      try {
        conn = await this.#listener.accept();
      } catch {
        return;
      }
      this.accepted++;
      this.#conns.add(conn);
      this.#serving.push(this.#serve(conn));
    }
  }

  async #serve(conn: Deno.Conn): Promise<void> {
    let writes = Promise.resolve();
    let closed = false;
    const close = () => {
      if (closed) return;
      closed = true;
      try {
        conn.close();
      } catch {
        // already closed
      }
    };
    const raw = (data: Uint8Array) => {
      writes = writes.then(async () => {
        if (closed) return;
        let at = 0;
        while (at < data.length) at += await conn.write(data.subarray(at));
      }).catch(() => {});
      return writes;
    };
    let buffer: Uint8Array = new Uint8Array(0);
    let envelopes: Uint8Array = new Uint8Array(0);
    // After READY or AUTHENTICATE answers a v5 STARTUP, both directions use v5 segments.
    let framed = false;
    // A STARTUP asked for lz4 (and the node was started with it).
    let lz4 = false;
    let segmentCompressed = false;
    const chunk = new Uint8Array(65536);
    try {
      for (;;) {
        const n = await conn.read(chunk);
        if (n === null) break;
        buffer = bytes(buffer, chunk.subarray(0, n));
        if (!framed) {
          envelopes = bytes(envelopes, buffer);
          buffer = new Uint8Array(0);
        }
        while (framed && lz4 && buffer.length >= 8) {
          const length = buffer[0] | (buffer[1] << 8) | ((buffer[2] & 1) << 16);
          const size = (buffer[2] >>> 1) | (buffer[3] << 7) | ((buffer[4] & 3) << 15);
          if (buffer.length < 8 + length + 4) break;
          const payload = buffer.subarray(8, 8 + length);
          envelopes = bytes(envelopes, size === 0 ? payload : referenceLz4Decode(payload, size));
          segmentCompressed = size !== 0;
          buffer = buffer.slice(8 + length + 4);
        }
        while (framed && !lz4 && buffer.length >= 6) {
          const length = (buffer[0] | (buffer[1] << 8) | (buffer[2] << 16)) & 0x1ffff;
          if (buffer.length < 6 + length + 4) break;
          envelopes = bytes(envelopes, buffer.subarray(6, 6 + length));
          buffer = buffer.slice(6 + length + 4);
        }
        while (envelopes.length >= 9) {
          const length = new DataView(envelopes.buffer, envelopes.byteOffset).getInt32(5);
          if (envelopes.length < 9 + length) break;
          const flagged = lz4 && !framed && (envelopes[1] & 0x01) !== 0;
          const body = envelopes.slice(9, 9 + length);
          const request: FakeRequest = {
            version: envelopes[0] & 0x7f,
            stream: (envelopes[2] << 8) | envelopes[3],
            opcode: envelopes[4],
            body: flagged
              ? referenceLz4Decode(body.subarray(4), new DataView(body.buffer).getInt32(0))
              : body,
            compressed: flagged || (framed && segmentCompressed),
          };
          envelopes = envelopes.slice(9 + length);
          this.requests.push(request);
          if (this.#lz4 && request.opcode === OP.startup) {
            lz4 = new TextDecoder().decode(request.body).includes("lz4");
          }
          const reply: FakeReply = {
            raw,
            frame: (opcode, body, options = {}) => {
              const version = options.version ?? request.version;
              const flags = options.flags ?? 0;
              const compress = lz4 && !framed && (flags & 0x01) !== 0;
              const frame = responseFrame(
                version,
                options.stream ?? request.stream,
                opcode,
                compress ? bytes(int(body.length), referenceLz4Block(body)) : body,
                flags,
              );
              const wrapped = !framed
                ? frame
                : lz4
                ? lz4Segment(frame, true)
                : segment(frame, true);
              const written = raw(wrapped);
              const opens = opcode === OP.ready || opcode === OP.authenticate;
              if (request.opcode === OP.startup && version === 5 && opens) {
                framed = true;
                // Bytes after the STARTUP are segments.
                buffer = envelopes;
                envelopes = new Uint8Array(0);
              }
              return written;
            },
            close,
          };
          await this.#script(request, reply, this);
        }
      }
    } catch {
      // the client or the test closed it
    } finally {
      await writes;
      close();
      this.#conns.delete(conn);
    }
  }
}
