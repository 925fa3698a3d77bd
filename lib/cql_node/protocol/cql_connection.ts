/**
 * One client connection of the embedded node: decodes request frames, runs them on the engine
 * and encodes response frames. Pure (no sockets): the server feeds bytes in and writes bytes out.
 *
 * @module
 */

import type { CqlEngine } from "../engine/cql_engine.ts";
import type { PreparedStatement, SchemaChange, Session } from "../engine/prepared_statement.ts";
import { CqlError } from "./cql_error.ts";
import { FrameDecodeError, FrameReader } from "./frame_reader.ts";
import { type Frame, FrameSplitter } from "./frame_splitter.ts";
import { FrameWriter } from "./frame_writer.ts";
import { COMPRESSIONS, decompressBody, DecompressionError } from "./_frame_compression.ts";
import { ERROR_CODE, FRAME_FLAG, OPCODE } from "../../protocol/protocol_codes.ts";
import { beginFrame, finishFrame } from "./_frame_header.ts";
import { encodeError } from "./_error_frame.ts";
import { encodePrepared, encodeResult, writeSchemaChange } from "./_result_frame.ts";
import { checkCount, readBatchLevels, readParams } from "./_request_params.ts";

/** A response frame ready to send. */
export interface OutgoingFrame {
  /** The encoded frame. */
  bytes: Uint8Array;
  /** Whether it answers a QUERY, EXECUTE, BATCH or PREPARE (subject to injected latency). */
  isQuery: boolean;
}

/** What the connection wants done after a chunk of input. */
export interface ReceiveResult {
  /** Responses in request order. */
  frames: OutgoingFrame[];
  /** Close the connection after sending them. */
  close: boolean;
}

/** Settings shared by every connection of a node. */
export interface ConnectionOptions {
  /** Require PasswordAuthenticator with these credentials. */
  credentials?: { user: string; password: string };
  /** The largest frame body accepted. */
  maxBodyBytes: number;
  /**
   * Called before each BATCH, and each QUERY or EXECUTE of a workload's statement (not a
   * client's set-up: USE, schema changes, TRUNCATE, reads of the system keyspaces); returning an
   * error answers with it instead of running the request (fault injection).
   */
  injectError?: (opcode: number) => CqlError | null;
  /** Called with any unexpected exception (a bug), answered as a server error. */
  onInternalError?: (error: unknown) => void;
}

const AUTHENTICATOR = "org.apache.cassandra.auth.PasswordAuthenticator";
const SUPPORTED_VERSIONS = "3/v3, 4/v4";
/** The CQL version of Cassandra 5.0, as SUPPORTED and system.local give it. */
const CQL_VERSION = "3.4.7";
type State = "new" | "authenticating" | "ready";

/**
 * The protocol state machine of one connection.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { CqlConnection } from "./cql_connection.ts";
 * import { CqlEngine } from "../engine/cql_engine.ts";
 * const engine = new CqlEngine({
 *   node: {
 *     address: "127.0.0.1", port: 9042, clusterName: "Test", datacenter: "datacenter1",
 *     rack: "rack1", releaseVersion: "4.0.11", hostId: "8d3ec2b4-0f2c-4a43-9d35-4c5e3b9f1a22",
 *     tokens: ["0"],
 *   },
 *   clockMs: () => 0,
 *   randomBytes: (n) => new Uint8Array(n),
 * });
 * const connection = new CqlConnection(engine, { maxBodyBytes: 1 << 20 });
 * // OPTIONS on stream 1, protocol v4
 * const result = connection.receive(new Uint8Array([4, 0, 0, 1, 5, 0, 0, 0, 0]));
 * assert.equal(result.frames.length, 1);
 * assert.equal(result.frames[0].bytes[4], 0x06); // SUPPORTED
 * ```
 */
export class CqlConnection {
  readonly #engine: CqlEngine;
  readonly #options: ConnectionOptions;
  readonly #splitter: FrameSplitter;
  readonly #writer = new FrameWriter(1 << 16);
  readonly #session: Session = {};
  #state: State = "new";
  #version = 4;
  #events = new Set<string>();
  #closed = false;
  /** The compression STARTUP agreed on (requests may be compressed; answers are not). */
  #compression: string | null = null;

  /**
   * @param engine The node's engine.
   * @param options Settings.
   */
  constructor(engine: CqlEngine, options: ConnectionOptions) {
    this.#engine = engine;
    this.#options = options;
    this.#splitter = new FrameSplitter({ maxBodyBytes: options.maxBodyBytes });
  }

  /** Bytes received and not yet part of a complete frame. */
  get buffered(): number {
    return this.#splitter.buffered;
  }

  /** The session's current keyspace. */
  get keyspace(): string | undefined {
    return this.#session.keyspace;
  }

  /**
   * Whether the client registered for an event type.
   *
   * @param type `SCHEMA_CHANGE`, `TOPOLOGY_CHANGE` or `STATUS_CHANGE`.
   * @returns Whether events of the type go to this connection.
   */
  wants(type: string): boolean {
    return this.#events.has(type);
  }

  /**
   * Feeds received bytes and answers every complete request.
   *
   * @param chunk The bytes.
   * @returns The responses, and whether to close.
   */
  receive(chunk: Uint8Array): ReceiveResult {
    const frames: OutgoingFrame[] = [];
    if (this.#closed) return { frames, close: true };
    this.#splitter.push(chunk);
    for (;;) {
      const next = this.#splitter.next();
      if (next.kind === "incomplete") break;
      if (next.kind === "frame") {
        frames.push(this.#handle(next.frame));
        if (this.#closed) break;
        continue;
      }
      if (next.kind === "tooLarge") {
        frames.push(this.#error(
          next.version,
          next.stream,
          CqlError.protocol(
            `Request is too big: length ${next.length} exceeds maximum allowed length ${this.#options.maxBodyBytes}.`,
          ),
        ));
      } else {
        const message = next.isResponse
          ? "Invalid frame: a response frame was sent to the server"
          : `Invalid or unsupported protocol version (${next.version}); supported versions are (${SUPPORTED_VERSIONS})`;
        const version = next.version >= 1 && next.version <= 2 ? next.version : 4;
        // Cassandra fails on the version before it reads the stream id, so it answers on stream
        // 0; gocql (apache/cassandra-gocql-driver v2) steps down a version only on that answer.
        const stream = next.isResponse ? next.stream : 0;
        frames.push(this.#error(version, stream, CqlError.protocol(message)));
      }
      this.#closed = true;
      break;
    }
    return { frames, close: this.#closed };
  }

  /**
   * Encodes a schema change EVENT for this connection.
   *
   * @param change The change.
   * @returns The frame.
   */
  event(change: SchemaChange): Uint8Array {
    const w = beginFrame(this.#writer, this.#version, -1, OPCODE.event);
    w.writeString("SCHEMA_CHANGE");
    writeSchemaChange(w, change);
    return finishFrame(w);
  }

  #error(version: number, stream: number, error: CqlError): OutgoingFrame {
    return { bytes: encodeError(this.#writer, version, stream, error), isQuery: false };
  }

  #handle(frame: Frame): OutgoingFrame {
    const { version, stream, opcode } = frame;
    try {
      const reader = new FrameReader(this.#body(frame));
      if (frame.flags & FRAME_FLAG.customPayload) {
        const n = reader.readShort();
        for (let i = 0; i < n; i++) {
          reader.readString();
          reader.readBytes();
        }
      }
      const isQuery = opcode === OPCODE.query || opcode === OPCODE.execute ||
        opcode === OPCODE.batch || opcode === OPCODE.prepare;
      if (opcode === OPCODE.options) return this.#supported(version, stream);
      if (opcode === OPCODE.startup) return this.#startup(version, stream, reader);
      if (opcode === OPCODE.authResponse) return this.#authResponse(version, stream, reader);
      if (this.#state !== "ready") {
        const expected = this.#state === "new" ? "STARTUP or OPTIONS" : "AUTH_RESPONSE";
        throw CqlError.protocol(`Unexpected message ${opcodeName(opcode)}, expecting ${expected}`);
      }
      if (opcode === OPCODE.register) return this.#register(version, stream, reader);
      if (!isQuery) throw CqlError.protocol(`Unknown or unexpected opcode ${opcode}`);
      // QUERY and EXECUTE decide on their statement: a client's set-up is spared (see #inject).
      if (opcode === OPCODE.batch) {
        const injected = this.#options.injectError?.(opcode);
        if (injected) return { ...this.#error(version, stream, injected), isQuery: true };
      }
      const bytes = opcode === OPCODE.query
        ? this.#query(version, stream, reader)
        : opcode === OPCODE.prepare
        ? this.#prepare(version, stream, reader)
        : opcode === OPCODE.execute
        ? this.#execute(version, stream, reader)
        : this.#batch(version, stream, reader);
      return { bytes, isQuery: true };
    } catch (error) {
      if (error instanceof CqlError) {
        if (error.code === ERROR_CODE.protocolError && this.#state !== "ready") this.#closed = true;
        return this.#error(version, stream, error);
      }
      if (error instanceof FrameDecodeError) {
        return this.#error(version, stream, CqlError.protocol(error.message));
      }
      const message = error instanceof Error ? error.message : String(error);
      this.#options.onInternalError?.(error);
      return this.#error(version, stream, new CqlError(ERROR_CODE.serverError, message));
    }
  }

  /** The frame's body, decompressed when its compression flag says so. */
  #body(frame: Frame): Uint8Array {
    if (!(frame.flags & FRAME_FLAG.compression)) return frame.body;
    if (this.#compression === null) {
      throw CqlError.protocol("Compressed frame received but no compression was negotiated");
    }
    try {
      return decompressBody(this.#compression, frame.body, this.#options.maxBodyBytes);
    } catch (error) {
      if (!(error instanceof DecompressionError)) throw error;
      throw CqlError.protocol(`Cannot decompress a ${this.#compression} frame: ${error.message}`);
    }
  }

  #supported(version: number, stream: number): OutgoingFrame {
    const w = beginFrame(this.#writer, version, stream, OPCODE.supported);
    w.writeStringMultimap({
      CQL_VERSION: [CQL_VERSION],
      COMPRESSION: [...COMPRESSIONS],
      PROTOCOL_VERSIONS: ["3/v3", "4/v4"],
    });
    return { bytes: finishFrame(w), isQuery: false };
  }

  #startup(version: number, stream: number, reader: FrameReader): OutgoingFrame {
    if (this.#state !== "new") {
      throw CqlError.protocol("Unexpected message STARTUP, the connection is already started");
    }
    const options = reader.readStringMap();
    if (!options.has("CQL_VERSION")) {
      throw CqlError.protocol("Missing value CQL_VERSION in STARTUP message");
    }
    const compression = options.get("COMPRESSION")?.toLowerCase();
    if (compression !== undefined && compression !== "") {
      if (!COMPRESSIONS.includes(compression)) {
        throw CqlError.protocol(`Unknown compression algorithm: ${options.get("COMPRESSION")}`);
      }
      this.#compression = compression;
    }
    this.#version = version;
    if (this.#options.credentials) {
      this.#state = "authenticating";
      const w = beginFrame(this.#writer, version, stream, OPCODE.authenticate);
      w.writeString(AUTHENTICATOR);
      return { bytes: finishFrame(w), isQuery: false };
    }
    this.#state = "ready";
    return {
      bytes: finishFrame(beginFrame(this.#writer, version, stream, OPCODE.ready)),
      isQuery: false,
    };
  }

  #authResponse(version: number, stream: number, reader: FrameReader): OutgoingFrame {
    if (this.#state !== "authenticating") {
      throw CqlError.protocol("Unexpected message AUTH_RESPONSE, no authentication in progress");
    }
    const token = reader.readBytes() ?? new Uint8Array(0);
    const parts = new TextDecoder().decode(token).split("\u0000");
    const user = parts.length >= 3 ? parts[parts.length - 2] : "";
    const password = parts.length >= 3 ? parts[parts.length - 1] : "";
    const expected = this.#options.credentials!;
    if (parts.length < 3 || user !== expected.user || password !== expected.password) {
      this.#state = "new";
      throw new CqlError(
        ERROR_CODE.badCredentials,
        parts.length < 3
          ? "Authentication failed: malformed SASL PLAIN token"
          : `Provided username ${user} and/or password are incorrect`,
      );
    }
    this.#state = "ready";
    const w = beginFrame(this.#writer, version, stream, OPCODE.authSuccess);
    w.writeBytes(null);
    return { bytes: finishFrame(w), isQuery: false };
  }

  #register(version: number, stream: number, reader: FrameReader): OutgoingFrame {
    const n = reader.readShort();
    for (let i = 0; i < n; i++) {
      const type = reader.readString();
      if (!["SCHEMA_CHANGE", "TOPOLOGY_CHANGE", "STATUS_CHANGE"].includes(type)) {
        throw CqlError.protocol(`Invalid value '${type}' for Event.Type`);
      }
      this.#events.add(type);
    }
    return {
      bytes: finishFrame(beginFrame(this.#writer, version, stream, OPCODE.ready)),
      isQuery: false,
    };
  }

  #query(version: number, stream: number, reader: FrameReader): Uint8Array {
    const query = reader.readLongString();
    const statement = this.#engine.unprepared(query, this.#session);
    this.#inject(statement, OPCODE.query);
    const params = readParams(reader, version, statement);
    if (!params.named) checkCount(statement, params.values.length, OPCODE.query);
    const result = statement.run(params, this.#session);
    return encodeResult(this.#writer, version, stream, result, false);
  }

  /**
   * Throws the injected error of a workload's request, if fault injection picks it. What a
   * client sends to set itself up is never picked, and draws nothing from the faults' random
   * sequence: USE, schema changes and TRUNCATE (cassandra-stress's schema, a profile's tables,
   * `truncate=`), and the reads of the system keyspaces drivers make while they connect (those
   * of keyspaces this node does not have, such as `system_virtual_schema`, which the Python
   * driver expects an Invalid error from, fail before this).
   */
  #inject(statement: PreparedStatement, opcode: number): void {
    if (!statement.workload) return;
    const injected = this.#options.injectError?.(opcode);
    if (injected) throw injected;
  }

  #prepare(version: number, stream: number, reader: FrameReader): Uint8Array {
    const query = reader.readLongString();
    const statement = this.#engine.prepare(query, this.#session);
    return encodePrepared(this.#writer, version, stream, statement);
  }

  #execute(version: number, stream: number, reader: FrameReader): Uint8Array {
    const id = reader.readShortBytes();
    const statement = this.#engine.preparedById(id);
    if (!statement) {
      throw new CqlError(
        ERROR_CODE.unprepared,
        `Prepared query with ID ${
          hexOf(id)
        } not found (either the query was not prepared on this host (maybe the host has been restarted?) or you have prepared too many queries and it has been evicted from the internal cache)`,
        { statementId: id.slice() },
      );
    }
    this.#inject(statement, OPCODE.execute);
    const params = readParams(reader, version, statement);
    if (!params.named) checkCount(statement, params.values.length, OPCODE.execute);
    const result = statement.run(params, this.#session);
    // Only statements whose PREPARED answer described the columns may skip them.
    const skip = params.skipMetadata && statement.resultColumns !== null;
    return encodeResult(this.#writer, version, stream, result, skip);
  }

  #batch(version: number, stream: number, reader: FrameReader): Uint8Array {
    const typeCode = reader.readByte();
    const type = typeCode === 0
      ? "logged"
      : typeCode === 1
      ? "unlogged"
      : typeCode === 2
      ? "counter"
      : null;
    if (type === null) throw CqlError.protocol(`Invalid BATCH message type ${typeCode}`);
    const n = reader.readShort();
    const items: { statement: PreparedStatement; values: (Uint8Array | null | undefined)[] }[] = [];
    for (let i = 0; i < n; i++) {
      const kind = reader.readByte();
      let statement: PreparedStatement | undefined;
      if (kind === 0) statement = this.#engine.inline(reader.readLongString(), this.#session);
      else if (kind === 1) {
        const id = reader.readShortBytes();
        statement = this.#engine.preparedById(id);
        if (!statement) {
          throw new CqlError(
            ERROR_CODE.unprepared,
            `Prepared query with ID ${hexOf(id)} not found`,
            { statementId: id.slice() },
          );
        }
      } else {throw CqlError.protocol(
          `Invalid query kind in BATCH messages. Must be 0 or 1 but got ${kind}`,
        );}
      const count = reader.readShort();
      const values: (Uint8Array | null | undefined)[] = [];
      for (let v = 0; v < count; v++) {
        values.push(version >= 4 ? reader.readValue() : reader.readBytes());
      }
      checkCount(statement, values.length, OPCODE.batch);
      items.push({ statement, values });
    }
    const levels = readBatchLevels(reader, version);
    const result = this.#engine.batch(type, items, this.#session, levels);
    return encodeResult(this.#writer, version, stream, result, false);
  }
}

function hexOf(bytes: Uint8Array): string {
  let s = "0x";
  for (const b of bytes) s += b.toString(16).padStart(2, "0");
  return s;
}

function opcodeName(opcode: number): string {
  const entry = Object.entries(OPCODE).find(([, value]) => value === opcode);
  return entry
    ? entry[0].replace(/[A-Z]/g, (c) => "_" + c).toUpperCase()
    : `0x${opcode.toString(16)}`;
}
