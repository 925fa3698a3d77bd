// The one-artifact build (`deno task bundle`, docs/artifact.md): the bundle is built into a temp
// dir, copied to another temp dir outside the repository, and run from there with an empty
// DENO_DIR, `--cached-only`, no config and an unreachable npm registry, so that any module it
// tried to fetch would fail the run. Each command must do real work: `write` against the embedded
// node (the stress Worker), `query run` against a throwaway PostgreSQL (the query Worker) and
// `checkout load` against the test checkout service. The processes the bundle starts itself
// (`analyze`'s children, `disk client`'s writer) must run with no config, even below a foreign
// deno.json. `scripts/bundle.ts --outdir` takes a relative folder from its caller's folder. Then
// `deno compile` of the bundle, skipped (with the reason printed and an ignored step) where its
// runtime download is not reachable.
import assert from "node:assert/strict";
import { bundle } from "../scripts/bundle.ts";
import { cpuUsageHost } from "../lib/query/cpu_usage.ts";
import { freshDatabase, startPostgres } from "./query/_pg_fixture.ts";
import { startCheckoutService } from "./checkout/_checkout_service.ts";

const RUN_TIMEOUT_MS = 120_000;

/** A built bundle copied outside the repository, with an empty DENO_DIR beside it. */
interface Artifact {
  /** The temp dir holding `dist/` (the copy) and `deno_dir/`. */
  readonly home: string;
  /** The copied `dist/`. */
  readonly dist: string;
  /** The empty DENO_DIR the runs use. */
  readonly denoDir: string;
}

async function withArtifact(fn: (artifact: Artifact) => Promise<void>): Promise<void> {
  const build = await Deno.makeTempDir({ prefix: "stress_bundle_build_" });
  const home = await Deno.makeTempDir({ prefix: "stress_bundle_host_" });
  try {
    const written = await bundle(build);
    const dist = `${home}/dist`;
    await Deno.mkdir(dist);
    for (const file of written) {
      await Deno.copyFile(file.path, `${dist}/${file.path.slice(build.length + 1)}`);
    }
    const denoDir = `${home}/deno_dir`;
    await Deno.mkdir(denoDir);
    await fn({ home, dist, denoDir });
  } finally {
    await Deno.remove(build, { recursive: true }).catch(() => {});
    await Deno.remove(home, { recursive: true }).catch(() => {});
  }
}

/** The environment of a run on a "bench host": nothing cached, no npm registry to reach. */
function hostEnv(artifact: Artifact): Record<string, string> {
  return {
    DENO_DIR: artifact.denoDir,
    NPM_CONFIG_REGISTRY: "http://127.0.0.1:9/",
    DENO_NO_UPDATE_CHECK: "1",
    NO_COLOR: "1",
  };
}

/** `deno run -A [denoFlags] dist/stress.js ...args` from the artifact's folder. */
function bundleCommand(artifact: Artifact, args: string[], denoFlags: string[] = []): Deno.Command {
  return new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      ...denoFlags,
      "--no-config",
      "--no-lock",
      "--cached-only",
      "--no-remote",
      "--no-npm",
      `${artifact.dist}/stress.js`,
      ...args,
    ],
    cwd: artifact.home,
    env: hostEnv(artifact),
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    signal: AbortSignal.timeout(RUN_TIMEOUT_MS),
  });
}

/** Runs `deno run -A [denoFlags] dist/stress.js ...args` from the artifact's folder. */
async function runBundle(
  artifact: Artifact,
  args: string[],
  denoFlags: string[] = [],
): Promise<{ code: number; stdout: string; stderr: string }> {
  const output = await bundleCommand(artifact, args, denoFlags).output();
  const decoder = new TextDecoder();
  return {
    code: output.code,
    stdout: decoder.decode(output.stdout),
    stderr: decoder.decode(output.stderr),
  };
}

async function namesIn(dir: string): Promise<string[]> {
  const names: string[] = [];
  for await (const entry of Deno.readDir(dir)) names.push(entry.name);
  return names;
}

function figure(stdout: string, label: string): string {
  const line = stdout.split("\n").find((l) => l.startsWith(label));
  assert.ok(line !== undefined, `no "${label}" line in:\n${stdout}`);
  return line.slice(line.indexOf(":") + 1).trim();
}

Deno.test("bundle: dist/ alone runs write, query run and checkout load, fetching nothing", async (t) => {
  await withArtifact(async (artifact) => {
    assert.deepEqual((await namesIn(artifact.dist)).sort(), [
      "disk_writer_main.js",
      "query_worker.js",
      "stress.js",
      "stress_worker.js",
      "synthetic_worker.js",
    ]);

    await t.step("write n=1000 -node embedded (stress Worker)", async () => {
      const run = await runBundle(artifact, ["write", "n=1000", "-node", "embedded"]);
      const all = `${run.stdout}\n${run.stderr}`;
      assert.equal(run.code, 0, all);
      assert.match(run.stdout, /\nResults:\n/, all);
      assert.match(figure(run.stdout, "Total partitions"), /^1,000 \[WRITE: 1,000\]$/);
      assert.match(figure(run.stdout, "Total errors"), /^0 /);
      assert.ok(Number(figure(run.stdout, "Op rate").replace(/,/g, "").split(" ")[0]) > 0, all);
    });

    await t.step("query setup and query run against PostgreSQL (query Worker)", async () => {
      const server = await startPostgres();
      try {
        const url = await freshDatabase(server, "bundle");
        const setup = await runBundle(artifact, [
          "query",
          "setup",
          "--url",
          url,
          "--generate",
          "4,0.05",
          "--seed",
          "7",
        ]);
        assert.equal(setup.code, 0, `${setup.stdout}\n${setup.stderr}`);
        const csv = `${artifact.home}/params.csv`;
        const lines = ["hostname,start_time,end_time"];
        for (let i = 0; i < 20; i++) {
          lines.push(`${cpuUsageHost(i % 4)},2017-01-01 00:00:00,2017-01-01 01:00:00`);
        }
        await Deno.writeTextFile(csv, lines.join("\n") + "\n");
        const run = await runBundle(artifact, [
          "query",
          "run",
          "--url",
          url,
          "--workers",
          "2",
          "--file",
          csv,
        ]);
        const all = `${run.stdout}\n${run.stderr}`;
        assert.equal(run.code, 0, all);
        assert.equal(figure(run.stdout, "Number of queries"), "20", all);
        assert.equal(figure(run.stdout, "Failed queries"), "0", all);
      } finally {
        await server.stop();
      }
    });

    await t.step("checkout load against the test checkout service", async () => {
      const service = await startCheckoutService({ mode: "correct", seed: 3 });
      try {
        const json = `${artifact.home}/checkout.json`;
        const run = await runBundle(artifact, [
          "checkout",
          "load",
          "--gateway",
          service.url,
          "--init",
          "--init-items=20",
          "--init-users=20",
          "--init-orders=20",
          "--users=5",
          "--spawn-rate=50",
          "--duration=2s",
          "--wait-time=constant(0.05)",
          "--seed=5",
          "--json",
          json,
        ]);
        const all = `${run.stdout}\n${run.stderr}`;
        assert.equal(run.code, 0, all);
        const summary = JSON.parse(await Deno.readTextFile(json)) as {
          total: { requests: number; failures: number };
        };
        assert.ok(summary.total.requests > 10, all);
        assert.equal(summary.total.failures, 0, all);
        const served = service.stats().byRoute["POST /orders/checkout/:id"];
        assert.equal(served.requests, summary.total.requests);
      } finally {
        await service.close();
      }
    });

    // Nothing was fetched: the empty DENO_DIR holds no npm package.
    const npm = `${artifact.denoDir}/npm`;
    assert.deepEqual(
      await namesIn(npm).catch(() => []),
      [],
      "the runs put npm packages in DENO_DIR",
    );
  });
});

/** The `deno compile` command of docs/artifact.md, run in `home` (which holds `dist/`). */
function compileArgs(output: string): string[] {
  return [
    "compile",
    "-A",
    "--unstable-net",
    "--no-check",
    "--no-config",
    "--include",
    "dist/stress_worker.js",
    "--include",
    "dist/synthetic_worker.js",
    "--include",
    "dist/query_worker.js",
    "--output",
    output,
    "dist/stress.js",
  ];
}

/** Why a failed `deno compile` is this machine's (no runtime download), or null. */
function downloadFailure(text: string): string | null {
  if (!/dl\.deno\.land|denort/.test(text)) return null;
  const lines = text.split("\n").map((line) => line.trim().replace(/^\d+: /, ""));
  return lines.find((line) => /error sending request|dns error|timed out/i.test(line)) ??
    lines.find((line) => /dl\.deno\.land|denort/.test(line)) ?? null;
}

Deno.test("bundle: deno compile of dist/ runs write, or says why it was skipped", async (t) => {
  await withArtifact(async (artifact) => {
    const binary = `${artifact.home}/stress`;
    const compiled = await new Deno.Command(Deno.execPath(), {
      args: compileArgs(binary),
      cwd: artifact.home,
      env: { DENO_NO_UPDATE_CHECK: "1", NO_COLOR: "1" },
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
      signal: AbortSignal.timeout(RUN_TIMEOUT_MS),
    }).output();
    const text = new TextDecoder().decode(compiled.stderr) +
      new TextDecoder().decode(compiled.stdout);
    if (!compiled.success) {
      const reason = downloadFailure(text);
      assert.ok(reason !== null, `deno compile failed, and not for its runtime download:\n${text}`);
      // deno-lint-ignore no-console
      console.log(`SKIPPED deno compile: the runtime download failed: ${reason}`);
      await t.step({ name: `deno compile skipped: ${reason}`, ignore: true, fn: () => {} });
      return;
    }
    await t.step("the binary runs write n=1000 -node embedded", async () => {
      const output = await new Deno.Command(binary, {
        args: ["write", "n=1000", "-node", "embedded"],
        cwd: artifact.home,
        env: { NO_COLOR: "1" },
        stdin: "null",
        stdout: "piped",
        stderr: "piped",
        signal: AbortSignal.timeout(RUN_TIMEOUT_MS),
      }).output();
      const stdout = new TextDecoder().decode(output.stdout);
      const all = `${stdout}\n${new TextDecoder().decode(output.stderr)}`;
      assert.equal(output.code, 0, all);
      assert.match(figure(stdout, "Total partitions"), /^1,000 \[WRITE: 1,000\]$/);
    });
  });
});

/**
 * The deno.json of another project in the folder above `dist/` (on a bench host, `/opt/` of an
 * ops repository, say). `--no-config` keeps it from the run; a child process started without
 * that flag would read it, and its npm import (with `nodeModulesDir: auto`) makes deno fetch the
 * package, which fails here (no registry).
 */
const FOREIGN_CONFIG = {
  imports: { "left-pad": "npm:left-pad@1.3.0" },
  nodeModulesDir: "auto",
};

/** Starts `disk server` from the artifact; resolves once it listens, with its TCP port. */
async function startDiskServer(artifact: Artifact, hbPort: number): Promise<{
  port: number;
  child: Deno.ChildProcess;
  done: Promise<{ code: number; stdout: string; stderr: string }>;
}> {
  const child = bundleCommand(artifact, [
    "disk",
    "server",
    "--hb-address",
    "239.0.0.1",
    "--hb-port",
    String(hbPort),
    "--interface",
    "127.0.0.1",
    "--host",
    "127.0.0.1",
    "--tcp-port",
    "0",
    "--db",
    `${artifact.home}/runs.sqlite`,
    "--idle-timeout",
    "20s",
  ], ["--unstable-net"]).spawn();
  let stdout = "";
  const listening = Promise.withResolvers<number>();
  const read = (async () => {
    for await (const text of child.stdout.pipeThrough(new TextDecoderStream())) {
      stdout += text;
      const match = /listening on 127\.0\.0\.1:(\d+)/.exec(stdout);
      if (match !== null) listening.resolve(Number(match[1]));
    }
  })();
  const stderr = new Response(child.stderr).text();
  const done = (async () => {
    const status = await child.status;
    await read;
    return { code: status.code, stdout, stderr: await stderr };
  })();
  const port = await Promise.race([listening.promise, done.then(() => null)]);
  if (port === null) {
    const ended = await done;
    throw new Error(`disk server ended (exit ${ended.code}):\n${ended.stdout}\n${ended.stderr}`);
  }
  return { port, child, done };
}

Deno.test("bundle: analyze and disk client start their children with no config", async (t) => {
  await withArtifact(async (artifact) => {
    await Deno.writeTextFile(`${artifact.home}/deno.json`, JSON.stringify(FOREIGN_CONFIG));

    await t.step("analyze 2 -- write n=1000 -node embedded (2 stress.js children)", async () => {
      const run = await runBundle(artifact, [
        "analyze",
        "2",
        "--",
        "write",
        "n=1000",
        "-rate",
        "threads=4",
        "-node",
        "embedded",
      ]);
      const all = `${run.stdout}\n${run.stderr}`;
      assert.equal(run.code, 0, all);
      assert.match(figure(run.stdout, "Total partitions"), /^1,000 \[WRITE: 1,000\]$/, all);
    });

    await t.step("disk server and disk client (the disk_writer_main.js child)", async () => {
      const socket = Deno.listenDatagram({ transport: "udp", hostname: "127.0.0.1", port: 0 });
      const hbPort = (socket.addr as Deno.NetAddr).port;
      socket.close();
      const server = await startDiskServer(artifact, hbPort);
      try {
        const client = await runBundle(artifact, [
          "disk",
          "client",
          "--server",
          `127.0.0.1:${server.port}`,
          "--hb-address",
          "239.0.0.1",
          "--hb-port",
          String(hbPort),
          "--interface",
          "127.0.0.1",
          "--id",
          "a",
          "--chunk",
          "256K",
          "--file-size",
          "2M",
          "--run-time",
          "1s",
          "--min-rollovers",
          "0",
          "--heartbeat",
          "300ms",
          "--path",
          `${artifact.home}/disk`,
          "--cleanup",
        ], ["--unstable-net"]);
        const all = `${client.stdout}\n${client.stderr}`;
        assert.equal(client.code, 0, all);
        assert.match(client.stdout, /client a: stop: done, /, all);
        const ended = await server.done;
        assert.equal(ended.code, 0, `${ended.stdout}\n${ended.stderr}`);
      } finally {
        try {
          server.child.kill();
        } catch {
          // Already ended.
        }
        await server.done;
      }
    });

    // Nothing was fetched or installed for the foreign deno.json.
    assert.deepEqual(await namesIn(`${artifact.denoDir}/npm`).catch(() => []), []);
    assert.deepEqual(
      (await namesIn(artifact.home)).filter((name) => /node_modules|deno\.lock/.test(name)),
      [],
    );
  });
});

Deno.test("bundle: scripts/bundle.ts takes --outdir relative to its caller's folder", async () => {
  const cwd = await Deno.makeTempDir({ prefix: "stress_bundle_cwd_" });
  const name = `stress_bundle_out_${crypto.randomUUID().slice(0, 8)}`;
  const inRepo = new URL(`../${name}`, import.meta.url);
  try {
    const script = new URL("../scripts/bundle.ts", import.meta.url).pathname;
    const run = (args: string[]) =>
      new Deno.Command(Deno.execPath(), {
        args: ["run", "-A", script, ...args],
        cwd,
        env: { NO_COLOR: "1" },
        stdin: "null",
        stdout: "piped",
        stderr: "piped",
        signal: AbortSignal.timeout(RUN_TIMEOUT_MS),
      }).output();
    const built = await run(["--outdir", name]);
    const text = new TextDecoder().decode(built.stderr) + new TextDecoder().decode(built.stdout);
    assert.equal(built.code, 0, text);
    assert.deepEqual((await namesIn(`${cwd}/${name}`)).sort(), [
      "disk_writer_main.js",
      "query_worker.js",
      "stress.js",
      "stress_worker.js",
      "synthetic_worker.js",
    ]);
    assert.equal(await Deno.stat(inRepo).then(() => true, () => false), false, "wrote in the repo");

    // A bad command line is one error line and exit 2, not a stack trace.
    const bad = await run(["--outdir"]);
    const stderr = new TextDecoder().decode(bad.stderr);
    assert.equal(bad.code, 2, stderr);
    assert.match(
      stderr,
      /^error: Cannot bundle: unknown arguments "--outdir", expected \[--outdir DIR\]\n$/,
    );
  } finally {
    await Deno.remove(cwd, { recursive: true }).catch(() => {});
    await Deno.remove(inRepo, { recursive: true }).catch(() => {});
  }
});
