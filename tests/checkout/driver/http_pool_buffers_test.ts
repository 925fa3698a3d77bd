// A pool's connections cost nothing until they are used: --connections 20000 took 838 MB before
// the first request (36 KB of buffers a connection, made in the constructor).
import assert from "node:assert/strict";
import { HttpPool } from "../../../lib/checkout/driver/http_pool.ts";

Deno.test("HttpPool allocates no buffer for a connection it has not used", async () => {
  // --connections 20000 took 838 MB before the first request: 36 KB of buffers a connection.
  const before = Deno.memoryUsage().external;
  const pool = new HttpPool({ url: "http://127.0.0.1:1", connections: 20_000 });
  const grown = Deno.memoryUsage().external - before;
  await pool.close();
  assert.ok(grown < 20 * 1024 * 1024, `${grown} bytes for 20,000 unused connections`);
});
