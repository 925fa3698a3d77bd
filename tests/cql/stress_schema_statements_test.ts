import assert from "node:assert/strict";
import { parseStressArgs } from "../../lib/cql/options/parse_stress_args.ts";
import { stressSchemaStatements } from "../../lib/cql/stress_schema_statements.ts";

function statementsOf(line: string): string[] {
  const settings = parseStressArgs(line.split(" "));
  return stressSchemaStatements(settings.schema, settings.columns.columnNames);
}

Deno.test("stressSchemaStatements() gives an empty replication map replication_factor 1, as cassandra-stress", () => {
  // SimpleStrategy without factor=: the settings dump shows `{}`, and Cassandra refuses a
  // SimpleStrategy keyspace without replication_factor; cassandra-stress adds it to the DDL.
  const [keyspace] = statementsOf("write n=10 -schema replication(strategy=SimpleStrategy)");
  assert.equal(
    keyspace,
    `CREATE KEYSPACE IF NOT EXISTS "keyspace1" WITH replication = {'class': ` +
      `'org.apache.cassandra.locator.SimpleStrategy', 'replication_factor': '1'} ` +
      "AND durable_writes = true;",
  );
});

Deno.test("stressSchemaStatements() writes the -schema replication, compaction and compression", () => {
  const [keyspace, standard, counter] = statementsOf(
    "write n=10 -col n=fixed(2) -schema keyspace=ks2 " +
      "replication(strategy=NetworkTopologyStrategy,datacenter1=3) " +
      "compaction(strategy=LeveledCompactionStrategy,sstable_size_in_mb=10) compression=LZ4Compressor",
  );
  assert.equal(
    keyspace,
    `CREATE KEYSPACE IF NOT EXISTS "ks2" WITH replication = {'class': ` +
      `'org.apache.cassandra.locator.NetworkTopologyStrategy', 'datacenter1' : '3', ` +
      "'replication_factor' : '1'} AND durable_writes = true;",
  );
  const options = "WITH compression = {'class' : 'LZ4Compressor'} AND compaction = " +
    "{ 'class' : 'LeveledCompactionStrategy', 'sstable_size_in_mb' : '10'};";
  assert.equal(
    standard,
    `CREATE TABLE IF NOT EXISTS "ks2".standard1 (key blob PRIMARY KEY \n, "C0" blob\n, ` +
      `"C1" blob) ${options}`,
  );
  assert.equal(
    counter,
    `CREATE TABLE IF NOT EXISTS "ks2".counter1 (key blob PRIMARY KEY,\n, "C0" counter\n, ` +
      `"C1" counter) ${options}`,
  );
  const [plain] = statementsOf("write n=10");
  assert.match(
    plain,
    /\{'class': 'org\.apache\.cassandra\.locator\.NetworkTopologyStrategy', 'replication_factor' : '1'\}/,
  );
});
