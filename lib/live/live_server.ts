/**
 * The HTTP server of the live web page: serves the page and a small JSON API over a
 * {@linkcode LiveSeries}, and turns the page's start and stop buttons into callbacks.
 *
 * @module
 */

import { livePageHtml } from "./live_page.ts";
import type { LiveRunParams, LiveSeries, LiveState } from "./live_series.ts";
import { messageOf, UserError } from "../errors.ts";
import { listen } from "./_listen.ts";
import { PageWatch } from "./_page_watch.ts";

/** Options of {@linkcode startLiveServer}. */
export interface LiveServerOptions {
  /** The address to bind, e.g. `127.0.0.1` (binding anything else is the caller's choice). */
  hostname: string;
  /** The port to bind; 0 picks a free one. */
  port: number;
  /** The data the page shows; the server sets its state on start and stop. */
  series: LiveSeries;
  /**
   * Starts a run; called by `POST /api/start` with validated parameters, after the series was
   * reset and set to `running`. The run sets the state to `stopped` when it ends by itself.
   * When it throws, the state goes back to what it was and the page shows the message.
   */
  onStart(params: LiveRunParams): void | Promise<void>;
  /**
   * Stops the run; called by `POST /api/stop` while the state is `stopping`. The state becomes
   * `stopped` when it returns (unless it changed the state itself); in `run` mode it stays
   * `stopping` until the run, once ended, sets `stopped`.
   */
  onStop(): void | Promise<void>;
  /**
   * The page title.
   *
   * @default {"stress live"}
   */
  title?: string;
  /**
   * How often the page polls, in milliseconds.
   *
   * @default {1000}
   */
  pollIntervalMs?: number;
  /**
   * The values the page's start form shows first.
   *
   * @default {{ users: 10, spawnRate: 1 }}
   */
  defaults?: { users: number; spawnRate: number; rate?: number };
  /**
   * The page's mode (see `livePageHtml`): `run` serves a run the command line started, so
   * `POST /api/start` is refused with 409 and `onStart` is never called.
   *
   * @default {"load"}
   */
  mode?: "load" | "run";
}

/** A running live server. */
export interface LiveServer {
  /** The page's address, e.g. `http://127.0.0.1:8089/`. */
  url: string;
  /** The port bound. */
  port: number;
  /**
   * Waits until each open page has fetched the series as it is now (say, the run's end state):
   * at once when no page polls, at most two and a half poll intervals.
   */
  shown(): Promise<void>;
  /** Stops accepting requests and waits until the server has finished. */
  close(): Promise<void>;
}

const ROUTES: Map<string, "GET" | "POST"> = new Map([
  ["/", "GET"],
  ["/index.html", "GET"],
  ["/favicon.ico", "GET"],
  ["/api/stats", "GET"],
  ["/api/start", "POST"],
  ["/api/stop", "POST"],
]);
const MAX_USERS = 10_000_000;
const MAX_BODY_BYTES = 64 * 1024;
const JSON_HEADERS = {
  "content-type": "application/json; charset=utf-8",
  "cache-control": "no-store",
};
const PAGE_HEADERS = {
  "content-type": "text/html; charset=utf-8",
  "cache-control": "no-store",
  // The page is self-contained: forbid every request but its own API.
  "content-security-policy": "default-src 'none'; script-src 'unsafe-inline'; " +
    "style-src 'unsafe-inline'; connect-src 'self'; img-src 'self' data:; form-action 'none'",
};

function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { ...JSON_HEADERS, ...headers },
  });
}

function errorResponse(status: number, message: string, headers?: Record<string, string>) {
  return json(status, { error: message }, headers);
}

class BadInput extends Error {
  status: number;
  constructor(message: string, status = 400) {
    super(message);
    this.name = "BadInput";
    this.status = status;
  }
}

function bodyTooLarge(size: string): BadInput {
  return new BadInput(
    `Cannot read request: body has ${size} bytes, expected at most ${MAX_BODY_BYTES}`,
    413,
  );
}

/**
 * The body, read up to `MAX_BODY_BYTES`: a larger one is refused as soon as its length or its
 * bytes say so, not once it is all in memory (a 1.5 GB post took the loader to 1.6 GB).
 */
async function readCappedBody(request: Request): Promise<Uint8Array> {
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > MAX_BODY_BYTES) throw bodyTooLarge(String(declared));
  const reader = request.body?.getReader();
  if (reader === undefined) return new Uint8Array(0);
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (let read = await reader.read(); !read.done; read = await reader.read()) {
    size += read.value.length;
    if (size > MAX_BODY_BYTES) {
      await reader.cancel().catch(() => {});
      throw bodyTooLarge(`more than ${MAX_BODY_BYTES}`);
    }
    chunks.push(read.value);
  }
  const bytes = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.length;
  }
  return bytes;
}

async function readJsonBody(request: Request): Promise<unknown> {
  const type = request.headers.get("content-type") ?? "";
  if (!/^application\/json\b/i.test(type)) {
    throw new BadInput(
      `Cannot read request: content type "${type}" is not supported, expected "application/json"`,
      415,
    );
  }
  const text = new TextDecoder().decode(await readCappedBody(request));
  if (text.trim() === "") return {};
  try {
    return JSON.parse(text);
  } catch (cause) {
    throw new BadInput(`Cannot parse request body: ${(cause as Error).message}, expected JSON`);
  }
}

/** A field's value in an error line: a number quoted as typed, anything else with its kind. */
function shownValue(value: unknown): string {
  if (value === undefined) return "missing";
  if (typeof value === "number") return `"${value}"`;
  if (value === null) return "null";
  return `${JSON.stringify(value)} (${Array.isArray(value) ? "an array" : `a ${typeof value}`})`;
}

function numberField(
  body: Record<string, unknown>,
  name: string,
  check: (value: number) => boolean,
  expected: string,
): number {
  const value = body[name];
  if (typeof value !== "number" || !check(value)) {
    throw new BadInput(
      `Cannot start run: "${name}" is ${shownValue(value)}, expected ${expected}`,
    );
  }
  return value;
}

function parseStartParams(body: unknown): LiveRunParams {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw new BadInput(`Cannot start run: body is not an object, expected {users, spawnRate}`);
  }
  const record = body as Record<string, unknown>;
  const users = numberField(
    record,
    "users",
    (v) => Number.isInteger(v) && v >= 1 && v <= MAX_USERS,
    `an integer from 1 to ${MAX_USERS}`,
  );
  const spawnRate = numberField(
    record,
    "spawnRate",
    (v) => Number.isFinite(v) && v > 0,
    "a number > 0",
  );
  if (record.rate === undefined || record.rate === null) return { users, spawnRate };
  const rate = numberField(record, "rate", (v) => Number.isFinite(v) && v > 0, "a number > 0");
  return { users, spawnRate, rate };
}

/**
 * The page's start and stop buttons: `POST /api/start` and `POST /api/stop` turned into the
 * callbacks, with the series' state kept in step and one callback at a time.
 */
class RunControl {
  readonly #options: LiveServerOptions;
  /** A start or stop callback is in progress. */
  #busy = false;

  constructor(options: LiveServerOptions) {
    this.#options = options;
  }

  async start(request: Request): Promise<Response> {
    const { series } = this.#options;
    const body = await readJsonBody(request);
    if (this.#options.mode === "run") {
      return errorResponse(
        409,
        "Cannot start run: this run was started by the command line, expected a new command",
      );
    }
    const params = parseStartParams(body);
    if (this.#busy || series.state === "running" || series.state === "stopping") {
      return errorResponse(
        409,
        `Cannot start run: state is "${series.state}", expected "idle" or "stopped"`,
      );
    }
    const previous = series.state;
    this.#busy = true;
    series.reset();
    series.setParams(params);
    series.setState("running");
    try {
      await this.#options.onStart(params);
    } catch (error) {
      const message = `Cannot start run: ${messageOf(error)}`;
      series.setState(previous);
      series.setMessage(message);
      // Parameters the run refuses (a user error) are the request's fault, not the server's.
      return errorResponse(error instanceof UserError ? 400 : 500, message);
    } finally {
      this.#busy = false;
    }
    return json(200, { state: series.state, params });
  }

  async stop(request: Request): Promise<Response> {
    const { series } = this.#options;
    await readJsonBody(request);
    if (this.#busy || series.state !== "running") {
      return errorResponse(409, `Cannot stop run: state is "${series.state}", expected "running"`);
    }
    this.#busy = true;
    series.setState("stopping");
    try {
      await this.#options.onStop();
    } catch (error) {
      const message = `Cannot stop run: ${messageOf(error)}`;
      series.setMessage(message);
      return errorResponse(500, message);
    } finally {
      // A run the command line started ends after this: it sets `stopped` then.
      const ending = this.#options.mode === "run";
      if ((series.state as LiveState) === "stopping" && !ending) series.setState("stopped");
      this.#busy = false;
    }
    return json(200, { state: series.state });
  }
}

/**
 * The 404 of an unknown path or the 405 of a wrong method, or null when a route takes it (a
 * `HEAD` of a `GET` route too: it is answered as the `GET`, without the body).
 */
function routeError(request: Request, url: URL): Response | null {
  const route = ROUTES.get(url.pathname);
  if (route === undefined) {
    return errorResponse(404, `Cannot find "${url.pathname}": no such page`);
  }
  if (request.method === route || (request.method === "HEAD" && route === "GET")) return null;
  const allow = route === "GET" ? "GET, HEAD" : route;
  return errorResponse(
    405,
    `Cannot ${request.method} "${url.pathname}": method not allowed, expected ${allow}`,
    { allow },
  );
}

/**
 * `GET /api/stats?since=N&page=ID`: the series' snapshot after point N. Page ID polled; in `run`
 * mode, a `stopped` snapshot is its last poll.
 */
function statsResponse(
  series: LiveSeries,
  url: URL,
  watch: PageWatch,
  mode: "load" | "run",
): Response {
  const sinceText = url.searchParams.get("since") ?? "0";
  const since = Number(sinceText);
  if (!/^\d+$/.test(sinceText) || !Number.isSafeInteger(since)) {
    return errorResponse(
      400,
      `Cannot read stats: "since" is "${sinceText}", expected an integer >= 0`,
    );
  }
  const snapshot = series.snapshot(since);
  const page = url.searchParams.get("page");
  if (page !== null && page !== "") {
    watch.polled(page, mode === "run" && snapshot.state === "stopped");
  }
  return json(200, snapshot);
}

/**
 * Starts the live web server: `GET /` serves the page, `GET /api/stats?since=N` the
 * {@linkcode LiveSeries.snapshot}, `POST /api/start` (JSON `{users, spawnRate, rate?}`) resets
 * the series, sets it `running` and calls `onStart`, `POST /api/stop` sets it `stopping`, calls
 * `onStop`, then `stopped`. `HEAD` works as `GET` does. Bad input gets 400 with a JSON `{error}`
 * (415 for a body that is not JSON, 409 for a start while running or a stop while not running),
 * a wrong method 405 (with `Allow`), an unknown path 404. POST bodies must be `application/json`, so a cross-site form cannot post.
 *
 * @param options Where to bind, the series, the callbacks and the title.
 * @returns The server's url and port, and `close()`.
 * @throws {Deno.errors.AddrInUse} When the port is taken (and other bind errors).
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { LiveSeries } from "./live_series.ts";
 * import { startLiveServer } from "./live_server.ts";
 *
 * const series = new LiveSeries();
 * const server = await startLiveServer({
 *   hostname: "127.0.0.1", port: 0, series, onStart() {}, onStop() {},
 * });
 * try {
 *   const response = await fetch(new URL("/api/start", server.url), {
 *     method: "POST",
 *     headers: { "content-type": "application/json" },
 *     body: JSON.stringify({ users: 5, spawnRate: 1 }),
 *   });
 *   assert.equal(response.status, 200);
 *   await response.body?.cancel();
 *   assert.equal(series.state, "running");
 * } finally {
 *   await server.close();
 * }
 * ```
 */
export function startLiveServer(options: LiveServerOptions): Promise<LiveServer> {
  const page = livePageHtml({
    title: options.title ?? "stress live",
    pollIntervalMs: options.pollIntervalMs,
    defaults: options.defaults,
    mode: options.mode,
  });
  const control = new RunControl(options);
  const watch = new PageWatch(options.pollIntervalMs ?? 1000);

  async function handle(request: Request): Promise<Response> {
    const url = new URL(request.url);
    const refused = routeError(request, url);
    if (refused !== null) return refused;
    try {
      switch (url.pathname) {
        case "/":
        case "/index.html":
          return new Response(page, { headers: PAGE_HEADERS });
        case "/favicon.ico":
          return new Response(null, { status: 204, headers: { "cache-control": "max-age=86400" } });
        case "/api/stats":
          return statsResponse(options.series, url, watch, options.mode ?? "load");
        case "/api/start":
          return await control.start(request);
        default:
          return await control.stop(request);
      }
    } catch (error) {
      if (error instanceof BadInput) return errorResponse(error.status, error.message);
      throw error;
    }
  }

  const listening = listen({
    hostname: options.hostname,
    port: options.port,
    path: "/",
    onError(error) {
      return errorResponse(500, `Cannot answer request: ${messageOf(error)}`);
    },
  }, handle);
  return listening.then((listener) => ({ ...listener, shown: () => watch.shown() }));
}
