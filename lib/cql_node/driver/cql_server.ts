/**
 * The embedded CQL node's TCP server: accepts connections, feeds them to {@linkcode CqlConnection},
 * broadcasts schema events, and injects latency, stalls, errors and dropped connections.
 *
 * @module
 */

import { createDistribution, type Distribution } from "../../core/distribution.ts";
import { Prng } from "../../core/prng.ts";
import { CqlConnection } from "../protocol/cql_connection.ts";
import { concatBytes } from "../values/_value_bytes.ts";
import {
  CqlEngine,
  type SchemaChange,
  type StatementCounts,
  type StatementLogEntry,
} from "../engine/cql_engine.ts";
import type { CqlError } from "../protocol/cql_error.ts";
import { MAX_BODY_BYTES } from "../../protocol/protocol_codes.ts";
import type { TableDescription } from "../engine/schema.ts";
import { type NodeInfo, type PeerInfo, refreshSystemTables } from "../engine/system_tables.ts";
import { RequestTally, type TableRequests } from "../engine/request_tally.ts";
import type { CqlServerOptions, FaultOptions } from "../server/cql_server_options.ts";
import { injectedError, mergeFaults, NO_FAULTS } from "../server/_faults.ts";
import { hostIdOf } from "../server/_host_id.ts";
import { ClientConnection } from "./_client_connection.ts";

export type {
  CqlServerOptions,
  CqlServerTls,
  CqlServerTlsFiles,
  CqlServerTlsPem,
  FaultOptions,
  InjectedErrorKind,
} from "../server/cql_server_options.ts";
export type { PeerInfo } from "../engine/system_tables.ts";
export type { TableRequests } from "../engine/request_tally.ts";

/** The Cassandra release the node answers as (system.local, peers). */
const RELEASE_VERSION = "5.0.6";
/** Cassandra 5.0's default num_tokens. */
const NUM_TOKENS = 16;

/** NUM_TOKENS random Murmur3 tokens, as a node makes them on its first start. */
function randomTokens(): string[] {
  const tokens = crypto.getRandomValues(new BigInt64Array(NUM_TOKENS));
  return [...new Set(tokens)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)).map(String);
}

/**
 * An in-memory CQL node listening on TCP. Not a storage engine: no disk, no replication. It
 * answers as a one-node Apache Cassandra 5.0 cluster does: a consistency level that needs more
 * replicas than one (`ALL` with replication factor 2) is Unavailable. Several nodes can form a
 * ring (see `CqlRing`): each lists the others in system.peers and keeps its own rows.
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
  readonly #node: NodeInfo;
  readonly #tally: RequestTally;
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
    this.#node = {
      address: this.hostname,
      port: this.port,
      clusterName: options.clusterName ?? "Test Cluster",
      datacenter: options.datacenter ?? "datacenter1",
      rack: options.rack ?? "rack1",
      releaseVersion: RELEASE_VERSION,
      hostId: options.hostId ?? hostIdOf(this.hostname, this.port, options.seed ?? 1),
      tokens: options.tokens ? [...options.tokens] : randomTokens(),
      gossipGeneration: Math.floor(Date.now() / 1000),
    };
    this.#tally = new RequestTally({ keepWriteTokens: options.keepWriteTokens });
    this.engine = new CqlEngine({
      node: this.#node,
      tally: this.#tally,
      onDdl: options.onDdl,
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

  /**
   * What the node's peers list about it in system.peers: its address, port, data center, rack,
   * host id, release and tokens.
   *
   * @returns A copy.
   */
  peerInfo(): PeerInfo {
    const node = this.#node;
    return {
      address: node.address,
      port: node.port,
      datacenter: node.datacenter,
      rack: node.rack,
      releaseVersion: node.releaseVersion,
      hostId: node.hostId,
      tokens: [...node.tokens],
    };
  }

  /**
   * Sets the other nodes of the node's ring, listed in system.peers and system.peers_v2.
   *
   * @param peers The other nodes.
   */
  setPeers(peers: readonly PeerInfo[]): void {
    this.#node.peers = peers.map((peer) => ({ ...peer, tokens: [...peer.tokens] }));
    refreshSystemTables(this.engine.schema, this.#node);
  }

  /**
   * Runs a schema change or TRUNCATE that another node of the ring ran (`onDdl`).
   *
   * @param query The CQL text.
   * @param keyspace The keyspace of the session that ran it.
   * @throws {CqlError} When it fails here.
   */
  applyDdl(query: string, keyspace: string | undefined): void {
    this.engine.applyDdl(query, keyspace);
  }

  /**
   * The reads and writes the node ran per table (the driver's reads of system tables too), with
   * the tokens of the partitions written when `keepWriteTokens` is on.
   *
   * @returns One entry per table, in the order tables were first met.
   */
  requestCounts(): TableRequests[] {
    return this.#tally.tables();
  }

  /** Sets the counts of {@linkcode requestCounts} to zero and forgets the tokens. */
  resetRequestCounts(): void {
    this.#tally.reset();
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
    const f = mergeFaults(this.#faults, faults);
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
          maxBodyBytes: this.#options.maxFrameBytes ?? MAX_BODY_BYTES,
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
      // A full read means more is waiting, and the next read then ends at once, without a turn
      // of the event loop: a client that floods would have this loop to itself while its
      // socket holds data (megabytes), and the other clients' answers would wait for it.
      if (n === buffer.length) await yieldTurn();
    }
  }
}

/** Lets timers and the other connections' I/O run: a macrotask turn of the event loop. */
function yieldTurn(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}
