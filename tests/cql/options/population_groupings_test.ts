// cassandra-stress picks a -pop grouping: seq= is required by the one that takes no-wrap and
// read-lookback=, the dist= one has a default (gaussian(1..N)). So a -pop group without seq=
// or dist= is the dist grouping, for every command, and no-wrap or read-lookback= without
// seq= fits no grouping ("Invalid -pop options provided").
import assert from "node:assert/strict";
import { OptionError } from "../../../lib/errors.ts";
import { parseStressArgs } from "../../../lib/cql/options/parse_stress_args.ts";

function population(line: string) {
  return parseStressArgs(line.split(" ")).population;
}

Deno.test("parseStressArgs() -pop without seq= or dist= draws from gaussian(1..N), for write too", () => {
  for (const line of ["write n=100 -pop contents=sorted", "read n=100 -pop", "write n=100 -pop"]) {
    const pop = population(line);
    assert.equal(pop.kind, "dist", line);
    assert.ok(pop.kind === "dist");
    assert.deepEqual(
      { kind: pop.distribution.kind, source: pop.distribution.source },
      { kind: "gaussian", source: "gaussian(1..100)" },
      line,
    );
  }
  assert.equal(population("write n=100 -pop contents=sorted").order, "SORTED");
  assert.equal(population("user profile=p.yaml ops(insert=1) -pop contents=shuffled").kind, "dist");
  // Without -pop the command's default stays: seq=1..N for write.
  assert.equal(population("write n=100").kind, "seq");
});

Deno.test("parseStressArgs() -pop no-wrap or read-lookback= without seq= is refused, naming it", () => {
  for (
    const [line, token] of [
      ["write n=100 -pop no-wrap", "no-wrap"],
      [
        "read n=100 -pop read-lookback=uniform(1..10) contents=sorted",
        "read-lookback=uniform(1..10)",
      ],
    ]
  ) {
    assert.throws(() => parseStressArgs(line.split(" ")), (error) => {
      assert.ok(error instanceof OptionError, String(error));
      assert.match(error.message, /needs seq=LO\.\.HI/);
      assert.ok(error.message.includes(`"${token}"`), error.message);
      return true;
    });
  }
  const pop = population("write n=100 -pop seq=1..10 no-wrap contents=sorted");
  assert.deepEqual(pop.kind === "seq" && [pop.min, pop.max, pop.wrap, pop.order], [
    1,
    10,
    false,
    "SORTED",
  ]);
});
