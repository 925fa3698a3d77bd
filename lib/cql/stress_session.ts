/**
 * What the cassandra-stress commands share between the predefined ones (`stress.ts`) and `user`
 * (`stress_user.ts`): their options, the embedded node they may start, the settings dump's CQL
 * options, and the real sleep.
 *
 * @module
 */

import { UsageError } from "../errors.ts";
import type { Shard } from "../units/shard.ts";
import type { SettingsDumpOptions } from "./report/settings_dump.ts";
import type { StressSettings } from "./options/stress_settings.ts";
import {
  connectionsPerHostOf,
  nodeHostsOf,
  protocolVersionOf,
  workersOf,
} from "./driver/cql_settings.ts";

/** Options of {@linkcode stressCommand}. */
export interface StressCommandOptions {
  /** Aborting it interrupts the run (SIGINT). */
  signal?: AbortSignal;
  /**
   * How the command sleeps (schema propagation, `Sleeping 2s...`, truncate); tests pass a
   * no-op. The lines are printed either way.
   *
   * @default {real sleep}
   */
  sleep?: (ms: number) => Promise<void>;
  /**
   * This loader's shard (`--shard I/N`): its part of the population and count, 1/N of the rate.
   *
   * @default {null}
   */
  shard?: Shard | null;
  /**
   * Starts the embedded node for `-node embedded` (main.ts passes the one of `lib/cql_node/`);
   * without it, `-node embedded` is refused.
   *
   * @default {undefined}
   */
  startEmbeddedNode?: () => Promise<EmbeddedNode>;
}

/** A CQL node started in-process, as `-node embedded` uses it. */
export interface EmbeddedNode {
  /** The loopback address it listens on. */
  readonly hostname: string;
  /** Its port. */
  readonly port: number;
  /** Stops it. */
  close(): Promise<void>;
}

/**
 * What the settings dump of a CQL command prints for the pool (when `connectionsPerHost=` is
 * not given), the protocol it really uses and the hosts of `-node file=`.
 */
export function cqlDumpOptions(settings: StressSettings): SettingsDumpOptions {
  const workers = workersOf(settings, navigator.hardwareConcurrency);
  return {
    connectionsPerHost: connectionsPerHostOf(settings, workers).total,
    protocolVersion: protocolVersionOf(settings),
    ...(settings.node.file === null ? {} : { nodes: nodeHostsOf(settings) }),
  };
}

/** Starts the embedded node, or refuses `-node embedded` where no starter was passed. */
export function startEmbedded(options: StressCommandOptions): Promise<EmbeddedNode> {
  if (options.startEmbeddedNode === undefined) {
    throw new UsageError(
      `Cannot use "-node embedded" here: no embedded node was linked in, expected -node HOST`,
    );
  }
  return options.startEmbeddedNode();
}

/** Sleeps for real (the default of `StressCommandOptions.sleep`). */
export function realSleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
