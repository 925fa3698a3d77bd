// bench/_timed_run.ts: exit code, output and /usr/bin/time figures of a pinned run, and a run
// past its time limit stopped with its whole process group.
import assert from "node:assert/strict";
import { timedRun } from "../../bench/_timed_run.ts";

Deno.test("timedRun gives the exit code, the output and the figures of a pinned run", async () => {
  const script = "grep Cpus_allowed_list: /proc/self/status; echo oops >&2; exit 3";
  const run = await timedRun(["sh", "-c", script], { cpus: "0", timeoutMs: 60_000 });
  assert.equal(run.code, 3);
  assert.match(run.stdout, /^Cpus_allowed_list:\s+0\n$/);
  assert.equal(run.stderr, "oops\n");
  assert.ok(run.wallSec >= 0 && run.cpuSec >= 0 && run.peakRssMb > 0, JSON.stringify(run));
});

/** Whether a process is gone (or a zombie waiting for init), polled for up to 10 s. */
async function gone(pid: number): Promise<boolean> {
  for (let i = 0; i < 100; i++) {
    const stat = await Deno.readTextFile(`/proc/${pid}/stat`).catch(() => null);
    if (stat === null || / Z /.test(stat)) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return false;
}

Deno.test("timedRun stops a run past its limit with its children: exit 124", async () => {
  // The shell prints its background child's pid, then waits for it (60 s) past the 300 ms limit.
  const script = "sleep 60 & echo $!; wait";
  const run = await timedRun(["sh", "-c", script], { cpus: "0", timeoutMs: 300 });
  assert.equal(run.code, 124);
  const child = Number(run.stdout.trim());
  assert.ok(child > 0, run.stdout);
  assert.ok(await gone(child), `the background sleep ${child} outlived the run`);
});
