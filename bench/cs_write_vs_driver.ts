// `stress write` against a bare cassandra-driver loop, same node, same concurrency, in one run.
// Starts `stress serve --port 0` (a separate process, so its CPU is not counted), creates the
// schema with a short `stress write`, then runs each side as its own process under
// /usr/bin/time and prints throughput, client CPU per op (user+sys of the whole process,
// start-up included) and peak RSS, and the ratios stress/bare.
// Targets: throughput ratio >= 0.9, CPU-per-op ratio <= 1.15.
//
//   deno run -A bench/cs_write_vs_driver.ts [N=200000] [C=128]
// deno-lint-ignore-file no-console
const total = Number(Deno.args[0] ?? 200_000);
const inFlight = Number(Deno.args[1] ?? 128);
const main = new URL("../main.ts", import.meta.url).pathname;
const bare = new URL("./_bare_write_loop.ts", import.meta.url).pathname;

interface Measured {
  opsPerSec: number;
  cpuUsPerOp: number;
  peakRssMb: number;
  wallSec: number;
}

async function timed(args: string[], parseRate: (out: string) => number): Promise<Measured> {
  const output = await new Deno.Command("/usr/bin/time", {
    args: ["-f", "TIME %e %U %S %M", Deno.execPath(), ...args],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const out = new TextDecoder().decode(output.stdout);
  const err = new TextDecoder().decode(output.stderr);
  if (!output.success) throw new Error(`${args.join(" ")} failed:\n${out}\n${err}`);
  const [wall, user, sys, rssKb] = /TIME (\S+) (\S+) (\S+) (\S+)/.exec(err)!.slice(1).map(Number);
  return {
    opsPerSec: parseRate(out),
    cpuUsPerOp: ((user + sys) * 1e6) / total,
    peakRssMb: rssKb / 1024,
    wallSec: wall,
  };
}

const node = new Deno.Command(Deno.execPath(), {
  args: ["run", "-A", main, "serve", "--port", "0"],
  stdout: "piped",
  stderr: "inherit",
}).spawn();
try {
  const reader = node.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let banner = "";
  while (!banner.includes("\n")) {
    const { value, done } = await reader.read();
    if (done) throw new Error("stress serve exited before its banner");
    banner += value;
  }
  reader.releaseLock();
  const port = String(Number(/:(\d+)/.exec(banner)![1]));
  const target = ["-node", "127.0.0.1", "-port", `native=${port}`];
  // Schema (and JIT of the node) with a short run.
  await timed(["run", "-A", main, "write", "n=20000", "-rate", "threads=64", ...target], () => 0);

  const peer = await timed(
    ["run", "-A", bare, port, String(total), String(inFlight)],
    (out) => {
      const [, ops, seconds] = /ops=(\d+) seconds=(\S+)/.exec(out)!.map(Number);
      return ops / seconds;
    },
  );
  const ours = await timed(
    [
      "run",
      "-A",
      main,
      "write",
      `n=${total}`,
      "no-warmup",
      "-rate",
      `threads=${inFlight}`,
      "-log",
      "no-settings",
      ...target,
    ],
    (out) => Number(/^Op rate\s+:\s+([\d,]+) op\/s/m.exec(out)![1].replaceAll(",", "")),
  );
  const row = (name: string, m: Measured) =>
    `${name.padEnd(18)} ${Math.round(m.opsPerSec).toString().padStart(8)} op/s  ${
      m.cpuUsPerOp.toFixed(1).padStart(6)
    } µs CPU/op  ${m.peakRssMb.toFixed(1).padStart(7)} MB peak RSS  ${m.wallSec.toFixed(1)} s`;
  console.log(`prepared writes: ${total}, ${inFlight} in flight, node in its own process`);
  console.log(row("bare driver loop", peer));
  console.log(row("stress write", ours));
  console.log(`throughput ratio (stress/bare): ${(ours.opsPerSec / peer.opsPerSec).toFixed(2)}`);
  console.log(`CPU/op ratio (stress/bare):     ${(ours.cpuUsPerOp / peer.cpuUsPerOp).toFixed(2)}`);
} finally {
  node.kill("SIGTERM");
  await node.status;
}
