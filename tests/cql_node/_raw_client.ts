/**
 * A tiny raw native-protocol client for tests of the embedded CQL node: it writes frames (or any
 * bytes) over a loopback socket and reads response frames, matched by stream id, with timeouts.
 * It parses just enough (headers, ERROR bodies) for the hardening and fault tests.
 *
 * @module
 */

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Request opcodes used by the tests. */
export const OP = {
  error: 0x00,
  startup: 0x01,
  ready: 0x02,
  options: 0x05,
  supported: 0x06,
  query: 0x07,
  result: 0x08,
  prepare: 0x09,
  execute: 0x0a,
  register: 0x0b,
} as const;

/** ERROR codes used by the tests. */
export const ERR = {
  serverError: 0x0000,
  protocol: 0x000a,
  unavailable: 0x1000,
  overloaded: 0x1001,
  writeTimeout: 0x1100,
  readTimeout: 0x1200,
  syntax: 0x2000,
  invalid: 0x2200,
} as const;

/** A response frame as received. */
export interface RawFrame {
  /** The first header byte (0x84 for a v4 response). */
  versionByte: number;
  /** Header flags. */
  flags: number;
  /** Stream id (signed). */
  stream: number;
  /** Opcode. */
  opcode: number;
  /** The body. */
  body: Uint8Array;
}

/** A parsed ERROR body. */
export interface RawError {
  /** The error code. */
  code: number;
  /** The message. */
  message: string;
  /** Timeout/unavailable details when the code carries them. */
  consistency?: number;
  /** Replicas that answered (timeouts) or were alive (unavailable). */
  received?: number;
  /** Replicas required. */
  blockFor?: number;
  /** read_timeout: whether the data replica answered. */
  dataPresent?: boolean;
  /** write_timeout: the write type. */
  writeType?: string;
  /** Bytes left after parsing (should be 0). */
  trailingBytes: number;
}

/** Thrown when a wait times out. */
export class RawTimeoutError extends Error {
  /** @param message What timed out. */
  constructor(message: string) {
    super(message);
    this.name = "RawTimeoutError";
  }
}

/** Encodes a [string]. */
export function cqlString(value: string): Uint8Array {
  const bytes = encoder.encode(value);
  const out = new Uint8Array(2 + bytes.length);
  new DataView(out.buffer).setUint16(0, bytes.length);
  out.set(bytes, 2);
  return out;
}

/** Concatenates byte arrays. */
export function concat(...parts: Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** The body of a STARTUP with CQL_VERSION 3.0.0. */
export function startupBody(): Uint8Array {
  return concat(new Uint8Array([0, 1]), cqlString("CQL_VERSION"), cqlString("3.0.0"));
}

/** The body of a QUERY at consistency ONE with no flags. */
export function queryBody(cql: string, consistency = 1, flags = 0): Uint8Array {
  const q = encoder.encode(cql);
  const out = new Uint8Array(4 + q.length + 3);
  const view = new DataView(out.buffer);
  view.setInt32(0, q.length);
  out.set(q, 4);
  view.setUint16(4 + q.length, consistency);
  out[6 + q.length] = flags;
  return out;
}

/** Encodes one frame with a 9-byte (v3+) header. */
export function encodeFrame(
  opcode: number,
  body: Uint8Array,
  options: { version?: number; flags?: number; stream?: number; declaredLength?: number } = {},
): Uint8Array {
  const out = new Uint8Array(9 + body.length);
  const view = new DataView(out.buffer);
  out[0] = options.version ?? 4;
  out[1] = options.flags ?? 0;
  view.setInt16(2, options.stream ?? 0);
  out[4] = opcode;
  view.setUint32(5, options.declaredLength ?? body.length);
  out.set(body, 9);
  return out;
}

/** Parses an ERROR body. */
export function parseError(body: Uint8Array): RawError {
  const view = new DataView(body.buffer, body.byteOffset, body.byteLength);
  let at = 0;
  const code = view.getInt32(at);
  at += 4;
  const n = view.getUint16(at);
  at += 2;
  if (at + n > body.length) throw new Error(`Error message runs past the body (${n} bytes)`);
  const message = decoder.decode(body.subarray(at, at + n));
  at += n;
  const out: RawError = { code, message, trailingBytes: 0 };
  if (code === ERR.unavailable) {
    out.consistency = view.getUint16(at);
    out.blockFor = view.getInt32(at + 2);
    out.received = view.getInt32(at + 6);
    at += 10;
  } else if (code === ERR.readTimeout) {
    out.consistency = view.getUint16(at);
    out.received = view.getInt32(at + 2);
    out.blockFor = view.getInt32(at + 6);
    out.dataPresent = body[at + 10] !== 0;
    at += 11;
  } else if (code === ERR.writeTimeout) {
    out.consistency = view.getUint16(at);
    out.received = view.getInt32(at + 2);
    out.blockFor = view.getInt32(at + 6);
    const w = view.getUint16(at + 10);
    out.writeType = decoder.decode(body.subarray(at + 12, at + 12 + w));
    if (at + 12 + w > body.length) throw new Error("write_type runs past the body");
    at += 12 + w;
  }
  out.trailingBytes = body.length - at;
  return out;
}

/** The RESULT kind of a RESULT body. */
export function resultKind(body: Uint8Array): number {
  return new DataView(body.buffer, body.byteOffset, body.byteLength).getInt32(0);
}

/** Describes a frame for assertion messages. */
export function describe(frame: RawFrame): string {
  if (frame.opcode === OP.error) {
    const e = parseError(frame.body);
    return `ERROR 0x${e.code.toString(16)} "${e.message}" (stream ${frame.stream})`;
  }
  return `opcode 0x${frame.opcode.toString(16)} (stream ${frame.stream}, ${frame.body.length} B)`;
}

interface Waiter {
  resolve: (frame: RawFrame) => void;
  reject: (error: Error) => void;
  timer: ReturnType<typeof setTimeout>;
}

/**
 * One raw connection to 127.0.0.1. Responses are kept in arrival order and by stream id; waits
 * reject with {@linkcode RawTimeoutError} after their timeout, and with an error when the node
 * closes the connection first.
 */
export class RawCqlClient {
  readonly #conn: Deno.TcpConn;
  readonly #byStream = new Map<number, RawFrame[]>();
  readonly #waiters = new Map<number, Waiter>();
  #anyWaiter: Waiter | null = null;
  readonly #arrivals: RawFrame[] = [];
  #closedByPeer = false;
  #closedByUs = false;
  #closeWaiters: (() => void)[] = [];
  #nextStream = 1;
  readonly #reading: Promise<void>;
  /** Every frame received, in order. */
  readonly received: RawFrame[] = [];

  private constructor(conn: Deno.TcpConn, read: boolean) {
    this.#conn = conn;
    this.#reading = read ? this.#readLoop() : Promise.resolve();
  }

  /**
   * Connects to the node on 127.0.0.1.
   *
   * @param port The node's port.
   * @param options.read `false` never reads the socket (a client that ignores its responses).
   * @returns The client.
   */
  static async connect(port: number, options: { read?: boolean } = {}): Promise<RawCqlClient> {
    const conn = await Deno.connect({ hostname: "127.0.0.1", port, transport: "tcp" });
    conn.setNoDelay(true);
    return new RawCqlClient(conn, options.read ?? true);
  }

  /** Whether the node closed the connection (EOF or reset). */
  get closedByPeer(): boolean {
    return this.#closedByPeer;
  }

  /** A fresh stream id (1..32767, wrapping). */
  nextStream(): number {
    const s = this.#nextStream;
    this.#nextStream = s >= 32767 ? 1 : s + 1;
    return s;
  }

  async #readLoop(): Promise<void> {
    const buf = new Uint8Array(65536);
    let pending = new Uint8Array(0);
    try {
      for (;;) {
        const n = await this.#conn.read(buf);
        if (n === null) break;
        const merged = new Uint8Array(pending.length + n);
        merged.set(pending);
        merged.set(buf.subarray(0, n), pending.length);
        let at = 0;
        for (;;) {
          if (merged.length - at < 1) break;
          const v = merged[at] & 0x7f;
          const headerBytes = v <= 2 ? 8 : 9;
          if (merged.length - at < headerBytes) break;
          const view = new DataView(merged.buffer, at);
          const stream = v <= 2 ? view.getInt8(2) : view.getInt16(2);
          const opcode = merged[at + headerBytes - 5];
          const length = view.getUint32(headerBytes - 4);
          if (merged.length - at < headerBytes + length) break;
          this.#deliver({
            versionByte: merged[at],
            flags: merged[at + 1],
            stream,
            opcode,
            body: merged.slice(at + headerBytes, at + headerBytes + length),
          });
          at += headerBytes + length;
        }
        pending = merged.slice(at);
      }
    } catch {
      // reset by the peer, or closed by us
    }
    if (!this.#closedByUs) this.#closedByPeer = true;
    const error = new Error("Connection closed before a response arrived");
    for (const [, w] of this.#waiters) {
      clearTimeout(w.timer);
      w.reject(error);
    }
    this.#waiters.clear();
    if (this.#anyWaiter) {
      clearTimeout(this.#anyWaiter.timer);
      this.#anyWaiter.reject(error);
      this.#anyWaiter = null;
    }
    for (const resolve of this.#closeWaiters) resolve();
    this.#closeWaiters = [];
  }

  #deliver(frame: RawFrame): void {
    this.received.push(frame);
    const waiter = this.#waiters.get(frame.stream);
    if (waiter) {
      this.#waiters.delete(frame.stream);
      clearTimeout(waiter.timer);
      waiter.resolve(frame);
    } else {
      let list = this.#byStream.get(frame.stream);
      if (!list) this.#byStream.set(frame.stream, list = []);
      list.push(frame);
    }
    if (this.#anyWaiter) {
      const w = this.#anyWaiter;
      this.#anyWaiter = null;
      clearTimeout(w.timer);
      w.resolve(frame);
    } else this.#arrivals.push(frame);
  }

  /**
   * Writes raw bytes (a whole frame, part of one, or garbage).
   *
   * @param bytes The bytes.
   */
  async write(bytes: Uint8Array): Promise<void> {
    let written = 0;
    while (written < bytes.length) written += await this.#conn.write(bytes.subarray(written));
  }

  /**
   * Sends one frame.
   *
   * @returns The stream id used.
   */
  async send(
    opcode: number,
    body: Uint8Array,
    options: { version?: number; flags?: number; stream?: number } = {},
  ): Promise<number> {
    const stream = options.stream ?? this.nextStream();
    await this.write(encodeFrame(opcode, body, { ...options, stream }));
    return stream;
  }

  /**
   * Waits for the response on a stream.
   *
   * @param stream The stream id.
   * @param timeoutMs How long to wait.
   * @returns The frame.
   */
  response(stream: number, timeoutMs = 5000): Promise<RawFrame> {
    const queued = this.#byStream.get(stream);
    if (queued && queued.length > 0) {
      const frame = queued.shift()!;
      const i = this.#arrivals.indexOf(frame);
      if (i >= 0) this.#arrivals.splice(i, 1);
      return Promise.resolve(frame);
    }
    if (this.#closedByPeer || this.#closedByUs) {
      return Promise.reject(new Error("Connection closed before a response arrived"));
    }
    if (this.#waiters.has(stream)) throw new Error(`Already waiting on stream ${stream}`);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiters.delete(stream);
        reject(new RawTimeoutError(`No response on stream ${stream} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.#waiters.set(stream, { resolve, reject, timer });
    });
  }

  /**
   * Waits for the next frame on any stream (in arrival order).
   *
   * @param timeoutMs How long to wait.
   * @returns The frame.
   */
  nextFrame(timeoutMs = 5000): Promise<RawFrame> {
    const frame = this.#arrivals.shift();
    if (frame) {
      const list = this.#byStream.get(frame.stream);
      const i = list ? list.indexOf(frame) : -1;
      if (i >= 0) list!.splice(i, 1);
      return Promise.resolve(frame);
    }
    if (this.#closedByPeer || this.#closedByUs) {
      return Promise.reject(new Error("Connection closed before a response arrived"));
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#anyWaiter = null;
        reject(new RawTimeoutError(`No frame within ${timeoutMs} ms`));
      }, timeoutMs);
      this.#anyWaiter = { resolve, reject, timer };
    });
  }

  /**
   * Sends a frame and waits for its response.
   *
   * @returns The response.
   */
  async request(
    opcode: number,
    body: Uint8Array,
    options: { version?: number; flags?: number; timeoutMs?: number } = {},
  ): Promise<RawFrame> {
    const stream = this.nextStream();
    const answer = this.response(stream, options.timeoutMs);
    answer.catch(() => {});
    await this.send(opcode, body, { ...options, stream });
    return await answer;
  }

  /** Sends STARTUP and checks that READY comes back. */
  async startup(timeoutMs = 5000): Promise<void> {
    const frame = await this.request(OP.startup, startupBody(), { timeoutMs });
    if (frame.opcode !== OP.ready) throw new Error(`STARTUP answered with ${describe(frame)}`);
  }

  /** Sends a QUERY and waits for its response. */
  query(cql: string, timeoutMs = 5000): Promise<RawFrame> {
    return this.request(OP.query, queryBody(cql), { timeoutMs });
  }

  /**
   * Waits until the node closes the connection.
   *
   * @param timeoutMs How long to wait.
   * @returns Whether it closed in time.
   */
  waitClosed(timeoutMs = 5000): Promise<boolean> {
    if (this.#closedByPeer) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#closeWaiters = this.#closeWaiters.filter((w) => w !== done);
        resolve(false);
      }, timeoutMs);
      const done = (): void => {
        clearTimeout(timer);
        resolve(this.#closedByPeer);
      };
      this.#closeWaiters.push(done);
    });
  }

  /** Closes the socket and waits for the read loop to end. */
  async close(): Promise<void> {
    if (!this.#closedByPeer) this.#closedByUs = true;
    try {
      this.#conn.close();
    } catch {
      // already closed
    }
    await this.#reading;
  }
}

/**
 * A well-formed client that queries `SELECT key FROM system.local` in a loop until stopped and
 * records every answer that is not a RESULT.
 */
export class HealthyLoop {
  readonly #client: RawCqlClient;
  #stop = false;
  readonly #running: Promise<void>;
  /** Queries answered with a RESULT. */
  ok = 0;
  /** Descriptions of every failure (non-RESULT answer, timeout, closed connection). */
  readonly failures: string[] = [];
  /** The worst latency seen, in milliseconds (since the last {@linkcode HealthyLoop.resetLatency}). */
  maxLatencyMs = 0;
  /** Bumped by resetLatency: a query sent before it does not count toward maxLatencyMs. */
  #latencyEpoch = 0;
  /**
   * A count of the other clients' work that the node did (say, another client's queries it
   * received), read before each query is sent and once it is answered; null: none.
   */
  meter: (() => number) | null = null;
  /**
   * The most the meter moved while one query waited for its answer (since the last
   * {@linkcode HealthyLoop.resetLatency}): what the node did for others before answering it.
   */
  maxInterleaved = 0;

  private constructor(client: RawCqlClient, pauseMs: number) {
    this.#client = client;
    this.#running = this.#loop(pauseMs);
  }

  /**
   * Connects, starts up and begins querying.
   *
   * @param port The node's port.
   * @returns The running loop.
   */
  static async start(port: number, pauseMs = 2): Promise<HealthyLoop> {
    const client = await RawCqlClient.connect(port);
    await client.startup();
    return new HealthyLoop(client, pauseMs);
  }

  async #loop(pauseMs: number): Promise<void> {
    while (!this.#stop) {
      const t0 = performance.now();
      const epoch = this.#latencyEpoch;
      const before = this.meter?.() ?? 0;
      try {
        const frame = await this.#client.query("SELECT key FROM system.local", 5000);
        const ms = performance.now() - t0;
        const interleaved = (this.meter?.() ?? 0) - before;
        if (epoch === this.#latencyEpoch) {
          this.maxLatencyMs = Math.max(this.maxLatencyMs, ms);
          this.maxInterleaved = Math.max(this.maxInterleaved, interleaved);
        }
        if (frame.opcode === OP.result) this.ok++;
        else this.failures.push(describe(frame));
      } catch (error) {
        this.failures.push(String(error));
        return;
      }
      await new Promise((r) => setTimeout(r, pauseMs));
    }
  }

  /**
   * Starts the worst latency afresh, leaving out the query in flight: for a test that has just
   * held this isolate itself (a forced garbage collection), which that query would count.
   */
  resetLatency(): void {
    this.#latencyEpoch++;
    this.maxLatencyMs = 0;
    this.maxInterleaved = 0;
  }

  /**
   * Waits until at least `n` more queries succeeded (or a failure happened). It waits for the
   * answers themselves: a loaded machine may take long over them, but the client must never go
   * `stallMs` without one (the node stopped answering it).
   *
   * @param n How many.
   * @param stallMs The longest wait for the next answer.
   */
  async waitMore(n: number, stallMs = 5000): Promise<void> {
    const target = this.ok + n;
    let seen = this.ok;
    let deadline = performance.now() + stallMs;
    while (this.ok < target && this.failures.length === 0 && performance.now() < deadline) {
      await new Promise((r) => setTimeout(r, 5));
      if (this.ok !== seen) {
        seen = this.ok;
        deadline = performance.now() + stallMs;
      }
    }
    if (this.ok < target) {
      throw new Error(
        `Healthy client made ${this.ok}/${target} queries; failures: ${this.failures.join("; ")}`,
      );
    }
  }

  /** Stops the loop and closes the connection. */
  async stop(): Promise<void> {
    this.#stop = true;
    await this.#running;
    await this.#client.close();
  }
}

/**
 * Waits until a condition holds.
 *
 * @returns Whether it held before the timeout.
 */
export async function waitFor(condition: () => boolean, timeoutMs = 5000): Promise<boolean> {
  const deadline = performance.now() + timeoutMs;
  while (!condition()) {
    if (performance.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 5));
  }
  return true;
}

/** A small fixed-seed PRNG (mulberry32) for reproducible garbage. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `n` random bytes from a PRNG. */
export function randomBytes(next: () => number, n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.floor(next() * 256);
  return out;
}
