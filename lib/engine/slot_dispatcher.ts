/**
 * Releases ops at their scheduled start with sub-millisecond precision. A JavaScript timer
 * fires a millisecond or more late, and one timer per op made every op of a `fixed=` run
 * start about 2 ms after its slot. Here a ticker thread ({@linkcode SlotTicker}, started by
 * the thread that spawns the Workers: a Worker's own nested Worker takes a second to start)
 * sleeps until just before the earliest slot (a futex wait, woken early when an earlier slot
 * arrives), spins the last few microseconds and posts one message; the dispatcher then releases every op
 * whose slot has come, and arms the ticker for the next. The ticker learns how late its
 * sleeps end and wakes that much earlier, so the spin stays short. On Linux (when FFI is
 * allowed) the ticker and the dispatching thread ask for a timer slack of 1 ns, so that their
 * sleeps end on time, and a short scheduler slice, so that they preempt the run's other
 * threads when they wake; V8's background threads go to nice 10
 * (`thread_scheduling.ts`). With the whole client of a `fixed=2000/s` run on one core, this
 * took the wait time p99 from 1.1 to 1.6 ms down to 0.2 to 0.8 ms on this project's VM, where
 * a bare 0.4 ms futex sleep wakes over 0.3 ms late once in 300 to 700 sleeps.
 *
 * @module
 */

import { lowerBackgroundThreads, preciseWakeups } from "./thread_scheduling.ts";
import { WaiterHeap } from "./_waiter_heap.ts";

/** A way to wait for a slot: {@linkcode SlotDispatcher} or {@linkcode TimerSlots}. */
export interface SlotWaiter {
  /**
   * Resolves at `dueNs` (on the waiter's clock) or soon after, or earlier when the run
   * stops (the caller checks the clock and its stop flag again).
   */
  until(dueNs: number): Promise<void>;
  /** Releases every waiter and stops the ticker. */
  close(): void;
}

/** The longest the ticker sleeps before the dispatcher looks at its stop check again. */
const MAX_ARM_NS = 50e6;
/** The longest this thread sleeps itself (its timers and messages wait meanwhile). */
const BLOCK_MAX_NS = 2e6;
/**
 * How long before a slot an idle thread's own timer wakes it, to sleep the rest itself: the
 * ticker's message wakes an idle thread 0.4 ms late at the median (2.7 ms at p99) at 10 op/s.
 */
const PRE_WAKE_NS = 1.5e6;
/** The shortest idle gap before a slot that the thread's own timer ends. */
const PRE_WAKE_MIN_GAP_NS = 10e6;

/**
 * Sleeps this thread until a clock reading: a futex wait that ends a little early (by what
 * it learned of how late such waits end), then a spin of the last microseconds.
 */
class PreciseSleeper {
  readonly #cell = new Int32Array(new SharedArrayBuffer(4));
  #earlyNs = 20_000;
  #lateMeanNs = 10_000;
  #lateDeviationNs = 5_000;

  sleepUntil(untilNs: number, clock: () => number): void {
    const wakeNs = untilNs - this.#earlyNs;
    const sleepNs = wakeNs - clock();
    if (sleepNs > 0) {
      Atomics.wait(this.#cell, 0, 0, sleepNs / 1e6);
      const late = clock() - wakeNs;
      this.#lateMeanNs += (late - this.#lateMeanNs) / 16;
      this.#lateDeviationNs += (Math.abs(late - this.#lateMeanNs) - this.#lateDeviationNs) / 16;
      this.#earlyNs = Math.min(
        20_000,
        Math.max(2_000, this.#lateMeanNs + 2 * this.#lateDeviationNs),
      );
    }
    while (clock() < untilNs) {
      // the last few microseconds
    }
  }
}

/**
 * The ticker thread, serialized into its Worker (it may use nothing outside its body). Its
 * shared memory: int32 [0] a generation bumped whenever the due time changes, int32 [1] the
 * stop flag, int64 at byte 8 the due time (ns on the run's clock; 0: nothing armed).
 */
function tickerMain(): void {
  const scope = self as unknown as {
    onmessage: ((event: MessageEvent) => void) | null;
    close(): void;
  };
  scope.onmessage = (event: MessageEvent) => {
    scope.onmessage = null;
    const { shared, port, baseEpochMs } = event.data as {
      shared: SharedArrayBuffer;
      port: MessagePort;
      baseEpochMs: number;
    };
    const control = new Int32Array(shared, 0, 2);
    const due = new BigInt64Array(shared, 8, 1);
    const offsetMs = performance.timeOrigin - baseEpochMs;
    const clock = () => (performance.now() + offsetMs) * 1e6;
    try {
      // As thread_scheduling.ts's preciseWakeups(), inline: PR_SET_TIMERSLACK (29) to 1 ns,
      // so futex timeouts end within microseconds, and a 0.1 ms slice through
      // sched_getattr/sched_setattr (x86_64: 315/314), so that the woken ticker preempts.
      const libc = Deno.dlopen("libc.so.6", {
        prctl: { parameters: ["i32", "u64", "u64", "u64", "u64"], result: "i32" },
        syscall: { parameters: ["i64", "i64", "buffer", "i64", "i64"], result: "i64" },
      });
      libc.symbols.prctl(29, 1n, 0n, 0n, 0n);
      const attr = new Uint8Array(48);
      if (Deno.build.arch === "x86_64" && libc.symbols.syscall(315n, 0n, attr, 48n, 0n) === 0n) {
        new DataView(attr.buffer).setBigUint64(24, 100_000n, true);
        libc.symbols.syscall(314n, 0n, attr, 0n, 0n);
      }
    } catch {
      // No FFI (or not Linux): the sleeps end later, and the ticker wakes that much earlier.
    }
    let earlyNs = 20_000;
    let lateMeanNs = 20_000;
    let lateDeviationNs = 10_000;
    for (;;) {
      const generation = Atomics.load(control, 0);
      if (Atomics.load(control, 1) !== 0) break;
      const dueNs = Number(Atomics.load(due, 0));
      if (dueNs === 0) {
        Atomics.wait(control, 0, generation);
        continue;
      }
      const wakeNs = dueNs - earlyNs;
      const sleepNs = wakeNs - clock();
      if (sleepNs > 0) {
        if (Atomics.wait(control, 0, generation, sleepNs / 1e6) === "timed-out") {
          // How late the sleep ended: wake earlier by its mean and twice its deviation.
          const late = clock() - wakeNs;
          lateMeanNs += (late - lateMeanNs) / 16;
          lateDeviationNs += (Math.abs(late - lateMeanNs) - lateDeviationNs) / 16;
          earlyNs = Math.min(20_000, Math.max(2_000, lateMeanNs + 2 * lateDeviationNs));
        }
        continue;
      }
      while (clock() < dueNs && Atomics.load(control, 0) === generation) {
        // the last few microseconds
      }
      if (Atomics.compareExchange(due, 0, BigInt(dueNs), 0n) === BigInt(dueNs)) {
        port.postMessage(null);
      }
    }
    port.close();
    scope.close();
  };
}

/**
 * Releases waiting ops at their slots, woken by its own ticker thread.
 *
 * @example Usage
 * ```ts ignore
 * const slots = new SlotDispatcher(init.ticker, { clock, stopped: () => false });
 * await slots.until(clock() + 1e6); // 1 ms from now, within microseconds
 * slots.close();
 * ```
 */
export class SlotDispatcher implements SlotWaiter {
  readonly #clock: () => number;
  readonly #stopped: () => boolean;
  readonly #busy: () => boolean;
  readonly #sleeper = new PreciseSleeper();
  readonly #restoreWakeups = preciseWakeups();
  /** The ticker's clock minus the run's, in ns (both read `performance` in this thread). */
  readonly #offsetNs: number;
  readonly #control: Int32Array;
  readonly #due: BigInt64Array;
  readonly #port: MessagePort;
  readonly #waiters = new WaiterHeap();
  #order = 0;
  /** The due time the ticker was last given, on the run's clock (0: none, or it fired). */
  #armedNs = 0;
  #closed = false;
  /** The timer that wakes this idle thread before the earliest slot, and when it is due. */
  #preWake: { atNs: number; timer: ReturnType<typeof setTimeout> } | null = null;

  /**
   * Attaches to a ticker started by {@linkcode SlotTicker} (in this thread or another).
   *
   * @param link The ticker's shared memory, port and clock base.
   * @param options The run's clock and its stop check.
   */
  constructor(link: TickerLink, options: SlotDispatcherOptions) {
    this.#clock = options.clock;
    this.#stopped = options.stopped;
    this.#busy = options.busy ?? (() => true);
    this.#offsetNs = tickerOffsetNs(link.baseEpochMs, options.clock);
    this.#control = new Int32Array(link.shared, 0, 2);
    this.#due = new BigInt64Array(link.shared, 8, 1);
    this.#port = link.port;
    this.#port.onmessage = () => this.#tick();
  }

  /**
   * Waits for the slot `dueNs`: resolves once the clock has reached it (or when the run
   * stops, or the dispatcher closes).
   *
   * @param dueNs The slot, in ns on the dispatcher's clock.
   * @returns A promise of the release.
   */
  until(dueNs: number): Promise<void> {
    const now = this.#clock();
    if (this.#closed || dueNs <= now) return Promise.resolve();
    // Slots that came while this thread was busy start now, not when the ticker's post arrives.
    this.#releaseDue(false);
    const earliest = Math.min(dueNs, this.#waiters.peek()?.dueNs ?? dueNs);
    if (earliest - now <= BLOCK_MAX_NS && !this.#busy()) {
      // Nothing in flight: no answer can arrive, so this thread may sleep to the earliest slot.
      this.#sleepTo(earliest, dueNs);
      if (dueNs <= this.#clock()) return Promise.resolve();
    }
    return new Promise((release) => {
      this.#waiters.push({ dueNs, order: this.#order++, release });
      if (this.#armedNs === 0 || dueNs < this.#armedNs) this.#arm(dueNs);
      if (!this.#busy()) this.#planPreWake();
    });
  }

  /** Releases every waiter and detaches (the {@linkcode SlotTicker} stops the thread). */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#preWake !== null) clearTimeout(this.#preWake.timer);
    this.#restoreWakeups();
    Atomics.store(this.#due, 0, 0n);
    this.#port.close();
    while (this.#waiters.size > 0) this.#waiters.pop()!.release();
  }

  /**
   * While nothing is in flight, wakes this thread by a timer of its own shortly before the
   * earliest slot (unless an earlier wake is planned), to sleep the rest itself: the ticker's
   * message would wake it late. The ticker stays armed for a wake that comes too late.
   */
  #planPreWake(): void {
    const next = this.#waiters.peek();
    if (next === undefined) return;
    // Only before a long idle gap (low rates): at 2,000 op/s such timers made slots later.
    if (next.dueNs - this.#clock() < PRE_WAKE_MIN_GAP_NS) return;
    const atNs = next.dueNs - PRE_WAKE_NS;
    if (this.#preWake !== null) {
      if (this.#preWake.atNs <= atNs) return;
      clearTimeout(this.#preWake.timer);
    }
    const timer = setTimeout(() => {
      this.#preWake = null;
      this.#wakeBeforeSlot();
    }, Math.max(0, (atNs - this.#clock()) / 1e6));
    this.#preWake = { atNs, timer };
  }

  /** The pre-wake timer fired: sleeps to the earliest slot and releases it, if still idle. */
  #wakeBeforeSlot(): void {
    if (this.#closed || this.#busy()) return; // the ticker releases it
    const next = this.#waiters.peek();
    if (next === undefined) return;
    if (next.dueNs - this.#clock() > BLOCK_MAX_NS) {
      this.#planPreWake(); // an early timer: wait again
      return;
    }
    this.#sleepTo(next.dueNs, Infinity);
    this.#planPreWake();
  }

  /** The ticker fired: releases what is due (everything once stopped), arms the next. */
  #tick(): void {
    this.#armedNs = 0;
    this.#releaseDue(this.#stopped());
    const next = this.#waiters.peek();
    if (next !== undefined) this.#arm(next.dueNs);
  }

  /** Releases the waiters whose slot has come (all of them when `everything`). */
  #releaseDue(everything: boolean): void {
    const now = this.#clock();
    for (let next = this.#waiters.peek(); next !== undefined; next = this.#waiters.peek()) {
      if (!everything && next.dueNs > now) break;
      this.#waiters.pop()!.release();
    }
  }

  /** Gives the ticker a due time: the slot, or a stop check at most MAX_ARM_NS away. */
  #arm(dueNs: number): void {
    this.#armedNs = Math.ceil(Math.min(dueNs, this.#clock() + MAX_ARM_NS));
    Atomics.store(this.#due, 0, this.#tickerDue(this.#armedNs));
    Atomics.add(this.#control, 0, 1);
    Atomics.notify(this.#control, 0);
  }

  /**
   * Sleeps this thread to the slot `earliest` (the ticker moved on past it) and releases what is
   * due then; `dueNs` is the caller's own slot, if it waits too (Infinity: none).
   */
  #sleepTo(earliest: number, dueNs: number): void {
    this.#skipTickerTo(earliest, dueNs);
    this.#sleeper.sleepUntil(earliest, this.#clock);
    this.#releaseDue(false);
  }

  /**
   * Before this thread sleeps to the slot `earliest` itself: moves the ticker's due time past
   * it, to the next slot after it (`dueNs`, the caller's, counts when later), or clears it, so
   * that the ticker neither spins for that slot nor posts a message that would wake this
   * thread for nothing (at 2,000 op/s nine in ten ticks did). The ticker is not woken: its
   * sleep ends before the old due time, and it then reads the new one. Where the next slot is
   * not known cheaply (several waiters share `earliest`), or the ticker has fired already,
   * nothing changes.
   */
  #skipTickerTo(earliest: number, dueNs: number): void {
    if (this.#armedNs === 0 || this.#armedNs > earliest) return;
    const after = this.#waiters.earliestAfter(earliest);
    if (after === null) return;
    const next = Math.min(after, dueNs > earliest ? dueNs : Infinity);
    const armed = next === Infinity ? 0 : Math.ceil(Math.min(next, this.#clock() + MAX_ARM_NS));
    const old = this.#tickerDue(this.#armedNs);
    const value = armed === 0 ? 0n : this.#tickerDue(armed);
    if (Atomics.compareExchange(this.#due, 0, old, value) === old) this.#armedNs = armed;
  }

  /** A due time on the run's clock, as the ticker reads it (never 0: that means none). */
  #tickerDue(armedNs: number): bigint {
    return BigInt(Math.max(1, Math.ceil(armedNs + this.#offsetNs)));
  }
}

/**
 * The ticker's clock minus `clock`, in ns: `performance` read between two readings of `clock`,
 * the tightest pair of three (the first readings pay for compiling `clock`: taken one after
 * the other, they put the ticker's slots some 20 µs early).
 */
function tickerOffsetNs(baseEpochMs: number, clock: () => number): number {
  let best = { spanNs: Infinity, offsetNs: 0 };
  for (let i = 0; i < 3; i++) {
    const before = clock();
    const tickerNs = (performance.timeOrigin + performance.now() - baseEpochMs) * 1e6;
    const after = clock();
    if (after - before < best.spanNs) {
      best = { spanNs: after - before, offsetNs: tickerNs - (before + after) / 2 };
    }
  }
  return best.offsetNs;
}

/** What a {@linkcode SlotDispatcher} needs besides its ticker. */
export interface SlotDispatcherOptions {
  /** The run's clock, in ns (any zero: the dispatcher converts its slots). */
  readonly clock: () => number;
  /** Whether the run has stopped: then every waiter is released. */
  readonly stopped: () => boolean;
  /**
   * Whether an op is in flight (started, its end not yet taken): while none is, a wait of
   * at most 2 ms sleeps this thread instead of waking it through the ticker. Default: always
   * busy (every wait goes through the ticker).
   */
  readonly busy?: () => boolean;
}

/** What a consumer of a ticker gets (structured-cloneable; transfer `port`). */
export interface TickerLink {
  /** int32 [0] generation, int32 [1] stop flag, int64 at byte 8 the due time. */
  readonly shared: SharedArrayBuffer;
  /** Where the ticker posts when the due time comes. */
  readonly port: MessagePort;
  /** The zero of the ticker's clock, in Unix ms (`performance.timeOrigin`-based). */
  readonly baseEpochMs: number;
}

/**
 * A ticker thread for one {@linkcode SlotDispatcher}: start it in the thread that spawns the
 * Workers, hand `link` to the Worker (transferring `link.port`), and close it after the run.
 *
 * @example Usage
 * ```ts ignore
 * const ticker = SlotTicker.start();
 * const slots = new SlotDispatcher(ticker.link, { clock, stopped: () => false });
 * await slots.until(clock() + 1e6); // 1 ms from now, within microseconds
 * slots.close();
 * ticker.close();
 * ```
 */
export class SlotTicker {
  /** What the dispatcher attaches to. */
  readonly link: TickerLink;
  readonly #control: Int32Array;
  readonly #worker: Worker;

  private constructor() {
    lowerBackgroundThreads();
    const shared = new SharedArrayBuffer(16);
    this.#control = new Int32Array(shared, 0, 2);
    const channel = new MessageChannel();
    const baseEpochMs = performance.timeOrigin;
    const source = `(${tickerMain.toString()})();`;
    const url = URL.createObjectURL(new Blob([source], { type: "text/javascript" }));
    this.#worker = new Worker(url, { type: "module" });
    URL.revokeObjectURL(url);
    this.#worker.postMessage({ shared, port: channel.port2, baseEpochMs }, [channel.port2]);
    this.link = { shared, port: channel.port1, baseEpochMs };
  }

  /**
   * Starts the ticker thread.
   *
   * @returns The ticker.
   */
  static start(): SlotTicker {
    return new SlotTicker();
  }

  /** Stops the ticker thread. */
  close(): void {
    Atomics.store(this.#control, 1, 1);
    Atomics.add(this.#control, 0, 1);
    Atomics.notify(this.#control, 0);
    this.#worker.terminate();
  }
}

/**
 * Waits with `setTimeout` (millisecond timers, late by a millisecond or more): for clocks
 * the ticker cannot share, such as a test's.
 *
 * @example Usage
 * ```ts ignore
 * const slots = new TimerSlots(clock, 50);
 * await slots.until(clock() + 5e6);
 * ```
 */
export class TimerSlots implements SlotWaiter {
  /**
   * @param clock The clock the slots are on.
   * @param maxSleepMs The longest single sleep (the caller then checks its stop flag).
   */
  constructor(readonly clock: () => number, readonly maxSleepMs: number) {}

  /** Sleeps toward `dueNs`, at most `maxSleepMs` at once. */
  until(dueNs: number): Promise<void> {
    const delayMs = Math.min(Math.ceil((dueNs - this.clock()) / 1e6), this.maxSleepMs);
    return new Promise((resolve) => setTimeout(resolve, Math.max(0, delayMs)));
  }

  /** Nothing to stop. */
  close(): void {}
}
