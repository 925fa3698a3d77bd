/**
 * Private helper of `disk_server.ts`: the running server, from the first connection to the end
 * of the run (every client finished or gone, no client within the idle timeout, or SIGINT).
 *
 * @module
 */

import { firstLineOf } from "../errors.ts";
import { parseHeartbeat } from "./protocol/parse_heartbeat.ts";
import { isProtocolProblem } from "./protocol/protocol_problem.ts";
import { HeartbeatTracker } from "./heartbeat_tracker.ts";
import type { HeartbeatListener } from "./driver/heartbeat_socket.ts";
import type { RunStatus, RunStore } from "./driver/run_store_types.ts";
import type { ServerSettings } from "./_disk_server_settings.ts";
import type { ClientEntry, ServerContext } from "./_disk_server_context.ts";
import { ServerConnection } from "./_disk_server_connection.ts";

const TICK_MS = 100;

/** A tick this much later than due means the server itself was held (no heartbeat was read). */
const STALL_MS = TICK_MS;

/** The running server: connections, heartbeats and the end of the run. */
export class DiskServerRun {
  readonly #context: ServerContext;
  readonly #connections = new Set<ServerConnection>();
  readonly #startMs = Date.now();
  #lastTickMs = performance.now();
  // The heartbeats being stored, one after the other.
  #noting: Promise<void> = Promise.resolve();
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
   * @returns The run's status when it is over (and the heartbeats received are stored).
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
    return ended.finally(async () => {
      clearInterval(timer);
      signal?.removeEventListener("abort", onAbort);
      listener.close();
      heartbeats.close();
      for (const connection of this.#connections) connection.close();
      // The heartbeats noted so far are stored before the report is made.
      await this.#noting;
    });
  }

  async #accept(listener: Deno.Listener): Promise<void> {
    for await (const conn of listener) {
      const connection = new ServerConnection(conn, this.#context);
      this.#connections.add(connection);
      connection.serve().finally(() => this.#connections.delete(connection));
    }
  }

  async #listen(heartbeats: HeartbeatListener): Promise<void> {
    const { tracker, log, clients } = this.#context;
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
      // The server's clock, as the gone check and the report's times: a client's may be off.
      const receivedMs = Date.now();
      const known = tracker.beat(beat.client, receivedMs);
      log(
        `heartbeat ${beat.client} seq ${beat.seq} ${beat.state}${known ? "" : " (unknown client)"}`,
      );
      // Not waited for: a slow database (a PostgreSQL commit) must not leave the next
      // heartbeats unread, and the client gone for them.
      if (known) this.#noteHeartbeat(beat.client, receivedMs);
    }
  }

  /** Stores a heartbeat after the ones before it; a failure is logged, the listening goes on. */
  #noteHeartbeat(clientId: string, receivedMs: number): void {
    const { store, runId, log } = this.#context;
    this.#noting = this.#noting
      .then(() => store.noteHeartbeat(runId, clientId, receivedMs))
      .catch((error) => log(`cannot store a heartbeat of ${clientId}: ${firstLineOf(error)}`));
  }

  #end(status: RunStatus): void {
    const end = this.#ended;
    this.#ended = null;
    end?.(status);
  }

  /**
   * A late tick means the event loop was held (a slow synchronous commit of the database, say):
   * heartbeats that came meanwhile still wait unread, so that time is missed by no client.
   */
  #excuseStall(tracker: HeartbeatTracker): void {
    const tickMs = performance.now();
    const lateMs = tickMs - this.#lastTickMs - TICK_MS;
    this.#lastTickMs = tickMs;
    if (lateMs > STALL_MS) tracker.excuse(lateMs);
  }

  async #tick(): Promise<void> {
    const { settings, store, runId, log, tracker, clients } = this.#context;
    const nowMs = Date.now();
    this.#excuseStall(tracker);
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
