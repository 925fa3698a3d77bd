/**
 * Copies of generated values packed into shared buffers, so a partition's values cost views
 * rather than one buffer each. Private to lib/cql/profile_data.
 *
 * @module
 */

/** Hands out copies of byte strings as views on large buffers that are never overwritten. */
export class ByteArena {
  #buffer: Uint8Array;
  #at = 0;

  /** @param sizeBytes The size of each buffer the arena allocates (more when a value needs it). */
  constructor(readonly sizeBytes: number = 16384) {
    this.#buffer = new Uint8Array(sizeBytes);
  }

  /** A copy of `bytes[0..length)`: a view that later copies never touch. */
  copy(bytes: Uint8Array, length: number): Uint8Array {
    let at = this.#at;
    if (at + length > this.#buffer.length) {
      this.#buffer = new Uint8Array(Math.max(this.sizeBytes, length));
      at = 0;
    }
    const buffer = this.#buffer;
    if (length <= 64) {
      for (let i = 0; i < length; i++) buffer[at + i] = bytes[i];
    } else {
      buffer.set(bytes.subarray(0, length), at);
    }
    this.#at = at + length;
    return buffer.subarray(at, at + length);
  }
}
