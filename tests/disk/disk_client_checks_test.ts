import assert from "node:assert/strict";
import type { DiskReport } from "../../lib/disk/report/disk_report.ts";
import {
  freeUdpPort,
  inTempDir,
  kill,
  type Proc,
  runMain,
  startClient,
  startServer,
  waitFor,
  withServedRun,
} from "./_disk_procs.ts";

const MAIN = new URL("../../main.ts", import.meta.url).pathname;

/** `disk client` options; by default, of a client whose server is not there (port 9). */
function clientArgs(
  path: string,
  extra: string[],
  server: { tcpPort: number; hbPort: number } = { tcpPort: 9, hbPort: freeUdpPort() },
): string[] {
  return [
    "disk",
    "client",
    "--server",
    `127.0.0.1:${server.tcpPort}`,
    "--hb-address",
    "239.0.0.1",
    "--hb-port",
    String(server.hbPort),
    "--interface",
    "127.0.0.1",
    "--path",
    path,
    ...(extra.includes("--run-time") ? [] : ["--run-time", "2s"]),
    ...extra,
  ];
}

/** Asserts one `error:` line matching `pattern`, the exit code, and nothing on stdout. */
function assertOneLine(
  result: { code: number; stdout: string; stderr: string },
  code: number,
  pattern: RegExp,
): void {
  assert.equal(result.code, code, result.stderr);
  const lines = result.stderr.trim().split("\n");
  assert.equal(lines.length, 1, result.stderr);
  assert.match(lines[0], pattern);
}

Deno.test("disk client refuses a chunk over 1GiB or over --file-size, with one line, before connecting", async () => {
  await inTempDir("checks", async (dir) => {
    const huge = await runMain(clientArgs(`${dir}/a`, ["--chunk", "100G"]));
    assertOneLine(
      huge,
      2,
      /^error: Cannot parse option "--chunk": "100G" is too large, expected at most 1GiB/,
    );
    const larger = await runMain(clientArgs(`${dir}/b`, ["--chunk", "2M", "--file-size", "1M"]));
    assertOneLine(
      larger,
      2,
      /^error: Cannot use --chunk "2M" with --file-size "1M": a chunk is larger than a file/,
    );
    assert.deepEqual(await Array.fromAsync(Deno.readDir(dir)), [], "nothing is created");
  });
});

Deno.test("disk client refuses a --path it cannot write in, with one line, before connecting", async () => {
  await inTempDir("checks", async (dir) => {
    await Deno.writeTextFile(`${dir}/afile`, "keep");
    const file = await runMain(clientArgs(`${dir}/afile`, []));
    assertOneLine(file, 2, /^error: Cannot use --path ".*afile": it is not a directory/);
    assert.equal(await Deno.readTextFile(`${dir}/afile`), "keep");
    const below = await runMain(clientArgs(`${dir}/afile/sub`, []));
    assertOneLine(below, 2, /^error: Cannot (use|create the directory of) --path ".*afile\/sub": /);
    const proc = await runMain(clientArgs("/proc/sys", []));
    assertOneLine(proc, 2, /^error: Cannot write in the directory of --path "\/proc\/sys": /);
  });
});

let userNamespaces = false;
try {
  userNamespaces = (await new Deno.Command("unshare", { args: ["-rm", "true"] }).output()).success;
} catch {
  // No unshare here.
}

Deno.test({
  name: "disk client refuses a --path on a read-only file system, with one line",
  ignore: !userNamespaces,
  fn: async () => {
    await inTempDir("checks", async (dir) => {
      await Deno.mkdir(`${dir}/ro`);
      // A read-only tmpfs in a mount namespace of our own: nothing outside sees it.
      const args = clientArgs(`${dir}/ro/data`, []);
      const script = `mount -t tmpfs -o ro,size=1m tmpfs "$1" && shift && exec "$@"`;
      const output = await new Deno.Command("unshare", {
        args: [
          "-rm",
          "sh",
          "-c",
          script,
          "sh",
          `${dir}/ro`,
          Deno.execPath(),
          "run",
          "-A",
          MAIN,
          ...args,
        ],
        stdin: "null",
      }).output();
      const result = {
        code: output.code,
        stdout: new TextDecoder().decode(output.stdout),
        stderr: new TextDecoder().decode(output.stderr),
      };
      assertOneLine(
        result,
        2,
        /^error: Cannot create the directory of --path ".*ro\/data": Read-only file system/,
      );
    });
  },
});

Deno.test("disk client connects before it measures: no server, one line, nothing written", async () => {
  await inTempDir("checks", async (dir) => {
    const result = await runMain(clientArgs(`${dir}/c`, ["--chunk", "1M", "--file-size", "4M"]));
    assertOneLine(result, 3, /^error: Cannot connect to the server "127\.0\.0\.1:9": /);
    assert.ok(!/measured/.test(result.stdout), `the disk was measured first:\n${result.stdout}`);
    assert.deepEqual(await Array.fromAsync(Deno.readDir(`${dir}/c`)), []);
  });
});

Deno.test("disk client refuses a run that cannot roll over twice, after joining: the server is told", async () => {
  await withServedRun("checks", async ({ dir, server, client: start }) => {
    const client = start({
      id: "big",
      chunk: "1M",
      fileSize: "1T",
      runTime: "1s",
      extra: ["--min-rollovers", "2"],
    });
    const { code, stderr } = await client.done;
    assert.equal(code, 2, stderr);
    const lines = stderr.trim().split("\n");
    assert.equal(lines.length, 1, stderr);
    assert.match(lines[0], /^error: Cannot run: at .* measured, .*expected at least 2/);
    assert.deepEqual(await Array.fromAsync(Deno.readDir(`${dir}/big`)), [], "probe files");
    // The server ends the run at once: the client said why, stopped and said bye.
    const end = await server.done;
    assert.equal(end.code, 0, end.stderr);
    const report = JSON.parse(await Deno.readTextFile(`${dir}/report.json`)) as DiskReport;
    const [big] = report.clients;
    assert.deepEqual([big.state, big.stopReason, big.bytesWritten], ["finished", "error", 0]);
    assert.match(big.errors[0].message, /^Cannot run: at /);
  });
});

Deno.test({
  name: "disk client on a full disk (ENOSPC) ends its run as disk_full with its report",
  ignore: (() => {
    try {
      return !Deno.statSync("/dev/full").isCharDevice;
    } catch {
      return true;
    }
  })(),
  fn: async () => {
    await inTempDir("checks", async (dir) => {
      const hbPort = freeUdpPort();
      const procs: Proc[] = [];
      try {
        // Writing the second file of the probe, and of the run, finds the disk full: that file
        // is a link to /dev/full, where every write fails with ENOSPC.
        await Deno.mkdir(`${dir}/f`);
        await Deno.symlink("/dev/full", `${dir}/f/stress-probe-f-00001.dat`);
        await Deno.symlink("/dev/full", `${dir}/f/stress-disk-f-00001.dat`);
        const { server, tcpPort } = await startServer({ hbPort, db: `${dir}/runs.sqlite`, dir });
        procs.push(server);
        const client = startClient({
          tcpPort,
          hbPort,
          id: "f",
          chunk: "256K",
          fileSize: "1M",
          runTime: "3s",
          dir,
        });
        procs.push(client);
        await waitFor(
          "the start",
          () => client.lines.some((l) => l.includes(" start: ")) || undefined,
        );
        const names = (await Array.fromAsync(Deno.readDir(`${dir}/f`))).map((e) => e.name);
        assert.ok(!names.some((n) => n.includes("probe")), `probe files in the run: ${names}`);
        const { code, stderr } = await client.done;
        assert.equal(code, 0, stderr + client.lines.join("\n"));
        assert.equal(stderr, "");
        const text = client.lines.join("\n");
        assert.match(
          text,
          /warning: the disk reached --min-free \(or was full\) after the speed probe/,
        );
        // 1M files of 256K chunks hold 3 chunks: 768 KB.
        assert.match(text, /stop: disk_full, 768\.00 KB in 3 chunks.*, 1 rollovers/);
        const end = await server.done;
        assert.equal(end.code, 0, end.stderr);
        const report = JSON.parse(await Deno.readTextFile(`${dir}/report.json`)) as DiskReport;
        const [f] = report.clients;
        assert.deepEqual(
          [f.state, f.stopReason, f.bytesWritten, f.chunks, f.rollovers.count],
          ["finished", "disk_full", 768_000, 3, 1],
        );
        assert.ok((await Deno.stat("/dev/full")).isCharDevice, "/dev/full is still a device");
      } finally {
        for (const proc of procs) kill(proc);
        await Promise.all(procs.map((p) => p.done));
      }
    });
  },
});

Deno.test({
  name: "disk client on a 30 MB tmpfs: the probe keeps --min-free, the run ends as disk_full",
  ignore: !userNamespaces,
  fn: async () => {
    await inTempDir("checks", async (dir) => {
      const hbPort = freeUdpPort();
      const { server, tcpPort } = await startServer({ hbPort, db: `${dir}/runs.sqlite`, dir });
      try {
        await Deno.mkdir(`${dir}/small`);
        const args = clientArgs(`${dir}/small/data`, [
          ...["--chunk", "1M", "--file-size", "4M", "--run-time", "3s"],
          ...["--heartbeat", "300ms", "--id", "t"],
        ], { tcpPort, hbPort });
        // A 30 MB tmpfs in a mount namespace of our own: nothing outside sees it.
        const script = `mount -t tmpfs -o size=30m tmpfs "$1" && shift && exec "$@"`;
        const output = await new Deno.Command("unshare", {
          args: [
            "-rm",
            "sh",
            "-c",
            script,
            "sh",
            `${dir}/small`,
            Deno.execPath(),
            "run",
            "-A",
            MAIN,
            ...args,
          ],
          stdin: "null",
        }).output();
        const stdout = new TextDecoder().decode(output.stdout);
        const stderr = new TextDecoder().decode(output.stderr);
        assert.equal(output.code, 0, stderr + stdout);
        assert.equal(stderr, "");
        assert.match(stdout, /warning: the disk reached --min-free/);
        assert.match(stdout, /stop: disk_full, /);
        const end = await server.done;
        assert.equal(end.code, 0, end.stderr);
        const report = JSON.parse(await Deno.readTextFile(`${dir}/report.json`)) as DiskReport;
        const [t] = report.clients;
        assert.equal(t.stopReason, "disk_full");
        assert.ok(t.rollovers.count >= 1 && t.bytesWritten <= 30 * 2 ** 20, `${t.bytesWritten}`);
      } finally {
        kill(server);
        await server.done;
      }
    });
  },
});

Deno.test("disk client --min-rollovers 0 runs what the probe says cannot roll over", async () => {
  await withServedRun("checks", async ({ client: start }) => {
    const client = start({
      ...{ id: "big", chunk: "1M", fileSize: "1T", runTime: "1s" },
      extra: ["--min-rollovers", "0"],
    });
    const { code, stderr } = await client.done;
    assert.equal(code, 0, stderr);
    const text = client.lines.join("\n");
    assert.match(text, /should give about 0 rollovers of 1\.00 TB files/);
    assert.match(text, /stop: done, .* 0 rollovers/);
  });
});
