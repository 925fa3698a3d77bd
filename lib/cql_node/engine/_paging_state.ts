// The paging state of a SELECT as this node writes it: how many rows were sent (for LIMIT) and the
// last row sent, after which the next page resumes. Cassandra resumes strictly after the last
// returned key (partition key, then clustering), so a row that exists throughout a paged query
// comes exactly once whatever is written or deleted between its pages.
import { CqlError } from "../protocol/cql_error.ts";

/** Where the next page starts: strictly after this row. */
export interface PagePosition {
  /** The serialized partition key of the last row sent. */
  key: Uint8Array;
  /**
   * Its clustering key: empty for a table without clustering columns, `null` for the static row
   * of a partition without rows.
   */
  clustering: Uint8Array[] | null;
  /** How many rows of that partition were sent (for PER PARTITION LIMIT and DISTINCT). */
  inPartition: number;
}

/** What a paging state says. */
export interface PagingState {
  /** Rows sent by the pages before. */
  sent: number;
  /** The last row sent, `null` before the first page. */
  position: PagePosition | null;
}

const MAGIC = 0x53545232; // "STR2"
const STATIC_ROW = 0xffff;

function invalid(): CqlError {
  return CqlError.protocol("Invalid value for the paging state");
}

/**
 * Reads a paging state this node wrote.
 *
 * @param bytes The paging state the client sent back, or `null` for the first page.
 * @returns What it says.
 * @throws {CqlError} A protocol error for bytes this node did not write.
 */
export function readPagingState(bytes: Uint8Array | null): PagingState {
  if (bytes === null) return { sent: 0, position: null };
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  if (bytes.length < 8 || view.getUint32(0) !== MAGIC) throw invalid();
  const sent = view.getUint32(4);
  if (bytes.length === 8) return { sent, position: null };
  if (bytes.length < 18) throw invalid();
  const inPartition = view.getUint32(8);
  const keyLength = view.getUint32(12);
  let at = 16 + keyLength;
  if (at + 2 > bytes.length) throw invalid();
  const key = bytes.slice(16, at);
  const count = view.getUint16(at);
  at += 2;
  let clustering: Uint8Array[] | null = null;
  if (count !== STATIC_ROW) {
    clustering = [];
    for (let i = 0; i < count; i++) {
      if (at + 4 > bytes.length) throw invalid();
      const length = view.getUint32(at);
      at += 4;
      if (at + length > bytes.length) throw invalid();
      clustering.push(bytes.slice(at, at + length));
      at += length;
    }
  }
  if (at !== bytes.length) throw invalid();
  return { sent, position: { key, clustering, inPartition } };
}

/**
 * Writes the paging state of the page after `sent` rows, the last of which is at `position`.
 *
 * @param sent Rows sent so far, this page's included.
 * @param position The last row sent.
 * @returns The paging state.
 */
export function writePagingState(sent: number, position: PagePosition): Uint8Array {
  const { key, clustering } = position;
  let size = 18 + key.length;
  if (clustering !== null) { for (const value of clustering) size += 4 + value.length; }
  const bytes = new Uint8Array(size);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, MAGIC);
  view.setUint32(4, sent);
  view.setUint32(8, position.inPartition);
  view.setUint32(12, key.length);
  bytes.set(key, 16);
  let at = 16 + key.length;
  view.setUint16(at, clustering === null ? STATIC_ROW : clustering.length);
  at += 2;
  if (clustering !== null) {
    for (const value of clustering) {
      view.setUint32(at, value.length);
      bytes.set(value, at + 4);
      at += 4 + value.length;
    }
  }
  return bytes;
}
