/**
 * Private helper of `disk_client.ts`: its heartbeat, a datagram to the multicast group every
 * `--heartbeat`.
 *
 * @module
 */

import { firstLineOf, UsageError } from "../errors.ts";
import type { HeartbeatMessage } from "./protocol/disk_message.ts";
import { HeartbeatSender, requireDatagrams } from "./driver/heartbeat_socket.ts";
import type { ClientSettings } from "./_disk_client_settings.ts";

/**
 * The client's heartbeat: the first one at once, then one every interval until stopped. Its
 * socket is opened before the client joins (a bad `--interface` is an option error, before
 * anything is sent); it starts once the server welcomed the client, before the speed probe, so
 * that the server does not take a client still measuring its disk for gone.
 */
export class ClientHeartbeat {
  readonly #sender: HeartbeatSender;
  readonly #client: string;
  readonly #key: string;
  readonly #heartbeatMs: number;
  #timer: ReturnType<typeof setInterval> | undefined;
  #seq = 0;
  /** What the client is doing, as the next heartbeats say: measuring the disk at first. */
  state: "measuring" | "writing" | "stopping" = "measuring";

  private constructor(settings: ClientSettings, sender: HeartbeatSender) {
    this.#client = settings.id;
    this.#key = settings.hbKey;
    this.#heartbeatMs = settings.heartbeatMs;
    this.#sender = sender;
  }

  /**
   * Opens the sender on `--interface`; nothing is sent until {@linkcode ClientHeartbeat.start}.
   *
   * @param settings The group, port, interface, client id and interval.
   * @returns The heartbeat, not started.
   * @throws {UsageError} When no socket can be bound to the interface address, or Deno runs
   *   without `--unstable-net`.
   */
  static open(settings: ClientSettings): ClientHeartbeat {
    requireDatagrams("disk client");
    let sender: HeartbeatSender;
    try {
      sender = HeartbeatSender.open({
        address: settings.hbAddress,
        port: settings.hbPort,
        interfaceAddress: settings.interfaceAddress,
      });
    } catch (error) {
      throw new UsageError(
        `Cannot send heartbeats from --interface "${settings.interfaceAddress}": ${
          firstLineOf(error)
        }, expected an address of this machine`,
        { cause: error },
      );
    }
    return new ClientHeartbeat(settings, sender);
  }

  /** Sends the first heartbeat and starts the interval. */
  start(): void {
    this.#beat();
    this.#timer = setInterval(() => this.#beat(), this.#heartbeatMs);
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
      key: this.#key,
    };
    this.#sender.send(JSON.stringify(message)).catch(() => {});
  }
}
