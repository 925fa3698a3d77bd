/**
 * Paths that name a descriptor the process has open (`/dev/stdout`, `/dev/stderr`, `/dev/fd/N`,
 * `/proc/self/fd/N`): an output file given as one of them is written where that descriptor
 * writes, after what was written there already, never created, truncated or replaced; behind
 * `> out.txt` the path resolves to `out.txt` itself, whose earlier output must stay.
 *
 * @module
 */

const DESCRIPTOR_PATH =
  /^\/(?:dev\/(?:stdout|stderr|fd\/\d+)|proc\/(?:self|thread-self)\/fd\/\d+)$/;

/**
 * Whether `path` names one of the process's open descriptors.
 *
 * @param path An output path as the user gave it.
 * @returns True for `/dev/stdout`, `/dev/stderr`, `/dev/fd/N` and `/proc/self/fd/N`.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { isDescriptorPath } from "./descriptor_path.ts";
 * assert.equal(isDescriptorPath("/dev/stdout"), true);
 * assert.equal(isDescriptorPath("/proc/self/fd/3"), true);
 * assert.equal(isDescriptorPath("/dev/null"), false);
 * assert.equal(isDescriptorPath("out.json"), false);
 * ```
 */
export function isDescriptorPath(path: string): boolean {
  return DESCRIPTOR_PATH.test(path);
}

/** Where an output file's bytes go: an open file, or one of the process's own streams. */
export interface OutputFile {
  /** Writes some of `bytes`; returns how many. */
  writeSync(bytes: Uint8Array): number;
  /** Closes it (the process's own streams stay open). */
  close(): void;
  /**
   * Cuts the file back to its first `length` bytes, the next write going there: present on a
   * file the run created (a regular file), absent on streams, devices and descriptors' paths,
   * whose earlier bytes are not ours to cut.
   */
  truncateTo?(length: number): void;
}

/** The stream a descriptor's path names when it is stdout's or stderr's, else null. */
function ownStream(path: string): typeof Deno.stdout | typeof Deno.stderr | null {
  const fd = /^\/dev\/(stdout|stderr)$/.exec(path)?.[1] ?? /\/fd\/(\d+)$/.exec(path)?.[1];
  if (fd === "stdout" || fd === "1") return Deno.stdout;
  if (fd === "stderr" || fd === "2") return Deno.stderr;
  return null;
}

/**
 * Opens an output file: stdout's or stderr's path as that stream itself (behind `> out.txt`
 * the writes follow what the run printed, in the stream's own place, never over it), another
 * descriptor's path for appending, any other path created or truncated.
 *
 * @param path The output path.
 * @returns Where to write.
 * @throws {Error} What the file system said.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { openOutput } from "./descriptor_path.ts";
 * const path = Deno.makeTempFileSync();
 * const file = openOutput(path);
 * assert.equal(file.writeSync(new Uint8Array([65])), 1);
 * file.close();
 * assert.equal(Deno.readTextFileSync(path), "A");
 * Deno.removeSync(path);
 * ```
 */
export function openOutput(path: string): OutputFile {
  const stream = ownStream(path);
  if (stream !== null) return { writeSync: (bytes) => stream.writeSync(bytes), close: () => {} };
  if (isDescriptorPath(path)) return Deno.openSync(path, { write: true, append: true });
  const file = Deno.openSync(path, { write: true, create: true, truncate: true });
  if (!file.statSync().isFile) return file;
  return {
    writeSync: (bytes) => file.writeSync(bytes),
    close: () => file.close(),
    truncateTo(length) {
      file.truncateSync(length);
      file.seekSync(length, Deno.SeekMode.Start);
    },
  };
}
