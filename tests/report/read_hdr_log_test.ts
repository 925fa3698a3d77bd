import assert from "node:assert/strict";
import { readHdrLog } from "../../lib/report/read_hdr_log.ts";
import { formatHdrLogHeader, formatHdrLogInterval } from "../../lib/report/hdr_log.ts";
import { OpWindow } from "../../lib/stats/op_window.ts";
import { UserError } from "../../lib/errors.ts";

Deno.test("readHdrLog() reads back what formatHdrLogInterval() wrote", () => {
  const window = new OpWindow("WRITE", { scheduled: false });
  for (let i = 1; i <= 1000; i++) window.service.recordValue(i * 1000);
  window.ops = 1000;
  const text = formatHdrLogHeader({ startTimeMs: 1_700_000_000_250 }) +
    formatHdrLogInterval({ windows: [window], startSec: 0.25, lengthSec: 1 }) +
    formatHdrLogInterval({ windows: [window], startSec: 1.25, lengthSec: 0.5 });
  const log = readHdrLog(text, "x.hdr");
  assert.equal(log.baseTimeMs, 1_700_000_000_000);
  assert.deepEqual(log.intervals.map((i) => [i.tag, i.startSec, i.lengthSec]), [
    ["WRITE-st", 0.25, 1],
    ["WRITE-st", 1.25, 0.5],
  ]);
  for (const interval of log.intervals) {
    assert.equal(interval.histogram.totalCount, 1000);
    assert.equal(
      interval.histogram.valueAtPercentile(99),
      window.service.valueAtPercentile(99),
    );
  }
});

Deno.test("readHdrLog() rejects a line that is not an interval line", () => {
  assert.throws(
    () => readHdrLog("#[BaseTime: 1.000 (seconds since epoch)]\nTag=X,1,2\n", "bad.hdr"),
    (e) => e instanceof UserError && /"bad\.hdr": line 2 is invalid/.test(e.message),
  );
  assert.throws(
    () => readHdrLog("Tag=X,1,2,3,notbase64\n", "bad.hdr"),
    (e) => e instanceof UserError && /line 1 has an undecodable histogram/.test(e.message),
  );
  // A negative length: no interval (it made the merge's interval length 0 s, "invalid").
  const window = new OpWindow("WRITE", { scheduled: false });
  window.service.recordValue(1000);
  const text = formatHdrLogHeader({ startTimeMs: 1_700_000_000_000 }) +
    formatHdrLogInterval({ windows: [window], startSec: 0, lengthSec: 1 }).replace(
      ",0.000,1.000,",
      ",0.000,-1.000,",
    );
  assert.throws(
    () => readHdrLog(text, "neg.hdr"),
    (e) =>
      e instanceof UserError &&
      /^Cannot read HDR log "neg\.hdr": line 6 has length "-1\.000" s, expected 0 or more/.test(
        e.message,
      ),
  );
});

Deno.test("readHdrLog() of a log with no BaseTime: StartTime when its timestamps are relative", () => {
  const window = new OpWindow("WRITE", { scheduled: false });
  window.service.recordValue(1000);
  window.ops = 1;
  const withBase = formatHdrLogHeader({ startTimeMs: 1_700_000_000_000 }) +
    formatHdrLogInterval({ windows: [window], startSec: 2, lengthSec: 1 });
  const withoutBase = withBase.split("\n").filter((line) => !line.startsWith("#[BaseTime")).join(
    "\n",
  );
  assert.ok(withoutBase.includes("#[StartTime: 1700000000"), withoutBase);
  // Relative timestamps (2 s): on StartTime, as HdrHistogram's reader takes them.
  assert.equal(readHdrLog(withoutBase, "old.hdr").baseTimeMs, 1_700_000_000_000);
  // Absolute timestamps (seconds since the epoch): a base of 0.
  const absolute = withoutBase.replace(/^Tag=WRITE-st,2\.000,/m, "Tag=WRITE-st,1700000002.000,");
  assert.notEqual(absolute, withoutBase);
  assert.equal(readHdrLog(absolute, "abs.hdr").baseTimeMs, 0);
});

Deno.test("readHdrLog() of logs concatenated into one file: each BaseTime moves the intervals after it", () => {
  const window = new OpWindow("WRITE", { scheduled: false });
  window.service.recordValue(1000);
  window.ops = 1;
  const run = (startTimeMs: number) =>
    formatHdrLogHeader({ startTimeMs }) +
    formatHdrLogInterval({ windows: [window], startSec: 0.25, lengthSec: 1 });
  // `cat first.hdr second.hdr`: the second run started 14 s after the first.
  const log = readHdrLog(run(1_700_000_000_000) + run(1_700_000_014_000), "cat.hdr");
  assert.equal(log.baseTimeMs, 1_700_000_000_000);
  assert.deepEqual(log.intervals.map((i) => i.startSec), [0.25, 14.25]);
});
