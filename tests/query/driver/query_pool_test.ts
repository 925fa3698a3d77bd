import assert from "node:assert/strict";
import { QueryPool } from "../../../lib/query/driver/query_pool.ts";
import type { QueryWorkerRow } from "../../../lib/query/query_protocol.ts";

/** `count` rows of one host. */
function rowsOf(count: number): QueryWorkerRow[] {
  return Array.from({ length: count }, (_, i) => ({
    line: i + 2,
    host: "host_000000",
    startMs: Date.UTC(2017, 0, 1),
    endMs: Date.UTC(2017, 0, 1, 1),
  }));
}

Deno.test("QueryPool counts as not run the rows of a stopped Worker whose connection then fails", async () => {
  // A "server" that accepts the Worker's connection, reads its startup message and answers
  // nothing until it is told to hang up: the Worker is still connecting when the stop comes.
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  const accepted = listener.accept();
  const fatal: string[] = [];
  const pool = new QueryPool({
    workerCount: 1,
    maxQueuedRows: 4096,
    init: {
      url: `postgres://postgres@127.0.0.1:${port}/postgres`,
      sql: "SELECT 1",
      prepare: true,
      statementTimeoutMs: 0,
      collectResults: false,
      failFast: false,
    },
    onFailure: () => {},
    onAnswers: () => {},
    onFatal: (_, message) => void fatal.push(message),
    onLost: () => {},
  });
  try {
    await pool.dispatch(0, rowsOf(5));
    const conn = await accepted;
    await conn.read(new Uint8Array(1024)); // the startup message: the Worker waits for an answer
    pool.stopAll(); // as when another Worker cannot connect
    await new Promise((resolve) => setTimeout(resolve, 200)); // the Worker takes the stop
    conn.close(); // then its connection fails
    await pool.finish({ stop: true });
  } finally {
    pool.terminate();
    listener.close();
  }
  assert.equal(fatal.length, 1);
  assert.equal(pool.dropped, 5, "every row dispatched is either run or counted as not run");
});

Deno.test("QueryPool counts as not run the rows that reach a Worker after it gave up connecting", async () => {
  // A port where nothing listens: the Worker's connection is refused at once.
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  const pool = new QueryPool({
    workerCount: 1,
    maxQueuedRows: 4096,
    init: {
      url: `postgres://postgres@127.0.0.1:${port}/postgres`,
      sql: "SELECT 1",
      prepare: true,
      statementTimeoutMs: 0,
      collectResults: false,
      failFast: false,
    },
    onFailure: () => {},
    onAnswers: () => {},
    onFatal: () => {},
    onLost: () => {},
  });
  try {
    await pool.dispatch(0, rowsOf(5));
    // The main thread is busy while the Worker fails and finishes: it has not heard of it yet
    // when it routes the next rows, as when it reads a long input.
    const until = performance.now() + 1000;
    while (performance.now() < until) { /* busy */ }
    await pool.dispatch(0, rowsOf(7));
    await pool.finish({ stop: false });
  } finally {
    pool.terminate();
  }
  assert.equal(pool.dropped, 12, "every row dispatched is either run or counted as not run");
});
