/**
 * The FIFO queue of an `HttpPool`'s waiting requests: a ring buffer that doubles when full.
 *
 * @module
 */

/** A FIFO queue on a ring buffer of a power-of-two size, 64 at first. */
export class JobQueue<T> {
  #items: (T | undefined)[] = new Array(64);
  #mask = 63;
  #head = 0;
  #size = 0;

  /** The number of items queued. */
  get size(): number {
    return this.#size;
  }

  /** Adds an item at the end, doubling the buffer when it is full. */
  push(item: T): void {
    if (this.#size > this.#mask) {
      const bigger: (T | undefined)[] = new Array((this.#mask + 1) * 2);
      for (let i = 0; i < this.#size; i++) {
        bigger[i] = this.#items[(this.#head + i) & this.#mask];
      }
      this.#items = bigger;
      this.#mask = bigger.length - 1;
      this.#head = 0;
    }
    this.#items[(this.#head + this.#size) & this.#mask] = item;
    this.#size++;
  }

  /** Removes and returns the first item; the queue must not be empty. */
  shift(): T {
    const item = this.#items[this.#head]!;
    this.#items[this.#head] = undefined;
    this.#head = (this.#head + 1) & this.#mask;
    this.#size--;
    return item;
  }
}
