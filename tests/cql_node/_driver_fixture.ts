/**
 * Private helpers for the cassandra-driver tests: start an embedded node on a free loopback
 * port, connect a driver client, and always shut both down.
 *
 * @module
 */

import { Buffer } from "node:buffer";
import cassandra from "cassandra-driver";
import { CqlServer, type CqlServerOptions } from "../../lib/cql_node/driver/cql_server.ts";

/** The driver's client type. */
export type Client = InstanceType<typeof cassandra.Client>;

/** Extra driver options merged into the defaults. */
export type ClientExtras = Record<string, unknown>;

/** Builds a driver client for the node (not yet connected). */
export function createClient(server: CqlServer, extras: ClientExtras = {}): Client {
  return new cassandra.Client(
    {
      contactPoints: [`127.0.0.1:${server.port}`],
      localDataCenter: "datacenter1",
      ...extras,
    } as ConstructorParameters<typeof cassandra.Client>[0],
  );
}

/** Rejects after `limitMs` unless `promise` settles first; the timer is always cleared. */
export async function withTimeout<T>(
  promise: Promise<T>,
  options: { limitMs: number; what: string },
): Promise<T> {
  const { limitMs, what } = options;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`Cannot finish "${what}": took longer than ${limitMs} ms`)),
      limitMs,
    );
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Options for {@linkcode withNode}. */
export interface WithNodeOptions {
  /** Node options (the port is always 0, the host always loopback). */
  server?: Omit<CqlServerOptions, "port" | "hostname">;
  /** Driver options merged into the defaults. */
  client?: ClientExtras;
  /** Connect the client before calling `fn`. @default true */
  connect?: boolean;
  /** Time limit for the whole body. @default 20000 */
  limitMs?: number;
}

/**
 * Starts a node and a client, runs `fn`, and always shuts down the client, any extra clients
 * `fn` registers, and the node.
 */
export async function withNode(
  options: WithNodeOptions,
  fn: (ctx: { server: CqlServer; client: Client; track: (c: Client) => Client }) => Promise<void>,
): Promise<void> {
  const server = await CqlServer.start({ ...options.server, port: 0, hostname: "127.0.0.1" });
  const client = createClient(server, options.client);
  const extra: Client[] = [];
  try {
    await withTimeout(
      (async () => {
        if (options.connect ?? true) await client.connect();
        await fn({ server, client, track: (c) => (extra.push(c), c) });
      })(),
      { limitMs: options.limitMs ?? 20000, what: "test body" },
    );
  } finally {
    for (const c of [client, ...extra]) {
      await withTimeout(c.shutdown(), { limitMs: 5000, what: "client shutdown" }).catch(() => {});
    }
    await server.close();
  }
}

/** Polls `predicate` every 20 ms until it is true or `limitMs` passes; returns the last value. */
export async function waitFor(predicate: () => boolean, limitMs = 5000): Promise<boolean> {
  const deadline = Date.now() + limitMs;
  while (!predicate()) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return true;
}

/** The cassandra-stress key for index `i` (a 10-byte blob like the tool's keys). */
export function stressKey(i: number): Buffer {
  return Buffer.from(`key${String(i).padStart(7, "0")}`);
}

/** The cassandra-stress cell value for key `i`, column `c` (34 bytes). */
export function stressValue(i: number, c: number): Buffer {
  const b = Buffer.alloc(34);
  for (let j = 0; j < 34; j++) b[j] = (i * 31 + c * 7 + j) & 0xff;
  return b;
}

/** One native-protocol frame read from a raw socket. */
export interface RawFrame {
  version: number;
  flags: number;
  stream: number;
  opcode: number;
  body: Uint8Array;
}

/** A bare native protocol v4 connection for requests the driver never sends. */
export class RawConnection {
  readonly #conn: Deno.Conn;
  #pending = new Uint8Array(0);

  private constructor(conn: Deno.Conn) {
    this.#conn = conn;
  }

  /** Opens a TCP connection to the node. */
  static async open(port: number): Promise<RawConnection> {
    return new RawConnection(await Deno.connect({ hostname: "127.0.0.1", port }));
  }

  /** Sends one request frame (version 4, no flags) on `options.stream`. */
  async send(opcode: number, body: Uint8Array, options: { stream: number }): Promise<void> {
    const { stream } = options;
    const frame = new Uint8Array(9 + body.length);
    const view = new DataView(frame.buffer);
    frame[0] = 0x04;
    frame[1] = 0;
    view.setInt16(2, stream);
    frame[4] = opcode;
    view.setInt32(5, body.length);
    frame.set(body, 9);
    let written = 0;
    while (written < frame.length) written += await this.#conn.write(frame.subarray(written));
  }

  /** Reads one response frame. */
  async read(): Promise<RawFrame> {
    for (;;) {
      if (this.#pending.length >= 9) {
        const view = new DataView(this.#pending.buffer, this.#pending.byteOffset);
        const length = view.getInt32(5);
        if (this.#pending.length >= 9 + length) {
          const frame: RawFrame = {
            version: this.#pending[0],
            flags: this.#pending[1],
            stream: view.getInt16(2),
            opcode: this.#pending[4],
            body: this.#pending.slice(9, 9 + length),
          };
          this.#pending = this.#pending.slice(9 + length);
          return frame;
        }
      }
      const chunk = new Uint8Array(65536);
      const n = await this.#conn.read(chunk);
      if (n === null) throw new Error("Cannot read a frame: the node closed the connection");
      const joined = new Uint8Array(this.#pending.length + n);
      joined.set(this.#pending);
      joined.set(chunk.subarray(0, n), this.#pending.length);
      this.#pending = joined;
    }
  }

  /** Closes the socket. */
  close(): void {
    try {
      this.#conn.close();
    } catch {
      // already closed
    }
  }
}

/** Encodes a protocol [string map]. */
export function encodeStringMap(map: Record<string, string>): Uint8Array {
  const parts: number[] = [];
  const entries = Object.entries(map);
  parts.push(entries.length >> 8, entries.length & 0xff);
  for (const [k, v] of entries) {
    for (const s of [k, v]) {
      const bytes = new TextEncoder().encode(s);
      parts.push(bytes.length >> 8, bytes.length & 0xff, ...bytes);
    }
  }
  return new Uint8Array(parts);
}
