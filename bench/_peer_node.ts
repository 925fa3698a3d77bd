// The Cassandra node of bench/cql_peers.ts and scripts/cross_check.ts: the one given by
// `--node H --port P`, or one started here with scripts/cassandra (pinned with `taskset -c` to
// the CPUs given) and stopped by its pid at the end. Also says which CPUs the node may run on,
// read from /proc/<pid>/status of the process listening on its port.
import { startCassandra } from "../scripts/cassandra/cassandra_node.ts";

/** Whether a `--node` names this machine (127.0.0.0/8, ::1, localhost): the only nodes allowed. */
export function isLoopbackHost(host: string): boolean {
  return host === "localhost" || host === "::1" || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/** A node to run against. */
export interface PeerNode {
  host: string;
  port: number;
  /** The node's pid, or null when it cannot be found (another user's process). */
  pid: number | null;
  /** `Cpus_allowed_list` of the node's process, e.g. `1`, or `unknown`. */
  cpus: string;
  /** Whether it was started here. */
  started: boolean;
  /** Stops it when it was started here; does nothing otherwise. */
  stop(): Promise<void>;
}

/** The pid of the process listening on TCP `port`, from `ss -ltnpH`, or null. */
async function listenerPid(port: number): Promise<number | null> {
  try {
    const output = await new Deno.Command("ss", {
      args: ["-ltnpH", `sport = :${port}`],
      stdout: "piped",
      stderr: "null",
    }).output();
    const match = /pid=(\d+)/.exec(new TextDecoder().decode(output.stdout));
    return match === null ? null : Number(match[1]);
  } catch {
    return null;
  }
}

/** `Cpus_allowed_list` of a process, or `unknown`. */
async function allowedCpus(pid: number | null): Promise<string> {
  if (pid === null) return "unknown";
  try {
    const status = await Deno.readTextFile(`/proc/${pid}/status`);
    return /^Cpus_allowed_list:\s*(\S+)/m.exec(status)?.[1] ?? "unknown";
  } catch {
    return "unknown";
  }
}

/**
 * The node at `host:port` when `port` is given, else a new one pinned to `cpus`.
 *
 * @param where `--node` and `--port` (port null: start one).
 * @param cpus The CPU list to pin a started node to.
 * @returns The node; call `stop()` when done.
 *
 * @example Usage
 * ```ts ignore
 * import { peerNode } from "./_peer_node.ts";
 * const node = await peerNode({ host: "127.0.0.1", port: null }, "1");
 * console.log(node.port, node.cpus);
 * await node.stop();
 * ```
 */
export async function peerNode(
  where: { host: string; port: number | null },
  cpus: string,
): Promise<PeerNode> {
  if (where.port !== null) {
    const pid = await listenerPid(where.port);
    return {
      host: where.host,
      port: where.port,
      pid,
      cpus: await allowedCpus(pid),
      started: false,
      stop: () => Promise.resolve(),
    };
  }
  const node = await startCassandra({ cpus });
  return {
    host: node.host,
    port: node.port,
    pid: node.pid,
    cpus: await allowedCpus(node.pid),
    started: true,
    stop: () => node.stop(),
  };
}
