import assert from "node:assert/strict";
import {
  type CheckoutMode,
  type CheckoutService,
  type CheckoutServiceOptions,
  startCheckoutService,
} from "./_checkout_service.ts";

const HTML = "text/html; charset=utf-8";
const JSON_TYPE = "application/json";
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const MODES: CheckoutMode[] = ["correct", "racy"];

interface Answer {
  status: number;
  type: string | null;
  body: string;
}

async function call(svc: CheckoutService, method: string, path: string): Promise<Answer> {
  const res = await fetch(svc.url + path, { method });
  return { status: res.status, type: res.headers.get("content-type"), body: await res.text() };
}

function post(svc: CheckoutService, path: string): Promise<Answer> {
  return call(svc, "POST", path);
}

function get(svc: CheckoutService, path: string): Promise<Answer> {
  return call(svc, "GET", path);
}

async function json(svc: CheckoutService, method: string, path: string): Promise<unknown> {
  const a = await call(svc, method, path);
  assert.equal(a.status, 200, `${method} ${path}: ${a.body}`);
  assert.equal(a.type, JSON_TYPE);
  assert.ok(a.body.endsWith("}\n"));
  return JSON.parse(a.body);
}

function text(status: number, body: string): Answer {
  return { status, type: HTML, body };
}

/** Werkzeug's 400 page for `abort(400, message)`. */
function bad(message: string): Answer {
  return text(
    400,
    `<!doctype html>\n<html lang=en>\n<title>400 Bad Request</title>\n<h1>Bad Request</h1>\n` +
      `<p>${message}</p>\n`,
  );
}

function assertInternalError(a: Answer): void {
  assert.equal(a.status, 500);
  assert.equal(a.type, HTML);
  assert.match(a.body, /^<!doctype html>\n.*<title>500 Internal Server Error<\/title>/s);
}

async function withService(
  options: CheckoutServiceOptions,
  fn: (svc: CheckoutService) => Promise<void>,
): Promise<void> {
  const svc = await startCheckoutService(options);
  try {
    await fn(svc);
  } finally {
    await svc.close();
  }
}

/** Runs `fn(0..n-1)` with at most `limit` calls in flight; results in index order. */
async function pool<T>(n: number, limit: number, fn: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = new Array(n);
  let next = 0;
  async function lane(): Promise<void> {
    while (next < n) {
      const i = next++;
      out[i] = await fn(i);
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, n) }, lane));
  return out;
}

for (const mode of MODES) {
  Deno.test(`startCheckoutService() serves the stock routes like the template (${mode})`, async () => {
    await withService({ mode }, async (svc) => {
      const { item_id: id } = await json(svc, "POST", "/stock/item/create/7") as {
        item_id: string;
      };
      assert.match(id, UUID_RE);
      assert.deepEqual(await json(svc, "GET", `/stock/find/${id}`), { stock: 0, price: 7 });
      assert.deepEqual(
        await post(svc, `/stock/add/${id}/10`),
        text(200, `Item: ${id} stock updated to: 10`),
      );
      assert.deepEqual(
        await post(svc, `/stock/subtract/${id}/4`),
        text(200, `Item: ${id} stock updated to: 6`),
      );
      assert.deepEqual(
        await post(svc, `/stock/subtract/${id}/7`),
        bad(`Item: ${id} stock cannot get reduced below zero!`),
      );
      assert.deepEqual(
        await post(svc, `/stock/add/${id}/-5`),
        text(200, `Item: ${id} stock updated to: 1`),
      );
      assert.deepEqual(
        await post(svc, `/stock/subtract/${id}/-2`),
        text(200, `Item: ${id} stock updated to: 3`),
      );
      assert.deepEqual(
        await post(svc, `/stock/add/${id}/+1_0`),
        text(200, `Item: ${id} stock updated to: 13`),
      );
      assertInternalError(await post(svc, `/stock/add/${id}/abc`));
      assertInternalError(await post(svc, `/stock/subtract/${id}/1.5`));
      assertInternalError(await post(svc, "/stock/item/create/abc"));
      assert.deepEqual(await get(svc, "/stock/find/nope"), bad("Item: nope not found!"));
      assert.deepEqual(await post(svc, "/stock/add/nope/abc"), bad("Item: nope not found!"));
      assert.deepEqual(await post(svc, "/stock/subtract/nope/1"), bad("Item: nope not found!"));
      assert.deepEqual(await get(svc, "/stock/find/a%3Cb"), bad("Item: a&lt;b not found!"));

      assert.deepEqual(await json(svc, "POST", "/stock/batch_init/3/100/2"), {
        msg: "Batch init for stock successful",
      });
      const items = svc.state().items;
      assert.equal(items.size, 4);
      for (const key of ["0", "1", "2"]) assert.deepEqual(items.get(key), { stock: 100, price: 2 });
      assert.deepEqual(items.get(id), { stock: 13, price: 7 });
      assertInternalError(await post(svc, "/stock/batch_init/3/x/2"));
      assert.deepEqual(await post(svc, "/stock/batch_init/0/1/1"), bad("DB error"));
    });
  });

  Deno.test(`startCheckoutService() serves the payment routes like the template (${mode})`, async () => {
    await withService({ mode }, async (svc) => {
      const { user_id: id } = await json(svc, "POST", "/payment/create_user") as {
        user_id: string;
      };
      assert.match(id, UUID_RE);
      assert.deepEqual(await json(svc, "GET", `/payment/find_user/${id}`), {
        user_id: id,
        credit: 0,
      });
      assert.deepEqual(
        await post(svc, `/payment/add_funds/${id}/10`),
        text(200, `User: ${id} credit updated to: 10`),
      );
      assert.deepEqual(
        await post(svc, `/payment/pay/${id}/3`),
        text(200, `User: ${id} credit updated to: 7`),
      );
      assert.deepEqual(
        await post(svc, `/payment/pay/${id}/8`),
        bad(`User: ${id} credit cannot get reduced below zero!`),
      );
      assert.deepEqual(
        await post(svc, `/payment/pay/${id}/-5`),
        text(200, `User: ${id} credit updated to: 12`),
      );
      assert.deepEqual(
        await post(svc, `/payment/add_funds/${id}/-2`),
        text(200, `User: ${id} credit updated to: 10`),
      );
      assertInternalError(await post(svc, `/payment/pay/${id}/abc`));
      assertInternalError(await post(svc, `/payment/add_funds/${id}/abc`));
      assert.deepEqual(await get(svc, "/payment/find_user/nope"), bad("User: nope not found!"));
      assert.deepEqual(await post(svc, "/payment/pay/nope/1"), bad("User: nope not found!"));
      assert.deepEqual(await post(svc, "/payment/add_funds/nope/1"), bad("User: nope not found!"));

      assert.deepEqual(await json(svc, "POST", "/payment/batch_init/3/50"), {
        msg: "Batch init for users successful",
      });
      assert.deepEqual(
        [...svc.state().users].sort(),
        [["0", 50], ["1", 50], ["2", 50], [id, 10]].sort(),
      );
      assertInternalError(await post(svc, "/payment/batch_init/abc/50"));
    });
  });

  Deno.test(`startCheckoutService() serves the order routes like the template (${mode})`, async () => {
    await withService({ mode }, async (svc) => {
      await post(svc, "/stock/batch_init/2/10/3");
      await post(svc, "/payment/batch_init/1/100");
      const { order_id: id } = await json(svc, "POST", "/orders/create/0") as { order_id: string };
      assert.match(id, UUID_RE);
      const ghost = await json(svc, "POST", "/orders/create/nobody") as { order_id: string };
      assert.deepEqual(await json(svc, "GET", `/orders/find/${ghost.order_id}`), {
        order_id: ghost.order_id,
        paid: false,
        items: [],
        user_id: "nobody",
        total_cost: 0,
      });

      assert.deepEqual(
        await post(svc, `/orders/addItem/${id}/0/2`),
        text(200, `Item: 0 added to: ${id} price updated to: 6`),
      );
      assert.deepEqual(
        await post(svc, `/orders/addItem/${id}/1/1`),
        text(200, `Item: 1 added to: ${id} price updated to: 9`),
      );
      assert.deepEqual(
        await post(svc, `/orders/addItem/${id}/0/3`),
        text(200, `Item: 0 added to: ${id} price updated to: 18`),
      );
      assert.deepEqual(
        await post(svc, `/orders/addItem/${id}/nope/1`),
        bad("Item: nope does not exist!"),
      );
      assert.deepEqual(await post(svc, "/orders/addItem/nope/0/1"), bad("Order: nope not found!"));
      assertInternalError(await post(svc, `/orders/addItem/${id}/0/abc`));
      assert.deepEqual(await json(svc, "GET", `/orders/find/${id}`), {
        order_id: id,
        paid: false,
        items: [["0", 2], ["1", 1], ["0", 3]],
        user_id: "0",
        total_cost: 18,
      });

      // Quantities are summed per item: 5 of item 0, 1 of item 1.
      assert.deepEqual(await post(svc, `/orders/checkout/${id}`), text(200, "Checkout successful"));
      let state = svc.state();
      assert.deepEqual(state.items.get("0"), { stock: 5, price: 3 });
      assert.deepEqual(state.items.get("1"), { stock: 9, price: 3 });
      assert.equal(state.users.get("0"), 82);
      assert.equal(state.orders.get(id)?.paid, true);
      assert.deepEqual(
        [state.checkoutsSucceeded, state.unitsSold, state.moneyCharged],
        [1, 6, 18],
      );
      // A paid order is checked out again and charged again; then item 0 runs out.
      assert.deepEqual(await post(svc, `/orders/checkout/${id}`), text(200, "Checkout successful"));
      assert.deepEqual(
        await post(svc, `/orders/checkout/${id}`),
        bad("Out of stock on item_id: 0"),
      );
      state = svc.state();
      assert.deepEqual([state.items.get("0")?.stock, state.items.get("1")?.stock], [0, 8]);
      assert.equal(state.users.get("0"), 64);
      assert.deepEqual(
        [state.checkoutsSucceeded, state.unitsSold, state.moneyCharged],
        [2, 12, 36],
      );

      // Out of stock on the second item rolls back the first.
      const { order_id: o2 } = await json(svc, "POST", "/orders/create/0") as { order_id: string };
      await post(svc, `/orders/addItem/${o2}/1/1`);
      await post(svc, `/orders/addItem/${o2}/0/1`);
      assert.deepEqual(
        await post(svc, `/orders/checkout/${o2}`),
        bad("Out of stock on item_id: 0"),
      );
      assert.equal(svc.state().items.get("1")?.stock, 8);
      // Out of credit rolls back all stock.
      await post(svc, "/stock/add/0/5");
      await post(svc, "/stock/add/1/100");
      await post(svc, `/orders/addItem/${o2}/1/100`);
      assert.deepEqual(await post(svc, `/orders/checkout/${o2}`), bad("User out of credit"));
      state = svc.state();
      assert.deepEqual([state.items.get("0")?.stock, state.items.get("1")?.stock], [5, 108]);
      assert.equal(state.users.get("0"), 64);
      assert.equal(state.orders.get(o2)?.paid, false);
      // An unknown user is out of credit too.
      await post(svc, `/orders/addItem/${ghost.order_id}/1/1`);
      assert.deepEqual(
        await post(svc, `/orders/checkout/${ghost.order_id}`),
        bad("User out of credit"),
      );
      assert.deepEqual(await post(svc, "/orders/checkout/nope"), bad("Order: nope not found!"));
      assert.deepEqual(await get(svc, "/orders/find/nope"), bad("Order: nope not found!"));
      assert.equal(svc.state().checkoutsSucceeded, 2);
    });
  });
}

Deno.test("startCheckoutService() batch-inits orders 0..n-1 with 2 random items each", async () => {
  await withService({ seed: 7 }, async (svc) => {
    assert.deepEqual(await json(svc, "POST", "/orders/batch_init/50/10/20/3"), {
      msg: "Batch init for orders successful",
    });
    const orders = svc.state().orders;
    assert.deepEqual([...orders.keys()], Array.from({ length: 50 }, (_, i) => String(i)));
    const users = new Set<string>();
    for (const order of orders.values()) {
      assert.equal(order.paid, false);
      assert.equal(order.totalCost, 6);
      assert.equal(order.items.length, 2);
      for (const [item, qty] of order.items) {
        assert.equal(qty, 1);
        assert.ok(Number(item) >= 0 && Number(item) < 10 && String(Number(item)) === item);
      }
      assert.ok(Number(order.userId) >= 0 && Number(order.userId) < 20);
      users.add(order.userId);
    }
    assert.ok(users.size > 5, "users are drawn at random");
    const found = await json(svc, "GET", "/orders/find/3") as Record<string, unknown>;
    const o3 = orders.get("3")!;
    assert.deepEqual(found, {
      order_id: "3",
      paid: false,
      items: o3.items,
      user_id: o3.userId,
      total_cost: 6,
    });
    // The same seed gives the same orders.
    await withService({ seed: 7 }, async (other) => {
      await post(other, "/orders/batch_init/50/10/20/3");
      assert.deepEqual(other.state().orders, orders);
    });
    assertInternalError(await post(svc, "/orders/batch_init/5/0/20/3"));
    assertInternalError(await post(svc, "/orders/batch_init/5/10/20/x"));
    assert.deepEqual(await post(svc, "/orders/batch_init/0/10/20/3"), bad("DB error"));
  });
});

Deno.test("startCheckoutService() answers 404, 405, HEAD and OPTIONS like Flask and nginx", async () => {
  await withService({}, async (svc) => {
    await post(svc, "/stock/batch_init/1/5/1");
    for (const path of ["/stock/nope", "/stock/find/0/", "/stock/find/", "/orders/checkout"]) {
      const a = await get(svc, path);
      assert.equal(a.status, 404, path);
      assert.equal(a.type, HTML);
      assert.match(a.body, /<title>404 Not Found<\/title>\n<h1>Not Found<\/h1>/);
    }
    const nginx = await get(svc, "/basket/find/0");
    assert.equal(nginx.status, 404);
    assert.match(nginx.body, /<center>nginx<\/center>/);

    const wrong = await fetch(svc.url + "/orders/checkout/1", { method: "GET" });
    assert.equal(wrong.status, 405);
    assert.equal(wrong.headers.get("allow"), "OPTIONS, POST");
    assert.match(await wrong.text(), /<title>405 Method Not Allowed<\/title>/);
    const wrongGet = await fetch(svc.url + "/stock/find/0", { method: "POST" });
    assert.equal(wrongGet.status, 405);
    assert.equal(wrongGet.headers.get("allow"), "GET, HEAD, OPTIONS");
    await wrongGet.body?.cancel();
    assert.equal((await call(svc, "DELETE", "/payment/create_user")).status, 405);

    const head = await call(svc, "HEAD", "/stock/find/0");
    assert.deepEqual(head, { status: 200, type: JSON_TYPE, body: "" });
    const options = await fetch(svc.url + "/stock/add/0/1", { method: "OPTIONS" });
    assert.equal(options.status, 200);
    assert.equal(options.headers.get("allow"), "OPTIONS, POST");
    await options.body?.cancel();
    assert.equal(svc.state().items.get("0")?.stock, 5);
  });
});

Deno.test("startCheckoutService() counts requests per route template and status", async () => {
  await withService({}, async (svc) => {
    await post(svc, "/stock/batch_init/2/1/1");
    await get(svc, "/stock/find/0");
    await get(svc, "/stock/find/9");
    await post(svc, "/stock/subtract/0/1");
    await post(svc, "/stock/subtract/0/1");
    await post(svc, "/stock/add/0/x");
    await get(svc, "/stock/add/0/1");
    await get(svc, "/nope");
    assert.deepEqual(svc.stats(), {
      requests: 8,
      byStatus: { "200": 3, "400": 2, "404": 1, "405": 1, "500": 1 },
      byRoute: {
        "POST /stock/batch_init/:n/:stock/:price": { requests: 1, byStatus: { "200": 1 } },
        "GET /stock/find/:id": { requests: 2, byStatus: { "200": 1, "400": 1 } },
        "POST /stock/subtract/:id/:amount": { requests: 2, byStatus: { "200": 1, "400": 1 } },
        "POST /stock/add/:id/:amount": { requests: 1, byStatus: { "500": 1 } },
        "GET /stock/add/:id/:amount": { requests: 1, byStatus: { "405": 1 } },
        "GET *": { requests: 1, byStatus: { "404": 1 } },
      },
      faults: { errors: 0, resets: 0, garbage: 0 },
    });
    svc.resetStats();
    await post(svc, "/orders/checkout/1");
    assert.deepEqual(svc.stats(), {
      requests: 1,
      byStatus: { "400": 1 },
      byRoute: { "POST /orders/checkout/:id": { requests: 1, byStatus: { "400": 1 } } },
      faults: { errors: 0, resets: 0, garbage: 0 },
    });
  });
});

interface RunResult {
  svc: CheckoutService;
  acknowledged: number;
  answers: number[];
  orderIds: string[];
}

/** The official consistency test: 1 item (stock 100, price 1), 1000 users (credit 1), 1000 checkouts. */
async function consistencyRun(
  svc: CheckoutService,
): Promise<Omit<RunResult, "svc">> {
  const { item_id: item } = await json(svc, "POST", "/stock/item/create/1") as { item_id: string };
  await post(svc, `/stock/add/${item}/100`);
  const users = await pool(1000, 100, async () => {
    const { user_id: user } = await json(svc, "POST", "/payment/create_user") as {
      user_id: string;
    };
    return user;
  });
  await pool(1000, 100, (i) => post(svc, `/payment/add_funds/${users[i]}/1`));
  let seed = 42;
  const pick = (): string => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return users[seed % 1000];
  };
  const orderUsers = Array.from({ length: 1000 }, pick);
  const orderIds = await pool(1000, 100, async (i) => {
    const { order_id: id } = await json(svc, "POST", `/orders/create/${orderUsers[i]}`) as {
      order_id: string;
    };
    return id;
  });
  await pool(1000, 100, (i) => post(svc, `/orders/addItem/${orderIds[i]}/${item}/1`));
  const answers = await pool(1000, 100, async (i) => {
    const a = await post(svc, `/orders/checkout/${orderIds[i]}`);
    assert.ok(a.status === 200 || a.status === 400, `status ${a.status}`);
    return a.status;
  });
  const acknowledged = answers.filter((s) => s === 200).length;
  return { acknowledged, answers, orderIds };
}

function sumCredit(svc: CheckoutService): number {
  let sum = 0;
  for (const credit of svc.state().users.values()) sum += credit;
  return sum;
}

Deno.test("startCheckoutService() correct mode conserves stock and money under 1000 concurrent checkouts", async () => {
  await withService({ mode: "correct" }, async (svc) => {
    const { acknowledged, answers, orderIds } = await consistencyRun(svc);
    const state = svc.state();
    const [stock] = [...state.items.values()].map((i) => i.stock);
    assert.equal(acknowledged, 100);
    assert.equal(stock, 0);
    assert.equal(stock + acknowledged, 100);
    assert.equal(sumCredit(svc) + acknowledged, 1000);
    assert.deepEqual(
      [state.checkoutsSucceeded, state.unitsSold, state.moneyCharged],
      [100, 100, 100],
    );
    for (let i = 0; i < 1000; i++) {
      assert.equal(state.orders.get(orderIds[i])?.paid, answers[i] === 200);
    }
  });
});

Deno.test("startCheckoutService() racy mode oversells under 1000 concurrent checkouts", async () => {
  await withService({ mode: "racy", seed: 3 }, async (svc) => {
    const { acknowledged } = await consistencyRun(svc);
    const state = svc.state();
    const [stock] = [...state.items.values()].map((i) => i.stock);
    assert.ok(stock >= 0, "the official stock check reads 0 or more");
    assert.ok(
      acknowledged + stock > 100,
      `oversold: ${acknowledged} acknowledged + ${stock} left > 100`,
    );
    assert.deepEqual(
      [state.checkoutsSucceeded, state.unitsSold, state.moneyCharged],
      [acknowledged, acknowledged, acknowledged],
    );
    assert.ok(sumCredit(svc) >= 0);
  });
});

Deno.test("startCheckoutService() injects 500s without applying the operation", async () => {
  await withService({ faults: { errorRate: 1 } }, async (svc) => {
    assertInternalError(await post(svc, "/stock/batch_init/1/5/1"));
    assert.equal(svc.state().items.size, 0);
    svc.setFaults({ errorRate: 0.3 });
    const statuses = await pool(200, 20, async () => (await get(svc, "/stock/find/0")).status);
    const errors = statuses.filter((s) => s === 500).length;
    assert.ok(errors > 30 && errors < 90, `errors ${errors}`);
    assert.equal(statuses.filter((s) => s === 400).length, 200 - errors);
    const stats = svc.stats();
    assert.equal(stats.faults.errors, errors + 1);
    assert.deepEqual(stats.byRoute["GET /stock/find/:id"], {
      requests: 200,
      byStatus: { "400": 200 - errors, "500": errors },
    });
    svc.setFaults({});
    assert.equal((await post(svc, "/stock/batch_init/1/5/1")).status, 200);
  });
});

Deno.test("startCheckoutService() injects connection resets seen as fetch errors", async () => {
  await withService({ faults: { resetRate: 1 } }, async (svc) => {
    for (let i = 0; i < 3; i++) {
      await assert.rejects(async () => {
        const res = await fetch(svc.url + "/payment/create_user", { method: "POST" });
        await res.text();
      }, TypeError);
    }
    assert.equal(svc.state().users.size, 0);
    assert.deepEqual(svc.stats().faults, { errors: 0, resets: 3, garbage: 0 });
    assert.deepEqual(svc.stats().byRoute["POST /payment/create_user"].byStatus, { reset: 3 });
    svc.setFaults({});
    assert.equal((await post(svc, "/payment/create_user")).status, 200);
  });
});

Deno.test("startCheckoutService() injects garbage bodies and latency", async () => {
  await withService({ faults: { garbageRate: 1 } }, async (svc) => {
    const a = await post(svc, "/payment/batch_init/2/5");
    assert.equal(a.status, 200);
    assert.throws(() => JSON.parse(a.body), SyntaxError);
    assert.equal(svc.state().users.size, 0);
    assert.equal(svc.stats().faults.garbage, 1);
    svc.setFaults({ latencyMs: 60 });
    const t0 = performance.now();
    assert.equal((await post(svc, "/payment/batch_init/2/5")).status, 200);
    assert.ok(performance.now() - t0 >= 50);
    assert.equal(svc.state().users.size, 2);
  });
});

Deno.test("startCheckoutService() rawGarbagePort answers non-HTTP bytes that fetch rejects", async () => {
  await withService({ rawGarbagePort: 0 }, async (svc) => {
    assert.ok(svc.garbagePort !== undefined && svc.garbagePort !== svc.port);
    await assert.rejects(() => fetch(svc.garbageUrl + "/stock/find/0"), TypeError);
    const conn = await Deno.connect({ hostname: "127.0.0.1", port: svc.garbagePort });
    await conn.write(new TextEncoder().encode("GET / HTTP/1.1\r\nHost: x\r\n\r\n"));
    const bytes = new Uint8Array(await new Response(conn.readable).arrayBuffer());
    assert.ok(bytes.length > 0);
    assert.notEqual(new TextDecoder().decode(bytes.subarray(0, 5)), "HTTP/");
  });
});

Deno.test("checkout service CLI prints its URL, serves, and exits 0 on SIGTERM", async () => {
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      new URL("./_checkout_service.ts", import.meta.url).pathname,
      "--mode",
      "racy",
    ],
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const stderr = new Response(child.stderr).text();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let out = "";
  while (!out.includes("\n")) {
    const { value, done } = await reader.read();
    if (done) break;
    out += value;
  }
  const match = /^listening on (http:\/\/127\.0\.0\.1:(\d+))\n$/.exec(out);
  assert.ok(match, `first line: ${JSON.stringify(out)}`);
  const res = await fetch(match[1] + "/stock/batch_init/1/5/1", { method: "POST" });
  assert.equal(res.status, 200);
  await res.body?.cancel();
  Deno.kill(child.pid, "SIGTERM");
  const status = await child.status;
  while (!(await reader.read()).done) { /* drain */ }
  assert.equal(status.code, 0, await stderr);
  assert.equal(await stderr, "");
});

Deno.test("checkout service CLI rejects an unknown mode with exit code 2", async () => {
  const { code, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", new URL("./_checkout_service.ts", import.meta.url).pathname, "--mode", "x"],
    stdin: "null",
  }).output();
  assert.equal(code, 2);
  assert.match(new TextDecoder().decode(stderr), /Cannot parse "--mode": "x"/);
});
