// `disk client` and `disk server` without Deno's UDP sockets (no --unstable-net, as a bundle run
// without the flag): one error line naming the flag, exit 2, not a misleading --interface error.
import assert from "node:assert/strict";
import { main } from "../../main.ts";
import { BufferedIo } from "../../lib/cli/command_io.ts";
import { freeUdpPort } from "./_disk_procs.ts";

Deno.test("disk client and server without --unstable-net say so in one line, exit 2", async () => {
  const dir = await Deno.makeTempDir({ prefix: "stress_disk_unstable_" });
  const deno = Deno as unknown as Record<string, unknown>;
  const hb = ["--hb-address", "239.0.0.1", "--hb-port", String(freeUdpPort())];
  const listenDatagram = deno.listenDatagram;
  deno.listenDatagram = undefined;
  try {
    const commands = [
      ["disk", "client", "--server", "127.0.0.1:9", "--path", `${dir}/d`],
      ["disk", "server", "--host", "127.0.0.1", "--tcp-port", "0", "--db", `${dir}/runs.sqlite`],
    ];
    for (const args of commands) {
      const io = new BufferedIo();
      const code = await main([...args, "--interface", "127.0.0.1", ...hb], { io });
      assert.equal(code, 2, io.stderr.join("\n"));
      assert.deepEqual(io.stderr.length, 1, io.stderr.join("\n"));
      assert.match(
        io.stderr[0],
        new RegExp(
          `^error: Cannot run "${
            args.slice(0, 2).join(" ")
          }": its UDP heartbeats need Deno's --unstable-net flag`,
        ),
      );
    }
  } finally {
    deno.listenDatagram = listenDatagram;
    await Deno.remove(dir, { recursive: true });
  }
});
