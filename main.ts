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

import { EXIT_CODES, InterruptedError, UserError } from "./lib/errors.ts";
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
  /** Print the stack of a user error too (default: false; `--verbose` or STRESS_VERBOSE=1). */
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

const DISK_GROUP: CommandGroup = {
  name: "disk",
  summary: "The distributed disk benchmark: clients write to their disks and report to a server",
  subcommands: [
    { name: "server", summary: "collect the clients' heartbeats and records into a database" },
    { name: "client", summary: "measure this host's disk writes and report them to a server" },
    { name: "report", summary: "list the stored runs, or rebuild one run's report" },
  ],
};

const QUERY_GROUP: CommandGroup = {
  name: "query",
  summary: "The PostgreSQL/TimescaleDB query benchmark of the cpu_usage assignment",
  subcommands: [
    { name: "setup", summary: "create cpu_usage and load its rows (CSV, or generated)" },
    { name: "run", summary: "run the per-minute max/min query of every input row, in Workers" },
  ],
};

const CHECKOUT_GROUP: CommandGroup = {
  name: "checkout",
  summary: "Tests of the order/stock/payment checkout services",
  subcommands: [
    { name: "consistency", summary: "concurrent checkouts, then the services' state checked" },
    { name: "load", summary: "virtual users or a fixed arrival rate, with a live page" },
  ],
};

/** The commands of our own, beside cassandra-stress's: each prints its usage with --help. */
const OWN_COMMANDS = new Set([
  "simulate",
  "analyze",
  "compare",
  "merge",
  "serve",
  "disk",
  "query",
  "checkout",
]);

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
        if (!(error instanceof Deno.errors.BrokenPipe)) throw error;
        closed = true;
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
    const code = await dispatch(sharding.args, sharding.shard, io, signal, options.sleep);
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

/**
 * Hands the arguments to their command. Each command's module is loaded when it runs, so that a
 * run loads only its own wing (a `write` neither the disk, query nor checkout wings).
 */
async function dispatch(
  command: readonly string[],
  shard: Shard | null,
  io: CommandIo,
  signal: AbortSignal,
  sleep: MainOptions["sleep"],
): Promise<number> {
  refuseUnsplit(command, shard);
  // `help disk`, `help merge`: cassandra-stress's help knows only its own commands.
  if ((command[0] === "help" || command[0] === "-?") && OWN_COMMANDS.has(command[1])) {
    return await dispatch([command[1], "--help"], shard, io, signal, sleep);
  }
  switch (command[0]) {
    case "simulate":
      return await (await import("./lib/tools/simulate.ts")).simulateCommand(command.slice(1), io, {
        signal,
      });
    case "analyze":
      return await (await import("./lib/tools/analyze.ts")).analyzeCommand(command.slice(1), io, {
        signal,
      });
    case "compare":
      return await (await import("./lib/tools/compare.ts")).compareCommand(command.slice(1), io);
    case "merge":
      return await (await import("./lib/tools/merge.ts")).mergeCommand(command.slice(1), io);
    case "serve":
      return await (await import("./lib/cql_node/serve.ts")).serveCommand(command.slice(1), io, {
        signal,
      });
    case "disk":
      if (asksForHelp(command[1])) return printUsage(io, DISK_GROUP);
      if (command[1] === "server") {
        const { diskServerCommand } = await import("./lib/disk/disk_server.ts");
        return await diskServerCommand(command.slice(2), io, { signal });
      }
      if (command[1] === "client") {
        const { diskClientCommand } = await import("./lib/disk/disk_client.ts");
        return await diskClientCommand(command.slice(2), io, { signal });
      }
      if (command[1] === "report") {
        const { diskReportCommand } = await import("./lib/disk/disk_report.ts");
        return await diskReportCommand(command.slice(2), io);
      }
      throw unknownSubcommand(DISK_GROUP, command[1]);
    case "checkout":
      if (asksForHelp(command[1])) return printUsage(io, CHECKOUT_GROUP);
      if (command[1] === "consistency") {
        const { checkoutConsistencyCommand } = await import(
          "./lib/checkout/checkout_consistency.ts"
        );
        return await checkoutConsistencyCommand(command.slice(2), io, { signal });
      }
      if (command[1] === "load") {
        const { checkoutLoadCommand } = await import("./lib/checkout/checkout_load.ts");
        return await checkoutLoadCommand(command.slice(2), io, { signal, shard });
      }
      throw unknownSubcommand(CHECKOUT_GROUP, command[1]);
    case "query":
      if (asksForHelp(command[1])) return printUsage(io, QUERY_GROUP);
      if (command[1] === "setup") {
        const { querySetupCommand } = await import("./lib/query/query_setup.ts");
        return await querySetupCommand(command.slice(2), io, { signal });
      }
      if (command[1] === "run") {
        const { queryRunCommand } = await import("./lib/query/query_run.ts");
        return await queryRunCommand(command.slice(2), io, { signal, shard });
      }
      throw unknownSubcommand(QUERY_GROUP, command[1]);
    default:
      return await (await import("./lib/cql/stress.ts")).stressCommand(command, io, {
        signal,
        sleep,
        shard,
        startEmbeddedNode: startEmbedded,
      });
  }
}

if (import.meta.main) {
  Deno.exitCode = await main(Deno.args);
}
