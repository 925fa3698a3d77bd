/**
 * The `stress` command line: `deno run -A jsr:@team/stress write n=1e6 -node ...`.
 *
 * This is the shell: it hands argv to a command, prints the one `error:` line of a
 * {@linkcode UserError}, and turns the outcome into an exit code. Importing it has no
 * side effects; it runs only as the main module.
 *
 * @example Usage
 * ```ts ignore
 * import { main } from "@team/stress/cli";
 * const code = await main(["print", "dist=gaussian(1..100)"]);
 * ```
 *
 * @module
 */

import { EXIT_CODES, InterruptedError, messageOf, UserError } from "./lib/errors.ts";
import type { CommandIo } from "./lib/cli/command_io.ts";
import type { startEmbeddedNode } from "./lib/cql_node/embedded_node.ts";
import { refuseUnsplit, type Shard, takeShardFlags } from "./lib/units/shard.ts";
import {
  asksForHelp,
  type CommandGroup,
  groupUsage,
  unknownSubcommand,
} from "./lib/cli/command_group.ts";

export type { CommandIo } from "./lib/cli/command_io.ts";

/** Options of {@linkcode main}. */
export interface MainOptions {
  /** Where output goes (default: the terminal's stdout and stderr). */
  io?: CommandIo;
  /** Aborting it interrupts a run as SIGINT does (default: SIGINT is wired up). */
  signal?: AbortSignal;
  /** Print the stack of a user error too (default: false; `--verbose` on the command line). */
  verbose?: boolean;
  /**
   * How cassandra-stress commands sleep (`Sleeping 2s...`, schema propagation); tests pass
   * a no-op. The lines are printed either way. Default: real sleeps.
   */
  sleep?: (ms: number) => Promise<void>;
  /**
   * The environment variables the command line may read (`JOB_COMPLETION_INDEX` for
   * `--shards N`). Default: the process environment.
   */
  env?: Readonly<Record<string, string | undefined>>;
}

/** Reads one environment variable; undefined without permission. */
function readEnv(name: string): string | undefined {
  try {
    return Deno.env.get(name);
  } catch {
    return undefined;
  }
}

/** What every command is handed beside its arguments. */
interface CommandContext {
  readonly io: CommandIo;
  readonly signal: AbortSignal;
  readonly shard: Shard | null;
  readonly sleep: MainOptions["sleep"];
}

/** Runs one command with the arguments after its name; resolves to the exit code. */
type CommandRun = (args: readonly string[], context: CommandContext) => Promise<number>;

/** A group of subcommands, each with the function that runs it. */
interface RunnableGroup extends CommandGroup {
  readonly subcommands: readonly { name: string; summary: string; run: CommandRun }[];
}

const DISK_GROUP: RunnableGroup = {
  name: "disk",
  summary: "The distributed disk benchmark: clients write to their disks and report to a server",
  subcommands: [{
    name: "server",
    summary: "collect the clients' heartbeats and records into a database",
    run: async (args, { io, signal }) =>
      await (await import("./lib/disk/disk_server.ts")).diskServerCommand(args, io, { signal }),
  }, {
    name: "client",
    summary: "measure this host's disk writes and report them to a server",
    run: async (args, { io, signal }) =>
      await (await import("./lib/disk/disk_client.ts")).diskClientCommand(args, io, { signal }),
  }, {
    name: "report",
    summary: "list the stored runs, or rebuild one run's report",
    run: async (args, { io }) =>
      await (await import("./lib/disk/disk_report.ts")).diskReportCommand(args, io),
  }],
};

const QUERY_GROUP: RunnableGroup = {
  name: "query",
  summary: "The PostgreSQL/TimescaleDB query benchmark of the cpu_usage assignment",
  subcommands: [{
    name: "setup",
    summary: "create cpu_usage and load its rows (CSV, or generated)",
    run: async (args, { io, signal }) =>
      await (await import("./lib/query/query_setup.ts")).querySetupCommand(args, io, { signal }),
  }, {
    name: "run",
    summary: "run the per-minute max/min query of every input row, in Workers",
    run: async (args, { io, signal, shard }) =>
      await (await import("./lib/query/query_run.ts")).queryRunCommand(args, io, {
        signal,
        shard,
      }),
  }],
};

const CHECKOUT_GROUP: RunnableGroup = {
  name: "checkout",
  summary: "Tests of the order/stock/payment checkout services",
  subcommands: [{
    name: "consistency",
    summary: "concurrent checkouts, then the services' state checked",
    run: async (args, { io, signal }) =>
      await (await import("./lib/checkout/checkout_consistency.ts"))
        .checkoutConsistencyCommand(args, io, { signal }),
  }, {
    name: "load",
    summary: "virtual users or a fixed arrival rate, with a live page",
    run: async (args, { io, signal, shard }) =>
      await (await import("./lib/checkout/checkout_load.ts")).checkoutLoadCommand(args, io, {
        signal,
        shard,
      }),
  }],
};

/** Runs a group's subcommand, or prints the group's usage, or refuses a word it lacks. */
function groupRun(group: RunnableGroup): CommandRun {
  return (args, context) => {
    if (asksForHelp(args[0])) return Promise.resolve(printUsage(context.io, group));
    const sub = group.subcommands.find((candidate) => candidate.name === args[0]);
    if (sub === undefined) throw unknownSubcommand(group, args[0]);
    return sub.run(args.slice(1), context);
  };
}

/**
 * The commands of our own, beside cassandra-stress's, by name: each prints its usage with
 * --help. Each command's module is loaded when it runs, so that a run loads only its own wing
 * (a `write` neither the disk, query nor checkout wings).
 */
const OWN_COMMANDS: Readonly<Record<string, CommandRun>> = {
  simulate: async (args, { io, signal }) =>
    await (await import("./lib/tools/simulate.ts")).simulateCommand(args, io, { signal }),
  analyze: async (args, { io, signal }) =>
    await (await import("./lib/tools/analyze.ts")).analyzeCommand(args, io, { signal }),
  compare: async (args, { io }) =>
    await (await import("./lib/tools/compare.ts")).compareCommand(args, io),
  merge: async (args, { io }) =>
    await (await import("./lib/tools/merge.ts")).mergeCommand(args, io),
  serve: async (args, { io, signal }) =>
    await (await import("./lib/cql_node/serve.ts")).serveCommand(args, io, { signal }),
  disk: groupRun(DISK_GROUP),
  query: groupRun(QUERY_GROUP),
  checkout: groupRun(CHECKOUT_GROUP),
};

/** The command of our own of that name, if there is one. */
function ownCommand(name: string | undefined): CommandRun | undefined {
  return name !== undefined && Object.hasOwn(OWN_COMMANDS, name) ? OWN_COMMANDS[name] : undefined;
}

/** Prints a command group's usage; exit code 0. */
function printUsage(io: CommandIo, group: CommandGroup): number {
  for (const line of groupUsage(group).trimEnd().split("\n")) io.out(line);
  return 0;
}

const encoder = new TextEncoder();

function writeAll(file: { writeSync(p: Uint8Array): number }, text: string): void {
  const bytes = encoder.encode(text);
  let offset = 0;
  while (offset < bytes.length) offset += file.writeSync(bytes.subarray(offset));
}

/**
 * The terminal: stdout and stderr, written synchronously line by line. When the reader of
 * stdout goes away (`stress ... | head`), `onClosed` is called once and later lines are
 * dropped, so the run can stop as on Ctrl-C and still write its files.
 */
function terminalIo(onClosed: () => void): CommandIo {
  let closed = false;
  return {
    out(line: string) {
      if (closed) return;
      try {
        writeAll(Deno.stdout, line + "\n");
      } catch (error) {
        closed = true;
        if (!(error instanceof Deno.errors.BrokenPipe)) {
          // A full disk under `stress ... > out.txt`: one error line, not a stack trace.
          throw new UserError(`Cannot write to stdout: ${messageOf(error)}`, { cause: error });
        }
        onClosed();
      }
    },
    err: (line: string) => writeAll(Deno.stderr, line + "\n"),
  };
}

/**
 * Runs the `stress` command line and returns its exit code (see `lib/errors.ts`).
 *
 * @param args The arguments, without the program name.
 * @param options Output streams, an abort signal and verbosity.
 * @returns The exit code: 0 ok, 1 a failed check or FAILURE, 2 a bad command line,
 * 3 an unreachable target, 4 the loader was a limit (with fail-if-limited), 70 a bug, 130 interrupted (SIGINT), 141 stdout closed by its reader,
 * 143 stopped by SIGTERM.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { main } from "./main.ts";
 * const lines: string[] = [];
 * const io = { out: (l: string) => lines.push(l), err: (l: string) => lines.push(l) };
 * assert.equal(await main(["write", "n=oops"], { io }), 2);
 * assert.match(lines[0], /^error: /);
 * ```
 */
export async function main(args: readonly string[], options: MainOptions = {}): Promise<number> {
  const verbose = options.verbose ?? args.includes("--verbose");
  const rest = args.filter((a) => a !== "--verbose");
  const controller = new AbortController();
  const onSigint = () => controller.abort();
  // SIGTERM stops a run as Ctrl-C does; only the exit code and the last line say which.
  let terminated = false;
  const onSigterm = () => {
    terminated = true;
    controller.abort();
  };
  let stdoutClosed = false;
  const io = options.io ?? terminalIo(() => {
    stdoutClosed = true;
    controller.abort();
  });
  let listening = false;
  if (options.signal === undefined) {
    try {
      Deno.addSignalListener("SIGINT", onSigint);
      Deno.addSignalListener("SIGTERM", onSigterm);
      listening = true;
    } catch {
      // No signal support (e.g. some sandboxes): Ctrl-C then ends the process at once.
    }
  } else if (options.signal.aborted) {
    controller.abort();
  } else {
    options.signal.addEventListener("abort", onSigint, { once: true });
  }
  const signal = controller.signal;
  try {
    const sharding = takeShardFlags(
      rest,
      options.env ?? {
        JOB_COMPLETION_INDEX: readEnv("JOB_COMPLETION_INDEX"),
      },
    );
    const code = await dispatch(sharding.args, {
      io,
      signal,
      shard: sharding.shard,
      sleep: options.sleep,
    });
    if (stdoutClosed) return EXIT_CODES.stdoutClosed;
    return terminated && code === EXIT_CODES.interrupted ? EXIT_CODES.terminated : code;
  } catch (error) {
    // The stop that a closed stdout caused is not news to anyone.
    if (stdoutClosed && error instanceof InterruptedError) return EXIT_CODES.stdoutClosed;
    if (terminated && error instanceof InterruptedError) {
      io.err(`error: ${error.message.replace("SIGINT", "SIGTERM")}`);
      return EXIT_CODES.terminated;
    }
    if (error instanceof UserError) {
      io.err(`error: ${error.message}`);
      if (verbose && error.stack) io.err(error.stack);
      return error.exitCode;
    }
    io.err(`error: internal error (a bug in stress): ${String(error)}`);
    if (error instanceof Error && error.stack) io.err(error.stack);
    return EXIT_CODES.internal;
  } finally {
    if (listening) {
      Deno.removeSignalListener("SIGINT", onSigint);
      Deno.removeSignalListener("SIGTERM", onSigterm);
    }
    options.signal?.removeEventListener("abort", onSigint);
  }
}

/** The embedded node, loaded only by a run that starts one (`-node embedded`). */
const startEmbedded: typeof startEmbeddedNode = async (...args) =>
  (await import("./lib/cql_node/embedded_node.ts")).startEmbeddedNode(...args);

/** Hands the arguments to their command: one of our own, else a cassandra-stress command. */
async function dispatch(command: readonly string[], context: CommandContext): Promise<number> {
  refuseUnsplit(command, context.shard);
  // `help disk`, `help checkout load`: cassandra-stress's help knows only its own commands.
  if ((command[0] === "help" || command[0] === "-?") && ownCommand(command[1]) !== undefined) {
    return await dispatch([...command.slice(1), "--help"], context);
  }
  const own = ownCommand(command[0]);
  if (own !== undefined) return await own(command.slice(1), context);
  return await (await import("./lib/cql/stress.ts")).stressCommand(command, context.io, {
    signal: context.signal,
    sleep: context.sleep,
    shard: context.shard,
    startEmbeddedNode: startEmbedded,
  });
}

if (import.meta.main) {
  Deno.exitCode = await main(Deno.args);
}
