import assert from "node:assert/strict";
import fc from "fast-check";
import { main } from "../../main.ts";
import { BufferedIo } from "../../lib/cli/command_io.ts";
import { parseStressArgs } from "../../lib/cql/options/parse_stress_args.ts";
import {
  parseShard,
  refuseUnsplit,
  shardSlice,
  splitsWork,
  takeShardFlags,
} from "../../lib/units/shard.ts";
import { shardStressSettings } from "../../lib/cql/shard_stress_settings.ts";

Deno.test("shardSlice() parts are disjoint, in order, cover every item and differ by at most one", () => {
  const seed = 20261121;
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 1e9 }), fc.integer({ min: 1, max: 500 }), (total, n) => {
      let next = 0;
      const sizes: number[] = [];
      for (let index = 0; index < n; index++) {
        const { start, count } = shardSlice(total, { index, count: n });
        assert.equal(start, next);
        next = start + count;
        sizes.push(count);
      }
      assert.equal(next, total);
      assert.ok(Math.max(...sizes) - Math.min(...sizes) <= 1);
    }),
    { numRuns: 300, seed },
  );
});

Deno.test("shardStressSettings() splits seeds, n and rates so the shards add up to the workload", () => {
  const all = parseStressArgs(["write", "n=1000", "-rate", "threads=8", "throttle=999/s"]);
  const seeds = new Set<number>();
  let n = 0;
  let rate = 0;
  for (let index = 0; index < 7; index++) {
    const part = shardStressSettings(all, { index, count: 7 });
    assert.ok(part.population.kind === "seq" && part.rate.kind === "threads");
    for (let seed = part.population.min; seed <= part.population.max; seed++) {
      assert.ok(!seeds.has(seed), `seed ${seed} twice`);
      seeds.add(seed);
    }
    assert.equal(
      part.command.stop.kind === "count" && part.command.stop.n,
      part.population.max - part.population.min + 1,
    );
    n += part.command.stop.kind === "count" ? part.command.stop.n : 0;
    rate += part.rate.throttleOpsPerSec;
    assert.equal(part.rate.threads, 8); // threads are per loader
  }
  assert.equal(seeds.size, 1000);
  assert.equal(Math.min(...seeds), 1);
  assert.equal(Math.max(...seeds), 1000);
  assert.equal(n, 1000);
  assert.ok(Math.abs(rate - 999) < 1e-9);
});

Deno.test("shardStressSettings() with n below the seq range splits the n seeds the whole run visits", () => {
  // read n=300 -pop seq=1..900 visits seeds 1..300: so do its three shards between them.
  const all = parseStressArgs(["read", "n=300", "-pop", "seq=1..900"]);
  const parts = [0, 1, 2].map((index) => shardStressSettings(all, { index, count: 3 }));
  assert.deepEqual(
    parts.map((p) => [
      p.population.kind === "seq" ? [p.population.min, p.population.max] : null,
      p.command.stop.kind === "count" ? p.command.stop.n : null,
    ]),
    [[[1, 100], 100], [[101, 200], 100], [[201, 300], 100]],
  );
  // A count above the range wraps it: each shard cycles through its third of the seeds.
  const wrapping = parseStressArgs(["read", "n=1800", "-pop", "seq=1..900"]);
  const last = shardStressSettings(wrapping, { index: 2, count: 3 });
  assert.ok(last.population.kind === "seq");
  assert.deepEqual([last.population.min, last.population.max], [601, 900]);
});

Deno.test("shardStressSettings() leaves a dist population and a duration whole", () => {
  const all = parseStressArgs(["read", "duration=10s", "-pop", "dist=gaussian(1..100)"]);
  const part = shardStressSettings(all, { index: 1, count: 4 });
  assert.deepEqual(part.population, all.population);
  assert.deepEqual(part.command.stop, all.command.stop);
  assert.equal(shardStressSettings(all, { index: 0, count: 1 }), all);
  assert.throws(
    () => shardStressSettings(parseStressArgs(["write", "n=3"]), { index: 0, count: 4 }),
    /at least one seed per shard/,
  );
});

Deno.test("parseShard() and takeShardFlags() reject what is not a shard", () => {
  for (const bad of ["", "1", "1/0", "3/3", "-1/3", "a/b", "1/2/3"]) {
    assert.throws(() => parseShard(bad), /expected I\/N/, bad);
  }
  assert.throws(() => takeShardFlags(["write", "--shard"], {}), /--shard/);
  assert.throws(() => takeShardFlags(["write", "--shards", "4"], {}), /JOB_COMPLETION_INDEX/);
  assert.throws(
    () => takeShardFlags(["write", "--shards", "4"], { JOB_COMPLETION_INDEX: "4" }),
    /JOB_COMPLETION_INDEX/,
  );
  assert.throws(
    () => takeShardFlags(["write", "--shard", "0/2", "--shards", "2"], {}),
    /not both/,
  );
});

Deno.test("main() --shard: a dry run shows the shard's part; commands that cannot split refuse it", async () => {
  const io = new BufferedIo();
  assert.equal(
    await main(["write", "n=100", "--shard", "1/4", "--dry-run"], {
      io,
      signal: new AbortController().signal,
    }),
    0,
  );
  assert.equal(io.stdout[0], "Shard 1/4: n=25, seeds 26..50");
  assert.ok(io.stdout.some((l) => /Population:.*26\.\.50|26\.\.50/.test(l)), io.stdout.join("\n"));

  const kube = new BufferedIo();
  assert.equal(
    await main(["write", "n=100", "--shards", "4", "--dry-run"], {
      io: kube,
      signal: new AbortController().signal,
      env: { JOB_COMPLETION_INDEX: "3" },
    }),
    0,
  );
  assert.equal(kube.stdout[0], "Shard 3/4: n=25, seeds 76..100");

  for (
    const args of [["simulate", "1"], ["serve"], ["checkout", "consistency"], ["disk", "report"]]
  ) {
    const refused = new BufferedIo();
    const code = await main([...args, "--shard", "0/2"], {
      io: refused,
      signal: new AbortController().signal,
    });
    assert.equal(code, 2, args.join(" "));
    assert.match(refused.stderr[0], /^error: Cannot use --shard with "/);
  }
});

Deno.test("refuseUnsplit() and splitsWork() agree: every command either splits or refuses a shard", () => {
  const shard = { index: 0, count: 2 };
  const splitting = [
    ["write"],
    ["READ"],
    ["counter_add"],
    ["user", "profile=p.yaml"],
    ["query", "run"],
    ["checkout", "load"],
  ];
  for (const args of splitting) {
    assert.equal(splitsWork(args), true, args.join(" "));
    refuseUnsplit(args, shard);
  }
  const refused: [string[], string][] = [
    [["simulate", "1"], "simulate"],
    [["analyze", "2", "--", "write"], "analyze"],
    [["compare", "a", "b"], "compare"],
    [["merge", "a"], "merge"],
    [["serve"], "serve"],
    [["disk", "server"], "disk server"],
    [["disk", "client"], "disk client"],
    [["disk", "report"], "disk report"],
    [["checkout", "consistency"], "checkout consistency"],
    [["query", "setup"], "query setup"],
  ];
  for (const [args, name] of refused) {
    assert.equal(splitsWork(args), false, args.join(" "));
    assert.throws(
      () => refuseUnsplit(args, shard),
      (e: Error) => e.message.startsWith(`Cannot use --shard with "${name}": `),
      args.join(" "),
    );
    refuseUnsplit(args, null);
  }
  // No work to split, or not a command at all: left to the command line to answer.
  for (const args of [["help"], ["print"], ["version"], ["bogus"], ["disk", "bogus"], []]) {
    assert.equal(splitsWork(args), false, args.join(" "));
    refuseUnsplit(args, shard);
  }
});

Deno.test("-log json= of a shard records it; the settings are the shard's part", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const run = async (extra: string[]) => {
      const io = new BufferedIo();
      const file = `${dir}/run${extra.length}.json`;
      const code = await main([
        "write",
        "n=100",
        "no-warmup",
        "-rate",
        "threads=2",
        "-node",
        "synthetic:fixed(10)",
        "-log",
        `json=${file}`,
        ...extra,
      ], { io, signal: new AbortController().signal });
      assert.equal(code, 0, io.stderr.join("\n"));
      return JSON.parse(await Deno.readTextFile(file));
    };
    const whole = await run([]);
    assert.equal(whole.shard, null);
    assert.equal(whole.total.ops, 100);
    const part = await run(["--shard", "1/4"]);
    assert.deepEqual(part.shard, { index: 1, count: 4 });
    assert.equal(part.total.ops, 25);
    assert.equal(part.settings.command.stop.n, 25, JSON.stringify(part.settings.command));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("takeShardFlags() refuses --shard or --shards given twice", () => {
  assert.throws(
    () => takeShardFlags(["write", "--shard", "1/3", "--shard=2/3"], {}),
    /"--shard": "2\/3" is given twice/,
  );
  assert.throws(() => takeShardFlags(["--shards", "3", "--shards", "4"], {}), /given twice/);
});
