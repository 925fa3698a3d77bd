// The built-in `validate` op against the embedded node (tests/embedded/_user_validate.ts).
import { runAgainst, startNode } from "./_cql_run.ts";
import { checkValidate } from "./_user_validate.ts";

Deno.test("user: validate reads back what insert wrote, value by value, and catches missing rows", async () => {
  const node = await startNode();
  try {
    await checkValidate((args) => runAgainst(node, args), "valks");
  } finally {
    await node.close();
  }
});
