// The cost of the live endpoints: op/s of a zero-latency synthetic run with and without
// `-log prometheus=... web=...`, in one script run.
//
//   deno run -A bench/live_endpoints_overhead.ts [duration-s=10] [threads=8] [rounds=3]
//
// Each round runs the same command twice, in its own process each time, in alternating order
// (off/on, then on/off, ...):
//   stress write duration=Ds no-warmup -rate threads=T -node synthetic -log interval=1s no-settings
// once as it is and once with `prometheus=127.0.0.1:0 web=127.0.0.1:0` added. While the second
// runs, this script scrapes /metrics and polls /api/stats?since=N (as the page does) once a
// second each: a harsher load than Prometheus' default 15 s scrape. The op rate is the
// `Op rate` line of the Results block. Aim: the endpoints cost at most 2% of the op rate (the
// medians' ratio >= 0.98); exit 1 when it is missed.
// deno-lint-ignore-file no-console

const MAIN = new URL("../main.ts", import.meta.url).pathname;
const CONFIG = new URL("../deno.json", import.meta.url).pathname;
const decoder = new TextDecoder();

const durationS = Number(Deno.args[0] ?? 10);
const threads = Number(Deno.args[1] ?? 8);
const rounds = Number(Deno.args[2] ?? 3);

interface RunFigures {
  opsPerSec: number;
  scrapes: number;
  polls: number;
}

/** Reads a stream's lines, calling `onLine` for each; resolves with them all at the end. */
async function lines(stream: ReadableStream<Uint8Array>, onLine: (line: string) => void) {
  const all: string[] = [];
  let rest = "";
  for await (const chunk of stream) {
    rest += decoder.decode(chunk, { stream: true });
    let at: number;
    while ((at = rest.indexOf("\n")) >= 0) {
      const line = rest.slice(0, at);
      rest = rest.slice(at + 1);
      all.push(line);
      onLine(line);
    }
  }
  if (rest !== "") all.push(rest);
  return all;
}

async function run(endpoints: boolean): Promise<RunFigures> {
  const log = ["interval=1s", "no-settings"];
  if (endpoints) log.push("prometheus=127.0.0.1:0", "web=127.0.0.1:0");
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      "--config",
      CONFIG,
      MAIN,
      "write",
      `duration=${durationS}s`,
      "no-warmup",
      "-rate",
      `threads=${threads}`,
      "-node",
      "synthetic",
      "-log",
      ...log,
    ],
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let metricsUrl = "";
  let pageUrl = "";
  const stderr = lines(child.stderr, (line) => {
    metricsUrl ||= line.match(/^prometheus: metrics at (\S+)/)?.[1] ?? "";
    pageUrl ||= line.match(/^web: the live page is at (\S+)/)?.[1] ?? "";
  });
  const stdout = lines(child.stdout, () => {});
  let running = true;
  let scrapes = 0;
  let polls = 0;
  const poller = (async () => {
    let since = 0;
    while (running && endpoints) {
      await new Promise((resolve) => setTimeout(resolve, 1000));
      if (!running || metricsUrl === "" || pageUrl === "") continue;
      try {
        const metrics = await fetch(metricsUrl);
        if ((await metrics.text()).includes("stress_ops_total")) scrapes++;
        const stats = await (await fetch(new URL(`/api/stats?since=${since}`, pageUrl))).json();
        since = stats.nextIndex;
        polls++;
      } catch {
        // the run ended between the check and the request
      }
    }
  })();
  const status = await child.status;
  running = false;
  await poller;
  const out = await stdout;
  const err = await stderr;
  if (!status.success) throw new Error(`the run failed (${status.code}): ${err.join("\n")}`);
  const rate = out.find((line) => line.startsWith("Op rate"))?.match(/:\s+([\d,]+) op\/s/)?.[1];
  if (rate === undefined) throw new Error(`no Op rate line in:\n${out.join("\n")}`);
  return { opsPerSec: Number(rate.replace(/,/g, "")), scrapes, polls };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

const off: number[] = [];
const on: number[] = [];
for (let round = 0; round < rounds; round++) {
  const order = round % 2 === 0 ? [false, true] : [true, false];
  for (const endpoints of order) {
    const figures = await run(endpoints);
    (endpoints ? on : off).push(figures.opsPerSec);
    console.log(
      `round ${round + 1}: ${endpoints ? "with endpoints   " : "without endpoints"} ` +
        `${figures.opsPerSec.toLocaleString("en-US")} op/s` +
        (endpoints ? ` (${figures.scrapes} scrapes, ${figures.polls} page polls)` : ""),
    );
  }
}
const ratio = median(on) / median(off);
const overheadPct = (1 - ratio) * 100;
console.log(
  `\nmedian op/s: without ${median(off).toLocaleString("en-US")}, with ` +
    `${median(on).toLocaleString("en-US")}; ratio ${ratio.toFixed(4)}, overhead ` +
    `${overheadPct.toFixed(2)}% (aim <= 2%): ${overheadPct <= 2 ? "PASS" : "FAIL"}`,
);
if (overheadPct > 2) Deno.exitCode = 1;
