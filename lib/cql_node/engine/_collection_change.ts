// Applies `+`, `-` and prepend to the serialized value of a list, set or map cell.
import type { Assignment } from "../parse/cql_ast.ts";
import { CqlError } from "../protocol/cql_error.ts";
import { compareValues } from "../values/cql_value.ts";
import type { ColumnSchema } from "./schema.ts";
import { joinCollection, sameBytes, splitCollection } from "./_bind.ts";

/** The new value of collection column `col` after `op` with `value` on the `old` value. */
export function collectionChange(
  col: ColumnSchema,
  op: Assignment["op"],
  value: Uint8Array,
  old: Uint8Array | null,
): Uint8Array {
  const type = col.type;
  const perItem = type.kind === "map" ? 2 : 1;
  const oldItems = old === null ? [] : splitCollection(old, col.name, perItem);
  if (type.kind === "list") {
    const items = splitCollection(value, col.name);
    if (op === "add") return joinCollection([...oldItems, ...items]);
    if (op === "prepend") return joinCollection([...items, ...oldItems]);
    // subtract: remove every occurrence
    const kept = oldItems.filter((o) => !items.some((i) => sameBytes(i, o)));
    return joinCollection(kept);
  }
  if (type.kind === "set") {
    const items = splitCollection(value, col.name);
    let merged = op === "add"
      ? [...oldItems, ...items]
      : oldItems.filter((o) => !items.some((i) => sameBytes(i, o)));
    merged = merged.filter((v): v is Uint8Array => v !== null)
      .sort((a, b) => compareValues(type.element, a!, b!))
      .filter((v, i, all) => i === 0 || compareValues(type.element, all[i - 1]!, v!) !== 0);
    return joinCollection(merged);
  }
  if (type.kind === "map") {
    const pairs: [Uint8Array, Uint8Array | null][] = [];
    for (let i = 0; i < oldItems.length; i += 2) pairs.push([oldItems[i]!, oldItems[i + 1]]);
    if (op === "add") {
      const items = splitCollection(value, col.name, 2);
      for (let i = 0; i < items.length; i += 2) {
        const at = pairs.findIndex(([k]) => compareValues(type.key, k, items[i]!) === 0);
        if (at >= 0) pairs[at][1] = items[i + 1];
        else pairs.push([items[i]!, items[i + 1]]);
      }
    } else {
      const keys = splitCollection(value, col.name);
      for (const key of keys) {
        const at = pairs.findIndex(([k]) => key !== null && compareValues(type.key, k, key) === 0);
        if (at >= 0) pairs.splice(at, 1);
      }
    }
    pairs.sort(([a], [b]) => compareValues(type.key, a, b));
    return joinCollection(pairs.flat(), pairs.length);
  }
  throw CqlError.invalid(`Invalid operation on non-collection column ${col.name}`);
}

/** Whether serialized collection bytes hold no element. */
export function isEmptyCollection(bytes: Uint8Array): boolean {
  return bytes.length === 4 && bytes[0] === 0 && bytes[1] === 0 && bytes[2] === 0 && bytes[3] === 0;
}
