// Private helper of the CQL targets: the consistency level of a name, and the queue that holds an
// op while every connection already has `-mode maxPending=` requests in flight.
import cassandra from "cassandra-driver";

/** Whether the driver refused an op only because every connection had `maxPending` in flight. */
function isBusy(error: unknown): boolean {
  const inner = (error as { innerErrors?: Record<string, unknown> } | null)?.innerErrors;
  if ((error as Error | null)?.name !== "NoHostAvailableError" || inner === undefined) return false;
  const causes = Object.values(inner);
  return causes.length > 0 &&
    causes.every((cause) => (cause as Error | null)?.name === "BusyConnectionError");
}

/** The driver's code of a consistency level name (`LOCAL_ONE`). */
export function consistencyOf(name: string): number {
  const camel = name.toLowerCase().replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
  const value = (cassandra.types.consistencies as unknown as Record<string, number>)[camel];
  if (value === undefined) throw new RangeError(`Unknown consistency level "${name}"`);
  return value;
}

/**
 * Sends requests through the driver; when every connection already has `-mode maxPending=`
 * requests in flight, an op waits for one of them to be answered and tries again, as the Java
 * driver queues a request for a connection instead of failing it.
 */
export class RequestQueue {
  /** Requests the driver has sent and not yet answered. */
  #inFlight = 0;
  /** Requests waiting for a connection slot, woken one per answer. */
  readonly #waiters: (() => void)[] = [];

  /** Sends one request, waiting for a slot while the connections are busy. */
  async send<T>(request: () => Promise<T>): Promise<T> {
    for (;;) {
      this.#inFlight++;
      try {
        const result = await request();
        this.#answered();
        return result;
      } catch (error) {
        if (!isBusy(error)) {
          this.#answered();
          throw error;
        }
        // Refused before it was sent: it frees no slot and wakes nobody.
        this.#inFlight--;
        if (this.#inFlight === 0) throw error;
      }
      await new Promise<void>((resolve) => this.#waiters.push(resolve));
    }
  }

  #answered(): void {
    this.#inFlight--;
    this.#waiters.shift()?.();
  }
}
