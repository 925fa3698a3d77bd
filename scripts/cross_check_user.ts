/**
 * `deno run -A scripts/cross_check_user.ts --cassandra-stress PATH [--node H --port P] [--n N]
 * [--threads T]`: the rows of a `user` profile, written by the real cassandra-stress and by ours,
 * compared row for row on one real node (the one given, or without `--port` one started here
 * with scripts/cassandra, pinned to core 1, and stopped at the end).
 *
 * For each profile of bench/profiles/rows_*.yaml, each tool runs
 * `user profile=<copy> ops(insert=1) n=N no-warmup -pop seq=1..N` into its own keyspace (the
 * profile's keyspace with `_cs` or `_stress` appended, in a copy of the profile). Then both tables
 * are read whole with `SELECT JSON *` and compared as sets of rows: a profile passes when both runs
 * exit 0 with N partitions and the tables hold the same rows. A control run of ours writes seeds
 * 2..N+1 into a third keyspace (`_control`), whose table must differ from cassandra-stress's, so
 * that a pass cannot come from a comparison that compares nothing. Each keyspace is dropped before
 * and after. Exit 0 only if every profile passed, 1 if one failed, 2 on a bad flag.
 *
 * Test infrastructure: never builds or downloads cassandra-stress; give it a built one.
 *
 * @module
 */

// deno-lint-ignore-file no-console
import { type CrossCheckFlags, parseCrossCheckFlags } from "./_cross_check_flags.ts";
import cassandra from "cassandra-driver";
import { type PeerNode, peerNode } from "../bench/_peer_node.ts";
import { resultsBlock } from "../bench/_results_block.ts";
import { timedRun } from "../bench/_timed_run.ts";

const MAIN = new URL("../main.ts", import.meta.url).pathname;
const PROFILES = new URL("../bench/profiles/", import.meta.url).pathname;
const CLIENT_CPUS = "0";
const NODE_CPUS = "1";

type Flags = CrossCheckFlags;

function parseFlags(args: string[]): Flags {
  return parseCrossCheckFlags(args, { n: 2000, threads: 4 });
}

/** A profile and the names in it. */
interface Profile {
  file: string;
  text: string;
  keyspace: string;
  table: string;
}

async function loadProfiles(): Promise<Profile[]> {
  const out: Profile[] = [];
  for await (const entry of Deno.readDir(PROFILES)) {
    if (!/^rows_.*\.yaml$/.test(entry.name)) continue;
    const text = await Deno.readTextFile(PROFILES + entry.name);
    const keyspace = /^keyspace: (\w+)$/m.exec(text)?.[1];
    const table = /^table: (\w+)$/m.exec(text)?.[1];
    if (keyspace === undefined || table === undefined) {
      throw new Error(`${entry.name}: expected "keyspace: NAME" and "table: NAME" lines`);
    }
    out.push({ file: entry.name, text, keyspace, table });
  }
  return out.sort((a, b) => a.file.localeCompare(b.file));
}

/** Writes a copy of the profile whose keyspace is `keyspace`; resolves with its path. */
async function profileCopy(profile: Profile, dir: string, keyspace: string): Promise<string> {
  const path = `${dir}/${keyspace}.yaml`;
  const text = profile.text.replaceAll(new RegExp(`\\b${profile.keyspace}\\b`, "g"), keyspace);
  await Deno.writeTextFile(path, text);
  return path;
}

/** Runs one tool's insert; resolves with a problem, or "" when it wrote `partitions` cleanly. */
async function runInsert(argv: string[], args: string[], partitions: number): Promise<string> {
  console.log(`$ taskset -c ${CLIENT_CPUS} ${[...argv, ...args].join(" ")}`);
  const run = await timedRun([...argv, ...args], { cpus: CLIENT_CPUS, timeoutMs: 300_000 });
  const results = resultsBlock(run.stdout);
  console.log(
    `  exit ${run.code}, ${results?.partitions ?? "?"} partitions, ${results?.errors ?? "?"} ` +
      `errors, ${run.wallSec.toFixed(1)} s`,
  );
  if (run.code === 0 && results?.errors === 0 && results.partitions === partitions) return "";
  const tail = (run.stdout + run.stderr).trim().split("\n").filter((l) => !/^\s+at /.test(l));
  return `exit ${run.code}: ${tail.slice(-6).join("\n    ")}`;
}

/** Every row of `keyspace.table` as its `SELECT JSON` text. */
async function tableRows(client: cassandra.Client, keyspace: string, table: string) {
  const rows = new Set<string>();
  const query = `SELECT JSON * FROM ${keyspace}.${table}`;
  let pageState: string | undefined;
  do {
    const page = await client.execute(query, [], { prepare: false, fetchSize: 1000, pageState });
    for (const row of page.rows) rows.add(String(row.get("[json]")));
    pageState = page.pageState ?? undefined;
  } while (pageState !== undefined);
  return rows;
}

/** How two tables differ. */
interface Diff {
  left: number;
  right: number;
  same: number;
  onlyLeft: string[];
  onlyRight: string[];
}

function diffRows(left: Set<string>, right: Set<string>): Diff {
  const onlyLeft = [...left].filter((row) => !right.has(row));
  const onlyRight = [...right].filter((row) => !left.has(row));
  return {
    left: left.size,
    right: right.size,
    same: left.size - onlyLeft.length,
    onlyLeft,
    onlyRight,
  };
}

/** Runs both tools and the control on one profile; resolves with whether it passed. */
async function checkProfile(
  flags: Flags,
  at: { host: string; port: number },
  client: cassandra.Client,
  profile: Profile,
): Promise<boolean> {
  const dir = await Deno.makeTempDir({ prefix: "cross_check_user_" });
  const names = ["cs", "stress", "control"].map((suffix) => `${profile.keyspace}_${suffix}`);
  const drop = () =>
    Promise.all(names.map((ks) => client.execute(`DROP KEYSPACE IF EXISTS ${ks}`)));
  try {
    await drop();
    const common = (path: string, first: number) => [
      ...["user", `profile=${path}`, "ops(insert=1)", `n=${flags.n}`, "no-warmup"],
      ...["-pop", `seq=${first}..${flags.n + first - 1}`, "-rate", `threads=${flags.threads}`],
      ...["-node", at.host, "-port", `native=${at.port}`],
    ];
    const ours = [Deno.execPath(), "run", "-A", MAIN];
    const problems = [
      await runInsert(
        [flags.cassandraStress],
        common(await profileCopy(profile, dir, names[0]), 1),
        flags.n,
      ),
      await runInsert(ours, common(await profileCopy(profile, dir, names[1]), 1), flags.n),
      await runInsert(ours, common(await profileCopy(profile, dir, names[2]), 2), flags.n),
    ].filter((problem) => problem !== "");
    if (problems.length > 0) {
      console.log(`  ${profile.file}: FAIL\n    ${problems.join("\n    ")}`);
      return false;
    }
    const [cs, stress, control] = await Promise.all(
      names.map((ks) => tableRows(client, ks, profile.table)),
    );
    return verdict(profile.file, diffRows(cs, stress), diffRows(cs, control));
  } finally {
    await drop();
    await Deno.remove(dir, { recursive: true });
  }
}

/** Prints the comparison; a pass is equal tables and a control that differs. */
function verdict(file: string, diff: Diff, control: Diff): boolean {
  const equal = diff.onlyLeft.length === 0 && diff.onlyRight.length === 0 && diff.left > 0;
  const controlDiffers = control.onlyLeft.length > 0 && control.onlyRight.length > 0;
  console.log(
    `  ${file}: cassandra-stress ${diff.left} rows, stress ${diff.right} rows, ${diff.same} ` +
      `identical; control (seeds 2..N+1): ${control.same} of ${control.left} identical` +
      `: ${equal && controlDiffers ? "PASS" : "FAIL"}`,
  );
  for (const row of diff.onlyLeft.slice(0, 3)) console.log(`    only cassandra-stress: ${row}`);
  for (const row of diff.onlyRight.slice(0, 3)) console.log(`    only stress: ${row}`);
  return equal && controlDiffers;
}

/** Runs the command; resolves with the exit code. */
export async function crossCheckUserMain(args: string[]): Promise<number> {
  let flags: Flags;
  try {
    flags = parseFlags(args);
  } catch (error) {
    console.error(`error: ${(error as Error).message}`);
    return 2;
  }
  let node: PeerNode | null = null;
  let client: cassandra.Client | null = null;
  let passed = 0;
  let profiles: Profile[] = [];
  try {
    profiles = await loadProfiles();
    node = await peerNode({ host: flags.node, port: flags.port }, NODE_CPUS);
    console.log(`node ${node.host}:${node.port}, ${node.started ? "started here" : "given"}`);
    client = new cassandra.Client({
      contactPoints: [`${node.host}:${node.port}`],
      localDataCenter: "datacenter1",
      socketOptions: { connectTimeout: 10_000, readTimeout: 120_000 },
    });
    await client.connect();
    for (const profile of profiles) {
      console.log(`\n## ${profile.file}`);
      if (await checkProfile(flags, node, client, profile)) passed++;
    }
  } catch (error) {
    console.error(`error: ${(error as Error).message}`);
    return 1;
  } finally {
    await client?.shutdown();
    await node?.stop();
  }
  console.log(`\ncross-check user: ${passed} of ${profiles.length} profiles identical`);
  return passed === profiles.length ? 0 : 1;
}

if (import.meta.main) Deno.exit(await crossCheckUserMain(Deno.args));
