/**
 * Private helper of `disk_server.ts`: opens its TCP listener and joins the heartbeat group.
 *
 * @module
 */

import { TargetError } from "../errors.ts";
import { HeartbeatListener, requireDatagrams } from "./driver/heartbeat_socket.ts";
import type { ServerSettings } from "./_disk_server_settings.ts";

/**
 * Listens on the TCP port of the clients, then joins the heartbeat multicast group.
 *
 * @param settings The server's addresses and ports.
 * @returns The TCP listener and the heartbeat listener.
 * @throws {TargetError} When the port cannot be opened or the group cannot be joined (the TCP
 * listener is closed again then).
 */
export async function openServerSockets(
  settings: ServerSettings,
): Promise<{ listener: Deno.Listener; heartbeats: HeartbeatListener }> {
  requireDatagrams("disk server");
  let listener: Deno.Listener;
  try {
    listener = Deno.listen({ hostname: settings.host, port: settings.tcpPort });
  } catch (error) {
    throw new TargetError(
      `Cannot listen on ${settings.host}:${settings.tcpPort}: ${String(error).split("\n")[0]}`,
      { cause: error },
    );
  }
  let heartbeats: HeartbeatListener;
  try {
    heartbeats = await HeartbeatListener.open({
      address: settings.hbAddress,
      port: settings.hbPort,
      interfaceAddress: settings.interfaceAddress,
    });
  } catch (error) {
    listener.close();
    throw new TargetError(
      `Cannot join ${settings.hbAddress}:${settings.hbPort} on ${settings.interfaceAddress}: ${
        String(error).split("\n")[0]
      }`,
      { cause: error },
    );
  }
  return { listener, heartbeats };
}
