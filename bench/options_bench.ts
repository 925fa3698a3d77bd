// Benchmarks of the cassandra-stress grammar (lib/cql/options).
import { parseStressArgs } from "../lib/cql/options/parse_stress_args.ts";
import { tokenizeArgs } from "../lib/cql/options/tokenize_args.ts";

// ---- parse: a 30-token command line ----
const ARGV: readonly string[] = [
  "mixed",
  "ratio(write=1,read=3)",
  "n=1000000",
  "cl=QUORUM",
  "no-warmup",
  "-pop",
  "dist=gaussian(1..1000000,500000,1000)",
  "-rate",
  "threads=200",
  "fixed=50000/s",
  "-col",
  "n=FIXED(5)",
  "size=FIXED(64)",
  "-mode",
  "native",
  "cql3",
  "compression=lz4",
  "connectionsPerHost=8",
  "-schema",
  "replication(strategy=NetworkTopologyStrategy,dc1=3)",
  "keyspace=ks",
  "-node",
  "127.0.0.1,127.0.0.2,127.0.0.3",
  "-log",
  "interval=5s",
  "hdrfile=out.hdr",
  "-errors",
  "retries=3",
  "-port",
  "native=9042",
];
if (ARGV.length !== 30) throw new Error(`expected 30 tokens, got ${ARGV.length}`);

Deno.bench({
  name: "tokenizeArgs() 30 tokens",
  group: "parse",
  baseline: true,
  fn: () => {
    tokenizeArgs(ARGV);
  },
});

Deno.bench({
  name: "parseStressArgs() 30 tokens",
  group: "parse",
  fn: () => {
    parseStressArgs(ARGV);
  },
});
