// Private helper: parses -rate, -pop, -insert and -col.
import { OptionError, UsageError } from "../../errors.ts";
import type { DistributionSpec } from "../../units/distribution_spec.ts";
import { parseCount } from "../../units/parse_count.ts";
import { parseDistribution, parseRatioDistribution } from "../../units/parse_distribution.ts";
import { parseRate } from "../../units/parse_rate.ts";
import type {
  ColumnSettings,
  CommandSettings,
  InsertSettings,
  PopulationOrder,
  PopulationSettings,
  RateSettings,
} from "./stress_settings.ts";
import { matchSubOptions, nonEmpty, parseChoice, parseOptionInteger } from "./_suboptions.ts";

const THREAD_KEYS = ["threads=", "throttle=", "fixed=", "limit="];

/**
 * The most threads `-rate` accepts (`threads=`, `threads>=`, `threads<=`). Each thread is an op
 * loop with its request in flight: 100,000 already hold 200 to 600 MB (`write n=10` on the
 * synthetic target, `n=200000` on the embedded node), and are 100 times the auto search's
 * default top (1000) and more OS threads than the JVM's cassandra-stress starts in practice. Far
 * above it a run only exhausts the memory (`threads=10000000`: minutes and gigabytes before
 * the first op).
 */
const MAX_THREADS = 100_000;
const AUTO_KEYS = ["threads>=", "threads<=", "auto"];

/** Parses `-rate`, or resolves its command-dependent default. */
export function parseRateGroup(
  params: readonly string[] | undefined,
  command: CommandSettings,
): RateSettings {
  if (params === undefined) {
    const updates = command.type === "write" || command.type === "counter_write";
    if (updates && command.stop.kind === "count" && command.stop.n > 0) {
      return { kind: "threads", threads: 200, throttleOpsPerSec: 0, fixedOpsPerSec: 0 };
    }
    return { kind: "auto", minThreads: 4, maxThreads: 1000, auto: true };
  }
  const found = matchSubOptions("-rate", params, [...AUTO_KEYS, ...THREAD_KEYS]);
  const threadTokens = THREAD_KEYS.map((key) => found.get(key)).filter((m) => m !== undefined);
  const autoTokens = AUTO_KEYS.map((key) => found.get(key)).filter((m) => m !== undefined);
  if (threadTokens.length > 0 && autoTokens.length > 0) {
    throw new OptionError({
      option: "-rate",
      value: autoTokens[0].token,
      problem: `cannot be combined with "${threadTokens[0].token}"`,
      expected: "threads=N [throttle=R/s|fixed=R/s] or [threads>=N] [threads<=N] [auto]",
    });
  }
  if (threadTokens.length > 0) {
    const threads = found.get("threads=");
    if (threads === undefined) {
      throw new OptionError({
        option: "-rate threads",
        value: threadTokens[0].token,
        problem: "needs threads=N",
        expected: "threads=N with throttle=, fixed= or limit=",
      });
    }
    const throttle = found.get("throttle=");
    const limit = found.get("limit=");
    if (throttle !== undefined && limit !== undefined) {
      throw new OptionError({
        option: "-rate throttle",
        value: limit.token,
        problem: `cannot be combined with "${throttle.token}"`,
        expected: "one of throttle= or its old name limit=",
      });
    }
    const throttleText = throttle ?? limit;
    const throttleOpsPerSec = throttleText === undefined
      ? 0
      : parseRate(throttleText.value, throttle !== undefined ? "-rate throttle" : "-rate limit");
    const fixed = found.get("fixed=");
    const fixedOpsPerSec = fixed === undefined ? 0 : parseRate(fixed.value, "-rate fixed");
    if (throttleOpsPerSec > 0 && fixedOpsPerSec > 0) {
      throw new UsageError(
        `Cannot use -rate "${fixed?.token}": throttle and fixed are both set, expected one of them`,
      );
    }
    return {
      kind: "threads",
      threads: parseOptionInteger("-rate threads", threads.value, { min: 1, max: MAX_THREADS }),
      throttleOpsPerSec,
      fixedOpsPerSec,
    };
  }
  const min = found.get("threads>=");
  const max = found.get("threads<=");
  const minThreads = min === undefined
    ? 4
    : parseOptionInteger("-rate threads>", min.value, { min: 1, max: MAX_THREADS });
  const maxThreads = max === undefined
    ? 1000
    : parseOptionInteger("-rate threads<", max.value, { min: 1, max: MAX_THREADS });
  if (minThreads > maxThreads) {
    throw new OptionError({
      option: "-rate threads<",
      value: max?.token ?? "threads<=1000",
      problem: `is below threads>=${minThreads}`,
      expected: "threads<= at least threads>=",
    });
  }
  return { kind: "auto", minThreads, maxThreads, auto: found.has("auto") };
}

const ORDERS: Readonly<Record<string, PopulationOrder>> = {
  sorted: "SORTED",
  shuffled: "SHUFFLED",
};

/** Parses `-pop`, or resolves its command-dependent default. */
export function parsePopulationGroup(
  params: readonly string[] | undefined,
  command: CommandSettings,
): PopulationSettings {
  const limit = command.stop.kind === "count" && command.stop.n > 0 ? command.stop.n : 1_000_000;
  if (params === undefined) {
    const opNames = Object.keys(command.ops);
    const insertOnly = command.type === "user" && opNames.length === 1 && opNames[0] === "insert";
    if (command.type === "write" || command.type === "counter_write" || insertOnly) {
      return {
        kind: "seq",
        min: 1,
        max: limit,
        wrap: true,
        readLookback: null,
        order: "ARBITRARY",
      };
    }
    return {
      kind: "dist",
      distribution: parseDistribution(`gaussian(1..${limit})`, "-pop dist"),
      order: "ARBITRARY",
    };
  }
  const found = matchSubOptions("-pop", params, [
    "seq=",
    "no-wrap",
    "read-lookback=",
    "dist=",
    "contents=",
  ]);
  const contents = found.get("contents=");
  const order = contents === undefined
    ? "ARBITRARY"
    : ORDERS[parseChoice("-pop contents", contents.value, ["sorted", "shuffled"]).toLowerCase()];
  const dist = found.get("dist=");
  const seqOnly = ["seq=", "no-wrap", "read-lookback="].map((key) => found.get(key))
    .filter((m) => m !== undefined);
  if (dist !== undefined) {
    if (seqOnly.length > 0) {
      throw new OptionError({
        option: "-pop",
        value: seqOnly[0].token,
        problem: `cannot be combined with "${dist.token}"`,
        expected: "seq=LO..HI [no-wrap] [read-lookback=DIST] or dist=DIST",
      });
    }
    return { kind: "dist", distribution: parseDistribution(dist.value, "-pop dist"), order };
  }
  const seq = found.get("seq=");
  if (seq === undefined) {
    // As cassandra-stress's groupings: seq= is required by the one that takes no-wrap and
    // read-lookback=; without seq= a -pop group is the dist= grouping, whose default holds
    // for every command (`-pop contents=sorted` draws from gaussian(1..N), even for write).
    if (seqOnly.length > 0) {
      throw new OptionError({
        option: "-pop",
        value: seqOnly[0].token,
        problem: "needs seq=LO..HI",
        expected: "seq=LO..HI [no-wrap] [read-lookback=DIST] or dist=DIST",
      });
    }
    return {
      kind: "dist",
      distribution: parseDistribution(`gaussian(1..${limit})`, "-pop dist"),
      order,
    };
  }
  const match = /^(\d+[kmb]?)\.\.+(\d+[kmb]?)$/i.exec(seq.value);
  if (match === null) {
    throw new OptionError({
      option: "-pop seq",
      value: seq.value,
      expected: "LO..HI such as 1..1M",
    });
  }
  const min = parseCount(match[1], "-pop seq");
  const max = parseCount(match[2], "-pop seq");
  if (min > max) {
    throw new OptionError({
      option: "-pop seq",
      value: seq.value,
      problem: "has LO > HI",
      expected: "LO..HI with LO <= HI",
    });
  }
  const lookback = found.get("read-lookback=");
  return {
    kind: "seq",
    min,
    max,
    wrap: !found.has("no-wrap"),
    readLookback: lookback === undefined
      ? null
      : parseDistribution(lookback.value, "-pop read-lookback"),
    order,
  };
}

/** Parses `-insert`. */
export function parseInsertGroup(params: readonly string[] | undefined): InsertSettings {
  const found = matchSubOptions("-insert", params ?? [], [
    "revisit=",
    "visits=",
    "partitions=",
    "batchtype=",
    "select-ratio=",
    "row-population-ratio=",
  ]);
  const partitions = found.get("partitions=");
  const batchType = found.get("batchtype=");
  const selectRatio = found.get("select-ratio=");
  return {
    revisit: parseDistribution(found.get("revisit=")?.value ?? "uniform(1..1M)", "-insert revisit"),
    visits: parseDistribution(found.get("visits=")?.value ?? "fixed(1)", "-insert visits"),
    partitions: partitions === undefined
      ? null
      : parseDistribution(partitions.value, "-insert partitions"),
    batchType: batchType === undefined ? null : parseChoice(
      "-insert batchtype",
      batchType.value,
      ["LOGGED", "UNLOGGED", "COUNTER"] as const,
    ),
    selectRatio: selectRatio === undefined
      ? null
      : parseRatioDistribution(selectRatio.value, "-insert select-ratio"),
    rowPopulationRatio: parseRatioDistribution(
      found.get("row-population-ratio=")?.value ?? "fixed(1)/1",
      "-insert row-population-ratio",
    ),
  };
}

function bounds(spec: DistributionSpec): { min: number; max: number } {
  return spec.kind === "fixed" ? { min: spec.value, max: spec.value } : spec;
}

/** Parses `-col`. */
export function parseColumnGroup(params: readonly string[] | undefined): ColumnSettings {
  const found = matchSubOptions("-col", params ?? [], [
    "n=",
    "names=",
    "size=",
    "slice",
    "super=",
    "comparator=",
    "timestamp=",
  ]);
  const count = found.get("n=");
  const namesGiven = found.get("names=");
  if (count !== undefined && namesGiven !== undefined) {
    throw new OptionError({
      option: "-col",
      value: namesGiven.token,
      problem: `cannot be combined with "${count.token}"`,
      expected: "one of n=DIST or names=a,b,c",
    });
  }
  const size = parseDistribution(found.get("size=")?.value ?? "FIXED(34)", "-col size");
  const timestamp = found.get("timestamp=");
  if (timestamp !== undefined) parseOptionInteger("-col timestamp", timestamp.value);
  const superColumns = found.get("super=");
  const comparator = found.get("comparator=");
  let names: string[] | null = null;
  let countDistribution: DistributionSpec | null = null;
  let columnNames: string[];
  let maxColumnsPerKey: number;
  let variableColumnCount = false;
  if (namesGiven !== undefined) {
    names = nonEmpty("-col names", namesGiven.value, "names=a,b,c").split(",");
    if (names.some((name) => name.length === 0)) {
      throw new OptionError({
        option: "-col names",
        value: namesGiven.value,
        problem: "has an empty name",
        expected: "names=a,b,c",
      });
    }
    columnNames = [...names].sort(compareBytewise);
    maxColumnsPerKey = names.length;
  } else {
    countDistribution = parseDistribution(count?.value ?? "FIXED(5)", "-col n");
    const { min, max } = bounds(countDistribution);
    if (min < 1 || max > 100_000) {
      throw new OptionError({
        option: "-col n",
        value: count?.value ?? "FIXED(5)",
        problem: "is out of range",
        expected: "a column count distribution between 1 and 100000",
      });
    }
    maxColumnsPerKey = max;
    variableColumnCount = min < max;
    columnNames = Array.from({ length: max }, (_, i) => `C${i}`).sort(compareBytewise);
  }
  return {
    countDistribution,
    names,
    columnNames,
    maxColumnsPerKey,
    variableColumnCount,
    sizeDistribution: size,
    slice: found.has("slice"),
    superColumns: superColumns === undefined
      ? 0
      : parseOptionInteger("-col super", superColumns.value),
    comparator: comparator === undefined
      ? "AsciiType"
      : parseChoice("-col comparator", comparator.value, ["AsciiType", "UTF8Type", "TimeUUIDType"]),
    timestamp: timestamp?.value ?? null,
  };
}

function compareBytewise(a: string, b: string): number {
  // deno-lint-ignore no-control-regex
  if (/^[\x00-\x7f]*$/.test(a + b)) return a < b ? -1 : a > b ? 1 : 0;
  const encoder = new TextEncoder();
  const x = encoder.encode(a);
  const y = encoder.encode(b);
  const n = Math.min(x.length, y.length);
  for (let i = 0; i < n; i++) {
    if (x[i] !== y[i]) return x[i] - y[i];
  }
  return x.length - y.length;
}
