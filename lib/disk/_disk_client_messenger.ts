/**
 * Private helper of `disk_client.ts`: the client's TCP side (protocol v1, see
 * `lib/disk/disk_protocol.ts`). It sends records, keeps them until the server acknowledges
 * them, and notices a lost server.
 *
 * @module
 */

import { InterruptedError, TargetError } from "../errors.ts";
import type {
  ByeMessage,
  ClientMessage,
  EventMessage,
  SampleMessage,
} from "./protocol/disk_message.ts";
import { encodeMessage } from "./protocol/encode_message.ts";
import { LineSplitter } from "./protocol/line_splitter.ts";
import { parseServerMessage } from "./protocol/parse_server_message.ts";
import { isProtocolProblem } from "./protocol/protocol_problem.ts";

type WithoutEnvelope<T> = T extends unknown ? Omit<T, "v" | "seq" | "atMs"> : never;

/** A record to send, without `v`, `seq` and `atMs` (the messenger adds them). */
export type RecordBody = WithoutEnvelope<EventMessage | SampleMessage | ByeMessage>;

/** How long the client waits for the server's welcome, in ms. */
const WELCOME_WAIT_MS = 10_000;

/**
 * Reads the server's answer to the hello.
 *
 * @returns The run number of the welcome.
 * @throws {TargetError} When the server closes the connection, refuses the client or answers
 * something else.
 */
async function readWelcome(conn: Deno.Conn, where: string): Promise<number> {
  const splitter = new LineSplitter();
  const buffer = new Uint8Array(4096);
  while (true) {
    const read = await conn.read(buffer).catch(() => null);
    if (read === null) {
      throw new TargetError(`Cannot join the server "${where}": it closed the connection`);
    }
    const { lines, problem } = splitter.push(buffer.subarray(0, read));
    if (problem !== null) {
      throw new TargetError(`Cannot join the server "${where}": ${problem.message}`);
    }
    if (lines.length === 0) continue;
    const answer = parseServerMessage(lines[0]);
    if (isProtocolProblem(answer)) {
      throw new TargetError(`Cannot join the server "${where}": ${answer.message}`);
    }
    if (answer.type === "error") {
      throw new TargetError(
        `Cannot join the server "${where}": it refused the client (${answer.code}: ${answer.message})`,
      );
    }
    if (answer.type !== "welcome") {
      throw new TargetError(`Cannot join the server "${where}": expected a welcome`);
    }
    return answer.run;
  }
}

/** The TCP side: sends records, keeps them until acknowledged, notices a lost server. */
export class Messenger {
  readonly #conn: Deno.Conn;
  readonly #encoder = new TextEncoder();
  readonly #pending = new Map<number, () => void>();
  #seq = 0;
  /** Why the server was lost, or null while it is there. */
  lost: string | null = null;
  /** Records never sent or never acknowledged because the server was lost. */
  unsent = 0;
  #writing: Promise<void> = Promise.resolve();
  readonly #reading: Promise<void>;
  // When the server last acknowledged a record (or the watch began), and the watch's timer.
  #heardMs = 0;
  #silenceTimer: ReturnType<typeof setInterval> | undefined;

  private constructor(conn: Deno.Conn, onLost: (why: string) => void) {
    this.#conn = conn;
    this.#reading = this.#read(onLost);
  }

  /**
   * Connects and says hello; resolves after the welcome.
   *
   * @param settings The server's address.
   * @param hello The first message.
   * @param options Called once when the server is lost; the abort signal (Ctrl-C).
   * @returns The messenger and the run number the server gave.
   * @throws {TargetError} When the server cannot be reached, refuses the client, or sends no
   * welcome within 10 s.
   * @throws {InterruptedError} When the signal aborts the wait for the welcome.
   */
  static async open(
    settings: { readonly serverHost: string; readonly serverPort: number },
    hello: ClientMessage,
    options: { readonly onLost: (why: string) => void; readonly signal?: AbortSignal },
  ): Promise<{ messenger: Messenger; run: number }> {
    const where = `${settings.serverHost}:${settings.serverPort}`;
    let conn: Deno.Conn;
    try {
      conn = await Deno.connect({ hostname: settings.serverHost, port: settings.serverPort });
    } catch (error) {
      throw new TargetError(
        `Cannot connect to the server "${where}": ${String(error).split("\n")[0]}`,
        { cause: error },
      );
    }
    // What ended the wait early, when the connection was closed for it.
    let cutShort: "timeout" | "signal" | null = null;
    const cut = (why: "timeout" | "signal") => {
      if (cutShort !== null) return;
      cutShort = why;
      conn.close();
    };
    const deadline = setTimeout(() => cut("timeout"), WELCOME_WAIT_MS);
    const onAbort = () => cut("signal");
    options.signal?.addEventListener("abort", onAbort, { once: true });
    try {
      if (options.signal?.aborted) cut("signal");
      await conn.write(new TextEncoder().encode(encodeMessage(hello)));
      const run = await readWelcome(conn, where);
      return { messenger: new Messenger(conn, options.onLost), run };
    } catch (error) {
      try {
        conn.close();
      } catch {
        // Closed by the deadline or the signal.
      }
      if (cutShort === "signal") {
        throw new InterruptedError(
          "Client interrupted while it joined the server: nothing was written",
        );
      }
      if (cutShort === "timeout") {
        throw new TargetError(
          `Cannot join the server "${where}": it sent no welcome within ${
            WELCOME_WAIT_MS / 1000
          } s`,
        );
      }
      throw error;
    } finally {
      clearTimeout(deadline);
      options.signal?.removeEventListener("abort", onAbort);
    }
  }

  /** The next sequence number. */
  nextSeq(): number {
    return ++this.#seq;
  }

  /** Sends a record with the next sequence number and the current time, as `send` does. */
  record(fields: RecordBody): Promise<void> {
    const seq = this.nextSeq();
    return this.send(
      { v: 1, seq, atMs: Date.now(), ...fields } as unknown as ClientMessage & { seq: number },
    );
  }

  /** Sends a record; resolves when the server acknowledged it (never, if the server is lost). */
  send(message: ClientMessage & { seq: number }): Promise<void> {
    if (this.lost !== null) {
      this.unsent++;
      return Promise.resolve();
    }
    const acked = new Promise<void>((resolve) => this.#pending.set(message.seq, resolve));
    // One write at a time, so lines never interleave.
    const bytes = this.#encoder.encode(encodeMessage(message));
    this.#writing = this.#writing.then(async () => {
      let offset = 0;
      while (offset < bytes.length) offset += await this.#conn.write(bytes.subarray(offset));
    }).catch(() => {});
    return acked;
  }

  /** Records sent and not acknowledged yet. */
  get unacknowledged(): number {
    return this.#pending.size;
  }

  /** Waits until every record is acknowledged, the server is lost, or the time is up. */
  async drain(timeoutMs: number): Promise<void> {
    const deadline = performance.now() + timeoutMs;
    while (this.#pending.size > 0 && this.lost === null && performance.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  /**
   * From now on, gives the server up when records wait for their acknowledgement and none came
   * for `silentMs` (a server that hangs, not one that closed): the connection is closed, and
   * the records in flight count as unacknowledged. Called when the writer ends, so that no wait
   * for an acknowledgement holds the client's end.
   *
   * @param silentMs How long the server may acknowledge nothing, ms.
   */
  giveUpWhenSilent(silentMs: number): void {
    this.#heardMs = performance.now();
    clearInterval(this.#silenceTimer);
    this.#silenceTimer = setInterval(() => {
      if (this.#pending.size === 0) this.#heardMs = performance.now();
      if (performance.now() - this.#heardMs < silentMs) return;
      this.giveUp(`the server acknowledged nothing for ${silentMs / 1000} s`);
    }, Math.min(250, silentMs));
  }

  /**
   * Gives the server up now (a wait that Ctrl-C ended): the connection is closed, and the
   * records in flight count as unacknowledged.
   *
   * @param why Why, as {@linkcode lost} says it.
   */
  giveUp(why: string): void {
    clearInterval(this.#silenceTimer);
    this.lost ??= why;
    try {
      this.#conn.close();
    } catch {
      // Already closed.
    }
  }

  /** Closes the connection and waits for the reader to end. */
  async close(): Promise<void> {
    clearInterval(this.#silenceTimer);
    try {
      this.#conn.close();
    } catch {
      // Already closed.
    }
    await this.#reading;
  }

  async #read(onLost: (why: string) => void): Promise<void> {
    const splitter = new LineSplitter();
    const buffer = new Uint8Array(4096);
    while (true) {
      const read = await this.#conn.read(buffer).catch(() => null);
      if (read === null) break;
      const { lines, problem } = splitter.push(buffer.subarray(0, read));
      for (const line of lines) {
        const message = parseServerMessage(line);
        if (!isProtocolProblem(message) && message.type === "ack") {
          this.#heardMs = performance.now();
          this.#pending.get(message.seq)?.();
          this.#pending.delete(message.seq);
        } else if (!isProtocolProblem(message) && message.type === "error") {
          this.lost ??= `the server sent an error: ${message.code}: ${message.message}`;
        }
      }
      if (problem !== null) {
        this.lost ??= `the server sent bad data: ${problem.message}`;
        break;
      }
    }
    this.lost ??= "the server closed the connection";
    clearInterval(this.#silenceTimer);
    // Records in flight will never be acknowledged now: count them and let their senders go on.
    this.unsent += this.#pending.size;
    for (const resolve of this.#pending.values()) resolve();
    this.#pending.clear();
    onLost(this.lost);
  }
}
