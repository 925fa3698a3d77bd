/**
 * The cassandra-stress commands (`write`, `read`, `mixed`, `counter_write`,
 * `counter_read`, `user`, `help`, `print`, `version`): parse, then print help, a
 * distribution, the settings (`--dry-run`), or run the load and report it.
 *
 * @module
 */

import { createDistribution } from "../core/distribution.ts";
import { Prng } from "../core/prng.ts";
import { UsageError } from "../errors.ts";
import { formatHelp } from "../options/help_text.ts";
import { parseStressArgs } from "../options/parse_stress_args.ts";
import { formatDistributionTable } from "../report/distribution_table.ts";
import { formatSettingsDump } from "../report/settings_dump.ts";
import { VERSION } from "../version.ts";
import { type CommandIo, printText } from "./command_io.ts";
import {
  cqlTargetOf,
  createStressSchema,
  isEmbeddedNode,
  startEmbeddedNode,
} from "./embedded_node.ts";
import { runStress } from "./stress_run.ts";
import { targetOf } from "./stress_plan.ts";

/**
 * Runs one cassandra-stress command line.
 *
 * @param args The command line, command first.
 * @param io Where output goes.
 * @param options An abort signal (SIGINT).
 * @returns The exit code.
 * @throws {UserError} On a bad command line or an unreachable target.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { BufferedIo } from "./command_io.ts";
 * import { stressCommand } from "./stress.ts";
 * const io = new BufferedIo();
 * assert.equal(await stressCommand(["version"], io), 0);
 * assert.match(io.stdout[0], /^stress /);
 * ```
 */
export async function stressCommand(
  args: readonly string[],
  io: CommandIo,
  options: { signal?: AbortSignal } = {},
): Promise<number> {
  if (args.length === 0) {
    printText(io, formatHelp());
    return 0;
  }
  const settings = parseStressArgs(args);
  switch (settings.command.type) {
    case "help":
      printText(io, formatHelp(settings.command.helpTopic ?? undefined));
      return 0;
    case "version":
      io.out(`stress ${VERSION} (cassandra-stress compatible command line)`);
      return 0;
    case "print": {
      const spec = settings.command.printDistribution!;
      printText(io, formatDistributionTable(createDistribution(spec, new Prng(1))));
      return 0;
    }
  }
  if (settings.dryRun) {
    printText(io, formatSettingsDump(settings));
    return 0;
  }
  if (settings.command.type === "user") {
    throw new UsageError(
      `Cannot run "user": profile workloads are not implemented yet, expected write, read, mixed, counter_write or counter_read (--dry-run checks a user command line)`,
    );
  }
  if (isEmbeddedNode(settings)) {
    const node = await startEmbeddedNode();
    try {
      const target = cqlTargetOf(settings, [`${node.hostname}:${node.port}`]);
      return await runStress(settings, target, io, {
        ...options,
        commandLine: args,
        prepare: (runIo) => createStressSchema(target, settings, runIo),
      });
    } finally {
      await node.close();
    }
  }
  const target = targetOf(settings);
  return await runStress(settings, target, io, { ...options, commandLine: args });
}
