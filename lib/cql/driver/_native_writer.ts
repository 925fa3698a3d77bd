/**
 * Private helper of {@linkcode NativeConnection}: the output side. Requests are encoded into
 * {@linkcode FrameWriter.out}; the frames of one turn (and of every turn a write was in
 * progress) go out in one write, as they are before v5, or wrapped into v5 segments. Two
 * buffers, allocated once, take turns: one fills while the other is written. With LZ4
 * compression, once STARTUP is answered, frame bodies (v3/v4) or segments (v5) are compressed.
 *
 * @module
 */

import { FrameBuffer } from "../native/frame_buffer.ts";
import { Lz4Compressor } from "../native/lz4_compressor.ts";
import { writeLz4Frames } from "../native/lz4_frames.ts";
import type { ResponseSplitter } from "../native/response_splitter.ts";
import { writeSegments } from "../native/segment_writer.ts";

/** The largest buffer kept between writes. */
const KEPT_BYTES = 4 * 1024 * 1024;

/**
 * Coalesces frames into writes on a connection.
 *
 * @example Usage
 * ```ts ignore
 * const writer = new FrameWriter(conn, (error) => console.error(error));
 * writeOptions(writer.out, 4, 0);
 * writer.schedule();
 * ```
 */
export class FrameWriter {
  /** Where requests are encoded (replaced as buffers take turns: do not keep it). */
  out: FrameBuffer = new FrameBuffer();
  /** Wrap frames into v5 segments (once the v5 handshake is over). */
  segments = false;
  /** Compresses bodies or segments (once STARTUP asked for lz4 and was answered), or null. */
  compressor: Lz4Compressor | null = null;
  readonly #conn: Deno.Conn;
  readonly #onError: (error: unknown) => void;
  readonly #compression: "none" | "lz4";
  #wire = new FrameBuffer();
  #writing = false;
  #scheduled = false;
  #stopped = false;
  #pending: Promise<void> = Promise.resolve();

  /**
   * Creates the writer.
   *
   * @param conn The connection written to.
   * @param onError Called once a write fails.
   * @param compression What STARTUP asks for: compression starts with
   *   {@linkcode FrameWriter.startFraming}.
   */
  constructor(
    conn: Deno.Conn,
    onError: (error: unknown) => void,
    compression: "none" | "lz4" = "none",
  ) {
    this.#conn = conn;
    this.#onError = onError;
    this.#compression = compression;
  }

  /**
   * After READY or AUTHENTICATE answered STARTUP: v5 segments both ways (v5), and compression
   * of what is sent from now on (when STARTUP asked for it).
   *
   * @param splitter The connection's input side.
   * @param version The protocol version agreed on.
   */
  startFraming(splitter: ResponseSplitter, version: number): void {
    if (version >= 5) {
      splitter.useSegments();
      this.segments = true;
    }
    if (this.#compression === "lz4") this.compressor = new Lz4Compressor();
  }

  /** Writes what {@linkcode FrameWriter.out} holds at the end of this turn (or after the write in progress). */
  schedule(): void {
    if (this.#scheduled || this.#writing) return;
    this.#scheduled = true;
    queueMicrotask(this.#flushTask);
  }

  /** Writes nothing more. */
  stop(): void {
    this.#stopped = true;
  }

  /** Settles when the write in progress (if any) has ended (it never rejects). */
  get idle(): Promise<void> {
    return this.#pending;
  }

  #flushTask = (): void => {
    this.#scheduled = false;
    this.#flush();
  };

  #flush(): void {
    if (this.#writing || this.#stopped || this.out.length === 0) return;
    let wire = this.#wire;
    wire.reset();
    const out = this.out;
    const compressor = this.compressor;
    if (this.segments) {
      writeSegments(wire, out.bytes, { ends: out.frameEnds, count: out.frameCount, compressor });
      out.reset();
    } else if (compressor !== null) {
      writeLz4Frames(wire, out.bytes, { ends: out.frameEnds, count: out.frameCount, compressor });
      out.reset();
    } else {
      this.#wire = this.out;
      this.out = wire;
      wire = this.#wire;
    }
    this.#writing = true;
    this.#pending = this.#writeAll(wire.bytes, wire.length).then(this.#afterWrite, this.#onError);
  }

  async #writeAll(bytes: Uint8Array, length: number): Promise<void> {
    let offset = 0;
    while (offset < length) offset += await this.#conn.write(bytes.subarray(offset, length));
  }

  #afterWrite = (): void => {
    this.#writing = false;
    // A buffer that grew for a huge request is not kept.
    if (this.#wire.bytes.length > KEPT_BYTES) this.#wire = new FrameBuffer();
    this.#flush();
  };
}
