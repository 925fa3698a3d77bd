/**
 * Private helper of `slot_dispatcher.ts`: the ops waiting for their slots, earliest first.
 *
 * @module
 */

/** One waiting op: its slot, its arrival order and what releases it. */
export interface Waiter {
  readonly dueNs: number;
  readonly order: number;
  readonly release: () => void;
}

/** A min-heap of waiters by slot, then arrival. */
export class WaiterHeap {
  readonly #items: Waiter[] = [];

  get size(): number {
    return this.#items.length;
  }

  peek(): Waiter | undefined {
    return this.#items[0];
  }

  push(waiter: Waiter): void {
    const items = this.#items;
    let at = items.push(waiter) - 1;
    while (at > 0) {
      const parent = (at - 1) >> 1;
      if (!before(items[at], items[parent])) break;
      [items[at], items[parent]] = [items[parent], items[at]];
      at = parent;
    }
  }

  /**
   * The earliest slot later than `ns` (Infinity: none), when the heap's top two levels
   * tell it; null when they do not.
   */
  earliestAfter(ns: number): number | null {
    const items = this.#items;
    if (items.length === 0 || items[0].dueNs > ns) return items[0]?.dueNs ?? Infinity;
    let least = Infinity;
    for (const child of [items[1], items[2]]) {
      if (child === undefined) continue;
      if (child.dueNs <= ns) return null;
      least = Math.min(least, child.dueNs);
    }
    return least;
  }

  pop(): Waiter | undefined {
    const items = this.#items;
    const top = items[0];
    const last = items.pop();
    if (items.length === 0 || last === undefined) return top;
    items[0] = last;
    let at = 0;
    for (;;) {
      const left = 2 * at + 1;
      const right = left + 1;
      let least = at;
      if (left < items.length && before(items[left], items[least])) least = left;
      if (right < items.length && before(items[right], items[least])) least = right;
      if (least === at) break;
      [items[at], items[least]] = [items[least], items[at]];
      at = least;
    }
    return top;
  }
}

function before(a: Waiter, b: Waiter): boolean {
  return a.dueNs < b.dueNs || (a.dueNs === b.dueNs && a.order < b.order);
}
