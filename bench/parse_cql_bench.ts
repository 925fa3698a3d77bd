// Benchmarks of the embedded node's CQL parser (lib/cql_node/parse/parse_cql.ts). Parsing is on
// the hot path for unprepared statements (cassandra-stress `-mode unprepared`).
import { parseCql } from "../lib/cql_node/parse/parse_cql.ts";

// ---- parse: cassandra-stress write, 5 columns, with a timestamp ----
const UPDATE = `UPDATE "standard1" USING TIMESTAMP ? SET "C0" = ?,"C1" = ?,"C2" = ?,"C3" = ?,` +
  `"C4" = ? WHERE KEY=?`;
// A JSON document of about the same length and token count, for JSON.parse as the baseline.
const JSON_TEXT = JSON.stringify({
  table: "standard1",
  timestamp: "?",
  set: { C0: "?", C1: "?", C2: "?", C3: "?", C4: "?" },
  key: "?",
});
if (Math.abs(JSON_TEXT.length - UPDATE.length) > 20) {
  throw new Error(`JSON baseline is ${JSON_TEXT.length} chars, the UPDATE ${UPDATE.length}`);
}
if (parseCql(UPDATE).markers.length !== 7) throw new Error("the UPDATE must have 7 markers");

Deno.bench({
  name: "JSON.parse of a document the same size",
  group: "parse a 5-column cassandra-stress UPDATE",
  baseline: true,
  fn() {
    JSON.parse(JSON_TEXT);
  },
});

Deno.bench({
  name: "text.split into words (no syntax tree)",
  group: "parse a 5-column cassandra-stress UPDATE",
  fn() {
    UPDATE.split(" ");
  },
});

Deno.bench({
  name: "parseCql",
  group: "parse a 5-column cassandra-stress UPDATE",
  fn() {
    parseCql(UPDATE);
  },
});

// ---- parse: the counter write and a driver query ----
const COUNTER = `UPDATE counter1 SET "C0"="C0"+?,"C1"="C1"+?,"C2"="C2"+?,"C3"="C3"+?,"C4"="C4"+? ` +
  `WHERE KEY=?`;
const LOCAL = "SELECT * FROM system.local WHERE key='local'";

Deno.bench({
  name: "parseCql counter_write UPDATE",
  group: "parse other statements",
  baseline: true,
  fn() {
    parseCql(COUNTER);
  },
});

Deno.bench({
  name: "parseCql system.local SELECT",
  group: "parse other statements",
  fn() {
    parseCql(LOCAL);
  },
});
