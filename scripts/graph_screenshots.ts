/**
 * `deno run -A scripts/graph_screenshots.ts`: the two screenshots of the README, from real runs.
 *
 * Starts the embedded CQL node (`stress serve --port 0`, on 127.0.0.1), then:
 *
 * 1. `write duration=15s -pop seq=1..100000 -rate threads=32` and
 *    `read duration=15s -pop dist=uniform(1..100000) -rate threads=32` against it, both with
 *    `-graph file=<tmp>/report.html`, so the report has two revisions (`write`, then `read`);
 *    headless Chromium opens the report, puts the cursor halfway along the throughput chart (its
 *    legend then shows both revisions' op/s there), and `docs/images/graph_report.png` is the
 *    top of the page.
 * 2. `mixed ratio(write=1,read=3) duration=60s ... -log web=0`; Chromium opens the live page,
 *    waits until its charts have 12 points (all op types, the table lists READ and WRITE), and
 *    `docs/images/live_page.png` is the page mid-run; then its Stop ends the run.
 *
 * Everything listens on 127.0.0.1 only. The node, the runs and the browser are stopped at the
 * end (also on failure); the temporary directory is removed. Chromium is `/usr/bin/chromium`
 * (STRESS_CHROMIUM overrides it). Both PNGs are 1200x800 (viewport), device scale 1.
 * Exit 0 when both files were written, 1 otherwise.
 *
 * @module
 */

// deno-lint-ignore-file no-console
import { type Browser, chromium } from "playwright-core";

const MAIN = new URL("../main.ts", import.meta.url).pathname;
const OUT_DIR = new URL("../docs/images/", import.meta.url).pathname;
const CHROMIUM = Deno.env.get("STRESS_CHROMIUM") ?? "/usr/bin/chromium";
const VIEWPORT = { width: 1200, height: 800 };
const KEYS = 100_000;
const THREADS = "threads=32";

/** A running `deno run main.ts ...` child whose output lines are collected as they come. */
interface Child {
  process: Deno.ChildProcess;
  stdout: string[];
  stderr: string[];
  /** Resolves when both streams are read to their end. */
  drained: Promise<void>;
}

async function collect(stream: ReadableStream<Uint8Array>, into: string[]): Promise<void> {
  let rest = "";
  for await (const chunk of stream.pipeThrough(new TextDecoderStream())) {
    const parts = (rest + chunk).split("\n");
    rest = parts.pop()!;
    into.push(...parts);
  }
  if (rest !== "") into.push(rest);
}

function start(args: string[]): Child {
  console.log(`$ stress ${args.map((a) => /[\s()]/.test(a) ? `'${a}'` : a).join(" ")}`);
  const process = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", MAIN, ...args],
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const stdout: string[] = [];
  const stderr: string[] = [];
  const drained = Promise.all([collect(process.stdout, stdout), collect(process.stderr, stderr)])
    .then(() => {});
  return { process, stdout, stderr, drained };
}

/** Waits for the child to exit; throws unless its code is one of `codes`. */
async function finish(child: Child, codes: number[] = [0]): Promise<void> {
  const status = await child.process.status;
  await child.drained;
  if (!codes.includes(status.code)) {
    throw new Error(
      `exit ${status.code}:\n${[...child.stdout, ...child.stderr].slice(-20).join("\n")}`,
    );
  }
}

/** Sends SIGTERM to a child still running, and waits for it. */
async function stop(child: Child): Promise<void> {
  try {
    child.process.kill("SIGTERM");
  } catch {
    // already exited
  }
  await child.process.status;
  await child.drained;
}

/** Polls `check` every 100 ms until it is true; throws after `timeoutMs`. */
async function waitUntil(
  check: () => Promise<boolean> | boolean,
  what: string,
  timeoutMs = 30_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Waits until the child prints a line matching `pattern` (either stream); returns the match. */
async function printed(child: Child, pattern: RegExp, what: string): Promise<RegExpMatchArray> {
  let match: RegExpMatchArray | null = null;
  await waitUntil(() => {
    for (const line of [...child.stderr, ...child.stdout]) match ??= line.match(pattern);
    return match !== null;
  }, what);
  return match!;
}

function nodeArgs(port: number): string[] {
  return ["-node", "127.0.0.1", "-port", `native=${port}`];
}

/** The two runs into one graph file, then the report's screenshot. */
async function graphReport(browser: Browser, port: number, dir: string): Promise<string> {
  const file = `${dir}/report.html`;
  const graph = (revision: string) => [
    "-graph",
    `file=${file}`,
    `revision=${revision}`,
    "title=embedded-node-32-threads",
  ];
  await finish(start([
    "write",
    "duration=15s",
    "-pop",
    `seq=1..${KEYS}`,
    "-rate",
    THREADS,
    ...nodeArgs(port),
    ...graph("write"),
  ]));
  await finish(start([
    "read",
    "duration=15s",
    "-pop",
    `dist=uniform(1..${KEYS})`,
    "-rate",
    THREADS,
    ...nodeArgs(port),
    ...graph("read"),
  ]));
  const page = await browser.newPage({ viewport: VIEWPORT });
  try {
    await page.goto(`file://${file}`);
    await waitUntil(async () => (await page.$$("canvas")).length >= 8, "the charts are drawn");
    // The cursor halfway along the throughput chart: its legend shows both revisions' values.
    const box = await (await page.$(".u-over"))?.boundingBox();
    if (box) await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.5);
    await page.waitForTimeout(500);
    const out = `${OUT_DIR}graph_report.png`;
    await page.screenshot({ path: out });
    return out;
  } finally {
    await page.close();
  }
}

/** A mixed run with the live page: its screenshot mid-run, then Stop. */
async function livePage(browser: Browser, port: number): Promise<string> {
  const run = start([
    "mixed",
    "ratio(write=1,read=3)",
    "duration=60s",
    "-pop",
    `dist=uniform(1..${KEYS})`,
    "-rate",
    THREADS,
    ...nodeArgs(port),
    "-log",
    "interval=1s",
    "web=0",
    "no-settings",
  ]);
  try {
    const url = (await printed(
      run,
      /web: the live page is at (http:\/\/127\.0\.0\.1:\d+\/)/,
      "the live page's URL",
    ))[1];
    const page = await browser.newPage({ viewport: VIEWPORT });
    try {
      await page.goto(url);
      await waitUntil(async () => (await page.textContent("#state")) === "running", "running");
      await waitUntil(
        async () =>
          Number(await page.$eval("#chart-rps", (c) => c.getAttribute("data-points") ?? "0")) >=
            12,
        "12 points are drawn",
      );
      const out = `${OUT_DIR}live_page.png`;
      await page.screenshot({ path: out });
      await page.click("#stop");
      await finish(run, [130]);
      return out;
    } finally {
      await page.close();
    }
  } finally {
    await stop(run);
  }
}

async function screenshots(): Promise<void> {
  await Deno.mkdir(OUT_DIR, { recursive: true });
  const dir = await Deno.makeTempDir({ prefix: "graph_screenshots_" });
  const node = start(["serve", "--host", "127.0.0.1", "--port", "0"]);
  let browser: Browser | null = null;
  try {
    const port = Number((await printed(node, /listening on 127\.0\.0\.1:(\d+)/, "the node"))[1]);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ["--no-sandbox", "--headless=new"],
      timeout: 30_000,
    });
    for (const out of [await graphReport(browser, port, dir), await livePage(browser, port)]) {
      console.log(`${out}: ${(await Deno.stat(out)).size} bytes`);
    }
  } finally {
    await browser?.close();
    await stop(node);
    await Deno.remove(dir, { recursive: true });
  }
}

if (import.meta.main) {
  try {
    await screenshots();
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    Deno.exit(1);
  }
}
