/**
 * A throwaway PostgreSQL server for tests: finds the system's `initdb` and `postgres`, creates a
 * cluster in a fresh temporary directory and runs it on 127.0.0.1 with a free port. When this
 * process runs as root, the cluster runs as `nobody` (initdb refuses to run as root).
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
  /** Stops the server (fast shutdown), waits for it and removes its directory. */
  stop(): Promise<void>;
}

const UNPRIVILEGED_ID = 65534; // nobody / nogroup
const READY_TIMEOUT_MS = 15_000;

async function isFile(path: string): Promise<boolean> {
  try {
    return (await Deno.stat(path)).isFile;
  } catch {
    return false;
  }
}

/** Finds the directory holding `initdb` and `postgres`: PATH first, then the newest version. */
async function findBinDir(): Promise<string | null> {
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
 * @returns The server's URL and port, and `stop()`.
 * @throws {Error} When PostgreSQL is not installed or the server does not start in ~15 s.
 */
export async function startPostgres(): Promise<PgServer> {
  const binDir = await findBinDir();
  if (binDir === null) {
    throw new Error(
      "Cannot start PostgreSQL for the tests: PostgreSQL is not installed, expected initdb and " +
        "postgres on PATH or in /usr/lib/postgresql/*/bin (apt-get install postgresql)",
    );
  }
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
