/**
 * Private helpers of `analyze.ts`: each child's command line (its own HDR log and, for a
 * command whose work splits, its `--shard I/N`), and running the children side by side.
 *
 * @module
 */

import { UsageError } from "../errors.ts";
import { isBundled } from "../engine/worker_entry_url.ts";

/** What one child process did. */
export interface ChildRun {
  /** The child's number, from 0. */
  readonly index: number;
  /** Its process id. */
  readonly pid: number;
  /** When it was started, epoch ms. */
  readonly startMs: number;
  /** When it ended, epoch ms. */
  readonly endMs: number;
  /** Its exit code. */
  readonly code: number;
  /** The first non-empty line it wrote to stderr, or null. */
  readonly firstErrorLine: string | null;
  /** The lines of its stdout that say which shard it runs (`Shard I/N: ...`). */
  readonly shardLines: readonly string[];
  /** The HDR log it was told to write. */
  readonly hdrPath: string;
}

/** The arguments up to the command line's own `--` (what follows belongs to another command). */
function ownPart(args: readonly string[]): readonly string[] {
  const dash = args.indexOf("--");
  return dash < 0 ? args : args.slice(0, dash);
}

/**
 * Refuses, in one line each, the flags `analyze` sets itself in every child: `--shard` and
 * `--shards`, and an HDR log of the command's own (all the children would share it); and any
 * other file the command writes for itself (`-log json=`, `-log file=`, `-graph file=`,
 * `--json`, `--results`), which every child would write at once.
 *
 * @param args The command line after `analyze N --`.
 * @throws {UsageError} When the command line has one of them.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { refuseOwnFlags } from "./_analyze_children.ts";
 * refuseOwnFlags(["write", "n=10"]);
 * assert.throws(() => refuseOwnFlags(["write", "--shard", "0/2"]), /Cannot use "--shard"/);
 * assert.throws(() => refuseOwnFlags(["write", "-log", "prometheus=9464"]), /every process/);
 * assert.throws(() => refuseOwnFlags(["write", "-log", "json=run.json"]), /"-log json="/);
 * refuseOwnFlags(["write", "-log", "prometheus=127.0.0.1:0"]);
 * ```
 */
export function refuseOwnFlags(args: readonly string[]): void {
  const own = ownPart(args);
  const shard = own.find((a) => /^--shards?(=|$)/.test(a));
  if (shard !== undefined) {
    throw new UsageError(
      `Cannot use "${
        shard.split("=")[0]
      }" in the command of "analyze": it gives process I of N "--shard I/N" itself, expected a command without --shard or --shards`,
    );
  }
  const log = own.find((a) => /^--(hdrfile|hdr-log)(=|$)/.test(a) || /^hdrfile=/i.test(a));
  if (log !== undefined) {
    throw new UsageError(
      `Cannot use "${
        log.split("=")[0]
      }" in the command of "analyze": it gives each process its own HDR log, expected --keep DIR to keep them`,
    );
  }
  const output = sharedOutput(own);
  if (output !== undefined) {
    throw new UsageError(
      `Cannot use "${output}" in the command of "analyze": every process would write that one ` +
        "file, expected a command without it (--keep DIR keeps each process's HDR log, --json " +
        "FILE writes the merged run's summary)",
    );
  }
  // A live endpoint on a fixed port: the second process could not bind it.
  for (let i = 0; i < own.length; i++) {
    const inline = /^(?:--)?(prometheus|web)=(.*)$/i.exec(own[i]);
    const flag = /^--(prometheus|web)$/.exec(own[i]);
    const name = inline?.[1] ?? flag?.[1];
    const value = inline?.[2] ?? (flag === null ? undefined : own[i + 1]);
    if (name === undefined || value === undefined || /(^|:)0$/.test(value)) continue;
    throw new UsageError(
      `Cannot use "${name}=${value}" in the command of "analyze": its ${
        name === "web" ? "live page" : "metrics"
      } would be served on one port by every process, expected port 0 (each process picks a free one)`,
    );
  }
}

/**
 * The existing files the command line names (an argument, the value of a `key=value` or
 * `--flag=value`, each of a comma list such as `profile=a.yaml,b.yaml`): the files the processes
 * read, such as `query run --file`, `checkout load --scenario` or a `user` profile.
 *
 * @param args The command line after `analyze N --`.
 * @returns The arguments that name a regular file, once each.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { filesNamedIn } from "./_analyze_children.ts";
 * const dir = Deno.makeTempDirSync();
 * Deno.writeTextFileSync(`${dir}/q.csv`, "h,2017-01-01 00:00:00,2017-01-01 00:01:00\n");
 * const named = filesNamedIn(["query", "run", "--file", `${dir}/q.csv`, "--workers", "2"]);
 * assert.deepEqual(named, [`${dir}/q.csv`]);
 * assert.deepEqual(filesNamedIn(["user", `profile=${dir}/q.csv,${dir}/none.yaml`]), [`${dir}/q.csv`]);
 * Deno.removeSync(dir, { recursive: true });
 * ```
 */
export function filesNamedIn(args: readonly string[]): string[] {
  const named = new Set<string>();
  for (const arg of args) {
    const value = /^[^=]+=(.+)$/.exec(arg)?.[1];
    for (const candidate of [arg, ...(value?.split(",") ?? [])]) {
      try {
        if (Deno.statSync(candidate).isFile) named.add(candidate);
      } catch {
        // Not a file: a count, an address, a flag.
      }
    }
  }
  return [...named];
}

/**
 * The first option that names a file the command writes for itself (`-log json=`, `-log file=`,
 * `-graph file=`, `--json`, `--results`): every process would write that one file.
 */
function sharedOutput(own: readonly string[]): string | undefined {
  let group = "";
  for (const arg of own) {
    const flag = /^--(json|results)(?==|$)/.exec(arg);
    if (flag !== null) return flag[0];
    if (/^-[a-z]/i.test(arg)) group = arg.toLowerCase();
    const key = /^(file|json)=/i.exec(arg)?.[1].toLowerCase();
    if ((group === "-log" && key !== undefined) || (group === "-graph" && key === "file")) {
      return `${group} ${key}=`;
    }
  }
  return undefined;
}

/** Inserts `extra` before the command line's own `--`, or appends it. */
function insertOwn(args: readonly string[], extra: readonly string[]): string[] {
  const dash = args.indexOf("--");
  if (dash < 0) return [...args, ...extra];
  return [...args.slice(0, dash), ...extra, ...args.slice(dash)];
}

/**
 * One child's command line: the base command with its HDR log (`-log hdrfile=` for
 * cassandra-stress commands, `--hdrfile` for simulate, `--hdr-log` for query run and checkout
 * load) and, when `shard` is given, `--shard I/N`.
 *
 * @param base The command line every child runs.
 * @param options The HDR log path and the shard (null: no `--shard`).
 * @returns The child's arguments.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { childArgs } from "./_analyze_children.ts";
 * assert.deepEqual(
 *   childArgs(["write", "n=10"], { hdrPath: "p1.hdr", shard: { index: 0, count: 2 } }),
 *   ["write", "n=10", "-log", "hdrfile=p1.hdr", "--shard", "0/2"],
 * );
 * assert.deepEqual(
 *   childArgs(["simulate", "2"], { hdrPath: "p1.hdr", shard: null }),
 *   ["simulate", "2", "--hdrfile", "p1.hdr"],
 * );
 * ```
 */
export function childArgs(
  base: readonly string[],
  options: { hdrPath: string; shard: { index: number; count: number } | null },
): string[] {
  const { hdrPath, shard } = options;
  let args: string[];
  if (base[0] === "simulate") {
    args = insertOwn(base, ["--hdrfile", hdrPath]);
  } else if (base[0] === "query" || base[0] === "checkout") {
    args = insertOwn(base, ["--hdr-log", hdrPath]);
  } else {
    const log = base.findIndex((a) => a.toLowerCase() === "-log");
    args = log < 0
      ? [...base, "-log", `hdrfile=${hdrPath}`]
      : [...base.slice(0, log + 1), `hdrfile=${hdrPath}`, ...base.slice(log + 1)];
  }
  return shard === null ? args : insertOwn(args, ["--shard", `${shard.index}/${shard.count}`]);
}

/**
 * The command that starts this tool again: `deno run` of main.ts (a local file, whatever its path
 * holds, or a remote module) or of the bundle's `stress.js`, or the compiled binary.
 *
 * @returns The executable and its first arguments.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { selfCommand } from "./_analyze_children.ts";
 * assert.equal(selfCommand()[0], Deno.execPath());
 * ```
 */
export function selfCommand(): string[] {
  if (Deno.build.standalone) return [Deno.execPath()];
  const here = new URL(import.meta.url);
  if (here.protocol === "file:" && isBundled(here.href)) {
    // From the bundle (`deno task bundle`): this code is inlined in `dist/stress.js` itself.
    const path = decodeURIComponent(here.pathname);
    return [Deno.execPath(), "run", "-A", "--unstable-net", "--no-config", path];
  }
  const main = new URL("../../main.ts", import.meta.url);
  if (main.protocol === "file:") {
    const config = new URL("../../deno.json", import.meta.url);
    const path = (url: URL) => decodeURIComponent(url.pathname);
    return [Deno.execPath(), "run", "-A", "--config", path(config), path(main)];
  }
  // Run from a remote module (`deno run -A jsr:@team/stress`): the children run it again.
  return [Deno.execPath(), "run", "-A", main.href];
}

/** Calls `onLine` with every line of a byte stream. */
async function eachLine(
  stream: ReadableStream<Uint8Array>,
  onLine: (line: string) => void,
): Promise<void> {
  let pending = "";
  for await (const chunk of stream.pipeThrough(new TextDecoderStream())) {
    const lines = (pending + chunk).split("\n");
    pending = lines.pop()!;
    for (const line of lines) onLine(line.replace(/\r$/, ""));
  }
  if (pending !== "") onLine(pending);
}

const SHARD_LINE = /^shard \d+\/\d+:/i;

async function runChild(
  self: readonly string[],
  args: readonly string[],
  options: { index: number; hdrPath: string; signal?: AbortSignal },
): Promise<ChildRun> {
  const child = new Deno.Command(self[0], {
    args: [...self.slice(1), ...args],
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    // Deno's own errors (a config it cannot read) without colour codes in our error line.
    env: { NO_COLOR: "1" },
  }).spawn();
  const startMs = Date.now();
  const interrupt = () => {
    try {
      child.kill("SIGINT");
    } catch {
      // Already ended.
    }
  };
  options.signal?.addEventListener("abort", interrupt, { once: true });
  const shardLines: string[] = [];
  let firstErrorLine: string | null = null;
  try {
    const [status] = await Promise.all([
      child.status,
      eachLine(child.stdout, (line) => {
        if (SHARD_LINE.test(line)) shardLines.push(line);
      }),
      eachLine(child.stderr, (line) => {
        if (firstErrorLine === null && line.trim() !== "") firstErrorLine = line.trim();
      }),
    ]);
    return {
      index: options.index,
      pid: child.pid,
      startMs,
      endMs: Date.now(),
      code: status.code,
      firstErrorLine,
      shardLines,
      hdrPath: options.hdrPath,
    };
  } finally {
    options.signal?.removeEventListener("abort", interrupt);
  }
}

/**
 * Starts every child at once and waits for them all; an abort sends each one SIGINT (so it
 * ends its run and still writes its log).
 *
 * @param self The command that starts this tool ({@linkcode selfCommand}).
 * @param children Each child's arguments and HDR log path.
 * @param options The abort signal.
 * @returns What each child did, in order.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { runChildren } from "./_analyze_children.ts";
 * const script = "console.log('Shard 0/1: all'); console.error('oops'); Deno.exit(3)";
 * const [run] = await runChildren([Deno.execPath()], [
 *   { args: ["eval", script], hdrPath: "unused.hdr" },
 * ]);
 * assert.equal(run.code, 3);
 * assert.equal(run.firstErrorLine, "oops");
 * assert.deepEqual(run.shardLines, ["Shard 0/1: all"]);
 * ```
 */
export function runChildren(
  self: readonly string[],
  children: readonly { args: readonly string[]; hdrPath: string }[],
  options: { signal?: AbortSignal } = {},
): Promise<ChildRun[]> {
  return Promise.all(
    children.map((c, index) =>
      runChild(self, c.args, { index, hdrPath: c.hdrPath, signal: options.signal })
    ),
  );
}
