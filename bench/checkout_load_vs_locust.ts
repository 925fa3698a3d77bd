// `stress checkout load` against locust 2.47.0, side by side in one run, on the test checkout
// service (tests/checkout/_checkout_service.ts, correct mode, in memory).
//
//   deno run -A bench/checkout_load_vs_locust.ts [duration-s=20] [users=1000] [max-users=50]
//
// Locust comes from PyPI: when the virtual environment ~/.cache/stress/locust-2.47.0
// ($XDG_CACHE_HOME/stress/locust-2.47.0 when XDG_CACHE_HOME is set, $LOCUST_VENV when that is)
// has no locust 2.47.0, the bench says so on a line, creates it with `$PYTHON -m venv` (PYTHON
// defaults to python3; locust 2.47.0 needs Python 3.11 or later) and runs
// `pip install locust==2.47.0` in it. A missing or too old Python, or a failed install, ends the
// bench with one `error:` line and exit code 2.
//
// Locust runs bench/locust/checkout_locustfile.py, our own locustfile of the official test's
// shape, which is the `checkout-only` scenario of `stress checkout load`: POST
// /orders/checkout/<random order of --init's 100k>, then a constant wait; any non-2xx answer is a
// failure, in both tools.
//
// The service runs in its own process pinned to core 1; it is initialised once (`stress checkout
// load --init-only`: 100k items, users and orders) before the runs. Every load generator runs
// pinned to core 0 (`taskset -c 0`) under /usr/bin/time, whose CPU time (user + system, start-up
// included) covers the whole process tree: locust `--processes 2` is a master and two forked
// workers, which the master waits for, and all three count. They share core 0 too, so that row
// shows the cost of locust's master/worker split, not a second core. Two shapes, each run by
// four load generators, one after the other, each for DURATION seconds, loopback only:
//   1. the official shape: USERS users, all spawned within 1 s (spawn rate USERS/s), wait
//      constant(1); ours keeps 100 connections (its default), locust one per user;
//   2. flat out: MAX-USERS users spawned at once, no wait (ours `--wait-time none`, locust
//      constant(0)), one connection per user in both.
// The four: `stress checkout load`, locust HttpUser (the official test's client), locust
// FastHttpUser, locust FastHttpUser --processes 2.
// Each row: requests/s, requests and failures, p50 and p99 as the tool itself reports them (ours:
// its --json summary; locust: the Aggregated row of its --csv stats file, whole ms), the load
// generator's CPU seconds, the cores it used (CPU / wall time) and requests per CPU-second.
// Locust's log lines of WARNING and above are printed after the table. Its CPU usage warning
// (over 90% of a core) comes from a check every 10 s whose first reading is always 0, so runs
// of 20 s or less never show it; its spawn rate warning (over 100/s) shows in the official shape.
// Aim: more requests per CPU-second than locust HttpUser in the flat-out shape (exit 1 if not).
// deno-lint-ignore-file no-console
import { locustStats } from "./_locust_stats.ts";
import { startListeningChild } from "./_listening_child.ts";
import { timedRun } from "./_timed_run.ts";

const LOCUST_VERSION = "2.47.0";
const MAIN = new URL("../main.ts", import.meta.url).pathname;
const SERVICE = new URL("../tests/checkout/_checkout_service.ts", import.meta.url).pathname;
const LOCUSTFILE = new URL("./locust/checkout_locustfile.py", import.meta.url).pathname;
const CLIENT_CPUS = "0";
const SERVICE_CPUS = "1";
const decoder = new TextDecoder();

/** A failure to set up the bench: printed as one `error:` line. */
class BenchError extends Error {
  override name = "BenchError";
}

/** What one shape runs: users, wait, connections of ours. */
interface Shape {
  label: string;
  users: number;
  waitSec: number;
  connections: number;
}

/** One row of the table. */
interface Row {
  shape: string;
  tool: string;
  requestsPerSec: number;
  requests: number;
  failures: number;
  wallSec: number;
  cpuSec: number;
  p50Ms: number;
  p99Ms: number;
  warnings: string[];
}

/** Runs a command to its end; `code` is null when it cannot be started (not found). */
async function runQuiet(
  command: string,
  args: string[],
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  try {
    const output = await new Deno.Command(command, { args, stdin: "null" }).output();
    return {
      code: output.code,
      stdout: decoder.decode(output.stdout),
      stderr: decoder.decode(output.stderr),
    };
  } catch (error) {
    return { code: null, stdout: "", stderr: String(error) };
  }
}

function lastLine(text: string): string {
  return text.trim().split("\n").at(-1) ?? "";
}

/** The version of locust in the virtual environment, or null when it has none. */
async function venvLocustVersion(venv: string): Promise<string | null> {
  const script = 'import importlib.metadata as m; print(m.version("locust"))';
  const run = await runQuiet(`${venv}/bin/python`, ["-c", script]);
  return run.code === 0 ? run.stdout.trim() : null;
}

/** Checks that `python` runs and is 3.11 or later. */
async function checkPython(python: string): Promise<void> {
  const run = await runQuiet(python, ["-c", "import sys; print('%d.%d' % sys.version_info[:2])"]);
  if (run.code === null) {
    throw new BenchError(
      `cannot run Python "${python}" (${lastLine(run.stderr)}); set PYTHON to a Python 3.11+`,
    );
  }
  const [major, minor] = run.stdout.trim().split(".").map(Number);
  if (run.code !== 0 || !(major > 3 || (major === 3 && minor >= 11))) {
    throw new BenchError(
      `"${python}" is not a usable Python 3.11+ (locust ${LOCUST_VERSION} needs one): ${
        run.code === 0
          ? `Python ${run.stdout.trim()}`
          : lastLine(run.stderr) || `exit code ${run.code}`
      }`,
    );
  }
}

/** Returns the path of the pinned locust, installing it into its venv when missing. */
async function ensureLocust(): Promise<string> {
  const cache = Deno.env.get("XDG_CACHE_HOME") ?? `${Deno.env.get("HOME") ?? "/tmp"}/.cache`;
  const venv = Deno.env.get("LOCUST_VENV") ?? `${cache}/stress/locust-${LOCUST_VERSION}`;
  if (await venvLocustVersion(venv) === LOCUST_VERSION) {
    console.log(`locust: ${LOCUST_VERSION} in ${venv}`);
    return `${venv}/bin/locust`;
  }
  const python = Deno.env.get("PYTHON") ?? "python3";
  await checkPython(python);
  console.log(
    `locust: not installed; installing locust==${LOCUST_VERSION} from PyPI into ${venv} ` +
      `(${python} -m venv, then pip install)`,
  );
  await Deno.mkdir(venv, { recursive: true });
  const venvRun = await runQuiet(python, ["-m", "venv", "--clear", venv]);
  if (venvRun.code !== 0) {
    throw new BenchError(`${python} -m venv ${venv} failed: ${lastLine(venvRun.stderr)}`);
  }
  const pip = await runQuiet(`${venv}/bin/python`, [
    ...["-m", "pip", "install", "--quiet", `locust==${LOCUST_VERSION}`],
  ]);
  if (pip.code !== 0) {
    throw new BenchError(`pip install locust==${LOCUST_VERSION} failed: ${lastLine(pip.stderr)}`);
  }
  const installed = await venvLocustVersion(venv);
  if (installed !== LOCUST_VERSION) {
    throw new BenchError(`after pip install, ${venv} has locust ${installed ?? "none"}`);
  }
  return `${venv}/bin/locust`;
}

/** Locust's log lines of WARNING and above, without their timestamp and host. */
function locustWarnings(stderr: string): string[] {
  return stderr.split("\n")
    .map((line) => /\/(WARNING|ERROR|CRITICAL)\/(.*)$/.exec(line))
    .filter((match) => match !== null)
    .map((match) => `${match[1]} ${match[2].trim()}`);
}

async function runStress(url: string, shape: Shape, durationSec: number): Promise<Row> {
  const dir = await Deno.makeTempDir({ prefix: "checkout_vs_locust_" });
  try {
    const run = await timedRun([
      ...[Deno.execPath(), "run", "-A", MAIN, "checkout", "load", "--gateway", url],
      ...["--users", `${shape.users}`, "--spawn-rate", `${shape.users}`],
      ...["--duration", `${durationSec}s`, "--connections", `${shape.connections}`],
      ...["--wait-time", shape.waitSec === 0 ? "none" : `constant(${shape.waitSec})`],
      ...["--seed", "1", "--json", `${dir}/run.json`],
    ], { cpus: CLIENT_CPUS, timeoutMs: (durationSec + 120) * 1000 });
    if (run.code !== 0 && run.code !== 1) {
      throw new BenchError(`stress checkout load exited with ${run.code}: ${lastLine(run.stderr)}`);
    }
    const json = JSON.parse(await Deno.readTextFile(`${dir}/run.json`)) as {
      total: {
        requests: number;
        failures: number;
        requestsPerSec: number;
        latencyMs: { p50: number; p99: number };
      };
    };
    const { total } = json;
    return {
      shape: shape.label,
      tool: "stress checkout load",
      requestsPerSec: total.requestsPerSec,
      requests: total.requests,
      failures: total.failures,
      wallSec: run.wallSec,
      cpuSec: run.cpuSec,
      p50Ms: total.latencyMs.p50,
      p99Ms: total.latencyMs.p99,
      warnings: [],
    };
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** How locust runs in one row: its user class and its process count. */
interface LocustVariant {
  tool: string;
  userClass: string;
  processes: number;
}

async function runLocust(
  locust: string,
  run: { url: string; shape: Shape; durationSec: number; variant: LocustVariant },
): Promise<Row> {
  const { shape, variant } = run;
  const dir = await Deno.makeTempDir({ prefix: "checkout_vs_locust_" });
  try {
    const timed = await timedRun([
      ...[locust, "-f", LOCUSTFILE, "--headless", "--host", run.url],
      ...["-u", `${shape.users}`, "-r", `${shape.users}`, "-t", `${run.durationSec}s`],
      ...["--csv", `${dir}/run`, "--only-summary", "--loglevel", "WARNING"],
      ...(variant.processes > 1 ? ["--processes", `${variant.processes}`] : []),
      variant.userClass,
    ], {
      cpus: CLIENT_CPUS,
      timeoutMs: (run.durationSec + 120) * 1000,
      cwd: dir,
      env: { CHECKOUT_ORDERS: "100000", CHECKOUT_WAIT_S: `${shape.waitSec}` },
    });
    const csv = await Deno.readTextFile(`${dir}/run_stats.csv`).catch(() => "");
    const stats = locustStats(csv);
    if ((timed.code !== 0 && timed.code !== 1) || stats === null) {
      throw new BenchError(
        `locust (${variant.tool}) exited with ${timed.code}${
          stats === null ? " and no stats CSV" : ""
        }: ${lastLine(timed.stderr)}`,
      );
    }
    return {
      shape: shape.label,
      tool: variant.tool,
      ...stats,
      wallSec: timed.wallSec,
      cpuSec: timed.cpuSec,
      warnings: locustWarnings(timed.stderr),
    };
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

const LOCUST_VARIANTS: readonly LocustVariant[] = [
  { tool: "locust HttpUser", userClass: "CheckoutHttpUser", processes: 1 },
  { tool: "locust FastHttpUser", userClass: "CheckoutFastHttpUser", processes: 1 },
  { tool: "locust FastHttpUser --processes 2", userClass: "CheckoutFastHttpUser", processes: 2 },
];

function perCpuSec(row: Row): number {
  return row.requests / row.cpuSec;
}

function formatTable(rows: readonly Row[]): string[] {
  const cell = (value: number, digits: number, width: number) =>
    (Number.isFinite(value) ? value.toFixed(digits) : "n/a").padStart(width);
  const lines = [
    `${"shape".padEnd(9)}${"load generator".padEnd(35)}${"req/s".padStart(8)}${
      "requests".padStart(10)
    }${"failed".padStart(8)}${"CPU s".padStart(8)}${"cores".padStart(7)}${
      "req/CPU-s".padStart(11)
    }${"p50 ms".padStart(8)}${"p99 ms".padStart(8)}`,
  ];
  for (const row of rows) {
    lines.push(
      `${row.shape.padEnd(9)}${row.tool.padEnd(35)}${cell(row.requestsPerSec, 0, 8)}${
        cell(row.requests, 0, 10)
      }${cell(row.failures, 0, 8)}${cell(row.cpuSec, 2, 8)}${cell(row.cpuSec / row.wallSec, 2, 7)}${
        cell(perCpuSec(row), 0, 11)
      }${cell(row.p50Ms, 2, 8)}${cell(row.p99Ms, 2, 8)}`,
    );
  }
  return lines;
}

function formatFindings(rows: readonly Row[]): string[] {
  const lines: string[] = [];
  for (const shape of new Set(rows.map((row) => row.shape))) {
    const ours = rows.find((row) => row.shape === shape && row.tool === "stress checkout load");
    if (ours === undefined) continue;
    const ratios = rows.filter((row) => row.shape === shape && row !== ours).map((row) =>
      `${(perCpuSec(ours) / perCpuSec(row)).toFixed(2)} x ${row.tool}`
    );
    lines.push(`${shape}: stress's requests per CPU-second = ${ratios.join(", ")}`);
  }
  for (const row of rows) {
    const counts = new Map<string, number>();
    for (const warning of row.warnings) counts.set(warning, (counts.get(warning) ?? 0) + 1);
    for (const [warning, count] of counts) {
      lines.push(`${row.shape} ${row.tool}: ${warning}${count > 1 ? ` (${count} times)` : ""}`);
    }
  }
  return lines;
}

async function startService(): Promise<{ url: string; child: Deno.ChildProcess; note: string }> {
  const { url, child } = await startListeningChild(SERVICE, ["--mode", "correct", "--port", "0"]);
  if (navigator.hardwareConcurrency < 2) return { url, child, note: "not pinned (1 core)" };
  const pin = await runQuiet("taskset", ["-a", "-p", "-c", SERVICE_CPUS, `${child.pid}`]);
  return { url, child, note: pin.code === 0 ? `on core ${SERVICE_CPUS}` : "not pinned" };
}

async function initService(url: string): Promise<void> {
  const init = await runQuiet(Deno.execPath(), [
    ...["run", "-A", MAIN, "checkout", "load", "--gateway", url, "--init-only"],
  ]);
  if (init.code !== 0) throw new BenchError(`--init-only failed: ${lastLine(init.stderr)}`);
  console.log(lastLine(init.stdout));
}

async function runBench(durationSec: number, users: number, maxUsers: number): Promise<number> {
  const locust = await ensureLocust();
  const service = await startService();
  try {
    console.log(
      `service: tests/checkout/_checkout_service.ts (correct) at ${service.url}, ${service.note}; ` +
        `load generators on core ${CLIENT_CPUS}, ${durationSec} s each; ` +
        `${navigator.hardwareConcurrency} cores`,
    );
    await initService(service.url);
    const shapes: Shape[] = [
      { label: "official", users, waitSec: 1, connections: 100 },
      { label: "flat-out", users: maxUsers, waitSec: 0, connections: maxUsers },
    ];
    console.log(
      `official: ${users} users, checkout-only, wait constant(1); ` +
        `flat-out: ${maxUsers} users, checkout-only, no wait`,
    );
    const rows: Row[] = [];
    for (const shape of shapes) {
      rows.push(await runStress(service.url, shape, durationSec));
      for (const variant of LOCUST_VARIANTS) {
        await new Promise((resolve) => setTimeout(resolve, 1000));
        rows.push(await runLocust(locust, { url: service.url, shape, durationSec, variant }));
      }
    }
    for (const line of [...formatTable(rows), ...formatFindings(rows)]) console.log(line);
    const ours = rows.find((row) => row.shape === "flat-out" && row.tool.startsWith("stress"))!;
    const peer = rows.find((row) => row.shape === "flat-out" && row.tool === "locust HttpUser")!;
    const pass = perCpuSec(ours) > perCpuSec(peer);
    console.log(
      `aim: more requests per CPU-second than locust HttpUser, flat out: ${
        (perCpuSec(ours) / perCpuSec(peer)).toFixed(2)
      } x -> ${pass ? "PASS" : "FAIL"}`,
    );
    return pass ? 0 : 1;
  } finally {
    service.child.kill("SIGTERM");
    await service.child.status;
  }
}

async function main(): Promise<number> {
  const [durationText = "20", usersText = "1000", maxUsersText = "50"] = Deno.args;
  const [durationSec, users, maxUsers] = [durationText, usersText, maxUsersText].map(Number);
  if (![durationSec, users, maxUsers].every((n) => Number.isInteger(n) && n > 0)) {
    console.error(
      "error: usage: deno run -A bench/checkout_load_vs_locust.ts [duration-s=20] [users=1000] [max-users=50]",
    );
    return 2;
  }
  try {
    return await runBench(durationSec, users, maxUsers);
  } catch (error) {
    if (!(error instanceof BenchError)) throw error;
    console.error(`error: ${error.message}`);
    return 2;
  }
}

Deno.exit(await main());
