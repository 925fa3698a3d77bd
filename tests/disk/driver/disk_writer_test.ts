import assert from "node:assert/strict";
import { type DataFile, DiskWriter } from "../../../lib/disk/driver/disk_writer.ts";
import { freeSpace } from "../../../lib/disk/driver/free_space.ts";

async function inTempDir<T>(run: (dir: string) => Promise<T>): Promise<T> {
  const dir = await Deno.makeTempDir({ prefix: "stress_disk_writer_" });
  try {
    return await run(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("DiskWriter rolls a file over before the next chunk would take it past the file size", async () => {
  await inTempDir(async (dir) => {
    const rollovers: number[] = [];
    let chunkCalls = 0;
    const outcome = await new DiskWriter({
      dir,
      chunkBytes: 3000,
      fileBytes: 10_000, // 3 whole chunks fit: 9000 bytes per file, never more than 10,000
      fsync: "file",
      runTimeMs: 100,
    }).run({
      onChunk: (tookNs, bytes) => {
        assert.ok(tookNs > 0);
        assert.equal(bytes, 3000);
        chunkCalls++;
      },
      onRollover: (rollover) => rollovers.push(rollover.bytes),
    });
    assert.equal(outcome.reason, "done");
    assert.equal(outcome.chunks, chunkCalls);
    assert.equal(outcome.bytesWritten, chunkCalls * 3000);
    assert.equal(outcome.rollovers, rollovers.length);
    assert.ok(outcome.rollovers >= 2, `only ${outcome.rollovers} rollovers`);
    assert.ok(rollovers.every((bytes) => bytes === 9000));
    const sizes = await Promise.all(outcome.files.map(async (f) => (await Deno.stat(f)).size));
    assert.equal(sizes.reduce((a, b) => a + b, 0), outcome.bytesWritten);
    assert.ok(sizes.slice(0, outcome.rollovers).every((size) => size === 9000));
    assert.ok(sizes.every((size) => size <= 10_000), `${sizes}`);
  });
});

Deno.test("DiskWriter stops before the free-space floor (disk_full) and on request (stopped)", async () => {
  await inTempDir(async (dir) => {
    // Above the free space, even if other processes free some meanwhile (the whole suite runs in
    // parallel: with the floor at the free space itself, a deleted temp dir let 28 MB through).
    const floor = freeSpace(dir).bytes + 2 ** 40;
    const full = await new DiskWriter({
      dir,
      chunkBytes: 4096,
      fileBytes: 8192,
      fsync: "never",
      runTimeMs: 10_000,
      minFree: { bytes: floor },
    }).run();
    assert.deepEqual([full.reason, full.chunks], ["disk_full", 0]);
    const percentFull = await new DiskWriter({
      dir,
      chunkBytes: 4096,
      fileBytes: 8192,
      fsync: "never",
      runTimeMs: 10_000,
      minFree: { percent: 100 },
    }).run();
    assert.equal(percentFull.reason, "disk_full");
    let chunks = 0;
    const stopped = await new DiskWriter({
      dir,
      chunkBytes: 4096,
      fileBytes: 8192,
      fsync: "chunk",
      runTimeMs: 10_000,
    }).run({ onChunk: () => chunks++, shouldStop: () => chunks >= 5 });
    assert.deepEqual([stopped.reason, stopped.chunks, stopped.rollovers], ["stopped", 5, 2]);
  });
});

/** An error as Deno throws it for a full file system. */
function enospc(): Error {
  return Object.assign(new Error("No space left on device (os error 28)"), { code: "ENOSPC" });
}

/** Opens real files, but the file system is "full" after `room` bytes (written, or synced). */
function fullAfter(room: number, when: "write" | "sync" | "open"): (path: string) => DataFile {
  let used = 0;
  return (path) => {
    if (when === "open" && used >= room) throw enospc();
    const file = Deno.openSync(path, { write: true, create: true, truncate: true });
    return {
      writeSync(data) {
        if (when === "write" && used + data.length > room) {
          // A partial write, as a real file system does, then the error on the next call.
          const fits = Math.max(0, room - used);
          if (fits === 0) throw enospc();
          used += fits;
          return file.writeSync(data.subarray(0, fits));
        }
        used += data.length;
        return file.writeSync(data);
      },
      syncDataSync() {
        if (when === "sync" && used > room) throw enospc();
        file.syncDataSync();
      },
      truncateSync: (length) => file.truncateSync(length),
      close: () => file.close(),
    };
  };
}

Deno.test("DiskWriter ends as disk_full when the file system is full (ENOSPC), never with an error", async (t) => {
  for (const when of ["write", "sync", "open"] as const) {
    await t.step(`on ${when}`, async () => {
      await inTempDir(async (dir) => {
        const outcome = await new DiskWriter({
          dir,
          chunkBytes: 3000,
          fileBytes: 9000,
          fsync: "chunk",
          runTimeMs: 10_000,
          openFile: fullAfter(when === "open" ? 18_000 : 16_000, when),
        }).run();
        assert.equal(outcome.reason, "disk_full");
        const whole = when === "open" ? 6 : 5;
        assert.deepEqual([outcome.chunks, outcome.bytesWritten], [whole, whole * 3000]);
        // Every file holds exactly the whole chunks counted: the cut-short chunk is cut off.
        const sizes = await Promise.all(outcome.files.map(async (f) => (await Deno.stat(f)).size));
        assert.equal(sizes.reduce((a, b) => a + b, 0), outcome.bytesWritten, `${sizes}`);
      });
    });
  }
});

Deno.test("DiskWriter passes on an error that is not a full disk", async () => {
  await inTempDir(async (dir) => {
    const writer = new DiskWriter({
      dir,
      chunkBytes: 100,
      fileBytes: 1000,
      fsync: "never",
      runTimeMs: 1000,
      openFile: () => {
        throw new Deno.errors.PermissionDenied("Permission denied (os error 13)");
      },
    });
    await assert.rejects(() => writer.run(), Deno.errors.PermissionDenied);
  });
});

Deno.test("DiskWriter rejects a chunk larger than the file", () => {
  assert.throws(
    () =>
      new DiskWriter({ dir: ".", chunkBytes: 2000, fileBytes: 1000, fsync: "never", runTimeMs: 1 }),
    /chunkBytes "2000" is larger than fileBytes "1000"/,
  );
});

Deno.test("DiskWriter rejects sizes that are not positive integers", () => {
  assert.throws(
    () => new DiskWriter({ dir: ".", chunkBytes: 0, fileBytes: 1, fsync: "never", runTimeMs: 1 }),
    /chunkBytes "0" is invalid/,
  );
  assert.throws(
    () => new DiskWriter({ dir: ".", chunkBytes: 1, fileBytes: 1.5, fsync: "never", runTimeMs: 1 }),
    /fileBytes/,
  );
});
