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
 * @param outDir The output directory (created when missing; relative to the current directory).
 * @returns The written files with their sizes in bytes.
 */
export async function bundle(outDir: string): Promise<{ path: string; sizeBytes: number }[]> {
  // `deno bundle` runs in the repository root: a relative `outDir` is the caller's, so absolute.
  const dir = outDir.startsWith("/") ? outDir : `${Deno.cwd()}/${outDir}`;
  await Deno.mkdir(dir, { recursive: true });
  const written: { path: string; sizeBytes: number }[] = [];
  for (const entry of BUNDLE_ENTRIES) {
    const path = `${dir}/${entry.output}`;
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
  if (args.length === 0) return new URL("dist", ROOT).pathname;
  if (args.length === 2 && args[0] === "--outdir" && args[1] !== "") {
    return args[1].replace(/(.)\/+$/, "$1");
  }
  throw new Error(`Cannot bundle: unknown arguments "${args.join(" ")}", expected [--outdir DIR]`);
}

/** Runs the command; resolves with the exit code. */
export async function bundleMain(args: string[]): Promise<number> {
  let outDir;
  try {
    outDir = outDirOf(args);
  } catch (error) {
    console.error(`error: ${(error as Error).message}`);
    return 2;
  }
  let written;
  try {
    written = await bundle(outDir);
  } catch (error) {
    console.error(`error: ${(error as Error).message}`);
    return 1;
  }
  let total = 0;
  for (const file of written) {
    total += file.sizeBytes;
    console.log(`${file.path}  ${(file.sizeBytes / 1e6).toFixed(2)} MB`);
  }
  console.log(`${written.length} files, ${(total / 1e6).toFixed(2)} MB`);
  return 0;
}

if (import.meta.main) Deno.exit(await bundleMain(Deno.args));
