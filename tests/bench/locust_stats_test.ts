// bench/_locust_stats.ts: the Aggregated row of real `--csv` stats files of locust 2.47.0 (runs
// of bench/locust/checkout_locustfile.py against tests/checkout/_checkout_service.ts).
import assert from "node:assert/strict";
import { locustStats } from "../../bench/_locust_stats.ts";

const HEADER = "Type,Name,Request Count,Failure Count,Median Response Time," +
  "Average Response Time,Min Response Time,Max Response Time,Average Content Size," +
  "Requests/s,Failures/s,50%,66%,75%,80%,90%,95%,98%,99%,99.9%,99.99%,100%";

Deno.test("locustStats reads the Aggregated row of a run (no final newline, as locust writes)", () => {
  const csv = [
    HEADER,
    "POST,/orders/checkout/[order_id],30598,0,3,5.651468041639459,0.1296660011576023," +
    "345.98947599806706,19.0,6038.075193723282,0.0,3,5,7,7,10,14,24,45,260,330,350",
    ",Aggregated,30598,0,3,5.651468041639459,0.1296660011576023,345.98947599806706,19.0," +
    "6038.075193723282,0.0,3,5,7,7,10,14,24,45,260,330,350",
  ].join("\n");
  assert.deepEqual(locustStats(csv), {
    requests: 30598,
    failures: 0,
    requestsPerSec: 6038.075193723282,
    p50Ms: 3,
    p99Ms: 45,
  });
});

Deno.test("locustStats counts failures, and reads quoted names with commas", () => {
  const csv = [
    HEADER,
    'POST,"/a,b ""c""",5,5,44,37.9,1.8,56.5,0.0,86.2,86.2,44,45,45,57,57,57,57,57,57,57,57',
    ",Aggregated,5,5,44,37.9,1.8,56.5,0.0,86.2,86.2,44,45,45,57,57,57,57,57,57,57,57",
    "",
  ].join("\r\n");
  assert.deepEqual(locustStats(csv), {
    requests: 5,
    failures: 5,
    requestsPerSec: 86.2,
    p50Ms: 44,
    p99Ms: 57,
  });
});

Deno.test("locustStats gives NaN percentiles for a run without requests (N/A)", () => {
  const csv = `${HEADER}\n,Aggregated,0,0,0,0.0,0,0,0,0.0,0.0,` + Array(11).fill("N/A").join(",");
  const stats = locustStats(csv);
  assert.equal(stats?.requests, 0);
  assert.ok(Number.isNaN(stats?.p50Ms) && Number.isNaN(stats?.p99Ms));
});

Deno.test("locustStats is null without an Aggregated row or a header", () => {
  assert.equal(locustStats(`${HEADER}\n`), null);
  assert.equal(locustStats(""), null);
});
