/**
 * Private helper of `disk_server.ts`: serves one client connection, from its `hello` to its
 * `bye` (protocol v1, see `lib/disk/disk_protocol.ts`).
 *
 * @module
 */

import type { HelloMessage, ProtocolErrorCode } from "./protocol/disk_message.ts";
import { encodeMessage } from "./protocol/encode_message.ts";
import { LineSplitter } from "./protocol/line_splitter.ts";
import { parseClientMessage, parseHelloMessage } from "./protocol/parse_client_message.ts";
import { isProtocolProblem } from "./protocol/protocol_problem.ts";
import { lingeringClose } from "./driver/lingering_close.ts";
import type { ClientEntry, ServerContext } from "./_disk_server_context.ts";
import { storeRecord } from "./_disk_server_record.ts";

const HELLO_TIMEOUT_MS = 10_000;

/**
 * One client connection: admits the client on its `hello`, stores and acknowledges its records,
 * and closes the connection on a protocol error, after `bye`, or when the client goes away.
 */
export class ServerConnection {
  readonly #conn: Deno.Conn;
  readonly #context: ServerContext;
  readonly #from: string;
  readonly #encoder = new TextEncoder();
  #client: ClientEntry | null = null;
  // The server closed the connection itself: its run is over, the client did not go away.
  #closedByServer = false;

  /**
   * Takes a connection of a run.
   *
   * @param conn The accepted connection.
   * @param context The run.
   */
  constructor(conn: Deno.Conn, context: ServerContext) {
    this.#conn = conn;
    this.#context = context;
    const remote = conn.remoteAddr as Deno.NetAddr;
    this.#from = `${remote.hostname}:${remote.port}`;
  }

  /**
   * Reads the connection until it ends, then closes it.
   *
   * @returns When the connection is closed (it never rejects).
   */
  async serve(): Promise<void> {
    const conn = this.#conn;
    const from = this.#from;
    const splitter = new LineSplitter();
    const buffer = new Uint8Array(16384);
    this.#context.log(`connection from ${from}`);
    const helloTimer = setTimeout(() => {
      if (this.#client === null) {
        void this.#reject("not_hello", "no hello within 10 s", null).finally(() => conn.close());
      }
    }, HELLO_TIMEOUT_MS);
    try {
      reading: while (true) {
        const read = await conn.read(buffer).catch(() => null);
        if (read === null) break;
        const { lines, problem } = splitter.push(buffer.subarray(0, read));
        for (const line of lines) {
          if (await this.#handle(line)) break reading;
        }
        if (problem !== null) {
          await this.#reject(problem.code, problem.message, this.#client?.id ?? null);
          break;
        }
      }
    } catch (error) {
      // BadResource: the server closed the connection itself (it is stopping), not a failure.
      if (!(error instanceof Deno.errors.BadResource)) {
        this.#context.log(`connection ${from} failed: ${String(error).split("\n")[0]}`);
      }
    } finally {
      clearTimeout(helloTimer);
      try {
        conn.close();
      } catch {
        // Already closed.
      }
      await this.#noteDisconnected();
    }
  }

  /**
   * Closes the connection at the end of the run (Ctrl-C, or every client finished or gone): its
   * client is not noted as disconnected, since the run it would wait for is over.
   */
  close(): void {
    this.#closedByServer = true;
    try {
      this.#conn.close();
    } catch {
      // Already closed.
    }
  }

  /** Handles one line; true when the connection is done. */
  async #handle(line: string): Promise<boolean> {
    const client = this.#client;
    if (client === null) {
      // The first line must be a hello: any other type is not_hello, whatever its fields.
      const hello = parseHelloMessage(line);
      if (isProtocolProblem(hello)) {
        await this.#reject(hello.code, hello.message, null);
        return true;
      }
      this.#client = await this.#admit(hello);
      return this.#client === null;
    }
    const { tracker, log } = this.#context;
    const message = parseClientMessage(line);
    if (isProtocolProblem(message)) {
      await this.#reject(message.code, message.message, client.id);
      return true;
    }
    if (message.type === "hello") {
      await this.#reject("bad_message", "a second hello", client.id);
      return true;
    }
    // A record is a sign of life too: a busy client is not gone for a late heartbeat.
    if (!client.done) tracker.beat(client.id, Date.now());
    await storeRecord(this.#context, { client, message });
    await this.#conn.write(
      this.#encoder.encode(encodeMessage({ v: 1, type: "ack", seq: message.seq })),
    );
    if (message.type !== "bye") return false;
    client.done = true;
    tracker.finish(client.id);
    log(`client ${client.id} finished`);
    return true;
  }

  /** A client that went away without a bye: the server waits for its heartbeats. */
  async #noteDisconnected(): Promise<void> {
    const client = this.#client;
    if (client === null || client.done || this.#closedByServer) return;
    const nowMs = Date.now();
    this.#context.log(`client ${client.id} disconnected without a bye; waiting for its heartbeats`);
    await this.#context.store.addEvent(this.#context.runId, {
      clientId: client.id,
      seq: null,
      atMs: nowMs,
      receivedAtMs: nowMs,
      kind: "disconnected",
      detail: { from: this.#from },
    }).catch(() => {});
  }

  /**
   * Answers an error, closes the connection, logs it and stores a `rejected` event: under the
   * admitted client of this connection, else under no client (a refused hello names only the id
   * it claims, in the detail and the log, never in that client's record).
   */
  async #reject(
    code: ProtocolErrorCode,
    message: string,
    clientId: string | null,
    claimed?: string,
  ): Promise<void> {
    const { store, runId, log } = this.#context;
    const from = this.#from;
    const who = clientId !== null ? ` (${clientId})` : claimed ? ` (says it is ${claimed})` : "";
    log(`connection ${from}${who} closed: ${code}: ${message}`);
    await this.#conn.write(
      this.#encoder.encode(encodeMessage({ v: 1, type: "error", code, message })),
    )
      .catch(() => {});
    await lingeringClose(this.#conn);
    const nowMs = Date.now();
    await store.addEvent(runId, {
      clientId,
      seq: null,
      atMs: nowMs,
      receivedAtMs: nowMs,
      kind: "rejected",
      detail: { from, code, message, ...(claimed ? { claimedClient: claimed } : {}) },
    }).catch((error) => log(`cannot store the rejection: ${String(error)}`));
  }

  async #admit(hello: HelloMessage): Promise<ClientEntry | null> {
    const { settings, store, runId, log, tracker, clients } = this.#context;
    if (settings.token !== undefined && hello.token !== settings.token) {
      await this.#reject("bad_token", "the token does not match", null, hello.client);
      return null;
    }
    const nowMs = Date.now();
    const added = await store.addClient(runId, {
      clientId: hello.client,
      host: hello.host,
      pid: hello.pid,
      config: hello.config,
      connectedAtMs: nowMs,
    });
    if (!added) {
      await this.#reject(
        "bad_message",
        `client id "${hello.client}" is already in this run`,
        null,
        hello.client,
      );
      return null;
    }
    const entry: ClientEntry = { id: hello.client, hbKey: hello.hbKey, done: false };
    clients.set(hello.client, entry);
    tracker.register(hello.client, hello.config.heartbeatMs, nowMs);
    log(
      `client ${hello.client} joined from ${this.#from} (host ${hello.host}, pid ${hello.pid}, chunk ${hello.config.chunkBytes} B, file ${hello.config.fileBytes} B, fsync ${hello.config.fsync})`,
    );
    await this.#conn.write(
      this.#encoder.encode(
        encodeMessage({
          v: 1,
          type: "welcome",
          run: runId,
          client: hello.client,
          heartbeatMisses: settings.misses,
        }),
      ),
    );
    return entry;
  }
}
