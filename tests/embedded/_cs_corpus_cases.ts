// Test fixture: the public cassandra-stress command lines of tests/testdata/cs_corpus_good.json
// that the end-to-end tests run (against an embedded node in cs_corpus_e2e_test.ts, against a real
// Cassandra node in tests/cassandra/cs_corpus_test.ts), how each is scaled down, and what it must do.
import assert from "node:assert/strict";
import { splitCommandLine } from "../cql/options/_shell_words.ts";
import { readHdrLog } from "../../lib/report/read_hdr_log.ts";
import type { CqlServer } from "../../lib/cql_node/driver/cql_server.ts";
import { intervalRows, type RunOutput } from "./_cql_run.ts";

export interface GoodLine {
  source: string;
  line: string;
}

export const corpus: GoodLine[] = JSON.parse(
  Deno.readTextFileSync(new URL("../testdata/cs_corpus_good.json", import.meta.url)),
);

/** The largest count a scaled line uses, and the key range a large population shrinks to. */
export const CAP = 400;
/** Population ranges up to this are kept as written. */
const POP_KEEP_MAX = 1000;

/** What a scaled line must do. */
export interface Expect {
  /** Keyspace of the stress table. @default "keyspace1" */
  keyspace?: string;
  /** `standard1` or `counter1`. @default "standard1" */
  table?: "standard1" | "counter1";
  /** The keyspace's replication map as the node stores it. @default NetworkTopologyStrategy, factor 1 */
  replication?: Record<string, string>;
  /** Regular columns of the table as `name type`. @default C0..C4 blob */
  columns?: string[];
  /** Statement texts the run executed as prepared statements (kind execute). */
  executes: string[];
  /** Lines the settings dump (or the run) printed. */
  lines: string[];
  /** The run has no Results block (no-summary, --dry-run). @default false */
  noResults?: boolean;
  /** How many times each op is executed (every op failing and retried). @default 1 */
  triesPerOp?: number;
  /** Extra checks (files written, output); `node` is null against a real Cassandra node. */
  check?: (run: RunOutput, node: CqlServer | null, dir: string) => Promise<void> | void;
}

/** One corpus line, how it is scaled, and what it must do. */
export interface Case {
  /** The corpus line, exactly. */
  line: string;
  /** A command line run first (data for reads), with the same -col/-schema options. */
  prefill?: string;
  /** Words replaced after scaling (per-line overrides), by exact match. */
  replace?: Record<string, string>;
  /** Command words added after the command's own (before the first option group). */
  commandExtra?: string[];
  /** Words appended after scaling. */
  extra?: string[];
  expect: Expect;
}

export const C5 = ["C0", "C1", "C2", "C3", "C4"];

function update(names: readonly string[] = C5): string {
  return `UPDATE "standard1" SET ${names.map((n) => `"${n}" = ?`).join(",")} WHERE KEY=?`;
}

function counterUpdate(names: readonly string[] = C5): string {
  return `UPDATE counter1 SET ${names.map((n) => `"${n}"="${n}"+?`).join(",")} WHERE KEY=?`;
}

function select(names: readonly string[] = C5): string {
  return `SELECT ${names.map((n) => `"${n}"`).join(",")} FROM "standard1" WHERE KEY=?`;
}

const WRITE = update();
const READ = select();
/** The replication `-schema` asks for by default: the ScyllaDB fork's NetworkTopologyStrategy. */
export const DEFAULT_RF1 = {
  class: "org.apache.cassandra.locator.NetworkTopologyStrategy",
  "replication_factor": "1",
};
const PREFILL = `write n=${CAP} -pop seq=1..${CAP} -rate threads=50`;
const GAUSS_CAP = `dist=gaussian(1..${CAP})`;
const GAUSS_CAP_LINE = "  Distribution: Gaussian:  min=1,max=400,mean=200.500000,stdev=66.500000";
const AUTO_LINES = ["  Auto: true", "  Min Threads: 4", "  Max Threads: 1000"];
/** Duration runs warm up with 50000 ops; most lines here skip that to keep the file quick. */
const NO_WARMUP = ["no-warmup"];
const UNCERTAIN = ["n>2", "n<4", "no-warmup"];

export const cases: Case[] = [
  {
    line: "cassandra-stress write n=10 -node x.x.x.x",
    expect: {
      executes: [WRITE],
      lines: ["  Type: write", "  Count: 10", "  Thread Count: 200", "  Nodes: [127.0.0.1]"],
    },
  },
  {
    line: "cassandra-stress mixed n=100 -node x.x.x.x",
    prefill: "write n=100 -pop seq=1..100 -rate threads=50",
    expect: {
      executes: [WRITE, READ],
      lines: [
        "  Type: mixed",
        "  Command Ratios: {READ=1.0, WRITE=1.0}",
        "  Command Clustering Distribution: clustering=GAUSSIAN(1..10)",
        ...AUTO_LINES,
        "  Distribution: Gaussian:  min=1,max=100,mean=50.500000,stdev=16.500000",
      ],
    },
  },
  {
    line: "cassandra-stress write n=100 -node x.x.x.x",
    expect: {
      executes: [WRITE],
      lines: ["  Count: 100", "  Sequence: 1..100", "  Wrap: true"],
    },
  },
  {
    line: "cassandra-stress write n=1000000",
    expect: {
      executes: [WRITE],
      lines: [
        "  Count: 400",
        "  Consistency Level: LOCAL_ONE",
        "  Key Size (bytes): 10",
        "  Sequence: 1..400",
      ],
    },
  },
  {
    line: "cassandra-stress read n=200000",
    prefill: PREFILL,
    expect: {
      executes: [READ],
      lines: ["  Type: read", ...AUTO_LINES, GAUSS_CAP_LINE],
    },
  },
  {
    line: "cassandra-stress read duration=3m",
    commandExtra: NO_WARMUP,
    prefill: PREFILL,
    extra: ["-pop", GAUSS_CAP, "-rate", "threads<=104"],
    expect: {
      executes: [READ],
      lines: ["  Type: read", "  Duration: 1 SECONDS", "  Thread Count: -1", GAUSS_CAP_LINE],
    },
  },
  {
    line: "cassandra-stress read n=200000 no-warmup",
    prefill: PREFILL,
    extra: ["-rate", "threads<=104"],
    expect: {
      executes: [READ],
      lines: ["  No Warmup: true", GAUSS_CAP_LINE],
      check: (run) => assert.ok(!run.out.some((l) => l.startsWith("Warming up"))),
    },
  },
  {
    line: "tools/bin/cassandra-stress write n=1000000 -node 127.168.1.101",
    expect: { executes: [WRITE], lines: ["  Count: 400", "  Nodes: [127.0.0.1]"] },
  },
  {
    line: "cassandra-stress write n=100000 -node 1.2.3.4",
    expect: { executes: [WRITE], lines: ["  Count: 400"] },
  },
  {
    line:
      "cassandra-stress write cl=QUORUM n=10000 -schema 'replication(strategy=NetworkTopologyStrategy,replication_factor=1)' -mode cql3 native -rate threads=4",
    expect: {
      replication: {
        class: "org.apache.cassandra.locator.NetworkTopologyStrategy",
        "replication_factor": "1",
      },
      executes: [WRITE],
      lines: [
        "  Consistency Level: QUORUM",
        "  Thread Count: 4",
        "  Replication Strategy: org.apache.cassandra.locator.NetworkTopologyStrategy",
        "  API: JAVA_DRIVER_NATIVE",
        "  Connection Style: CQL_PREPARED",
      ],
    },
  },
  {
    line:
      "cassandra-stress read cl=QUORUM n=10000 -schema 'replication(strategy=NetworkTopologyStrategy,replication_factor=1)' -mode cql3 native -rate threads=4",
    prefill:
      "write n=400 -pop seq=1..400 -schema replication(strategy=NetworkTopologyStrategy,replication_factor=1)",
    expect: {
      replication: {
        class: "org.apache.cassandra.locator.NetworkTopologyStrategy",
        "replication_factor": "1",
      },
      executes: [READ],
      lines: ["  Type: read", "  Consistency Level: QUORUM", "  Thread Count: 4", GAUSS_CAP_LINE],
    },
  },
  {
    line:
      "cassandra-stress write cl=QUORUM duration=5m -schema 'replication(strategy=NetworkTopologyStrategy,replication_factor=3) ' -mode cql3 native -rate threads=10 -pop seq=1..100000 -log interval=5",
    commandExtra: NO_WARMUP,
    expect: {
      replication: {
        class: "org.apache.cassandra.locator.NetworkTopologyStrategy",
        "replication_factor": "3",
      },
      executes: [WRITE],
      lines: [
        "  Duration: 1 SECONDS",
        "  Thread Count: 10",
        "  Sequence: 1..400",
        "  Interval Millis: 5000",
      ],
    },
  },
  {
    line: "cassandra-stress write cl=QUORUM duration=30m -rate threads=100",
    expect: {
      executes: [WRITE],
      lines: [
        "  Duration: 1 SECONDS",
        "  Consistency Level: QUORUM",
        "  Thread Count: 100",
        "Warming up WRITE with 50000 iterations...",
        "Running WRITE with 100 threads 1 seconds",
      ],
    },
  },
  {
    line: "cassandra-stress read n=1000000",
    prefill: PREFILL,
    expect: { executes: [READ], lines: ["  Count: 400", ...AUTO_LINES, GAUSS_CAP_LINE] },
  },
  {
    line:
      "cassandra-stress write no-warmup n=175000000 cl=ALL -rate threads=500 -schema 'replication(factor=2) keyspace=keyspace' -col 'size=FIXED(4000) n=FIXED(1)' -mode cql3 native connectionsPerHost=66 -pop 'seq=1..175000000' -node node2 -errors ignore",
    expect: {
      keyspace: "keyspace",
      replication: { ...DEFAULT_RF1, "replication_factor": "2" },
      columns: ["C0 blob"],
      executes: [update(["C0"])],
      // Factor 2 at ALL on one node: every op is Unavailable, tried 10 times and counted as an
      // error, as the real tool's run 08 shows (tests/testdata/cassandra-stress-real).
      triesPerOp: 10,
      check: (run) => {
        const errors = run.out.find((l) => l.startsWith("Total errors"));
        assert.match(errors ?? "", /:\s+400 \[WRITE: 400\]$/);
      },
      lines: [
        "  Consistency Level: ALL",
        "  Thread Count: 500",
        "  Keyspace: keyspace",
        "  Column Names: [C0]",
        "  Size Distribution: Fixed:  key=4000",
        "  Ignore: true",
        "  Connections Per Host: 66",
        "  No Warmup: true",
      ],
    },
  },
  {
    line:
      'cassandra-stress mixed ratio\\(write=1,read=9\\) n=1000000 cl=QUORUM -pop dist=UNIFORM\\(1..1000000\\) -mode native cql3 -rate threads=50 -log file=~/mixed_autorate_r9w1_1M.log -graph file=test2.html title=test revision=test2 -schema "replication(strategy=NetworkTopologyStrategy, factor=2)"',
    prefill:
      "write n=400 -pop seq=1..400 -schema replication(strategy=NetworkTopologyStrategy,factor=2)",
    expect: {
      replication: {
        class: "org.apache.cassandra.locator.NetworkTopologyStrategy",
        "replication_factor": "2",
      },
      executes: [WRITE, READ],
      lines: [
        "  Command Ratios: {READ=9.0, WRITE=1.0}",
        "  Distribution: Uniform:  min=1,max=400",
        "  Thread Count: 50",
      ],
      check: async (run, _node, dir) => {
        const log = await Deno.readTextFile(`${dir}/mixed_autorate_r9w1_1M.log`);
        assert.deepEqual(log.trimEnd().split("\n").at(-1), "END");
        assert.ok(log.includes("Results:"));
        assert.ok(run.out.some((l) => l.startsWith("  File: ") && l.includes(dir)));
      },
    },
  },
  {
    line:
      'cassandra-stress mixed ratio\\(write=1,read=3\\) n=100000 cl=ONE -pop dist=UNIFORM\\(1..1000000\\) -schema keyspace="keyspace1" -mode native cql3 -rate threads\\>=16 threads\\<=256 -log file=./mixed_autorate_50r50w_1M.log -graph file=cluster.html title=cluster',
    prefill: PREFILL,
    expect: {
      executes: [WRITE, READ],
      lines: [
        "  Command Ratios: {READ=3.0, WRITE=1.0}",
        "  Consistency Level: ONE",
        // threads>= and threads<= without auto: the fork prints no thread bounds.
        "  Auto: false",
        "  Thread Count: -1",
        "  Distribution: Uniform:  min=1,max=400",
      ],
      check: async (run, _node, dir) => {
        const log = await Deno.readTextFile(`${dir}/mixed_autorate_50r50w_1M.log`);
        assert.equal(log.trimEnd().split("\n").at(-1), "END");
        assert.ok(run.out.some((l) => /^\s*216 threadCount, total,/.test(l)), run.out.join("\n"));
      },
    },
  },
  {
    line: "cassandra-stress write n=1000000 -rate threads=50",
    expect: { executes: [WRITE], lines: ["  Thread Count: 50", "  Count: 400"] },
  },
  {
    line: "cassandra-stress mixed ratio\\(read=50,write=50\\) -node 127.5.0.2 -mode native cql3",
    prefill: PREFILL,
    commandExtra: UNCERTAIN,
    extra: ["-log", "interval=100ms", "-pop", GAUSS_CAP, "-rate", "threads<=104"],
    expect: {
      executes: [WRITE, READ],
      lines: [
        "  Command Ratios: {READ=50.0, WRITE=50.0}",
        "  Target Uncertainty: 0.020",
        "  Maximum Uncertainty Measurements: 4",
        GAUSS_CAP_LINE,
      ],
    },
  },
  {
    line: "cassandra-stress counter_write -node 127.5.0.2 -mode native cql3",
    commandExtra: UNCERTAIN,
    extra: ["-log", "interval=100ms", "-pop", `seq=1..${CAP}`, "-rate", "threads<=104"],
    expect: {
      table: "counter1",
      columns: C5.map((c) => `${c} counter`),
      executes: [counterUpdate()],
      lines: ["  Type: counter_write", "  Counter Increment Distibution: add=fixed(1)"],
    },
  },
  {
    line: "cassandra-stress read -node 127.5.0.2 -mode native cql3",
    prefill: PREFILL,
    commandExtra: UNCERTAIN,
    extra: ["-log", "interval=100ms", "-pop", GAUSS_CAP, "-rate", "threads<=104"],
    expect: { executes: [READ], lines: ["  Type: read", "  Target Uncertainty: 0.020"] },
  },
  {
    line: "cassandra-stress mixed n=100000 -rate threads=10 -node cassandra",
    prefill: PREFILL,
    expect: {
      executes: [WRITE, READ],
      lines: ["  Thread Count: 10", "  Command Ratios: {READ=1.0, WRITE=1.0}", GAUSS_CAP_LINE],
    },
  },
  {
    line: "./cassandra-stress read n=400K -rate threads=8",
    prefill: PREFILL,
    expect: { executes: [READ], lines: ["  Thread Count: 8", "  Count: 400", GAUSS_CAP_LINE] },
  },
  {
    line: "./cassandra-stress write duration=2m -rate threads=16",
    commandExtra: NO_WARMUP,
    expect: { executes: [WRITE], lines: ["  Thread Count: 16", "  Duration: 1 SECONDS"] },
  },
  {
    line: "./cassandra-stress mixed ratio\\(write=1,read=3\\) duration=1m -rate threads=16",
    commandExtra: NO_WARMUP,
    prefill: PREFILL,
    extra: ["-pop", GAUSS_CAP],
    expect: {
      executes: [WRITE, READ],
      lines: ["  Command Ratios: {READ=3.0, WRITE=1.0}", "  Duration: 1 SECONDS", GAUSS_CAP_LINE],
    },
  },
  {
    line: 'cassandra-stress "write n=100k cl=ONE no-warmup"',
    expect: {
      executes: [WRITE],
      lines: ["  Count: 400", "  Consistency Level: ONE", "  No Warmup: true"],
    },
  },
  {
    line: "cassandra-stress write n=100 -rate threads=10 limit=1/s",
    // 1 op/s as written; 2 ops (the second due 1 s after the first) keep it short.
    replace: { "n=100": "n=2" },
    expect: {
      executes: [WRITE],
      lines: ["  Thread Count: 10", "  OpsPer Sec: 1", "  Count: 2"],
      check: (run) => {
        const results = run.out.slice(run.out.indexOf("Results:"));
        assert.ok(results.includes("Total partitions          :          2 [WRITE: 2]"));
        const last = intervalRows(run.out).filter((l) => l.startsWith("total,")).at(-1)!;
        const timeSec = Number(last.split(",")[11]);
        assert.ok(timeSec >= 0.9, `the second op is due 1 s after the first: ${last}`);
      },
    },
  },
  {
    line: "cassandra-stress write n=10 -rate 'threads=80 throttle=9000/s'",
    expect: { executes: [WRITE], lines: ["  Thread Count: 80", "  OpsPer Sec: 9000"] },
  },
  {
    line: "cassandra-stress write n=10 -rate threads = 10",
    expect: { executes: [WRITE], lines: ["  Thread Count: 10", "  Count: 10"] },
  },
  {
    line:
      "cassandra-stress write cl=QUORUM duration=180m -rate threads=40 fixed=8000/s -pop seq=1..200M -col 'size=FIXED(128) n=FIXED(8)'",
    commandExtra: NO_WARMUP,
    // 8000/s for 1 s is 8000 ops; 1000/s keeps the fixed-rate path at a tenth of the work.
    replace: { "fixed=8000/s": "fixed=1000/s" },
    expect: {
      columns: [0, 1, 2, 3, 4, 5, 6, 7].map((i) => `C${i} blob`),
      executes: [update([0, 1, 2, 3, 4, 5, 6, 7].map((i) => `C${i}`))],
      lines: [
        "  Thread Count: 40",
        "  OpsPer Sec: 1000",
        "  Sequence: 1..400",
        "  Size Distribution: Fixed:  key=128",
        "  Column Names: [C0, C1, C2, C3, C4, C5, C6, C7]",
      ],
    },
  },
  {
    line:
      "cassandra-stress read cl=QUORUM duration=60m -rate threads=20 -pop 'dist=gauss(1..650000000,325000000,9750000)'",
    commandExtra: NO_WARMUP,
    prefill: PREFILL,
    expect: {
      executes: [READ],
      lines: [
        "  Thread Count: 20",
        "  Distribution: Gaussian:  min=1,max=400,mean=200.000000,stdev=6.000000",
      ],
    },
  },
  {
    line: "cassandra-stress write n=1000 -mode connectionsPerHost=8 cql3 native",
    expect: { executes: [WRITE], lines: ["  Connections Per Host: 8", "  Count: 400"] },
  },
  {
    line: "cassandra-stress write n=1000 -col names=b,a,c10,c2 slice",
    expect: {
      columns: ["a blob", "b blob", "c10 blob", "c2 blob"],
      executes: [update(["a", "b", "c10", "c2"])],
      lines: ["  Column Names: [a, b, c10, c2]", "  Slice: true"],
    },
  },
  {
    line: "cassandra-stress write n=1000 -col n=FIXED(12)",
    expect: {
      columns: ["C0", "C1", "C10", "C11", "C2", "C3", "C4", "C5", "C6", "C7", "C8", "C9"].map(
        (c) => `${c} blob`,
      ),
      executes: [
        update(["C0", "C1", "C10", "C11", "C2", "C3", "C4", "C5", "C6", "C7", "C8", "C9"]),
      ],
      lines: ["  Max Columns Per Key: 12", "  Count Distribution: Fixed:  key=12"],
    },
  },
  {
    line:
      "cassandra-stress write n=1e6 -log hdrfile=w.hdr interval=500ms level=verbose no-summary json=out.json",
    expect: {
      executes: [WRITE],
      lines: ["  Count: 400", "  No Summary: true", "  Interval Millis: 500", "  Level: VERBOSE"],
      noResults: true,
      check: async (run, _node, dir) => {
        const hdr = readHdrLog(await Deno.readTextFile(`${dir}/w.hdr`), "w.hdr");
        assert.ok(hdr.intervals.length >= 1);
        assert.ok(hdr.intervals.every((i) => i.tag === "WRITE-st"), hdr.intervals[0].tag);
        const total = hdr.intervals.reduce((sum, i) => sum + i.histogram.totalCount, 0);
        assert.equal(total, 400);
        const json = JSON.parse(await Deno.readTextFile(`${dir}/out.json`));
        assert.equal(typeof json, "object");
        assert.ok(!run.out.includes("Results:"));
      },
    },
  },
  {
    line:
      "cassandra-stress counteradd n=5 -insert visits=fixed(2) batchtype=unlogged select-ratio=fixed(1)/2",
    expect: {
      table: "counter1",
      columns: C5.map((c) => `${c} counter`),
      executes: [counterUpdate()],
      lines: ["  Type: counter_write", "  Count: 5", "  Batch Type: UNLOGGED"],
    },
  },
  {
    line: "cassandra-stress counter_get err<0.05 n>10 n<50",
    prefill: "counter_write n=400 -pop seq=1..400 -rate threads=50",
    replace: { "n>10": "n>2", "n<50": "n<4" },
    commandExtra: NO_WARMUP,
    extra: ["-log", "interval=100ms", "-pop", GAUSS_CAP, "-rate", "threads<=104"],
    expect: {
      table: "counter1",
      columns: C5.map((c) => `${c} counter`),
      executes: ['SELECT * FROM "counter1" WHERE KEY=?'],
      lines: [
        "  Type: counter_read",
        "  Target Uncertainty: 0.050",
        "  Minimum Uncertainty Measurements: 2",
      ],
    },
  },
  {
    line: "stress write n=10 --dry-run -rate threads=2",
    expect: {
      executes: [],
      noResults: true,
      lines: ["  Thread Count: 2", "  Count: 10"],
      check: (run, node) => {
        assert.ok(!run.out.includes("END"));
        if (node !== null) assert.deepEqual(node.statementLog(), [], "a dry run never connects");
      },
    },
  },
  {
    line:
      "cassandra-stress write n=100 -pop seq=1..1k no-wrap read-lookback=uniform(1..10) contents=sorted",
    expect: {
      executes: [WRITE],
      lines: ["  Sequence: 1..1000", "  Wrap: false", "  Order: SORTED"],
    },
  },
];

/** Lines of the corpus that are not run here, and why. */
export const NOT_RUN: Record<string, string> = {
  "tools/bin/cassandra-stress help -pop": "help",
  "cassandra-stress version": "version",
  "cassandra-stress print dist=~exp(1..10)": "print",
  "cassandra-stress write n=10 -transport truststore=/ts.jks truststore-password=secret ssl-protocol=TLSv1.2":
    "TLS (-transport) is not served in this file",
  "stress write n=200000 -rate threads=64 -node synthetic:uniform(50..500)": "synthetic target",
  "stress read n=10 -node synthetic:gaussian(1..10,5,2),127.0.0.1 whitelist datacenter=dc1":
    "synthetic target",
  "stress write n=1e6 -log prometheus=9464 web=0.0.0.0:8089":
    "fixed ports (the endpoints are tested on free ports in tests/live/live_endpoints_test.ts)",
};

/** Parses a cassandra-stress count such as `10`, `400K`, `100k`, `1e6`, `200M`. */
function parseCount(text: string): number {
  const match = /^(\d+(?:\.\d+)?(?:e\d+)?)([kmb]?)$/i.exec(text);
  assert.ok(match !== null, `not a count: ${text}`);
  const scale = { "": 1, k: 1e3, m: 1e6, b: 1e9 }[match[2].toLowerCase()]!;
  return Number(match[1]) * scale;
}

/** Scales `A..B[,p1,p2]` so that B is at most CAP; extra parameters scale with it. */
function scaleRange(text: string): string {
  return text.replace(/(\d+[kmb]?)\.\.(\d+[kmb]?)((?:,\s*[\d.]+)*)/i, (all, a, b, rest) => {
    const max = parseCount(b);
    if (max <= POP_KEEP_MAX) return all;
    const factor = CAP / max;
    const params = (rest as string).split(",").slice(1).map((p) =>
      String(Math.round(Number(p) * factor))
    );
    const min = Math.max(1, Math.round(parseCount(a) * factor));
    return [`${min}..${CAP}`, ...params].join(",");
  });
}

/**
 * Rewrites a corpus line for a quick run: drops the program and `-node`, caps `n=` at CAP,
 * sets `duration=1s`, caps population ranges, and moves output files into `dir`. Words are
 * rewritten inside quoted groups too (`"write n=100k cl=ONE"`), keeping the grouping.
 */
export function scaleArgs(entry: Case, dir: string): string[] {
  const words = splitCommandLine(entry.line);
  const args: string[] = [];
  let group = "";
  for (let i = 0; i < words.length; i++) {
    const word = words[i];
    if (word.startsWith("-") && !word.startsWith("--")) group = word;
    if (word === "-node") {
      while (i + 1 < words.length && !words[i + 1].startsWith("-")) i++;
      continue;
    }
    const scaled = word.split(" ").map((part) => {
      const replaced = entry.replace?.[part];
      if (replaced !== undefined) return replaced;
      let m = /^n=(.+)$/.exec(part);
      if (m !== null && group === "") return `n=${Math.min(parseCount(m[1]), CAP)}`;
      if (/^duration=/.test(part)) return "duration=1s";
      m = /^(file|hdrfile|json)=(.+)$/.exec(part);
      if (m !== null && (group === "-log" || group === "-graph")) {
        return `${m[1]}=${dir}/${m[2].split("/").at(-1)}`;
      }
      if (group === "-pop" && /^(seq|dist)=/.test(part)) return scaleRange(part);
      return part;
    }).join(" ");
    args.push(scaled);
    const lastCommandWord = group === "" &&
      (i + 1 === words.length || words[i + 1].startsWith("-"));
    if (lastCommandWord) args.push(...(entry.commandExtra ?? []));
  }
  return [...args, ...(entry.extra ?? [])];
}

/** The sum of the numbers in `Warming up X with N iterations...` and `Total partitions : N`. */
/**
 * The line's replication factor capped at the one node a test cluster has (the embedded node, or
 * the real one-node cluster): a line that asks for more replicas than that (factor 2 or 3 at
 * QUORUM) fails every op there, as cassandra-stress's own run would. Lines that ignore errors
 * (`-errors ignore`) keep their factor: failing is what they are about.
 */
export function oneNode(args: string[]): { args: string[]; capped: boolean } {
  if (args.includes("ignore")) return { args, capped: false };
  const capped = args.map((arg) =>
    arg.replace(/\b(replication_factor|factor)=([2-9])\b/g, (_all, key) => `${key}=1`)
  );
  return { args: capped, capped: capped.join(" ") !== args.join(" ") };
}

/**
 * The replication map a node stores for the one a case expects: the factor capped as
 * {@linkcode oneNode} capped it, and NetworkTopologyStrategy's `replication_factor` expanded to
 * the node's data center, as Cassandra does.
 */
export function oneNodeReplication(
  expected: Record<string, string>,
  capped: boolean,
): Record<string, string> {
  const replication = { ...expected };
  if (capped && replication.replication_factor !== undefined) replication.replication_factor = "1";
  if (
    replication.class.endsWith("NetworkTopologyStrategy") &&
    replication.replication_factor !== undefined
  ) {
    replication.datacenter1 = replication.replication_factor;
    delete replication.replication_factor;
  }
  return replication;
}

export function printedOps(out: readonly string[]): number {
  let ops = 0;
  for (const line of out) {
    const warm = /^Warming up \w+ with (\d+) iterations\.\.\.$/.exec(line);
    const total = /^Total partitions\s+:\s+([\d,]+)/.exec(line);
    if (warm !== null) ops += Number(warm[1]);
    if (total !== null) ops += Number(total[1].replaceAll(",", ""));
  }
  return ops;
}
