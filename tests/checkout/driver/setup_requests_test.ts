import assert from "node:assert/strict";
import { HttpPool } from "../../../lib/checkout/driver/http_pool.ts";
import { SetupRequests } from "../../../lib/checkout/driver/setup_requests.ts";

/** A free loopback port: nothing listens on it once this returns. */
function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

/**
 * A server on `port` that answers 200 and closes the connection (as http.server does), and the
 * number of requests it got.
 */
function serve(port = 0): { server: Deno.HttpServer<Deno.NetAddr>; requests: () => number } {
  let requests = 0;
  const server = Deno.serve({ hostname: "127.0.0.1", port, onListen() {} }, () => {
    requests++;
    return new Response("ok", { headers: { connection: "close" } });
  });
  return { server, requests: () => requests };
}

Deno.test("SetupRequests sends again, with back-off and a progress line, a request refused after the pool had connected", async () => {
  const { server } = serve();
  const port = server.addr.port;
  const pool = new HttpPool({ url: `http://127.0.0.1:${port}`, connections: 1 });
  const lines: string[] = [];
  const setup = new SetupRequests({
    phase: "populate",
    progress: (line) => lines.push(line),
    attempts: 3,
    firstBackoffMs: 10,
    progressEveryMs: 600_000,
  });
  try {
    const first = await setup.request(pool, "POST", "/payment/create_user");
    assert.equal(first.ok && first.status, 200);
    await server.shutdown();
    const refused = await setup.request(pool, "POST", "/payment/create_user");
    assert.equal(!refused.ok && refused.error, "connect");
    assert.match(!refused.ok ? refused.message : "", / \(sent 3 times\)$/);
    assert.equal(setup.retried, 2);
    assert.equal(setup.summary(), ", 2 requests sent again after a failed connection");
    // One line: the next may come 10 minutes later at the earliest.
    assert.equal(lines.length, 1, lines.join("\n"));
    assert.match(
      lines[0],
      /^populate: 1 request to send again so far: the connection failed before anything was sent \(last: connect, cannot connect to 127\.0\.0\.1:\d+: /,
    );
  } finally {
    setup.stop();
    await pool.close();
  }
});

Deno.test("SetupRequests sends the request again until the service is back", async () => {
  const port = freePort();
  let restarted = null as ReturnType<typeof serve> | null;
  // The pool connects once to a first server on the port, which then stops.
  const first = serve(port);
  const pool = new HttpPool({ url: `http://127.0.0.1:${port}`, connections: 1 });
  const setup = new SetupRequests({
    phase: "init",
    progress: () => {
      // The service comes back when the first retry is announced.
      if (restarted === null) restarted = serve(port);
    },
    firstBackoffMs: 10,
  });
  try {
    assert.equal((await setup.request(pool, "GET", "/")).ok, true);
    await first.server.shutdown();
    const result = await setup.request(pool, "POST", "/payment/batch_init/10/10");
    assert.equal(result.ok && result.status, 200);
    assert.equal(setup.retried, 1);
    assert.equal(restarted!.requests(), 1);
  } finally {
    setup.stop();
    await pool.close();
    await restarted?.server.shutdown();
  }
});

Deno.test("SetupRequests reports at once a service never reached, and never sends again a timeout", async () => {
  const lines: string[] = [];
  const setup = new SetupRequests({ phase: "populate", progress: (line) => lines.push(line) });
  const unreachable = new HttpPool({ url: `http://127.0.0.1:${freePort()}`, connections: 1 });
  // A server that reads the request and never answers.
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const held: Deno.Conn[] = [];
  const accepting = (async () => {
    for await (const conn of listener) held.push(conn);
  })();
  const silent = new HttpPool({
    url: `http://127.0.0.1:${(listener.addr as Deno.NetAddr).port}`,
    connections: 1,
    timeoutMs: 100,
  });
  try {
    const refused = await setup.request(unreachable, "POST", "/stock/item/create/1");
    assert.equal(!refused.ok && refused.error, "connect");
    assert.doesNotMatch(!refused.ok ? refused.message : "", /sent \d+ times/);
    const timedOut = await setup.request(silent, "POST", "/stock/item/create/1");
    assert.equal(!timedOut.ok && timedOut.error, "timeout");
    assert.equal(setup.retried, 0);
    assert.deepEqual(lines, []);
    assert.equal(setup.summary(), "");
  } finally {
    setup.stop();
    await unreachable.close();
    await silent.close();
    listener.close();
    await accepting.catch(() => {});
    for (const conn of held) conn.close();
  }
});

Deno.test("SetupRequests.stop() ends a back-off at once and sends no more", async () => {
  const { server } = serve();
  const pool = new HttpPool({ url: `http://127.0.0.1:${server.addr.port}`, connections: 1 });
  let setup: SetupRequests | null = null;
  setup = new SetupRequests({
    phase: "orders",
    progress: () => setup!.stop(),
    firstBackoffMs: 600_000,
  });
  try {
    assert.equal((await setup.request(pool, "GET", "/")).ok, true);
    await server.shutdown();
    const result = await setup.request(pool, "POST", "/orders/create/1");
    assert.equal(!result.ok && result.error, "connect");
    assert.match(!result.ok ? result.message : "", / \(sent 2 times\)$/);
    assert.equal(setup.retried, 1);
  } finally {
    setup.stop();
    await pool.close();
  }
});
