import assert from "node:assert/strict";
import { HttpPool } from "../../../lib/checkout/driver/http_pool.ts";
import type { HttpResult } from "../../../lib/checkout/driver/http_result.ts";
import { OptionError } from "../../../lib/errors.ts";
import { VERSION } from "../../../lib/version.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Fails the test when `promise` takes longer than `ms`. */
async function within<T>(promise: Promise<T>, ms = 5000): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Timed out after ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function text(result: HttpResult): string {
  assert.ok(result.ok, `expected a response, got ${JSON.stringify(result)}`);
  return decoder.decode(result.body);
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

interface RawServer {
  url: string;
  port: number;
  accepted: number;
  close(): Promise<void>;
}

/**
 * A `Deno.listen` server for the protocol cases `Deno.serve` cannot produce. It reads the first
 * request of every accepted connection, then runs `handle` on it with the connection's index
 * among those that carried a request (`accepted` counts them), and closes it when `handle`
 * returns. A connection closed before any request is not handed on: the pool gives up a TCP
 * handshake that takes too long and tries again, and under load the server may accept the
 * given-up one too.
 */
function rawServer(
  handle: (conn: Deno.Conn, index: number, first: string) => Promise<void>,
): RawServer {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const conns = new Set<Deno.Conn>();
  const tasks = new Set<Promise<void>>();
  const server: RawServer = {
    url: `http://127.0.0.1:${listener.addr.port}`,
    port: listener.addr.port,
    accepted: 0,
    async close() {
      listener.close();
      await accepting;
      for (const conn of conns) closeQuietly(conn);
      await Promise.all(tasks);
    },
  };
  const accepting = (async () => {
    try {
      for await (const conn of listener) {
        conns.add(conn);
        const served = async () => {
          const first = await readRequest(conn);
          if (first === null) return;
          await handle(conn, server.accepted++, first);
        };
        const task: Promise<void> = served().catch(() => {}).finally(() => {
          closeQuietly(conn);
          conns.delete(conn);
          tasks.delete(task);
        });
        tasks.add(task);
      }
    } catch {
      // Listener closed.
    }
  })();
  return server;
}

function closeQuietly(conn: Deno.Conn): void {
  try {
    conn.close();
  } catch {
    // Already closed.
  }
}

/** Reads from `conn` until a complete request head (and its Content-Length body) arrived. */
async function readRequest(conn: Deno.Conn): Promise<string | null> {
  const buffer = new Uint8Array(64 * 1024);
  let end = 0;
  for (;;) {
    const n = await conn.read(buffer.subarray(end));
    if (n === null) return null;
    end += n;
    const textSoFar = decoder.decode(buffer.subarray(0, end));
    const headEnd = textSoFar.indexOf("\r\n\r\n");
    if (headEnd < 0) continue;
    const length = /content-length: *(\d+)/i.exec(textSoFar.slice(0, headEnd));
    if (end >= headEnd + 4 + (length ? Number(length[1]) : 0)) return textSoFar;
  }
}

async function writeAll(conn: Deno.Conn, data: string | Uint8Array): Promise<void> {
  const bytes = typeof data === "string" ? encoder.encode(data) : data;
  let written = 0;
  while (written < bytes.length) written += await conn.write(bytes.subarray(written));
}

/** A raw server that answers each request on a connection with the next of `responses`. */
function cannedServer(...responses: (string | string[])[]): RawServer {
  return rawServer(async (conn) => {
    for (const [i, response] of responses.entries()) {
      if (i > 0 && (await readRequest(conn)) === null) return;
      for (const piece of Array.isArray(response) ? response : [response]) {
        await writeAll(conn, piece);
        await delay(2);
      }
    }
    await readRequest(conn);
  });
}

function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = listener.addr.port;
  listener.close();
  return port;
}

Deno.test("HttpPool reuses a keep-alive connection for sequential requests", async () => {
  const ports = new Set<number>();
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, (_, info) => {
    ports.add(info.remoteAddr.port);
    return new Response("ok");
  });
  const pool = new HttpPool({ url: `http://127.0.0.1:${server.addr.port}`, connections: 4 });
  try {
    for (let i = 0; i < 20; i++) assert.equal(text(await within(pool.request("GET", "/"))), "ok");
    assert.equal(ports.size, 1);
    const results = await within(
      Promise.all(Array.from({ length: 40 }, () => pool.request("GET", "/"))),
    );
    assert.ok(results.every((result) => result.ok && result.status === 200));
    assert.ok(ports.size <= 4, `expected at most 4 connections, got ${ports.size}`);
  } finally {
    await pool.close();
    await server.shutdown();
  }
});

Deno.test("HttpPool keeps at most `connections` requests in flight", async () => {
  let active = 0;
  let most = 0;
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async () => {
    active++;
    most = Math.max(most, active);
    await delay(20);
    active--;
    return new Response("ok");
  });
  const pool = new HttpPool({ url: `http://127.0.0.1:${server.addr.port}`, connections: 3 });
  try {
    const pending = Array.from({ length: 12 }, () => pool.request("GET", "/"));
    assert.equal(pool.inFlight, 3);
    assert.equal(pool.queued, 9);
    const results = await within(Promise.all(pending));
    assert.ok(results.every((result) => result.ok));
    assert.equal(most, 3);
    assert.equal(pool.inFlight, 0);
  } finally {
    await pool.close();
    await server.shutdown();
  }
});

Deno.test("HttpPool sends queued requests in FIFO order", async () => {
  const seen: string[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, (request) => {
    seen.push(new URL(request.url).pathname);
    return new Response("ok");
  });
  const pool = new HttpPool({ url: `http://127.0.0.1:${server.addr.port}`, connections: 1 });
  try {
    const resolved: number[] = [];
    await within(
      Promise.all(
        Array.from(
          { length: 8 },
          (_, i) => pool.request("GET", `/${i}`).then(() => resolved.push(i)),
        ),
      ),
    );
    assert.deepEqual(seen, ["/0", "/1", "/2", "/3", "/4", "/5", "/6", "/7"]);
    assert.deepEqual(resolved, [0, 1, 2, 3, 4, 5, 6, 7]);
  } finally {
    await pool.close();
    await server.shutdown();
  }
});

Deno.test("HttpPool resolves queue_full beyond maxQueue", async () => {
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async () => {
    await delay(10);
    return new Response("ok");
  });
  const pool = new HttpPool({
    url: `http://127.0.0.1:${server.addr.port}`,
    connections: 1,
    maxQueue: 2,
  });
  try {
    const results = await within(
      Promise.all(Array.from({ length: 5 }, () => pool.request("GET", "/"))),
    );
    assert.deepEqual(
      results.map((result) => result.ok ? result.status : result.error),
      [200, 200, 200, "queue_full", "queue_full"],
    );
  } finally {
    await pool.close();
    await server.shutdown();
  }
});

Deno.test("HttpPool sends Host, User-Agent, Content-Length and headers", async () => {
  const requests: string[] = [];
  const server = rawServer(async (conn, _index, first) => {
    for (let request: string | null = first; request !== null; request = await readRequest(conn)) {
      requests.push(request);
      await writeAll(conn, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
    }
  });
  const pool = new HttpPool({
    url: `${server.url}/api/`,
    connections: 1,
    headers: { "X-Run": "7" },
  });
  try {
    await within(pool.request("POST", "/pay/1", { body: "héllo", headers: { "X-Op": "pay" } }));
    await within(pool.request("PUT", "/raw", { body: new Uint8Array([1, 2, 3]) }));
    await within(pool.request("POST", "/empty"));
    await within(pool.request("GET", "/find?id=1"));
    assert.equal(
      requests[0],
      `POST /api/pay/1 HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\n` +
        `User-Agent: stress/${VERSION}\r\nConnection: keep-alive\r\nX-Run: 7\r\nX-Op: pay\r\n` +
        "Content-Length: 6\r\n\r\nhéllo",
    );
    assert.match(requests[1], /^PUT \/api\/raw HTTP\/1\.1\r\n[^]*\r\nContent-Length: 3\r\n\r\n/);
    assert.match(
      requests[2],
      /^POST \/api\/empty HTTP\/1\.1\r\n[^]*\r\nContent-Length: 0\r\n\r\n$/,
    );
    assert.match(requests[3], /^GET \/api\/find\?id=1 HTTP\/1\.1\r\n/);
    assert.doesNotMatch(requests[3], /Content-Length/);
    assert.equal(server.accepted, 1);
  } finally {
    await pool.close();
    await server.close();
  }
});

Deno.test("HttpPool reads Content-Length and chunked bodies split across reads", async () => {
  const big = "x".repeat(100_000);
  const server = cannedServer(
    ["HTTP/1.1 200 OK\r\nContent-Le", "ngth: 5\r\n\r\nhe", "llo"],
    [
      "HTTP/1.1 201 Created\r\nTransfer-Encoding: chunked\r\n\r\n3;ext=1\r\nabc\r\n",
      "A\r\n0123456789\r\n0\r\nX-Trailer: 1\r\n\r\n",
    ],
    `HTTP/1.1 200 OK\r\nContent-Length: ${big.length}\r\n\r\n${big}`,
    `HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n${
      big.length.toString(16)
    }\r\n${big}\r\n0\r\n\r\n`,
    "HTTP/1.1 204 No Content\r\n\r\n",
    "HTTP/1.1 304 Not Modified\r\nContent-Length: 10\r\n\r\n",
    "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok",
  );
  const pool = new HttpPool({ url: server.url, connections: 1 });
  try {
    assert.equal(text(await within(pool.request("GET", "/"))), "hello");
    const chunked = await within(pool.request("GET", "/"));
    assert.equal(chunked.ok && chunked.status, 201);
    assert.equal(text(chunked), "abc0123456789");
    assert.equal(text(await within(pool.request("GET", "/"))), big);
    assert.equal(text(await within(pool.request("GET", "/"))), big);
    const noContent = await within(pool.request("GET", "/"));
    assert.deepEqual(noContent, { ok: true, status: 204, body: new Uint8Array(0) });
    const notModified = await within(pool.request("GET", "/"));
    assert.equal(notModified.ok && notModified.status, 304);
    assert.equal(text(notModified), "");
    assert.equal(text(await within(pool.request("GET", "/"))), "ok");
    assert.equal(server.accepted, 1);
  } finally {
    await pool.close();
    await server.close();
  }
});

Deno.test("HttpPool reads a HEAD response without a body and keeps the connection", async () => {
  const ports = new Set<number>();
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, (_, info) => {
    ports.add(info.remoteAddr.port);
    return new Response("twelve bytes", { headers: { "X-Kind": "a" } });
  });
  const pool = new HttpPool({
    url: `http://127.0.0.1:${server.addr.port}`,
    connections: 1,
    responseHeaders: true,
  });
  try {
    const head = await within(pool.request("HEAD", "/"));
    assert.ok(head.ok);
    assert.equal(head.status, 200);
    assert.equal(head.body.length, 0);
    assert.equal(head.headers?.["x-kind"], "a");
    assert.equal(text(await within(pool.request("GET", "/"))), "twelve bytes");
    assert.equal(ports.size, 1);
  } finally {
    await pool.close();
    await server.shutdown();
  }
});

Deno.test("HttpPool honours Connection: close and reconnects on the next request", async () => {
  const server = cannedServer(
    "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok",
  );
  const pool = new HttpPool({ url: server.url, connections: 1 });
  try {
    for (let i = 0; i < 3; i++) assert.equal(text(await within(pool.request("GET", "/"))), "ok");
    assert.equal(server.accepted, 3);
  } finally {
    await pool.close();
    await server.close();
  }
});

Deno.test("HttpPool reads an HTTP/1.0 body until the server closes", async () => {
  const server = rawServer(async (conn) => {
    await writeAll(conn, "HTTP/1.0 200 OK\r\n\r\nuntil close");
  });
  const pool = new HttpPool({ url: server.url, connections: 1 });
  try {
    assert.equal(text(await within(pool.request("GET", "/"))), "until close");
    assert.equal(text(await within(pool.request("GET", "/"))), "until close");
    assert.equal(server.accepted, 2);
  } finally {
    await pool.close();
    await server.close();
  }
});

Deno.test("HttpPool resolves connect for a refused port", async () => {
  const pool = new HttpPool({ url: `http://127.0.0.1:${freePort()}`, connections: 2 });
  try {
    const result = await within(pool.request("GET", "/"));
    assert.equal(result.ok, false);
    assert.equal(!result.ok && result.error, "connect");
    assert.match(!result.ok ? result.message : "", /^cannot connect to 127\.0\.0\.1:\d+: /);
  } finally {
    await pool.close();
  }
});

Deno.test("HttpPool resolves timeout within the limit when the server never answers", async () => {
  const server = rawServer(async (conn) => {
    await readRequest(conn);
  });
  const pool = new HttpPool({ url: server.url, connections: 2, timeoutMs: 300 });
  try {
    const startMs = performance.now();
    const results = await within(Promise.all([pool.request("GET", "/"), pool.request("GET", "/")]));
    const elapsedMs = performance.now() - startMs;
    for (const result of results) assert.equal(!result.ok && result.error, "timeout");
    assert.ok(elapsedMs >= 290 && elapsedMs < 1500, `took ${elapsedMs} ms`);
  } finally {
    await pool.close();
    await server.close();
  }
});

Deno.test("HttpPool resolves reset when the server closes mid-response or before it", async () => {
  const server = rawServer(async (conn, index) => {
    if (index === 0) await writeAll(conn, "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc");
  });
  const pool = new HttpPool({ url: server.url, connections: 1 });
  try {
    const mid = await within(pool.request("GET", "/"));
    assert.deepEqual(mid, { ok: false, error: "reset", message: "the server closed mid-response" });
    const before = await within(pool.request("GET", "/"));
    assert.deepEqual(before, {
      ok: false,
      error: "reset",
      message: "the server closed before the status line",
    });
    assert.equal(server.accepted, 2);
  } finally {
    await pool.close();
    await server.close();
  }
});

Deno.test("HttpPool resolves bad_response for garbage and keeps working after it", async () => {
  const server = rawServer(async (conn, index) => {
    const answers = [
      "SSH-2.0-OpenSSH_9.6\r\n",
      "HTTP/1.1 2x0 OK\r\n\r\n",
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
      "HTTP/1.1 200 OK\r\nContent-Length: 1x\r\n\r\n",
      "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok",
    ];
    await writeAll(conn, answers[index]);
    await readRequest(conn);
  });
  const pool = new HttpPool({ url: server.url, connections: 1 });
  try {
    const messages = [];
    for (let i = 0; i < 4; i++) {
      const result = await within(pool.request("GET", "/"));
      assert.equal(!result.ok && result.error, "bad_response");
      messages.push(!result.ok && result.message);
    }
    assert.deepEqual(messages, [
      "not an HTTP response",
      "bad status line",
      "bad chunked encoding",
      "bad content-length",
    ]);
    assert.equal(text(await within(pool.request("GET", "/"))), "ok");
  } finally {
    await pool.close();
    await server.close();
  }
});

Deno.test("HttpPool resolves bad_response for a body over maxResponseBytes", async () => {
  const body = "y".repeat(5000);
  const server = cannedServer(
    `HTTP/1.1 200 OK\r\nContent-Length: ${body.length}\r\n\r\n${body}`,
    `HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n${"100\r\n" + "z".repeat(256) + "\r\n"}`
      .repeat(1),
  );
  const chunkedServer = rawServer(async (conn) => {
    await writeAll(conn, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
    for (let i = 0; i < 40; i++) await writeAll(conn, "100\r\n" + "z".repeat(256) + "\r\n");
    await readRequest(conn);
  });
  const pool = new HttpPool({ url: server.url, connections: 1, maxResponseBytes: 1000 });
  const chunkedPool = new HttpPool({
    url: chunkedServer.url,
    connections: 1,
    maxResponseBytes: 1000,
  });
  try {
    assert.deepEqual(await within(pool.request("GET", "/")), {
      ok: false,
      error: "bad_response",
      message: "the response is too large",
    });
    assert.deepEqual(await within(chunkedPool.request("GET", "/")), {
      ok: false,
      error: "bad_response",
      message: "the response is too large",
    });
  } finally {
    await pool.close();
    await chunkedPool.close();
    await server.close();
    await chunkedServer.close();
  }
});

Deno.test("HttpPool close() resolves requests in flight and queued with reset", async () => {
  const server = rawServer(async (conn) => {
    await readRequest(conn);
  });
  const pool = new HttpPool({ url: server.url, connections: 1 });
  try {
    const pending = [pool.request("GET", "/"), pool.request("GET", "/")];
    await delay(50);
    await within(pool.close());
    const results = await within(Promise.all(pending));
    for (const result of results) assert.equal(!result.ok && result.error, "reset");
    const after = await pool.request("GET", "/");
    assert.equal(!after.ok && after.error, "reset");
  } finally {
    await pool.close();
    await server.close();
  }
});

Deno.test("HttpPool rejects a bad URL, count or header", async () => {
  assert.throws(() => new HttpPool({ url: "ftp://x", connections: 1 }), OptionError);
  assert.throws(() => new HttpPool({ url: "not a url", connections: 1 }), OptionError);
  assert.throws(() => new HttpPool({ url: "http://x", connections: 0 }), OptionError);
  assert.throws(
    () => new HttpPool({ url: "http://x", connections: 1, headers: { "X": "a\r\nb" } }),
    TypeError,
  );
  const pool = new HttpPool({ url: "http://127.0.0.1:1", connections: 1 });
  await assert.rejects(pool.request("GET", "/a b"), TypeError);
  await pool.close();
});

Deno.test("HttpPool talks https with a trusted self-signed certificate", async (t) => {
  const dir = await Deno.makeTempDir();
  try {
    let made = false;
    try {
      const output = await new Deno.Command("openssl", {
        args: [
          "req",
          "-x509",
          "-newkey",
          "ec",
          "-pkeyopt",
          "ec_paramgen_curve:prime256v1",
          "-nodes",
          "-keyout",
          `${dir}/key.pem`,
          "-out",
          `${dir}/cert.pem`,
          "-days",
          "1",
          "-subj",
          "/CN=localhost",
          "-addext",
          "subjectAltName=DNS:localhost",
          "-addext",
          "basicConstraints=critical,CA:FALSE",
        ],
        stdout: "null",
        stderr: "null",
      }).output();
      made = output.success;
    } catch {
      made = false;
    }
    if (!made) {
      await t.step({ name: "skipped: openssl is not installed", ignore: true, fn() {} });
      return;
    }
    const cert = await Deno.readTextFile(`${dir}/cert.pem`);
    const key = await Deno.readTextFile(`${dir}/key.pem`);
    const server = Deno.serve(
      { hostname: "127.0.0.1", port: 0, cert, key, onListen() {} },
      () => new Response("secure"),
    );
    const pool = new HttpPool({
      url: `https://localhost:${server.addr.port}`,
      connections: 1,
      caCerts: [cert],
    });
    const untrusted = new HttpPool({
      url: `https://localhost:${server.addr.port}`,
      connections: 1,
    });
    try {
      assert.equal(text(await within(pool.request("GET", "/"))), "secure");
      assert.equal(text(await within(pool.request("GET", "/"))), "secure");
      const refused = await within(untrusted.request("GET", "/"));
      assert.equal(!refused.ok && refused.error, "connect");
    } finally {
      await pool.close();
      await untrusted.close();
      await server.shutdown();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("HttpPool does not reuse an idle connection the server closed", async () => {
  const server = rawServer(async (conn, index) => {
    await writeAll(conn, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
    if (index === 0) return; // Closes the kept-alive connection while the client is idle.
    await readRequest(conn);
  });
  const pool = new HttpPool({ url: server.url, connections: 1 });
  try {
    assert.equal(text(await within(pool.request("GET", "/"))), "ok");
    await delay(250); // More than a tick of the deadline timer (100 ms): the idle read is kept.
    // The idle connection's pending read saw the close: the request goes on a new connection.
    assert.equal(text(await within(pool.request("POST", "/orders/checkout/1"))), "ok");
    assert.equal(pool.resent, 0);
    assert.equal(server.accepted, 2);
  } finally {
    await pool.close();
    await server.close();
  }
});

Deno.test("HttpPool sends again, once, a request whose idle connection closed before any answer", async () => {
  // Connection 0 answers its first request, then closes on the next one without answering (as a
  // server's idle close that races the write): the request never reached the service.
  let answered = 0;
  const server = rawServer(async (conn, index) => {
    await writeAll(conn, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
    answered++;
    if (index === 0) {
      await readRequest(conn);
      return;
    }
    for (;;) {
      if ((await readRequest(conn)) === null) return;
      await writeAll(conn, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
      answered++;
    }
  });
  const pool = new HttpPool({ url: server.url, connections: 1 });
  try {
    assert.equal(text(await within(pool.request("GET", "/"))), "ok");
    await delay(50);
    assert.equal(text(await within(pool.request("POST", "/orders/checkout/1"))), "ok");
    assert.equal(pool.resent, 1);
    assert.equal(answered, 2);
    assert.equal(server.accepted, 2);
  } finally {
    await pool.close();
    await server.close();
  }
});

Deno.test("HttpPool does not send again a request closed on a connection that was not idle", async () => {
  // The second request waits in the queue and goes on the busy connection at once: the server
  // closing then is not an idle close, so it is a reset.
  const server = rawServer(async (conn) => {
    await delay(30);
    await writeAll(conn, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
    await readRequest(conn);
  });
  const pool = new HttpPool({ url: server.url, connections: 1 });
  try {
    const [first, second] = await within(
      Promise.all([pool.request("GET", "/"), pool.request("POST", "/orders/checkout/1")]),
    );
    assert.equal(text(first), "ok");
    assert.equal(!second.ok && second.error, "reset");
    assert.equal(pool.resent, 0);
    assert.equal(server.accepted, 1);
  } finally {
    await pool.close();
    await server.close();
  }
});

Deno.test("HttpPool works again on a new connection after a timeout", async () => {
  const server = rawServer(async (conn, index) => {
    if (index > 0) await writeAll(conn, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
    await readRequest(conn);
  });
  const pool = new HttpPool({ url: server.url, connections: 1, timeoutMs: 100 });
  try {
    const first = await within(pool.request("GET", "/"));
    assert.equal(!first.ok && first.error, "timeout");
    assert.equal(text(await within(pool.request("GET", "/"))), "ok");
    assert.equal(server.accepted, 2);
  } finally {
    await pool.close();
    await server.close();
  }
});

Deno.test("HttpPool calls onSend when a request is sent, after its wait for a free connection", async () => {
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async () => {
    await delay(100);
    return new Response("ok");
  });
  const pool = new HttpPool({ url: `http://127.0.0.1:${server.addr.port}`, connections: 1 });
  try {
    const queuedMs = performance.now();
    const sentMs: number[] = [];
    const onSend = () => sentMs.push(performance.now());
    const answeredMs: number[] = [];
    await within(Promise.all([0, 1].map(async () => {
      const result = await pool.request("GET", "/", { onSend });
      assert.ok(result.ok);
      answeredMs.push(performance.now());
    })));
    assert.equal(sentMs.length, 2);
    // The second waited about 100 ms for the one connection: it was sent after the first answer.
    assert.ok(sentMs[1] - queuedMs >= 90, `sent ${sentMs[1] - queuedMs} ms after it was queued`);
    assert.ok(sentMs[1] >= answeredMs[0] - 1);
    assert.ok(
      answeredMs[1] - sentMs[1] < 190,
      `answered ${answeredMs[1] - sentMs[1]} ms after send`,
    );
    // A request that never gets a connection is never sent.
    const closed = new HttpPool({ url: `http://127.0.0.1:${freePort()}`, connections: 1 });
    let called = false;
    const refused = await within(closed.request("GET", "/", { onSend: () => called = true }));
    assert.equal(refused.ok, false);
    assert.equal(called, false);
    await closed.close();
  } finally {
    await pool.close();
    await server.shutdown();
  }
});
