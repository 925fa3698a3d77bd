/**
 * How `HttpPool` connects (lib/checkout/driver/_http_connector.ts), against the http.server
 * service of `_checkout_service.py`: a full accept queue is a `connect_timeout` with nothing
 * sent, and the request's own time limit starts once it is connected.
 *
 * @module
 */

import assert from "node:assert/strict";
import { HttpPool } from "../../../lib/checkout/driver/http_pool.ts";
import {
  hasPython,
  type PythonCheckoutService,
  startPythonCheckoutService,
} from "../_python_checkout_service.ts";

async function withService<T>(fn: (service: PythonCheckoutService) => Promise<T>): Promise<T> {
  const service = await startPythonCheckoutService({ mode: "correct" });
  try {
    return await fn(service);
  } finally {
    await service.close();
  }
}

Deno.test({
  name: "HttpPool resolves connect_timeout, having sent nothing, while the accept queue is full",
  ignore: !hasPython,
  async fn() {
    await withService(async (service) => {
      const pool = new HttpPool({ url: service.url, connections: 4, connectTimeoutMs: 300 });
      try {
        const first = await pool.request("POST", "/payment/create_user");
        assert.equal(first.ok && first.status, 200);
        await service.pause();
        const results = await Promise.all(
          [1, 2, 3, 4].map(() => pool.request("POST", "/payment/create_user")),
        );
        for (const result of results) {
          assert.equal(!result.ok && result.error, "connect_timeout");
          assert.match(
            !result.ok ? result.message : "",
            /^no connection to 127\.0\.0\.1:\d+ within 300 ms$/,
          );
        }
        // Once a handshake was measured, one that gets no answer is tried again before 1 s.
        assert.ok(pool.reattempts > 0);
        await service.resume();
        const again = await pool.request("POST", "/payment/create_user");
        assert.equal(again.ok && again.status, 200);
        assert.equal((await service.stats()).users, 2);
        assert.equal(pool.opened, 2);
      } finally {
        await pool.close();
      }
    });
  },
});

Deno.test({
  name: "HttpPool's request time limit starts once the connection is open",
  ignore: !hasPython,
  async fn() {
    await withService(async (service) => {
      const pool = new HttpPool({
        url: service.url,
        connections: 1,
        timeoutMs: 200,
        connectTimeoutMs: 30_000,
      });
      try {
        assert.equal((await pool.request("GET", "/_stats")).ok, true);
        await service.pause();
        const startMs = performance.now();
        const pending = pool.request("POST", "/payment/create_user");
        // The service accepts again once the request has waited longer than its time limit.
        while (performance.now() - startMs < 500 || pool.reattempts === 0) {
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
        await service.resume();
        const result = await pending;
        assert.equal(result.ok && result.status, 200, JSON.stringify(result));
        assert.equal((await service.stats()).users, 1);
      } finally {
        await pool.close();
      }
    });
  },
});

Deno.test("HttpPool rejects a connect time limit that is not a positive integer", () => {
  assert.throws(
    () => new HttpPool({ url: "http://127.0.0.1:1", connections: 1, connectTimeoutMs: 0 }),
    /connectTimeoutMs/,
  );
});
