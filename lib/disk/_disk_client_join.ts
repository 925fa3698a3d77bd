/**
 * Private helper of `disk_client.ts`: says hello to the server and joins its run.
 *
 * @module
 */

import type { HelloMessage } from "./protocol/disk_message.ts";
import { Messenger } from "./_disk_client_messenger.ts";
import type { ClientSettings } from "./_disk_client_settings.ts";

/** The connection to the server's run. */
export interface ServerLink {
  /** Sends the records and counts what the server acknowledged. */
  readonly messenger: Messenger;
  /** Silences the "server connection lost" line: called when the client says bye. */
  readonly sayingBye: () => void;
}

/** The `hello` of this client: its id, token, host, pid and configuration. */
function helloOf(settings: ClientSettings): HelloMessage {
  const minFree = settings.minFree;
  return {
    v: 1,
    type: "hello",
    client: settings.id,
    ...(settings.token === undefined ? {} : { token: settings.token }),
    host: Deno.hostname(),
    pid: Deno.pid,
    hbKey: settings.hbKey,
    config: {
      chunkBytes: settings.chunkBytes,
      fileBytes: settings.fileBytes,
      runTimeMs: settings.runTimeMs,
      path: settings.path,
      fsync: settings.fsync,
      heartbeatMs: settings.heartbeatMs,
      statsEveryMs: settings.statsEveryMs,
      minFreeBytes: "bytes" in minFree ? minFree.bytes : null,
      minFreePercent: "percent" in minFree ? minFree.percent : null,
    },
  };
}

/**
 * Connects to the server, says hello and logs the run it joined. A server lost later is logged
 * once, unless the client is saying bye.
 *
 * @param settings The server's address and this client's hello.
 * @param options Writes one log line; the abort signal (Ctrl-C).
 * @returns The link to the server.
 * @throws {TargetError} When the server cannot be reached or refuses the client.
 * @throws {InterruptedError} When the signal aborts the join.
 */
export async function joinServer(
  settings: ClientSettings,
  options: { readonly log: (text: string) => void; readonly signal: AbortSignal | undefined },
): Promise<ServerLink> {
  const { log, signal } = options;
  let saidBye = false;
  const onLost = (why: string) => {
    if (!saidBye) log(`server connection lost: ${why}; writing goes on locally`);
  };
  const { messenger, run } = await Messenger.open(settings, helloOf(settings), { onLost, signal });
  log(`joined run ${run} at ${settings.serverHost}:${settings.serverPort}`);
  return {
    messenger,
    sayingBye: () => {
      saidBye = true;
    },
  };
}
