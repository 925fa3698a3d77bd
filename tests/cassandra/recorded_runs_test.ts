// The recorded cassandra-stress command lines (tests/testdata/cassandra-stress-real/, the ScyllaDB
// fork 3.19.0 against Cassandra 5.0.6) run by ours against the real node, and compared part by part
// with what the real tool printed against the same kind of node: settings dump, banner order,
// interval header and row shapes, Results blocks, the thread search's table, the exit status.
// Only the differences listed in README's "Differences from cassandra-stress" may show.
import assert from "node:assert/strict";
import { readHdrLog } from "../../lib/report/read_hdr_log.ts";
import type { Mask } from "./_compare_output.ts";
import { cassandraNodes, countRows, queryCassandra, withKeyspace1 } from "./_cassandra_node.ts";
import { check, checkStoppedUncertaintyRun, DEFAULTS, runRecorded } from "./_recorded_run.ts";

const { plain } = cassandraNodes();

async function dropKeyspaces(...names: string[]): Promise<void> {
  for (const name of names) await queryCassandra(plain, `DROP KEYSPACE IF EXISTS ${name}`);
}

Deno.test("real node: write, read, mixed, duration, missing keys, auto threads, clustering (runs 01, 02, 03, 07, 09, 12, 15)", async (t) => {
  await withKeyspace1(async () => {
    await dropKeyspaces("keyspace1");
    for (const name of ["01-write", "02-read", "03-mixed", "07-read-duration-log"]) {
      await t.step(name, async () => check(name, await runRecorded(plain, name), DEFAULTS));
    }
    await t.step("09-read-missing-keys", async () => {
      // The fork gives up at the failed warm-up; ours goes on to the measured run, which fails.
      const run = await runRecorded(plain, "09-read-missing-keys");
      check("09-read-missing-keys", run, DEFAULTS, { prefix: true });
      assert.equal(run.out.at(-1), "FAILURE");
      assert.ok(run.err.some((line) => line.includes("Data returned was not validated")));
    });
    for (const name of ["12-read-auto-threads", "15-mixed-clustering"]) {
      await t.step(name, async () => check(name, await runRecorded(plain, name), DEFAULTS));
    }
  });
});

Deno.test("real node: counters, -col/-schema, no-warmup, HDR log and graph, -mode, truncate (runs 04, 05, 06, 14, 16, 18, 20)", async (t) => {
  const out = await Deno.makeTempDir();
  try {
    await withKeyspace1(async () => {
      await dropKeyspaces("keyspace1", "ks_cols");
      for (const name of ["04-counter-write", "05-counter-read", "14-write-no-warmup-dist"]) {
        await t.step(name, async () => check(name, await runRecorded(plain, name), DEFAULTS));
      }
      await t.step("06-write-cols-schema", async () => {
        // The fork fails to create the table on Cassandra 5.0 (its pre-4.0 compression map);
        // ours creates it, with LZ4 compression, and runs.
        const run = await runRecorded(plain, "06-write-cols-schema");
        check("06-write-cols-schema", run, DEFAULTS, { prefix: true, exitStatus: 0 });
        assert.equal(run.out.at(-1), "END");
        const [table] = await queryCassandra(
          plain,
          "SELECT compression FROM system_schema.tables WHERE keyspace_name = 'ks_cols' AND table_name = 'standard1'",
        );
        assert.match({ ...table.get("compression") }.class, /LZ4Compressor$/);
      });
      await t.step("16-write-hdr-graph", async () => {
        const run = await runRecorded(plain, "16-write-hdr-graph", { out });
        const masks: Mask[] = [[
          new RegExp(out.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"), "g"),
          "OUT",
        ]];
        check("16-write-hdr-graph", run, DEFAULTS, { masks });
        const log = readHdrLog(await Deno.readTextFile(`${out}/16.hdr`), "16.hdr");
        const written = log.intervals.filter((i) => i.tag === "WRITE-st")
          .reduce((n, i) => n + i.histogram.totalCount, 0);
        assert.equal(written, 10000);
        assert.match(await Deno.readTextFile(`${out}/16-graph.html`), /demo/);
      });
      await t.step("18-write-mode-options", async () => {
        check("18-write-mode-options", await runRecorded(plain, "18-write-mode-options"), DEFAULTS);
      });
      await t.step("20-write-truncate", async () => {
        // The fork truncates a table it never made and fails; ours truncates standard1.
        const run = await runRecorded(plain, "20-write-truncate");
        check("20-write-truncate", run, DEFAULTS, { prefix: true, exitStatus: 0 });
        assert.equal(run.out.at(-1), "END");
        assert.equal(await countRows(plain, "keyspace1"), 3000);
      });
    });
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});

Deno.test("real node: throttled and fixed-rate writes (runs 10, 11)", async (t) => {
  await withKeyspace1(async () => {
    // The corpus lines leave keyspace1 with their own columns (-col names=, n=): start afresh.
    await dropKeyspaces("keyspace1");
    for (const name of ["10-write-throttle", "11-write-fixed"]) {
      await t.step(name, async () => check(name, await runRecorded(plain, name), DEFAULTS));
    }
  });
});

Deno.test("real node: cl=ALL at factor 2, every op unavailable and ignored, retried at once (runs 08, 17)", async (t) => {
  await dropKeyspaces("ks_rf2");
  for (const name of ["08-write-cl-all-errors-ignore", "17-write-errors-retries"]) {
    await t.step(name, async () => {
      const started = performance.now();
      const run = await runRecorded(plain, name);
      const seconds = (performance.now() - started) / 1000;
      check(name, run, DEFAULTS);
      assert.ok(
        run.err.some((l) => l.includes("at consistency ALL (2 required but only 1 alive)")),
        run.err.slice(0, 3).join("\n"),
      );
      assert.ok(run.out.some((l) => /^Total errors\s+:\s+2,000 \[WRITE: 2,000\]$/.test(l)));
      // Immediate retries: the real tool took 2 s for these 2,000 ops; exponential back-off from
      // 10 ms took about 5 s per op.
      assert.ok(seconds < 60, `${name} took ${seconds.toFixed(1)} s`);
    });
  }
});

Deno.test("real node: an uncertainty run until it is stopped (run 13)", async () => {
  await withKeyspace1(async () => {
    await dropKeyspaces("keyspace1");
    await checkStoppedUncertaintyRun(plain);
  });
});
