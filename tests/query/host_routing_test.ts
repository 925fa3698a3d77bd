import assert from "node:assert/strict";
import fc from "fast-check";
import { HostRouting } from "../../lib/query/host_routing.ts";
import { RendezvousDispatcher } from "../../lib/core/rendezvous_dispatcher.ts";
import { QueryParamsReader, type QueryParamsRow } from "../../lib/query/query_params.ts";

const FC_SEED = 5;
const FC_RUNS = 300;
const LOAD_FACTOR = 1.25;
const DATA_FILE = new URL("../testdata/timescale/query_params.csv", import.meta.url);

/** A stream of rows: host names with repeats, in the order a file would give them. */
const scenario = fc.record({
  workers: fc.integer({ min: 1, max: 12 }),
  seed: fc.integer({ min: 0, max: 2 ** 31 }),
  rows: fc.array(fc.integer({ min: 0, max: 60 }).map((i) => `host_${i}`), { maxLength: 300 }),
});

function check<Ts>(property: fc.IProperty<Ts>): void {
  fc.assert(property, { numRuns: FC_RUNS, seed: FC_SEED });
}

Deno.test("HostRouting.route() keeps every row of a host on one worker and never reassigns (property)", () => {
  check(fc.property(scenario, ({ workers, seed, rows }) => {
    const routing = new HostRouting(workers, { seed });
    const first = new Map<string, number>();
    for (const host of rows) {
      const worker = routing.route(host);
      assert.ok(Number.isInteger(worker) && worker >= 0 && worker < workers);
      if (!first.has(host)) first.set(host, worker);
      assert.equal(worker, first.get(host), `${host} moved`);
    }
    for (const [host, worker] of first) assert.equal(routing.workerOf(host), worker);
    assert.equal(routing.hostCount, first.size);
    const counts = new Array<number>(workers).fill(0);
    for (const worker of first.values()) counts[worker]++;
    assert.deepEqual(routing.hostCounts(), counts);
  }));
});

Deno.test("HostRouting.route() gives the same assignment for the same seed and order (property)", () => {
  check(fc.property(scenario, ({ workers, seed, rows }) => {
    const a = new HostRouting(workers, { seed });
    const b = new HostRouting(workers, { seed });
    assert.deepEqual(rows.map((host) => a.route(host)), rows.map((host) => b.route(host)));
  }));
});

Deno.test("HostRouting.route() gives every worker 2 hosts once there are 2 per worker (property)", () => {
  check(fc.property(scenario, ({ workers, seed, rows }) => {
    const routing = new HostRouting(workers, { seed });
    for (const host of rows) {
      routing.route(host);
      const counts = routing.hostCounts();
      const least = Math.min(...counts);
      const most = Math.max(...counts);
      if (routing.hostCount >= 2 * workers) {
        assert.ok(least >= 2, `${routing.hostCount} hosts on ${workers} workers: ${counts}`);
      } else {
        // Fewer hosts than that: filled level, no worker idles while another holds two.
        assert.ok(most - least <= 1, `${routing.hostCount} hosts: ${counts}`);
      }
    }
  }));
});

Deno.test("HostRouting.route() bounds the hosts per worker by the load factor (property)", () => {
  check(fc.property(scenario, fc.double({ min: 1, max: 3, noNaN: true }), (s, loadFactor) => {
    const routing = new HostRouting(s.workers, { seed: s.seed, loadFactor });
    for (const host of s.rows) {
      routing.route(host);
      const bound = Math.max(2, Math.ceil(loadFactor * routing.hostCount / s.workers));
      assert.ok(Math.max(...routing.hostCounts()) <= bound);
    }
  }));
});

Deno.test("HostRouting.route() with load factor 1 keeps host counts within one of each other", () => {
  const routing = new HostRouting(7, { loadFactor: 1 });
  for (let i = 0; i < 1000; i++) {
    routing.route(`host_${i}`);
    const counts = routing.hostCounts();
    assert.ok(Math.max(...counts) - Math.min(...counts) <= 1, `after ${i + 1}: ${counts}`);
  }
});

Deno.test("HostRouting.route() sends most hosts to their rendezvous owner once filled", () => {
  const workers = 10;
  const routing = new HostRouting(workers, { seed: 3 });
  const dispatcher = new RendezvousDispatcher(workers, { seed: 3 });
  let owned = 0;
  const hosts = 2000;
  for (let i = 0; i < hosts; i++) {
    if (routing.route(`host_${i}`) === dispatcher.select(`host_${i}`)) owned++;
  }
  // Fixed keys and seed, so this is deterministic; unbounded rendezvous would be 100%.
  assert.ok(owned >= 0.95 * hosts, `${owned} of ${hosts} on their rendezvous owner`);
  const counts = routing.hostCounts();
  assert.ok(Math.max(...counts) <= Math.ceil(LOAD_FACTOR * hosts / workers), `${counts}`);
});

Deno.test("HostRouting routes the assignment's 200 rows with at least 2 hosts per worker", async () => {
  const reader = new QueryParamsReader();
  const rows = [...reader.push(await Deno.readTextFile(DATA_FILE)), ...reader.end()]
    .filter((item): item is QueryParamsRow => item.kind === "row");
  for (let workers = 1; workers <= 5; workers++) {
    const routing = new HostRouting(workers);
    const rowsPerWorker = new Array<number>(workers).fill(0);
    for (const row of rows) rowsPerWorker[routing.route(row.host)]++;
    const counts = routing.hostCounts();
    assert.equal(routing.hostCount, 10);
    assert.ok(Math.min(...counts) >= 2, `${workers} workers: ${counts}`);
    assert.ok(Math.max(...counts) <= Math.max(2, Math.ceil(LOAD_FACTOR * 10 / workers)));
    assert.equal(rowsPerWorker.reduce((a, b) => a + b), 200);
  }
  // 10 hosts on 10 workers cannot give each 2: one host each, none idle.
  const routing = new HostRouting(10);
  for (const row of rows) routing.route(row.host);
  assert.deepEqual(routing.hostCounts(), new Array(10).fill(1));
});

Deno.test("new HostRouting() rejects a bad worker count or load factor", () => {
  assert.throws(() => new HostRouting(0), RangeError);
  assert.throws(() => new HostRouting(1.5), RangeError);
  assert.throws(
    () => new HostRouting(2, { loadFactor: 0.5 }),
    /Cannot create host routing: loadFactor is "0.5", expected a number >= 1/,
  );
  assert.throws(() => new HostRouting(2, { loadFactor: NaN }), RangeError);
});
