// Private helper: the order Java's HashMap iterates keys in, as the profile block prints them.

/** Java's `String.hashCode()`. */
function javaStringHash(text: string): number {
  let hash = 0;
  for (let i = 0; i < text.length; i++) hash = (Math.imul(31, hash) + text.charCodeAt(i)) | 0;
  return hash;
}

/**
 * The order a `java.util.HashMap<String, ...>` with default capacity iterates the keys put
 * in this order (duplicates keep their first place): by bucket, then by insertion. Buckets
 * that grow into trees (9+ colliding keys in a table of 64+) are not modelled.
 */
export function javaHashMapOrder(keys: readonly string[]): string[] {
  const unique = [...new Set(keys)];
  const spread = unique.map((key) => {
    const hash = javaStringHash(key);
    return hash ^ (hash >>> 16);
  });
  let capacity = 16;
  unique.forEach((_, size) => {
    const bucket = spread[size] & (capacity - 1);
    const before = spread.slice(0, size).filter((h) => (h & (capacity - 1)) === bucket).length;
    if (before >= 8 && capacity < 64) capacity *= 2;
    if (size + 1 > capacity * 0.75) capacity *= 2;
  });
  return unique
    .map((key, i) => ({ key, i, bucket: spread[i] & (capacity - 1) }))
    .sort((a, b) => a.bucket - b.bucket || a.i - b.i)
    .map((entry) => entry.key);
}
