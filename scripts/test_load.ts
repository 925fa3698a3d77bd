/**
 * `deno task test:load`: the test suite under load. Keeps every core busy with a CPU hog of its
 * own (one spinning process per core, each bounded in time and stopped by its process id), then
 * runs `deno task test` ROUNDS times in a row (3 by default), and with `--cassandra` also
 * `deno task test:cassandra` in each round. Prints each round's verdict and time, and exits 1
 * when any run failed.
 *
 *   deno task test:load [--rounds N] [--cassandra]
 *
 * @module
 */

// deno-lint-ignore-file no-console

import { runSuites } from "./run_suites.ts";

/** The most a hog may spin: far more than three rounds take, so it never ends a run early. */
const HOG_LIMIT_MS = 3 * 60 * 60 * 1000;

interface LoadOptions {
  readonly rounds: number;
  readonly cassandra: boolean;
}

/** Parses the flags; null (after an `error:` line) when they are wrong. */
function optionsOf(args: readonly string[]): LoadOptions | null {
  let rounds = 3;
  let cassandra = false;
  for (let i = 0; i < args.length; i++) {
    if (args[i] === "--cassandra") {
      cassandra = true;
    } else if (args[i] === "--rounds") {
      const value = args[++i] ?? "";
      if (!/^[1-9]\d*$/.test(value)) {
        console.error(
          `error: Cannot run the suite under load: --rounds "${value}" is not a positive integer`,
        );
        return null;
      }
      rounds = Number(value);
    } else {
      console.error(
        `error: Cannot run the suite under load: "${args[i]}" is not an option, expected ` +
          "--rounds N (a positive integer) or --cassandra",
      );
      return null;
    }
  }
  return { rounds, cassandra };
}

/** One spinning process per core, each ending by itself after `HOG_LIMIT_MS` at the latest. */
function startHogs(): Deno.ChildProcess[] {
  const spin = `const end = Date.now() + ${HOG_LIMIT_MS}; let x = 0; ` +
    "while (Date.now() < end) { for (let i = 0; i < 1e6; i++) x += i; }";
  return Array.from(
    { length: navigator.hardwareConcurrency },
    () =>
      new Deno.Command(Deno.execPath(), {
        args: ["eval", spin],
        stdin: "null",
        stdout: "null",
        stderr: "null",
      }).spawn(),
  );
}

async function stopHogs(hogs: Deno.ChildProcess[]): Promise<void> {
  for (const hog of hogs) {
    try {
      hog.kill("SIGKILL");
    } catch {
      // already gone
    }
  }
  await Promise.all(hogs.map((hog) => hog.status));
}

/** Runs `deno task test:cassandra` (scripts/test_cassandra.ts); its exit code. */
async function runCassandraSuite(): Promise<number> {
  const script = new URL("./test_cassandra.ts", import.meta.url).pathname;
  const child = new Deno.Command(Deno.execPath(), { args: ["run", "-A", script], stdin: "null" })
    .spawn();
  return (await child.status).code;
}

/** Runs every round with the hogs on; the failed runs, by round and suite. */
async function runRounds(options: LoadOptions): Promise<string[]> {
  const failed: string[] = [];
  for (let round = 1; round <= options.rounds; round++) {
    const runs: [string, () => Promise<number>][] = [["deno task test", () => runSuites([])]];
    if (options.cassandra) runs.push(["deno task test:cassandra", runCassandraSuite]);
    for (const [name, run] of runs) {
      const started = performance.now();
      const code = await run();
      const minutes = ((performance.now() - started) / 60_000).toFixed(1);
      const verdict = code === 0 ? "passed" : `FAILED (exit ${code})`;
      console.log(
        `test:load round ${round}/${options.rounds}: ${name} ${verdict} in ${minutes} min`,
      );
      if (code !== 0) failed.push(`round ${round}: ${name}`);
    }
  }
  return failed;
}

if (import.meta.main) {
  const options = optionsOf(Deno.args);
  if (options === null) Deno.exit(2);
  const hogs = startHogs();
  const stop = () => {
    stopHogs(hogs).finally(() => Deno.exit(130));
  };
  Deno.addSignalListener("SIGINT", stop);
  console.log(`test:load: ${hogs.length} CPU hog(s) running (pids ${hogs.map((h) => h.pid)})`);
  const started = performance.now();
  let failed: string[];
  try {
    failed = await runRounds(options);
  } finally {
    await stopHogs(hogs);
    Deno.removeSignalListener("SIGINT", stop);
  }
  const minutes = ((performance.now() - started) / 60_000).toFixed(1);
  for (const name of failed) console.error(`test:load failed: ${name}`);
  console.log(`test:load: ${options.rounds} round(s) in ${minutes} min, ${failed.length} failed`);
  Deno.exit(failed.length === 0 ? 0 : 1);
}
