/**
 * The requests whose answers the embedded node must give as Apache Cassandra 5.0 gives them:
 * schema changes (and their warnings), the errors of common mistakes (syntax, unknown keyspace,
 * table or column, wrong value type, existing keyspace, missing keyspace in USE, wrong number of
 * bound values) and consistency levels one node cannot meet. Run in order on one connection.
 * tests/cassandra/embedded_parity_test.ts runs them against a real node and the embedded node and
 * compares; tests/cql_node/real_node_answers_test.ts checks the embedded node against the
 * answers recorded from a real node.
 *
 * @module
 */

import {
  type Answer,
  CONSISTENCY,
  rawCompressedQuery,
  rawExecute,
  rawPrepare,
  rawQuery,
  rawStartup,
} from "./_raw_answers.ts";
import type { RawCqlClient } from "./_raw_client.ts";

/** A consistency code the parity steps use besides those of CONSISTENCY. */
const CL = { ...CONSISTENCY, any: 0x0000, localQuorum: 0x0006, serial: 0x0008 } as const;

/** One request and how to send it. */
export interface ParityStep {
  /** What the step checks (unique). */
  label: string;
  /** Sends the request and returns the answer in comparable form. */
  run(client: RawCqlClient, state: StepState): Promise<Answer>;
}

/** What steps hand on to later steps (the prepared statement's id). */
export interface StepState {
  /** The id of the last PREPARED answer. */
  preparedId?: Uint8Array;
}

/** An answer with the parts that differ between nodes by nature (prepared ids) reduced. */
export type ComparableAnswer = Answer | { kind: "prepared"; idBytes: number; warnings: string[] };

/**
 * Reduces an answer to what both nodes must agree on: a prepared id by its length.
 *
 * @param answer The answer.
 * @returns The comparable answer.
 */
export function comparable(answer: Answer): ComparableAnswer {
  if (answer.kind === "prepared") {
    return { kind: "prepared", idBytes: answer.id.length, warnings: answer.warnings };
  }
  return answer;
}

function query(label: string, cql: string, consistency: number = CL.one): ParityStep {
  return { label, run: (client) => rawQuery(client, cql, { consistency }) };
}

const ONE_BYTE = new Uint8Array([1]);

/**
 * The steps for keyspaces named after `ks` (`ks`, `${ks}_rf2`): create, misuse and drop them.
 *
 * @param ks A keyspace name no other test uses.
 * @returns The steps, in order.
 */
export function paritySteps(ks: string): ParityStep[] {
  const rf2 = `${ks}_rf2`;
  const simple = (rf: number) => `{'class': 'SimpleStrategy', 'replication_factor': ${rf}}`;
  return [
    query("CREATE KEYSPACE", `CREATE KEYSPACE ${ks} WITH replication = ${simple(1)}`),
    query(
      "CREATE KEYSPACE IF NOT EXISTS of an existing keyspace",
      `CREATE KEYSPACE IF NOT EXISTS ${ks} WITH replication = ${simple(1)}`,
    ),
    query(
      "CREATE KEYSPACE of an existing keyspace",
      `CREATE KEYSPACE ${ks} WITH replication = ${simple(1)}`,
    ),
    query(
      "CREATE KEYSPACE of a system keyspace",
      `CREATE KEYSPACE system WITH replication = ${simple(1)}`,
    ),
    query(
      "CREATE KEYSPACE of a replicated system keyspace",
      `CREATE KEYSPACE system_auth WITH replication = ${simple(1)}`,
    ),
    query(
      "CREATE KEYSPACE with a replication factor above the one node",
      `CREATE KEYSPACE ${rf2} WITH replication = ${simple(2)}`,
    ),
    query(
      "CREATE KEYSPACE with an unknown SimpleStrategy option",
      `CREATE KEYSPACE ${ks}_bad WITH replication = {'class': 'SimpleStrategy', ` +
        `'replication_factor': 1, 'dc9': 1}`,
    ),
    query(
      "CREATE KEYSPACE with an unknown data center",
      `CREATE KEYSPACE ${ks}_bad WITH replication = {'class': 'NetworkTopologyStrategy', 'dc9': 1}`,
    ),
    query(
      "CREATE KEYSPACE with an unknown strategy",
      `CREATE KEYSPACE ${ks}_bad WITH replication = {'class': 'NoSuchStrategy'}`,
    ),
    query(
      "CREATE TABLE",
      `CREATE TABLE ${ks}.t (key blob PRIMARY KEY, "C0" blob, v int)`,
    ),
    query(
      "CREATE TABLE of an existing table",
      `CREATE TABLE ${ks}.t (key blob PRIMARY KEY)`,
    ),
    query(
      "CREATE TABLE IF NOT EXISTS of an existing table",
      `CREATE TABLE IF NOT EXISTS ${ks}.t (key blob PRIMARY KEY)`,
    ),
    query(
      "CREATE TABLE in a missing keyspace",
      `CREATE TABLE ${ks}_missing.t (key blob PRIMARY KEY)`,
    ),
    query("USE", `USE ${ks}`),
    query("USE of a missing keyspace", `USE ${ks}_missing`),
    query("a syntax error", `SELECT * FORM ${ks}.t`),
    query("a syntax error at a statement's start", `SELEC * FROM ${ks}.t`),
    query("a syntax error at the end", `INSERT INTO ${ks}.t (key) VALUES`),
    query("SELECT from a missing keyspace", `SELECT * FROM ${ks}_missing.t`),
    query("SELECT from a missing table", `SELECT * FROM ${ks}.missing`),
    query(
      "INSERT naming an undefined column",
      `INSERT INTO ${ks}.t (key, "C5") VALUES (0x01, 0x02)`,
    ),
    query("SELECT naming an undefined lower-case column", `SELECT c9 FROM ${ks}.t`),
    query(
      "INSERT of a value of the wrong type",
      `INSERT INTO ${ks}.t (key, "C0") VALUES ('a', 0x02)`,
    ),
    query("INSERT", `INSERT INTO ${ks}.t (key, "C0", v) VALUES (0x01, 0x02, 3)`),
    query("SELECT", `SELECT * FROM ${ks}.t WHERE key = 0x01`),
    query("SELECT at ANY", `SELECT * FROM ${ks}.t WHERE key = 0x01`, CL.any),
    query("TRUNCATE", `TRUNCATE ${ks}.t`),
    query("TRUNCATE of a missing table", `TRUNCATE ${ks}.missing`),
    {
      label: "PREPARE",
      run: async (client, state) => {
        const answer = await rawPrepare(client, `INSERT INTO ${ks}.t (key, "C0") VALUES (?, ?)`);
        if (answer.kind === "prepared") state.preparedId = answer.id;
        return answer;
      },
    },
    {
      label: "EXECUTE with one value too few",
      run: (client, state) => rawExecute(client, state.preparedId!, { values: [ONE_BYTE] }),
    },
    {
      label: "EXECUTE with one value too many",
      run: (client, state) =>
        rawExecute(client, state.preparedId!, { values: [ONE_BYTE, ONE_BYTE, ONE_BYTE] }),
    },
    {
      label: "QUERY with one value too few",
      run: (client) =>
        rawQuery(client, `INSERT INTO ${ks}.t (key, "C0") VALUES (?, ?)`, { values: [ONE_BYTE] }),
    },
    query(
      "CREATE TABLE with replication factor 2",
      `CREATE TABLE ${rf2}.t (key blob PRIMARY KEY, v blob)`,
    ),
    query(
      "CREATE TABLE of counters with replication factor 2",
      `CREATE TABLE ${rf2}.c (key blob PRIMARY KEY, n counter)`,
    ),
    query(
      "INSERT at ALL with replication factor 2",
      `INSERT INTO ${rf2}.t (key, v) VALUES (0x01, 0x02)`,
      CL.all,
    ),
    query("SELECT at ALL with replication factor 2", `SELECT * FROM ${rf2}.t`, CL.all),
    query(
      "INSERT at QUORUM with replication factor 2",
      `INSERT INTO ${rf2}.t (key, v) VALUES (0x01, 0x02)`,
      CL.quorum,
    ),
    query(
      "SELECT at LOCAL_QUORUM with replication factor 2",
      `SELECT * FROM ${rf2}.t WHERE key = 0x01`,
      CL.localQuorum,
    ),
    query(
      "INSERT at ONE with replication factor 2",
      `INSERT INTO ${rf2}.t (key, v) VALUES (0x01, 0x02)`,
    ),
    query(
      "INSERT at SERIAL without a condition",
      `INSERT INTO ${rf2}.t (key, v) VALUES (0x01, 0x02)`,
      CL.serial,
    ),
    query(
      "INSERT IF NOT EXISTS with replication factor 2",
      `INSERT INTO ${rf2}.t (key, v) VALUES (0x02, 0x02) IF NOT EXISTS`,
    ),
    query(
      "UPDATE of a counter at ANY",
      `UPDATE ${rf2}.c SET n = n + 1 WHERE key = 0x01`,
      CL.any,
    ),
    query(
      "BATCH at ALL with replication factor 2",
      `BEGIN BATCH INSERT INTO ${rf2}.t (key, v) VALUES (0x01, 0x02); APPLY BATCH`,
      CL.all,
    ),
    query(
      "ALTER KEYSPACE raising the replication factor",
      `ALTER KEYSPACE ${rf2} WITH replication = ${simple(3)}`,
    ),
    query("DROP TABLE", `DROP TABLE ${ks}.t`),
    query("DROP TABLE of a missing table", `DROP TABLE ${ks}.t`),
    query("DROP TABLE IF EXISTS of a missing table", `DROP TABLE IF EXISTS ${ks}.t`),
    query("DROP KEYSPACE", `DROP KEYSPACE ${ks}`),
    query("DROP KEYSPACE of a missing keyspace", `DROP KEYSPACE ${ks}`),
    query("DROP KEYSPACE IF EXISTS of a missing keyspace", `DROP KEYSPACE IF EXISTS ${ks}`),
    query("DROP KEYSPACE with replication factor 2", `DROP KEYSPACE ${rf2}`),
  ];
}

/**
 * Runs the steps in order on one started client.
 *
 * @param client The client.
 * @param steps The steps.
 * @returns Each step's comparable answer by label.
 */
export async function runSteps(
  client: RawCqlClient,
  steps: ParityStep[],
): Promise<Map<string, ComparableAnswer>> {
  const state: StepState = {};
  const answers = new Map<string, ComparableAnswer>();
  for (const step of steps) answers.set(step.label, comparable(await step.run(client, state)));
  return answers;
}

/**
 * The keyspaces the steps create, for clean-up after a failure.
 *
 * @param ks The name given to {@linkcode paritySteps}.
 * @returns The names.
 */
export function stepKeyspaces(ks: string): string[] {
  return [ks, `${ks}_rf2`, `${ks}_bad`];
}

/** Queries sent compressed: repeated text (so the blocks have back references) and errors. */
const COMPRESSED_QUERIES = [
  "SELECT key, key, key, key, key, key, key FROM system.local WHERE key = 'local'",
  "SELECT cluster_name, cluster_name, cluster_name, data_center FROM system.local",
  "SELECT * FROM system.nosuch_table_nosuch_table_nosuch_table",
  "SELECT * FORM system.local WHERE key = 'local' AND key = 'local'",
];

/**
 * Connects with each compression the protocol offers (and one it does not), sends compressed
 * queries, and collects the answers by label.
 *
 * @param connect Opens a fresh connection to the node.
 * @returns Each answer in comparable form by label.
 */
export async function compressionAnswers(
  connect: () => Promise<RawCqlClient>,
): Promise<Map<string, ComparableAnswer>> {
  const answers = new Map<string, ComparableAnswer>();
  for (const algorithm of ["lz4", "snappy", "zstd"] as const) {
    const client = await connect();
    try {
      const ready = await rawStartup(client, { COMPRESSION: algorithm });
      answers.set(`STARTUP with COMPRESSION ${algorithm}`, comparable(ready));
      if (algorithm === "zstd") continue;
      for (const cql of COMPRESSED_QUERIES) {
        answers.set(
          `${algorithm}: ${cql}`,
          comparable(await rawCompressedQuery(client, algorithm, cql)),
        );
      }
    } finally {
      await client.close();
    }
  }
  return answers;
}
