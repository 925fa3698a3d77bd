// Test fixture: a TCP proxy on 127.0.0.1 in front of a node, which can leave its connections
// half open (it swallows what either side sends, and keeps the sockets open, as a host that lost
// its network would) or cut one in the middle of a response frame.

/** A proxy of one upstream port. */
export class TcpProxy {
  readonly #listener: Deno.TcpListener;
  readonly #upstreamPort: number;
  readonly #pairs = new Set<Pair>();
  readonly #tasks = new Set<Promise<void>>();
  #accepting: Promise<void>;
  #cutNext = false;
  /** Connections accepted. */
  accepted = 0;

  constructor(upstreamPort: number) {
    this.#upstreamPort = upstreamPort;
    this.#listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    this.#accepting = this.#accept();
  }

  /** The port clients connect to. */
  get port(): number {
    return this.#listener.addr.port;
  }

  /** Leaves every connection open now half open: nothing goes through them any more. */
  freeze(): void {
    for (const pair of this.#pairs) pair.frozen = true;
  }

  /** Cuts the next response chunk (of 10 bytes or more) in half and closes its connection. */
  cutNextResponse(): void {
    this.#cutNext = true;
  }

  async close(): Promise<void> {
    this.#listener.close();
    await this.#accepting;
    for (const pair of this.#pairs) pair.close();
    await Promise.all(this.#tasks);
  }

  async #accept(): Promise<void> {
    for (;;) {
      let client: Deno.Conn;
      try {
        client = await this.#listener.accept();
      } catch {
        return;
      }
      this.accepted++;
      const task = this.#serve(client);
      this.#tasks.add(task);
      task.finally(() => this.#tasks.delete(task));
    }
  }

  async #serve(client: Deno.Conn): Promise<void> {
    let server: Deno.Conn;
    try {
      server = await Deno.connect({ hostname: "127.0.0.1", port: this.#upstreamPort });
    } catch {
      client.close();
      return;
    }
    const pair = new Pair(client, server);
    this.#pairs.add(pair);
    await Promise.all([
      this.#pump(pair, client, server, false),
      this.#pump(pair, server, client, true),
    ]);
    pair.close();
    this.#pairs.delete(pair);
  }

  async #pump(pair: Pair, from: Deno.Conn, to: Deno.Conn, response: boolean): Promise<void> {
    const buffer = new Uint8Array(65536);
    try {
      for (;;) {
        const n = await from.read(buffer);
        if (n === null) return;
        if (pair.frozen) continue;
        if (response && this.#cutNext && n >= 10) {
          this.#cutNext = false;
          await to.write(buffer.subarray(0, n >> 1));
          return;
        }
        let at = 0;
        while (at < n) at += await to.write(buffer.subarray(at, n));
      }
    } catch {
      // the other side closed
    } finally {
      pair.close();
    }
  }
}

class Pair {
  frozen = false;
  #closed = false;
  constructor(readonly client: Deno.Conn, readonly server: Deno.Conn) {}

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const conn of [this.client, this.server]) {
      try {
        conn.close();
      } catch {
        // already closed
      }
    }
  }
}
