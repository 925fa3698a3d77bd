// Peak RSS of a whole `stress write` run against the zero-latency synthetic target, for
// growing n: it must stay under 150 MB and not grow with n.
// Run: deno run -A bench/engine_rss.ts [N...]   (default 1e6 and 1e7)
const counts = Deno.args.length > 0 ? Deno.args : ["1000000", "10000000"];
const root = new URL("..", import.meta.url).pathname;

async function peakRssKb(n: string): Promise<{ kb: number; seconds: number; code: number }> {
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      "--config",
      `${root}deno.json`,
      `${root}main.ts`,
      "write",
      `n=${n}`,
      "no-warmup",
      "-rate",
      "threads=64",
      "-node",
      "synthetic",
      "-log",
      "no-settings",
    ],
    stdout: "null",
    stderr: "null",
  }).spawn();
  const start = performance.now();
  let kb = 0;
  const poll = setInterval(() => {
    try {
      const status = Deno.readTextFileSync(`/proc/${child.pid}/status`);
      const match = /VmHWM:\s+(\d+) kB/.exec(status);
      if (match) kb = Math.max(kb, Number(match[1]));
    } catch {
      // The process has exited.
    }
  }, 20);
  const { code } = await child.status;
  clearInterval(poll);
  return { kb, seconds: (performance.now() - start) / 1000, code };
}

for (const n of counts) {
  const { kb, seconds, code } = await peakRssKb(n);
  // deno-lint-ignore no-console
  console.log(
    `n=${n}: peak RSS ${(kb / 1024).toFixed(1)} MB, ${seconds.toFixed(1)} s, exit ${code}`,
  );
}
