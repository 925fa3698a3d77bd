// `stress checkout load` against the test checkout service, and what locust would need for the
// same load, from the per-core rates in locust's own documentation ("Increase performance with
// a faster HTTP client", docs.locust.io, 2.x): in a best case (small requests in a `while True`
// loop), one locust process on one core does about 4,000 requests/s with `HttpUser` (what the
// official checkout locustfile uses) and about 16,000 with `FastHttpUser` (2021 M1 MacBook Pro,
// Python 3.11). Locust is not installed here (no PyPI), so those two figures are the peer.
//
//   deno run -A bench/checkout_load_vs_locust.ts [duration-s=10] [users=1000] [max-users=50]
//
// The service is tests/checkout/_checkout_service.ts (correct mode, in memory) in its own process;
// the load runs in another, which reads its own CPU time (user + system, /proc/self/stat) when
// the command returns. Two runs:
//   1. the official shape: `--init` (100k items, users, orders), then USERS users with the
//      checkout-only scenario and its wait of constant(1), spawned at once;
//   2. flat out: MAX-USERS users, no wait time, the same scenario.
// For each: requests/s, failures, the CPU cores the load tool used, requests per CPU-second, and
// the cores locust would need at its documented best-case rates. The aim is to need fewer cores
// than locust's HttpUser does for the same rate (ratio > 1 in "x locust HttpUser").
//
// Child mode (used by the script itself): deno run -A bench/checkout_load_vs_locust.ts --child ARGS
// runs `stress checkout load ARGS` and prints `{"cpuSec": S}` as its last line.
// deno-lint-ignore-file no-console
import { checkoutLoadCommand } from "../lib/checkout/checkout_load.ts";
import { startListeningChild } from "./_listening_child.ts";

const SELF = new URL(import.meta.url).pathname;
const SERVICE = new URL("../tests/checkout/_checkout_service.ts", import.meta.url).pathname;
const LOCUST_HTTPUSER_PER_CORE = 4000;
const LOCUST_FASTHTTPUSER_PER_CORE = 16000;
const decoder = new TextDecoder();

/** This process's user + system CPU seconds, from /proc/self/stat (clock ticks of 1/100 s). */
function cpuSeconds(): number {
  const stat = Deno.readTextFileSync("/proc/self/stat");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  // After the name: state is field 3, utime field 14, stime field 15 (1-based in proc(5)).
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

async function childMode(args: string[]): Promise<number> {
  const code = await checkoutLoadCommand(args, { out: () => {}, err: (l) => console.error(l) });
  console.log(JSON.stringify({ cpuSec: cpuSeconds(), code }));
  return 0;
}

interface Figures {
  requestsPerSec: number;
  requests: number;
  failures: number;
  elapsedSec: number;
  cpuSec: number;
}

async function runLoad(args: string[]): Promise<Figures> {
  const dir = await Deno.makeTempDir({ prefix: "checkout_vs_locust_" });
  try {
    const output = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", SELF, "--child", ...args, "--json", `${dir}/run.json`],
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).output();
    const last = decoder.decode(output.stdout).trim().split("\n").pop() ?? "";
    if (output.code !== 0 || !last.startsWith("{")) {
      throw new Error(`The load failed: ${decoder.decode(output.stderr).trim()}`);
    }
    const { cpuSec } = JSON.parse(last) as { cpuSec: number };
    const json = JSON.parse(await Deno.readTextFile(`${dir}/run.json`)) as {
      elapsedSec: number;
      total: { requests: number; failures: number; requestsPerSec: number };
    };
    return {
      requestsPerSec: json.total.requestsPerSec,
      requests: json.total.requests,
      failures: json.total.failures,
      elapsedSec: json.elapsedSec,
      cpuSec,
    };
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

function report(label: string, figures: Figures): void {
  const cores = figures.cpuSec / figures.elapsedSec;
  const perCore = figures.requests / figures.cpuSec;
  const httpUserCores = figures.requestsPerSec / LOCUST_HTTPUSER_PER_CORE;
  const fastCores = figures.requestsPerSec / LOCUST_FASTHTTPUSER_PER_CORE;
  console.log(`${label}:`);
  console.log(
    `  ours: ${
      figures.requestsPerSec.toFixed(0)
    } requests/s (${figures.requests} requests, ${figures.failures} failed) ` +
      `in ${figures.elapsedSec.toFixed(1)} s, CPU ${figures.cpuSec.toFixed(2)} s = ${
        cores.toFixed(2)
      } cores, ${perCore.toFixed(0)} requests per CPU-second (start-up included)`,
  );
  console.log(
    `  locust at its documented best case would need: ${httpUserCores.toFixed(2)} cores with ` +
      `HttpUser (${LOCUST_HTTPUSER_PER_CORE}/s per core), ${
        fastCores.toFixed(2)
      } with FastHttpUser (${LOCUST_FASTHTTPUSER_PER_CORE}/s per core)`,
  );
  console.log(
    `  per core: ${(perCore / LOCUST_HTTPUSER_PER_CORE).toFixed(2)} x locust HttpUser, ${
      (perCore / LOCUST_FASTHTTPUSER_PER_CORE).toFixed(2)
    } x locust FastHttpUser`,
  );
}

async function main(): Promise<number> {
  if (Deno.args[0] === "--child") return await childMode(Deno.args.slice(1));
  const [durationText = "10", usersText = "1000", maxUsersText = "50"] = Deno.args;
  const { url, child } = await startListeningChild(SERVICE, ["--mode", "correct", "--port", "0"]);
  console.log(
    `service: tests/checkout/_checkout_service.ts (correct) at ${url}; ${navigator.hardwareConcurrency} cores shared by the service and the load`,
  );
  try {
    const common = ["--gateway", url, "--duration", `${durationText}s`, "--seed", "1"];
    const official = await runLoad([
      ...common,
      "--init",
      "--users",
      usersText,
      "--spawn-rate",
      usersText,
      "--connections",
      "100",
    ]);
    report(`1. official shape: ${usersText} users, checkout-only, wait constant(1)`, official);
    const flat = await runLoad([
      ...common,
      "--users",
      maxUsersText,
      "--spawn-rate",
      maxUsersText,
      "--connections",
      maxUsersText,
      "--wait-time",
      "none",
    ]);
    report(`2. flat out: ${maxUsersText} users, checkout-only, no wait`, flat);
    const perCore = flat.requests / flat.cpuSec;
    const pass = perCore > LOCUST_HTTPUSER_PER_CORE;
    console.log(
      `aim: more requests per core than locust HttpUser's best case: ${
        (perCore / LOCUST_HTTPUSER_PER_CORE).toFixed(2)
      } x -> ${pass ? "PASS" : "FAIL"}`,
    );
    return pass ? 0 : 1;
  } finally {
    child.kill("SIGTERM");
    await child.status;
  }
}

Deno.exit(await main());
