// Starts and ends a response frame in the connection's reused writer.
import type { FrameWriter } from "./frame_writer.ts";

/**
 * Resets `w` and writes a frame header (v1/v2: one-byte stream, v3+: two-byte stream) with a
 * zero body length, patched by {@linkcode finishFrame}.
 */
export function beginFrame(
  w: FrameWriter,
  version: number,
  stream: number,
  opcode: number,
  flags = 0,
): FrameWriter {
  w.reset();
  if (version <= 2) {
    w.writeByte(0x80 | version);
    w.writeByte(flags);
    w.writeByte(stream & 0xff);
  } else {
    w.writeByte(0x80 | version);
    w.writeByte(flags);
    w.writeShort(stream & 0xffff);
  }
  w.writeByte(opcode);
  w.writeInt(0);
  return w;
}

/** Sets the body length in the header and returns a copy of the frame. */
export function finishFrame(w: FrameWriter): Uint8Array {
  const headerBytes = (w.bytes()[0] & 0x7f) <= 2 ? 8 : 9;
  w.patchInt(headerBytes - 4, w.length - headerBytes);
  return w.copy();
}
