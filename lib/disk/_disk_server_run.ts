/**
 * Private helper of `disk_server.ts`: the running server, from the first connection to the end
 * of the run (every client finished or gone, no client within the idle timeout, or SIGINT).
 *
 * @module
 */

import { parseHeartbeat } from "./protocol/parse_heartbeat.ts";
import { isProtocolProblem } from "./protocol/protocol_problem.ts";
import { HeartbeatTracker } from "./heartbeat_tracker.ts";
import type { HeartbeatListener } from "./driver/heartbeat_socket.ts";
import type { RunStatus, RunStore } from "./driver/run_store_types.ts";
import type { ServerSettings } from "./_disk_server_settings.ts";
import type { ClientEntry, ServerContext } from "./_disk_server_context.ts";
import { ServerConnection } from "./_disk_server_connection.ts";

const TICK_MS = 100;

/** The running server: connections, heartbeats and the end of the run. */
export class DiskServerRun {
  readonly #context: ServerContext;
  readonly #connections = new Set<Deno.Conn>();
  readonly #startMs = Date.now();
  #ended: ((status: RunStatus) => void) | null = null;

  /**
   * Prepares the run; nothing is served before {@linkcode DiskServerRun.run}.
   *
   * @param settings The server's settings.
   * @param run The run database, the run's id and the log.
   */
  constructor(
    settings: ServerSettings,
    run: { store: RunStore; runId: number; log: (text: string) => void },
  ) {
    this.#context = {
      settings,
      store: run.store,
      runId: run.runId,
      log: run.log,
      tracker: new HeartbeatTracker({ misses: settings.misses }),
      clients: new Map<string, ClientEntry>(),
    };
  }

  /**
   * Serves the connections and heartbeats until the run is over, then closes them.
   *
   * @param listener The TCP listener of the clients.
   * @param options The heartbeat listener and the abort signal (SIGINT).
   * @returns The run's status when it is over.
   */
  run(
    listener: Deno.Listener,
    options: { heartbeats: HeartbeatListener; signal: AbortSignal | undefined },
  ): Promise<RunStatus> {
    const { heartbeats, signal } = options;
    const ended = new Promise<RunStatus>((resolve) => {
      this.#ended = resolve;
    });
    this.#accept(listener).catch(() => {});
    this.#listen(heartbeats).catch((error) =>
      this.#context.log(`heartbeat listener failed: ${String(error)}`)
    );
    const onAbort = () => this.#end("interrupted");
    signal?.addEventListener("abort", onAbort, { once: true });
    const timer = setInterval(() => void this.#tick(), TICK_MS);
    return ended.finally(() => {
      clearInterval(timer);
      signal?.removeEventListener("abort", onAbort);
      listener.close();
      heartbeats.close();
      for (const conn of this.#connections) {
        try {
          conn.close();
        } catch {
          // Already closed.
        }
      }
    });
  }

  async #accept(listener: Deno.Listener): Promise<void> {
    for await (const conn of listener) {
      this.#connections.add(conn);
      new ServerConnection(conn, this.#context).serve()
        .finally(() => this.#connections.delete(conn));
    }
  }

  async #listen(heartbeats: HeartbeatListener): Promise<void> {
    const { tracker, store, runId, log, clients } = this.#context;
    for await (const datagram of heartbeats) {
      const beat = parseHeartbeat(datagram.text);
      if (isProtocolProblem(beat)) {
        log(`heartbeat from ${datagram.from} rejected: ${beat.message}`);
        continue;
      }
      // A client of another run on this group may have the same id: its key differs.
      const hbKey = clients.get(beat.client)?.hbKey;
      if (hbKey !== undefined && beat.key !== hbKey) {
        log(`heartbeat ${beat.client} seq ${beat.seq} ${beat.state} (another client's key)`);
        continue;
      }
      const known = tracker.beat(beat.client, Date.now());
      log(
        `heartbeat ${beat.client} seq ${beat.seq} ${beat.state}${known ? "" : " (unknown client)"}`,
      );
      if (known) await store.noteHeartbeat(runId, beat.client, beat.atMs);
    }
  }

  #end(status: RunStatus): void {
    const end = this.#ended;
    this.#ended = null;
    end?.(status);
  }

  async #tick(): Promise<void> {
    const { settings, store, runId, log, tracker, clients } = this.#context;
    const nowMs = Date.now();
    for (const id of tracker.expired(nowMs)) {
      const client = clients.get(id);
      if (client === undefined || client.done) continue;
      client.done = true;
      log(`client ${id} is gone: no heartbeat for ${settings.misses} intervals`);
      await store.setClientState(runId, id, "gone", nowMs);
      await store.addEvent(runId, {
        clientId: id,
        seq: null,
        atMs: nowMs,
        receivedAtMs: nowMs,
        kind: "gone",
        detail: { misses: settings.misses },
      });
    }
    if (clients.size === 0) {
      if (nowMs - this.#startMs >= settings.idleTimeoutMs) this.#end("idle");
    } else if ([...clients.values()].every((client) => client.done)) {
      this.#end("done");
    }
  }
}
