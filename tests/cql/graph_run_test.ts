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

Deno.test("-graph of a thread search: each step a revision, timed from the step's own start", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const file = `${dir}/graph.html`;
    const n = 3000;
    const { code, out, err } = await run([
      "read",
      `n=${n}`,
      "no-warmup",
      "-rate",
      "threads>=4",
      "threads<=204",
      "-log",
      "interval=100ms",
      "-node",
      "synthetic:fixed(300)",
      "-graph",
      `file=${file}`,
      "revision=search",
    ]);
    assert.equal(code, 0, err.join("\n"));
    const revisions = readGraphRevisions(await Deno.readTextFile(file));
    // As cassandra-stress's graph names the steps of its search: "<revision> - N threads".
    assert.deepEqual(revisions.map((r) => r.revision), [
      "search - 4 threads",
      "search - 104 threads",
      "search - 204 threads",
    ]);
    const starts = revisions.map((r) => Date.parse(r.startTime));
    assert.ok(
      starts[0] < starts[1] && starts[1] < starts[2],
      revisions.map((r) => r.startTime).join(),
    );
    for (const revision of revisions) {
      const threads = /(\d+) threads$/.exec(revision.revision)![1];
      const from = out.indexOf(`Running with ${threads} threadCount`);
      const rows = out.slice(from, out.indexOf("Results:", from)).filter((l) =>
        l.startsWith("total,")
      );
      const points = revision.series.total;
      assert.equal(points.length, rows.length, revision.revision);
      // The points cover the step from its start: the ops they add up to are the step's n.
      let atSec = 0;
      let ops = 0;
      for (const point of points) {
        assert.ok(point.timeSec > atSec, `${revision.revision}: ${points.map((p) => p.timeSec)}`);
        ops += point.opsPerSec * (point.timeSec - atSec);
        atSec = point.timeSec;
      }
      assert.ok(Math.abs(ops - n) < n / 100, `${revision.revision}: ${ops} ops in the graph`);
      assert.equal(revision.summary["Total partitions"], "3,000 [READ: 3,000]");
    }
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

Deno.test("-graph refusing a file leaves the -log file= and hdrfile= of the last run as they were", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/notes.html`, "my notes");
    await Deno.writeTextFile(`${dir}/run.log`, "the last run's log\n");
    await Deno.writeTextFile(`${dir}/run.hdr`, "the last run's HDR log\n");
    const { code, err } = await run([
      "write",
      "n=100",
      "-node",
      "synthetic",
      "-log",
      `file=${dir}/run.log`,
      `hdrfile=${dir}/run.hdr`,
      `json=${dir}/run.json`,
      "-graph",
      `file=${dir}/notes.html`,
    ]);
    assert.equal(code, 2);
    assert.match(err.join("\n"), /^error: Cannot read ".*notes\.html": /);
    assert.equal(await Deno.readTextFile(`${dir}/run.log`), "the last run's log\n");
    assert.equal(await Deno.readTextFile(`${dir}/run.hdr`), "the last run's HDR log\n");
    await assert.rejects(Deno.stat(`${dir}/run.json`), Deno.errors.NotFound);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

/** The `/proc/self/fd/N` path of a file this process has open. */
function descriptorPathOf(file: string): string {
  const target = Deno.realPathSync(file);
  for (const entry of Deno.readDirSync("/proc/self/fd")) {
    const path = `/proc/self/fd/${entry.name}`;
    try {
      if (Deno.readLinkSync(path) === target) return path;
    } catch {
      // closed since the listing
    }
  }
  throw new Error(`no descriptor of ${file}`);
}

Deno.test("-graph to a descriptor path writes after what the stream holds, never reading it", async () => {
  const dir = await Deno.makeTempDir();
  const file = `${dir}/stream.txt`;
  await Deno.writeTextFile(file, "lines already in the stream\n");
  // As `-graph file=/dev/stdout > out.txt` is: reading it would find other text (or, behind a
  // pipe, wait for ever), so the revision is appended without reading.
  const open = await Deno.open(file, { append: true });
  try {
    const { code, err } = await run([
      "write",
      "n=100",
      "-node",
      "synthetic",
      "-graph",
      `file=${descriptorPathOf(file)}`,
    ]);
    assert.equal(code, 0, err.join("\n"));
    const text = await Deno.readTextFile(file);
    assert.ok(text.startsWith("lines already in the stream\n"), text.slice(0, 80));
    const html = text.slice(text.indexOf("<!DOCTYPE"));
    assert.deepEqual(readGraphRevisions(html).map((r) => r.revision), ["unknown"]);
  } finally {
    open.close();
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

Deno.test("-graph keeps the revision another run appended while this one ran", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const file = `${dir}/graph.html`;
    const common = ["no-warmup", "-rate", "threads=2", "-node", "synthetic:fixed(300)"];
    // The long run reads the file, then measures until it is stopped.
    const io = new BufferedIo();
    const stop = new AbortController();
    const graph = (revision: string) => ["-graph", `file=${file}`, `revision=${revision}`];
    const long = main(["write", "duration=60s", ...common, ...graph("long")], {
      io,
      signal: stop.signal,
    });
    while (!io.stdout.some((line) => line.startsWith("Running WRITE"))) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const short = await run(["write", "n=200", ...common, ...graph("short")]);
    assert.equal(short.code, 0, short.err.join("\n"));
    assert.deepEqual(readGraphRevisions(await Deno.readTextFile(file)).map((r) => r.revision), [
      "short",
    ]);
    stop.abort();
    assert.equal(await long, 130, io.stderr.join("\n"));
    const revisions = readGraphRevisions(await Deno.readTextFile(file));
    assert.deepEqual(revisions.map((r) => r.revision), ["short", "long"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("outputs and the files a run reads are compared as files, not as strings", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.mkdir(`${dir}/sub`);
    await Deno.writeTextFile(`${dir}/hosts`, "127.0.0.1\n");
    const cases = [
      {
        args: ["-graph", `file=${dir}/g.html`, "-log", `hdrfile=${dir}/sub/../g.html`],
        message: `-graph file "${dir}/g.html": it is the file of -log hdrfile`,
      },
      {
        args: [
          "-log",
          `json=${dir}/sub/../hosts`,
          "-node",
          `file=${dir}/hosts`,
          "-port",
          "native=1",
        ],
        message:
          `-log json "${dir}/sub/../hosts": it is the file of -node file, which this command reads`,
      },
    ];
    for (const { args, message } of cases) {
      const target = args.includes("-node") ? [] : ["-node", "synthetic:fixed(300)"];
      const result = await run(["write", "n=100", "-rate", "threads=2", ...args, ...target]);
      assert.equal(result.code, 2, result.err.join("\n"));
      assert.deepEqual(result.out, []);
      assert.equal(result.err.length, 1, result.err.join("\n"));
      assert.ok(result.err[0].includes(message), result.err[0]);
    }
    assert.equal(await Deno.readTextFile(`${dir}/hosts`), "127.0.0.1\n");
    const names = (await Array.fromAsync(Deno.readDir(dir))).map((e) => e.name).sort();
    assert.deepEqual(names, ["hosts", "sub"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
