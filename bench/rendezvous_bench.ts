import { RendezvousDispatcher } from "../lib/core/rendezvous_dispatcher.ts";

const WORKERS = 10;
const KEY_COUNT = 4000; // e.g. TSBS host names
const KEYS = Array.from({ length: KEY_COUNT }, (_, i) => `host_${i}`);

/** The simplest correct dispatch: FNV-1a of the key, modulo the worker count. */
function moduloHash(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  return (h >>> 0) % WORKERS;
}

const cached = new RendezvousDispatcher(WORKERS, { seed: 1 });
for (const key of KEYS) cached.select(key); // warm the cache
const uncached = new RendezvousDispatcher(WORKERS, { seed: 1, cacheSize: 0 });

let cursor = 0;
let sink = 0;

// --- dispatch: one key to one of 10 workers -------------------------------------------------

Deno.bench({
  name: "modulo hash (uncached FNV-1a % N)",
  group: "dispatch",
  baseline: true,
  fn: () => {
    sink ^= moduloHash(KEYS[cursor]);
    cursor = cursor === KEY_COUNT - 1 ? 0 : cursor + 1;
  },
});

Deno.bench({
  name: "rendezvous, warmed cache",
  group: "dispatch",
  fn: () => {
    sink ^= cached.select(KEYS[cursor]);
    cursor = cursor === KEY_COUNT - 1 ? 0 : cursor + 1;
  },
});

Deno.bench({
  name: "rendezvous, uncached",
  group: "dispatch",
  fn: () => {
    sink ^= uncached.select(KEYS[cursor]);
    cursor = cursor === KEY_COUNT - 1 ? 0 : cursor + 1;
  },
});
