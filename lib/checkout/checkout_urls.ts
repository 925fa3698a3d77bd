/**
 * The base URLs of the three checkout services, from the official tests' `urls.json` or from one
 * gateway URL.
 *
 * @module
 */

import { UsageError } from "../errors.ts";
import { redactCommandLine } from "../cli/redact_command_line.ts";

/** Where the order, payment and stock services answer (each path keeps its `/orders`, ... prefix). */
export interface CheckoutUrls {
  /** `ORDER_URL`. */
  readonly order: string;
  /** `PAYMENT_URL`. */
  readonly payment: string;
  /** `STOCK_URL`. */
  readonly stock: string;
}

function baseUrl(text: unknown, what: string): string {
  let url: URL;
  try {
    if (typeof text !== "string") throw new TypeError("not a string");
    url = new URL(text);
  } catch {
    throw new UsageError(
      `Cannot use ${what}: "${
        redactCommandLine([String(text)])[0]
      }" is invalid, expected an http:// or https:// URL`,
    );
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new UsageError(
      `Cannot use ${what}: "${
        redactCommandLine([String(text)])[0]
      }" is invalid, expected an http:// or https:// URL`,
    );
  }
  return url.href.replace(/\/+$/, "");
}

/**
 * Reads the official tests' `urls.json`: `{"ORDER_URL": ..., "PAYMENT_URL": ..., "STOCK_URL": ...}`.
 *
 * @param text The file's content.
 * @param source The file name, for messages.
 * @returns The three base URLs, without a trailing slash.
 * @throws {UsageError} When it is not JSON, or a URL is missing or not http(s).
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseUrlsJson } from "./checkout_urls.ts";
 * const urls = parseUrlsJson(
 *   '{"ORDER_URL":"http://127.0.0.1:8000","PAYMENT_URL":"http://127.0.0.1:8000","STOCK_URL":"http://127.0.0.1:8000/"}',
 *   "urls.json",
 * );
 * assert.equal(urls.stock, "http://127.0.0.1:8000");
 * ```
 */
export function parseUrlsJson(text: string, source: string): CheckoutUrls {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new UsageError(
      `Cannot read "${source}": it is not JSON, expected {"ORDER_URL": ..., "PAYMENT_URL": ..., "STOCK_URL": ...}`,
      { cause: error },
    );
  }
  if (typeof data !== "object" || data === null || Array.isArray(data)) {
    throw new UsageError(
      `Cannot read "${source}": it is not an object, expected {"ORDER_URL": ..., "PAYMENT_URL": ..., "STOCK_URL": ...}`,
    );
  }
  const record = data as Record<string, unknown>;
  return {
    order: baseUrl(record.ORDER_URL, `ORDER_URL of "${source}"`),
    payment: baseUrl(record.PAYMENT_URL, `PAYMENT_URL of "${source}"`),
    stock: baseUrl(record.STOCK_URL, `STOCK_URL of "${source}"`),
  };
}

/**
 * The same base URL for the three services: a gateway such as the template's nginx.
 *
 * @param gateway The gateway URL.
 * @returns The three base URLs.
 * @throws {UsageError} When it is not an http(s) URL.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { gatewayUrls } from "./checkout_urls.ts";
 * assert.equal(gatewayUrls("http://127.0.0.1:8000/").order, "http://127.0.0.1:8000");
 * ```
 */
export function gatewayUrls(gateway: string): CheckoutUrls {
  const url = baseUrl(gateway, "--gateway");
  return { order: url, payment: url, stock: url };
}

/**
 * The URLs as files and reports show them: the password of a `http://user:password@host` URL
 * becomes `***` (passwords are never printed).
 *
 * @param urls The services' base URLs.
 * @returns A copy without passwords.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { gatewayUrls, redactUrls } from "./checkout_urls.ts";
 * const urls = redactUrls(gatewayUrls("http://u:secret@127.0.0.1:8000"));
 * assert.equal(urls.order, "http://u:***@127.0.0.1:8000");
 * ```
 */
export function redactUrls(urls: CheckoutUrls): CheckoutUrls {
  const [order, payment, stock] = redactCommandLine([urls.order, urls.payment, urls.stock]);
  return { order, payment, stock };
}
