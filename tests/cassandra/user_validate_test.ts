// The built-in `validate` op against the real node (tests/embedded/_user_validate.ts).
import { cassandraNodes, queryCassandra, runStress, uniqueKeyspace } from "./_cassandra_node.ts";
import { checkValidate } from "../embedded/_user_validate.ts";

const { plain } = cassandraNodes();

Deno.test("real node: user: validate reads back what insert wrote, and catches missing rows", async () => {
  const keyspace = uniqueKeyspace("val");
  try {
    await checkValidate((args) => runStress(plain, args), keyspace);
  } finally {
    await queryCassandra(plain, `DROP KEYSPACE IF EXISTS ${keyspace}`).catch(() => {});
  }
});
