// The scheduling hints of precise dispatch, read back from /proc: the calling thread's scheduler
// slice while preciseWakeups() holds (and the default again after), and the nice value of V8's
// background threads after lowerBackgroundThreads(). Linux only (custom slices: 6.12+).
import assert from "node:assert/strict";
import { lowerBackgroundThreads, preciseWakeups } from "../../lib/engine/thread_scheduling.ts";

/** The calling thread's scheduler slice in ns, or null where /proc does not show it. */
function sliceNs(): number | null {
  try {
    const sched = Deno.readTextFileSync("/proc/thread-self/sched");
    const match = /^se\.slice\s*:\s*(\d+)/m.exec(sched);
    return match === null ? null : Number(match[1]);
  } catch {
    return null;
  }
}

/** Name and nice value of every thread of this process. */
function threads(): { name: string; nice: number }[] {
  return [...Deno.readDirSync("/proc/self/task")].map((entry) => {
    const stat = Deno.readTextFileSync(`/proc/self/task/${entry.name}/stat`);
    const name = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
    // After the name: state is field 3, nice field 19.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return { name, nice: Number(fields[16]) };
  });
}

const linux = Deno.build.os === "linux";

Deno.test({
  name: "preciseWakeups() gives the calling thread a 0.1 ms slice, and gives it back",
  ignore: !linux || sliceNs() === null,
  fn() {
    const before = sliceNs();
    const restore = preciseWakeups();
    assert.equal(sliceNs(), 100_000);
    restore();
    assert.equal(sliceNs(), before);
  },
});

Deno.test({
  name: "lowerBackgroundThreads() sets V8's background threads to nice 10",
  ignore: !linux,
  fn() {
    lowerBackgroundThreads();
    const v8 = threads().filter((thread) => thread.name.startsWith("V8 DefaultWorke"));
    assert.ok(v8.length > 0, JSON.stringify(threads()));
    assert.deepEqual(v8.map((thread) => thread.nice), v8.map(() => 10));
    const main = threads().find((thread) => thread.name === "deno" || thread.name === "main");
    assert.equal(main?.nice ?? 0, 0);
  },
});
