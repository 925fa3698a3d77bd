// The machine's own floor for precise dispatch (bench/dispatch_precision.ts): how late a bare
// timed sleep of 0.4 ms wakes (a futex wait, timer slack 1 ns, as the slot ticker sleeps), for
// `seconds`, on whatever core this process runs on. Prints one JSON line: the sleeps, the
// lateness p50, p99 and p99.9 in us, and how many woke over 300 us late. No op, no Worker: what
// any thread of any tool gets from the kernel and the hypervisor here.
//
//   taskset -c 0 deno run -A bench/_wake_floor.ts [seconds]
// deno-lint-ignore-file no-console

const seconds = Number(Deno.args[0] ?? "5");
try {
  const libc = Deno.dlopen("libc.so.6", {
    prctl: { parameters: ["i32", "u64", "u64", "u64", "u64"], result: "i32" },
  });
  libc.symbols.prctl(29, 1n, 0n, 0n, 0n); // PR_SET_TIMERSLACK: 1 ns
} catch {
  // Not Linux: the default slack.
}
const cell = new Int32Array(new SharedArrayBuffer(4));
const late: number[] = [];
const end = performance.now() + seconds * 1e3;
while (performance.now() < end) {
  const start = performance.now();
  Atomics.wait(cell, 0, 0, 0.4);
  late.push((performance.now() - start - 0.4) * 1e3);
}
late.sort((a, b) => a - b);
const at = (p: number) =>
  Math.round(late[Math.min(late.length - 1, Math.floor((p / 100) * late.length))]);
console.log(JSON.stringify({
  sleeps: late.length,
  p50: at(50),
  p99: at(99),
  p999: at(99.9),
  over300: late.filter((us) => us > 300).length,
}));
