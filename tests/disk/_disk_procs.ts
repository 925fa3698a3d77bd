/**
 * Test helpers of the `stress disk` end-to-end tests: start `main.ts disk ...` processes, read
 * their stdout as it comes, wait for a line, stop them by their process id.
 *
 * @module
 */

const MAIN = new URL("../../main.ts", import.meta.url).pathname;
const decoder = new TextDecoder();

/** A UDP port that was free a moment ago, on 127.0.0.1. */
export function freeUdpPort(): number {
  const socket = Deno.listenDatagram({ transport: "udp", hostname: "127.0.0.1", port: 0 });
  const port = (socket.addr as Deno.NetAddr).port;
  socket.close();
  return port;
}

/** A running `main.ts` process. */
export interface Proc {
  readonly child: Deno.ChildProcess;
  /** Every stdout line so far. */
  readonly lines: string[];
  /** Resolves with the exit code and stderr once the process ended and its output was read. */
  readonly done: Promise<{ code: number; stderr: string }>;
}

/** Starts `deno run -A main.ts ...args`. */
export function start(args: string[]): Proc {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", MAIN, ...args],
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const lines: string[] = [];
  const stdout = (async () => {
    let rest = "";
    for await (const chunk of child.stdout) {
      const parts = (rest + decoder.decode(chunk, { stream: true })).split("\n");
      rest = parts.pop() ?? "";
      lines.push(...parts);
    }
    if (rest !== "") lines.push(rest);
  })();
  const stderr = new Response(child.stderr).text();
  const done = (async () => {
    const status = await child.status;
    await stdout;
    return { code: status.code, stderr: await stderr };
  })();
  return { child, lines, done };
}

/** Polls `check` every 25 ms until it returns a value. */
export async function waitFor<T>(
  what: string,
  check: () => T | undefined,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    const value = check();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`Timed out waiting for ${what}`);
}

/** Sends a signal to the process (SIGKILL by default); nothing if it already ended. */
export function kill(proc: Proc, signal: Deno.Signal = "SIGKILL"): void {
  try {
    proc.child.kill(signal);
  } catch {
    // Already ended.
  }
}

/** Whether a process id is alive (not a zombie). */
export function isAlive(pid: number): boolean {
  try {
    const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch {
    return false;
  }
}

/** Options of {@linkcode startServer}. */
export interface ServerOptions {
  readonly hbPort: number;
  /** `--db`: a SQLite path or a postgres:// URL. */
  readonly db: string;
  readonly dir: string;
  readonly extra?: readonly string[];
}

/** Starts `disk server` on an ephemeral TCP port and resolves with it once it listens. */
export async function startServer(
  options: ServerOptions,
): Promise<{ server: Proc; tcpPort: number }> {
  const server = start([
    "disk",
    "server",
    "--hb-address",
    "239.0.0.1",
    "--hb-port",
    String(options.hbPort),
    "--tcp-port",
    "0",
    "--host",
    "127.0.0.1",
    "--interface",
    "127.0.0.1",
    "--db",
    options.db,
    "--log",
    `${options.dir}/server.log`,
    "--report",
    `${options.dir}/report.json`,
    ...(options.extra ?? []),
  ]);
  try {
    const tcpPort = await waitFor("the server", () => {
      const line = server.lines.find((l) => l.includes("listening on"));
      return line === undefined ? undefined : Number(/127\.0\.0\.1:(\d+)/.exec(line)![1]);
    });
    return { server, tcpPort };
  } catch (error) {
    kill(server);
    const { stderr } = await server.done;
    throw new Error(`${String(error)}: ${stderr}`);
  }
}

/** Options of {@linkcode startClient}. */
export interface ClientOptions {
  readonly tcpPort: number;
  readonly hbPort: number;
  readonly id: string;
  readonly chunk: string;
  readonly fileSize: string;
  readonly runTime: string;
  readonly dir: string;
  readonly extra?: readonly string[];
}

/** Starts `disk client` writing into `<dir>/<id>`, with fast heartbeats and samples. */
export function startClient(options: ClientOptions): Proc {
  return start([
    "disk",
    "client",
    "--server",
    `127.0.0.1:${options.tcpPort}`,
    "--hb-address",
    "239.0.0.1",
    "--hb-port",
    String(options.hbPort),
    "--interface",
    "127.0.0.1",
    "--id",
    options.id,
    "--chunk",
    options.chunk,
    "--file-size",
    options.fileSize,
    "--run-time",
    options.runTime,
    "--heartbeat",
    "300ms",
    "--stats-every",
    "1s",
    "--fsync",
    "file",
    // The tests are about the protocol, files and reports, not the disk's speed: a disk busy with
    // the other tests must not make the speed probe refuse the run.
    "--min-rollovers",
    "0",
    "--min-free",
    "1%",
    "--path",
    `${options.dir}/${options.id}`,
    "--cleanup",
    ...(options.extra ?? []),
  ]);
}

/** Runs `main.ts ...args` to the end. */
export async function runMain(
  args: string[],
): Promise<{ code: number; stdout: string; stderr: string }> {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", MAIN, ...args],
    stdin: "null",
  }).output();
  return {
    code: output.code,
    stdout: decoder.decode(output.stdout),
    stderr: decoder.decode(output.stderr),
  };
}

/** A hello of protocol v1 for a raw connection (a client with no writer). */
export function helloLine(client: string, token?: string): string {
  return JSON.stringify({
    v: 1,
    type: "hello",
    client,
    ...(token === undefined ? {} : { token }),
    host: "test",
    pid: Deno.pid,
    config: {
      chunkBytes: 1000,
      fileBytes: 2000,
      runTimeMs: 1000,
      path: "/nowhere",
      fsync: "never",
      heartbeatMs: 60_000,
      statsEveryMs: 1000,
      minFreeBytes: null,
      minFreePercent: null,
    },
  }) + "\n";
}

/** A raw TCP connection to a disk server, for protocol-level tests. */
export interface RawConnection {
  /** Sends one line (with its newline). */
  send(line: string): Promise<void>;
  /** The next message the server sent, parsed; null when the connection ended. */
  next(): Promise<Record<string, unknown> | null>;
  /** Closes the connection (again is fine). */
  close(): void;
}

/** Connects to a disk server on 127.0.0.1. */
export async function rawConnect(port: number): Promise<RawConnection> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  const queued: string[] = [];
  let rest = "";
  const buffer = new Uint8Array(65536);
  return {
    async send(line) {
      await conn.write(new TextEncoder().encode(line));
    },
    async next() {
      while (queued.length === 0) {
        const read = await conn.read(buffer).catch(() => null);
        if (read === null) return null;
        const parts = (rest + decoder.decode(buffer.subarray(0, read))).split("\n");
        rest = parts.pop()!;
        queued.push(...parts);
      }
      return JSON.parse(queued.shift()!);
    },
    close() {
      try {
        conn.close();
      } catch {
        // Already closed.
      }
    },
  };
}

/** Runs `run` in a fresh temporary directory (named `stress_disk_<name>_...`), removed after. */
export async function inTempDir(name: string, run: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: `stress_disk_${name}_` });
  try {
    await run(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** A disk server in a temporary folder of its own, for {@linkcode withServedRun}'s test. */
export interface ServedRun {
  readonly dir: string;
  readonly hbPort: number;
  readonly tcpPort: number;
  readonly server: Proc;
  /** Starts a client of this server writing into `<dir>/<id>`; it is stopped at the end. */
  client(options: Omit<ClientOptions, "tcpPort" | "hbPort" | "dir">): Proc;
}

/**
 * Runs `body` with a disk server (SQLite db, `report.json`) in a temporary folder; the server
 * and every client started through it are killed and waited for at the end, and the folder goes.
 */
export async function withServedRun(
  name: string,
  body: (run: ServedRun) => Promise<void>,
): Promise<void> {
  await inTempDir(name, async (dir) => {
    const hbPort = freeUdpPort();
    const procs: Proc[] = [];
    try {
      const { server, tcpPort } = await startServer({ hbPort, db: `${dir}/runs.sqlite`, dir });
      procs.push(server);
      const client = (options: Omit<ClientOptions, "tcpPort" | "hbPort" | "dir">) => {
        const proc = startClient({ ...options, tcpPort, hbPort, dir });
        procs.push(proc);
        return proc;
      };
      await body({ dir, hbPort, tcpPort, server, client });
    } finally {
      for (const proc of procs) kill(proc);
      await Promise.all(procs.map((p) => p.done));
    }
  });
}

/** `disk server` options that end it after 1 s without a client. */
export function idleServerArgs(extra: string[]): string[] {
  return [
    "disk",
    "server",
    "--hb-address",
    "239.0.0.1",
    "--hb-port",
    String(freeUdpPort()),
    "--tcp-port",
    "0",
    "--host",
    "127.0.0.1",
    "--interface",
    "127.0.0.1",
    "--idle-timeout",
    "1s",
    ...extra,
  ];
}
