/**
 * Starts and drives `_checkout_service.py`: the checkout API on Python's `http.server`
 * (`ThreadingHTTPServer`, HTTP/1.0: a new connection per request) with a tiny listen backlog
 * and slow accepts, on loopback. It is stopped by its pid (SIGTERM).
 *
 * @module
 */

/** The interpreter the tests use; without it they are skipped. */
export const PYTHON = "/usr/bin/python3";

/** Whether {@linkcode PYTHON} exists. */
export const hasPython: boolean = (() => {
  try {
    return Deno.statSync(PYTHON).isFile;
  } catch {
    return false;
  }
})();

/** Options of {@linkcode startPythonCheckoutService}. */
export interface PythonServiceOptions {
  /** `correct`: every operation under one lock; `racy`: read, pause, write a stale value. */
  mode: "correct" | "racy";
  /** The listen backlog (http.server's default is 5). */
  backlog?: number;
  /** A pause before each accept, in ms. */
  acceptDelayMs?: number;
  /** Racy mode: the longest pause between a read and its write, in ms. */
  raceDelayMs?: number;
}

/** What the service holds and how many connections it accepted. */
export interface PythonServiceStats {
  accepted: number;
  items: number;
  users: number;
  orders: number;
}

/** A running `_checkout_service.py`. */
export interface PythonCheckoutService {
  /** `http://127.0.0.1:PORT`, the gateway of the three services. */
  readonly url: string;
  /**
   * Stops accepting and fills the accept queue: when it resolves, a new connection gets no
   * answer.
   */
  pause(): Promise<void>;
  /** Accepts again. */
  resume(): Promise<void>;
  /** The counts of `GET /_stats` (not while paused). */
  stats(): Promise<PythonServiceStats>;
  /** Stops the process (SIGTERM to its pid) and waits for it. */
  close(): Promise<void>;
}

/** Splits a stream of text into lines, handed out in order by `next()`. */
class LineReader {
  #lines: string[] = [];
  #waiting: ((line: string | null) => void)[] = [];
  #ended = false;
  readonly done: Promise<void>;

  constructor(stream: ReadableStream<Uint8Array>) {
    this.done = this.#pump(stream);
  }

  async #pump(stream: ReadableStream<Uint8Array>): Promise<void> {
    let rest = "";
    for await (const chunk of stream.pipeThrough(new TextDecoderStream())) {
      rest += chunk;
      let end: number;
      while ((end = rest.indexOf("\n")) >= 0) {
        this.#push(rest.slice(0, end));
        rest = rest.slice(end + 1);
      }
    }
    this.#ended = true;
    for (const waiter of this.#waiting.splice(0)) waiter(null);
  }

  #push(line: string): void {
    const waiter = this.#waiting.shift();
    if (waiter === undefined) this.#lines.push(line);
    else waiter(line);
  }

  /** The next line, or null when the stream has ended. */
  next(): Promise<string | null> {
    const line = this.#lines.shift();
    if (line !== undefined) return Promise.resolve(line);
    if (this.#ended) return Promise.resolve(null);
    return new Promise((resolve) => this.#waiting.push(resolve));
  }
}

/**
 * Starts `_checkout_service.py` on a free loopback port and waits until it listens.
 *
 * @param options The mode, the backlog and the delays.
 * @returns The running service.
 */
export async function startPythonCheckoutService(
  options: PythonServiceOptions,
): Promise<PythonCheckoutService> {
  const script = new URL("./_checkout_service.py", import.meta.url).pathname;
  const child = new Deno.Command(PYTHON, {
    args: [
      "-u",
      script,
      "--mode",
      options.mode,
      "--backlog",
      String(options.backlog ?? 5),
      "--accept-delay-ms",
      String(options.acceptDelayMs ?? 0),
      "--race-delay-ms",
      String(options.raceDelayMs ?? 2),
    ],
    stdin: "piped",
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const lines = new LineReader(child.stdout);
  const stdin = child.stdin.getWriter();
  const encoder = new TextEncoder();
  const first = await lines.next();
  const url = first?.match(/^listening on (http:\/\/127\.0\.0\.1:\d+)$/)?.[1];
  if (url === undefined) {
    child.kill("SIGTERM");
    await child.status;
    await lines.done;
    throw new Error(`_checkout_service.py did not start: ${first}`);
  }
  const command = async (word: string, answer: string) => {
    await stdin.write(encoder.encode(`${word}\n`));
    const line = await lines.next();
    if (line !== answer) throw new Error(`_checkout_service.py answered ${line} to ${word}`);
  };
  return {
    url,
    pause: () => command("pause", "paused"),
    resume: () => command("resume", "resumed"),
    async stats() {
      const response = await fetch(`${url}/_stats`);
      return await response.json() as PythonServiceStats;
    },
    async close() {
      await stdin.close().catch(() => {});
      child.kill("SIGTERM");
      await child.status;
      await lines.done;
    },
  };
}
