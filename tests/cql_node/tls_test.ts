import assert from "node:assert/strict";
import tls from "node:tls";
import cassandra from "cassandra-driver";
import { main } from "../../main.ts";
import { BufferedIo } from "../../lib/cli/command_io.ts";
import { CqlServer } from "../../lib/cql_node/driver/cql_server.ts";
import { createClient, withNode, withTimeout } from "./_driver_fixture.ts";
import { makeTestCertificates, type TestCertificates } from "./_tls_fixture.ts";

/** Runs `fn` with fresh certificates in a temporary directory, always removed. */
async function withCertificates(
  fn: (certs: TestCertificates, dir: string) => Promise<void>,
): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "stress_tls_" });
  try {
    await fn(await makeTestCertificates(dir), dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** Driver options that trust only `caPem` and record the host names it checked. */
function sslOptions(caPem: string, checked: string[] = []): Record<string, unknown> {
  return {
    sslOptions: {
      ca: [caPem],
      rejectUnauthorized: true,
      checkServerIdentity: (host: string, cert: tls.PeerCertificate) => {
        checked.push(host);
        return tls.checkServerIdentity(host, cert);
      },
    },
    socketOptions: { connectTimeout: 3000 },
  };
}

Deno.test("CqlServer.start() with tls files serves cassandra-driver over verified TLS", async () => {
  await withCertificates(async (certs) => {
    const checked: string[] = [];
    await withNode({
      server: { tls: { certFile: certs.certFile, keyFile: certs.keyFile } },
      client: sslOptions(certs.caPem, checked),
    }, async ({ server, client }) => {
      assert.equal(server.tls, true);
      await client.execute(
        "CREATE KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}",
      );
      await client.execute("CREATE TABLE ks.t (k int PRIMARY KEY, v text)");
      await client.execute("INSERT INTO ks.t (k, v) VALUES (?, ?)", [1, "over tls"], {
        prepare: true,
      });
      const result = await client.execute("SELECT v FROM ks.t WHERE k = ?", [1], { prepare: true });
      assert.equal(result.rows[0]["v"], "over tls");
      // The driver verified the certificate against the IP address it connected to.
      assert.ok(checked.includes("127.0.0.1"), `checked: ${checked.join(", ")}`);
    });
  });
});

Deno.test("CqlServer.start() with tls PEM text serves, and a client trusting another CA is refused", async () => {
  await withCertificates(async (certs, dir) => {
    const otherDir = `${dir}/other`;
    await Deno.mkdir(otherDir);
    const other = await makeTestCertificates(otherDir);
    const [cert, key] = await Promise.all([
      Deno.readTextFile(certs.certFile),
      Deno.readTextFile(certs.keyFile),
    ]);
    await withNode({ server: { tls: { cert, key } }, client: sslOptions(certs.caPem) }, async (
      { server, client, track },
    ) => {
      const local = await client.execute("SELECT cluster_name FROM system.local");
      assert.equal(local.rows[0]["cluster_name"], "Test Cluster");
      const stranger = track(createClient(server, sslOptions(other.caPem)));
      await assert.rejects(stranger.connect(), (error: Error) => {
        assert.equal(error.name, "NoHostAvailableError");
        return true;
      });
    });
  });
});

Deno.test("CqlServer with tls closes a plain-TCP client cleanly and keeps serving TLS clients", async () => {
  await withCertificates(async (certs) => {
    await withNode({
      server: { tls: { certFile: certs.certFile, keyFile: certs.keyFile } },
      client: sslOptions(certs.caPem),
      connect: false,
    }, async ({ server, client, track }) => {
      // A raw CQL OPTIONS frame over plain TCP: the node answers with a TLS alert at most
      // (never a CQL frame) and closes.
      const conn = await Deno.connect({ hostname: "127.0.0.1", port: server.port });
      const received: number[] = [];
      try {
        await conn.write(new Uint8Array([0x04, 0, 0, 1, 0x05, 0, 0, 0, 0]));
        const buffer = new Uint8Array(1024);
        for (;;) {
          const n = await withTimeout(conn.read(buffer), { limitMs: 5000, what: "plain read" })
            .catch(() => null);
          if (n === null) break;
          received.push(...buffer.subarray(0, n));
        }
      } finally {
        conn.close();
      }
      assert.notEqual(received[0], 0x84, "the node answered CQL over plain TCP");
      if (received.length > 0) assert.equal(received[0], 0x15, "a TLS alert record");
      // A driver without TLS fails to connect, and the node survives it.
      // The driver notices the close only when its STARTUP times out: keep that short.
      const plain = track(createClient(server, {
        socketOptions: { connectTimeout: 2000, readTimeout: 500 },
        pooling: { heartBeatInterval: 0 },
      }));
      await assert.rejects(plain.connect(), (error: Error) => {
        assert.equal(error.name, "NoHostAvailableError");
        return true;
      });
      await client.connect();
      const local = await client.execute("SELECT release_version FROM system.local");
      assert.equal(local.rows[0]["release_version"], "5.0.6");
      assert.equal(server.internalErrors, 0);
    });
  });
});

Deno.test("CqlServer.start() rejects missing and unusable TLS material", async () => {
  await withCertificates(async (certs) => {
    await assert.rejects(
      CqlServer.start({ port: 0, tls: { certFile: `${certs.certFile}.nope`, keyFile: "x" } }),
      Deno.errors.NotFound,
    );
    const caKey = await Deno.readTextFile(certs.keyFile.replace("server.key", "ca.key"));
    await assert.rejects(
      CqlServer.start({ port: 0, tls: { cert: certs.caPem.replace(/[A-Z]/g, "!"), key: caKey } }),
    );
  });
});

async function serve(args: string[]) {
  const io = new BufferedIo();
  const code = await main(["serve", "--port", "0", ...args], {
    io,
    signal: new AbortController().signal,
  });
  return { code, out: io.stdout, err: io.stderr };
}

Deno.test("stress serve --tls-cert --tls-key says TLS in its banner and serves verified TLS", async () => {
  await withCertificates(async (certs) => {
    const controller = new AbortController();
    const io = new BufferedIo();
    const running = main([
      "serve",
      "--port",
      "0",
      "--tls-cert",
      certs.certFile,
      "--tls-key",
      certs.keyFile,
    ], { io, signal: controller.signal });
    try {
      const deadline = Date.now() + 10_000;
      while (io.stdout.length === 0 && io.stderr.length === 0 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      assert.deepEqual(io.stderr, []);
      const banner = io.stdout[0] ?? "";
      assert.match(
        banner,
        /^stress serve: in-memory CQL node \(native protocol v4\/v3 over TLS, no disk, no replication\) listening on 127\.0\.0\.1:\d+$/,
      );
      const port = Number(/:(\d+)$/.exec(banner)![1]);
      const client = new cassandra.Client(
        {
          contactPoints: [`127.0.0.1:${port}`],
          localDataCenter: "datacenter1",
          ...sslOptions(certs.caPem),
        } as ConstructorParameters<typeof cassandra.Client>[0],
      );
      try {
        await client.connect();
        const local = await client.execute("SELECT cluster_name FROM system.local");
        assert.equal(local.rows[0]["cluster_name"], "Test Cluster");
      } finally {
        await client.shutdown();
      }
    } finally {
      controller.abort();
    }
    assert.equal(await running, 0);
    assert.deepEqual(io.stdout.slice(1), ["stress serve: stopped"]);
  });
});

Deno.test("stress serve without TLS flags does not mention TLS in its banner", async () => {
  const controller = new AbortController();
  const io = new BufferedIo();
  const running = main(["serve", "--port", "0"], { io, signal: controller.signal });
  const deadline = Date.now() + 10_000;
  while (io.stdout.length === 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  controller.abort();
  assert.equal(await running, 0);
  assert.match(io.stdout[0] ?? "", /\(native protocol v4\/v3, no disk, no replication\)/);
});

Deno.test("stress serve rejects missing or bad TLS files with one error line and exit 2", async () => {
  await withCertificates(async (certs, dir) => {
    const caKey = `${dir}/ca.key`;
    const notPem = `${dir}/not_pem.txt`;
    await Deno.writeTextFile(notPem, "hello\n");
    const cases: [string[], RegExp][] = [
      [["--tls-cert", certs.certFile], /^error: Cannot enable TLS: give both/],
      [["--tls-key", certs.keyFile], /^error: Cannot enable TLS: give both/],
      [
        ["--tls-cert", `${dir}/missing.pem`, "--tls-key", certs.keyFile],
        /^error: Cannot parse option "--tls-cert": ".*missing\.pem" does not exist, expected/,
      ],
      [
        ["--tls-cert", certs.certFile, "--tls-key", `${dir}/missing.key`],
        /^error: Cannot parse option "--tls-key": ".*missing\.key" does not exist, expected/,
      ],
      [
        ["--tls-cert", notPem, "--tls-key", certs.keyFile],
        /^error: Cannot parse option "--tls-cert": ".*not_pem\.txt" holds no PEM certificate/,
      ],
      [
        ["--tls-cert", certs.certFile, "--tls-key", certs.certFile],
        /^error: Cannot parse option "--tls-key": ".*server\.pem" holds no PEM private key/,
      ],
      [
        ["--tls-cert", certs.certFile, "--tls-key", caKey],
        /^error: Cannot parse option "--tls-key": ".*ca\.key" does not match the certificate in/,
      ],
    ];
    for (const [args, expected] of cases) {
      const { code, out, err } = await serve(args);
      assert.equal(code, 2, `${args.join(" ")}: ${err.join("\n")}`);
      assert.deepEqual(out, []);
      assert.equal(err.length, 1, err.join("\n"));
      assert.match(err[0], expected);
    }
  });
});
