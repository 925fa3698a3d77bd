import assert from "node:assert/strict";
import { DiskWriter, freeSpace } from "../../../lib/disk/driver/disk_writer.ts";

async function inTempDir<T>(run: (dir: string) => Promise<T>): Promise<T> {
  const dir = await Deno.makeTempDir({ prefix: "stress_disk_writer_" });
  try {
    return await run(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("DiskWriter rolls files over at the file size, in whole chunks, and reports each rollover", async () => {
  await inTempDir(async (dir) => {
    const rollovers: number[] = [];
    let chunkCalls = 0;
    const outcome = await new DiskWriter({
      dir,
      chunkBytes: 3000,
      fileBytes: 10_000, // 4 chunks: 12,000 bytes per file
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
    assert.ok(rollovers.every((bytes) => bytes === 12_000));
    const sizes = await Promise.all(outcome.files.map(async (f) => (await Deno.stat(f)).size));
    assert.equal(sizes.reduce((a, b) => a + b, 0), outcome.bytesWritten);
    assert.ok(sizes.slice(0, outcome.rollovers).every((size) => size === 12_000));
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
