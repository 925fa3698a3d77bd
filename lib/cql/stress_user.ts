/**
 * `stress user profile=FILE ops(...)`: cassandra-stress's YAML profile workloads. Loads and
 * checks the profiles and the ops before anything is sent; then connects, prints the
 * `Profile(s)` block, creates each profile's schema, reads the tables back from the cluster's
 * schema, and runs the ops on the engine with the cql wing's Worker entry.
 *
 * @module
 */

import { UsageError } from "../errors.ts";
import { type CommandIo, printText } from "../cli/command_io.ts";
import type { StressSettings } from "./options/stress_settings.ts";
import { loadProfiles } from "./profile/driver/load_profiles.ts";
import { batchShapeOf, formatBatchShapeLine } from "./profile/batch_shape.ts";
import { formatProfileBlock } from "./profile/format_profile_block.ts";
import { type ResolvedOp, resolveOps } from "./profile/resolve_ops.ts";
import type { StressProfile } from "./profile/stress_profile.ts";
import { connectCluster, type CqlCluster } from "./driver/cql_cluster.ts";
import { cqlConnectionOf, modeWarningsOf, workersOf } from "./driver/cql_settings.ts";
import { ringOf } from "./driver/ring_of.ts";
import {
  createProfileSchema,
  ddlConsistencyOf,
  readTableLayout,
  truncateProfileTables,
} from "./driver/profile_schema.ts";
import type { CqlConnectionSpec } from "./cql_connection_spec.ts";
import type { CqlRingSpec } from "./cql_ring_spec.ts";
import { opsOf } from "./stress_plan.ts";
import { runStress } from "./stress_run.ts";
import {
  cqlDumpOptions,
  realSleep,
  startEmbedded,
  type StressCommandOptions,
} from "./stress_session.ts";
import { userTargetOf } from "./user/user_target_of.ts";
import { skipUnsupportedColumns } from "./user/skip_unsupported_columns.ts";
import type { UserTargetSpec } from "./user/user_target_spec.ts";
import { storedKeyspaceName, type TableLayout } from "./user/user_statements.ts";

/** The profiles and the ops of a `user` line, checked before anything is sent. */
interface UserPlan {
  readonly profiles: StressProfile[];
  /** The ops in the run's op-name order. */
  readonly ops: ResolvedOp[];
}

/** Loads the profiles and resolves the ops. */
async function planOf(settings: StressSettings): Promise<UserPlan> {
  const profiles = await loadProfiles(settings.command.profiles, {
    skipUnsupportedColumns: settings.errors.skipUnsupportedColumns,
  });
  const resolved = resolveOps(settings.command.ops, profiles);
  const ops = opsOf(settings).names.map((name) => resolved.find((op) => op.name === name)!);
  return { profiles, ops };
}

/** How the Workers connect, and by which client. */
type UserConnection = CqlConnectionSpec & Pick<UserTargetSpec, "client">;

/** The connection with the data path of `-mode client=` (the native path speaks v5 too). */
function userConnectionOf(settings: StressSettings, base: CqlConnectionSpec): UserConnection {
  const client = settings.mode.client;
  const version = settings.mode.protocolVersion;
  return {
    ...base,
    client,
    ...(client === "native" && version !== null ? { protocolVersion: version } : {}),
  };
}

/** The session the run's hooks share. */
interface UserSession {
  cluster: CqlCluster | null;
  announced: boolean;
}

/** Prints the connect banner once. */
function announce(session: UserSession, io: CommandIo): void {
  if (session.announced || session.cluster === null) return;
  session.announced = true;
  for (const line of session.cluster.banner) io.out(line);
}

/**
 * For the native path, the ring the Workers route by (with the last profile's keyspace's
 * replication) and each profile keyspace's replication; nothing for the driver path.
 */
async function routingOf(
  cluster: CqlCluster,
  keyspaces: readonly string[],
  connection: UserConnection,
): Promise<Pick<UserTargetSpec, "ring" | "replicationByKeyspace">> {
  if (connection.client !== "native") return { ring: null, replicationByKeyspace: {} };
  let ring: CqlRingSpec | null = null;
  const replicationByKeyspace: Record<string, Readonly<Record<string, string>>> = {};
  for (const keyspace of keyspaces) {
    ring = await ringOf(cluster.client, keyspace, connection.port);
    replicationByKeyspace[keyspace] = ring.replication;
  }
  return { ring, replicationByKeyspace };
}

/**
 * Connects, prints the `Profile(s)` block, creates every profile's schema and reads its table
 * back, prints each profile's batch line (a LOGGED batch over 65535 rows is refused, as
 * cassandra-stress refuses it), and returns the target of the run.
 */
async function prepareUser(
  settings: StressSettings,
  plan: UserPlan,
  run: { connection: UserConnection; workers: number; session: UserSession; io: CommandIo },
  sleep: (ms: number) => Promise<void>,
): Promise<UserTargetSpec> {
  const { connection, session, io } = run;
  session.cluster = await connectCluster(connection, {
    connectionsPerHost: connection.connectionsPerHost * run.workers,
  });
  // The fork prints the profiles as the end of its settings dump (none with `no-settings`): after
  // the TokenRange lines and a blank line (the dump's last line here), and each profile's
  // `Generating batches` line, then the dump's closing blank line.
  const dump = !settings.log.noSettings;
  if (dump) printText(io, formatProfileBlock(plan.profiles).replace(/^\n/, "").replace(/\n$/, ""));
  announce(session, io);
  const consistency = ddlConsistencyOf(
    settings.command.consistencyLevel,
    settings.node.datacenter !== null,
  );
  const layouts: TableLayout[] = [];
  for (const profile of plan.profiles) {
    await createProfileSchema(session.cluster, profile, io, { sleep, consistency });
    let layout = await readTableLayout(session.cluster, profile.keyspace, profile.table);
    if (settings.errors.skipUnsupportedColumns) {
      const skipped = skipUnsupportedColumns(layout);
      for (const warning of skipped.warnings) io.err(warning);
      layout = skipped.layout;
    }
    layouts.push(layout);
    const clustering = layout.columns.filter((c) => c.kind === "clustering").map((c) => c.name);
    const shape = batchShapeOf(profile, clustering, settings.insert);
    for (const warning of shape.warnings) io.err(warning);
    if (shape.error !== null) throw new UsageError(shape.error.replace(/^ERROR: /, ""));
    if (dump) io.out(formatBatchShapeLine(shape));
  }
  if (dump) io.out("");
  const order = settings.population.order === "SORTED" ? "sorted" : "arbitrary";
  // One session for every profile: the statements are not keyspace-qualified, and the last
  // `USE` wins (cassandra-stress's behaviour).
  const stored = plan.profiles.map((p) => storedKeyspaceName(p.keyspace));
  const keyspace = stored[stored.length - 1];
  // The last keyspace last: the ring keeps its replication.
  const keyspaces = [...new Set([...stored].reverse())].reverse();
  const routing = await routingOf(session.cluster, keyspaces, connection);
  return userTargetOf(
    { ...connection, ...routing, keyspace, localDataCenter: session.cluster.localDataCenter },
    {
      profiles: plan.profiles,
      layouts,
      ops: plan.ops,
      insert: settings.insert,
      order,
      tokenRange: settings.tokenrange,
    },
  );
}

/**
 * Runs a `user` command against `-node` hosts or the embedded node.
 *
 * @param settings The parsed settings (command `user`, not a dry run).
 * @param io Where output goes.
 * @param options Signal, sleep, shard, the embedded node, and the command line.
 * @returns The exit code.
 * @throws {UserError} For a bad profile or op (before anything is sent), or an unreachable node.
 *
 * @example Usage
 * ```ts ignore
 * const code = await runUser(settings, io, { commandLine: args });
 * ```
 */
export async function runUser(
  settings: StressSettings,
  io: CommandIo,
  options: StressCommandOptions & { commandLine: readonly string[] },
): Promise<number> {
  if (settings.population.order === "SHUFFLED") {
    throw new UsageError(
      "Cannot use -pop contents=SHUFFLED with user: cassandra-stress shuffles with an " +
        "unseeded random, expected ARBITRARY or SORTED",
    );
  }
  const plan = await planOf(settings);
  const sleep = options.sleep ?? realSleep;
  const workers = workersOf(settings, navigator.hardwareConcurrency);
  const node = settings.target.kind === "embedded" ? await startEmbedded(options) : null;
  const session: UserSession = { cluster: null, announced: false };
  try {
    const connection = userConnectionOf(
      settings,
      await cqlConnectionOf(settings, {
        ...(node === null ? {} : { contactPoints: [node.hostname], port: node.port }),
        workers,
      }),
    );
    for (const warning of modeWarningsOf(settings)) io.err(warning);
    const pending: UserTargetSpec = {
      ...connection,
      kind: "cql-user",
      tables: [],
      ops: [],
      ring: null,
      replicationByKeyspace: {},
    };
    return await runStress(settings, pending, io, {
      ...options,
      settingsDump: cqlDumpOptions(settings),
      prepare: (runIo) =>
        prepareUser(settings, plan, { connection, workers, session, io: runIo }, sleep),
      pause: async (runIo) => {
        runIo.out("Sleeping 2s...");
        await sleep(2000);
      },
      announce: (runIo) => announce(session, runIo),
      truncate: (runIo) => {
        announce(session, runIo);
        const tables = plan.profiles.map((p) => ({ keyspace: p.keyspace, table: p.table }));
        return truncateProfileTables(session.cluster!, tables, runIo, sleep);
      },
    });
  } finally {
    await session.cluster?.client.shutdown().catch(() => {});
    await node?.close();
  }
}
