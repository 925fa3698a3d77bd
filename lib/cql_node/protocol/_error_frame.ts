// Encodes an ERROR frame: code, message, and the details its code carries.
import type { CqlError } from "./cql_error.ts";
import type { FrameWriter } from "./frame_writer.ts";
import { ERROR_CODE, OPCODE } from "../../protocol/protocol_codes.ts";
import { beginFrame, finishFrame } from "./_frame_header.ts";

/** The ERROR frame answering stream `stream` with `error` (messages cut at 20000 chars). */
export function encodeError(
  w: FrameWriter,
  version: number,
  stream: number,
  error: CqlError,
): Uint8Array {
  beginFrame(w, version, stream, OPCODE.error);
  w.writeInt(error.code);
  w.writeString(error.message.length > 20000 ? error.message.slice(0, 20000) : error.message);
  const d = error.details;
  switch (error.code) {
    case ERROR_CODE.unavailable:
      w.writeShort(d.consistency ?? 1);
      w.writeInt(d.required ?? 1);
      w.writeInt(d.received ?? 0);
      break;
    case ERROR_CODE.writeTimeout:
      w.writeShort(d.consistency ?? 1);
      w.writeInt(d.received ?? 0);
      w.writeInt(d.required ?? 1);
      w.writeString(d.writeType ?? "SIMPLE");
      break;
    case ERROR_CODE.readTimeout:
      w.writeShort(d.consistency ?? 1);
      w.writeInt(d.received ?? 0);
      w.writeInt(d.required ?? 1);
      w.writeByte(d.dataPresent ? 1 : 0);
      break;
    case ERROR_CODE.alreadyExists:
      w.writeString(d.keyspace ?? "");
      w.writeString(d.table ?? "");
      break;
    case ERROR_CODE.unprepared:
      w.writeShortBytes(d.statementId ?? new Uint8Array(0));
      break;
  }
  return finishFrame(w);
}
