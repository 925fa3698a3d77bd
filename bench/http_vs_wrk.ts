// Requests/s of our HTTP client against wrk and autocannon, on the same endpoint process, for the
// same duration and connection count, in one script run.
//
//   deno run -A bench/http_vs_wrk.ts [duration-s=10] [connections=50] [rounds=1] [impl=serve|raw]
//
// The endpoint is bench/_http_endpoint.ts (`200 ok`, Content-Length 2) in its own process. Each
// round runs, one after another: `wrk -t2 -cC -dDs URL` (/usr/bin/wrk), `npx -y
// autocannon@8.0.0 -c C -d D --json URL`, ours (`stress checkout load`, below), the bare
// `HttpPool` loop and the same loops on `fetch`, each in its own process. With
// several rounds the table shows each tool's median. Aims: ours >= 0.5 x wrk and ours >=
// autocannon; exit 1 when an aim that could be measured fails.
//
// The machine has 2 cores shared by the endpoint and the load tool (and anything else running),
// so every figure is "what one endpoint process serves while this tool loads it", and the tools
// that spend less CPU per request leave more to the endpoint.
//
// "ours" is `stress checkout load` itself (C users, no wait, a one-step `GET /` scenario file);
// "pool" is a bare closed loop on `HttpPool`, to show what the command costs on top of the client.
//
// Client mode (used by the script itself):
//   deno run -A bench/http_vs_wrk.ts --client pool|fetch URL CONNECTIONS DURATION_S
// prints one JSON line `{"requests": N, "errors": E, "seconds": S, "requestsPerSec": R}`.
// deno-lint-ignore-file no-console
import { HttpPool } from "../lib/checkout/driver/http_pool.ts";
import { startListeningChild } from "./_listening_child.ts";

const WRK = "/usr/bin/wrk";
const SELF = new URL(import.meta.url).pathname;
const ENDPOINT = new URL("./_http_endpoint.ts", import.meta.url).pathname;
const MAIN = new URL("../main.ts", import.meta.url).pathname;
const decoder = new TextDecoder();

interface ClientFigures {
  requests: number;
  errors: number;
  seconds: number;
  requestsPerSec: number;
}

/** A closed loop of `connections` request loops for `durationS` on `pool` or `fetch`. */
async function clientMode(
  kind: string,
  url: string,
  connections: number,
  durationS: number,
): Promise<ClientFigures> {
  let requests = 0;
  let errors = 0;
  let send: () => Promise<boolean>;
  let pool: HttpPool | undefined;
  if (kind === "pool") {
    pool = new HttpPool({ url, connections });
    const p = pool;
    send = async () => {
      const result = await p.request("GET", "/");
      return result.ok && result.status === 200;
    };
  } else {
    send = async () => {
      try {
        const response = await fetch(url);
        await response.arrayBuffer();
        return response.status === 200;
      } catch {
        return false;
      }
    };
  }
  const startMs = performance.now();
  const endMs = startMs + durationS * 1000;
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (performance.now() < endMs) {
        if (await send()) requests++;
        else errors++;
      }
    }),
  );
  const seconds = (performance.now() - startMs) / 1000;
  await pool?.close();
  return { requests, errors, seconds, requestsPerSec: requests / seconds };
}

async function run(
  command: string,
  args: string[],
): Promise<{ code: number; stdout: string; stderr: string }> {
  const output = await new Deno.Command(command, {
    args,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  return {
    code: output.code,
    stdout: decoder.decode(output.stdout),
    stderr: decoder.decode(output.stderr),
  };
}

/** Runs one of our client modes in a separate Deno process; returns requests/s. */
async function runClient(
  kind: "pool" | "fetch",
  url: string,
  connections: number,
  durationS: number,
): Promise<number> {
  const out = await run(Deno.execPath(), [
    "run",
    "-A",
    SELF,
    "--client",
    kind,
    url,
    String(connections),
    String(durationS),
  ]);
  if (out.code !== 0) throw new Error(`Client ${kind} failed: ${out.stderr.trim()}`);
  const figures = JSON.parse(out.stdout.trim().split("\n").pop()!) as ClientFigures;
  if (figures.errors > 0) console.log(`  note: ${kind} had ${figures.errors} failed requests`);
  return figures.requestsPerSec;
}

/**
 * Ours: `stress checkout load` in its own process, with as many virtual users as connections, no
 * wait time, and a one-step scenario `GET /`: the closed loop wrk and autocannon run, through the
 * whole command (scenario runner, per-endpoint HDR histograms, interval rows).
 */
async function runOurs(url: string, connections: number, durationS: number): Promise<number> {
  const dir = await Deno.makeTempDir({ prefix: "http_vs_wrk_" });
  try {
    const scenario = `${dir}/get.json`;
    await Deno.writeTextFile(
      scenario,
      JSON.stringify({
        name: "bench",
        waitTime: "none",
        scenarios: [{ name: "get", steps: [{ method: "GET", service: "order", path: "/" }] }],
      }),
    );
    const out = await run(Deno.execPath(), [
      "run",
      "-A",
      MAIN,
      "checkout",
      "load",
      "--gateway",
      url.replace(/\/$/, ""),
      "--scenario",
      scenario,
      "--users",
      String(connections),
      "--spawn-rate",
      "1000000",
      "--connections",
      String(connections),
      "--duration",
      `${durationS}s`,
      "--json",
      `${dir}/run.json`,
    ]);
    if (out.code !== 0) {
      throw new Error(`stress checkout load failed (${out.code}): ${out.stderr.trim()}`);
    }
    const json = JSON.parse(await Deno.readTextFile(`${dir}/run.json`)) as {
      total: { requests: number; failures: number; requestsPerSec: number };
    };
    if (json.total.failures > 0) console.log(`  note: ours had ${json.total.failures} failures`);
    return json.total.requestsPerSec;
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

async function runWrk(
  url: string,
  connections: number,
  durationS: number,
): Promise<number | string> {
  try {
    await Deno.stat(WRK);
  } catch {
    return "skipped: wrk not installed";
  }
  const out = await run(WRK, ["-t2", `-c${connections}`, `-d${durationS}s`, url]);
  const match = /Requests\/sec:\s+([\d.]+)/.exec(out.stdout);
  if (out.code !== 0 || match === null) return `skipped: wrk failed (${out.stderr.trim()})`;
  if (/Non-2xx|Socket errors/.test(out.stdout)) console.log(`  note: wrk reported errors`);
  return Number(match[1]);
}

async function runAutocannon(
  url: string,
  connections: number,
  durationS: number,
): Promise<number | string> {
  try {
    const out = await run("npx", [
      "-y",
      "autocannon@8.0.0",
      "-c",
      String(connections),
      "-d",
      String(durationS),
      "--json",
      url,
    ]);
    const json = out.stdout.trim().split("\n").pop() ?? "";
    if (out.code !== 0 || !json.startsWith("{")) {
      return `skipped: autocannon failed (${out.stderr.trim().split("\n").pop()})`;
    }
    const result = JSON.parse(json) as {
      requests: { total: number };
      duration: number;
      errors: number;
      non2xx: number;
    };
    if (result.errors > 0 || result.non2xx > 0) console.log("  note: autocannon reported errors");
    return result.requests.total / result.duration;
  } catch (error) {
    return `skipped: npx failed (${error instanceof Error ? error.message : error})`;
  }
}

async function startEndpoint(impl: string): Promise<{ url: string; child: Deno.ChildProcess }> {
  const { url, child } = await startListeningChild(ENDPOINT, ["0", impl]);
  return { url: url + "/", child };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

async function main(): Promise<number> {
  if (Deno.args[0] === "--client") {
    const [, kind, url, connections, durationS] = Deno.args;
    const figures = await clientMode(kind, url, Number(connections), Number(durationS));
    console.log(JSON.stringify(figures));
    return 0;
  }
  const [durationText = "10", connectionsText = "50", roundsText = "1", impl = "serve"] = Deno.args;
  const durationS = Number(durationText);
  const connections = Number(connectionsText);
  const rounds = Number(roundsText);
  if (![durationS, connections, rounds].every((n) => Number.isInteger(n) && n > 0)) {
    console.log("error: duration, connections and rounds must be positive integers");
    return 2;
  }
  const { url, child } = await startEndpoint(impl);
  const loadavg = Deno.loadavg().map((n) => n.toFixed(2)).join(" ");
  console.log(
    `endpoint: bench/_http_endpoint.ts (${impl}) at ${url}; ${durationS} s, ${connections} ` +
      `connections, ${rounds} round(s)`,
  );
  console.log(
    `machine: ${navigator.hardwareConcurrency} cores shared by the endpoint and the load tool; ` +
      `load average before: ${loadavg}`,
  );
  const figures: Record<string, (number | string)[]> = {
    wrk: [],
    autocannon: [],
    ours: [],
    pool: [],
    fetch: [],
  };
  try {
    // Warm the endpoint up (JIT) and install autocannon before anything is timed.
    await runClient("pool", url, connections, 2);
    await run("npx", ["-y", "autocannon@8.0.0", "--version"]).catch(() => undefined);
    for (let round = 1; round <= rounds; round++) {
      figures.wrk.push(await runWrk(url, connections, durationS));
      figures.autocannon.push(await runAutocannon(url, connections, durationS));
      figures.ours.push(await runOurs(url, connections, durationS));
      figures.pool.push(await runClient("pool", url, connections, durationS));
      figures.fetch.push(await runClient("fetch", url, connections, durationS));
      const row = Object.entries(figures).map(([tool, values]) => {
        const value = values[values.length - 1];
        return `${tool} ${typeof value === "number" ? value.toFixed(0) : value}`;
      });
      console.log(`round ${round}: ${row.join(", ")}`);
    }
  } finally {
    child.kill("SIGTERM");
    await child.status;
  }
  const summary: Record<string, number | string> = {};
  for (const [tool, values] of Object.entries(figures)) {
    const numbers = values.filter((value): value is number => typeof value === "number");
    summary[tool] = numbers.length === values.length ? median(numbers) : String(values[0]);
  }
  const wrk = summary.wrk;
  console.log("");
  console.log("tool         requests/s   ratio to wrk");
  const labels: Record<string, string> = {
    wrk: "wrk",
    autocannon: "autocannon",
    ours: "stress load",
    pool: "HttpPool",
    fetch: "fetch",
  };
  for (const [tool, value] of Object.entries(summary)) {
    const ratio = typeof value === "number" && typeof wrk === "number"
      ? (value / wrk).toFixed(2)
      : "-";
    const shown = typeof value === "number" ? value.toFixed(0).padStart(10) : value;
    console.log(`${labels[tool].padEnd(12)} ${shown}   ${typeof value === "number" ? ratio : ""}`);
  }
  console.log("");
  const ours = summary.ours as number;
  let failed = false;
  if (typeof wrk === "number") {
    const pass = ours >= 0.5 * wrk;
    failed ||= !pass;
    console.log(`aim ours >= 0.5 x wrk: ${(ours / wrk).toFixed(2)} x -> ${pass ? "PASS" : "FAIL"}`);
  } else {
    console.log(`aim ours >= 0.5 x wrk: ${wrk}`);
  }
  const autocannon = summary.autocannon;
  if (typeof autocannon === "number") {
    const pass = ours >= autocannon;
    failed ||= !pass;
    console.log(
      `aim ours >= autocannon: ${(ours / autocannon).toFixed(2)} x -> ${pass ? "PASS" : "FAIL"}`,
    );
  } else {
    console.log(`aim ours >= autocannon: ${autocannon}`);
  }
  return failed ? 1 : 0;
}

if (import.meta.main) Deno.exit(await main());
