/**
 * The help pages of the cassandra-stress commands: general usage, one page per command and
 * one per option group, each sub-option with its default.
 *
 * @module
 */

import { OptionError } from "../../errors.ts";

type Row = readonly [usage: string, text: string];

interface Page {
  readonly title: string;
  readonly usage: readonly string[];
  readonly rows: readonly Row[];
  readonly notes?: readonly string[];
}

const STOP_ROWS: readonly Row[] = [
  ["n=N", "Stop after N operations; k, m, b suffixes and 1e6 notation (n=0: schema only)"],
  ["duration=N{s,m,h}", "Stop after this long"],
  ["err<0.02", "Without n= or duration=: run until the standard error of the mean is below this"],
  ["n>30", "  ... but at least this many measurement intervals"],
  ["n<200", "  ... and at most this many"],
  ["no-warmup", "Do not warm up (2.1 spelling: no_warmup)"],
  ["truncate=never|once|always", "Truncate the table (default never)"],
  [
    "cl=LOCAL_ONE",
    "Consistency level: ONE, TWO, THREE, QUORUM, LOCAL_QUORUM, EACH_QUORUM, ALL, ANY, LOCAL_ONE, SERIAL, LOCAL_SERIAL",
  ],
  ["serial-cl=SERIAL", "Serial consistency level: SERIAL or LOCAL_SERIAL"],
];

const PREDEFINED_ROWS: readonly Row[] = [
  ["keysize=10", "Key size in bytes (1..65535, the longest partition key a node stores)"],
  ["add=fixed(1)", "Distribution of counter increments"],
];

const DIST_NOTES: readonly string[] = [
  "DIST is one of (names are case-insensitive; k, m, b suffixes work in bounds):",
  "  FIXED(val)                        always val",
  "  UNIFORM(min..max)                 uniform over [min, max]",
  "  GAUSSIAN(min..max[,stdvrng])      mean (min+max)/2, stdev (max-min)/2/stdvrng (default 3)",
  "  GAUSSIAN(min..max,mean,stdev)     explicit mean and stdev (aliases GAUSS, NORMAL, NORM)",
  "  EXP(min..max)                     exponential over [min, max]",
  "  EXTREME(min..max,shape)           Weibull over [min, max] (alias EXTR)",
  "  QEXTREME(min..max,shape,quantas)  quantised Weibull (alias QEXTR)",
  "  SEQ(min..max)                     min, min+1, ..., max, then wraps",
  "  ~DIST inverts it: ~exp(1..10) yields 10 most often. min == max collapses to FIXED.",
];

function commandPage(name: string, summary: string, extra: readonly Row[] = []): Page {
  return {
    title: `${name}: ${summary}`,
    usage: [`stress ${name} [n=N | duration=N{s,m,h} | err<F n>N n<N] [options] [-group ...]`],
    rows: [...STOP_ROWS, ...extra],
    notes: DIST_NOTES,
  };
}

const PAGES: Readonly<Record<string, Page>> = {
  write: commandPage("write", "concurrent writes (alias insert)", PREDEFINED_ROWS),
  read: commandPage("read", "concurrent reads; populate first with write", PREDEFINED_ROWS),
  mixed: commandPage("mixed", "interleaved basic operations", [
    ...PREDEFINED_ROWS,
    ["ratio(read=1,write=1)", "Weights of read, write, counter_write, counter_read"],
    ["clustering=GAUSSIAN(1..10)", "How many operations of one kind run back to back"],
  ]),
  "counter_write": commandPage(
    "counter_write",
    "concurrent counter updates (aliases counterwrite, counter_add, counteradd)",
    PREDEFINED_ROWS,
  ),
  "counter_read": commandPage(
    "counter_read",
    "concurrent counter reads (aliases counterread, counter_get, counterget)",
    PREDEFINED_ROWS,
  ),
  user: commandPage("user", "operations from a YAML profile", [
    ["profile=FILE[,FILE2...]", "The YAML profile(s) (required)"],
    ["ops(insert=N,<query>=M,...)", "Operation weights (required); insert is built in"],
    ["clustering=gaussian(1..10)", "How many operations of one kind run back to back"],
  ]),
  help: {
    title: "help: print help for a command or option group",
    usage: [
      "stress help",
      "stress help COMMAND",
      "stress help -OPTION",
      "stress COMMAND ... --help",
    ],
    rows: [],
  },
  print: {
    title: "print: print the percentiles of a distribution",
    usage: ["stress print dist=DIST"],
    rows: [["dist=DIST", "The distribution to inspect (required)"]],
    notes: DIST_NOTES,
  },
  version: { title: "version: print the version", usage: ["stress version"], rows: [] },
  "-pop": {
    title: "-pop: population, i.e. which seeds (partition keys) are visited",
    usage: [
      "-pop seq=LO..HI [no-wrap] [read-lookback=DIST] [contents=sorted|shuffled]",
      "-pop dist=DIST [contents=sorted|shuffled]",
    ],
    rows: [
      ["seq=1..N", "Visit seeds in sequence; default for write, counter_write, insert-only user"],
      ["no-wrap", "End the run once every seed was visited (default: wrap)"],
      ["read-lookback=DIST", "Select read seeds from recently written ones (default none)"],
      ["dist=gaussian(1..N)", "Draw seeds from DIST; default for read, mixed, counter_read, user"],
      ["contents=sorted|shuffled", "Row order inside a partition (default arbitrary)"],
    ],
    notes: [
      "N is n= when a count was given, otherwise 1000000. A -pop without seq= (only",
      "contents=, or nothing) draws from dist=gaussian(1..N) whatever the command.",
      ...DIST_NOTES,
    ],
  },
  "-insert": {
    title: "-insert: batching and splitting of partition updates",
    usage: ["-insert [revisit=DIST] [visits=DIST] [partitions=DIST] [batchtype=TYPE] ..."],
    rows: [
      ["revisit=uniform(1..1M)", "How partial writes are revisited"],
      ["visits=fixed(1)", "Inserts per partition"],
      ["partitions=DIST", "Partitions per batch (default not set)"],
      ["batchtype=unlogged|logged|counter", "Batch statement type (default not batching)"],
      ["select-ratio=DIST/N", "Chance of visiting a row of a partition (default not set)"],
      ["row-population-ratio=fixed(1)/1", "Share of a row's columns to populate"],
    ],
  },
  "-col": {
    title: "-col: column count, size, names (predefined commands only)",
    usage: [
      "-col [n=DIST] [size=DIST] [slice] [super=N] [comparator=TYPE] [timestamp=N]",
      "-col names=a,b,c [size=DIST] [slice] [super=N] [comparator=TYPE] [timestamp=N]",
    ],
    rows: [
      ["n=FIXED(5)", "Columns per row; names are C0..C{max-1}"],
      ["names=a,b,c", "Explicit column names instead of n="],
      ["size=FIXED(34)", "Cell size in bytes"],
      ["slice", "Reads use SELECT * (default: named columns)"],
      ["super=0", "Number of super columns"],
      ["comparator=AsciiType", "AsciiType, UTF8Type or TimeUUIDType"],
      ["timestamp=N", "Write every cell with USING TIMESTAMP N (default not set)"],
    ],
  },
  "-rate": {
    title: "-rate: thread count, rate limit or automatic mode",
    usage: [
      "-rate threads=N [throttle=R/s | fixed=R/s]",
      "-rate [threads>=4] [threads<=1000] [auto]",
    ],
    rows: [
      ["threads=N", "Run N clients concurrently"],
      ["throttle=0/s", "At most R ops/s on a schedule; reports service time (alias limit=)"],
      ["fixed=0/s", "R ops/s on a schedule; reports response time (CO corrected)"],
      ["threads>=4", "Auto mode: start with this many clients"],
      ["threads<=1000", "Auto mode: stop at this many clients"],
      ["auto", "Auto mode: stop once throughput stops improving"],
    ],
    notes: [
      "Default: threads=200 for write and counter_write with n>0, otherwise threads>=4 threads<=1000 auto.",
      "Threads go up to 100000: each is an op loop with its request in flight, and 100000 already",
      "hold hundreds of MB; for more concurrency, run several loaders (--shards N).",
    ],
  },
  "-mode": {
    title: "-mode: how to talk to the target",
    usage: [
      "-mode [native] [cql3] [prepared|unprepared] [compression=none|lz4|snappy] [user=U] [password=P] ...",
      "-mode simplenative [prepared] [cql3] [port=N]",
    ],
    rows: [
      ["native cql3", "The CQL driver (default; the keywords are optional)"],
      ["prepared", "Prepared statements (default)"],
      ["unprepared", "Unprepared statements"],
      ["simplenative", "The simple native client (unprepared unless prepared is given)"],
      [
        "compression=none",
        "none, lz4 or snappy (lz4 on the native client; the driver and snappy send uncompressed)",
      ],
      ["port=N", "Parsed and ignored, as in cassandra-stress; use -port native="],
      ["user=U", "User name (default none)"],
      ["password=P", "Password (default none; printed as *suppressed*)"],
      ["auth-provider=CLASS", "Authenticator class (default none)"],
      ["maxPending=N", "Maximum pending requests per connection (default driver's)"],
      [
        "connectionsPerHost=N",
        "Connections per host, shared by the Workers (default: 1 per Worker, the driver's)",
      ],
      ["protocolVersion=N", "Native protocol version 1..5 (default newest supported)"],
      ["requestTimeout=N", "Request timeout in milliseconds (default driver's, 12000)"],
      [
        "client=native",
        "The ops' data path: native (our own protocol client, token-aware) or driver (cassandra-driver)",
      ],
    ],
  },
  "-errors": {
    title: "-errors: how to handle errors",
    usage: [
      "-errors [retries=9] [ignore] [fail-fast] [skip-read-validation] " +
      "[skip-unsupported-columns] [delay-policy=constant] [min-delay-ms=0] [max-delay-ms=20000]",
    ],
    rows: [
      ["retries=9", "Retries per operation before it fails (tries = retries + 1)"],
      ["ignore", "Count failed operations in the errors column and go on"],
      ["fail-fast", "Stop the run at the first failure not ignored (always so here)"],
      ["skip-read-validation", "Do not check the values reads return"],
      [
        "skip-unsupported-columns",
        "user: leave map and nested-collection columns out (Scylla fork)",
      ],
      ["delay-policy=constant", "Wait before retry k = 0, 1, ...: constant min,"],
      ["", "  linear min + (max - min) * k / tries, or exponential min * 2^k"],
      ["min-delay-ms=0", "Shortest wait in ms (at least 1 with delay-policy=exponential)"],
      ["max-delay-ms=20000", "Longest wait in ms; each wait is scaled by a random 0.75..1.25"],
    ],
    notes: [
      "By default a failed try is retried at once, as in the Scylla fork. A min-delay-ms=",
      "above 0, or delay-policy=linear, makes every failed try wait before the next (the",
      "fork waits only after overload errors); there is no wait after the last try.",
      "An operation's latency covers all its tries and waits. An operation that fails every",
      "try, or is still retrying when the run ends (duration over, Ctrl-C, another failure),",
      "counts as an error. Without ignore, the first such operation ends the whole run with",
      "FAILURE (exit 1), as in cassandra-stress, so fail-fast changes nothing more.",
    ],
  },
  "-schema": {
    title: "-schema: keyspace, replication, compaction, compression (not with user)",
    usage: [
      "-schema [replication(strategy=X,factor=N,<k>=<v>...)] [keyspace=NAME] " +
      "[compaction(strategy=X,<k>=<v>...)] [compression=CLASS]",
    ],
    rows: [
      [
        "replication(strategy=NetworkTopologyStrategy)",
        "Replication strategy (org.apache.cassandra.locator.)",
      ],
      ["replication(factor=1)", "Replication factor; other keys go into the replication map"],
      ["keyspace=keyspace1", "Keyspace name"],
      ["compaction(strategy=X)", "Compaction strategy and options (default none)"],
      ["compression=CLASS", "SSTable compression (default none)"],
    ],
  },
  "-node": {
    title: "-node: the nodes to connect to",
    usage: [
      "-node [datacenter=DC] [rack=RACK] [loadbalance=POLICY] [whitelist] [file=PATH] [h1,h2,...]",
    ],
    rows: [
      ["h1,h2,...", "Hosts (default localhost); commas inside parentheses do not split"],
      [
        "synthetic[:DIST][:errors(P)]",
        "The built-in synthetic target (no server): each op completes after a latency drawn from DIST in microseconds (synthetic alone: zero latency) and fails with probability P (default 0)",
      ],
      [
        "embedded",
        "Start the embedded in-memory CQL node inside the command, on a free loopback port, and run against it (see stress serve -h)",
      ],
      ["file=PATH", "Read hosts from a file, one per line"],
      ["whitelist", "Only talk to the listed hosts"],
      ["datacenter=DC", "Local datacenter for the load balancing policy (default none)"],
      [
        "rack=RACK",
        "Local rack (Scylla fork): its replicas first (with loadbalance=rack-aware, the default when rack= is given)",
      ],
      [
        "loadbalance=POLICY",
        "Scylla fork: round-robin (rr: every datacenter's hosts), dc-aware (dc: the local datacenter's; the default without rack=) or rack-aware (rack: the local rack's replicas first); always token-aware",
      ],
    ],
  },
  "-log": {
    title: "-log: what to log, where, and how often",
    usage: ["-log [file=PATH] [hdrfile=PATH] [json=PATH] [interval=1s] [level=normal] ..."],
    rows: [
      ["file=PATH", "Also write stdout to this file"],
      ["hdrfile=PATH", "Write an HdrHistogram interval log"],
      ["json=PATH", "Write a machine-readable JSON summary (our extension)"],
      ["interval=1s", "Report interval: 500ms, 5s, or bare 5 (seconds)"],
      ["level=normal", "minimal, normal or verbose"],
      ["no-summary", "Do not print the Results block"],
      ["no-settings", "Do not print the settings dump"],
      ["prometheus=[HOST:]PORT", "Serve /metrics in Prometheus format (our ext., loopback)"],
      ["web=[HOST:]PORT", "Serve the live page: charts per op type, Stop (our ext., loopback)"],
    ],
  },
  "-transport": {
    title: "-transport: TLS settings (a truststore turns TLS on)",
    usage: ["-transport [truststore=PATH] [truststore-password=P] [keystore=PATH] ..."],
    rows: [
      ["factory=CLASS", "Transport factory class (default none)"],
      ["truststore=PATH", "CA certificates, PEM (JKS: convert with keytool -exportcert -rfc)"],
      ["truststore-password=P", "Truststore password (unused with PEM)"],
      ["keystore=PATH", "Client certificate and key, PEM (default: no client certificate)"],
      ["keystore-password=P", "Keystore password (default none)"],
      ["ssl-protocol=TLS", "TLS protocol"],
      ["ssl-alg=SunX509", "Key manager algorithm"],
      ["store-type=JKS", "Keystore format"],
      ["ssl-ciphers=LIST", "Cipher suites, comma-separated"],
      ["hostname-verification=false", "Verify the server host name"],
    ],
  },
  "-port": {
    title: "-port: ports to connect to",
    usage: ["-port [native=9042] [thrift=9160] [jmx=7199]"],
    rows: [
      ["native=9042", "CQL native protocol port"],
      ["thrift=9160", "Thrift port (unused)"],
      ["jmx=7199", "JMX port"],
    ],
  },
  "-sendto": {
    title: "-sendto: send the command to a stress daemon (not supported)",
    usage: ["-sendto HOST"],
    rows: [],
    notes: ["Removed in Apache Cassandra 4.1; stress rejects it."],
  },
  "-graph": {
    title: "-graph: write an HTML report with charts",
    usage: ["-graph file=PATH [revision=NAME] [title=TEXT] [op=NAME]"],
    rows: [
      ["file=PATH", "HTML file to create or append to (required)"],
      ["revision=unknown", "Name of this run in the file"],
      ["title=TEXT", "Chart title (default none)"],
      ["op=NAME", "Operation name (default the command, e.g. WRITE)"],
    ],
  },
  "-tokenrange": {
    title: "-tokenrange: token range queries of user profiles",
    usage: ["-tokenrange [wrap] [split-factor=1]"],
    rows: [
      ["wrap", "Re-use token ranges"],
      ["split-factor=1", "Split every token range by this factor"],
    ],
  },
  "-loader": {
    title: "-loader: whether the load generator itself was a limit (ours, not cassandra-stress's)",
    usage: ["-loader [fail-if-limited]"],
    rows: [
      ["fail-if-limited", "Exit 4 when the verdict is limited (after the run, files written)"],
    ],
    notes: [
      "Every run judges itself; one that ends by itself prints, on stderr after the Results",
      "block, 'Loader: ok' or 'Loader: limited: REASONS' with its figures (every run has it in",
      "the -log json= summary as 'loader', on the live page and on /metrics).",
      "Limited: over 1% of the ops that waited for their slot started more than 1 ms after it,",
      "a Worker's thread used 90% of a core or more, or its event loop was 10 ms late at p99.",
    ],
  },
};

const GENERAL = [
  "Usage:      stress <command> [options] [-group sub-options...]",
  "Help usage: stress help <command>   or   stress help -<group>",
  "",
  "---Commands---",
  "read                 : Concurrent reads; populate the cluster with write first",
  "write                : Concurrent writes (alias insert)",
  "mixed                : Interleaved basic commands with a configurable ratio",
  "counter_write        : Concurrent counter updates (alias counter_add)",
  "counter_read         : Concurrent counter reads (alias counter_get)",
  "user                 : Operations from a YAML profile",
  "help                 : Print help for a command or option group (alias -?)",
  "print                : Print the percentiles of a distribution",
  "version              : Print the version",
  "",
  "---Options---",
  "-pop                 : Population distribution and intra-partition visit order",
  "-insert              : Batching and splitting of partition updates",
  "-col                 : Column count, size, names and comparator",
  "-rate                : Thread count, rate limit or automatic mode (default auto)",
  "-mode                : Driver options: prepared, compression, credentials, connections",
  "-errors              : How to handle errors",
  "-schema              : Replication, keyspace, compaction and compression",
  "-node                : Nodes to connect to, or synthetic[:DIST] (see below)",
  "-log                 : Where to log progress and how often",
  "-transport           : TLS settings",
  "-port                : Ports to connect to",
  "-sendto              : Not supported (removed in Apache Cassandra 4.1)",
  "-graph               : Write an HTML report with charts",
  "-tokenrange          : Token range settings of user profiles",
  "",
  "---Other commands---",
  "simulate SECONDS                 : Run against a synthetic target for SECONDS, no server needed",
  "analyze N [-- STRESS-ARGS]       : Run N shards of a command side by side, merge their logs",
  "compare A.json B.json [--metric] : Compare two runs' JSON summaries, with significance tests",
  "merge LOG... [--output FILE]     : Merge loaders' HDR logs into one run's rows, Results and log",
  "serve [--port N] [--user U ...]  : Run the embedded in-memory CQL node (no disk, no replication)",
  "query setup|run --url URL ...    : The PostgreSQL/TimescaleDB query benchmark",
  "disk server|client|report ...    : The distributed disk benchmark",
  "checkout consistency|load ...    : Consistency and load tests of checkout services",
  "",
  "---Extensions---",
  "-loader [fail-if-limited]         : Whether the loader itself was a limit (a line on stderr",
  "                                   after Results); fail-if-limited makes limited exit 4",
  "-node synthetic[:DIST][:errors(P)]: The built-in synthetic target: each op completes after a",
  "                                   latency drawn from DIST in microseconds (synthetic alone:",
  "                                   zero latency) and fails with probability P (default 0)",
  "-node embedded                   : Start the embedded in-memory CQL node inside the command, on a",
  "                                   free loopback port, and run against it (see stress serve -h)",
  "-log json=FILE                   : Also write a machine-readable JSON summary",
  "-log prometheus=[HOST:]PORT      : Serve the latest interval at /metrics (Prometheus text",
  "                                   format); a bare port binds 127.0.0.1",
  "-log web=[HOST:]PORT             : Serve the live page (charts per op type, Stop); a bare",
  "                                   port binds 127.0.0.1",
  "--dry-run                        : Print the resolved settings and exit",
  "--shard I/N                      : Be loader I (from 0) of N: a slice of the seq population and",
  "                                   of n, 1/N of the rate (--shards N takes I from",
  "                                   JOB_COMPLETION_INDEX)",
  "--help, -h                       : Help for the command on the line",
  "--verbose                        : With an error line, print where in stress it arose too",
  "",
  "---Examples---",
  "stress write n=1000000 -rate threads=50",
  "stress read duration=10m cl=QUORUM -node 10.0.0.1,10.0.0.2",
  "stress mixed ratio(read=3,write=1) n=1M -pop dist=gaussian(1..1M) -rate threads=100 fixed=5000/s",
  "stress user profile=table.yaml ops(insert=1,read1=3) duration=5m",
  "stress write n=200000 -rate threads=64 -node synthetic:uniform(50..500)",
  "stress print dist=exp(1..1000)",
];

function pad(text: string, width: number): string {
  return text.length >= width ? `${text} ` : text + " ".repeat(width - text.length);
}

function renderPage(page: Page): string {
  const lines = [page.title, "", ...page.usage.map((usage) => `Usage: ${usage}`)];
  if (page.rows.length > 0) {
    lines.push("");
    for (const [usage, text] of page.rows) lines.push(`  ${pad(usage, 38)}${text}`);
  }
  if (page.notes !== undefined) lines.push("", ...page.notes);
  return `${lines.join("\n")}\n`;
}

/** The page of a topic's canonical name; an inherited name (`constructor`) has none. */
function pageOf(key: string): Page | undefined {
  return Object.hasOwn(PAGES, key) ? PAGES[key] : undefined;
}

const TOPIC_ALIASES: Readonly<Record<string, string>> = {
  insert: "write",
  counterwrite: "counter_write",
  "counter_add": "counter_write",
  counteradd: "counter_write",
  counterread: "counter_read",
  "counter_get": "counter_read",
  counterget: "counter_read",
  "-?": "help",
  "-send-to": "-sendto",
};

/**
 * Returns the help text: general usage without a topic, else the page of a command
 * (`"write"`, aliases accepted) or an option group (`"-rate"` or `"rate"`), listing every
 * sub-option with its default.
 *
 * @param topic A command or option group, or undefined for general usage.
 * @returns The help text, ending with a newline.
 * @throws {OptionError} When the topic is not a command or option group.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatHelp } from "./help_text.ts";
 * assert.ok(formatHelp().includes("simulate SECONDS"));
 * assert.ok(formatHelp("-rate").includes("threads>=4"));
 * assert.throws(() => formatHelp("-bogus"));
 * ```
 */
export function formatHelp(topic?: string): string {
  if (topic === undefined || topic === "") return `${GENERAL.join("\n")}\n`;
  const lower = topic.toLowerCase();
  const key = Object.hasOwn(TOPIC_ALIASES, lower) ? TOPIC_ALIASES[lower] : lower;
  const page = pageOf(key) ?? (key.startsWith("-") ? undefined : pageOf(`-${key}`));
  if (page === undefined) {
    throw new OptionError({
      option: "help",
      value: topic,
      problem: "is not a known command or option",
      expected: `one of ${Object.keys(PAGES).join(", ")}`,
    });
  }
  return renderPage(page);
}
