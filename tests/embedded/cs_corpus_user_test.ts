// The `user` lines of the public cassandra-stress corpus (tests/testdata/cs_corpus_good.json), run
// end to end against an embedded node with profiles of their names (tests/testdata/profiles/
// corpus/), durations scaled down as cs_corpus_e2e_test.ts scales them.
import assert from "node:assert/strict";
import { runAgainst, startNode } from "./_cql_run.ts";
import { checkUserLineRun, USER_LINES, userLineArgs, userLineProfiles } from "./_cs_corpus_user.ts";

Deno.test("cassandra-stress corpus: it has user lines, and each has its profile here", async () => {
  assert.ok(USER_LINES.length >= 5, `${USER_LINES.length} user lines`);
  for (const path of userLineProfiles()) await Deno.stat(path);
});

for (const line of USER_LINES) {
  Deno.test(`cassandra-stress corpus user line runs end to end: ${line}`, async () => {
    const dir = await Deno.makeTempDir({ prefix: "cs_corpus_user_" });
    const node = await startNode();
    try {
      const { args, nodeArgs } = await userLineArgs(line, dir, {
        host: "127.0.0.1",
        port: node.port,
      });
      await checkUserLineRun(args, await runAgainst(node, args, { nodeArgs }));
    } finally {
      await node.close();
      await Deno.remove(dir, { recursive: true });
    }
  });
}
