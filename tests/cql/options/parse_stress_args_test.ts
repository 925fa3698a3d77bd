import assert from "node:assert/strict";
import fc from "fast-check";
import { OptionError, UsageError, UserError } from "../../../lib/errors.ts";
import { parseStressArgs } from "../../../lib/cql/options/parse_stress_args.ts";
import { splitCommandLine } from "./_shell_words.ts";

interface GoodLine {
  source: string;
  line: string;
  expect: Record<string, unknown>;
}

interface BadLine {
  source: string;
  line: string;
  errorClass: "OptionError" | "UsageError";
  error: string;
}

const good: GoodLine[] = JSON.parse(
  Deno.readTextFileSync(new URL("../../testdata/cs_corpus_good.json", import.meta.url)),
);
const bad: BadLine[] = JSON.parse(
  Deno.readTextFileSync(new URL("../../testdata/cs_corpus_bad.json", import.meta.url)),
);

function pick(value: unknown, path: string): unknown {
  let current = value;
  for (const key of path.split(".")) {
    assert.ok(current !== null && typeof current === "object", `no field ${path}`);
    assert.ok(Object.hasOwn(current, key), `no field ${path}`);
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

Deno.test("parseStressArgs() corpus has enough public lines", () => {
  assert.ok(good.length >= 40, `${good.length} good lines`);
  assert.ok(bad.length >= 25, `${bad.length} bad lines`);
  for (const entry of [...good, ...bad]) assert.ok(entry.source.length > 0, entry.line);
});

Deno.test("parseStressArgs() parses every good corpus line field by field", async (t) => {
  for (const entry of good) {
    await t.step(entry.line, () => {
      const settings = parseStressArgs(splitCommandLine(entry.line));
      for (const [path, expected] of Object.entries(entry.expect)) {
        assert.deepEqual(pick(settings, path), expected, `${path} of ${entry.line}`);
      }
    });
  }
});

Deno.test("parseStressArgs() rejects every bad corpus line with its exact message", async (t) => {
  for (const entry of bad) {
    await t.step(entry.line, () => {
      const argv = splitCommandLine(entry.line);
      assert.throws(() => parseStressArgs(argv), (error: unknown) => {
        assert.ok(error instanceof OptionError || error instanceof UsageError);
        assert.equal(error.name, entry.errorClass);
        assert.equal(error.exitCode, 2);
        assert.equal(error.message, entry.error);
        if (error instanceof OptionError) {
          assert.ok(error.value.length > 0, "names the offending token");
          assert.ok(argv.join(" ").includes(error.value), `"${error.value}" is on the line`);
        }
        return true;
      });
    });
  }
});

Deno.test("parseStressArgs() resolves every default of a bare write", () => {
  const settings = parseStressArgs(["write"]);
  assert.deepEqual(settings.command.stop, {
    kind: "uncertainty",
    targetStderr: 0.02,
    minIntervals: 30,
    maxIntervals: 200,
  });
  assert.deepEqual(settings.rate, { kind: "auto", minThreads: 4, maxThreads: 1000, auto: true });
  assert.deepEqual(settings.population, {
    kind: "seq",
    min: 1,
    max: 1_000_000,
    wrap: true,
    readLookback: null,
    order: "ARBITRARY",
  });
  assert.deepEqual(settings.errors, {
    ignore: false,
    retries: 9,
    tries: 10,
    skipReadValidation: false,
    skipUnsupportedColumns: false,
    failFast: false,
    backoff: { policy: "constant", minDelayMs: 0, maxDelayMs: 20_000 },
  });
  assert.deepEqual(settings.log, {
    file: null,
    hdrFile: null,
    jsonFile: null,
    intervalMs: 1000,
    level: "normal",
    noSummary: false,
    noSettings: false,
    prometheus: null,
    web: null,
  });
  assert.deepEqual(settings.port, { nativePort: 9042, thriftPort: 9160, jmxPort: 7199 });
  assert.deepEqual(settings.schema, {
    keyspace: "keyspace1",
    replicationStrategy: "org.apache.cassandra.locator.NetworkTopologyStrategy",
    replicationOptions: { replication_factor: "1" },
    compression: null,
    compactionStrategy: null,
    compactionOptions: {},
  });
  assert.equal(settings.columns.countDistribution?.source, "FIXED(5)");
  assert.equal(settings.columns.sizeDistribution.source, "FIXED(34)");
  assert.equal(settings.mode.connectionsPerHost, null);
  assert.equal(settings.mode.prepared, true);
  assert.equal(settings.graph.operation, "WRITE");
  assert.equal(settings.dryRun, false);
});

Deno.test("parseStressArgs() uses auto mode for write n=0", () => {
  assert.equal(parseStressArgs(["write", "n=0"]).rate.kind, "auto");
  assert.equal(parseStressArgs(["write", "n=0"]).population.kind, "seq");
});

Deno.test("parseStressArgs() takes up to 100000 threads and refuses more, for every -rate thread count", async (t) => {
  const cases: [string, string, string][] = [
    ["threads=", "-rate threads", "write n=10 -rate threads=N"],
    ["threads>=", "-rate threads>", "read n=10 -rate threads>=N threads<=100000"],
    ["threads<=", "-rate threads<", "read n=10 -rate threads<=N"],
  ];
  for (const [key, option, line] of cases) {
    await t.step(key, () => {
      const rate = parseStressArgs(line.replace("N", "100000").split(" ")).rate;
      assert.ok(
        rate.kind === "threads" ? rate.threads === 100_000 : rate.maxThreads === 100_000,
        JSON.stringify(rate),
      );
      for (const n of ["100001", "10000000"]) {
        assert.throws(
          () => parseStressArgs(line.replace("N", n).split(" ")),
          (error: unknown) => {
            assert.ok(error instanceof OptionError, String(error));
            assert.equal(
              error.message,
              `Cannot parse option "${option}": "${n}" is out of range, expected a whole number from 1 to 100000`,
            );
            return true;
          },
        );
      }
    });
  }
});

Deno.test("parseStressArgs() turns --help and -h anywhere into help for the command", () => {
  assert.equal(parseStressArgs(["insert", "n=1", "--help"]).command.helpTopic, "write");
  assert.equal(parseStressArgs(["-h"]).command.helpTopic, null);
  assert.equal(parseStressArgs(["-?"]).command.type, "help");
  assert.equal(parseStressArgs(["help", "counterget"]).command.helpTopic, "counter_read");
  assert.equal(parseStressArgs(["help", "-RATE"]).command.helpTopic, "-rate");
});

Deno.test("parseStressArgs() rejects a help topic it does not know", () => {
  assert.throws(() => parseStressArgs(["help", "-bogus"]), OptionError);
  assert.throws(() => parseStressArgs(["help", "write", "read"]), OptionError);
});

Deno.test("parseStressArgs() rejects an empty line", () => {
  assert.throws(() => parseStressArgs([]), OptionError);
});

Deno.test("parseStressArgs() accepts the mode keywords of 1.6", () => {
  const mode = parseStressArgs([
    "read",
    "n=1",
    "-mode",
    "native cql3 unprepared compression=lz4 port=9046 user=u password=p auth-provider=A",
    "maxPending=128 connectionsPerHost=4 protocolVersion=4 requestTimeout=5000",
  ]).mode;
  assert.deepEqual(mode, {
    api: "JAVA_DRIVER_NATIVE",
    prepared: false,
    cqlVersion: "CQL3",
    protocolVersion: 4,
    compression: "lz4",
    port: 9046,
    user: "u",
    password: "p",
    authProvider: "A",
    maxPending: 128,
    connectionsPerHost: 4,
    requestTimeoutMs: 5000,
    client: "native",
  });
  const driver = parseStressArgs(["read", "n=1", "-mode", "native", "cql3", "client=driver"]).mode;
  assert.equal(driver.client, "driver");
  const simple = parseStressArgs(["read", "n=1", "-mode", "simplenative"]).mode;
  assert.equal(simple.api, "SIMPLE_NATIVE");
  assert.equal(simple.prepared, false);
});

Deno.test("parseStressArgs() takes -mode requestTimeout= up to what a timer can wait", () => {
  const mode = (timeout: string) =>
    parseStressArgs(["write", "n=1", "-mode", "native", "cql3", `requestTimeout=${timeout}`]).mode;
  assert.equal(mode("2147483647").requestTimeoutMs, 2_147_483_647);
  // Before, 2147483648 was taken, the driver's timer fired at once and the connect failed with
  // "did not reply before timeout 2147483648 ms".
  assert.throws(() => mode("2147483648"), (error: unknown) => {
    assert.ok(error instanceof OptionError);
    assert.equal(
      error.message,
      'Cannot parse option "-mode requestTimeout": "2147483648" is out of range, expected a whole number from 1 to 2147483647',
    );
    return true;
  });
});

Deno.test("parseStressArgs() takes -mode maxPending= up to the 32768 stream ids of a connection", () => {
  const mode = (max: string) =>
    parseStressArgs(["write", "n=1", "-mode", "native", "cql3", `maxPending=${max}`]).mode;
  assert.equal(mode("32768").maxPending, 32_768);
  // Before, 40000 was taken and every Worker failed at start with "maxInFlight 40000".
  assert.throws(() => mode("40000"), /"-mode maxPending": "40000" is out of range/);
});

Deno.test("parseStressArgs() keeps unknown replication keys and compaction options in order", () => {
  const schema = parseStressArgs([
    "write",
    "n=1",
    "-schema",
    "replication(strategy=NetworkTopologyStrategy,dc1=3,dc2=2)",
    "compaction(strategy=LeveledCompactionStrategy,sstable_size_in_mb=160)",
    "compression=LZ4Compressor",
  ]).schema;
  assert.equal(schema.replicationStrategy, "org.apache.cassandra.locator.NetworkTopologyStrategy");
  // The default strategy gets replication_factor=1 as well, as in the ScyllaDB fork: it covers the
  // data centers not named (Cassandra lets a named one override it).
  assert.deepEqual(schema.replicationOptions, { dc1: "3", dc2: "2", replication_factor: "1" });
  assert.equal(schema.compactionStrategy, "LeveledCompactionStrategy");
  assert.deepEqual(schema.compactionOptions, { sstable_size_in_mb: "160" });
  assert.equal(schema.compression, "LZ4Compressor");
});

function errorsOf(params: string): ReturnType<typeof parseStressArgs>["errors"] {
  return parseStressArgs(["write", "n=1", "-errors", ...params.split(" ")]).errors;
}

Deno.test("parseStressArgs() reads the Scylla fork's -errors options", () => {
  assert.deepEqual(
    errorsOf("retries=3 fail-fast ignore delay-policy=linear min-delay-ms=5 max-delay-ms=500"),
    {
      ignore: true,
      retries: 3,
      tries: 4,
      skipReadValidation: false,
      skipUnsupportedColumns: false,
      failFast: true,
      backoff: { policy: "linear", minDelayMs: 5, maxDelayMs: 500 },
    },
  );
  assert.deepEqual(errorsOf("DELAY-POLICY=Constant MIN-DELAY-MS=0").backoff, {
    policy: "constant",
    minDelayMs: 0,
    maxDelayMs: 20_000,
  });
  assert.deepEqual(errorsOf("delay-policy=exponential min-delay-ms=1 max-delay-ms=1").backoff, {
    policy: "exponential",
    minDelayMs: 1,
    maxDelayMs: 1,
  });
  assert.deepEqual(errorsOf("max-delay-ms=10").backoff, {
    policy: "constant",
    minDelayMs: 0,
    maxDelayMs: 10,
  });
  assert.deepEqual(errorsOf("min-delay-ms=50").backoff, {
    policy: "constant",
    minDelayMs: 50,
    maxDelayMs: 20_000,
  });
  assert.equal(errorsOf("skip-read-validation").failFast, false);
});

Deno.test("parseStressArgs() retries at once by default, as the Scylla fork does (constant, min-delay-ms=0)", () => {
  assert.deepEqual(errorsOf("retries=2 ignore").backoff, {
    policy: "constant",
    minDelayMs: 0,
    maxDelayMs: 20_000,
  });
  assert.deepEqual(errorsOf("min-delay-ms=0").backoff, {
    policy: "constant",
    minDelayMs: 0,
    maxDelayMs: 20_000,
  });
  assert.deepEqual(errorsOf("delay-policy=linear min-delay-ms=0").backoff, {
    policy: "linear",
    minDelayMs: 0,
    maxDelayMs: 20_000,
  });
});

Deno.test("parseStressArgs() rejects bad -errors back-off options with their messages", async (t) => {
  const cases: [string, string][] = [
    [
      "delay-policy=random",
      'Cannot parse option "-errors delay-policy": "random" is invalid, expected one of constant, linear, exponential',
    ],
    [
      "min-delay-ms=-5",
      'Cannot parse option "-errors min-delay-ms": "-5" is invalid, expected a whole number >= 0',
    ],
    [
      "max-delay-ms=1.5",
      'Cannot parse option "-errors max-delay-ms": "1.5" is invalid, expected a whole number >= 0',
    ],
    [
      "min-delay-ms=500 max-delay-ms=100",
      'Cannot parse option "-errors min-delay-ms": "500" is above max-delay-ms "100", expected a whole number <= 100, or a larger max-delay-ms',
    ],
    [
      "min-delay-ms=30000",
      'Cannot parse option "-errors min-delay-ms": "30000" is above max-delay-ms "20000", expected a whole number <= 20000, or a larger max-delay-ms',
    ],
    [
      "min-delay-ms=10 max-delay-ms=5",
      'Cannot parse option "-errors min-delay-ms": "10" is above max-delay-ms "5", expected a whole number <= 5, or a larger max-delay-ms',
    ],
    [
      "delay-policy=exponential",
      'Cannot parse option "-errors delay-policy": "exponential" never backs off from the default min-delay-ms "0", expected min-delay-ms=N with N >= 1 beside it, or no delay-policy to retry at once',
    ],
    [
      "delay-policy=exponential min-delay-ms=0",
      'Cannot parse option "-errors min-delay-ms": "0" never backs off with delay-policy=exponential, expected a whole number >= 1, or delay-policy=constant to retry at once',
    ],
    [
      "fail-fast fail-fast",
      'Cannot parse option "-errors fail-fast": "fail-fast" is given more than once, expected each sub-option at most once',
    ],
    [
      "fail-fast=true",
      'Cannot parse option "-errors": "fail-fast=true" is not a valid parameter, expected one of retries=..., ignore, fail-fast, skip-read-validation, skip-unsupported-columns, delay-policy=..., min-delay-ms=..., max-delay-ms=...',
    ],
  ];
  for (const [params, message] of cases) {
    await t.step(params, () => {
      assert.throws(() => errorsOf(params), (error: unknown) => {
        assert.ok(error instanceof OptionError);
        assert.equal(error.exitCode, 2);
        assert.equal(error.message, message);
        return true;
      });
    });
  }
});

Deno.test("parseStressArgs() keeps -errors back-off bounds ordered (property)", () => {
  const seed = 31337;
  fc.assert(
    fc.property(
      fc.option(fc.constantFrom("constant", "linear", "exponential"), { nil: undefined }),
      fc.option(fc.nat({ max: 50_000 }), { nil: undefined }),
      fc.option(fc.nat({ max: 50_000 }), { nil: undefined }),
      (policy, minMs, maxMs) => {
        const params = [
          policy === undefined ? "" : `delay-policy=${policy}`,
          minMs === undefined ? "" : `min-delay-ms=${minMs}`,
          maxMs === undefined ? "" : `max-delay-ms=${maxMs}`,
        ].filter((p) => p !== "");
        let backoff;
        try {
          backoff = parseStressArgs(["write", "n=1", "-errors", ...params]).errors.backoff;
        } catch (error) {
          assert.ok(error instanceof OptionError, String(error));
          return;
        }
        assert.ok(backoff.minDelayMs <= backoff.maxDelayMs);
        assert.equal(backoff.policy, policy ?? "constant");
        assert.equal(backoff.minDelayMs, minMs ?? 0);
        assert.equal(backoff.maxDelayMs, maxMs ?? 20_000);
        if (backoff.policy === "exponential") assert.ok(backoff.minDelayMs > 0);
      },
    ),
    { numRuns: 1000, seed },
  );
});

const TOKENS = [
  "write",
  "read",
  "mixed",
  "user",
  "help",
  "print",
  "version",
  "n=10",
  "n=1e6",
  "n=x",
  "duration=5m",
  "err<0.1",
  "cl=ONE",
  "-rate",
  "-pop",
  "-node",
  "-col",
  "-mode",
  "-log",
  "-schema",
  "threads=4",
  "threads>=2",
  "fixed=10/s",
  "throttle=1/s",
  "auto",
  "dist=uniform(1..9)",
  "seq=1..10",
  "size=FIXED(3)",
  "replication(factor=3)",
  "ratio(read=1)",
  "ops(insert=1)",
  "profile=a.yaml",
  "=",
  ",",
  "(",
  ")",
  "-",
  "--dry-run",
  "--help",
  "interval=5",
  "native",
  "dist=weibull(1..2,3)",
  "localhost",
  "a,b",
  "-sendto",
  "~",
  "..",
  "k",
  "1",
];

Deno.test("parseStressArgs() throws only UserError on random token arrays", () => {
  const seed = 20240611;
  fc.assert(
    fc.property(fc.array(fc.constantFrom(...TOKENS), { maxLength: 12 }), (argv) => {
      try {
        parseStressArgs(argv);
      } catch (error) {
        if (!(error instanceof UserError)) throw error;
        assert.equal(error.exitCode, 2);
      }
    }),
    { numRuns: 2000, seed },
  );
});

Deno.test("parseStressArgs() throws only UserError on random strings", () => {
  const seed = 777;
  fc.assert(
    fc.property(fc.array(fc.string({ maxLength: 12 }), { maxLength: 8 }), (argv) => {
      try {
        parseStressArgs(argv);
      } catch (error) {
        if (!(error instanceof UserError)) throw error;
      }
    }),
    { numRuns: 2000, seed },
  );
});
