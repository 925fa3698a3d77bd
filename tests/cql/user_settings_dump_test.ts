// The fork prints a `user` profile as the end of its settings dump: after the TokenRange lines
// one blank line, the two Profile headers, the profiles, each profile's `Generating batches`
// line (it connects and creates the schema to compute it), then the dump's closing blank line.
// With `-log no-settings` it prints none of that: the schema is created later, without the
// batch line.
import assert from "node:assert/strict";
import { runAgainst } from "../embedded/_cql_run.ts";

const PROFILE = new URL("../testdata/profiles/keyvalue.yaml", import.meta.url).pathname;

/** A key-value profile's `user` run against the embedded node, with `extra` appended. */
function run(extra: readonly string[]) {
  const args = ["user", `profile=${PROFILE}`, "ops(insert=1)", "n=20", "-rate", "threads=1"];
  return runAgainst(null, [...args, "-node", "embedded", ...extra]);
}

Deno.test("user: the profile block ends the settings dump, with one blank line before and after", async () => {
  const { code, out, err } = await run([]);
  assert.equal(code, 0, [...out, ...err].join("\n"));
  const split = out.indexOf("  Split Factor: 1");
  assert.deepEqual(out.slice(split + 1, split + 4), [
    "",
    "******************** Profile ********************",
    "******************** Profile(s) ********************",
  ]);
  const batch = out.findIndex((line) => line.startsWith("Generating batches with "));
  assert.ok(batch > split, out.join("\n"));
  assert.deepEqual(out.slice(batch + 1, batch + 3), ["", "Sleeping 2s..."]);
});

Deno.test("user: -log no-settings prints no profile block and no batch line", async () => {
  const { code, out, err } = await run(["-log", "no-settings"]);
  assert.equal(code, 0, [...out, ...err].join("\n"));
  assert.ok(!out.some((line) => line.includes("Profile")), out.join("\n"));
  assert.ok(!out.some((line) => line.startsWith("Generating batches")), out.join("\n"));
  const created = out.indexOf("Created schema. Sleeping 1s for propagation.");
  assert.ok(created >= 0, out.join("\n"));
  assert.equal(out[created + 1], "Sleeping 2s...");
});
