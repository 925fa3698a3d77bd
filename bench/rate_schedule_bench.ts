import { RateSchedule } from "../lib/core/rate_schedule.ts";

const OPS_PER_SEC = 100_000;
const schedule = new RateSchedule({ opsPerSec: OPS_PER_SEC, startNs: 1_000_000_000 });
let cycle = 0;
let nowNs = 1_000_000_000;
let sink = 0;

// --- delay: the wait before one op, on a clock that runs slightly behind --------------------

Deno.bench({
  name: "inline start + i * 1e9 / rate",
  group: "delay",
  baseline: true,
  fn: () => {
    const waitNs = 1_000_000_000 + (cycle * 1e9) / OPS_PER_SEC - nowNs;
    sink += waitNs > 0 ? waitNs : 0;
    cycle++;
    nowNs += 9_000;
  },
});

Deno.bench({
  name: "RateSchedule.delayNs()",
  group: "delay",
  fn: () => {
    sink += schedule.delayNs(cycle, nowNs);
    cycle++;
    nowNs += 9_000;
  },
});

Deno.bench({
  name: "RateSchedule.intendedStartNs()",
  group: "delay",
  fn: () => {
    sink += schedule.intendedStartNs(cycle);
    cycle++;
  },
});
