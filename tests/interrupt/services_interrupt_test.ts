// The interrupt matrix of the commands that load services: `checkout load`, `query run` and
// `disk client`, each interrupted (Ctrl-C; SIGTERM shares its path) in its setup and in its
// measured run, and given a closed port. Every file option they take is then absent or
// complete and valid, the exit code is the documented one, and stderr holds no stack trace.
import assert from "node:assert/strict";
import {
  assertEnded,
  checkHdrLog,
  checkJson,
  closedPort,
  readOrNull,
  runMain,
} from "./_interrupt_run.ts";
import { startCheckoutService } from "../checkout/_checkout_service.ts";
import { freshDatabase, startPostgres } from "../query/_pg_fixture.ts";
import { freeUdpPort, kill, startServer } from "../disk/_disk_procs.ts";

const dir = await Deno.makeTempDir({ prefix: "stress_interrupt_services_" });
let caseNumber = 0;

// checkout load: --json, --hdr-log.
const LOAD = ["--users", "4", "--spawn-rate", "100", "--duration", "30s", "--interval", "200ms"];

async function checkoutLoad(
  url: string,
  extra: readonly string[],
  abortOn: RegExp | undefined,
  code: number,
): Promise<{ json: string; hdr: string; out: string[] }> {
  const base = `${dir}/load${++caseNumber}`;
  const run = await runMain([
    "checkout",
    "load",
    "--gateway",
    url,
    ...LOAD,
    ...extra,
    "--json",
    `${base}.json`,
    "--hdr-log",
    `${base}.hdr`,
  ], { abortOn });
  assertEnded(run, code);
  return { json: `${base}.json`, hdr: `${base}.hdr`, out: run.out };
}

Deno.test("checkout load: Ctrl-C in --init writes no file, exit 130", async () => {
  const service = await startCheckoutService({ seed: 3 });
  try {
    const run = await checkoutLoad(
      service.url,
      ["--init", "--init-items", "10", "--init-users", "10", "--init-orders", "10"],
      /^checkout load:|^init:/,
      130,
    );
    assert.equal(readOrNull(run.json), null);
    assert.equal(readOrNull(run.hdr), null);
  } finally {
    await service.close();
  }
});

Deno.test("checkout load: Ctrl-C in the measured run: valid HDR log and JSON, exit 130", async () => {
  const service = await startCheckoutService({ seed: 3 });
  try {
    const run = await checkoutLoad(
      service.url,
      ["--init", "--init-items", "10", "--init-users", "10", "--init-orders", "10"],
      /^\s+\d+\.\d+\s+\d+\s/,
      130,
    );
    assert.ok(checkHdrLog(run.hdr) > 0);
    const json = checkJson(run.json, /^interrupted during the measured run$/)!;
    assert.ok(Array.isArray(json.intervals) && json.intervals.length > 0);
  } finally {
    await service.close();
  }
});

// checkout consistency: --json, written only with the verdict. Each phase prints its line when
// it ends; Ctrl-C then stops the test before the next phase.
const CONSISTENCY_PHASES = [
  ["start", /^checkout consistency:/],
  ["populate", /^populate: /],
  ["orders", /^orders: /],
  ["checkouts", /^checkout: /],
] as const;
for (const [phase, line] of CONSISTENCY_PHASES) {
  Deno.test(`checkout consistency: Ctrl-C at the end of the ${phase} stops it there, no file, exit 130`, async () => {
    const service = await startCheckoutService({ seed: 5, faults: { latencyMs: 20 } });
    try {
      const json = `${dir}/consistency${++caseNumber}.json`;
      const run = await runMain([
        "checkout",
        "consistency",
        "--gateway",
        service.url,
        "--users",
        "300",
        "--checkouts",
        "300",
        "--json",
        json,
      ], { abortOn: line });
      assertEnded(run, 130);
      assert.match(
        run.err.at(-1) ?? "",
        new RegExp(`^error: Run interrupted by SIGINT during the ${phase}: nothing was judged`),
      );
      assert.ok(!run.out.some((l) => l.startsWith("Verdict:")), run.out.join("\n"));
      assert.equal(readOrNull(json), null);
    } finally {
      await service.close();
    }
  });
}

Deno.test("checkout load: a failed connect (closed port) in --init: exit 3, no file", async () => {
  const run = await checkoutLoad(
    `http://127.0.0.1:${closedPort()}`,
    ["--init", "--connect-timeout", "1s"],
    undefined,
    3,
  );
  assert.equal(readOrNull(run.json), null);
  assert.equal(readOrNull(run.hdr), null);
});

// query run: --json, --hdr-log, --results.
const pg = await startPostgres();
const pgUrl = await freshDatabase(pg, "interrupts");
{
  const setup = await runMain(["query", "setup", "--url", pgUrl, "--generate", "4,0.1"]);
  assertEnded(setup, 0);
}
const PARAMS = `${dir}/params.csv`;
Deno.writeTextFileSync(
  PARAMS,
  "hostname,start_time,end_time\n" +
    Array.from(
      { length: 20_000 },
      (_, i) => `host_${i % 4},2016-01-01 00:00:00,2016-01-01 02:00:00\n`,
    ).join(""),
);

async function queryRun(url: string, abortOn: RegExp | undefined, code: number) {
  const base = `${dir}/query${++caseNumber}`;
  const run = await runMain([
    "query",
    "run",
    "--url",
    url,
    "--file",
    PARAMS,
    "--interval",
    "200ms",
    "--json",
    `${base}.json`,
    "--hdr-log",
    `${base}.hdr`,
    "--results",
    `${base}.jsonl`,
  ], { abortOn });
  assertEnded(run, code);
  return { json: `${base}.json`, hdr: `${base}.hdr`, results: `${base}.jsonl`, out: run.out };
}

/** Every line of a JSON-lines file parses. */
function checkJsonLines(path: string): void {
  const text = Deno.readTextFileSync(path);
  assert.ok(text === "" || text.endsWith("\n"), `${path} ends mid-line`);
  for (const line of text.split("\n").filter((l) => l !== "")) JSON.parse(line);
}

Deno.test("query run: Ctrl-C in the setup (before the first query): valid files, exit 130", async () => {
  // Nothing is printed before the files are opened: the banner is the first line.
  const run = await queryRun(pgUrl, /./, 130);
  assert.equal(checkHdrLog(run.hdr), 0);
  checkJson(run.json, /^interrupted during the measured run$/);
  checkJsonLines(run.results);
});

Deno.test("query run: Ctrl-C in the measured run: valid files, exit 130", async () => {
  const run = await queryRun(pgUrl, /^\s*\d/, 130);
  assert.ok(checkHdrLog(run.hdr) >= 0);
  checkJson(run.json, /interrupted during the measured run/);
  checkJsonLines(run.results);
});

Deno.test("query run: a failed connect (closed port): exit 3, no file", async () => {
  const run = await queryRun(
    `postgres://postgres@127.0.0.1:${closedPort()}/postgres`,
    undefined,
    3,
  );
  assert.equal(readOrNull(run.json), null);
  assert.equal(readOrNull(run.hdr), null);
  assert.equal(readOrNull(run.results), null);
});

Deno.test("query run: stop the PostgreSQL server", async () => {
  await pg.stop();
});

// disk client: --log.
async function diskClient(
  tcpPort: number,
  hbPort: number,
  abortOn: RegExp | undefined,
  code: number,
) {
  const base = `${dir}/disk${++caseNumber}`;
  const run = await runMain([
    "disk",
    "client",
    "--server",
    `127.0.0.1:${tcpPort}`,
    "--hb-address",
    "239.0.0.1",
    "--hb-port",
    String(hbPort),
    "--interface",
    "127.0.0.1",
    "--chunk",
    "100K",
    "--file-size",
    "1M",
    "--run-time",
    "20s",
    "--heartbeat",
    "300ms",
    "--stats-every",
    "500ms",
    "--path",
    `${base}.data`,
    "--cleanup",
    "--log",
    `${base}.log`,
  ], { abortOn });
  assertEnded(run, code);
  return { log: `${base}.log`, out: run.out };
}

/** The --log file: absent, or whole lines each of which was printed. */
function checkDiskLog(path: string, out: readonly string[]): void {
  const text = readOrNull(path);
  if (text === null) return;
  assert.ok(text === "" || text.endsWith("\n"), `${path} ends mid-line`);
  for (const line of text.split("\n").filter((l) => l !== "")) {
    assert.ok(out.includes(line), `${path}: "${line}" was not printed`);
  }
}

/** A disk server for one client run (a server ends its run when its client stops). */
async function withDiskServer(fn: (tcpPort: number, hbPort: number) => Promise<void>) {
  const hbPort = freeUdpPort();
  const { server, tcpPort } = await startServer({
    hbPort,
    db: `${dir}/disk${++caseNumber}.sqlite`,
    dir,
  });
  try {
    await fn(tcpPort, hbPort);
  } finally {
    kill(server, "SIGTERM");
    await server.done;
  }
}

Deno.test("disk client: Ctrl-C while measuring the disk: a valid log, exit 130", async () => {
  await withDiskServer(async (tcpPort, hbPort) => {
    const run = await diskClient(tcpPort, hbPort, /: measured .* MB\/s/, 130);
    checkDiskLog(run.log, run.out);
  });
});

Deno.test("disk client: Ctrl-C in the measured run: the log ends with stop, exit 130", async () => {
  await withDiskServer(async (tcpPort, hbPort) => {
    const run = await diskClient(tcpPort, hbPort, /: (sample|rollover \d+): /, 130);
    checkDiskLog(run.log, run.out);
    assert.match(await Deno.readTextFile(run.log), /: stop: /);
  });
});

Deno.test("disk client: a failed connect (closed port): exit 3", async () => {
  const run = await diskClient(closedPort(), freeUdpPort(), undefined, 3);
  checkDiskLog(run.log, run.out);
});

Deno.test("services interrupt matrix: remove the temporary directory", async () => {
  await Deno.remove(dir, { recursive: true });
});
