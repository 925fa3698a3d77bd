/**
 * Private helper of `disk_client.ts`: its heartbeat, a datagram to the multicast group every
 * `--heartbeat`.
 *
 * @module
 */

import type { HeartbeatMessage } from "./protocol/disk_message.ts";
import { HeartbeatSender } from "./driver/heartbeat_socket.ts";
import type { ClientSettings } from "./_disk_client_settings.ts";

/**
 * The client's heartbeat: the first one at once, then one every interval until stopped. It
 * starts once the server welcomed the client, before the speed probe, so that the server does
 * not take a client still measuring its disk for gone.
 */
export class ClientHeartbeat {
  readonly #sender: HeartbeatSender;
  readonly #client: string;
  readonly #timer: ReturnType<typeof setInterval>;
  #seq = 0;
  /** What the client is doing, as the next heartbeats say: measuring the disk at first. */
  state: "measuring" | "writing" | "stopping" = "measuring";

  private constructor(settings: ClientSettings) {
    this.#client = settings.id;
    this.#sender = HeartbeatSender.open({
      address: settings.hbAddress,
      port: settings.hbPort,
      interfaceAddress: settings.interfaceAddress,
    });
    this.#beat();
    this.#timer = setInterval(() => this.#beat(), settings.heartbeatMs);
  }

  /**
   * Opens the sender, sends the first heartbeat and starts the interval.
   *
   * @param settings The group, port, interface, client id and interval.
   * @returns The running heartbeat.
   */
  static start(settings: ClientSettings): ClientHeartbeat {
    return new ClientHeartbeat(settings);
  }

  /** Stops the interval and closes the sender. */
  stop(): void {
    clearInterval(this.#timer);
    this.#sender.close();
  }

  #beat(): void {
    const message: HeartbeatMessage = {
      v: 1,
      type: "hb",
      client: this.#client,
      seq: ++this.#seq,
      atMs: Date.now(),
      state: this.state,
    };
    this.#sender.send(JSON.stringify(message)).catch(() => {});
  }
}
