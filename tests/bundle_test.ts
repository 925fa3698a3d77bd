// The one-artifact build (`deno task bundle`, docs/artifact.md): the bundle is built into a temp
// dir, copied to another temp dir outside the repository, and run from there with an empty
// DENO_DIR, `--cached-only`, no config and an unreachable npm registry, so that any module it
// tried to fetch would fail the run. Each command must do real work: `write` against the embedded
// node (the stress Worker), `query run` against a throwaway PostgreSQL (the query Worker) and
// `checkout load` against the test checkout service. Then `deno compile` of the bundle, skipped
// (with the reason printed and an ignored step) where its runtime download is not reachable.
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

/** Runs `deno run -A dist/stress.js ...args` from the artifact's folder. */
async function runBundle(
  artifact: Artifact,
  args: string[],
): Promise<{ code: number; stdout: string; stderr: string }> {
  const output = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
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
  }).output();
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
