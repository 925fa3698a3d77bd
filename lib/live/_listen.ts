/**
 * The listen step the live page server and the metrics server share: binds `Deno.serve` and
 * returns the server's url, its port and an idempotent `close()`.
 *
 * @module
 */

/** Where to bind, which path the url names, and the answer to a request whose handler threw. */
export interface ListenOptions {
  /** The address to bind, e.g. `127.0.0.1`; an IPv6 address is bracketed in the url. */
  hostname: string;
  /** The port to bind; 0 picks a free one. */
  port: number;
  /** The path of the url returned, e.g. `/` or `/metrics`. */
  path: string;
  /** The answer to a request whose handler threw. */
  onError(error: unknown): Response;
}

/** A bound server. */
export interface Listener {
  /** `http://HOST:PORT` followed by the path. */
  url: string;
  /** The port bound. */
  port: number;
  /**
   * Stops the server: lets the requests in progress finish for up to a second, then drops every
   * connection (a client that never reads its answer or never sends its body cannot hold the
   * run), and waits until the server has finished; safe to call twice.
   */
  close(): Promise<void>;
}

/** How long `close()` lets the requests in progress finish before it drops their connections. */
const GRACE_MS = 1000;

/** Resolves when every request in `inFlight` has been answered, or after `GRACE_MS`. */
async function answered(inFlight: ReadonlySet<Promise<void>>): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const grace = new Promise<void>((resolve) => timer = setTimeout(resolve, GRACE_MS));
  try {
    await Promise.race([Promise.all(inFlight), grace]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Binds `handler` on `options.hostname:options.port`. A bind error (port in use, bad address)
 * rejects the promise rather than throwing.
 *
 * @param options Where to bind, the url's path and the error answer.
 * @param handler Answers each request.
 * @returns The url, the port and `close()`.
 * @throws {Deno.errors.AddrInUse} When the port is taken (and other bind errors); the promise
 * rejects.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { listen } from "./_listen.ts";
 *
 * const listener = await listen({
 *   hostname: "127.0.0.1",
 *   port: 0,
 *   path: "/x",
 *   onError: () => new Response(null, { status: 500 }),
 * }, () => new Response("hi"));
 * try {
 *   assert.equal(listener.url, `http://127.0.0.1:${listener.port}/x`);
 *   assert.equal(await (await fetch(listener.url)).text(), "hi");
 * } finally {
 *   await listener.close();
 * }
 * ```
 */
export function listen(
  options: ListenOptions,
  handler: (request: Request) => Response | Promise<Response>,
): Promise<Listener> {
  function bind(): Listener {
    // Aborting drops every connection at once: a graceful shutdown waits for clients that stall.
    const drop = new AbortController();
    const inFlight = new Set<Promise<void>>();
    const server = Deno.serve({
      hostname: options.hostname,
      port: options.port,
      signal: drop.signal,
      onListen() {},
      onError: options.onError,
    }, (request, info) => {
      const sent = info.completed.catch(() => {});
      inFlight.add(sent);
      sent.then(() => inFlight.delete(sent));
      return handler(request);
    });
    const port = server.addr.port;
    const host = options.hostname.includes(":") ? `[${options.hostname}]` : options.hostname;
    let closed: Promise<void> | null = null;
    return {
      url: `http://${host}:${port}${options.path}`,
      port,
      close(): Promise<void> {
        closed ??= answered(inFlight).then(() => {
          drop.abort();
          return server.finished;
        });
        return closed;
      },
    };
  }

  // A bind error (port in use, bad address) rejects the promise rather than throwing.
  return new Promise((resolve) => resolve(bind()));
}
