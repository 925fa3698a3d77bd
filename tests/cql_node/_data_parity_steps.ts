/**
 * The data queries whose results the embedded node must give as Apache Cassandra 5.0 gives them,
 * for the statement shapes cassandra-stress `user` profiles and our workloads send: clustering
 * slices (single columns and tuples, a DESC column among them), IN on partition and clustering
 * keys, LIMIT, PER PARTITION LIMIT, ORDER BY, token ranges, static columns, collections, counters,
 * conditional writes, batches, deletes, count(*), DISTINCT, paging, and values of every common
 * type. Run in order on one connection through cassandra-driver, in a fresh keyspace.
 * tests/cassandra/data_parity_test.ts runs them against a real node and the embedded node and
 * compares; tests/cql_node/data_parity_answers_test.ts checks the embedded node against the
 * answers recorded from a real node (tests/testdata/cassandra_5_data_answers.json, made with
 * `deno run -A tests/cql_node/_record_answers.ts data PORT`).
 *
 * @module
 */

import type cassandra from "cassandra-driver";
import type { DataStepGroup } from "./_data_step_kit.ts";
import {
  inOrderLimitSteps,
  pagingSteps,
  rowSteps,
  scanSteps,
  sliceSteps,
} from "./_data_read_steps.ts";
import {
  batchSteps,
  collectionSteps,
  counterSteps,
  deleteSteps,
  lwtSteps,
} from "./_data_write_steps.ts";
import { keyValueSteps, literalSteps, orderSteps } from "./_data_type_steps.ts";
import { batchTieSteps } from "./_data_batch_steps.ts";

/** The keyspace the answers were recorded in (some messages name it). */
export const DATA_KEYSPACE = "data_ks";

/**
 * The steps, grouped by what they check.
 *
 * @returns Groups of steps, to run in order on one connection.
 */
export function dataStepGroups(): DataStepGroup[] {
  return [
    { group: "rows", steps: rowSteps() },
    { group: "clustering slices", steps: sliceSteps() },
    { group: "IN, ORDER BY and LIMIT", steps: inOrderLimitSteps() },
    { group: "scans, count(*) and DISTINCT", steps: scanSteps() },
    { group: "paging", steps: pagingSteps() },
    { group: "collections", steps: collectionSteps() },
    { group: "counters", steps: counterSteps() },
    { group: "conditional writes", steps: lwtSteps() },
    { group: "batches", steps: batchSteps() },
    { group: "batches at one timestamp", steps: batchTieSteps() },
    { group: "deletes", steps: deleteSteps() },
    { group: "clustering order of types", steps: orderSteps() },
    { group: "literals", steps: literalSteps() },
    { group: "a table of cassandra-stress's shape", steps: keyValueSteps() },
  ];
}

/**
 * Creates keyspace `ks` (dropping an old one), uses it, and runs every step of `groups`.
 *
 * @param client A connected client.
 * @param options The keyspace name, and the groups (every group by default).
 * @returns The answers by label.
 */
export async function runDataSteps(
  client: cassandra.Client,
  options: { ks: string; groups?: DataStepGroup[] },
): Promise<Record<string, unknown>> {
  const { ks } = options;
  await client.execute(`DROP KEYSPACE IF EXISTS ${ks}`);
  await client.execute(
    `CREATE KEYSPACE ${ks} WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}`,
  );
  await client.execute(`USE ${ks}`);
  const answers: Record<string, unknown> = {};
  for (const { steps } of options.groups ?? dataStepGroups()) {
    for (const step of steps) answers[step.label] = await step.run(client);
  }
  return answers;
}
