import assert from "node:assert/strict";
import { main } from "../../main.ts";
import { BufferedIo } from "../../lib/cli/command_io.ts";
import { readGraphRevisions } from "../../lib/report/graph_html.ts";

async function run(args: string[]) {
  const io = new BufferedIo();
  const code = await main(args, { io, signal: new AbortController().signal });
  return { code, out: io.stdout, err: io.stderr };
}

Deno.test("-graph appends one revision per run, with per-op series and the Results summary", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const file = `${dir}/graph.html`;
    const common = [
      "n=3000",
      "-rate",
      "threads=4",
      "-log",
      "interval=100ms",
      "-node",
      "synthetic:fixed(300)",
    ];
    const first = await run([
      "write",
      ...common,
      "-graph",
      `file=${file}`,
      "revision=first",
      "title=RunA",
    ]);
    assert.equal(first.code, 0, first.err.join("\n"));
    const second = await run([
      "mixed",
      "ratio(write=1,read=1)",
      ...common,
      "-graph",
      `file=${file}`,
      "revision=second",
    ]);
    assert.equal(second.code, 0, second.err.join("\n"));
    const html = await Deno.readTextFile(file);
    assert.ok(!/<script src=|https?:\/\/cdn/i.test(html));
    const revisions = readGraphRevisions(html);
    assert.deepEqual(revisions.map((r) => r.revision), ["first", "second"]);
    assert.equal(revisions[0].title, "RunA");
    assert.equal(revisions[0].operation, "WRITE");
    assert.deepEqual(Object.keys(revisions[0].series).sort(), ["WRITE", "total"]);
    assert.deepEqual(Object.keys(revisions[1].series).sort(), ["READ", "WRITE", "total"]);
    const points = revisions[0].series.total;
    const printedRows = first.out.filter((l) => l.startsWith("total,")).length;
    assert.equal(points.length, printedRows);
    const ops = points.reduce((sum, p, i) => {
      const length = p.timeSec - (i === 0 ? 0 : points[i - 1].timeSec);
      return sum + p.opsPerSec * length;
    }, 0);
    assert.ok(Math.abs(ops - 3000) < 30, `${ops} ops in the graph`);
    assert.ok(points.every((p) => p.p50Ms >= 0.25 && p.p50Ms < 50), JSON.stringify(points[0]));
    assert.match(String(revisions[0].summary["Op rate"]), /op\/s/);
    assert.equal(revisions[0].summary["Total partitions"], "3,000 [WRITE: 3,000]");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("-graph refuses a file it did not write, before the run, and leaves it alone", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const file = `${dir}/notes.html`;
    await Deno.writeTextFile(file, "<html><body>my notes</body></html>");
    const { code, out, err } = await run([
      "write",
      "n=100",
      "-node",
      "synthetic",
      "-graph",
      `file=${file}`,
    ]);
    assert.equal(code, 2);
    assert.equal(err.length, 1);
    assert.match(
      err[0],
      /^error: Cannot read ".*notes\.html": .*expected a file written by -graph/,
    );
    assert.ok(!out.some((l) => l.startsWith("Running")));
    assert.equal(await Deno.readTextFile(file), "<html><body>my notes</body></html>");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("-graph in a folder that is not there fails before the run, in one error line", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const file = `${dir}/missing/graph.html`;
    const { code, out, err } = await run([
      "write",
      "n=100",
      "-node",
      "synthetic",
      "-graph",
      `file=${file}`,
    ]);
    assert.equal(code, 2, err.join("\n"));
    assert.equal(err.length, 1, err.join("\n"));
    assert.match(err[0], /^error: Cannot write the file of -graph ".*missing\/graph\.html": /);
    assert.ok(!out.some((l) => l.startsWith("Running")));
    assert.deepEqual(await Array.fromAsync(Deno.readDir(dir)), []);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
