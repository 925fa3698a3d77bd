import assert from "node:assert/strict";

const root = new URL("../..", import.meta.url).pathname;

async function stress(args: string[]) {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--config", `${root}deno.json`, `${root}main.ts`, ...args],
    stdin: "null",
    env: { NO_COLOR: "1" },
  }).output();
  const decode = (b: Uint8Array) => new TextDecoder().decode(b).split("\n").filter((l) => l);
  return { code: output.code, out: decode(output.stdout), err: decode(output.stderr) };
}

Deno.test("stress analyze 3 runs three simulate processes and prints the seed's summary", async () => {
  const { code, out, err } = await stress(["analyze", "3"]);
  assert.equal(code, 0, err.join("\n"));
  const labels = [
    /^Average Throughput = [0-9.]+ ops\/s$/,
    /^Average Latency = [0-9.]+ms$/,
    /^Max throughput = [0-9.]+ ops\/s$/,
    /^Max latency = [0-9.]+ms$/,
    /^Min throughput = [0-9.]+ ops\/s$/,
    /^Min latency = [0-9.]+ms$/,
    /^Throughput 95th percentile = [0-9.]+ ops\/s$/,
    /^Latency 95th percentile = [0-9.]+ms$/,
    /^3 processes run in total$/,
  ];
  labels.forEach((pattern, i) => assert.match(out[i], pattern));
  const processes = out.slice(labels.length, labels.length + 3);
  // Then the merged run (stress() drops blank lines): the interval rows and Results: block.
  assert.match(out[labels.length + 3], /^type +total ops,/, out.join("\n"));
  assert.ok(out.includes("Results:"), out.join("\n"));
  const durations = processes.map((line) => {
    const match =
      /^pid: (\d+) started at .+ and finished at .+ taking +([0-9.]+) seconds to complete$/
        .exec(line);
    assert.ok(match, line);
    return Number(match[2]);
  });
  // The default runs simulate 2, 3 and 4 seconds.
  durations.sort((a, b) => a - b).forEach((seconds, i) => {
    assert.ok(seconds >= i + 2 && seconds < i + 2 + 5, `process ${i}: ${seconds} s`);
  });
  // Latency comes from the merged histograms of uniform(1000..10000) µs ops.
  const latency = (i: number) => Number(/= ([0-9.]+)ms/.exec(out[i])![1]);
  // The mean sits between the distribution's bounds; timers fire late on a loaded machine,
  // so the upper check is against the measured max, not the distribution's 10 ms.
  assert.ok(latency(1) > 1 && latency(1) < latency(3), out.join("\n"));
  assert.ok(latency(5) >= 1 && latency(3) >= 9 && latency(7) >= latency(1), out.join("\n"));
});

Deno.test("stress analyze N -- write ... shards the command and merges the HDR logs", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const { code, out, err } = await stress([
      "analyze",
      "2",
      "--keep",
      dir,
      "--",
      "write",
      "n=4000",
      "no-warmup",
      "-rate",
      "threads=8",
      "-node",
      "synthetic:fixed(500)",
    ]);
    assert.equal(code, 0, err.join("\n"));
    assert.equal(out[8], "2 processes run in total");
    const logs = (await Array.fromAsync(Deno.readDir(dir))).map((e) => e.name).sort();
    assert.deepEqual(logs, ["merged.hdr", "process-1.hdr", "process-2.hdr"]);
    // write splits: each process runs its shard's n=2000, the merge counts both.
    assert.deepEqual(out.slice(11, 13), [
      "process 1: Shard 0/2: n=2000, seeds 1..2000",
      "process 2: Shard 1/2: n=2000, seeds 2001..4000",
    ]);
    const total = out.find((l) => l.startsWith("Total partitions"));
    assert.match(total ?? "", /:\s+4,000 \[WRITE: 4,000\]$/, out.join("\n"));
    const minLatency = Number(/= ([0-9.]+)ms/.exec(out[5])![1]);
    assert.ok(minLatency >= 0.5, out[5]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("stress analyze --json in a folder that is not there fails before any process starts", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const json = `${dir}/missing/merged.json`;
    const { code, out, err } = await stress(["analyze", "2", "--json", json]);
    assert.equal(code, 2, err.join("\n"));
    assert.deepEqual(err.length, 1, err.join("\n"));
    assert.match(err[0], /^error: Cannot write the file of --json ".*missing\/merged\.json": /);
    assert.equal(out.length, 0, out.join("\n"));
    assert.deepEqual(await Array.fromAsync(Deno.readDir(dir)), []);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("stress simulate prints the seed's per-second CSV", async () => {
  const { code, out, err } = await stress(["simulate", "2", "--latency", "fixed(2000)"]);
  assert.equal(code, 0);
  assert.equal(out[0], "Throughput (ops/s),Latency (ms)");
  // The loader's verdict is on stderr, once: stdout stays the CSV.
  assert.equal(err.filter((l) => l.startsWith("Loader: ")).length, 1, err.join("\n"));
  assert.match(err.find((l) => l.startsWith("Loader: "))!, /Worker CPU .*; event loop delay p99/);
  assert.ok(out.length >= 3 && out.length <= 4, out.join("\n"));
  for (const row of out.slice(1)) {
    const [ops, latency] = row.split(",").map(Number);
    assert.ok(ops > 0 && Number.isInteger(ops), row);
    // A 2 ms sleep never returns early; under a loaded CI machine it can return late, so
    // the upper bound only catches a unit mix-up (µs or s printed as ms).
    assert.ok(latency >= 2 && latency < 100, row);
    // Little's law: 16 threads in a closed loop cannot keep more than 16 ops in service, so
    // the service time summed over one second of ops stays below 16 s (plus the op each
    // thread had in flight when the interval began).
    assert.ok(ops * latency / 1000 <= 16 * 1.1, row);
  }
});

Deno.test("stress simulate --fail-if-limited exits 4 when the loader was the limit", async () => {
  // Ops that take no time: the Workers never wait for the target, only for their own CPU.
  const args = ["simulate", "1", "--latency", "fixed(0)", "--threads", "4"];
  const limited = await stress([...args, "--fail-if-limited"]);
  assert.equal(limited.code, 4, limited.err.join("\n"));
  assert.match(limited.err.find((l) => l.startsWith("Loader: "))!, /^Loader: limited: /);
  assert.equal(limited.out[0], "Throughput (ops/s),Latency (ms)");
  // Without the option the same verdict, and exit 0.
  const plain = await stress(args);
  assert.equal(plain.code, 0, plain.err.join("\n"));
  assert.match(plain.err.find((l) => l.startsWith("Loader: "))!, /^Loader: limited: /);
});

Deno.test("stress analyze refuses too many processes, and a --keep path that is a file or holds earlier logs", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const many = await stress(["analyze", "1000000"]);
    assert.equal(many.code, 2, many.err.join("\n"));
    assert.match(many.err.join("\n"), /^error: Cannot parse "N": 1000000 processes are too many/);
    await Deno.writeTextFile(`${dir}/file`, "kept");
    const file = await stress(["analyze", "1", "--keep", `${dir}/file`]);
    assert.equal(file.code, 2, file.err.join("\n"));
    assert.match(file.err.join("\n"), /^error: Cannot keep the logs in ".*file": /);
    await Deno.mkdir(`${dir}/old`);
    await Deno.writeTextFile(`${dir}/old/process-2.hdr`, "an earlier run's log");
    const old = await stress(["analyze", "1", "--keep", `${dir}/old`, "--", "simulate", "1"]);
    assert.equal(old.code, 2, old.err.join("\n"));
    assert.match(old.err.join("\n"), /holds "process-2\.hdr" of an earlier analyze/);
    assert.equal(old.out.length, 0, old.out.join("\n"));
    assert.equal(await Deno.readTextFile(`${dir}/file`), "kept");
    assert.deepEqual((await Array.fromAsync(Deno.readDir(`${dir}/old`))).map((e) => e.name), [
      "process-2.hdr",
    ]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("stress analyze refuses a bad cassandra-stress line once, before any process runs", async () => {
  for (const line of [["write", "n=oops", "-node", "synthetic"], ["bogus"]]) {
    const { code, out, err } = await stress(["analyze", "2", "--", ...line]);
    assert.equal(code, 2, err.join("\n"));
    assert.deepEqual(err.length, 1, err.join("\n"));
    assert.match(
      err[0],
      new RegExp(`^error: Cannot analyze "${line.join(" ")}": Cannot parse option`),
    );
    assert.deepEqual(out, []);
  }
});

Deno.test("stress analyze takes no flag for the name of --keep or --json, and takes --keep=DIR", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const flag = await stress(["analyze", "2", "--keep", "--json", `${dir}/m.json`]);
    assert.equal(flag.code, 2, flag.err.join("\n"));
    assert.deepEqual(flag.err, [
      'error: Cannot parse "--keep": it needs a directory, got "--json"',
    ]);
    assert.deepEqual(flag.out, []);
    const missing = await stress(["analyze", "2", "--json", "--keep", dir]);
    assert.deepEqual(missing.err, ['error: Cannot parse "--json": it needs a file']);
    const inline = await stress(["analyze", "1", `--keep=${dir}/logs`, "--", "simulate", "1"]);
    assert.equal(inline.code, 0, inline.err.join("\n"));
    const kept = (await Array.fromAsync(Deno.readDir(`${dir}/logs`))).map((e) => e.name).sort();
    assert.deepEqual(kept, ["merged.hdr", "process-1.hdr"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("stress analyze refuses a --json that is a log --keep holds, and takes one in a new --keep DIR", async () => {
  const dir = await Deno.makeTempDir();
  try {
    for (const name of ["merged.hdr", "process-2.hdr"]) {
      const keep = `${dir}/${name}-logs`;
      const { code, out, err } = await stress([
        "analyze",
        "2",
        "--keep",
        keep,
        "--json",
        `${keep}/${name}`,
      ]);
      assert.equal(code, 2, err.join("\n"));
      assert.deepEqual(out, []);
      assert.equal(err.length, 1, err.join("\n"));
      assert.match(
        err[0],
        /^error: Cannot write the file of --json ".*": it is the file of --keep,/,
      );
    }
    // --keep makes its directory before --json is checked there.
    const keep = `${dir}/new`;
    const run = await stress([
      "analyze",
      "1",
      "--keep",
      keep,
      "--json",
      `${keep}/m.json`,
      "--",
      "simulate",
      "1",
    ]);
    assert.equal(run.code, 0, run.err.join("\n"));
    assert.equal(JSON.parse(await Deno.readTextFile(`${keep}/m.json`)).merge.loaders.length, 1);
    assert.match(await Deno.readTextFile(`${keep}/merged.hdr`), /^#Logging op latencies/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("stress analyze refuses a --json that is a file the processes' command reads, before any process starts", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const rows = `${dir}/q.csv`;
    const text = "host_000001,2017-01-01 08:59:22,2017-01-01 09:59:22\n";
    await Deno.writeTextFile(rows, text);
    const url = "postgres://postgres@127.0.0.1:1/postgres";
    for (const [json, file] of [[rows, ["--file", rows]], [`${dir}/./q.csv`, [`--file=${rows}`]]]) {
      const { code, out, err } = await stress(
        ["analyze", "1", "--json", json as string, "--", "query", "run", "--url", url, ...file],
      );
      assert.equal(code, 2, err.join("\n"));
      assert.deepEqual(err, [
        `error: Cannot write the file of --json "${json}": it is the file of the processes' command line, which this command reads, expected a file of its own`,
      ]);
      assert.equal(out.length, 0, out.join("\n"));
    }
    assert.equal(await Deno.readTextFile(rows), text);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
