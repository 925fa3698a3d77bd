/**
 * The test checkout service of `stress checkout`: the whole gateway API of the 2024 WDM template
 * (`/stock`, `/payment`, `/orders`, see shared/reference/checkout-api.md) in one in-memory
 * `Deno.serve` server, in two modes. `correct`: every operation is atomic (no `await` between a
 * read and its write). `racy`: the template's read, `await`, write of a stale value, so concurrent
 * checkouts lose updates and oversell. Faults (500s, resets, garbage, latency) can be injected.
 *
 * Run as a process: `deno run -A tests/checkout/_checkout_service.ts [--mode correct|racy]
 * [--port N] [--hostname A] [--race-delay-ms N] [--seed N]` prints `listening on http://HOST:PORT`
 * and serves until SIGTERM or SIGINT.
 *
 * @module
 */

/** How the service applies read-modify-write operations. */
export type CheckoutMode = "correct" | "racy";

/**
 * Injected faults. Each rate is a probability in 0..1, drawn once per request to a known route
 * (404, 405 and OPTIONS answers are never faulted); at most one fault applies per request.
 */
export interface Faults {
  /**
   * Answer 500 with Flask's HTML error page, without applying the operation.
   * @default {0}
   */
  errorRate?: number;
  /**
   * Break the connection: the status line and headers (200, chunked) go out, then the connection
   * is aborted before any body byte, so the client sees a transport error while reading the
   * body. `Deno.serve` cannot close a connection without sending a head first. Deno prints one
   * stderr line per reset.
   * @default {0}
   */
  resetRate?: number;
  /**
   * Answer 200 `application/json` with a body of garbage bytes (not JSON, not the expected text),
   * without applying the operation. A non-HTTP answer is not possible with `Deno.serve`: use
   * {@linkcode CheckoutServiceOptions.rawGarbagePort} for that.
   * @default {0}
   */
  garbageRate?: number;
  /**
   * Delay added before every answer, in milliseconds.
   * @default {0}
   */
  latencyMs?: number;
}

/** Options of {@linkcode startCheckoutService}. */
export interface CheckoutServiceOptions {
  /**
   * `correct` (atomic operations) or `racy` (the template's lost updates).
   * @default {"correct"}
   */
  mode?: CheckoutMode;
  /**
   * Address to listen on.
   * @default {"127.0.0.1"}
   */
  hostname?: string;
  /**
   * Port to listen on; 0 picks a free one.
   * @default {0}
   */
  port?: number;
  /**
   * Racy mode: the longest delay between a read and its write, in milliseconds (each delay is
   * drawn uniformly in 0..raceDelayMs).
   * @default {1}
   */
  raceDelayMs?: number;
  /**
   * Seed of the built-in mulberry32 PRNG (race delays, faults, orders batch_init).
   * @default {1}
   */
  seed?: number;
  /**
   * A PRNG returning numbers in [0, 1); replaces the one built from `seed`.
   * @default {undefined}
   */
  random?: () => number;
  /**
   * Faults active from the start.
   * @default {{}}
   */
  faults?: Faults;
  /**
   * When set, also listen on this port (0 = any free one) with a raw TCP server that answers
   * every connection with non-HTTP garbage bytes and closes it.
   * @default {undefined}
   */
  rawGarbagePort?: number;
}

/** An item of the stock service. */
export interface ItemState {
  /** Units in stock. */
  stock: number;
  /** Price of one unit. */
  price: number;
}

/** An order of the order service. */
export interface OrderState {
  /** Whether a checkout succeeded (the template never resets it). */
  paid: boolean;
  /** `[itemId, quantity]` pairs in the order they were added; an item may repeat. */
  items: [string, number][];
  /** The user who pays (never checked to exist). */
  userId: string;
  /** Sum of price * quantity over the added items. */
  totalCost: number;
}

/** A deep copy of the service's data plus ground-truth counters. */
export interface CheckoutState {
  /** Items by id. */
  items: Map<string, ItemState>;
  /** Credit by user id. */
  users: Map<string, number>;
  /** Orders by id. */
  orders: Map<string, OrderState>;
  /** Checkouts that answered 200. */
  checkoutsSucceeded: number;
  /** Units removed from stock by checkouts that answered 200 (sum of their quantities). */
  unitsSold: number;
  /** Money charged by checkouts that answered 200 (sum of their total costs). */
  moneyCharged: number;
}

/** Request counts of one route. */
export interface RouteStats {
  /** Requests received. */
  requests: number;
  /** Answers by status (`"200"`, `"400"`, ...), plus `"reset"` and `"garbage"` for those faults. */
  byStatus: Record<string, number>;
}

/** Request counts since the start or the last {@linkcode CheckoutService.resetStats}. */
export interface CheckoutStats {
  /** All requests received. */
  requests: number;
  /** All answers by status, plus `"reset"` and `"garbage"`. */
  byStatus: Record<string, number>;
  /**
   * By `METHOD template`, e.g. `POST /orders/checkout/:id`; unknown routes count under
   * `METHOD *`. Only routes that got requests are listed.
   */
  byRoute: Record<string, RouteStats>;
  /** Injected faults. */
  faults: { errors: number; resets: number; garbage: number };
}

/** A running test checkout service. */
export interface CheckoutService {
  /** Base URL, e.g. `http://127.0.0.1:41234` (the gateway: routes start with /stock etc.). */
  readonly url: string;
  /** The port it listens on. */
  readonly port: number;
  /** The mode it runs in. */
  readonly mode: CheckoutMode;
  /** `http://HOST:PORT` of the raw garbage server when `rawGarbagePort` was given. */
  readonly garbageUrl: string | undefined;
  /** The port of the raw garbage server when `rawGarbagePort` was given. */
  readonly garbagePort: number | undefined;
  /** A deep copy of items, users, orders and the ground-truth counters. */
  state(): CheckoutState;
  /** Request counts per route template and status. */
  stats(): CheckoutStats;
  /** Replaces the active faults (missing rates are 0). */
  setFaults(faults: Faults): void;
  /** Zeroes the request counts. */
  resetStats(): void;
  /** Stops listening, waits for the requests in flight and closes every connection. */
  close(): Promise<void>;
}

const HTML_TYPE = "text/html; charset=utf-8";
const HTML_HEADERS: [string, string][] = [["content-type", HTML_TYPE]];
const JSON_HEADERS: [string, string][] = [["content-type", "application/json"]];
const NOT_FOUND_TEXT = "The requested URL was not found on the server. If you entered the URL " +
  "manually please check your spelling and try again.";
const INTERNAL_TEXT = "The server encountered an internal error and was unable to complete your " +
  "request. Either the server is overloaded or there is an error in the application.";
const NGINX_404 = "<html>\r\n<head><title>404 Not Found</title></head>\r\n<body>\r\n" +
  "<center><h1>404 Not Found</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n";
const GARBAGE = "\u0000\u00ff\u0013garbage{not json]]\r\n\u0007";

/** Status slots per route: 0 = reset, 1 = garbage, else the HTTP status. */
const SLOTS = 600;
const SLOT_RESET = 0;
const SLOT_GARBAGE = 1;

const STOCK_CREATE = 0;
const STOCK_BATCH = 1;
const STOCK_FIND = 2;
const STOCK_ADD = 3;
const STOCK_SUBTRACT = 4;
const PAY_CREATE = 5;
const PAY_BATCH = 6;
const PAY_FIND = 7;
const PAY_ADD = 8;
const PAY_PAY = 9;
const ORDER_CREATE = 10;
const ORDER_BATCH = 11;
const ORDER_FIND = 12;
const ORDER_ADD_ITEM = 13;
const ORDER_CHECKOUT = 14;
/** Not a route: a Flask 404 (known prefix) or an nginx 404 (unknown prefix). */
const NO_ROUTE = -1;
const NO_PREFIX = -2;

/** Route templates by route number: [method, path]. */
const ROUTES: readonly (readonly [string, string])[] = [
  ["POST", "/stock/item/create/:price"],
  ["POST", "/stock/batch_init/:n/:stock/:price"],
  ["GET", "/stock/find/:id"],
  ["POST", "/stock/add/:id/:amount"],
  ["POST", "/stock/subtract/:id/:amount"],
  ["POST", "/payment/create_user"],
  ["POST", "/payment/batch_init/:n/:credit"],
  ["GET", "/payment/find_user/:id"],
  ["POST", "/payment/add_funds/:id/:amount"],
  ["POST", "/payment/pay/:id/:amount"],
  ["POST", "/orders/create/:userId"],
  ["POST", "/orders/batch_init/:n/:items/:users/:price"],
  ["GET", "/orders/find/:id"],
  ["POST", "/orders/addItem/:id/:itemId/:quantity"],
  ["POST", "/orders/checkout/:id"],
];

/** The route number of a split path (`["", "stock", "find", "0"]`), or NO_ROUTE / NO_PREFIX. */
function matchRoute(parts: string[]): number {
  const n = parts.length;
  for (let i = 2; i < n; i++) if (parts[i] === "") return NO_ROUTE;
  switch (parts[1]) {
    case "stock":
      switch (parts[2]) {
        case "item":
          return n === 5 && parts[3] === "create" ? STOCK_CREATE : NO_ROUTE;
        case "batch_init":
          return n === 6 ? STOCK_BATCH : NO_ROUTE;
        case "find":
          return n === 4 ? STOCK_FIND : NO_ROUTE;
        case "add":
          return n === 5 ? STOCK_ADD : NO_ROUTE;
        case "subtract":
          return n === 5 ? STOCK_SUBTRACT : NO_ROUTE;
      }
      return NO_ROUTE;
    case "payment":
      switch (parts[2]) {
        case "create_user":
          return n === 3 ? PAY_CREATE : NO_ROUTE;
        case "batch_init":
          return n === 5 ? PAY_BATCH : NO_ROUTE;
        case "find_user":
          return n === 4 ? PAY_FIND : NO_ROUTE;
        case "add_funds":
          return n === 5 ? PAY_ADD : NO_ROUTE;
        case "pay":
          return n === 5 ? PAY_PAY : NO_ROUTE;
      }
      return NO_ROUTE;
    case "orders":
      switch (parts[2]) {
        case "create":
          return n === 4 ? ORDER_CREATE : NO_ROUTE;
        case "batch_init":
          return n === 7 ? ORDER_BATCH : NO_ROUTE;
        case "find":
          return n === 4 ? ORDER_FIND : NO_ROUTE;
        case "addItem":
          return n === 6 ? ORDER_ADD_ITEM : NO_ROUTE;
        case "checkout":
          return n === 4 ? ORDER_CHECKOUT : NO_ROUTE;
      }
      return NO_ROUTE;
  }
  return NO_PREFIX;
}

/** The mulberry32 PRNG: numbers in [0, 1) from a 32-bit seed. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return function next(): number {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const INT_RE = /^\s*[+-]?\d+(?:_\d+)*\s*$/;

/** Python's `int(s)` for a path segment, or undefined where it raises (-> 500). */
function parseInt10(s: string): number | undefined {
  if (!INT_RE.test(s)) return undefined;
  const v = Number(s.includes("_") ? s.replaceAll("_", "") : s);
  return Number.isSafeInteger(v) ? v : undefined;
}

const HTML_SPECIAL = /[&<>"']/;

/** markupsafe's `escape`. */
function escapeHtml(s: string): string {
  if (!HTML_SPECIAL.test(s)) return s;
  return s.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;")
    .replaceAll('"', "&#34;").replaceAll("'", "&#39;");
}

/** Werkzeug's HTML error page. */
function errorPage(status: number, name: string, description: string): Response {
  return new Response(
    `<!doctype html>\n<html lang=en>\n<title>${status} ${name}</title>\n<h1>${name}</h1>\n` +
      `<p>${description}</p>\n`,
    { status, headers: HTML_HEADERS },
  );
}

/** `abort(400, message)`. */
function badRequest(message: string): Response {
  return errorPage(400, "Bad Request", escapeHtml(message));
}

/** An unhandled exception (`int("abc")`). */
function internalError(): Response {
  return errorPage(500, "Internal Server Error", INTERNAL_TEXT);
}

function textOk(body: string): Response {
  return new Response(body, { headers: HTML_HEADERS });
}

/** Flask's `jsonify` body is compact and ends in a newline. */
function jsonOk(body: string): Response {
  return new Response(body + "\n", { headers: JSON_HEADERS });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function resetResponse(): Response {
  const body = new ReadableStream<Uint8Array>({
    start(controller): void {
      // Deno prints the reason on stderr (one line per reset); a string keeps it short.
      controller.error("checkout service: injected connection reset");
    },
  });
  return new Response(body);
}

/** Holds the data and answers requests. */
class CheckoutServer {
  readonly mode: CheckoutMode;
  #items = new Map<string, ItemState>();
  #users = new Map<string, number>();
  #orders = new Map<string, OrderState>();
  #checkoutsSucceeded = 0;
  #unitsSold = 0;
  #moneyCharged = 0;
  #random: () => number;
  #raceDelayMs: number;
  #errorRate = 0;
  #resetRate = 0;
  #garbageRate = 0;
  #latencyMs = 0;
  #faultsOn = false;
  #counts = new Uint32Array(ROUTES.length * SLOTS);
  #otherCounts = new Map<string, Uint32Array>();
  #faultErrors = 0;
  #faultResets = 0;
  #faultGarbage = 0;
  #scratchIds: string[] = [];
  #scratchQty: number[] = [];

  constructor(mode: CheckoutMode, random: () => number, raceDelayMs: number, faults: Faults) {
    this.mode = mode;
    this.#random = random;
    this.#raceDelayMs = raceDelayMs;
    this.setFaults(faults);
  }

  setFaults(faults: Faults): void {
    this.#errorRate = faults.errorRate ?? 0;
    this.#resetRate = faults.resetRate ?? 0;
    this.#garbageRate = faults.garbageRate ?? 0;
    this.#latencyMs = faults.latencyMs ?? 0;
    this.#faultsOn = this.#errorRate > 0 || this.#resetRate > 0 || this.#garbageRate > 0;
  }

  handle(req: Request): Response | Promise<Response> {
    const url = req.url;
    const start = url.indexOf("/", url.indexOf("//") + 2);
    const query = url.indexOf("?", start);
    let path = query < 0 ? url.slice(start) : url.slice(start, query);
    if (path.includes("%")) {
      try {
        path = decodeURIComponent(path);
      } catch {
        // Keep the raw path, like a lenient decoder would.
      }
    }
    const parts = path.split("/");
    const route = matchRoute(parts);
    const method = req.method;
    if (route < 0) {
      const res = route === NO_PREFIX
        ? new Response(NGINX_404, { status: 404, headers: HTML_HEADERS })
        : errorPage(404, "Not Found", NOT_FOUND_TEXT);
      return this.#countOther(`${method} *`, 404, res);
    }
    const routeMethod = ROUTES[route][0];
    if (method !== routeMethod && !(method === "HEAD" && routeMethod === "GET")) {
      const allow = routeMethod === "GET" ? "GET, HEAD, OPTIONS" : "OPTIONS, POST";
      const key = `${method} ${ROUTES[route][1]}`;
      if (method === "OPTIONS") {
        const res = new Response("", { headers: [["content-type", HTML_TYPE], ["allow", allow]] });
        return this.#countOther(key, 200, res);
      }
      const res = errorPage(
        405,
        "Method Not Allowed",
        "The method is not allowed for the " +
          "requested URL.",
      );
      res.headers.set("allow", allow);
      return this.#countOther(key, 405, res);
    }
    if (this.#faultsOn) {
      const r = this.#random();
      let fault: Response | undefined;
      if (r < this.#resetRate) {
        this.#faultResets++;
        this.#counts[route * SLOTS + SLOT_RESET]++;
        fault = resetResponse();
      } else if (r < this.#resetRate + this.#garbageRate) {
        this.#faultGarbage++;
        this.#counts[route * SLOTS + SLOT_GARBAGE]++;
        fault = new Response(GARBAGE, { headers: JSON_HEADERS });
      } else if (r < this.#resetRate + this.#garbageRate + this.#errorRate) {
        this.#faultErrors++;
        this.#counts[route * SLOTS + 500]++;
        fault = internalError();
      }
      if (fault !== undefined) {
        return this.#latencyMs > 0 ? sleep(this.#latencyMs).then(() => fault) : fault;
      }
    }
    if (this.#latencyMs > 0) {
      return sleep(this.#latencyMs).then(() => this.#countAsync(route, this.#run(route, parts)));
    }
    const res = this.#run(route, parts);
    if (res instanceof Response) {
      this.#counts[route * SLOTS + res.status]++;
      return res;
    }
    return this.#countAsync(route, res);
  }

  async #countAsync(route: number, res: Response | Promise<Response>): Promise<Response> {
    const r = await res;
    this.#counts[route * SLOTS + r.status]++;
    return r;
  }

  #countOther(key: string, status: number, res: Response): Response {
    let counts = this.#otherCounts.get(key);
    if (counts === undefined) {
      counts = new Uint32Array(SLOTS);
      this.#otherCounts.set(key, counts);
    }
    counts[status]++;
    return res;
  }

  #run(route: number, p: string[]): Response | Promise<Response> {
    const racy = this.mode === "racy";
    switch (route) {
      case STOCK_CREATE: {
        const price = parseInt10(p[4]);
        if (price === undefined) return internalError();
        const id = crypto.randomUUID();
        this.#items.set(id, { stock: 0, price });
        return jsonOk(`{"item_id":"${id}"}`);
      }
      case STOCK_BATCH: {
        const n = parseInt10(p[3]);
        const stock = parseInt10(p[4]);
        const price = parseInt10(p[5]);
        if (n === undefined || stock === undefined || price === undefined) return internalError();
        if (n <= 0) return badRequest("DB error");
        for (let i = 0; i < n; i++) this.#items.set(String(i), { stock, price });
        return jsonOk(`{"msg":"Batch init for stock successful"}`);
      }
      case STOCK_FIND: {
        const item = this.#items.get(p[3]);
        if (item === undefined) return badRequest(`Item: ${p[3]} not found!`);
        return jsonOk(`{"price":${item.price},"stock":${item.stock}}`);
      }
      case STOCK_ADD:
      case STOCK_SUBTRACT:
        return racy ? this.#stockRacy(route, p[3], p[4]) : this.#stockCorrect(route, p[3], p[4]);
      case PAY_CREATE: {
        const id = crypto.randomUUID();
        this.#users.set(id, 0);
        return jsonOk(`{"user_id":"${id}"}`);
      }
      case PAY_BATCH: {
        const n = parseInt10(p[3]);
        const credit = parseInt10(p[4]);
        if (n === undefined || credit === undefined) return internalError();
        if (n <= 0) return badRequest("DB error");
        for (let i = 0; i < n; i++) this.#users.set(String(i), credit);
        return jsonOk(`{"msg":"Batch init for users successful"}`);
      }
      case PAY_FIND: {
        const credit = this.#users.get(p[3]);
        if (credit === undefined) return badRequest(`User: ${p[3]} not found!`);
        return jsonOk(`{"credit":${credit},"user_id":${JSON.stringify(p[3])}}`);
      }
      case PAY_ADD:
      case PAY_PAY:
        return racy ? this.#payRacy(route, p[3], p[4]) : this.#payCorrect(route, p[3], p[4]);
      case ORDER_CREATE: {
        const id = crypto.randomUUID();
        this.#orders.set(id, { paid: false, items: [], userId: p[3], totalCost: 0 });
        return jsonOk(`{"order_id":"${id}"}`);
      }
      case ORDER_BATCH:
        return this.#ordersBatch(p[3], p[4], p[5], p[6]);
      case ORDER_FIND: {
        const o = this.#orders.get(p[3]);
        if (o === undefined) return badRequest(`Order: ${p[3]} not found!`);
        const items = JSON.stringify(o.items);
        const id = JSON.stringify(p[3]);
        const user = JSON.stringify(o.userId);
        return jsonOk(
          `{"items":${items},"order_id":${id},"paid":${o.paid},"total_cost":${o.totalCost},` +
            `"user_id":${user}}`,
        );
      }
      case ORDER_ADD_ITEM:
        return racy ? this.#addItemRacy(p[3], p[4], p[5]) : this.#addItemCorrect(p[3], p[4], p[5]);
      default:
        return racy ? this.#checkoutRacy(p[3]) : this.#checkoutCorrect(p[3]);
    }
  }

  #stockCorrect(route: number, id: string, amountText: string): Response {
    const item = this.#items.get(id);
    if (item === undefined) return badRequest(`Item: ${id} not found!`);
    const amount = parseInt10(amountText);
    if (amount === undefined) return internalError();
    const next = route === STOCK_ADD ? item.stock + amount : item.stock - amount;
    if (route === STOCK_SUBTRACT && next < 0) {
      return badRequest(`Item: ${id} stock cannot get reduced below zero!`);
    }
    item.stock = next;
    return textOk(`Item: ${id} stock updated to: ${next}`);
  }

  async #stockRacy(route: number, id: string, amountText: string): Promise<Response> {
    const item = this.#items.get(id);
    if (item === undefined) return badRequest(`Item: ${id} not found!`);
    const amount = parseInt10(amountText);
    if (amount === undefined) return internalError();
    const add = route === STOCK_ADD;
    const next = await this.#changeStockRacy(id, item, add ? amount : -amount, add);
    if (next < 0 && !add) return badRequest(`Item: ${id} stock cannot get reduced below zero!`);
    return textOk(`Item: ${id} stock updated to: ${next}`);
  }

  /**
   * Read, await, write the stale sum; a negative sum is not written unless `add` (the template's
   * add does not check). Returns the computed stock.
   */
  async #changeStockRacy(
    id: string,
    item: ItemState,
    delta: number,
    add: boolean,
  ): Promise<number> {
    const stock = item.stock;
    const price = item.price;
    await sleep(this.#random() * this.#raceDelayMs);
    const next = stock + delta;
    if (add || next >= 0) this.#items.set(id, { stock: next, price });
    return next;
  }

  #payCorrect(route: number, id: string, amountText: string): Response {
    const credit = this.#users.get(id);
    if (credit === undefined) return badRequest(`User: ${id} not found!`);
    const amount = parseInt10(amountText);
    if (amount === undefined) return internalError();
    const next = route === PAY_ADD ? credit + amount : credit - amount;
    if (route === PAY_PAY && next < 0) {
      return badRequest(`User: ${id} credit cannot get reduced below zero!`);
    }
    this.#users.set(id, next);
    return textOk(`User: ${id} credit updated to: ${next}`);
  }

  async #payRacy(route: number, id: string, amountText: string): Promise<Response> {
    const credit = this.#users.get(id);
    if (credit === undefined) return badRequest(`User: ${id} not found!`);
    const amount = parseInt10(amountText);
    if (amount === undefined) return internalError();
    const add = route === PAY_ADD;
    const next = await this.#changeCreditRacy(id, credit, add ? amount : -amount, add);
    if (next < 0 && !add) return badRequest(`User: ${id} credit cannot get reduced below zero!`);
    return textOk(`User: ${id} credit updated to: ${next}`);
  }

  /** Like {@linkcode #changeStockRacy} for a user's credit read before the call. */
  async #changeCreditRacy(
    id: string,
    credit: number,
    delta: number,
    add: boolean,
  ): Promise<number> {
    await sleep(this.#random() * this.#raceDelayMs);
    const next = credit + delta;
    if (add || next >= 0) this.#users.set(id, next);
    return next;
  }

  #ordersBatch(nText: string, itemsText: string, usersText: string, priceText: string): Response {
    const n = parseInt10(nText);
    const nItems = parseInt10(itemsText);
    const nUsers = parseInt10(usersText);
    const price = parseInt10(priceText);
    if (n === undefined || nItems === undefined || nUsers === undefined || price === undefined) {
      return internalError();
    }
    if (n > 0 && (nItems <= 0 || nUsers <= 0)) return internalError(); // random.randint(0, -1)
    if (n <= 0) return badRequest("DB error");
    const random = this.#random;
    for (let i = 0; i < n; i++) {
      const user = Math.floor(random() * nUsers);
      const item1 = Math.floor(random() * nItems);
      const item2 = Math.floor(random() * nItems);
      this.#orders.set(String(i), {
        paid: false,
        items: [[String(item1), 1], [String(item2), 1]],
        userId: String(user),
        totalCost: 2 * price,
      });
    }
    return jsonOk(`{"msg":"Batch init for orders successful"}`);
  }

  #addItemCorrect(orderId: string, itemId: string, quantityText: string): Response {
    const order = this.#orders.get(orderId);
    if (order === undefined) return badRequest(`Order: ${orderId} not found!`);
    const item = this.#items.get(itemId);
    if (item === undefined) return badRequest(`Item: ${itemId} does not exist!`);
    const quantity = parseInt10(quantityText);
    if (quantity === undefined) return internalError();
    order.items.push([itemId, quantity]);
    order.totalCost += quantity * item.price;
    return textOk(`Item: ${itemId} added to: ${orderId} price updated to: ${order.totalCost}`);
  }

  async #addItemRacy(orderId: string, itemId: string, quantityText: string): Promise<Response> {
    const order = this.#orders.get(orderId);
    if (order === undefined) return badRequest(`Order: ${orderId} not found!`);
    const read = { ...order, items: order.items.slice() };
    await sleep(this.#random() * this.#raceDelayMs); // the GET /stock/find round trip
    const item = this.#items.get(itemId);
    if (item === undefined) return badRequest(`Item: ${itemId} does not exist!`);
    const quantity = parseInt10(quantityText);
    if (quantity === undefined) return internalError();
    read.items.push([itemId, quantity]);
    read.totalCost += quantity * item.price;
    this.#orders.set(orderId, read);
    return textOk(`Item: ${itemId} added to: ${orderId} price updated to: ${read.totalCost}`);
  }

  /** Sums the quantities per item into the scratch arrays; returns how many items. */
  #sumQuantities(items: [string, number][], ids: string[], qty: number[]): number {
    let n = 0;
    for (const [id, q] of items) {
      let j = 0;
      while (j < n && ids[j] !== id) j++;
      if (j === n) {
        ids[n] = id;
        qty[n] = q;
        n++;
      } else {
        qty[j] += q;
      }
    }
    return n;
  }

  #checkoutCorrect(orderId: string): Response {
    const order = this.#orders.get(orderId);
    if (order === undefined) return badRequest(`Order: ${orderId} not found!`);
    const ids = this.#scratchIds;
    const qty = this.#scratchQty;
    const n = this.#sumQuantities(order.items, ids, qty);
    for (let i = 0; i < n; i++) {
      const item = this.#items.get(ids[i]);
      if (item === undefined || item.stock - qty[i] < 0) {
        return badRequest(`Out of stock on item_id: ${ids[i]}`);
      }
    }
    const credit = this.#users.get(order.userId);
    if (credit === undefined || credit - order.totalCost < 0) {
      return badRequest("User out of credit");
    }
    let units = 0;
    for (let i = 0; i < n; i++) {
      this.#items.get(ids[i])!.stock -= qty[i];
      units += qty[i];
    }
    this.#users.set(order.userId, credit - order.totalCost);
    order.paid = true;
    this.#checkoutsSucceeded++;
    this.#unitsSold += units;
    this.#moneyCharged += order.totalCost;
    return textOk("Checkout successful");
  }

  async #checkoutRacy(orderId: string): Promise<Response> {
    const order = this.#orders.get(orderId);
    if (order === undefined) return badRequest(`Order: ${orderId} not found!`);
    const read: OrderState = { ...order, items: order.items.slice() };
    const ids: string[] = [];
    const qty: number[] = [];
    const n = this.#sumQuantities(read.items, ids, qty);
    let removed = 0;
    let failed = false;
    for (; removed < n; removed++) {
      const item = this.#items.get(ids[removed]);
      if (
        item === undefined ||
        await this.#changeStockRacy(ids[removed], item, -qty[removed], false) < 0
      ) {
        failed = true;
        break;
      }
    }
    if (!failed) {
      const credit = this.#users.get(read.userId);
      if (
        credit !== undefined &&
        await this.#changeCreditRacy(read.userId, credit, -read.totalCost, false) >= 0
      ) {
        read.paid = true;
        await sleep(this.#random() * this.#raceDelayMs);
        this.#orders.set(orderId, read); // the stale order, read before every step
        let units = 0;
        for (let i = 0; i < n; i++) units += qty[i];
        this.#checkoutsSucceeded++;
        this.#unitsSold += units;
        this.#moneyCharged += read.totalCost;
        return textOk("Checkout successful");
      }
    }
    for (let i = 0; i < removed; i++) {
      const item = this.#items.get(ids[i]);
      if (item !== undefined) await this.#changeStockRacy(ids[i], item, qty[i], true);
    }
    return badRequest(failed ? `Out of stock on item_id: ${ids[removed]}` : "User out of credit");
  }

  state(): CheckoutState {
    const items = new Map<string, ItemState>();
    for (const [id, it] of this.#items) items.set(id, { stock: it.stock, price: it.price });
    const orders = new Map<string, OrderState>();
    for (const [id, o] of this.#orders) {
      orders.set(id, {
        paid: o.paid,
        items: o.items.map(([i, q]): [string, number] => [i, q]),
        userId: o.userId,
        totalCost: o.totalCost,
      });
    }
    return {
      items,
      users: new Map(this.#users),
      orders,
      checkoutsSucceeded: this.#checkoutsSucceeded,
      unitsSold: this.#unitsSold,
      moneyCharged: this.#moneyCharged,
    };
  }

  stats(): CheckoutStats {
    const out: CheckoutStats = {
      requests: 0,
      byStatus: {},
      byRoute: {},
      faults: { errors: this.#faultErrors, resets: this.#faultResets, garbage: this.#faultGarbage },
    };
    const add = (key: string, counts: Uint32Array, offset: number): void => {
      let route: RouteStats | undefined;
      for (let s = 0; s < SLOTS; s++) {
        const c = counts[offset + s];
        if (c === 0) continue;
        const name = s === SLOT_RESET ? "reset" : s === SLOT_GARBAGE ? "garbage" : String(s);
        route ??= out.byRoute[key] = { requests: 0, byStatus: {} };
        route.requests += c;
        route.byStatus[name] = c;
        out.requests += c;
        out.byStatus[name] = (out.byStatus[name] ?? 0) + c;
      }
    };
    for (let r = 0; r < ROUTES.length; r++) {
      add(`${ROUTES[r][0]} ${ROUTES[r][1]}`, this.#counts, r * SLOTS);
    }
    for (const [key, counts] of this.#otherCounts) add(key, counts, 0);
    return out;
  }

  resetStats(): void {
    this.#counts.fill(0);
    this.#otherCounts.clear();
    this.#faultErrors = 0;
    this.#faultResets = 0;
    this.#faultGarbage = 0;
  }
}

/** Serves garbage bytes to every connection, then closes it. */
class GarbageServer {
  readonly port: number;
  #listener: Deno.TcpListener;
  #conns = new Set<Deno.TcpConn>();
  #loop: Promise<void>;

  constructor(hostname: string, port: number) {
    this.#listener = Deno.listen({ hostname, port });
    this.port = this.#listener.addr.port;
    this.#loop = this.#accept();
  }

  async #accept(): Promise<void> {
    const pending = new Set<Promise<void>>();
    try {
      for await (const conn of this.#listener) {
        const p = this.#answer(conn).finally(() => pending.delete(p));
        pending.add(p);
      }
    } catch {
      // The listener was closed.
    }
    await Promise.all(pending);
  }

  async #answer(conn: Deno.TcpConn): Promise<void> {
    this.#conns.add(conn);
    try {
      await conn.read(new Uint8Array(65536)); // let the request arrive, so close() is not a RST
      await conn.write(new TextEncoder().encode(GARBAGE.repeat(4)));
    } catch {
      // The client went away, or close() closed the connection.
    } finally {
      if (this.#conns.delete(conn)) conn.close();
    }
  }

  async close(): Promise<void> {
    this.#listener.close();
    for (const conn of this.#conns) conn.close();
    this.#conns.clear();
    await this.#loop;
  }
}

/**
 * Starts the test checkout service on loopback.
 *
 * @param options Mode, address, PRNG seed, faults and the optional raw garbage port.
 * @returns The running service; call `close()` when done.
 */
export async function startCheckoutService(
  options: CheckoutServiceOptions = {},
): Promise<CheckoutService> {
  const mode = options.mode ?? "correct";
  const hostname = options.hostname ?? "127.0.0.1";
  const random = options.random ?? mulberry32(options.seed ?? 1);
  const server = new CheckoutServer(mode, random, options.raceDelayMs ?? 1, options.faults ?? {});
  const listening = Promise.withResolvers<Deno.NetAddr>();
  const http = Deno.serve(
    { hostname, port: options.port ?? 0, onListen: (addr) => listening.resolve(addr) },
    (req) => server.handle(req),
  );
  const addr = await listening.promise;
  const garbage = options.rawGarbagePort === undefined
    ? undefined
    : new GarbageServer(hostname, options.rawGarbagePort);
  const host = hostname.includes(":") ? `[${hostname}]` : hostname;
  return {
    url: `http://${host}:${addr.port}`,
    port: addr.port,
    mode,
    garbageUrl: garbage === undefined ? undefined : `http://${host}:${garbage.port}`,
    garbagePort: garbage?.port,
    state: () => server.state(),
    stats: () => server.stats(),
    setFaults: (faults) => server.setFaults(faults),
    resetStats: () => server.resetStats(),
    close: async () => {
      await Promise.all([http.shutdown(), garbage?.close()]);
    },
  };
}

/** Parses the CLI flags of the process mode; throws on an unknown flag or a bad value. */
function parseCliArgs(args: string[]): CheckoutServiceOptions {
  const options: CheckoutServiceOptions = {};
  for (let i = 0; i < args.length; i++) {
    const flag = args[i];
    const value = args[++i];
    if (value === undefined) throw new Error(`Cannot parse flag "${flag}": missing value`);
    switch (flag) {
      case "--mode":
        if (value !== "correct" && value !== "racy") {
          throw new Error(`Cannot parse "--mode": "${value}", expected "correct" or "racy"`);
        }
        options.mode = value;
        break;
      case "--port":
        options.port = Number(value);
        break;
      case "--hostname":
        options.hostname = value;
        break;
      case "--race-delay-ms":
        options.raceDelayMs = Number(value);
        break;
      case "--seed":
        options.seed = Number(value);
        break;
      default:
        throw new Error(`Cannot parse flag "${flag}": unknown flag`);
    }
  }
  return options;
}

async function cliMain(args: string[]): Promise<number> {
  let options: CheckoutServiceOptions;
  try {
    options = parseCliArgs(args);
  } catch (error) {
    // deno-lint-ignore no-console
    console.error((error as Error).message);
    return 2;
  }
  const service = await startCheckoutService(options);
  const stopped = Promise.withResolvers<void>();
  const stop = (): void => stopped.resolve();
  Deno.addSignalListener("SIGTERM", stop);
  Deno.addSignalListener("SIGINT", stop);
  // deno-lint-ignore no-console
  console.log(`listening on ${service.url}`);
  await stopped.promise;
  Deno.removeSignalListener("SIGTERM", stop);
  Deno.removeSignalListener("SIGINT", stop);
  await service.close();
  return 0;
}

if (import.meta.main) Deno.exit(await cliMain(Deno.args));
