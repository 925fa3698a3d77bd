// A minimal HTTP/1.1 endpoint for the HTTP client benchmarks: answers `200 ok` (Content-Length 2,
// keep-alive) to any request.
//
//   deno run -A bench/_http_endpoint.ts [port=0] [impl=serve|raw]
//
// Prints `listening on http://127.0.0.1:PORT` and serves until SIGTERM/SIGINT.
//
// `serve` (the default) is Deno.serve (hyper, in Rust). `raw` is a Deno.listen loop: it reads,
// counts complete request heads (skipping Content-Length bodies, so pipelined requests are
// answered too) and writes one canned response per request in one write. Deno.serve was the
// faster: wrk -t2 -c50 on this 2-core machine, 5 s: 67.6k vs 61.8k requests/s; inside
// bench/http_vs_wrk.ts, 10 s: wrk 93.0k vs 70.2k, ours 111k vs 90.9k (a shared, noisy machine).
// deno-lint-ignore-file no-console

const RESPONSE = new TextEncoder().encode(
  "HTTP/1.1 200 OK\r\ncontent-length: 2\r\ncontent-type: text/plain\r\n\r\nok",
);

/** Serves one connection of the raw loop. */
async function serveRaw(conn: Deno.TcpConn): Promise<void> {
  conn.setNoDelay(true);
  let buffer = new Uint8Array(64 * 1024);
  let out = new Uint8Array(RESPONSE.length * 64);
  let end = 0;
  /** Bytes of request body still to skip. */
  let skip = 0;
  try {
    for (;;) {
      if (end === buffer.length) {
        const bigger = new Uint8Array(buffer.length * 2);
        bigger.set(buffer);
        buffer = bigger;
      }
      const n = await conn.read(end === 0 ? buffer : buffer.subarray(end));
      if (n === null) return;
      end += n;
      let start = 0;
      let responses = 0;
      for (;;) {
        if (skip > 0) {
          const take = Math.min(skip, end - start);
          skip -= take;
          start += take;
          if (skip > 0) break;
        }
        const headEnd = findHeadEnd(buffer, start, end);
        if (headEnd < 0) break;
        skip = contentLength(buffer, start, headEnd);
        start = headEnd;
        responses++;
      }
      if (start > 0) {
        buffer.copyWithin(0, start, end);
        end -= start;
      }
      if (responses > 0) {
        const bytes = RESPONSE.length * responses;
        if (bytes > out.length) out = new Uint8Array(bytes * 2);
        for (let i = 0; i < responses; i++) out.set(RESPONSE, i * RESPONSE.length);
        let written = 0;
        const view = responses === 1 ? RESPONSE : out.subarray(0, bytes);
        while (written < bytes) written += await conn.write(view.subarray(written));
      }
    }
  } catch {
    // Reset by the client.
  } finally {
    try {
      conn.close();
    } catch {
      // Already closed.
    }
  }
}

function findHeadEnd(buffer: Uint8Array, start: number, end: number): number {
  for (let i = start + 3; i < end; i++) {
    if (buffer[i] === 10 && buffer[i - 1] === 13 && buffer[i - 2] === 10 && buffer[i - 3] === 13) {
      return i + 1;
    }
  }
  return -1;
}

/** The Content-Length of the head in `[start, end)`, 0 when absent. */
function contentLength(buffer: Uint8Array, start: number, end: number): number {
  const name = "content-length:";
  outer: for (let i = start; i < end - name.length; i++) {
    if (buffer[i] !== 10) continue;
    for (let j = 0; j < name.length; j++) {
      if ((buffer[i + 1 + j] | 0x20) !== name.charCodeAt(j)) continue outer;
    }
    let value = 0;
    for (let k = i + 1 + name.length; k < end; k++) {
      const b = buffer[k];
      if (b >= 48 && b <= 57) value = value * 10 + b - 48;
      else if (b !== 32) break;
    }
    return value;
  }
  return 0;
}

async function main(): Promise<void> {
  const port = Number(Deno.args[0] ?? "0");
  const impl = Deno.args[1] ?? "serve";
  const controller = new AbortController();
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    Deno.addSignalListener(signal, () => controller.abort());
  }
  if (impl === "serve") {
    const server = Deno.serve({
      hostname: "127.0.0.1",
      port,
      signal: controller.signal,
      onListen: ({ port }) => console.log(`listening on http://127.0.0.1:${port}`),
    }, () => new Response("ok"));
    await server.finished;
    Deno.exit(0);
  }
  const listener = Deno.listen({ hostname: "127.0.0.1", port });
  controller.signal.addEventListener("abort", () => {
    listener.close();
    Deno.exit(0);
  });
  console.log(`listening on http://127.0.0.1:${listener.addr.port}`);
  try {
    for await (const conn of listener) serveRaw(conn);
  } catch {
    // Closed.
  }
}

if (import.meta.main) await main();
