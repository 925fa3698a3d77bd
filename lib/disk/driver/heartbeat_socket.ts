/**
 * The UDP multicast sockets of `stress disk` heartbeats: a listener that joins the group on one
 * interface, and a sender bound to one interface address. Needs `--unstable-net`
 * (`"unstable": ["net"]` in deno.json).
 *
 * @module
 */

import { UsageError } from "../../errors.ts";

/** Where heartbeats go: the multicast group, its port and the interface address. */
export interface HeartbeatChannel {
  /** The IPv4 multicast group, e.g. `239.0.0.1`. */
  readonly address: string;
  /** The UDP port. */
  readonly port: number;
  /**
   * The address of the interface to join and send on.
   *
   * @default {"0.0.0.0"} (the listener joins on the default interface; senders bind any)
   */
  readonly interfaceAddress?: string;
}

/** One datagram received. */
export interface HeartbeatDatagram {
  /** The payload, decoded as UTF-8 (invalid bytes replaced). */
  readonly text: string;
  /** The payload length in bytes. */
  readonly bytes: number;
  /** The sender, `host:port`. */
  readonly from: string;
}

const MULTICAST_V4 = /^(22[4-9]|23\d)\.\d{1,3}\.\d{1,3}\.\d{1,3}$/;

/**
 * Checks that an address is an IPv4 multicast group (224.0.0.0/4).
 *
 * @param address The address as given.
 * @returns Whether it is one.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { isMulticastV4 } from "./heartbeat_socket.ts";
 * assert.equal(isMulticastV4("239.0.0.1"), true);
 * assert.equal(isMulticastV4("127.0.0.1"), false);
 * ```
 */
export function isMulticastV4(address: string): boolean {
  return MULTICAST_V4.test(address) && address.split(".").every((part) => Number(part) <= 255);
}

/**
 * Receives heartbeats: a UDP socket on the group's port that has joined the group on the
 * interface.
 *
 * @example Usage
 * ```ts ignore
 * const listener = await HeartbeatListener.open({ address: "239.0.0.1", port: 10001, interfaceAddress: "127.0.0.1" });
 * for await (const datagram of listener) console.log(datagram.text);
 * ```
 */
export class HeartbeatListener implements AsyncIterable<HeartbeatDatagram> {
  readonly #socket: Deno.DatagramConn;
  #closed = false;

  private constructor(socket: Deno.DatagramConn) {
    this.#socket = socket;
  }

  /**
   * Opens the socket and joins the group.
   *
   * @param channel The group, port and interface.
   * @returns The listener.
   * @throws {Error} When the port cannot be bound or the group cannot be joined.
   */
  static async open(channel: HeartbeatChannel): Promise<HeartbeatListener> {
    const socket = Deno.listenDatagram({
      transport: "udp",
      hostname: channel.address,
      port: channel.port,
      reuseAddress: true,
      loopback: true,
    });
    try {
      await socket.joinMulticastV4(channel.address, channel.interfaceAddress ?? "0.0.0.0");
    } catch (error) {
      socket.close();
      throw error;
    }
    return new HeartbeatListener(socket);
  }

  /**
   * Yields datagrams until {@linkcode HeartbeatListener.prototype.close} is called.
   *
   * @returns The datagrams.
   */
  async *[Symbol.asyncIterator](): AsyncIterator<HeartbeatDatagram> {
    const decoder = new TextDecoder();
    while (!this.#closed) {
      let received: [Uint8Array, Deno.Addr];
      try {
        received = await this.#socket.receive();
      } catch (error) {
        if (this.#closed) return;
        throw error;
      }
      const [data, addr] = received;
      const from = addr.transport === "udp" ? `${addr.hostname}:${addr.port}` : "unknown";
      yield { text: decoder.decode(data), bytes: data.length, from };
    }
  }

  /** Closes the socket; the iteration ends. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#socket.close();
  }
}

/**
 * Sends heartbeats to the group from a socket bound to the interface address.
 *
 * @example Usage
 * ```ts ignore
 * const sender = HeartbeatSender.open({ address: "239.0.0.1", port: 10001, interfaceAddress: "127.0.0.1" });
 * await sender.send('{"v":1,"type":"hb"}');
 * sender.close();
 * ```
 */
export class HeartbeatSender {
  readonly #socket: Deno.DatagramConn;
  readonly #target: Deno.NetAddr;
  readonly #encoder = new TextEncoder();

  private constructor(socket: Deno.DatagramConn, target: Deno.NetAddr) {
    this.#socket = socket;
    this.#target = target;
  }

  /**
   * Opens a socket bound to the interface address (any port).
   *
   * @param channel The group, port and interface.
   * @returns The sender.
   */
  static open(channel: HeartbeatChannel): HeartbeatSender {
    const socket = Deno.listenDatagram({
      transport: "udp",
      hostname: channel.interfaceAddress ?? "0.0.0.0",
      port: 0,
      loopback: true,
    });
    return new HeartbeatSender(socket, {
      transport: "udp",
      hostname: channel.address,
      port: channel.port,
    });
  }

  /**
   * Sends one datagram.
   *
   * @param text The payload.
   * @returns The bytes sent.
   */
  send(text: string): Promise<number> {
    return this.#socket.send(this.#encoder.encode(text), this.#target);
  }

  /** Closes the socket. */
  close(): void {
    try {
      this.#socket.close();
    } catch {
      // Already closed.
    }
  }
}

/**
 * Checks that Deno's UDP sockets are there: they need `--unstable-net` (`"unstable": ["net"]`
 * in deno.json; from the bundle, `deno run -A --unstable-net dist/stress.js`).
 *
 * @param command The command, for the message (`disk client`, `disk server`).
 * @throws {UsageError} When they are not.
 *
 * @example Usage
 * ```ts
 * import { requireDatagrams } from "./heartbeat_socket.ts";
 * requireDatagrams("disk client"); // run with --unstable-net: nothing to say
 * ```
 */
export function requireDatagrams(command: string): void {
  if (typeof Deno.listenDatagram === "function") return;
  throw new UsageError(
    `Cannot run "${command}": its UDP heartbeats need Deno's --unstable-net flag, expected ` +
      `deno run -A --unstable-net ... (from the bundle: deno run -A --unstable-net dist/stress.js)`,
  );
}
