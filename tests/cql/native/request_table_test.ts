// The stream id pool (32768 ids, no allocation) and the table of requests in flight: timeouts
// keep their id, queued requests time out in order.
import assert from "node:assert/strict";
import { RequestTable, SLOT } from "../../../lib/cql/native/request_table.ts";
import { MAX_STREAM_IDS, StreamIdPool } from "../../../lib/cql/native/stream_id_pool.ts";

Deno.test("the pool hands out every id of 0..32767 once, lowest first, and takes them back", () => {
  const pool = new StreamIdPool(MAX_STREAM_IDS);
  const seen = new Set<number>();
  for (let i = 0; i < MAX_STREAM_IDS; i++) {
    const id = pool.take();
    assert.equal(id, i);
    seen.add(id);
  }
  assert.equal(seen.size, MAX_STREAM_IDS);
  assert.equal(pool.take(), -1);
  pool.give(32767);
  pool.give(5);
  assert.deepEqual([pool.take(), pool.take(), pool.take()], [5, 32767, -1]);
  assert.throws(() => new StreamIdPool(0), RangeError);
  assert.throws(() => new StreamIdPool(MAX_STREAM_IDS + 1), RangeError);
});

Deno.test("timed-out requests keep their id; queued ones leave the queue in order", () => {
  const table = new RequestTable(2);
  const settled: string[] = [];
  const request = (name: string, deadlineMs: number) => ({
    kind: 1,
    subject: name,
    values: null,
    options: null,
    resolve: () => settled.push(`${name} ok`),
    reject: () => settled.push(`${name} failed`),
    deadlineMs,
    timeoutMs: deadlineMs,
  });
  table.begin(table.take(), request("a", 10));
  table.begin(table.take(), request("b", Infinity));
  assert.equal(table.take(), -1);
  table.queue.push(request("c", 5), request("d", 50));
  const timedOut: number[] = [];
  const dropped: string[] = [];
  table.expire(20, (stream) => timedOut.push(stream), (q) => dropped.push(q.subject as string));
  assert.deepEqual(timedOut, [0]);
  assert.deepEqual(dropped, ["c"]);
  assert.deepEqual(table.queue.map((q) => q.subject), ["d"]);
  assert.equal(table.state[0], SLOT.timedOut);
  assert.equal(table.reject[0], null, "a timed-out request cannot be settled twice");
  assert.equal(table.inFlight, 2);
  table.release(0);
  assert.equal(table.inFlight, 1);
  assert.equal(table.take(), 0);
  assert.equal(table.highestId, 1);
  assert.deepEqual(settled, []);
});
