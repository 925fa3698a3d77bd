import assert from "node:assert/strict";
import { main } from "../../main.ts";
import { BufferedIo } from "../../lib/cli/command_io.ts";
import { freshDatabase, startPostgres } from "./_pg_fixture.ts";

// libpq's two ways to name a Unix socket: the folder percent-encoded as the host, or host=.
// The probe, the setup and the Workers all run on postgres.js for a socket.
Deno.test("query setup and query run connect through a Unix socket URL, both spellings", async () => {
  const server = await startPostgres();
  const dir = await Deno.makeTempDir({ prefix: "stress_query_socket_" });
  try {
    const tcpUrl = await freshDatabase(server, "qsocket");
    const socketUrls = [
      `postgres://postgres@${encodeURIComponent(server.socketDir)}:${server.port}/qsocket`,
      `postgres:///qsocket?host=${server.socketDir}&port=${server.port}&application_name=x`,
    ];
    const setupIo = new BufferedIo();
    const setup = await main(
      ["query", "setup", "--url", socketUrls[0], "--generate", "4,0.01"],
      { io: setupIo },
    );
    assert.equal(setup, 0, setupIo.stderr.join("\n"));
    const csv = `${dir}/q.csv`;
    await Deno.writeTextFile(
      csv,
      "hostname,start_time,end_time\nhost_000001,2017-01-01 00:01:00,2017-01-01 00:05:00\n" +
        "host_000002,2017-01-01 00:01:00,2017-01-01 00:05:00\n",
    );
    for (const url of [...socketUrls, tcpUrl]) {
      const io = new BufferedIo();
      const code = await main(
        ["query", "run", "--url", url, "--file", csv, "--workers", "2"],
        { io },
      );
      assert.equal(code, 0, `${url}: ${io.stderr.join("\n")}`);
      assert.ok(io.stdout.includes("Number of queries         : 2"), io.stdout.join("\n"));
    }
  } finally {
    await server.stop();
    await Deno.remove(dir, { recursive: true });
  }
});
