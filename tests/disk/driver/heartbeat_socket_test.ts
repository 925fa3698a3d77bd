import assert from "node:assert/strict";
import {
  HeartbeatListener,
  HeartbeatSender,
  isMulticastV4,
} from "../../../lib/disk/driver/heartbeat_socket.ts";

function freeUdpPort(): number {
  const socket = Deno.listenDatagram({ transport: "udp", hostname: "127.0.0.1", port: 0 });
  const port = (socket.addr as Deno.NetAddr).port;
  socket.close();
  return port;
}

Deno.test("isMulticastV4() accepts 224.0.0.0/4 only", () => {
  assert.deepEqual(
    ["224.0.0.1", "239.255.255.255", "223.1.1.1", "240.0.0.1", "239.0.0.256", "x"].map(
      isMulticastV4,
    ),
    [true, true, false, false, false, false],
  );
});

Deno.test("HeartbeatSender reaches two HeartbeatListeners of the group on 127.0.0.1", async () => {
  const channel = { address: "239.0.0.1", port: freeUdpPort(), interfaceAddress: "127.0.0.1" };
  const listeners = [await HeartbeatListener.open(channel), await HeartbeatListener.open(channel)];
  const sender = HeartbeatSender.open(channel);
  try {
    const received = listeners.map(async (listener) => {
      for await (const datagram of listener) return datagram;
    });
    const timer = setInterval(() => void sender.send('{"v":1,"type":"hb"}'), 50);
    const datagrams = await Promise.race([
      Promise.all(received),
      new Promise<never>((_, reject) =>
        setTimeout(() => reject(new Error("no heartbeat within 5 s")), 5000)
      ),
    ]).finally(() => clearInterval(timer));
    for (const datagram of datagrams) {
      assert.equal(datagram?.text, '{"v":1,"type":"hb"}');
      assert.match(datagram!.from, /^127\.0\.0\.1:\d+$/);
    }
  } finally {
    sender.close();
    for (const listener of listeners) listener.close();
  }
});

Deno.test("HeartbeatListener ends its iteration when closed", async () => {
  const listener = await HeartbeatListener.open({
    address: "239.0.0.2",
    port: freeUdpPort(),
    interfaceAddress: "127.0.0.1",
  });
  const done = (async () => {
    for await (const _ of listener) return "datagram";
    return "ended";
  })();
  setTimeout(() => listener.close(), 50);
  assert.equal(await done, "ended");
});
