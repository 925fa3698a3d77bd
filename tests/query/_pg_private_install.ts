/**
 * A private copy of the system's PostgreSQL installation, for tests that install extensions.
 * PostgreSQL finds its share and lib directories relative to the path of its own binary (the
 * installation is relocatable), so a server started from hard links of bin/, lib/ and share/
 * under a temporary directory reads extension control files from the copy: a test can add a
 * stand-in extension there without writing to the system's directory, where other test runs
 * (and a real installation) would see it.
 *
 * @module
 */

import { findBinDir } from "./_pg_fixture.ts";

/** A private installation; `remove()` deletes it (stop its servers first). */
export interface PrivateInstall {
  /** Holds `initdb` and `postgres`: give it to `startPostgres({ binDir })`. */
  readonly binDir: string;
  /** The `extension` directory of the copy's share directory. */
  readonly extensionDir: string;
  /** The system's `extension` directory, which the copy's servers do not read. */
  readonly systemExtensionDir: string;
  /** Removes the copy. */
  remove(): Promise<void>;
}

/** Recreates the tree `from` at `to` from hard links (copies across file systems) and symlinks. */
async function mirror(from: string, to: string): Promise<void> {
  await Deno.mkdir(to, { recursive: true });
  await Deno.chmod(to, 0o755);
  for await (const entry of Deno.readDir(from)) {
    const source = `${from}/${entry.name}`;
    const target = `${to}/${entry.name}`;
    if (entry.isSymlink) await Deno.symlink(await Deno.readLink(source), target);
    else if (entry.isDirectory) await mirror(source, target);
    else await Deno.link(source, target).catch(() => Deno.copyFile(source, target));
  }
}

/** The longest common leading path of `paths`, by components. */
function commonRoot(paths: string[]): string {
  const split = paths.map((path) => path.split("/"));
  let n = 0;
  while (split.every((parts) => n < parts.length && parts[n] === split[0][n])) n++;
  return split[0].slice(0, n).join("/");
}

/**
 * Copies the system's installation (the one `startPostgres()` would use) into a temporary
 * directory, keeping the relative layout of its bin, lib and share directories.
 *
 * @returns The copy, or why there is none (no system installation, or embedded binaries asked
 * for), for the test to print and skip.
 */
export async function privateInstall(): Promise<PrivateInstall | string> {
  if (Deno.env.get("STRESS_TEST_PG") === "embedded") {
    return 'STRESS_TEST_PG is "embedded", and only a system installation is copied';
  }
  const found = await findBinDir();
  if (found === null) return "PostgreSQL is not installed (no initdb and postgres found)";
  const binDir = await Deno.realPath(`${found}/postgres`).then((p) => p.replace(/\/[^/]+$/, ""));
  const pgConfig = `${binDir}/pg_config`;
  const output = await new Deno.Command(pgConfig, {
    args: ["--bindir", "--pkglibdir", "--sharedir"],
    stdout: "piped",
    stderr: "null",
  }).output().catch(() => null);
  if (output === null || !output.success) return `"${pgConfig}" did not run`;
  const dirs = new TextDecoder().decode(output.stdout).trim().split("\n");
  if (dirs.length !== 3 || dirs[0] !== binDir) {
    return `"${pgConfig}" names the directories ${JSON.stringify(dirs)}, expected ${binDir} first`;
  }
  const root = commonRoot(dirs);
  const copy = await Deno.makeTempDir({ prefix: "stress_pg_install_" });
  try {
    await Deno.chmod(copy, 0o755); // the server runs as nobody when the tests run as root
    for (const dir of dirs) await mirror(dir, `${copy}${dir.slice(root.length)}`);
  } catch (error) {
    await Deno.remove(copy, { recursive: true }).catch(() => {});
    throw error;
  }
  return {
    binDir: `${copy}${binDir.slice(root.length)}`,
    extensionDir: `${copy}${dirs[2].slice(root.length)}/extension`,
    systemExtensionDir: `${dirs[2]}/extension`,
    remove: () => Deno.remove(copy, { recursive: true }),
  };
}
