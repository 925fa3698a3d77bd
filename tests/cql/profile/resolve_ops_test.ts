import assert from "node:assert/strict";
import { parseStressArgs } from "../../../lib/cql/options/parse_stress_args.ts";
import { parseProfile } from "../../../lib/cql/profile/parse_profile.ts";
import { resolveOps } from "../../../lib/cql/profile/resolve_ops.ts";
import type { StressProfile } from "../../../lib/cql/profile/stress_profile.ts";
import { UsageError } from "../../../lib/errors.ts";
import { readProfile } from "./_profiles.ts";

function opsOf(token: string): Record<string, number> {
  return { ...parseStressArgs(["user", "profile=x.yaml", token]).command.ops };
}

function profile(specName: string, queries: string[]): StressProfile {
  const lines = [`specname: ${specName}`, "keyspace: ks", `table: ${specName}_t`, "queries:"];
  for (const name of queries) lines.push(`  ${name}: {cql: SELECT * FROM t WHERE k = ?}`);
  if (queries.length === 0) lines[3] = "queries: {}";
  return parseProfile(lines.join("\n"), `${specName}.yaml`);
}

function errorOf(ops: Record<string, number>, profiles: StressProfile[]): string {
  try {
    resolveOps(ops, profiles);
  } catch (error) {
    assert.ok(error instanceof UsageError);
    return error.message;
  }
  throw new Error("resolveOps did not throw");
}

Deno.test("resolveOps() resolves the Apache docs' single-profile line", () => {
  const example = profile("ex", ["latest_event", "events"]);
  const ops = resolveOps(opsOf("ops(insert=1,latest_event=1,events=1)"), [example]);
  assert.deepEqual(ops.map((op) => [op.name, op.kind, op.weight, op.profileIndex]), [
    ["insert", "insert", 1, 0],
    ["latest_event", "query", 1, 0],
    ["events", "query", 1, 0],
  ]);
  const events = ops[2];
  assert.ok(events.kind === "query");
  assert.equal(events.query, example.queries[1]);
});

Deno.test("resolveOps() resolves spec-qualified names across profiles", () => {
  const ex1 = profile("ex1", ["latest_event"]);
  const ex2 = profile("ex2", []);
  const simple = resolveOps(opsOf("ops(ex1.insert=1,ex2.insert=2)"), [ex1, ex2]);
  assert.deepEqual(simple.map((op) => [op.name, op.kind, op.weight, op.profileIndex]), [
    ["ex1.insert", "insert", 1, 0],
    ["ex2.insert", "insert", 2, 1],
  ]);
  const docs = resolveOps(opsOf("ops(ex1.insert=1,ex1.latest_event=1,ex2.insert=2)"), [ex1, ex2]);
  assert.deepEqual(docs.map((op) => [op.kind, op.profileIndex]), [
    ["insert", 0],
    ["query", 0],
    ["insert", 1],
  ]);
});

Deno.test("resolveOps() splits at the last dot, and a name without one means the first profile", async () => {
  const a = await readProfile("spec_a.yaml");
  const b = await readProfile("spec_b.yaml");
  const ops = resolveOps(
    opsOf("ops(alpha_workload.insert=1,multi.beta.insert=1,multi.beta.scan_one=2,read=3)"),
    [a, b],
  );
  assert.deepEqual(ops.map((op) => [op.kind, op.profileIndex]), [
    ["insert", 0],
    ["insert", 1],
    ["query", 1],
    ["query", 0],
  ]);
  const read = ops[3];
  assert.ok(read.kind === "query");
  assert.equal(read.query.cql, "SELECT * FROM alpha WHERE id = ?");
  assert.equal(
    errorOf({ "multi.gamma.insert": 1 }, [a, b]),
    'Cannot resolve op "multi.gamma.insert" in ops(...): Op name multi.gamma.insert contains an ' +
      "invalid profile specname: multi.gamma",
  );
  assert.equal(
    errorOf({ "alpha_workload.": 1 }, [a, b]),
    'Cannot resolve op "alpha_workload." in ops(...): No query defined with name alpha_workload.',
  );
  assert.equal(
    errorOf({ ".insert": 1 }, [a, b]),
    'Cannot resolve op ".insert" in ops(...): No query defined with name .insert',
  );
});

Deno.test("resolveOps() takes insert and validate in any case, shadowing queries of that name", () => {
  const shadow = profile("s", ["insert", "validate", "read"]);
  const ops = resolveOps({ INSERT: 1, Validate: 2, "s.insert": 3, "s.VALIDATE": 4 }, [shadow]);
  assert.deepEqual(ops.map((op) => op.kind), ["insert", "validate", "insert", "validate"]);
  assert.deepEqual(ops.map((op) => op.name), ["INSERT", "Validate", "s.insert", "s.VALIDATE"]);
});

Deno.test("resolveOps() matches token range queries exactly and queries in lower case", async () => {
  const scans = await readProfile("token_ranges.yaml");
  const ops = resolveOps({ NamesOnly: 1, all_columns: 1, BYID: 1 }, [scans]);
  assert.deepEqual(ops.map((op) => op.kind), ["token_range", "token_range", "query"]);
  const names = ops[0];
  assert.ok(names.kind === "token_range");
  assert.equal(names.query.pageSize, 500);
  assert.equal(
    errorOf({ namesonly: 1 }, [scans]),
    'Cannot resolve op "namesonly" in ops(...): No query defined with name namesonly',
  );
  assert.equal(
    errorOf({ "scanks.items.ALL_COLUMNS": 1 }, [scans]),
    'Cannot resolve op "scanks.items.ALL_COLUMNS" in ops(...): No query defined with name all_columns',
  );
});

Deno.test("resolveOps() cannot reach a query whose YAML name has upper case, as cassandra-stress", async () => {
  const legacy = await readProfile("legacy.yaml");
  assert.equal(resolveOps({ BYNAME: 1 }, [legacy])[0].kind, "query");
  const unreachable = "No query defined with name readbyuser (cassandra-stress looks query names " +
    'up in lower case, so the query "readByUser" of "legacy.yaml" cannot be run: rename it in ' +
    "lower case)";
  assert.equal(
    errorOf(opsOf("ops(readByUser=1)"), [legacy]),
    `Cannot resolve op "readByUser" in ops(...): ${unreachable}`,
  );
  assert.equal(
    errorOf({ "legacy.readbyuser": 1 }, [legacy]),
    `Cannot resolve op "legacy.readbyuser" in ops(...): ${unreachable}`,
  );
  assert.equal(
    errorOf({ nothing: 1 }, [legacy]),
    'Cannot resolve op "nothing" in ops(...): No query defined with name nothing',
  );
});

Deno.test("resolveOps() refuses two profiles with one specname", () => {
  const first = profile("same", []);
  const second = parseProfile("specname: same\nkeyspace: k2\ntable: t2\nqueries: {}", "other.yaml");
  assert.equal(
    errorOf({ insert: 1 }, [first, second]),
    'Cannot load profile "other.yaml": specname "same" is also the specname of "same.yaml": ' +
      "Must only specify a singe YAML file per table (including keyspace qualifier).",
  );
  assert.equal(
    errorOf({ insert: 1 }, []),
    'Cannot resolve op "insert" in ops(...): Op name insert contains an invalid profile specname: null',
  );
});
