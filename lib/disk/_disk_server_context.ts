/**
 * Private helper of `disk_server.ts`: what the parts of a running server share.
 *
 * @module
 */

import type { HeartbeatTracker } from "./heartbeat_tracker.ts";
import type { RunStore } from "./driver/run_store_types.ts";
import type { ServerSettings } from "./_disk_server_settings.ts";

/** One admitted client. */
export interface ClientEntry {
  /** The client id. */
  readonly id: string;
  /** The key of its heartbeats, from its hello, if any. */
  readonly hbKey?: string;
  /** Whether it said bye or was marked gone. */
  done: boolean;
}

/** The run a server serves: its settings, database, log, heartbeats and admitted clients. */
export interface ServerContext {
  /** The server's settings. */
  readonly settings: ServerSettings;
  /** The run database. */
  readonly store: RunStore;
  /** The run. */
  readonly runId: number;
  /** Writes one log line. */
  readonly log: (text: string) => void;
  /** The heartbeats of the admitted clients. */
  readonly tracker: HeartbeatTracker;
  /** The admitted clients, by id. */
  readonly clients: Map<string, ClientEntry>;
}
