// The `validate` op's end-to-end check, shared by the embedded node's test
// (tests/embedded/user_validate_test.ts) and the real node's (tests/cassandra/user_validate_test.ts):
// rows written by `insert` (in sorted order, which validate regenerates) validate with no error;
// partitions never written fail with "Data returned was not validated".
import assert from "node:assert/strict";

/** What a run printed. */
export interface ValidateRunOutput {
  code: number;
  out: string[];
  err: string[];
}

const PROFILE = new URL("../testdata/profiles/validate.yaml", import.meta.url);

/** The number after `label :` in the Results block. */
function total(out: readonly string[], label: string): number {
  const line = out.find((l) => l.startsWith(label)) ?? "";
  return Number(/:\s+([\d,]+)/.exec(line)?.[1].replaceAll(",", "") ?? NaN);
}

/**
 * Runs the check: `run` runs one stress line against the node under test; `keyspace` is the
 * keyspace the profile is renamed to.
 */
export async function checkValidate(
  run: (args: string[]) => Promise<ValidateRunOutput>,
  keyspace: string,
): Promise<void> {
  const path = await Deno.makeTempFile({ prefix: "stress_validate_", suffix: ".yaml" });
  try {
    const text = await Deno.readTextFile(PROFILE);
    await Deno.writeTextFile(path, text.replaceAll("valks", keyspace));
    const user = ["user", `profile=${path}`];
    const common = ["-rate", "threads=4", "-log", "interval=500ms"];
    const insert = await run([
      ...[...user, "ops(insert=1)", "n=200", "no-warmup", "-pop", "seq=1..200", "contents=sorted"],
      ...common,
    ]);
    assert.equal(insert.code, 0, [...insert.out, ...insert.err].join("\n"));
    const good = await run([...user, "ops(validate=1)", "n=400", "-pop", "seq=1..200", ...common]);
    const goodText = [...good.out, ...good.err].join("\n");
    assert.equal(good.code, 0, goodText);
    assert.equal(total(good.out, "Total errors"), 0, goodText);
    assert.ok(total(good.out, "Total partitions") > 100, goodText);
    assert.match(good.out.find((l) => l.startsWith("Row rate")) ?? "", /validate: [1-9]/);
    // Control: partitions never written are regenerated and found missing.
    const bad = await run([
      ...[...user, "ops(validate=1)", "n=60", "no-warmup", "-pop", "seq=1001..1060"],
      ...["-errors", "ignore", ...common],
    ]);
    const badText = [...bad.out, ...bad.err].join("\n");
    assert.ok(total(bad.out, "Total errors") >= 20, badText);
    assert.match(badText, /Data returned was not validated/);
  } finally {
    await Deno.remove(path);
  }
}
