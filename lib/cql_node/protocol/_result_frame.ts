// Encodes RESULT frames (void, rows, set keyspace, schema change, prepared) and schema change
// bodies (also sent as EVENTs).
import type { ExecResult, PreparedStatement, SchemaChange } from "../engine/prepared_statement.ts";
import type { ColumnSpec } from "../engine/_select_plan.ts";
import { encodeTypeOption } from "../values/cql_type.ts";
import type { FrameWriter } from "./frame_writer.ts";
import { FRAME_FLAG, OPCODE, RESULT_KIND } from "../../protocol/protocol_codes.ts";
import { beginFrame, finishFrame } from "./_frame_header.ts";

/** The RESULT frame of an executed statement (warnings first, from v4). */
export function encodeResult(
  w: FrameWriter,
  version: number,
  stream: number,
  result: ExecResult,
  skipMetadata: boolean,
): Uint8Array {
  const warnings =
    (result.kind === "schemaChange" || result.kind === "void" || result.kind === "rows") &&
      version >= 4
      ? result.warnings ?? []
      : [];
  beginFrame(w, version, stream, OPCODE.result, warnings.length > 0 ? FRAME_FLAG.warning : 0);
  if (warnings.length > 0) {
    w.writeShort(warnings.length);
    for (const warning of warnings) w.writeString(warning);
  }
  switch (result.kind) {
    case "void":
      w.writeInt(RESULT_KIND.void);
      break;
    case "setKeyspace":
      w.writeInt(RESULT_KIND.setKeyspace);
      w.writeString(result.keyspace);
      break;
    case "schemaChange":
      w.writeInt(RESULT_KIND.schemaChange);
      writeSchemaChange(w, result);
      break;
    case "rows":
      w.writeInt(RESULT_KIND.rows);
      writeMetadata(w, result.columns, result.pagingState, skipMetadata);
      w.writeInt(result.rows.length);
      for (const row of result.rows) for (const cell of row) w.writeBytes(cell);
      break;
  }
  return finishFrame(w);
}

/** The PREPARED result: id, bind marker metadata (with pk indexes in v4+), result metadata. */
export function encodePrepared(
  w: FrameWriter,
  version: number,
  stream: number,
  statement: PreparedStatement,
): Uint8Array {
  beginFrame(w, version, stream, OPCODE.result);
  w.writeInt(RESULT_KIND.prepared);
  w.writeShortBytes(statement.id);
  const binds = statement.binds;
  const global = binds.length > 0 &&
    binds.every((b) => b.keyspace === binds[0].keyspace && b.table === binds[0].table);
  w.writeInt(global ? 1 : 0);
  w.writeInt(binds.length);
  if (version >= 4) {
    w.writeInt(statement.pkIndexes.length);
    for (const index of statement.pkIndexes) w.writeShort(index);
  }
  if (global) {
    w.writeString(binds[0].keyspace);
    w.writeString(binds[0].table);
  }
  for (const spec of binds) {
    if (!global) {
      w.writeString(spec.keyspace);
      w.writeString(spec.table);
    }
    w.writeString(spec.name);
    w.writeRaw(encodeTypeOption(spec.type));
  }
  if (statement.resultColumns) writeMetadata(w, statement.resultColumns, null, false);
  else {
    w.writeInt(0x0004);
    w.writeInt(0);
  }
  return finishFrame(w);
}

/** Rows metadata: flags, column count, paging state, then the column specs unless skipped. */
function writeMetadata(
  w: FrameWriter,
  columns: ColumnSpec[],
  pagingState: Uint8Array | null,
  skipMetadata: boolean,
): void {
  const global = columns.length > 0 &&
    columns.every((c) => c.keyspace === columns[0].keyspace && c.table === columns[0].table);
  let flags = 0;
  if (skipMetadata) flags |= 0x0004;
  else if (global) flags |= 0x0001;
  if (pagingState !== null) flags |= 0x0002;
  w.writeInt(flags);
  w.writeInt(columns.length);
  if (pagingState !== null) w.writeBytes(pagingState);
  if (skipMetadata) return;
  if (global) {
    w.writeString(columns[0].keyspace);
    w.writeString(columns[0].table);
  }
  for (const c of columns) {
    if (!global) {
      w.writeString(c.keyspace);
      w.writeString(c.table);
    }
    w.writeString(c.name);
    w.writeRaw(encodeTypeOption(c.type));
  }
}

/** A schema change: what happened, to what, in which keyspace (and table). */
export function writeSchemaChange(w: FrameWriter, change: SchemaChange): void {
  w.writeString(change.change);
  w.writeString(change.target);
  w.writeString(change.keyspace);
  if (change.target === "TABLE") w.writeString(change.table ?? "");
}
