/**
 * The connection pools of the three checkout services, shared by `stress checkout consistency`
 * and `stress checkout load`, and the `--urls FILE | --gateway URL` flags that name them.
 *
 * @module
 */

import { type CheckoutUrls, gatewayUrls, parseUrlsJson } from "../checkout_urls.ts";
import { HttpPool } from "./http_pool.ts";
import type { HttpResult } from "./http_result.ts";
import { firstLineOf, UsageError } from "../../errors.ts";

const decoder = new TextDecoder();

/** Options of {@linkcode CheckoutServices}. */
export interface CheckoutServicesOptions {
  /** Connections of each pool (one pool per distinct URL). */
  connections: number;
  /** The time limit of one request, from sending it to its answer, in ms. */
  timeoutMs: number;
  /**
   * The time limit to get a connection, in ms.
   *
   * @default {10000}
   */
  connectTimeoutMs?: number;
  /**
   * The most requests of each pool waiting for a connection; more are refused (`queue_full`).
   *
   * @default {65536}
   */
  maxQueue?: number;
}

/**
 * One keep-alive pool per distinct service URL: a gateway gets one pool for the three services.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { CheckoutServices } from "./checkout_services.ts";
 * const services = new CheckoutServices(
 *   { order: "http://127.0.0.1:1", payment: "http://127.0.0.1:1", stock: "http://127.0.0.1:2" },
 *   { connections: 2, timeoutMs: 1000 },
 * );
 * assert.equal(services.order, services.payment);
 * assert.notEqual(services.order, services.stock);
 * await services.close();
 * ```
 */
export class CheckoutServices {
  /** The services' base URLs. */
  readonly urls: CheckoutUrls;
  /** The order service's pool. */
  readonly order: HttpPool;
  /** The payment service's pool. */
  readonly payment: HttpPool;
  /** The stock service's pool. */
  readonly stock: HttpPool;
  readonly #pools: HttpPool[];

  /**
   * Creates the pools (connections open on first use).
   *
   * @param urls The services' base URLs.
   * @param options Connections per pool and the time limits.
   */
  constructor(urls: CheckoutUrls, options: CheckoutServicesOptions) {
    this.urls = urls;
    const pools = new Map<string, HttpPool>();
    const pool = (url: string) => {
      let found = pools.get(url);
      if (found === undefined) {
        found = new HttpPool({
          url,
          connections: options.connections,
          timeoutMs: options.timeoutMs,
          connectTimeoutMs: options.connectTimeoutMs,
          maxQueue: options.maxQueue,
        });
        pools.set(url, found);
      }
      return found;
    };
    this.order = pool(urls.order);
    this.payment = pool(urls.payment);
    this.stock = pool(urls.stock);
    this.#pools = [...pools.values()];
  }

  /** Closes every pool. */
  async close(): Promise<void> {
    await Promise.all(this.#pools.map((pool) => pool.close()));
  }

  /**
   * Reads the services' URLs from `--urls FILE` (the official tests' `urls.json`) or
   * `--gateway URL`, exactly one of which must be given.
   *
   * @param flags The parsed flags (`urls`, `gateway`).
   * @param what What needs them, for the error message, e.g. `run the load test`.
   * @returns The URLs.
   * @throws {UsageError} When neither or both are given, or the file cannot be read or parsed.
   *
   * @example Usage
   * ```ts
   * import assert from "node:assert/strict";
   * import { CheckoutServices } from "./checkout_services.ts";
   * const urls = await CheckoutServices.urlsFromFlags({ gateway: "http://127.0.0.1:8000" }, "x");
   * assert.equal(urls.stock, "http://127.0.0.1:8000");
   * ```
   */
  static async urlsFromFlags(
    flags: { readonly urls?: unknown; readonly gateway?: unknown },
    what: string,
  ): Promise<CheckoutUrls> {
    if (flags.urls !== undefined && flags.gateway !== undefined) {
      throw new UsageError("Cannot use both --urls and --gateway, expected one of them");
    }
    if (flags.urls !== undefined) {
      const path = String(flags.urls);
      let text: string;
      try {
        text = await Deno.readTextFile(path);
      } catch (error) {
        throw new UsageError(`Cannot read --urls "${path}": ${firstLineOf(error)}`, {
          cause: error,
        });
      }
      return parseUrlsJson(text, path);
    }
    if (flags.gateway !== undefined) return gatewayUrls(String(flags.gateway));
    throw new UsageError(
      `Cannot ${what}: no services given, expected --urls FILE or --gateway URL`,
    );
  }

  /**
   * One line about an answer, for error messages: the transport error, or the status and the
   * first 200 bytes of the body with HTML tags and runs of spaces squeezed out.
   *
   * @param result The answer.
   * @returns The line, e.g. `status 400 (Bad Request Item: x not found!)`.
   *
   * @example Usage
   * ```ts
   * import assert from "node:assert/strict";
   * import { CheckoutServices } from "./checkout_services.ts";
   * const body = new TextEncoder().encode("<p>Item: x not found!</p>");
   * assert.equal(
   *   CheckoutServices.describeAnswer({ ok: true, status: 400, body }),
   *   "status 400 (Item: x not found!)",
   * );
   * ```
   */
  static describeAnswer(result: HttpResult): string {
    if (!result.ok) return `${result.error}: ${result.message}`;
    const body = decoder.decode(result.body.subarray(0, 200)).replace(/<[^>]*>/g, " ")
      .replace(/\s+/g, " ").trim();
    return `status ${result.status}${body === "" ? "" : ` (${body})`}`;
  }
}
