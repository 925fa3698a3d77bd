import assert from "node:assert/strict";
import fc from "fast-check";
import {
  appendGraphRevision,
  type GraphPoint,
  type GraphRevision,
  readGraphRevisions,
} from "../../lib/report/graph_html.ts";
import {
  UPLOT_CSS,
  UPLOT_JS,
  UPLOT_LICENSE,
  UPLOT_VERSION,
} from "../../lib/report/_graph_vendor.ts";
import {
  downloadVendorFiles,
  renderVendorModule,
  VENDORED_PACKAGE,
} from "../../scripts/vendor_graph_lib.ts";
import { UsageError } from "../../lib/errors.ts";

function point(timeSec: number, scale: number): GraphPoint {
  return {
    timeSec,
    opsPerSec: 1000 * scale,
    errorsPerSec: 0,
    meanMs: 1.25 * scale,
    p50Ms: 1 * scale,
    p95Ms: 2 * scale,
    p99Ms: 3 * scale,
    p999Ms: 4 * scale,
    maxMs: 5 * scale,
  };
}

function run(revision: string, overrides: Partial<GraphRevision> = {}): GraphRevision {
  const times = [1, 2, 3];
  return {
    revision,
    title: "Cluster A",
    operation: "MIXED",
    commandLine: "mixed ratio(write=1,read=3) duration=3s -rate threads=4",
    startTime: "2024-11-06T14:34:21.000Z",
    series: {
      READ: times.map((t) => point(t, 1)),
      WRITE: times.map((t) => point(t, 2)),
      total: times.map((t) => point(t, 1.5)),
    },
    summary: { "Op rate": "3,000 op/s [READ: 2,250 op/s, WRITE: 750 op/s]", "Total errors": 0 },
    ...overrides,
  };
}

/** The HTML without the vendored library, for snapshots and URL checks. */
function withoutVendor(html: string): string {
  return html
    .replace(UPLOT_JS, "/* uPlot JS */")
    .replace(UPLOT_CSS, "/* uPlot CSS */")
    .replace(/<pre>[\s\S]*?<\/pre>/, "<pre>(uPlot license)</pre>");
}

function scriptBodies(html: string): string[] {
  return [...html.matchAll(/<script[^>]*>([\s\S]*?)<\/script>/g)].map((m) => m[1]);
}

Deno.test("appendGraphRevision() writes a new file that readGraphRevisions() reads back", async (t) => {
  const revision = run("r1");
  const html = appendGraphRevision(null, revision);
  assert.deepEqual(readGraphRevisions(html), [revision]);
  assert.ok(html.startsWith("<!DOCTYPE html>\n"));
  await t.assertSnapshot(withoutVendor(html));
});

Deno.test("appendGraphRevision() treats a blank existing text as a new file", () => {
  const html = appendGraphRevision(" \n", run("r1"));
  assert.deepEqual(readGraphRevisions(html).map((r) => r.revision), ["r1"]);
});

Deno.test("appendGraphRevision() keeps the first revision intact when appending", () => {
  const first = run("before");
  const second = run("after", { title: null, series: { WRITE: [point(1, 9)] } });
  const once = appendGraphRevision(null, first);
  const twice = appendGraphRevision(once, second);
  const thrice = appendGraphRevision(twice, run("third"));
  assert.deepEqual(readGraphRevisions(twice), [first, second]);
  assert.deepEqual(readGraphRevisions(thrice).slice(0, 2), [first, second]);
  // The stored JSON of the first revision is byte for byte the same.
  const dataOf = (html: string) => JSON.parse(scriptBodies(html)[0]).revisions;
  assert.deepEqual(dataOf(twice)[0], dataOf(once)[0]);
  assert.equal(JSON.stringify(dataOf(thrice)[0]), JSON.stringify(dataOf(once)[0]));
  // Each revision gets its own checkbox and summary section.
  assert.equal(thrice.match(/<input type="checkbox" class="revision"/g)?.length, 3);
  assert.equal(thrice.match(/<section class="revision">/g)?.length, 3);
});

Deno.test("appendGraphRevision() shows <revision> (<operation>) when the title is null", () => {
  const html = appendGraphRevision(null, run("unknown", { title: null, operation: "WRITE" }));
  assert.ok(html.includes("<title>unknown (WRITE)</title>"));
  assert.ok(html.includes("<h1>unknown (WRITE)</h1>"));
  assert.equal(readGraphRevisions(html)[0].title, null);
});

Deno.test("appendGraphRevision() lists total first, then the op types sorted", () => {
  const html = appendGraphRevision(
    appendGraphRevision(null, run("a", { series: { WRITE: [], total: [] } })),
    run("b", { series: { READ: [], COUNTER_WRITE: [] } }),
  );
  const options = [...html.matchAll(/<option value="([^"]*)">/g)].map((m) => m[1]);
  assert.deepEqual(options, ["total", "COUNTER_WRITE", "READ", "WRITE"]);
});

const HOSTILE = [
  "</script>",
  "</SCRIPT >",
  '"',
  "'",
  "<b>bold</b>",
  "<!--",
  "&amp;",
  "\u2028",
  "__proto__",
];
const textArb = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.constantFrom(...HOSTILE),
  fc.array(fc.constantFrom(...HOSTILE, "x", " "), { maxLength: 6 }).map((a) => a.join("")),
);
const numberArb = fc.oneof(
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.integer(),
  fc.constant(NaN),
);
const pointArb: fc.Arbitrary<GraphPoint> = fc.record({
  timeSec: numberArb,
  opsPerSec: numberArb,
  errorsPerSec: numberArb,
  meanMs: numberArb,
  p50Ms: numberArb,
  p95Ms: numberArb,
  p99Ms: numberArb,
  p999Ms: numberArb,
  maxMs: numberArb,
}, { noNullPrototype: true });
const revisionArb: fc.Arbitrary<GraphRevision> = fc.record({
  revision: textArb,
  title: fc.option(textArb, { nil: null }),
  operation: textArb,
  commandLine: textArb,
  startTime: textArb,
  series: fc.dictionary(textArb, fc.array(pointArb, { maxLength: 4 }), {
    maxKeys: 3,
    noNullPrototype: true,
  }),
  summary: fc.dictionary(textArb, fc.oneof(textArb, numberArb), {
    maxKeys: 4,
    noNullPrototype: true,
  }),
}, { noNullPrototype: true });

Deno.test("readGraphRevisions() round trips any data, hostile strings included", () => {
  fc.assert(
    fc.property(fc.array(revisionArb, { minLength: 1, maxLength: 3 }), (revisions) => {
      let html: string | null = null;
      for (const revision of revisions) html = appendGraphRevision(html, revision);
      assert.deepEqual(readGraphRevisions(html!), revisions);
      // Nothing in the data can open or close a tag: only our three scripts exist.
      assert.equal(html!.match(/<\/script/gi)?.length, 3);
      assert.equal(html!.match(/<script/gi)?.length, 3);
      assert.ok(!withoutVendor(html!).includes("<b>"));
    }),
    { numRuns: 200, seed: 20241106 },
  );
});

Deno.test("readGraphRevisions() keeps an op type or summary label named __proto__", () => {
  const revision = run("r", {
    series: JSON.parse('{"__proto__": []}'),
    summary: JSON.parse('{"__proto__": "x"}'),
  });
  const [back] = readGraphRevisions(appendGraphRevision(null, revision));
  assert.deepEqual(Object.keys(back.series), ["__proto__"]);
  assert.deepEqual(Object.keys(back.summary), ["__proto__"]);
  assert.equal(Object.getPrototypeOf(back.series), Object.prototype);
});

Deno.test("appendGraphRevision() stores non-finite numbers as gaps that read back as NaN", () => {
  const revision = run("r", {
    series: { total: [{ ...point(1, 1), p99Ms: Infinity, maxMs: NaN }] },
    summary: { "Avg GC time": NaN },
  });
  const [back] = readGraphRevisions(appendGraphRevision(null, revision));
  assert.equal(back.series.total[0].p99Ms, NaN);
  assert.equal(back.series.total[0].maxMs, NaN);
  assert.equal(back.summary["Avg GC time"], NaN);
});

Deno.test("appendGraphRevision() rejects a file not written by -graph", async (t) => {
  const store = (value: unknown) =>
    `<script type="application/json" id="stress-graph-data">${JSON.stringify(value)}</script>`;
  const good = JSON.parse(scriptBodies(appendGraphRevision(null, run("r")))[0]);
  const cases: [string, string, string][] = [
    [
      "a foreign page",
      "<!DOCTYPE html><html><body><h1>Notes</h1></body></html>",
      "it has no stress graph data",
    ],
    [
      "an unclosed data element",
      store(good).replace("</script>", ""),
      "it has no stress graph data",
    ],
    [
      "broken JSON",
      '<script type="application/json" id="stress-graph-data">{"format":</script>',
      "its graph data is not valid JSON",
    ],
    [
      "another format",
      store({ ...good, format: "other" }),
      'its graph data is not format "stress-graph" version 1',
    ],
    [
      "a newer version",
      store({ ...good, formatVersion: 2 }),
      'its graph data is not format "stress-graph" version 1',
    ],
    [
      "a revision without series",
      store({ ...good, revisions: [{ ...good.revisions[0], series: undefined }] }),
      'revision 1 has a malformed "series"',
    ],
    [
      "a column of the wrong length",
      store({
        ...good,
        revisions: [good.revisions[0], {
          ...good.revisions[0],
          series: { total: { ...good.revisions[0].series.total, p99Ms: [1] } },
        }],
      }),
      'revision 2 has a malformed "series.total.p99Ms"',
    ],
  ];
  for (const [name, html, problem] of cases) {
    await t.step(name, () => {
      assert.throws(() => appendGraphRevision(html, run("r"), { fileName: "x.html" }), (e) => {
        assert.ok(e instanceof UsageError);
        assert.equal(e.exitCode, 2);
        assert.equal(
          e.message,
          `Cannot append to "x.html": ${problem}, expected a file written by -graph`,
        );
        return true;
      });
    });
  }
  assert.throws(() => readGraphRevisions("<html></html>"), {
    name: "UsageError",
    message:
      "Cannot read graph file: it has no stress graph data, expected a file written by -graph",
  });
});

Deno.test("appendGraphRevision() inlines the pinned charting library and needs no network", () => {
  const html = appendGraphRevision(null, run("r"));
  assert.equal(UPLOT_VERSION, VENDORED_PACKAGE.version);
  assert.ok(UPLOT_JS.startsWith(`/*! https://github.com/leeoniya/uPlot (v${UPLOT_VERSION}) */`));
  assert.ok(html.includes(`<script>${UPLOT_JS}</script>`));
  assert.ok(html.includes(`<style>${UPLOT_CSS}</style>`));
  assert.ok(UPLOT_LICENSE.startsWith("The MIT License"));
  assert.ok(html.includes("Copyright (c) 2022 Leon Sorokin"));
  assert.doesNotMatch(html, /<script[^>]*\ssrc=/i);
  assert.doesNotMatch(html, /<link\b/i);
  assert.doesNotMatch(html, /@import|url\(/i);
  // The only URL in the file is the one in the library's banner comment.
  assert.doesNotMatch(withoutVendor(html), /https?:\/\//);
  assert.equal(UPLOT_JS.match(/https?:\/\//g)?.length, 1);
  // The library cannot end its own script element early.
  assert.doesNotMatch(UPLOT_JS, /<\/script|<!--/i);
  assert.doesNotMatch(UPLOT_CSS, /<\/style/i);
});

function fakeElement<T extends object>(props: T) {
  const listeners: Record<string, () => void> = {};
  return {
    textContent: "",
    children: [] as unknown[],
    clientWidth: 900,
    listeners,
    appendChild(child: unknown) {
      this.children.push(child);
    },
    addEventListener(type: string, fn: () => void) {
      listeners[type] = fn;
    },
    ...props,
  };
}

Deno.test("appendGraphRevision() page script draws one chart per metric per checked revision", () => {
  const html = appendGraphRevision(
    appendGraphRevision(null, run("before")),
    run("after", { series: { total: [point(1, 3), point(2.5, 3)] } }),
  );
  const [data, library, page] = scriptBodies(html);
  // The real library (its join aligns the revisions' time axes); it loads without a DOM.
  const uPlot = new Function(`${library}\nreturn uPlot;`)();
  const drawn: { opts: Record<string, unknown>; data: unknown[][] }[] = [];
  function FakePlot(opts: Record<string, unknown>, plotData: unknown[][]) {
    drawn.push({ opts, data: plotData });
  }
  FakePlot.join = uPlot.join;
  const charts = fakeElement({});
  const op = fakeElement({ value: "total" });
  const boxes = [0, 1].map((i) =>
    fakeElement({ checked: true, value: String(i), dataset: { color: `c${i}` } })
  );
  const document = {
    getElementById: (id: string) =>
      ({ "stress-graph-data": { textContent: data }, charts, op } as Record<string, unknown>)[id],
    querySelectorAll: (selector: string) => (selector === "input.revision" ? boxes : []),
    createElement: () => ({ className: "" }),
  };
  new Function("document", "uPlot", page)(document, FakePlot);

  assert.equal(drawn.length, 8);
  assert.deepEqual(drawn.map((d) => d.opts.title), [
    "Throughput (op/s)",
    "Errors (errors/s)",
    "Latency mean (ms)",
    "Latency median (ms)",
    "Latency 95th percentile (ms)",
    "Latency 99th percentile (ms)",
    "Latency 99.9th percentile (ms)",
    "Latency max (ms)",
  ]);
  const throughput = drawn[0];
  assert.deepEqual(
    (throughput.opts.series as { label: string }[]).map((s) => s.label),
    ["time (s)", "before", "after"],
  );
  assert.deepEqual(throughput.data, [
    [1, 2, 2.5, 3],
    [1500, 1500, undefined, 1500],
    [3000, undefined, 3000, undefined],
  ]);
  assert.equal(charts.children.length, 8);

  // Unchecking a revision and picking an op type draws again with what is left.
  drawn.length = 0;
  boxes[1].checked = false;
  op.value = "WRITE";
  op.listeners.change();
  assert.equal(drawn.length, 8);
  assert.deepEqual(drawn[7].data, [[1, 2, 3], [10, 10, 10]]);

  // An op type no checked revision has shows a message instead of charts.
  drawn.length = 0;
  boxes[0].checked = false;
  boxes[0].listeners.change();
  assert.equal(drawn.length, 0);
  assert.equal(charts.textContent, "No data for WRITE in the checked revisions.");

  // Inherited names are not op types.
  boxes[0].checked = true;
  op.value = "constructor";
  op.listeners.change();
  assert.equal(drawn.length, 0);
  assert.equal(charts.textContent, "No data for constructor in the checked revisions.");
});

Deno.test("_graph_vendor.ts equals what the pinned npm tarball contains", async () => {
  const registry = Deno.env.get("NPM_CONFIG_REGISTRY") ?? "https://registry.npmjs.org";
  let files;
  try {
    files = await downloadVendorFiles(VENDORED_PACKAGE, { registry });
  } catch (error) {
    if (!(error instanceof TypeError)) throw error; // fetch failed: no network to the registry
    // deno-lint-ignore no-console
    console.warn(`skipped: the npm registry ${registry} is unreachable (${error.message})`);
    return;
  }
  const onDisk = await Deno.readTextFile(
    new URL("../../lib/report/_graph_vendor.ts", import.meta.url),
  );
  assert.equal(files.js, UPLOT_JS);
  assert.equal(files.css, UPLOT_CSS);
  assert.equal(files.license, UPLOT_LICENSE);
  assert.equal(onDisk, renderVendorModule(VENDORED_PACKAGE, files));
});

function findChromium(): string | null {
  for (const dir of (Deno.env.get("PATH") ?? "").split(":")) {
    for (const name of ["chromium", "chromium-browser"]) {
      try {
        if (Deno.statSync(`${dir}/${name}`).isFile) return `${dir}/${name}`;
      } catch {
        // not in this directory
      }
    }
  }
  return null;
}

const CHROMIUM = findChromium();
if (CHROMIUM === null) {
  // deno-lint-ignore no-console
  console.warn("skipped: the headless chromium test needs `chromium` on PATH");
}

Deno.test({
  name: "appendGraphRevision() output draws its charts in headless chromium",
  ignore: CHROMIUM === null,
  async fn() {
    const dir = await Deno.makeTempDir();
    try {
      const path = `${dir}/graph.html`;
      await Deno.writeTextFile(
        path,
        appendGraphRevision(appendGraphRevision(null, run("before")), run("after")),
      );
      const output = await new Deno.Command(CHROMIUM!, {
        args: [
          "--headless",
          "--no-sandbox",
          "--disable-gpu",
          `--user-data-dir=${dir}/profile`,
          "--virtual-time-budget=5000",
          "--dump-dom",
          `file://${path}`,
        ],
        stdout: "piped",
        stderr: "null",
        signal: AbortSignal.timeout(60_000),
      }).output();
      const dom = new TextDecoder().decode(output.stdout);
      assert.equal(dom.match(/<div class="uplot/g)?.length, 8, "one uPlot chart per metric");
      assert.ok((dom.match(/<canvas/g)?.length ?? 0) >= 8, "each chart has a canvas");
      assert.ok(dom.includes("Throughput (op/s)"));
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
