/**
 * Secrets are never printed, anywhere. A distinctive password is planted in every place a
 * command takes one: `-mode password=` and `-transport truststore-password= keystore-password=`
 * of the cassandra-stress commands (against `-node embedded`, and against `stress serve --user
 * --password`, which checks it), the PostgreSQL URLs of `query setup`, `query run`, `disk server
 * --db` and `disk report --db` (a role with that password, behind scram-sha-256, so the URL's
 * password is really used), and `disk server --token` / `disk client --token`. Every run's stdout
 * and stderr, every file it wrote (the whole working directory is walked) and the live page and
 * /metrics it serves must hold neither the password nor its URL-encoded, base64 or SASL forms.
 * The error paths take a wrong password, a closed port, a malformed URL and a bad option next to
 * the password.
 *
 * @module
 */

import assert from "node:assert/strict";
import postgres from "postgres";
import { startPostgres } from "./query/_pg_fixture.ts";

const MAIN = new URL("../main.ts", import.meta.url).pathname;
const PROFILE = new URL("./testdata/profiles/keyvalue.yaml", import.meta.url).pathname;
const USER = "planted";
/** The password; the '@' must be percent-encoded in a URL. */
const SECRET = "S3cr3t-pl@nted-XYZ";
/** A wrong password, for the error paths: it must not show up either. */
const WRONG = "Wr0ng-pl@nted-QQQ";
const decoder = new TextDecoder();

/** Every form a secret could leak in: as is, a distinctive piece, URL-encoded, base64, SASL. */
function needles(secret: string): string[] {
  const b64 = (text: string) => btoa(text);
  return [
    secret,
    secret.slice(0, 6),
    secret.slice(7),
    encodeURIComponent(secret),
    b64(secret),
    b64(`${USER}:${secret}`),
    b64(`cassandra:${secret}`),
    b64(`\0${USER}\0${secret}`),
    b64(`\0cassandra\0${secret}`),
    Array.from(new TextEncoder().encode(secret), (b) => b.toString(16).padStart(2, "0")).join(""),
  ];
}
const NEEDLES = [...needles(SECRET), ...needles(WRONG)];

/** Fails when `text` holds a secret in any form. */
function assertClean(where: string, text: string): void {
  for (const needle of NEEDLES) {
    const at = text.indexOf(needle);
    if (at >= 0) {
      const context = text.slice(Math.max(0, at - 80), at + needle.length + 40);
      assert.fail(`${where} holds the secret (${JSON.stringify(needle)}): ...${context}...`);
    }
  }
}

/** Checks every file under `dir` (latin1, so that binary files are searched too). */
async function assertDirClean(dir: string): Promise<number> {
  let files = 0;
  for await (const entry of Deno.readDir(dir)) {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory) {
      files += await assertDirClean(path);
    } else if (entry.isFile) {
      const bytes = await Deno.readFile(path);
      assertClean(path, new TextDecoder("latin1").decode(bytes));
      assertClean(path, decoder.decode(bytes));
      files++;
    }
  }
  return files;
}

/** A running `main.ts` process whose output is collected as it comes. */
interface Proc {
  readonly child: Deno.ChildProcess;
  readonly out: { stdout: string; stderr: string };
  readonly done: Promise<{ code: number; stdout: string; stderr: string }>;
}

function start(args: readonly string[], cwd: string, stdin: "null" | "piped" = "null"): Proc {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", MAIN, ...args],
    cwd,
    stdin,
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).spawn();
  const out = { stdout: "", stderr: "" };
  const pump = async (stream: ReadableStream<Uint8Array>, key: "stdout" | "stderr") => {
    const text = new TextDecoder();
    for await (const chunk of stream) out[key] += text.decode(chunk, { stream: true });
  };
  const pumps = Promise.all([pump(child.stdout, "stdout"), pump(child.stderr, "stderr")]);
  const done = (async () => {
    const status = await child.status;
    await pumps;
    return { code: status.code, ...out };
  })();
  return { child, out, done };
}

function stop(proc: Proc, signal: Deno.Signal = "SIGKILL"): void {
  try {
    proc.child.kill(signal);
  } catch {
    // Already ended.
  }
}

async function waitFor<T>(what: string, check: () => T | undefined, ms = 30_000): Promise<T> {
  const deadline = performance.now() + ms;
  while (performance.now() < deadline) {
    const value = check();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`Timed out waiting for ${what}`);
}

/** The URL printed after `prefix` on stderr, once it is. */
function printedUrl(proc: Proc, prefix: string): Promise<string> {
  return waitFor(`"${prefix}"`, () => {
    const line = proc.out.stderr.split("\n").find((l) => l.startsWith(prefix));
    return line?.match(/http:\/\/\S+/)?.[0];
  });
}

/** Fetches the live page, its stats and /metrics, and checks them. */
async function assertEndpointsClean(proc: Proc, label: string): Promise<void> {
  const metrics = await printedUrl(proc, "prometheus: metrics at ");
  const page = await printedUrl(proc, "web: the live page is at ");
  for (const url of [metrics, page, new URL("/api/stats", page).href]) {
    const text = await (await fetch(url)).text();
    assert.ok(text.length > 0, url);
    assertClean(`${label} ${url}`, text);
  }
}

/** One command run to its end in `cwd`: its output is checked, its exit code returned. */
async function runClean(label: string, args: readonly string[], cwd: string): Promise<number> {
  const { code, stdout, stderr } = await start(args, cwd).done;
  assertClean(`${label}: stdout`, stdout);
  assertClean(`${label}: stderr`, stderr);
  return code;
}

/** Runs the commands side by side, each in its own directory, and checks their files too. */
async function runAll(
  root: string,
  runs: ReadonlyArray<{ label: string; args: readonly string[]; code: number | null }>,
): Promise<void> {
  const outcomes = await Promise.allSettled(runs.map(async ({ label, args, code }) => {
    const cwd = await Deno.makeTempDir({ dir: root, prefix: "run_" });
    const actual = await runClean(label, args.map((a) => a.replaceAll("$DIR", cwd)), cwd);
    if (code !== null) assert.equal(actual, code, `${label}: exit code`);
    await assertDirClean(cwd);
  }));
  const failures = outcomes.flatMap((o) => o.status === "rejected" ? [String(o.reason)] : []);
  assert.deepEqual(failures, [], failures.join("\n\n"));
}

function closedPort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

function freeUdpPort(): number {
  const socket = Deno.listenDatagram({ transport: "udp", hostname: "127.0.0.1", port: 0 });
  const port = (socket.addr as Deno.NetAddr).port;
  socket.close();
  return port;
}

const MODE = ["-mode", "native", "cql3", `user=cassandra`, `password=${SECRET}`];
const TRANSPORT = ["-transport", `truststore-password=${SECRET}`, `keystore-password=${SECRET}`];
const FILES = ["-log", "file=$DIR/out.log", "hdrfile=$DIR/hdr.log", "json=$DIR/summary.json"];
const GRAPH = ["-graph", "file=$DIR/graph.html", "title=planted"];

Deno.test("cassandra-stress commands never print -mode password= or the transport passwords", async () => {
  const root = await Deno.makeTempDir({ prefix: "stress_secrets_cql_" });
  const serveDir = `${root}/serve`;
  await Deno.mkdir(serveDir);
  const serve = start(
    ["serve", "--port", "0", "--user", "cassandra", "--password", SECRET],
    serveDir,
  );
  try {
    const port = await waitFor("stress serve", () => {
      const m = /listening on 127\.0\.0\.1:(\d+)/.exec(serve.out.stdout + serve.out.stderr);
      return m === null ? undefined : m[1];
    });
    const closed = String(closedPort());
    const authed = ["-node", "127.0.0.1", "-port", `native=${port}`];
    const wrongMode = ["-mode", "user=cassandra", `password=${WRONG}`];

    // A run with every file and both live endpoints, checked while it runs.
    const liveDir = `${root}/live`;
    await Deno.mkdir(liveDir);
    const live = start(
      [
        "write",
        "duration=4s",
        "-rate",
        "threads=2",
        "-node",
        "embedded",
        ...MODE,
        ...TRANSPORT,
        ...FILES.map((a) => a.replace("$DIR", liveDir)),
        "interval=500ms",
        "web=127.0.0.1:0",
        "prometheus=127.0.0.1:0",
        ...GRAPH.map((a) => a.replace("$DIR", liveDir)),
      ],
      liveDir,
    );
    try {
      await assertEndpointsClean(live, "write -log web= prometheus=");
    } finally {
      const end = await live.done;
      assert.equal(end.code, 0, end.stderr);
      assertClean("write (live): stdout", end.stdout);
      assertClean("write (live): stderr", end.stderr);
      assert.match(end.stdout, /Password: \*suppressed\*/);
    }

    await runAll(root, [
      {
        label: "write against serve --password",
        args: ["write", "n=300", "-rate", "threads=2", ...authed, ...MODE, ...FILES, ...GRAPH],
        code: 0,
      },
      {
        label: "read (driver) against serve --password",
        args: ["read", "n=50", "-rate", "threads=1", ...authed, ...MODE, "client=driver", ...FILES],
        code: null,
      },
      {
        label: "write with a wrong password (native client)",
        args: ["write", "n=50", "-rate", "threads=1", ...authed, ...wrongMode, ...FILES, ...GRAPH],
        code: 3,
      },
      {
        label: "write with a wrong password (driver)",
        args: ["write", "n=50", "-rate", "threads=1", ...authed, ...wrongMode, "client=driver"],
        code: 3,
      },
      {
        label: "user profile",
        args: [
          "user",
          `profile=${PROFILE}`,
          "ops(insert=1)",
          "n=100",
          "-rate",
          "threads=1",
          "-node",
          "embedded",
          ...MODE,
          ...TRANSPORT,
          ...FILES,
          ...GRAPH,
        ],
        code: 0,
      },
      {
        label: "--dry-run",
        args: ["write", "n=10", "-node", "embedded", ...MODE, ...TRANSPORT, "--dry-run"],
        code: 0,
      },
      {
        label: "--help next to the password",
        args: ["write", "n=10", ...MODE, "--help"],
        code: 0,
      },
      {
        label: "a closed port",
        args: [
          "write",
          "n=10",
          "-node",
          "127.0.0.1",
          "-port",
          `native=${closed}`,
          ...MODE,
          ...TRANSPORT,
          ...FILES,
          ...GRAPH,
        ],
        code: 3,
      },
      {
        label: "a closed port (driver)",
        args: [
          "write",
          "n=10",
          "-node",
          "127.0.0.1",
          "-port",
          `native=${closed}`,
          ...MODE,
          "client=driver",
        ],
        code: 3,
      },
      {
        label: "an invalid option next to the password",
        args: ["write", "n=10", "-node", "embedded", ...MODE, "bogus=1", ...FILES],
        code: 2,
      },
      {
        label: "an invalid transport option next to the passwords",
        args: ["write", "n=10", "-node", "embedded", ...TRANSPORT, "bogus=1"],
        code: 2,
      },
      {
        label: "analyze",
        args: [
          "analyze",
          "2",
          "--keep",
          "$DIR/keep",
          "--json",
          "$DIR/merged.json",
          "--",
          "write",
          "n=200",
          "-rate",
          "threads=1",
          "-node",
          "embedded",
          ...MODE,
          ...TRANSPORT,
        ],
        code: 0,
      },
      {
        label: "analyze of failing loaders",
        args: ["analyze", "2", "--", "write", "n=10", ...authed, ...wrongMode],
        code: 1,
      },
    ]);
    await assertDirClean(liveDir);
    const compared = await runClean(
      "compare",
      ["compare", `${liveDir}/summary.json`, `${liveDir}/summary.json`],
      liveDir,
    );
    assert.equal(compared, 0);
  } finally {
    stop(serve, "SIGTERM");
    const end = await serve.done;
    assertClean("serve: stdout", end.stdout);
    assertClean("serve: stderr", end.stderr);
    await assertDirClean(serveDir);
    await Deno.remove(root, { recursive: true });
  }
});

/**
 * Gives the role `planted` the password, and makes every user but `postgres` authenticate with
 * scram-sha-256 (the fixture trusts everyone), so that a wrong password is refused.
 */
async function passwordRole(adminUrl: string, port: number): Promise<string> {
  const sql = postgres(adminUrl, { max: 1, onnotice: () => {} });
  try {
    await sql.unsafe(`CREATE ROLE ${USER} LOGIN PASSWORD '${SECRET}'`);
    await sql.unsafe(`CREATE DATABASE planted_db OWNER ${USER}`);
    const [{ hba_file: hba }] = await sql`SELECT current_setting('hba_file') AS hba_file`;
    await sql.unsafe(
      `COPY (VALUES ('local all postgres trust'), ('host all postgres 127.0.0.1/32 trust'),
        ('host all all 127.0.0.1/32 scram-sha-256')) TO '${hba}'`,
    );
    await sql`SELECT pg_reload_conf()`;
  } finally {
    await sql.end();
  }
  const url = `postgres://${USER}:${encodeURIComponent(SECRET)}@127.0.0.1:${port}/planted_db`;
  const check = postgres(url, { max: 1, onnotice: () => {} });
  try {
    await check`SELECT 1`;
  } finally {
    await check.end();
  }
  const wrong = postgres(url.replace(encodeURIComponent(SECRET), "nope"), { max: 1 });
  await assert.rejects(() => wrong`SELECT 1`, /password authentication failed/);
  await wrong.end();
  return url;
}

const pg = await startPostgres();
const PG_URL = await passwordRole(pg.url, pg.port);
const WRONG_URL = PG_URL.replace(encodeURIComponent(SECRET), encodeURIComponent(WRONG));
const CLOSED_URL = `postgres://${USER}:${encodeURIComponent(SECRET)}@127.0.0.1:${closedPort()}/x`;
/** The same role and database as libpq's user=, password= and dbname= parameters. */
const PARAM_URL = `postgres://127.0.0.1:${pg.port}/?user=${USER}&password=${
  encodeURIComponent(SECRET)
}&dbname=planted_db`;
const MALFORMED_URLS = [
  `postgres://127.0.0.1:${pg.port}/%zz?user=${USER}&password=${encodeURIComponent(SECRET)}`,
  `postgres://${USER}:${encodeURIComponent(SECRET)}@127.0.0.1:99999/planted_db`,
  `postgres://${USER}:${SECRET}@127.0.0.1:${pg.port}/planted_db`,
  `http://${USER}:${encodeURIComponent(SECRET)}@127.0.0.1:${pg.port}/planted_db`,
];

Deno.test("query setup and query run never print the password of --url", async () => {
  const root = await Deno.makeTempDir({ prefix: "stress_secrets_query_" });
  try {
    await runAll(root, [
      {
        label: "query setup",
        args: ["query", "setup", "--url", PG_URL, "--generate", "4,0.05"],
        code: 0,
      },
    ]);
    await Deno.writeTextFile(
      `${root}/params.csv`,
      "hostname,start_time,end_time\nhost_000001,2017-01-01 00:10:00,2017-01-01 00:40:00\n",
    );
    const params = `${root}/params.csv`;
    const files = [
      "--json",
      "$DIR/run.json",
      "--hdr-log",
      "$DIR/run.hdr",
      "--results",
      "$DIR/r.jsonl",
    ];

    // A run reading stdin, with both live endpoints, checked while it runs.
    const liveDir = `${root}/live`;
    await Deno.mkdir(liveDir);
    const live = start(
      [
        "query",
        "run",
        "--url",
        PG_URL,
        "--workers",
        "2",
        "--interval",
        "200ms",
        "--web",
        "127.0.0.1:0",
        "--prometheus",
        "127.0.0.1:0",
        ...files.map((a) => a.replace("$DIR", liveDir)),
      ],
      liveDir,
      "piped",
    );
    const writer = live.child.stdin.getWriter();
    try {
      await writer.write(new TextEncoder().encode("hostname,start_time,end_time\n"));
      for (let i = 0; i < 20; i++) {
        const row = `host_00000${i % 4},2017-01-01 00:10:00,2017-01-01 00:40:00\n`;
        await writer.write(new TextEncoder().encode(row));
      }
      await assertEndpointsClean(live, "query run --web --prometheus");
    } finally {
      await writer.close().catch(() => {});
      const end = await live.done;
      assert.equal(end.code, 0, end.stderr);
      assertClean("query run (live): stdout", end.stdout);
      assertClean("query run (live): stderr", end.stderr);
    }
    await assertDirClean(liveDir);

    await runAll(root, [
      {
        label: "query run",
        args: ["query", "run", "--url", PG_URL, "--file", params, ...files],
        code: 0,
      },
      {
        label: "query run, libpq's password=",
        args: ["query", "run", "--url", PARAM_URL, "--file", params, ...files],
        code: 0,
      },
      {
        label: "query run, libpq's password=, wrong",
        args: [
          "query",
          "run",
          "--url",
          PARAM_URL.replace(encodeURIComponent(SECRET), encodeURIComponent(WRONG)),
          "--file",
          params,
          ...files,
        ],
        code: 3,
      },
      {
        label: "query setup again",
        args: ["query", "setup", "--url", PG_URL, "--generate", "4,0.05"],
        code: 0,
      },
      {
        label: "query setup, wrong password",
        args: ["query", "setup", "--url", WRONG_URL, "--generate", "1,0.01"],
        code: 3,
      },
      {
        label: "query run, wrong password",
        args: ["query", "run", "--url", WRONG_URL, "--file", params, ...files],
        code: 3,
      },
      {
        label: "query setup, closed port",
        args: ["query", "setup", "--url", CLOSED_URL, "--generate", "1,0.01"],
        code: 3,
      },
      {
        label: "query run, closed port",
        args: ["query", "run", "--url", CLOSED_URL, "--file", params, ...files],
        code: 3,
      },
      {
        label: "query run, no such table",
        args: ["query", "run", "--url", PG_URL, "--table", "nope", "--file", params],
        code: 3,
      },
      {
        label: "query run, bad option",
        args: ["query", "run", "--url", PG_URL, "--workers", "0", "--file", params],
        code: 2,
      },
      {
        label: "query run, unknown flag",
        args: ["query", "run", "--url", PG_URL, "--bogus"],
        code: 2,
      },
      ...MALFORMED_URLS.flatMap((url, i) => [
        {
          label: `query setup, malformed URL ${i}`,
          args: ["query", "setup", "--url", url, "--generate", "1,0.01"],
          code: null,
        },
        {
          label: `query run, malformed URL ${i}`,
          args: ["query", "run", "--url", url, "--file", params],
          code: null,
        },
      ]),
      {
        label: "analyze query run",
        args: [
          "analyze",
          "2",
          "--json",
          "$DIR/merged.json",
          "--",
          "query",
          "run",
          "--url",
          PG_URL,
          "--file",
          params,
        ],
        code: 0,
      },
      {
        label: "analyze query run, wrong password",
        args: ["analyze", "2", "--", "query", "run", "--url", WRONG_URL, "--file", params],
        code: 1,
      },
    ]);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("disk server, client and report never print --token or the password of --db", async () => {
  const root = await Deno.makeTempDir({ prefix: "stress_secrets_disk_" });
  try {
    const admin = postgres(pg.url, { max: 1, onnotice: () => {} });
    await admin.unsafe(`CREATE DATABASE disk_runs OWNER ${USER}`);
    await admin.end();
    const db = PG_URL.replace(/\/planted_db$/, "/disk_runs");
    const hbPort = String(freeUdpPort());
    const hb = ["--hb-address", "239.0.0.1", "--hb-port", hbPort];
    const serverDir = `${root}/server`;
    await Deno.mkdir(serverDir);
    const server = start([
      "disk",
      "server",
      ...hb,
      "--tcp-port",
      "0",
      "--host",
      "127.0.0.1",
      "--interface",
      "127.0.0.1",
      "--db",
      db,
      "--token",
      SECRET,
      "--idle-timeout",
      "20s",
      "--log",
      `${serverDir}/server.log`,
      "--report",
      `${serverDir}/report.json`,
    ], serverDir);
    try {
      const tcpPort = await waitFor("disk server", () => {
        const m = /listening on 127\.0\.0\.1:(\d+)/.exec(server.out.stdout);
        return m === null ? undefined : m[1];
      });
      const client = (id: string, token: string, extra: readonly string[] = []) => [
        "disk",
        "client",
        "--server",
        `127.0.0.1:${tcpPort}`,
        ...hb,
        "--interface",
        "127.0.0.1",
        "--id",
        id,
        "--chunk",
        "256K",
        "--file-size",
        "1M",
        "--run-time",
        "3s",
        "--min-rollovers",
        "0",
        "--heartbeat",
        "300ms",
        "--stats-every",
        "500ms",
        "--min-free",
        "1%",
        "--token",
        token,
        "--log",
        "client.log",
        "--cleanup",
        ...extra,
      ];
      await runAll(root, [
        { label: "disk client, wrong token", args: client("w", WRONG), code: 3 },
        { label: "disk client, unknown flag", args: [...client("u", SECRET), "--bogus"], code: 2 },
      ]);
      const clientDir = `${root}/client`;
      await Deno.mkdir(clientDir);
      const good = start(
        client("g", SECRET, ["--web", "127.0.0.1:0", "--prometheus", "127.0.0.1:0"]),
        clientDir,
      );
      try {
        await assertEndpointsClean(good, "disk client --web --prometheus");
      } finally {
        const end = await good.done;
        assert.equal(end.code, 0, end.stderr);
        assertClean("disk client: stdout", end.stdout);
        assertClean("disk client: stderr", end.stderr);
      }
      await assertDirClean(clientDir);
      const end = await server.done;
      assert.equal(end.code, 0, end.stderr);
      assertClean("disk server: stdout", end.stdout);
      assertClean("disk server: stderr", end.stderr);
      assert.ok(await assertDirClean(serverDir) >= 2);
    } finally {
      stop(server);
      await server.done;
    }
    const serverArgs = (target: string, extra: readonly string[] = []) => [
      "disk",
      "server",
      ...hb,
      "--tcp-port",
      "0",
      "--host",
      "127.0.0.1",
      "--db",
      target,
      "--token",
      SECRET,
      "--idle-timeout",
      "1s",
      "--log",
      "server.log",
      ...extra,
    ];
    await runAll(root, [
      { label: "disk report", args: ["disk", "report", "--db", db], code: 0 },
      { label: "disk report --run", args: ["disk", "report", "--db", db, "--run", "1"], code: 0 },
      {
        label: "disk report --json",
        args: ["disk", "report", "--db", db, "--run", "1", "--json"],
        code: 0,
      },
      {
        label: "disk report, no such run",
        args: ["disk", "report", "--db", db, "--run", "9"],
        code: null,
      },
      {
        label: "disk report, wrong password",
        args: ["disk", "report", "--db", WRONG_URL],
        code: null,
      },
      {
        label: "disk report, closed port",
        args: ["disk", "report", "--db", CLOSED_URL],
        code: null,
      },
      { label: "disk server, wrong password", args: serverArgs(WRONG_URL), code: 3 },
      { label: "disk server, closed port", args: serverArgs(CLOSED_URL), code: 3 },
      { label: "disk server, no client came", args: serverArgs(db), code: 1 },
      { label: "disk server, unknown flag", args: serverArgs(db, ["--bogus"]), code: 2 },
      ...MALFORMED_URLS.flatMap((url, i) => [
        { label: `disk server, malformed URL ${i}`, args: serverArgs(url), code: null },
        {
          label: `disk report, malformed URL ${i}`,
          args: ["disk", "report", "--db", url],
          code: null,
        },
      ]),
    ]);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("the throwaway PostgreSQL server stops", async () => {
  await pg.stop();
});
