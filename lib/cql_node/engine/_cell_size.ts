// The data size Cassandra 5.0.6 counts for a written cell when it sizes a batch (see
// _batch_size.ts): 20 bytes a cell plus its value; a non-frozen collection 12 plus each element's
// cell (a list element's path is a 16-byte timeuuid, a map element's path its key).
import type { CqlType } from "../values/cql_type.ts";
import { splitCollection } from "./_bind.ts";

const CELL_BYTES = 20;
const LIST_PATH_BYTES = 16;

/** What a non-frozen collection column adds to its elements' cells. */
export const COMPLEX_BYTES = 12;

/** Whether a column of `type` is a non-frozen collection (one cell per element). */
export function isMultiCell(type: CqlType): boolean {
  return (type.kind === "list" || type.kind === "set" || type.kind === "map") && !type.frozen;
}

/**
 * The data size of one written cell of a column of type `type` holding `bytes` (`null`: a
 * tombstone).
 */
export function cellSize(type: CqlType, bytes: Uint8Array | null): number {
  if (!isMultiCell(type) || bytes === null) return CELL_BYTES + (bytes?.length ?? 0);
  const perItem = type.kind === "map" ? 2 : 1;
  const items = splitCollection(bytes, "collection", perItem);
  let size = COMPLEX_BYTES;
  for (let i = 0; i < items.length; i += perItem) {
    size += CELL_BYTES + (items[i]?.length ?? 0);
    if (type.kind === "list") size += LIST_PATH_BYTES;
    if (type.kind === "map") size += items[i + 1]?.length ?? 0;
  }
  return size;
}
