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
  const processes = out.slice(labels.length);
  assert.equal(processes.length, 3);
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

Deno.test("stress analyze N -- write ... merges the HDR logs of cassandra-stress commands", async () => {
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
    assert.deepEqual(logs, ["process-1.hdr", "process-2.hdr"]);
    const minLatency = Number(/= ([0-9.]+)ms/.exec(out[5])![1]);
    assert.ok(minLatency >= 0.5, out[5]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("stress simulate prints the seed's per-second CSV", async () => {
  const { code, out } = await stress(["simulate", "2", "--latency", "fixed(2000)"]);
  assert.equal(code, 0);
  assert.equal(out[0], "Throughput (ops/s),Latency (ms)");
  assert.ok(out.length >= 3 && out.length <= 4, out.join("\n"));
  for (const row of out.slice(1)) {
    const [ops, latency] = row.split(",").map(Number);
    assert.ok(ops > 0 && Number.isInteger(ops), row);
    assert.ok(latency >= 2 && latency < 5, row);
  }
});
