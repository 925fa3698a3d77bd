import assert from "node:assert/strict";
import { freeUdpPort, idleServerArgs, runMain } from "./_disk_procs.ts";

/** Asserts one `error:` line matching `pattern` and exit 2. */
function assertRefused(result: { code: number; stderr: string }, pattern: RegExp): void {
  assert.equal(result.code, 2, result.stderr);
  const lines = result.stderr.trim().split("\n");
  assert.equal(lines.length, 1, result.stderr);
  assert.match(lines[0], pattern);
}

Deno.test("disk server refuses an empty --db, --log or --report (an empty --db is a database lost at exit)", async () => {
  const dir = await Deno.makeTempDir({ prefix: "stress_disk_empty_" });
  try {
    const server = (extra: string[]) => runMain(idleServerArgs(extra));
    assertRefused(await server(["--db", ""]), /^error: Cannot parse --db: "" is empty/);
    const db = `${dir}/runs.sqlite`;
    assertRefused(
      await server(["--db", db, "--log", ""]),
      /^error: Cannot parse --log: "" is empty/,
    );
    assertRefused(
      await server(["--db", db, "--report", ""]),
      /^error: Cannot parse --report: "" is empty/,
    );
    assert.deepEqual(await Array.fromAsync(Deno.readDir(dir)), [], "nothing is created");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("disk client refuses an empty --path or --log before it connects", async () => {
  const client = (extra: string[]) =>
    runMain([
      "disk",
      "client",
      "--server",
      "127.0.0.1:9",
      "--hb-address",
      "239.0.0.1",
      "--hb-port",
      String(freeUdpPort()),
      "--interface",
      "127.0.0.1",
      ...extra,
    ]);
  assertRefused(await client(["--path", ""]), /^error: Cannot parse --path: "" is empty/);
  const dir = await Deno.makeTempDir({ prefix: "stress_disk_empty_" });
  try {
    assertRefused(
      await client(["--path", dir, "--log", ""]),
      /^error: Cannot parse --log: "" is empty/,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("disk client refuses a --heartbeat or --stats-every under 100ms (the server would take it for gone)", async () => {
  const dir = await Deno.makeTempDir({ prefix: "stress_disk_interval_" });
  const client = (extra: string[]) =>
    runMain([
      "disk",
      "client",
      "--server",
      "127.0.0.1:9",
      "--hb-address",
      "239.0.0.1",
      "--hb-port",
      String(freeUdpPort()),
      "--interface",
      "127.0.0.1",
      "--path",
      `${dir}/data`,
      ...extra,
    ]);
  try {
    assertRefused(
      await client(["--heartbeat", "1ms"]),
      /^error: Cannot parse option "--heartbeat": "1ms" is too short, expected at least 100ms/,
    );
    assertRefused(
      await client(["--stats-every", "99ms"]),
      /^error: Cannot parse option "--stats-every": "99ms" is too short, expected at least 100ms/,
    );
    assert.deepEqual(await Array.fromAsync(Deno.readDir(dir)), [], "nothing is created");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("disk server --hb-misses and disk report --run take plain digits only (not ' 3', 0x3, 1e0)", async () => {
  const dir = await Deno.makeTempDir({ prefix: "stress_disk_digits_" });
  try {
    for (const misses of [" 3", "0x3", "1e2", "3.0"]) {
      const result = await runMain(
        idleServerArgs(["--db", `${dir}/runs.sqlite`, "--hb-misses", misses]),
      );
      assertRefused(result, /^error: Cannot parse --hb-misses: .* expected an integer 1\.\.1000$/);
    }
    assert.deepEqual(await Array.fromAsync(Deno.readDir(dir)), [], "nothing is created");
    for (const run of [" 1", "1e0", "0x1", "1.0"]) {
      // Refused before the database is opened: this one is not there.
      const result = await runMain(["disk", "report", "--db", `${dir}/none.sqlite`, "--run", run]);
      assertRefused(result, /^error: Cannot parse --run: .* expected a positive integer$/);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("disk client refuses a --log that is one of its own data or probe files in --path, before it connects", async () => {
  const dir = await Deno.makeTempDir({ prefix: "stress_disk_log_" });
  try {
    const client = (extra: string[]) =>
      runMain([
        "disk",
        "client",
        "--server",
        "127.0.0.1:9",
        "--hb-address",
        "239.0.0.1",
        "--hb-port",
        String(freeUdpPort()),
        "--interface",
        "127.0.0.1",
        "--id",
        "a",
        "--path",
        `${dir}/data dir`,
        ...extra,
      ]);
    for (const log of ["stress-disk-a-00000.dat", "./stress-probe-a-00002.dat"]) {
      assertRefused(
        await client(["--log", `${dir}/data dir/${log}`]),
        /^error: Cannot write the file of --log ".*": it is a file the client writes in --path ".*data dir" \(data files stress-disk-a-N\.dat, probe files stress-probe-a-N\.dat\), expected a file of its own$/,
      );
    }
    assert.deepEqual(await Array.fromAsync(Deno.readDir(dir)), [], "nothing is created");
    // Another client's file name, or the same name in another folder, is a log of its own.
    await Deno.mkdir(`${dir}/data dir`);
    const other = await client(["--log", `${dir}/data dir/stress-disk-b-00000.dat`]);
    assert.equal(other.code, 3, other.stderr);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
