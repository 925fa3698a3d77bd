// The serialized partition key of a row: its one component, or the components of a composite
// key as Cassandra's CompositeType writes them.

/** Serializes partition key components. */
export function encodePartitionKey(components: Uint8Array[]): Uint8Array {
  if (components.length === 1) return components[0];
  let size = 0;
  for (const c of components) size += 3 + c.length;
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of components) {
    out[at] = c.length >> 8;
    out[at + 1] = c.length & 0xff;
    out.set(c, at + 2);
    at += 3 + c.length;
  }
  return out;
}
