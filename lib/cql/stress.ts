/**
 * The cassandra-stress commands (`write`, `read`, `mixed`, `counter_write`,
 * `counter_read`, `user`, `help`, `print`, `version`): parse, then print help, a
 * distribution, the settings (`--dry-run`), or run the load and report it.
 *
 * @module
 */

import { createDistribution } from "../core/distribution.ts";
import { Prng } from "../core/prng.ts";
import { checkRunDistributions } from "./check_target_spec.ts";
import { formatHelp } from "./options/help_text.ts";
import { parseStressArgs } from "./options/parse_stress_args.ts";
import type { Shard } from "../units/shard.ts";
import { shardStressSettings } from "./shard_stress_settings.ts";
import { formatDistributionTable } from "./report/distribution_table.ts";
import { formatSettingsDump } from "./report/settings_dump.ts";
import { VERSION } from "../version.ts";
import { type CommandIo, printText } from "../cli/command_io.ts";
import {
  connectCluster,
  type CqlCluster,
  createStressSchema,
  truncateStressTables,
} from "./driver/cql_cluster.ts";
import { cqlTargetOf, modeWarningsOf, workersOf } from "./driver/cql_settings.ts";
import { ringOf } from "./driver/ring_of.ts";
import { runStress } from "./stress_run.ts";
import {
  cqlDumpOptions,
  realSleep,
  startEmbedded,
  type StressCommandOptions,
} from "./stress_session.ts";

export type { EmbeddedNode, StressCommandOptions } from "./stress_session.ts";
import { isSyntheticTarget, targetOf } from "./stress_plan.ts";
import type { StressSettings } from "./options/stress_settings.ts";

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
 * import { BufferedIo } from "../cli/command_io.ts";
 * import { stressCommand } from "./stress.ts";
 * const io = new BufferedIo();
 * assert.equal(await stressCommand(["version"], io), 0);
 * assert.match(io.stdout[0], /^stress /);
 * ```
 */
export async function stressCommand(
  args: readonly string[],
  io: CommandIo,
  options: StressCommandOptions = {},
): Promise<number> {
  if (args.length === 0) {
    printText(io, formatHelp());
    return 0;
  }
  const parsed = parseStressArgs(args);
  const shard = options.shard ?? null;
  const settings = shard === null ? parsed : shardStressSettings(parsed, shard);
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
  if (shard !== null) io.out(describeShard(settings, shard));
  if (settings.dryRun) {
    // What every run checks before it connects, a dry run checks too (nothing is read or built).
    checkRunDistributions(settings, new Prng(1));
    const synthetic = isSyntheticTarget(settings);
    printText(io, formatSettingsDump(settings, synthetic ? {} : cqlDumpOptions(settings)));
    return 0;
  }
  if (settings.command.type === "user") {
    // Loaded only here: profiles bring the YAML parser, 11 MB of every other command's memory.
    const { runUser } = await import("./stress_user.ts");
    return await runUser(settings, io, { ...options, commandLine: args });
  }
  if (isSyntheticTarget(settings)) {
    const target = targetOf(settings);
    return await runStress(settings, target, io, { ...options, commandLine: args });
  }
  return await runCql(settings, io, { ...options, commandLine: args });
}

/**
 * Runs a CQL command against `-node` hosts, or against a node started in-process. It
 * connects right after the settings dump (an unreachable node fails at once), but prints the
 * connect banner where cassandra-stress connects: before `Created keyspaces` for the commands
 * that create the schema, otherwise when the first op runs (after the first `Warming up`
 * line or interval header) or before a truncate.
 */
async function runCql(
  settings: StressSettings,
  io: CommandIo,
  options: StressCommandOptions & { commandLine: readonly string[] },
): Promise<number> {
  const sleep = options.sleep ?? realSleep;
  const embedded = settings.target.kind === "embedded";
  const workers = workersOf(settings, navigator.hardwareConcurrency);
  const node = embedded ? await startEmbedded(options) : null;
  let cluster: CqlCluster | null = null;
  let announced = false;
  const announce = (runIo: CommandIo) => {
    if (announced || cluster === null) return;
    announced = true;
    for (const line of cluster.banner) runIo.out(line);
  };
  try {
    const target = await cqlTargetOf(settings, {
      ...(node === null ? {} : { contactPoints: [node.hostname], port: node.port }),
      workers,
    });
    for (const warning of modeWarningsOf(settings)) io.err(warning);
    const type = settings.command.type;
    // cassandra-stress creates the schema for write and counter_write only; an embedded node
    // starts empty, so there every command that writes creates it.
    const creates = type === "write" || type === "counter_write" ||
      (embedded && target.opKinds.some((k) => k === "write" || k === "counter_write"));
    return await runStress(settings, target, io, {
      ...options,
      settingsDump: cqlDumpOptions(settings),
      prepare: async (runIo) => {
        cluster = await connectCluster(target, {
          connectionsPerHost: target.connectionsPerHost * workers,
        });
        if (creates) {
          announce(runIo);
          await createStressSchema(cluster, settings, runIo, {
            sleepMs: cluster.hostCount * 1000,
            sleep,
          });
        }
        // The data center the driver found, for the Workers' load-balancing policy, and for the
        // native path the ring it routes by.
        const ring = target.client === "native"
          ? await ringOf(cluster.client, target.keyspace, target.port)
          : null;
        return { ...target, localDataCenter: cluster.localDataCenter, ring };
      },
      pause: async (runIo) => {
        runIo.out("Sleeping 2s...");
        await sleep(2000);
      },
      announce,
      truncate: (runIo) => {
        announce(runIo);
        return truncateStressTables(cluster!, settings, { sleep });
      },
    });
  } finally {
    await (cluster as CqlCluster | null)?.client.shutdown().catch(() => {});
    await node?.close();
  }
}

/** One line saying what this shard runs. */
function describeShard(settings: StressSettings, shard: Shard): string {
  const parts: string[] = [];
  const { stop } = settings.command;
  if (stop.kind === "count") parts.push(`n=${stop.n}`);
  const population = settings.population;
  if (population.kind === "seq") parts.push(`seeds ${population.min}..${population.max}`);
  const rate = settings.rate;
  if (rate.kind === "threads" && rate.throttleOpsPerSec > 0) {
    parts.push(`throttle=${formatRate(rate.throttleOpsPerSec)}/s`);
  }
  if (rate.kind === "threads" && rate.fixedOpsPerSec > 0) {
    parts.push(`fixed=${formatRate(rate.fixedOpsPerSec)}/s`);
  }
  return `Shard ${shard.index}/${shard.count}: ${
    parts.length === 0 ? "the whole workload (nothing to split)" : parts.join(", ")
  }`;
}

function formatRate(opsPerSec: number): string {
  return Number.isInteger(opsPerSec) ? String(opsPerSec) : opsPerSec.toFixed(3);
}
