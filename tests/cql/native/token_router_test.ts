import assert from "node:assert/strict";
import fc from "fast-check";
import { type RingHost, TokenMap } from "../../../lib/cql/native/token_map.ts";
import { TokenRouter } from "../../../lib/cql/native/token_router.ts";
import { TargetError } from "../../../lib/errors.ts";

function host(address: string, tokens: number[], dc = "dc1"): RingHost {
  return { address, datacenter: dc, rack: "r1", tokens: tokens.map(String) };
}

const HOSTS = [
  host("a", [0]),
  host("x", [5], "dc2"),
  host("b", [10]),
  host("c", [20]),
  host("d", [30]),
  host("idle", []),
];

function addresses(map: TokenMap, out: Int32Array, n: number): string[] {
  return [...out.subarray(0, n)].map((i) => map.hosts[i].address);
}

Deno.test("TokenRouter.plan() lists the local replicas first, rotated per plan, then the other local hosts", () => {
  const map = new TokenMap(HOSTS, { class: "NetworkTopologyStrategy", dc1: "2", dc2: "1" });
  const router = new TokenRouter(map, { localDc: "dc1" });
  assert.equal(router.localHostCount, 5);
  const out = new Int32Array(8);
  const range = map.rangeOfToken(1n); // replicas b, c (and x in dc2)
  assert.deepEqual(addresses(map, out, router.plan(range, out)), ["b", "c", "a", "d", "idle"]);
  assert.deepEqual(addresses(map, out, router.plan(range, out)), ["c", "b", "d", "idle", "a"]);
  assert.deepEqual(addresses(map, out, router.plan(range, out)), ["b", "c", "d", "idle", "a"]);
});

Deno.test("TokenRouter.plan() fills only what fits in the buffer", () => {
  const map = new TokenMap(HOSTS, { class: "SimpleStrategy", replication_factor: "3" });
  const router = new TokenRouter(map, { localDc: "dc1" });
  const one = new Int32Array(1);
  const firsts = [0, 1, 2, 3].map(() =>
    addresses(map, one, router.plan(map.rangeOfToken(6n), one))
  );
  // Replicas of 6: b, c, d; one at a time, in turn.
  assert.deepEqual(firsts, [["b"], ["c"], ["d"], ["b"]]);
  const two = new Int32Array(4);
  // Replicas x (dc2), b, c for token 3: local ones b, c; then a and d, never a replica twice.
  const plan = addresses(map, two, router.plan(map.rangeOfToken(3n), two));
  assert.equal(plan.length, 4);
  assert.deepEqual(plan.slice(0, 2).sort(), ["b", "c"]);
  assert.equal(new Set(plan).size, 4);
});

Deno.test("TokenRouter.plan() of range -1 (a ring without tokens) plans the local hosts in turn", () => {
  const map = new TokenMap([host("a", []), host("b", [])], { class: "SimpleStrategy" });
  const router = new TokenRouter(map, { localDc: "dc1" });
  const out = new Int32Array(2);
  assert.deepEqual(addresses(map, out, router.plan(-1, out)), ["a", "b"]);
  assert.deepEqual(addresses(map, out, router.plan(-1, out)), ["b", "a"]);
});

Deno.test("TokenRouter.planOf() gives every local host, the token's local replicas first", () => {
  const map = new TokenMap(HOSTS, { class: "SimpleStrategy", replication_factor: "2" });
  const router = new TokenRouter(map, { localDc: "dc1" });
  assert.deepEqual(router.planOf(25n).map((h) => h.address), ["d", "a", "b", "c", "idle"]);
  const remote = new TokenRouter(map, { localDc: "dc2" });
  assert.deepEqual(remote.planOf(1n).map((h) => h.address), ["x"]);
});

Deno.test("TokenRouter without a local data center (loadbalance=round-robin) plans every data center's hosts", () => {
  const map = new TokenMap(HOSTS, { class: "NetworkTopologyStrategy", dc1: "2", dc2: "1" });
  const router = new TokenRouter(map, { localDc: null });
  assert.equal(router.localHostCount, 6);
  // Replicas of 1: b, c in dc1 and x in dc2, all of them first.
  const plan = router.planOf(1n).map((h) => h.address);
  assert.deepEqual(plan.slice(0, 3).sort(), ["b", "c", "x"]);
  assert.deepEqual(plan.slice(3).sort(), ["a", "d", "idle"]);
});

Deno.test("TokenRouter with a local rack (loadbalance=rack-aware) plans that rack's replicas first", () => {
  const racked = (address: string, tokens: number[], rack: string): RingHost => ({
    ...host(address, tokens),
    rack,
  });
  const map = new TokenMap(
    [racked("a", [0], "r1"), racked("b", [10], "r2"), racked("c", [20], "r1")],
    { class: "SimpleStrategy", replication_factor: "2" },
  );
  const out = new Int32Array(3);
  const range = map.rangeOfToken(5n); // replicas b (r2), c (r1)
  const rackAware = new TokenRouter(map, { localDc: "dc1", localRack: "r1" });
  const dcAware = new TokenRouter(map, { localDc: "dc1" });
  for (let turn = 0; turn < 4; turn++) {
    // The rack's replica leads every plan; the other replica follows, then the other host.
    assert.deepEqual(addresses(map, out, rackAware.plan(range, out)), ["c", "b", "a"]);
  }
  const leads = [0, 1, 2, 3].map(() => addresses(map, out, dcAware.plan(range, out))[0]);
  assert.deepEqual(leads, ["b", "c", "b", "c"]);
});

Deno.test("TokenRouter refuses a local data center without hosts", () => {
  const map = new TokenMap(HOSTS, { class: "SimpleStrategy", replication_factor: "1" });
  assert.throws(
    () => new TokenRouter(map, { localDc: "dc9" }),
    (error) =>
      error instanceof TargetError &&
      error.message ===
        'Cannot route to data center "dc9": no host is in it, expected one of the data centers found (dc1, dc2)',
  );
});

const ringArb = fc.array(
  fc.record({
    dc: fc.constantFrom("dc1", "dc2"),
    tokens: fc.uniqueArray(fc.integer({ min: -1000, max: 1000 }), { maxLength: 4 }),
  }),
  { minLength: 1, maxLength: 7 },
).map((places) => places.map((p, i) => host(`h${i}`, p.tokens, p.dc)))
  .filter((hosts) => hosts.some((h) => h.datacenter === "dc1"));

Deno.test("TokenRouter.plan() is a permutation of the local hosts, local replicas first, each replica first in turn", () => {
  fc.assert(
    fc.property(ringArb, fc.integer({ min: 1, max: 4 }), fc.integer(), (hosts, rf, token) => {
      const map = new TokenMap(hosts, { class: "SimpleStrategy", replication_factor: String(rf) });
      const router = new TokenRouter(map, { localDc: "dc1" });
      const range = map.rangeOf(token < 0 ? -1 : 0, token >>> 0);
      const local = hosts.filter((h) => h.datacenter === "dc1").map((h) => h.address);
      const replicas = map.replicasOfRange(range).filter((h) => h.datacenter === "dc1")
        .map((h) => h.address);
      const out = new Int32Array(local.length);
      const firsts = new Set<string>();
      for (let turn = 0; turn < Math.max(1, replicas.length); turn++) {
        const plan = addresses(map, out, router.plan(range, out));
        assert.deepEqual([...plan].sort(), [...local].sort());
        assert.deepEqual(plan.slice(0, replicas.length).sort(), [...replicas].sort());
        firsts.add(plan[0]);
      }
      if (replicas.length > 0) assert.equal(firsts.size, replicas.length);
    }),
    { numRuns: 500, seed: 31 },
  );
});
