// Serialized key bytes as the one-char-per-byte strings the table stores key their Maps by.

/**
 * Turns serialized key bytes into the string used as a Map key (one char per byte).
 *
 * @param bytes The bytes.
 * @returns The key.
 */
export function keyOf(bytes: Uint8Array): string {
  if (bytes.length <= 64) {
    let text = "";
    for (let i = 0; i < bytes.length; i++) text += String.fromCharCode(bytes[i]);
    return text;
  }
  let text = "";
  for (let i = 0; i < bytes.length; i += 8192) {
    text += String.fromCharCode(...bytes.subarray(i, i + 8192));
  }
  return text;
}

/**
 * The inverse of {@linkcode keyOf}.
 *
 * @param key The key.
 * @returns The bytes.
 */
export function bytesOfKey(key: string): Uint8Array {
  const bytes = new Uint8Array(key.length);
  for (let i = 0; i < key.length; i++) bytes[i] = key.charCodeAt(i);
  return bytes;
}
