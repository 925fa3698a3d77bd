import assert from "node:assert/strict";
import fc from "fast-check";
import { exactPercentile } from "../../lib/core/exact_percentile.ts";
import { Prng } from "../../lib/core/prng.ts";
import {
  formatPrometheusText,
  type PrometheusTextInput,
} from "../../lib/report/prometheus_text.ts";
import { OpWindow } from "../../lib/stats/op_window.ts";
import { parseExposition, valueOf } from "./_prometheus_parse.ts";

const FC_SEED = 8464;

Deno.test("parseExposition() (the test's parser) rejects what the format forbids", async (t) => {
  const bad: [string, string][] = [
    ["no final line feed", "# TYPE a gauge\na 1"],
    ["a sample before its TYPE", "a 1\n# TYPE a gauge\n"],
    ["interleaved families", '# TYPE a gauge\n# TYPE b gauge\na 1\nb 1\na{x="1"} 2\n'],
    ["two TYPE lines", "# TYPE a gauge\n# TYPE a gauge\na 1\n"],
    ["two HELP lines", "# HELP a x\n# HELP a y\n# TYPE a gauge\na 1\n"],
    ["an unknown type", "# TYPE a meter\na 1\n"],
    ["a bad escape in a label", '# TYPE a gauge\na{x="\\t"} 1\n'],
    ["a raw quote in a label", '# TYPE a gauge\na{x="""} 1\n'],
    ["empty braces", "# TYPE a gauge\na{} 1\n"],
    ["a duplicate sample", '# TYPE a gauge\na{x="1"} 1\na{x="1"} 2\n'],
    ["a JavaScript Infinity", "# TYPE a gauge\na Infinity\n"],
    ["a float with a comma", "# TYPE a gauge\na 1,5\n"],
    ["a bad label name", '# TYPE a gauge\na{1x="1"} 1\n'],
  ];
  for (const [what, text] of bad) {
    await t.step(what, () => assert.throws(() => parseExposition(text), SyntaxError));
  }
  await t.step("but reads the spec's own example", () => {
    const families = parseExposition(
      "# HELP http_requests_total The total number of HTTP requests.\n" +
        "# TYPE http_requests_total counter\n" +
        'http_requests_total{method="post",code="200"} 1027 1395066363000\n' +
        'http_requests_total{method="post",code="400"}    3 1395066363000\n' +
        "# TYPE msdos gauge\n" +
        'msdos{path="C:\\\\DIR\\\\FILE.TXT",error="Cannot find file:\\n\\"FILE.TXT\\""} 1.458255915e9\n',
    );
    assert.equal(valueOf(families, "http_requests_total", { method: "post", code: "400" }), 3);
    assert.equal(
      valueOf(families, "msdos", {
        path: "C:\\DIR\\FILE.TXT",
        error: 'Cannot find file:\n"FILE.TXT"',
      }),
      1458255915,
    );
  });
});

// ---- fixtures ----

/** A window whose service times are `serviceNs` and response times 1 ms later each. */
function windowOf(
  name: string,
  serviceNs: readonly number[],
  extra: { errors?: number; scheduled?: boolean } = {},
): OpWindow {
  const scheduled = extra.scheduled ?? true;
  const window = new OpWindow(name, { scheduled });
  window.ops = serviceNs.length;
  window.errors = extra.errors ?? 0;
  for (const valueNs of serviceNs) {
    window.service.recordValue(valueNs);
    window.response?.recordValue(valueNs + 1_000_000);
  }
  return window;
}

/** `count` log-uniform latencies from 100 µs to about 200 ms, from a seeded PRNG. */
function latenciesNs(seed: number, count: number): number[] {
  const prng = new Prng(seed);
  return Array.from(
    { length: count },
    () => Math.floor(100_000 * Math.exp(prng.nextDouble() * 7.6)),
  );
}

function fixture(useResponseTime: boolean): PrometheusTextInput {
  const read = windowOf("READ", latenciesNs(1, 3000), { errors: 3 });
  const write = windowOf("WRITE", latenciesNs(2, 1200));
  const readTotal = windowOf("READ", latenciesNs(3, 10), { errors: 1 });
  readTotal.ops = 41_000;
  readTotal.errors = 17;
  const writeTotal = windowOf("WRITE", [1]);
  writeTotal.ops = 16_500;
  return {
    command: "mixed",
    windows: [read, write],
    lengthSec: 1.25,
    totals: [readTotal, writeTotal],
    elapsedSec: 12.5,
    useResponseTime,
  };
}

// ---- formatPrometheusText ----

Deno.test("formatPrometheusText() matches the golden exposition", async (t) => {
  await t.assertSnapshot(formatPrometheusText(fixture(true)));
});

Deno.test("formatPrometheusText() writes each family once, typed, in order, with a final line feed", () => {
  const text = formatPrometheusText(fixture(false));
  const families = parseExposition(text);
  assert.deepEqual([...families].map(([name, family]) => [name, family.type]), [
    ["stress_ops_total", "counter"],
    ["stress_errors_total", "counter"],
    ["stress_interval_ops_per_second", "gauge"],
    ["stress_interval_errors_per_second", "gauge"],
    ["stress_interval_latency_seconds", "gauge"],
    ["stress_elapsed_seconds", "gauge"],
    ["stress_info", "gauge"],
  ]);
  for (const [name, family] of families) assert.ok(family.help !== null, `HELP of ${name}`);
  assert.ok(text.endsWith("1\n"));
  assert.ok(!text.includes("\n\n"));
});

Deno.test("formatPrometheusText() reports the totals as counters and the interval as rates", () => {
  const input = fixture(false);
  const families = parseExposition(formatPrometheusText(input));
  assert.equal(valueOf(families, "stress_ops_total", { op: "READ" }), 41_000);
  assert.equal(valueOf(families, "stress_ops_total", { op: "WRITE" }), 16_500);
  assert.equal(valueOf(families, "stress_errors_total", { op: "READ" }), 17);
  assert.equal(valueOf(families, "stress_errors_total", { op: "WRITE" }), 0);
  assert.equal(valueOf(families, "stress_interval_ops_per_second", { op: "READ" }), 2400);
  assert.equal(valueOf(families, "stress_interval_ops_per_second", { op: "WRITE" }), 960);
  assert.equal(valueOf(families, "stress_interval_errors_per_second", { op: "READ" }), 2.4);
  assert.equal(valueOf(families, "stress_interval_errors_per_second", { op: "WRITE" }), 0);
  assert.equal(valueOf(families, "stress_elapsed_seconds"), 12.5);
  assert.equal(valueOf(families, "stress_info", { command: "mixed" }), 1);
});

Deno.test("formatPrometheusText() reports the interval's percentiles from its histogram in seconds", () => {
  const quantiles: [string, number][] = [["0.5", 50], ["0.95", 95], ["0.99", 99], [
    "0.999",
    99.9,
  ], ["1", 100]];
  for (const useResponseTime of [false, true]) {
    const input = fixture(useResponseTime);
    const families = parseExposition(formatPrometheusText(input));
    for (const [op, seed, count] of [["READ", 1, 3000], ["WRITE", 2, 1200]] as const) {
      const window = input.windows.find((w) => w.name === op)!;
      const histogram = useResponseTime ? window.response! : window.service;
      const offsetNs = useResponseTime ? 1_000_000 : 0;
      const sorted = latenciesNs(seed, count).map((v) => v + offsetNs).sort((a, b) => a - b);
      for (const [quantile, percentile] of quantiles) {
        const seconds = valueOf(families, "stress_interval_latency_seconds", { op, quantile });
        // Exactly the histogram's value (as the interval rows show it)...
        const expectedNs = percentile === 100
          ? histogram.maxNs
          : histogram.valueAtPercentile(percentile);
        assert.equal(seconds, expectedNs / 1e9);
        // ...which is the exact percentile of the recorded data within 3 significant digits.
        const exactSec = exactPercentile(sorted, percentile) / 1e9;
        assert.ok(
          Math.abs(seconds - exactSec) <= exactSec * 1e-3,
          `${op} p${percentile}: ${seconds} vs exact ${exactSec}`,
        );
      }
    }
  }
});

Deno.test("formatPrometheusText() falls back to service time when a window has no schedule", () => {
  const window = windowOf("READ", [2_000_000], { scheduled: false });
  const families = parseExposition(formatPrometheusText({
    command: "read",
    windows: [window],
    lengthSec: 1,
    totals: [window],
    elapsedSec: 1,
    useResponseTime: true,
  }));
  const seconds = valueOf(families, "stress_interval_latency_seconds", {
    op: "READ",
    quantile: "1",
  });
  assert.equal(seconds, window.service.maxNs / 1e9);
});

Deno.test("formatPrometheusText() writes NaN percentiles for an interval without ops", () => {
  const idle = new OpWindow("WRITE", { scheduled: false });
  idle.errors = 4;
  const families = parseExposition(formatPrometheusText({
    command: "write",
    windows: [idle],
    lengthSec: 2,
    totals: [idle],
    elapsedSec: 8,
    useResponseTime: false,
  }));
  assert.equal(valueOf(families, "stress_interval_ops_per_second", { op: "WRITE" }), 0);
  assert.equal(valueOf(families, "stress_interval_errors_per_second", { op: "WRITE" }), 2);
  const latency = families.get("stress_interval_latency_seconds")!.samples;
  assert.equal(latency.length, 5);
  assert.ok(latency.every((sample) => Number.isNaN(sample.value)));
});

Deno.test("formatPrometheusText() keeps every family but no interval samples before the first interval", () => {
  const families = parseExposition(formatPrometheusText({
    command: "write",
    windows: [],
    lengthSec: 1,
    totals: [],
    elapsedSec: 0,
    useResponseTime: false,
  }));
  assert.equal(families.size, 7);
  assert.equal(families.get("stress_interval_latency_seconds")!.samples.length, 0);
  assert.equal(families.get("stress_ops_total")!.samples.length, 0);
  assert.equal(valueOf(families, "stress_elapsed_seconds"), 0);
});

Deno.test("formatPrometheusText() escapes backslash, double quote and line feed in labels", () => {
  const name = 'in\\sert "x"\nnext';
  const window = windowOf(name, [1000]);
  const text = formatPrometheusText({
    command: 'user profile="a\\b.yaml"\n',
    windows: [window],
    lengthSec: 1,
    totals: [window],
    elapsedSec: 1,
    useResponseTime: false,
  });
  assert.ok(text.includes('stress_ops_total{op="in\\\\sert \\"x\\"\\nnext"} 1\n'));
  const families = parseExposition(text);
  assert.equal(valueOf(families, "stress_ops_total", { op: name }), 1);
  assert.equal(valueOf(families, "stress_info", { command: 'user profile="a\\b.yaml"\n' }), 1);
});

Deno.test("formatPrometheusText() rejects an interval length that is not > 0", async (t) => {
  for (const lengthSec of [0, -1, NaN, Infinity]) {
    await t.step(String(lengthSec), () => {
      assert.throws(
        () => formatPrometheusText({ ...fixture(false), lengthSec }),
        (error: unknown) =>
          error instanceof RangeError &&
          error.message ===
            `Cannot format Prometheus text: interval length "${lengthSec}" is invalid, expected a number > 0`,
      );
    });
  }
});

Deno.test("formatPrometheusText() property: any op names, counts and times parse back exactly", () => {
  // Any character, often one that the format escapes or uses as syntax.
  const charArb = fc.oneof(
    fc.constantFrom("\\", '"', "\n", "{", "}", ",", "=", " ", "#"),
    fc.string({ unit: "binary", minLength: 1, maxLength: 1 }),
  );
  const opArb = fc.record({
    ops: fc.nat({ max: 2 ** 40 }),
    errors: fc.nat({ max: 2 ** 40 }),
  });
  fc.assert(
    fc.property(
      fc.uniqueArray(fc.string({ unit: charArb, minLength: 1, maxLength: 12 }), { maxLength: 5 }),
      fc.array(opArb, { minLength: 5, maxLength: 5 }),
      fc.double({ min: 1e-9, max: 1e6, noNaN: true }),
      fc.double(),
      fc.string({ unit: charArb, maxLength: 20 }),
      (names, counts, lengthSec, elapsedSec, command) => {
        const windows = names.map((name, i) => {
          const window = new OpWindow(name, { scheduled: false });
          window.ops = counts[i].ops;
          window.errors = counts[i].errors;
          return window;
        });
        const families = parseExposition(formatPrometheusText({
          command,
          windows,
          lengthSec,
          totals: windows,
          elapsedSec,
          useResponseTime: false,
        }));
        const elapsed = valueOf(families, "stress_elapsed_seconds");
        assert.ok(Object.is(elapsed, elapsedSec) || elapsed === elapsedSec, `${elapsedSec}`);
        assert.equal(valueOf(families, "stress_info", { command }), 1);
        for (const window of windows) {
          const op = { op: window.name };
          assert.equal(valueOf(families, "stress_ops_total", op), window.ops);
          assert.equal(valueOf(families, "stress_errors_total", op), window.errors);
          assert.equal(
            valueOf(families, "stress_interval_ops_per_second", op),
            window.ops / lengthSec,
          );
          assert.equal(
            valueOf(families, "stress_interval_errors_per_second", op),
            window.errors / lengthSec,
          );
        }
      },
    ),
    { numRuns: 300, seed: FC_SEED },
  );
});
