import assert from "node:assert/strict";
import { UsageError } from "../../lib/errors.ts";
import { measureSpeed } from "../../lib/disk/_disk_client_probe.ts";
import type { ClientSettings } from "../../lib/disk/_disk_client_settings.ts";
import type { DataFile } from "../../lib/disk/driver/disk_writer.ts";
import { freeSpace } from "../../lib/disk/driver/free_space.ts";
import { inTempDir } from "./_disk_procs.ts";

function settingsIn(dir: string, minFree: ClientSettings["minFree"]): ClientSettings {
  return {
    serverHost: "127.0.0.1",
    serverPort: 9,
    hbAddress: "239.0.0.1",
    hbPort: 9,
    interfaceAddress: "127.0.0.1",
    id: "probe",
    hbKey: "probe-key",
    chunkBytes: 64 * 1024,
    fileBytes: 256 * 1024,
    runTimeMs: 5000, // a 250 ms probe
    minRollovers: 2,
    path: dir,
    heartbeatMs: 1000,
    statsEveryMs: 1000,
    fsync: "never",
    minFree,
    token: undefined,
    logPath: null,
    cleanup: false,
    failIfLimited: false,
    prometheus: null,
    web: null,
  };
}

async function namesIn(dir: string): Promise<string[]> {
  return (await Array.fromAsync(Deno.readDir(dir))).map((entry) => entry.name).sort();
}

Deno.test("measureSpeed() measures, then removes its files before it returns", async () => {
  await inTempDir("probe", async (dir) => {
    // A file a probe of this client killed earlier left behind goes too; other files stay,
    // another client's probe files in the same --path too (client "probe-x", client "x").
    await Deno.writeFile(`${dir}/stress-probe-probe-00042.dat`, new Uint8Array(10));
    const others = [
      "stress-disk-probe-00000.dat",
      "stress-probe-probe-x-00000.dat",
      "stress-probe-x-00000.dat",
    ];
    for (const name of others) await Deno.writeFile(`${dir}/${name}`, new Uint8Array(10));
    const result = await measureSpeed(settingsIn(dir, { percent: 0 }));
    assert.equal(result.diskFull, false);
    assert.ok(result.speed !== null && result.speed > 0);
    assert.ok(result.bytesWritten >= 64 * 1024);
    assert.deepEqual(await namesIn(dir), others);
  });
});

Deno.test("measureSpeed() stops at once when its signal is aborted (Ctrl-C), and removes its files", async () => {
  await inTempDir("probe", async (dir) => {
    const controller = new AbortController();
    const settings = { ...settingsIn(dir, { percent: 0 }), runTimeMs: 3_600_000 }; // a 1 s probe
    const started = performance.now();
    const probe = measureSpeed(settings, { signal: controller.signal });
    controller.abort();
    await probe;
    assert.ok(performance.now() - started < 900, "the probe ran on after the signal");
    assert.deepEqual(await namesIn(dir), []);
  });
});

Deno.test("measureSpeed() stops at --min-free: it writes nothing below the floor", async () => {
  await inTempDir("probe", async (dir) => {
    // Above the free space, even if other processes free some meanwhile.
    const floor = freeSpace(dir).bytes + 2 ** 40;
    const result = await measureSpeed(settingsIn(dir, { bytes: floor }));
    assert.deepEqual(result, { speed: null, bytesWritten: 0, diskFull: true });
    assert.deepEqual(await namesIn(dir), []);
  });
});

Deno.test("measureSpeed() ends as diskFull when the file system is full (ENOSPC), and removes its files", async () => {
  await inTempDir("probe", async (dir) => {
    let writes = 0;
    const openFile = (path: string): DataFile => {
      const file = Deno.openSync(path, { write: true, create: true, truncate: true });
      return {
        writeSync(data) {
          if (++writes > 6) {
            throw Object.assign(new Error("No space left on device (os error 28)"), {
              code: "ENOSPC",
            });
          }
          return file.writeSync(data);
        },
        syncDataSync: () => file.syncDataSync(),
        truncateSync: (length) => file.truncateSync(length),
        close: () => file.close(),
      };
    };
    const result = await measureSpeed(settingsIn(dir, { percent: 0 }), { openFile });
    assert.equal(result.diskFull, true);
    assert.equal(result.bytesWritten, 6 * 64 * 1024);
    assert.ok(result.speed !== null && result.speed > 0);
    assert.deepEqual(await namesIn(dir), []);
  });
});

Deno.test("measureSpeed() turns a file system error into one line, and removes its files", async () => {
  await inTempDir("probe", async (dir) => {
    let opened = 0;
    const openFile = (path: string): DataFile => {
      if (++opened > 1) throw new Deno.errors.PermissionDenied("Permission denied (os error 13)");
      return Deno.openSync(path, { write: true, create: true, truncate: true });
    };
    await assert.rejects(
      () => measureSpeed(settingsIn(dir, { percent: 0 }), { openFile }),
      (error: unknown) =>
        error instanceof UsageError &&
        error.message === `Cannot write in the directory of --path "${dir}": Permission denied ` +
            "(os error 13)",
    );
    assert.deepEqual(await namesIn(dir), []);
  });
});
