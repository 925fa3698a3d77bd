// Our output of the recorded cassandra-stress command lines (tests/testdata/cassandra-stress-real/,
// the ScyllaDB fork 3.19.0 against Cassandra 5.0.6) against the embedded node, compared part
// by part with the real tool's (tests/cassandra/_compare_output.ts): settings dump, the order
// of the banner lines, interval header and row shapes, Results blocks. Each test runs the
// recording's command lines in its order on one node, so reads find what writes stored.
// tests/cassandra/recorded_runs_test.ts runs the same lines against a real Cassandra node.
import assert from "node:assert/strict";
import type { Mask } from "../cassandra/_compare_output.ts";
import {
  check,
  checkStoppedUncertaintyRun,
  DEFAULTS,
  runRecorded,
} from "../cassandra/_recorded_run.ts";
import { startNode } from "./_cql_run.ts";

Deno.test("write, then read, mixed, duration and auto-thread reads print what cassandra-stress prints (runs 01, 02, 03, 07, 09, 12, 15)", async (t) => {
  const node = await startNode();
  try {
    for (const name of ["01-write", "02-read", "03-mixed", "07-read-duration-log"]) {
      await t.step(
        name,
        async () => check(name, await runRecorded(node, name), DEFAULTS),
      );
    }
    await t.step("09-read-missing-keys", async () => {
      // The fork gives up at the failed warm-up; ours goes on to the measured run, which fails.
      const run = await runRecorded(node, "09-read-missing-keys");
      check("09-read-missing-keys", run, DEFAULTS, { prefix: true });
      assert.equal(run.out.at(-1), "FAILURE");
    });
    for (const name of ["12-read-auto-threads", "15-mixed-clustering"]) {
      await t.step(
        name,
        async () => check(name, await runRecorded(node, name), DEFAULTS),
      );
    }
  } finally {
    await node.close();
  }
});

Deno.test("counter, schema, no-warmup, graph, -mode and truncate runs print what cassandra-stress prints (runs 04, 05, 06, 14, 16, 18, 20)", async (t) => {
  const node = await startNode();
  const out = await Deno.makeTempDir();
  try {
    for (const name of ["04-counter-write", "05-counter-read", "14-write-no-warmup-dist"]) {
      await t.step(
        name,
        async () => check(name, await runRecorded(node, name), DEFAULTS),
      );
    }
    await t.step("06-write-cols-schema", async () => {
      // The fork fails to create the table on Cassandra 5.0 (its pre-4.0 compression map);
      // ours creates it and runs.
      const run = await runRecorded(node, "06-write-cols-schema");
      check("06-write-cols-schema", run, DEFAULTS, { prefix: true, exitStatus: 0 });
      assert.equal(run.out.at(-1), "END");
    });
    await t.step("16-write-hdr-graph", async () => {
      const run = await runRecorded(node, "16-write-hdr-graph", {
        out,
      });
      const masks: Mask[] = [[new RegExp(out.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"), "g"), "OUT"]];
      check("16-write-hdr-graph", run, DEFAULTS, { masks });
      const hdr = await Deno.readTextFile(`${out}/16.hdr`);
      assert.match(hdr, /^Tag=WRITE-st,/m);
      assert.match(await Deno.readTextFile(`${out}/16-graph.html`), /demo/);
    });
    await t.step("18-write-mode-options", async () => {
      check(
        "18-write-mode-options",
        await runRecorded(node, "18-write-mode-options"),
        DEFAULTS,
      );
    });
    await t.step("20-write-truncate", async () => {
      // The fork truncates a table it never made and fails; ours truncates standard1.
      const run = await runRecorded(node, "20-write-truncate");
      check("20-write-truncate", run, DEFAULTS, { prefix: true, exitStatus: 0 });
      assert.equal(run.out.at(-1), "END");
    });
  } finally {
    await node.close();
    await Deno.remove(out, { recursive: true });
  }
});

Deno.test("throttled and fixed-rate writes print what cassandra-stress prints (runs 10, 11)", async (t) => {
  const node = await startNode();
  try {
    for (const name of ["10-write-throttle", "11-write-fixed"]) {
      await t.step(
        name,
        async () => check(name, await runRecorded(node, name), DEFAULTS),
      );
    }
  } finally {
    await node.close();
  }
});

Deno.test("writes that every replica refuses, ignored, print what cassandra-stress prints (runs 08, 17)", async (t) => {
  const node = await startNode();
  try {
    for (const name of ["08-write-cl-all-errors-ignore", "17-write-errors-retries"]) {
      await t.step(name, async () => {
        // The one node refuses cl=ALL with replication factor 2 as Cassandra does: every op is
        // Unavailable (2 required but only 1 alive).
        const run = await runRecorded(node, name);
        check(name, run, DEFAULTS);
        assert.ok(
          run.err.some((l) => l.includes("at consistency ALL (2 required but only 1 alive)")),
          run.err.slice(0, 3).join("\n"),
        );
        assert.ok(run.out.some((l) => /^Total errors\s+:\s+2,000 \[WRITE: 2,000\]$/.test(l)));
      });
    }
  } finally {
    await node.close();
  }
});

Deno.test("an uncertainty run prints what cassandra-stress prints until it is stopped (run 13)", async () => {
  const node = await startNode();
  try {
    await checkStoppedUncertaintyRun(node);
  } finally {
    await node.close();
  }
});
