// Test fixture: a disk that fills up in the middle of a run. A tmpfs of a few KiB mounted on a
// fresh temporary folder (root only: elsewhere `SMALL_DISK` is false and the tests that need it
// are ignored), most of it taken by a filler file, so that a write fails with "No space left on
// device" after what fits (a short write, then ENOSPC), as on a real disk.

/** A mounted small disk. */
export interface SmallDisk {
  /** Its folder. */
  readonly dir: string;
  /** Unmounts it and removes the folder. */
  close(): Promise<void>;
}

async function run(args: string[]): Promise<boolean> {
  const { success } = await new Deno.Command(args[0], {
    args: args.slice(1),
    stdout: "null",
    stderr: "null",
  }).output();
  return success;
}

/**
 * Mounts a tmpfs of `sizeKiB` KiB with `freeBytes` (a multiple of 4096: tmpfs counts pages) left
 * free, or returns null when it cannot be mounted.
 */
export async function mountSmallDisk(
  freeBytes: number,
  sizeKiB = 64,
): Promise<SmallDisk | null> {
  if (Deno.build.os !== "linux" || Deno.uid() !== 0) return null;
  const dir = await Deno.makeTempDir({ prefix: "small_disk_" });
  if (!(await run(["mount", "-t", "tmpfs", "-o", `size=${sizeKiB}k`, "tmpfs", dir]))) {
    await Deno.remove(dir);
    return null;
  }
  const close = async () => {
    await run(["umount", dir]);
    await Deno.remove(dir, { recursive: true });
  };
  try {
    await Deno.writeFile(`${dir}/filler`, new Uint8Array(sizeKiB * 1024 - freeBytes));
  } catch (error) {
    await close();
    throw error;
  }
  return { dir, close };
}

/** Whether this machine can mount a small disk (root on Linux). */
export const SMALL_DISK: boolean = await (async () => {
  const disk = await mountSmallDisk(4096);
  await disk?.close();
  return disk !== null;
})();

/**
 * Runs `fn` with a small disk of `freeBytes` free (see {@linkcode mountSmallDisk}), unmounted
 * after it whatever happens; fails when none can be mounted (tests that call it are ignored
 * where `SMALL_DISK` is false).
 */
export async function withSmallDisk(
  freeBytes: number,
  fn: (dir: string) => Promise<void>,
): Promise<void> {
  const disk = await mountSmallDisk(freeBytes);
  if (disk === null) throw new Error("Cannot mount a small disk here (root on Linux only)");
  try {
    await fn(disk.dir);
  } finally {
    await disk.close();
  }
}
