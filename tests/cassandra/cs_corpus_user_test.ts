// The `user` lines of the public cassandra-stress corpus against the real node, as
// tests/embedded/cs_corpus_user_test.ts runs them against the embedded one.
import { checkUserLineRun, USER_LINES, userLineArgs } from "../embedded/_cs_corpus_user.ts";
import { cassandraNodes, queryCassandra, runStress } from "./_cassandra_node.ts";

const { plain } = cassandraNodes();

for (const line of USER_LINES) {
  Deno.test(`real node: cassandra-stress corpus user line runs end to end: ${line}`, async () => {
    const dir = await Deno.makeTempDir({ prefix: "cs_corpus_user_" });
    try {
      const { args, nodeArgs } = await userLineArgs(line, dir, plain);
      await checkUserLineRun(args, await runStress(plain, [...args, ...nodeArgs]));
    } finally {
      await Deno.remove(dir, { recursive: true });
      // The keyspaces of tests/testdata/profiles/corpus/: each line starts from none.
      for (const keyspace of ["stresscql", "stress1ks", "rangeks"]) {
        await queryCassandra(plain, `DROP KEYSPACE IF EXISTS ${keyspace}`);
      }
    }
  });
}
