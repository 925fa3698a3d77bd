import { QueryParamsReader } from "../lib/query/query_params.ts";
import { HostRouting } from "../lib/query/host_routing.ts";
import { RendezvousDispatcher } from "../lib/core/rendezvous_dispatcher.ts";

const TEXT = Deno.readTextFileSync(
  new URL("../tests/testdata/timescale/query_params.csv", import.meta.url),
);
const CHUNKS: string[] = [];
for (let offset = 0; offset < TEXT.length; offset += 512) {
  CHUNKS.push(TEXT.slice(offset, offset + 512));
}
const HOSTS = TEXT.split("\n").slice(1).filter((line) => line !== "").map((line) =>
  line.split(",")[0]
);
const WORKERS = 4;

let sink = 0;

/** The simplest correct reading of this file: whole text, split on LF and commas, Date.parse. */
function naiveParse(text: string): number {
  let count = 0;
  for (const line of text.split("\n").slice(1)) {
    if (line === "") continue;
    const [host, start, end] = line.split(",");
    const startMs = Date.parse(`${start.replace(" ", "T")}Z`);
    const endMs = Date.parse(`${end.replace(" ", "T")}Z`);
    if (host !== "" && endMs > startMs) count++;
  }
  return count;
}

// --- parse: the assignment's query_params.csv (200 rows) -----------------------------------

Deno.bench({
  name: "naive split + Date.parse (not streaming, no quotes)",
  group: "parse 200 rows",
  baseline: true,
  fn: () => {
    sink ^= naiveParse(TEXT);
  },
});

Deno.bench({
  name: "QueryParamsReader, one chunk",
  group: "parse 200 rows",
  fn: () => {
    const reader = new QueryParamsReader();
    sink ^= reader.push(TEXT).length + reader.end().length;
  },
});

Deno.bench({
  name: "QueryParamsReader, 512-char chunks",
  group: "parse 200 rows",
  fn: () => {
    const reader = new QueryParamsReader();
    for (const chunk of CHUNKS) sink ^= reader.push(chunk).length;
    sink ^= reader.end().length;
  },
});

// --- route: the 200 rows' hosts to 4 workers (hosts already known after the first pass) ------

const dispatcher = new RendezvousDispatcher(WORKERS);
const routing = new HostRouting(WORKERS);
for (const host of HOSTS) {
  dispatcher.select(host);
  routing.route(host);
}

Deno.bench({
  name: "RendezvousDispatcher.select (cached)",
  group: "route 200 rows",
  baseline: true,
  fn: () => {
    for (const host of HOSTS) sink ^= dispatcher.select(host);
  },
});

Deno.bench({
  name: "HostRouting.route (known hosts)",
  group: "route 200 rows",
  fn: () => {
    for (const host of HOSTS) sink ^= routing.route(host);
  },
});

Deno.bench({
  name: "new HostRouting + route (10 new hosts, then known)",
  group: "route 200 rows",
  fn: () => {
    const fresh = new HostRouting(WORKERS);
    for (const host of HOSTS) sink ^= fresh.route(host);
  },
});
