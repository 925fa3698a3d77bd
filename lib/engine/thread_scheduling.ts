/**
 * Scheduling hints that let scheduled ops start on time when the threads of a run share a
 * core (measured with `perf sched` on a `fixed=2000/s` run pinned to one core):
 *
 * - {@linkcode lowerBackgroundThreads}: V8's background threads (concurrent garbage
 *   collection and compilation, named `V8 DefaultWorker`) ran up to 3 ms at a stretch while
 *   the Worker waited for the core. At nice 10 a woken Worker or ticker no longer waits
 *   behind them, and they still get a tenth of a busy core: in `SCHED_IDLE`, and at nice 19,
 *   a 20,000 op/s Worker on one core sometimes waited 10 to 300 ms for the garbage collection
 *   they had fallen behind on. Every load run does it (`runWorkload()`): in the first second
 *   of a `no-warmup` write at full speed the compiler threads took a third of the core, and the
 *   first interval's rate over the steady rate went from a median of 0.71 to 0.81 (8 runs each,
 *   `stress serve` and the client sharing both cores).
 * - {@linkcode preciseWakeups}: for the threads that wait for slots (the ticker, the Worker
 *   that dispatches): a timer slack of 1 ns, so timed waits end on time, and a scheduler
 *   slice of 0.1 ms (Linux 6.12+, `sched_setattr`), so that when such a thread wakes it
 *   preempts a thread on a longer slice, such as the main thread writing its interval rows.
 *
 * Linux only, and only with FFI (and read) permission; elsewhere nothing changes. The
 * ticker thread sets its own hints inline (its body must be self-contained).
 *
 * @module
 */

/** The thread name V8's platform gives its workers (`comm` keeps 15 characters). */
const V8_WORKER_NAME = /^V8 DefaultWorke/;
/** The nice value of V8's background threads while precise dispatch runs. */
const BACKGROUND_NICE = 10;
/** The scheduler slice asked for by threads that wait for slots, in ns. */
const SHORT_SLICE_NS = 100_000n;
/** `PR_SET_TIMERSLACK`. */
const PR_SET_TIMERSLACK = 29;
/** The `sched_setattr` and `sched_getattr` syscall numbers, by architecture. */
const SYS_SCHED_ATTR: Partial<Record<string, { set: bigint; get: bigint }>> = {
  "x86_64": { set: 314n, get: 315n },
  aarch64: { set: 274n, get: 275n },
};
/** `struct sched_attr` up to `sched_period` (SCHED_ATTR_SIZE_VER0), and its slice field. */
const SCHED_ATTR_SIZE = 48;
const SCHED_RUNTIME_OFFSET = 24;

let lowered = false;

/** Whether the hints can be applied here: Linux, with FFI permission. */
function hintsAllowed(): boolean {
  return Deno.build.os === "linux" &&
    Deno.permissions.querySync({ name: "ffi" }).state === "granted";
}

/**
 * Sets V8's background threads of this process to nice 10, once. They stay there: an
 * unprivileged process may not lower a nice value again.
 *
 * @example Usage
 * ```ts ignore
 * lowerBackgroundThreads();
 * ```
 */
export function lowerBackgroundThreads(): void {
  if (lowered || !hintsAllowed()) return;
  lowered = true;
  try {
    const path = "/proc/self/task";
    if (Deno.permissions.querySync({ name: "read", path }).state !== "granted") return;
    const tids: number[] = [];
    for (const entry of Deno.readDirSync(path)) {
      const name = Deno.readTextFileSync(`${path}/${entry.name}/comm`);
      if (V8_WORKER_NAME.test(name)) tids.push(Number(entry.name));
    }
    const libc = Deno.dlopen("libc.so.6", {
      setpriority: { parameters: ["i32", "i32", "i32"], result: "i32" },
    });
    try {
      for (const tid of tids) libc.symbols.setpriority(0, tid, BACKGROUND_NICE); // PRIO_PROCESS
    } finally {
      libc.close();
    }
  } catch {
    // No /proc, or not permitted: the threads keep their priority.
  }
}

/**
 * Asks Linux to wake the calling thread precisely: timer slack 1 ns and a 0.1 ms slice.
 *
 * @returns Puts both back to the defaults.
 *
 * @example Usage
 * ```ts ignore
 * const restore = preciseWakeups();
 * // ... wait for slots ...
 * restore();
 * ```
 */
export function preciseWakeups(): () => void {
  if (!hintsAllowed()) return () => {};
  try {
    const libc = Deno.dlopen("libc.so.6", {
      prctl: { parameters: ["i32", "u64", "u64", "u64", "u64"], result: "i32" },
      syscall: { parameters: ["i64", "i64", "buffer", "i64", "i64"], result: "i64" },
    });
    const numbers = SYS_SCHED_ATTR[Deno.build.arch];
    // The thread's own attributes (policy, nice), so that only the slice changes.
    const attr = new Uint8Array(SCHED_ATTR_SIZE);
    const view = new DataView(attr.buffer);
    const readable = numbers !== undefined &&
      libc.symbols.syscall(numbers.get, 0n, attr, BigInt(SCHED_ATTR_SIZE), 0n) === 0n;
    const apply = (slackNs: bigint, sliceNs: bigint) => {
      libc.symbols.prctl(PR_SET_TIMERSLACK, slackNs, 0n, 0n, 0n); // 0: the thread's default
      if (!readable) return;
      view.setUint32(0, SCHED_ATTR_SIZE, true);
      view.setBigUint64(SCHED_RUNTIME_OFFSET, sliceNs, true); // 0: the default slice
      libc.symbols.syscall(numbers.set, 0n, attr, 0n, 0n);
    };
    apply(1n, SHORT_SLICE_NS);
    return () => {
      try {
        apply(0n, 0n);
      } finally {
        libc.close();
      }
    };
  } catch {
    return () => {}; // no libc: the defaults stay
  }
}
