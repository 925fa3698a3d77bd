/**
 * The HTTP server of `-log prometheus=HOST:PORT`: serves a metrics text made by the caller
 * (usually `formatPrometheusText` of `lib/report/prometheus_text.ts`) at `/metrics`.
 *
 * @module
 */

import { messageOf } from "../errors.ts";
import { listen } from "./_listen.ts";

/** Options of {@linkcode startMetricsServer}. */
export interface MetricsServerOptions {
  /** The address to bind, e.g. `127.0.0.1` (binding anything else is the caller's choice). */
  hostname: string;
  /** The port to bind; 0 picks a free one. */
  port: number;
  /**
   * Returns the exposition text for one scrape; called once per `GET /metrics`. It must be
   * cheap (a string kept from the latest interval is best). When it throws, the scrape gets 500.
   */
  snapshot: () => string;
}

/** A running metrics server. */
export interface MetricsServer {
  /** The metrics address, e.g. `http://127.0.0.1:9464/metrics`. */
  url: string;
  /** The port bound. */
  port: number;
  /** Stops accepting requests and waits until the server has finished; safe to call twice. */
  close(): Promise<void>;
}

/** The content type of the Prometheus text exposition format 0.0.4. */
const METRICS_TYPE = "text/plain; version=0.0.4; charset=utf-8";
const TEXT_HEADERS = { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" };
const PAGE = '<!doctype html>\n<html><head><meta charset="utf-8"><title>stress metrics</title>' +
  '</head><body><p>Prometheus metrics of this stress run: <a href="/metrics">/metrics</a>' +
  "</p></body></html>\n";
const PAGE_HEADERS = {
  "content-type": "text/html; charset=utf-8",
  "cache-control": "no-store",
  "content-security-policy": "default-src 'none'",
};
const ALLOW = "GET, HEAD";

function textResponse(status: number, text: string, headers: Record<string, string> = {}) {
  return new Response(text + "\n", { status, headers: { ...TEXT_HEADERS, ...headers } });
}

/**
 * Starts the metrics server: `GET /metrics` answers `snapshot()` as
 * `text/plain; version=0.0.4; charset=utf-8`, `GET /` a short page that links to it; `HEAD`
 * works as `GET` does; other methods get 405 (with `Allow`), other paths 404, a throwing
 * `snapshot` 500 (all with a one-line text body). Nothing is cached (`cache-control:
 * no-store`).
 *
 * @param options Where to bind and what to serve.
 * @returns The metrics url, the port and `close()`.
 * @throws {Deno.errors.AddrInUse} When the port is taken (and other bind errors, such as
 * `Deno.errors.AddrNotAvailable` or `Deno.errors.PermissionDenied`); the promise rejects.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { startMetricsServer } from "./metrics_server.ts";
 *
 * const server = await startMetricsServer({
 *   hostname: "127.0.0.1",
 *   port: 0,
 *   snapshot: () => "# TYPE stress_elapsed_seconds gauge\nstress_elapsed_seconds 1\n",
 * });
 * try {
 *   assert.equal(server.url, `http://127.0.0.1:${server.port}/metrics`);
 *   const response = await fetch(server.url);
 *   assert.equal(response.headers.get("content-type"), "text/plain; version=0.0.4; charset=utf-8");
 *   assert.equal(await response.text(), "# TYPE stress_elapsed_seconds gauge\nstress_elapsed_seconds 1\n");
 * } finally {
 *   await server.close();
 * }
 * ```
 */
export function startMetricsServer(options: MetricsServerOptions): Promise<MetricsServer> {
  const { snapshot } = options;

  function handle(request: Request): Response {
    const path = new URL(request.url).pathname;
    if (path !== "/metrics" && path !== "/") {
      return textResponse(404, `Cannot find "${path}": no such page, expected "/metrics"`);
    }
    if (request.method !== "GET" && request.method !== "HEAD") {
      return textResponse(
        405,
        `Cannot ${request.method} "${path}": method not allowed, expected ${ALLOW}`,
        { allow: ALLOW },
      );
    }
    if (path === "/") return new Response(PAGE, { headers: PAGE_HEADERS });
    let text: string;
    try {
      text = snapshot();
    } catch (error) {
      return textResponse(500, `Cannot collect metrics: ${messageOf(error)}`);
    }
    return new Response(text, {
      headers: { "content-type": METRICS_TYPE, "cache-control": "no-store" },
    });
  }

  return listen({
    hostname: options.hostname,
    port: options.port,
    path: "/metrics",
    onError(error) {
      return textResponse(500, `Cannot answer request: ${messageOf(error)}`);
    },
  }, handle);
}
