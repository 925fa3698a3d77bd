import assert from "node:assert/strict";
import { formatDistribution } from "../../lib/units/format_distribution.ts";
import { parseDistribution } from "../../lib/units/parse_distribution.ts";

Deno.test("formatDistribution() writes the canonical form of each kind", () => {
  const cases: Array<[string, string]> = [
    ["FIXED(34)", "fixed(34)"],
    ["uniform(1..1M)", "uniform(1..1000000)"],
    ["gauss(1..7)", "gaussian(1..7,4,1)"],
    ["~EXP(1..10)", "~exp(1..10)"],
    ["extr(1..10,1.5)", "extreme(1..10,1.5)"],
    ["qextr(1..10,2,4)", "qextreme(1..10,2,4)"],
    ["seq(1..5)", "seq(1..5)"],
  ];
  for (const [text, expected] of cases) {
    assert.equal(formatDistribution(parseDistribution(text)), expected);
  }
});
