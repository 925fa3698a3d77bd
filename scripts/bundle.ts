/**
 * `deno task bundle`: writes the tool as one folder of self-contained JavaScript files with
 * `deno bundle` (every npm dependency inside, nothing fetched at run time):
 *
 * - `stress.js`: `main.ts`, every command included (`deno run -A stress.js ...`);
 * - one file per Worker or child-process entry, named after its source file (`.ts` -> `.js`),
 *   which the spawning code finds next to `stress.js` (see `lib/engine/worker_entry_url.ts`).
 *
 * Usage: `deno run -A scripts/bundle.ts [--outdir DIR]` (default `dist/` in the repository).
 * Existing files of the same names are overwritten; nothing else in DIR is touched. See
 * docs/artifact.md.
 *
 * @module
 */

// deno-lint-ignore-file no-console

/** The repository root. */
const ROOT = new URL("../", import.meta.url);

/** Each entry module (relative to the root) and the file it is bundled into. */
export const BUNDLE_ENTRIES: readonly { source: string; output: string }[] = [
  { source: "main.ts", output: "stress.js" },
  { source: "lib/cql/driver/stress_worker.ts", output: "stress_worker.js" },
  { source: "lib/engine/synthetic_worker.ts", output: "synthetic_worker.js" },
  { source: "lib/query/driver/query_worker.ts", output: "query_worker.js" },
  { source: "lib/disk/driver/disk_writer_main.ts", output: "disk_writer_main.js" },
];

/**
 * Bundles every entry into `outDir`.
 *
 * @param outDir The output directory (created when missing).
 * @returns The written files with their sizes in bytes.
 */
export async function bundle(outDir: string): Promise<{ path: string; sizeBytes: number }[]> {
  await Deno.mkdir(outDir, { recursive: true });
  const written: { path: string; sizeBytes: number }[] = [];
  for (const entry of BUNDLE_ENTRIES) {
    const path = `${outDir}/${entry.output}`;
    const output = await new Deno.Command(Deno.execPath(), {
      args: [
        "bundle",
        "--quiet",
        "--config",
        new URL("deno.json", ROOT).pathname,
        "--platform",
        "deno",
        "--output",
        path,
        new URL(entry.source, ROOT).pathname,
      ],
      cwd: new URL(".", ROOT).pathname,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).output();
    if (!output.success) {
      const text = new TextDecoder().decode(output.stderr) +
        new TextDecoder().decode(output.stdout);
      throw new Error(`Cannot bundle ${entry.source} into ${path}: exit ${output.code}\n${text}`);
    }
    written.push({ path, sizeBytes: (await Deno.stat(path)).size });
  }
  return written;
}

function outDirOf(args: readonly string[]): string {
  const at = args.indexOf("--outdir");
  if (at >= 0 && args[at + 1] !== undefined) return args[at + 1].replace(/\/+$/, "");
  if (args.length > 0) {
    throw new Error(
      `Cannot bundle: unknown arguments "${args.join(" ")}", expected [--outdir DIR]`,
    );
  }
  return new URL("dist", ROOT).pathname;
}

if (import.meta.main) {
  const written = await bundle(outDirOf(Deno.args));
  let total = 0;
  for (const file of written) {
    total += file.sizeBytes;
    console.log(`${file.path}  ${(file.sizeBytes / 1e6).toFixed(2)} MB`);
  }
  console.log(`${written.length} files, ${(total / 1e6).toFixed(2)} MB`);
}
