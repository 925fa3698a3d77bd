/**
 * The embedded CQL node's TCP server: accepts connections, feeds them to {@linkcode CqlConnection},
 * broadcasts schema events, and injects latency, stalls, errors and dropped connections.
 *
 * @module
 */

import { createDistribution, type Distribution } from "../../core/distribution.ts";
import { Prng } from "../../core/prng.ts";
import type { DistributionSpec } from "../../units/distribution_spec.ts";
import { CqlConnection } from "../protocol/cql_connection.ts";
import { concatBytes } from "../values/_value_bytes.ts";
import {
  CqlEngine,
  type SchemaChange,
  type StatementCounts,
  type StatementLogEntry,
} from "../engine/cql_engine.ts";
import { CqlError } from "../protocol/cql_error.ts";
import { CONSISTENCY_NAMES, ERROR_CODE, MAX_FRAME_BYTES_DEFAULT } from "../protocol/protocol_constants.ts";
import type { TableDescription } from "../engine/schema.ts";

/** Kinds of error responses the node can inject. */
export type InjectedErrorKind =
  | "overloaded"
  | "read_timeout"
  | "write_timeout"
  | "unavailable"
  | "server_error";

/** Faults and latency the node adds to QUERY, EXECUTE, BATCH and PREPARE responses. */
export interface FaultOptions {
  /** Added latency per response in microseconds, drawn from a distribution; `null` for none. */
  latencyUs: DistributionSpec | null;
  /** Periodic stalls: every `everyMs` the node holds every response for `forMs`. */
  stall: { everyMs: number; forMs: number } | null;
  /** Fraction (0..1) of requests answered with an error instead of being run. */
  errorRate: number;
  /** The error kinds to inject, chosen uniformly. */
  errorKinds: InjectedErrorKind[];
  /** Fraction (0..1) of requests on which the node drops the connection without answering. */
  dropRate: number;
}

/** The node's TLS certificate chain and private key, as PEM files. */
export interface CqlServerTlsFiles {
  /** The certificate chain file (PEM), the server's certificate first. */
  certFile: string;
  /** The private key file (PEM: PKCS#8, RSA or EC). */
  keyFile: string;
}

/** The node's TLS certificate chain and private key, as PEM text. */
export interface CqlServerTlsPem {
  /** The certificate chain (PEM), the server's certificate first. */
  cert: string;
  /** The private key (PEM: PKCS#8, RSA or EC). */
  key: string;
}

/** The node's TLS certificate and key: PEM files, or PEM text. */
export type CqlServerTls = CqlServerTlsFiles | CqlServerTlsPem;

/** How to start the node. */
export interface CqlServerOptions {
  /** Address to bind. @default "127.0.0.1" */
  hostname?: string;
  /** Port to bind; 0 picks a free one. @default 9042 */
  port?: number;
  /** Require these credentials (PasswordAuthenticator). */
  credentials?: { user: string; password: string };
  /** The largest frame body accepted. @default 268435456 */
  maxFrameBytes?: number;
  /** Faults and latency to inject. */
  faults?: Partial<FaultOptions>;
  /** cluster_name in system.local. @default "Test Cluster" */
  clusterName?: string;
  /** data_center in system.local. @default "datacenter1" */
  datacenter?: string;
  /** Seeds injected faults and schema UUIDs. @default 1 */
  seed?: number;
  /** Bytes queued for a connection before the node stops reading from it. @default 16777216 */
  maxQueuedBytes?: number;
  /** Called with unexpected exceptions (bugs), which clients see as server errors. */
  onInternalError?: (error: unknown) => void;
  /** Serve CQL over TLS with this certificate and key (no client certificates). @default undefined */
  tls?: CqlServerTls;
  /** The most distinct statement texts {@linkcode CqlServer.statements} keeps. @default 1000 */
  statementLogTexts?: number;
}

const NO_FAULTS: FaultOptions = {
  latencyUs: null,
  stall: null,
  errorRate: 0,
  errorKinds: ["overloaded"],
  dropRate: 0,
};

function injectedError(kind: InjectedErrorKind): CqlError {
  const one = CONSISTENCY_NAMES.indexOf("ONE");
  switch (kind) {
    case "overloaded":
      return new CqlError(
        ERROR_CODE.overloaded,
        "Server is in overloaded state. Cannot accept more requests at this point (injected)",
      );
    case "read_timeout":
      return new CqlError(
        ERROR_CODE.readTimeout,
        "Operation timed out - received only 0 responses. (injected)",
        { consistency: one, received: 0, required: 1, dataPresent: false },
      );
    case "write_timeout":
      return new CqlError(
        ERROR_CODE.writeTimeout,
        "Operation timed out - received only 0 responses. (injected)",
        { consistency: one, received: 0, required: 1, writeType: "SIMPLE" },
      );
    case "unavailable":
      return new CqlError(
        ERROR_CODE.unavailable,
        "Cannot achieve consistency level ONE (injected)",
        { consistency: one, required: 1, received: 0 },
      );
    default:
      return new CqlError(ERROR_CODE.serverError, "Injected server error");
  }
}

/** The Cassandra release the node answers as (system.local, peers). */
const RELEASE_VERSION = "5.0.6";
/** Cassandra 5.0's default num_tokens. */
const NUM_TOKENS = 16;

/** NUM_TOKENS random Murmur3 tokens, as a node makes them on its first start. */
function randomTokens(): string[] {
  const tokens = crypto.getRandomValues(new BigInt64Array(NUM_TOKENS));
  return [...new Set(tokens)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)).map(String);
}

class ClientConnection {
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

/**
 * An in-memory CQL node listening on TCP. Not a storage engine: no disk, no replication, one
 * node. It answers as a one-node Apache Cassandra 5.0 cluster does: a consistency level that
 * needs more replicas than one (`ALL` with replication factor 2) is Unavailable.
 *
 * @example Usage
 * ```ts ignore
 * import { CqlServer } from "./cql_server.ts";
 * const server = await CqlServer.start({ port: 0 });
 * console.log(`CQL node on ${server.hostname}:${server.port}`);
 * await server.close();
 * ```
 */
export class CqlServer {
  /** The engine (schema and rows). */
  readonly engine: CqlEngine;
  /** Whether it serves over TLS. */
  readonly tls: boolean;
  readonly #listener: Deno.Listener<Deno.Conn<Deno.NetAddr>, Deno.NetAddr>;
  readonly #clients = new Set<ClientConnection>();
  readonly #options: CqlServerOptions;
  readonly #prng: Prng;
  readonly #startMs: number;
  #faults: FaultOptions;
  #latency: Distribution | null = null;
  #accepting: Promise<void>;
  #connectionsAccepted = 0;
  #internalErrors = 0;
  #closing = false;

  private constructor(
    listener: Deno.Listener<Deno.Conn<Deno.NetAddr>, Deno.NetAddr>,
    options: CqlServerOptions,
  ) {
    this.#listener = listener;
    this.tls = options.tls !== undefined;
    this.#options = options;
    this.#prng = new Prng(options.seed ?? 1);
    this.#startMs = performance.now();
    this.#faults = { ...NO_FAULTS };
    this.setFaults(options.faults ?? {});
    const hostId = crypto.randomUUID();
    this.engine = new CqlEngine({
      node: {
        address: this.hostname,
        port: this.port,
        clusterName: options.clusterName ?? "Test Cluster",
        datacenter: options.datacenter ?? "datacenter1",
        rack: "rack1",
        releaseVersion: RELEASE_VERSION,
        hostId,
        tokens: randomTokens(),
        gossipGeneration: Math.floor(Date.now() / 1000),
      },
      clockMs: () => Date.now(),
      randomBytes: (n) => crypto.getRandomValues(new Uint8Array(n)),
      seed: BigInt(options.seed ?? 1),
      onSchemaChange: (change) => this.#broadcast(change),
      statementLogTexts: options.statementLogTexts,
    });
    this.#accepting = this.#accept();
  }

  /**
   * Starts a node.
   *
   * @param options Where to listen and what to inject.
   * @returns The running node.
   * @throws {Deno.errors.NotFound} When a TLS file is missing (other read errors likewise).
   * @throws {Error} When the address cannot be bound or the TLS material is not valid PEM.
   */
  static async start(options: CqlServerOptions = {}): Promise<CqlServer> {
    const hostname = options.hostname ?? "127.0.0.1";
    const port = options.port ?? 9042;
    const tls = options.tls;
    if (tls === undefined) {
      return new CqlServer(Deno.listen({ hostname, port, transport: "tcp" }), options);
    }
    const [cert, key] = "certFile" in tls
      ? await Promise.all([Deno.readTextFile(tls.certFile), Deno.readTextFile(tls.keyFile)])
      : [tls.cert, tls.key];
    return new CqlServer(Deno.listenTls({ hostname, port, cert, key }), options);
  }

  /** The bound address. */
  get hostname(): string {
    return this.#listener.addr.hostname;
  }

  /** The bound port. */
  get port(): number {
    return this.#listener.addr.port;
  }

  /** Open client connections. */
  get connectionCount(): number {
    return this.#clients.size;
  }

  /**
   * Bytes of answers queued for the clients and not yet written to their sockets (a client
   * that does not read holds at most about `maxQueuedBytes` of them).
   */
  get queuedBytes(): number {
    let bytes = 0;
    for (const client of this.#clients) bytes += client.queuedBytes;
    return bytes;
  }

  /** Connections accepted since start. */
  get connectionsAccepted(): number {
    return this.#connectionsAccepted;
  }

  /**
   * Counts of the statements received, by exact text (a snapshot): PREPAREs, EXECUTEs (by the
   * prepared text), QUERYs and the statements of BATCHes. The driver's own queries (system
   * tables) count too. Inline BATCH statements also count as prepared (the node prepares them).
   *
   * @returns Text -> counts, texts in first-seen order.
   */
  get statements(): ReadonlyMap<string, Readonly<StatementCounts>> {
    return this.engine.statementLog.statements;
  }

  /**
   * The statement counts as rows, one per text and request kind that occurred.
   *
   * @returns The rows, texts in first-seen order.
   */
  statementLog(): StatementLogEntry[] {
    return this.engine.statementLog.entries();
  }

  /** Requests whose statement text was not kept because `statementLogTexts` texts were seen. */
  get statementLogOverflow(): number {
    return this.engine.statementLog.overflowCount;
  }

  /** Sets every statement count to zero (e.g. between a test's setup and what it measures). */
  resetStatementLog(): void {
    this.engine.statementLog.reset();
  }

  /**
   * Describes a table of the node's current schema.
   *
   * @param keyspace The keyspace name.
   * @param table The table name.
   * @returns Columns, keys, the keyspace's replication and the table options as given, or
   *   `undefined` when there is no such table.
   */
  describeTable(keyspace: string, table: string): TableDescription | undefined {
    return this.engine.schema.describeTable(keyspace, table);
  }

  /** Unexpected exceptions (bugs) met while answering requests. */
  get internalErrors(): number {
    return this.#internalErrors;
  }

  /** The faults in force. */
  get faults(): FaultOptions {
    return { ...this.#faults };
  }

  /**
   * Changes the injected faults; fields not given keep their value.
   *
   * @param faults The faults.
   */
  setFaults(faults: Partial<FaultOptions>): void {
    const f = { ...this.#faults, ...faults };
    if (!(f.errorRate >= 0 && f.errorRate <= 1 && f.dropRate >= 0 && f.dropRate <= 1)) {
      throw new RangeError("Cannot set faults: rates must be between 0 and 1");
    }
    if (
      f.stall && !(f.stall.everyMs > 0 && f.stall.forMs >= 0 && f.stall.forMs < f.stall.everyMs)
    ) {
      throw new RangeError("Cannot set faults: a stall must be shorter than its period");
    }
    const latency = f.latencyUs ? createDistribution(f.latencyUs, this.#prng) : null;
    this.#faults = f;
    this.#latency = latency;
  }

  /** Drops every client connection (a fault for tests). */
  dropConnections(): void {
    for (const client of this.#clients) client.close();
  }

  /** Stops listening and closes every connection. */
  async close(): Promise<void> {
    this.#closing = true;
    try {
      this.#listener.close();
    } catch {
      // already closed
    }
    for (const client of this.#clients) client.close();
    await this.#accepting;
  }

  #broadcast(change: SchemaChange): void {
    for (const client of this.#clients) {
      if (client.protocol.wants("SCHEMA_CHANGE")) client.send(client.protocol.event(change));
    }
  }

  #delayMs(): number {
    let delay = 0;
    if (this.#latency) delay = Math.max(0, this.#latency.next()) / 1000;
    const stall = this.#faults.stall;
    if (stall) {
      const elapsed = performance.now() - this.#startMs;
      if (elapsed >= stall.everyMs) {
        const phase = elapsed % stall.everyMs;
        if (phase < stall.forMs) delay = Math.max(delay, stall.forMs - phase);
      }
    }
    return delay;
  }

  #injectError = (): CqlError | null => {
    const f = this.#faults;
    if (f.errorRate <= 0 || this.#prng.nextDouble() >= f.errorRate) return null;
    const kinds = f.errorKinds.length > 0 ? f.errorKinds : NO_FAULTS.errorKinds;
    return injectedError(
      kinds[Math.min(kinds.length - 1, Math.floor(this.#prng.nextDouble() * kinds.length))],
    );
  };

  async #accept(): Promise<void> {
    for (;;) {
      let conn: Deno.Conn<Deno.NetAddr>;
      try {
        conn = await this.#listener.accept();
      } catch {
        // A closed listener ends the loop; any other failure (a client that went away during
        // accept) must not stop the node.
        if (this.#closing) return;
        await new Promise((resolve) => setTimeout(resolve, 10)); // no busy loop on EMFILE
        continue;
      }
      this.#connectionsAccepted++;
      if ("setNoDelay" in conn) {
        try {
          (conn as Deno.TcpConn).setNoDelay(true);
        } catch {
          // already closed
        }
      }
      const client = new ClientConnection(
        conn,
        new CqlConnection(this.engine, {
          credentials: this.#options.credentials,
          maxBodyBytes: this.#options.maxFrameBytes ?? MAX_FRAME_BYTES_DEFAULT,
          injectError: this.#injectError,
          onInternalError: (error) => {
            this.#internalErrors++;
            this.#options.onInternalError?.(error);
          },
        }),
      );
      this.#clients.add(client);
      this.#serve(conn, client).finally(() => {
        client.close();
        this.#clients.delete(client);
      });
    }
  }

  async #serve(conn: Deno.Conn, client: ClientConnection): Promise<void> {
    const buffer = new Uint8Array(65536);
    const maxQueued = this.#options.maxQueuedBytes ?? 16 * 1024 * 1024;
    for (;;) {
      let n: number | null;
      try {
        n = await conn.read(buffer);
      } catch {
        return;
      }
      if (n === null || client.closed) return;
      if (this.#faults.dropRate > 0 && this.#prng.nextDouble() < this.#faults.dropRate) return;
      const result = client.protocol.receive(buffer.subarray(0, n));
      const immediate: Uint8Array[] = [];
      for (const frame of result.frames) {
        const delay = frame.isQuery ? this.#delayMs() : 0;
        if (delay > 0) client.later(delay, frame.bytes);
        else immediate.push(frame.bytes);
      }
      // One buffer per read, not one per response: a client that does not read then holds
      // at most about maxQueuedBytes of memory, not that much in small objects.
      if (immediate.length === 1) client.send(immediate[0]);
      else if (immediate.length > 1) client.send(concatBytes(immediate));
      if (result.close) {
        await client.closeAfterFlush();
        return;
      }
      await client.waitDrained(maxQueued);
    }
  }
}
