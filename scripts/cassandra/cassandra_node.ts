/**
 * Starts a real Apache Cassandra node (one node, 127.0.0.1, free ports, 1 GB heap) from its Maven
 * Central jars on JDK 17, waits until CQL answers, and stops it by its pid. A watchdog process
 * stops the node when this process goes away without stopping it, so no JVM is left behind.
 *
 * @module
 */

import cassandra from "cassandra-driver";
import { cassandraJvmArgs, cassandraYaml, logbackXml } from "./cassandra_config.ts";
import { findJava17, resolveCassandraJars } from "./cassandra_jars.ts";
import { makeNodeCertificate } from "./node_certificate.ts";

/** What a started node is: where it answers, how to log in, how to trust it. */
export interface CassandraNodeInfo {
  /** Always 127.0.0.1. */
  readonly host: string;
  /** The native (CQL) port. */
  readonly port: number;
  /** `release_version` from `system.local`, e.g. `5.0.6`. */
  readonly version: string;
  /** The JVM's process id. */
  readonly pid: number;
  /** The node's temporary directory (configuration, data, `node.log`). */
  readonly dir: string;
  /** The superuser to log in with when started with `auth`, else null. */
  readonly credentials: { readonly user: string; readonly password: string } | null;
  /** The PEM certificate clients must trust when started with `tls`, else null. */
  readonly certPem: string | null;
}

/** A running node: its description and how to stop it. */
export interface CassandraNode extends CassandraNodeInfo {
  /** SIGTERM to the JVM, SIGKILL after 15 s, then removes the directory. Safe to call twice. */
  stop(): Promise<void>;
}

/** How to start a node. */
export interface StartCassandraOptions {
  /** PasswordAuthenticator with the default superuser cassandra/cassandra. */
  readonly auth?: boolean;
  /** Client TLS, required, on a certificate made for the node. */
  readonly tls?: boolean;
  /** The heap in MB (default 1024). */
  readonly heapMb?: number;
  /** How long to wait for CQL to answer (default 150 s). */
  readonly readyTimeoutMs?: number;
  /** A CPU list for `taskset -c` to pin the JVM to (bench runs), or none. */
  readonly cpus?: string;
}

const STOP_GRACE_MS = 15_000;

function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

/** A shell loop that stops the JVM (and removes its folder) once its parent is gone. */
function startWatchdog(parentPid: number, javaPid: number, dir: string): void {
  const script = [
    'while kill -0 "$1" 2>/dev/null && kill -0 "$2" 2>/dev/null; do sleep 1; done',
    'if kill -0 "$2" 2>/dev/null; then',
    '  kill -TERM "$2"',
    '  for i in $(seq 1 30); do kill -0 "$2" 2>/dev/null || break; sleep 0.5; done',
    '  kill -KILL "$2" 2>/dev/null',
    '  rm -rf "$3"',
    "fi",
  ].join("\n");
  const watchdog = new Deno.Command("bash", {
    args: ["-c", script, "watchdog", String(parentPid), String(javaPid), dir],
    stdin: "null",
    stdout: "null",
    stderr: "null",
  }).spawn();
  watchdog.unref();
}

async function logTail(path: string): Promise<string> {
  try {
    const text = await Deno.readTextFile(path);
    return text.trim().split("\n").filter((line) => /ERROR|Exception|Error:/.test(line)).slice(-3)
      .join(" | ");
  } catch {
    return "";
  }
}

async function queryVersion(info: Omit<CassandraNodeInfo, "version">): Promise<string | null> {
  const client = new cassandra.Client({
    contactPoints: [`${info.host}:${info.port}`],
    localDataCenter: "datacenter1",
    ...(info.credentials === null ? {} : {
      authProvider: new cassandra.auth.PlainTextAuthProvider(
        info.credentials.user,
        info.credentials.password,
      ),
    }),
    ...(info.certPem === null
      ? {}
      : { sslOptions: { ca: [await Deno.readTextFile(info.certPem)] } }),
    socketOptions: { connectTimeout: 2_000, readTimeout: 5_000 },
  });
  try {
    await client.connect();
    const result = await client.execute("SELECT release_version FROM system.local");
    return String(result.first()?.get("release_version") ?? "");
  } catch {
    return null;
  } finally {
    await client.shutdown().catch(() => {});
  }
}

async function canConnect(port: number): Promise<boolean> {
  try {
    const conn = await Deno.connect({ hostname: "127.0.0.1", port });
    conn.close();
    return true;
  } catch {
    return false;
  }
}

async function waitReady(
  info: Omit<CassandraNodeInfo, "version">,
  child: Deno.ChildProcess,
  timeoutMs: number,
): Promise<string> {
  const state: { exited: Deno.CommandStatus | null } = { exited: null };
  child.status.then((status) => state.exited = status);
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (state.exited !== null) {
      const tail = await logTail(`${info.dir}/node.log`);
      throw new Error(
        `Cassandra exited with code ${state.exited.code} before CQL answered: ${tail}`,
      );
    }
    if (await canConnect(info.port)) {
      const version = await queryVersion(info);
      if (version) return version;
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(
    `Cassandra did not answer CQL within ${timeoutMs / 1000} s (${info.dir}/node.log)`,
  );
}

async function writeConfig(dir: string, options: StartCassandraOptions, ports: number[]) {
  const java = await findJava17();
  const jars = await resolveCassandraJars();
  const cert = options.tls
    ? await makeNodeCertificate(dir, java.replace(/java$/, "keytool"))
    : null;
  await Deno.writeTextFile(
    `${dir}/cassandra.yaml`,
    cassandraYaml({
      dir,
      nativePort: ports[0],
      storagePort: ports[1],
      auth: options.auth ?? false,
      tls: cert === null ? null : { keystore: cert.keystore, password: cert.password },
    }),
  );
  await Deno.writeTextFile(`${dir}/logback.xml`, logbackXml());
  return { java, jars, cert };
}

function spawnNode(
  java: string,
  args: string[],
  options: { dir: string; log: Deno.FsFile; cpus?: string },
): Deno.ChildProcess {
  const command = options.cpus === undefined
    ? new Deno.Command(java, { args, stdout: "piped", stderr: "piped", stdin: "null" })
    : new Deno.Command("taskset", {
      args: ["-c", options.cpus, java, ...args],
      stdout: "piped",
      stderr: "piped",
      stdin: "null",
    });
  const child = command.spawn();
  child.stdout.pipeTo(options.log.writable, { preventClose: true }).catch(() => {});
  child.stderr.pipeTo(
    new WritableStream({ write: (chunk) => options.log.write(chunk).then(() => {}) }),
  ).catch(() => {});
  return child;
}

/**
 * Starts one real Cassandra node and resolves once `SELECT release_version FROM system.local`
 * answers (with the superuser's login when `auth`, over TLS when `tls`).
 *
 * @example Usage
 * ```ts ignore
 * import { startCassandra } from "./cassandra_node.ts";
 * const node = await startCassandra({ auth: true });
 * console.log(`cassandra ready at ${node.host}:${node.port} (Apache Cassandra ${node.version})`);
 * await node.stop();
 * ```
 */
export async function startCassandra(options: StartCassandraOptions = {}): Promise<CassandraNode> {
  const dir = await Deno.makeTempDir({ prefix: "stress-cassandra-" });
  const ports = [freePort(), freePort()];
  const { java, jars, cert } = await writeConfig(dir, options, ports).catch(async (error) => {
    await Deno.remove(dir, { recursive: true }).catch(() => {});
    throw error;
  });
  const log = await Deno.open(`${dir}/node.log`, { write: true, create: true, append: true });
  const args = cassandraJvmArgs({ dir, ...jars, heapMb: options.heapMb ?? 1024 });
  const child = spawnNode(java, args, { dir, log, cpus: options.cpus });
  startWatchdog(Deno.pid, child.pid, dir);
  const base = {
    host: "127.0.0.1",
    port: ports[0],
    pid: child.pid,
    dir,
    credentials: options.auth ? { user: "cassandra", password: "cassandra" } : null,
    certPem: cert?.certPem ?? null,
  };
  let stopped: Promise<void> | null = null;
  const stop = () => stopped ??= stopNode(child, dir, log);
  try {
    const version = await waitReady(base, child, options.readyTimeoutMs ?? 150_000);
    return { ...base, version, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

async function stopNode(child: Deno.ChildProcess, dir: string, log: Deno.FsFile): Promise<void> {
  try {
    child.kill("SIGTERM");
  } catch {
    // Already gone.
  }
  const timer = setTimeout(() => {
    try {
      child.kill("SIGKILL");
    } catch {
      // Gone meanwhile.
    }
  }, STOP_GRACE_MS);
  await child.status;
  clearTimeout(timer);
  try {
    log.close();
  } catch {
    // Closed by the pipe.
  }
  await Deno.remove(dir, { recursive: true }).catch(() => {});
}
