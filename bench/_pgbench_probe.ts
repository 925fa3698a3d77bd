// Investigation helper of bench/query_vs_pgbench.ts: bare loops on the main thread (postgres.js,
// and the wire client lib/query/driver/pg_wire_client.ts that the query Workers use) running
// the 200 queries one at a time, pass after pass, to split our overhead into driver + Deno (these
// loops) and the rest (Workers, recording).
//
//   deno run -A bench/_pgbench_probe.ts URL [passes=6]
// deno-lint-ignore-file no-console
import postgres from "postgres";
import { PgWireClient } from "../lib/query/driver/pg_wire_client.ts";
import { minuteQuerySql } from "../lib/query/minute_query.ts";
import { QueryParamsReader, type QueryParamsRow } from "../lib/query/query_params.ts";

const url = Deno.args[0];
const passes = Number(Deno.args[1] ?? 6);
const reader = new QueryParamsReader();
const text = await Deno.readTextFile(
  new URL("../tests/testdata/timescale/query_params.csv", import.meta.url),
);
const rows = [...reader.push(text), ...reader.end()].filter((r): r is QueryParamsRow =>
  r.kind === "row"
);
const SIXTY_ROWS = "SELECT TIMESTAMPTZ '2017-01-01' + g * INTERVAL '1 minute', g::float8 / 7, " +
  "g::float8 / 3 FROM generate_series(1, 60) g";
const query = minuteQuerySql("postgres");
for (const [prepare, raw] of [[true, false], [false, false], [true, true]]) {
  const sql = postgres(url, { max: 1, prepare, fetch_types: false, onnotice: () => {} });
  await sql`SELECT 1`;
  const medians: string[] = [];
  for (let pass = 0; pass < passes; pass++) {
    const times: number[] = [];
    for (const row of rows) {
      const params = [
        row.host,
        new Date(row.startMs).toISOString(),
        new Date(row.endMs).toISOString(),
      ];
      const start = performance.now();
      await (raw ? sql.unsafe(query, params).raw() : sql.unsafe(query, params));
      times.push(performance.now() - start);
    }
    const sorted = times.toSorted((a, b) => a - b);
    const first = times.slice(0, 20).toSorted((a, b) => a - b)[9];
    medians.push(`${sorted[99].toFixed(3)} (first 20: ${first.toFixed(3)})`);
  }
  console.log(
    `postgres.js prepare=${prepare}${raw ? " .raw()" : ""}, median per pass: ${medians.join(", ")}`,
  );
  await sql.end();
}

for (const name of ["minute_query", ""]) {
  const client = await PgWireClient.connect(url);
  await client.prepare(name, query);
  const medians: string[] = [];
  for (let pass = 0; pass < passes; pass++) {
    const times: number[] = [];
    for (const row of rows) {
      const params = [
        row.host,
        new Date(row.startMs).toISOString(),
        new Date(row.endMs).toISOString(),
      ];
      const start = performance.now();
      await client.query(params);
      times.push(performance.now() - start);
    }
    const sorted = times.toSorted((a, b) => a - b);
    const first = times.slice(0, 20).toSorted((a, b) => a - b)[9];
    medians.push(`${sorted[99].toFixed(3)} (first 20: ${first.toFixed(3)})`);
  }
  console.log(
    `wire client ${name === "" ? "unnamed" : "prepared"}, median per pass: ${medians.join(", ")}`,
  );
  await client.close();
}

// The fixed cost of a round trip (SELECT 1), and of 60 rows like a minute query's answer, against
// pgbench on the same one-line script.
for (const one of ["SELECT 1", SIXTY_ROWS]) {
  const sql = postgres(url, { max: 1, prepare: false, fetch_types: false, onnotice: () => {} });
  const times: number[] = [];
  for (let k = 0; k < 3000; k++) {
    const start = performance.now();
    await sql.unsafe(one);
    if (k >= 1000) times.push(performance.now() - start);
  }
  await sql.end();
  console.log(
    `${one.slice(0, 20)}: postgres.js median ${times.toSorted((a, b) => a - b)[999].toFixed(3)} ms`,
  );
  const client = await PgWireClient.connect(url);
  await client.prepare("", one);
  const wireTimes: number[] = [];
  for (let k = 0; k < 3000; k++) {
    const start = performance.now();
    await client.query([]);
    if (k >= 1000) wireTimes.push(performance.now() - start);
  }
  await client.close();
  console.log(
    `${one.slice(0, 20)}: wire client (unnamed) median ${
      wireTimes.toSorted((a, b) => a - b)[999].toFixed(3)
    } ms`,
  );
  const dir = await Deno.makeTempDir();
  await Deno.writeTextFile(`${dir}/one.sql`, `${one};\n`);
  const u = new URL(url);
  const args = ["-h", u.hostname, "-p", u.port, "-U", "postgres", "-n", "-t", "3000", "-l"];
  await new Deno.Command("/usr/bin/pgbench", {
    args: [...args, "-f", "one.sql", "postgres"],
    cwd: dir,
  })
    .output();
  const log = [...Deno.readDirSync(dir)].find((e) => e.name.startsWith("pgbench_log"))!.name;
  const us = Deno.readTextFileSync(`${dir}/${log}`).trim().split("\n").slice(1000)
    .map((line) => Number(line.split(" ")[2])).toSorted((a, b) => a - b);
  console.log(`${one.slice(0, 20)}: pgbench median ${(us[999] / 1000).toFixed(3)} ms`);
  await Deno.remove(dir, { recursive: true });
}
