// Starts the embedded CQL node as its own process (`stress serve --port 0`, so its CPU is not
// counted in the bench's) and reads the port from its one-line banner. Shared by the benches
// that drive it: cql_node_throughput.ts, cs_write_vs_driver.ts, user_vs_write.ts.

/** A running `stress serve`. */
export interface ServedNode {
  /** The child process (stop it with SIGTERM, then await its status). */
  readonly process: Deno.ChildProcess;
  /** The port it listens on, on 127.0.0.1. */
  readonly port: number;
}

/**
 * Starts `stress serve --port 0` and waits for its banner.
 *
 * @param cpus Pins the node to this `taskset -c` CPU list (default: not pinned).
 */
export async function startServeNode(cpus?: string): Promise<ServedNode> {
  const serve = [
    Deno.execPath(),
    ...["run", "-A", new URL("../main.ts", import.meta.url).pathname, "serve", "--port", "0"],
  ];
  const argv = cpus === undefined ? serve : ["taskset", "-c", cpus, ...serve];
  const process = new Deno.Command(argv[0], {
    args: argv.slice(1),
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const reader = process.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let banner = "";
  while (!banner.includes("\n")) {
    const { value, done } = await reader.read();
    if (done) throw new Error("stress serve exited before its banner");
    banner += value;
  }
  reader.releaseLock();
  return { process, port: Number(/:(\d+)/.exec(banner)![1]) };
}

/** What one timed Deno run did. */
export interface DenoRun {
  /** Its stdout. */
  readonly stdout: string;
  /** User + system CPU seconds of the whole process, start-up included. */
  readonly cpuSec: number;
  /** Peak RSS, MB. */
  readonly peakRssMb: number;
  /** Wall-clock seconds. */
  readonly wallSec: number;
}

/**
 * Runs `deno ARGS...` under `/usr/bin/time`; throws with its output when it fails.
 *
 * @param cpus Pins the run to this `taskset -c` CPU list (default: not pinned).
 */
export async function timeDeno(args: string[], cpus?: string): Promise<DenoRun> {
  const pin = cpus === undefined ? [] : ["taskset", "-c", cpus];
  const output = await new Deno.Command("/usr/bin/time", {
    args: ["-f", "TIME %e %U %S %M", ...pin, Deno.execPath(), ...args],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stdout = new TextDecoder().decode(output.stdout);
  const stderr = new TextDecoder().decode(output.stderr);
  if (!output.success) throw new Error(`${args.join(" ")} failed:\n${stdout}\n${stderr}`);
  const [wall, user, sys, rssKb] = /TIME (\S+) (\S+) (\S+) (\S+)/.exec(stderr)!.slice(1)
    .map(Number);
  return { stdout, cpuSec: user + sys, peakRssMb: rssKb / 1024, wallSec: wall };
}
