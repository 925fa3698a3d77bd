/**
 * The Kubernetes manifests of deploy/kubernetes/: every YAML file parses, the loaders' Indexed
 * Job, the shared claim and the merge Job agree with each other (checkDeployment below, which is
 * also run on broken copies), every loader's command line runs with --dry-run for each index,
 * and the merge Job's script merges logs the tool wrote.
 */

import assert from "node:assert/strict";
import { parseAllDocuments } from "yaml";
import { main } from "../../main.ts";
import { BufferedIo } from "../../lib/cli/command_io.ts";
import { parseStressArgs } from "../../lib/cql/options/parse_stress_args.ts";
import { takeShardFlags } from "../../lib/units/shard.ts";

const DEPLOY_DIR = new URL("../../deploy/kubernetes/", import.meta.url);
const ROOT_PATH = new URL("../../", import.meta.url).pathname;
const MAIN_PATH = new URL("../../main.ts", import.meta.url).pathname;
const INDEX_VAR = "JOB_COMPLETION_INDEX";
const INDEX_FIELD = "metadata.annotations['batch.kubernetes.io/job-completion-index']";
const INDEX_REF = `$(${INDEX_VAR})`;

interface EnvVar {
  name?: string;
  value?: string;
  valueFrom?: { fieldRef?: { fieldPath?: string } };
}

interface Container {
  name?: string;
  image?: string;
  command?: string[];
  args?: string[];
  ports?: { name?: string; containerPort?: number }[];
  env?: EnvVar[];
  volumeMounts?: { name?: string; mountPath?: string }[];
}

interface PodSpec {
  restartPolicy?: string;
  containers?: Container[];
  volumes?: { name?: string; persistentVolumeClaim?: { claimName?: string } }[];
}

interface K8sObject {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string };
  spec?: PodSpec & {
    completionMode?: string;
    completions?: number;
    parallelism?: number;
    template?: { spec?: PodSpec };
    accessModes?: string[];
  };
}

/** The YAML files under deploy/kubernetes/ (relative paths) and the objects each holds. */
async function loadManifests(): Promise<Map<string, K8sObject[]>> {
  const files = new Map<string, K8sObject[]>();
  async function walk(dir: URL, prefix: string): Promise<void> {
    for await (const entry of Deno.readDir(dir)) {
      if (entry.isDirectory) {
        await walk(new URL(`${entry.name}/`, dir), `${prefix}${entry.name}/`);
      } else if (/\.ya?ml$/.test(entry.name)) {
        const text = await Deno.readTextFile(new URL(entry.name, dir));
        const docs = parseAllDocuments(text);
        assert.ok(Array.isArray(docs), `${prefix}${entry.name}: not a YAML stream`);
        const objects: K8sObject[] = [];
        for (const doc of docs) {
          const problems = [...doc.errors, ...doc.warnings].map((e) => e.message);
          assert.deepEqual(problems, [], `${prefix}${entry.name} does not parse`);
          const value = doc.toJS();
          if (value !== null) objects.push(value as K8sObject);
        }
        files.set(`${prefix}${entry.name}`, objects);
      }
    }
  }
  await walk(DEPLOY_DIR, "");
  return files;
}

/**
 * The objects a user applies for one variant: the top-level files, with the Jobs of `dir`
 * (e.g. "binary/") in place of the top-level Jobs of the same name.
 */
function variantObjects(files: Map<string, K8sObject[]>, dir: string): K8sObject[] {
  const top = [...files].filter(([path]) => !path.includes("/")).flatMap(([, objects]) => objects);
  if (dir === "") return top;
  const own = [...files].filter(([path]) => path.startsWith(dir)).flatMap(([, objects]) => objects);
  const names = new Set(own.map((o) => o.metadata?.name));
  return [...top.filter((o) => !names.has(o.metadata?.name)), ...own];
}

/** Kubernetes' expansion of command and args: `$(NAME)` from the env, `$$` is a `$`. */
function expandVars(text: string, env: Readonly<Record<string, string>>): string {
  return text.replace(
    /\$\$|\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g,
    (match, name?: string) => name === undefined ? "$" : env[name] ?? match,
  );
}

/** The variables a container declares, as pod `index` of an Indexed Job sees them. */
function containerEnv(container: Container, index: number): Record<string, string> {
  const env: Record<string, string> = {};
  for (const v of container.env ?? []) {
    if (v.name === undefined) continue;
    if (v.value !== undefined) env[v.name] = v.value;
    else if (v.valueFrom?.fieldRef?.fieldPath === INDEX_FIELD) env[v.name] = String(index);
  }
  return env;
}

/** Where the container mounts the volume of persistent volume claim `claim`. */
function claimMountPath(pod: PodSpec | undefined, claim: string): string | undefined {
  const volume = pod?.volumes?.find((v) => v.persistentVolumeClaim?.claimName === claim);
  if (volume === undefined) return undefined;
  return pod?.containers?.[0]?.volumeMounts?.find((m) => m.name === volume.name)?.mountPath;
}

/** The value after `--shards` (or of `--shards=`), or undefined. */
function shardsArg(args: readonly string[]): string | undefined {
  for (let i = 0; i < args.length; i++) {
    if (args[i] === "--shards") return args[i + 1];
    if (args[i].startsWith("--shards=")) return args[i].slice("--shards=".length);
  }
  return undefined;
}

/** A shell glob (only `*`) as a regular expression for whole paths. */
function globRegExp(glob: string): RegExp {
  const escaped = glob.split("*").map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&"));
  return new RegExp(`^${escaped.join("[^/]*")}$`);
}

/** What {@linkcode checkDeployment} found: the problems, and the parts the other tests use. */
interface Deployment {
  problems: string[];
  /** N: the loaders Job's completions. */
  count: number;
  loader: Container;
  mountPath: string;
  /** The `hdrfile=` path with `$(JOB_COMPLETION_INDEX)` in it. */
  hdrTemplate: string;
  merge: Container;
  mergeMountPath: string;
}

/**
 * Checks that the objects of one variant make a working N-loader run: a ReadWriteMany claim,
 * an Indexed Job with completions = parallelism = --shards whose pods each write their own HDR
 * log on that claim, and a merge Job that reads exactly those logs.
 */
function checkDeployment(objects: readonly K8sObject[]): Deployment {
  const problems: string[] = [];
  const fail = (problem: string) => problems.push(problem);
  for (const o of objects) {
    const expected = o.kind === "Job" ? "batch/v1" : "v1";
    if (!["Job", "PersistentVolumeClaim", "Pod"].includes(o.kind ?? "")) {
      fail(`unexpected kind "${o.kind}"`);
    } else if (o.apiVersion !== expected) {
      fail(`${o.kind} "${o.metadata?.name}" has apiVersion "${o.apiVersion}", not ${expected}`);
    }
  }
  const claims = objects.filter((o) => o.kind === "PersistentVolumeClaim");
  if (claims.length !== 1) fail(`expected one PersistentVolumeClaim, found ${claims.length}`);
  const claim = claims[0]?.metadata?.name ?? "";
  if (!(claims[0]?.spec?.accessModes ?? []).includes("ReadWriteMany")) {
    fail(`claim "${claim}" is not ReadWriteMany, but pods on many nodes write to it`);
  }
  const jobs = objects.filter((o) => o.kind === "Job");
  const indexed = jobs.filter((o) => o.spec?.completionMode === "Indexed");
  const others = jobs.filter((o) => o.spec?.completionMode !== "Indexed");
  if (indexed.length !== 1) fail(`expected one Indexed Job (the loaders), found ${indexed.length}`);
  if (others.length !== 1) fail(`expected one other Job (the merge), found ${others.length}`);

  const spec = indexed[0]?.spec ?? {};
  const count = spec.completions ?? 0;
  if (!Number.isSafeInteger(count) || count < 1) fail(`loaders: completions "${count}"`);
  if (spec.parallelism !== count) {
    fail(`loaders: parallelism ${spec.parallelism} differs from completions ${count}`);
  }
  const pod = spec.template?.spec;
  if (pod?.restartPolicy !== "Never") fail(`loaders: restartPolicy "${pod?.restartPolicy}"`);
  const loader = pod?.containers?.[0] ?? {};
  if (pod?.containers?.length !== 1) fail("loaders: expected one container");
  const mountPath = claimMountPath(pod, claim) ?? "";
  if (mountPath === "") fail(`loaders: claim "${claim}" is not mounted`);
  const indexEnv = loader.env?.find((v) => v.name === INDEX_VAR);
  if (indexEnv?.valueFrom?.fieldRef?.fieldPath !== INDEX_FIELD) {
    fail(`loaders: ${INDEX_VAR} is not declared from the completion index annotation`);
  }
  const args = loader.args ?? [];
  if (args.some((a) => /^--shard(=|$)/.test(a))) fail("loaders: --shard I/N in a shared command");
  if (shardsArg(args) !== String(count)) {
    fail(`loaders: --shards "${shardsArg(args)}" differs from completions ${count}`);
  }
  const hdrTemplate = args.find((a) => a.startsWith("hdrfile="))?.slice("hdrfile=".length) ?? "";
  if (!hdrTemplate.includes(INDEX_REF)) {
    fail(`loaders: hdrfile "${hdrTemplate}" does not contain ${INDEX_REF}`);
  }
  const paths = Array.from(
    { length: count },
    (_, i) => expandVars(hdrTemplate, containerEnv(loader, i)),
  );
  if (new Set(paths).size !== count) fail(`loaders: pods share HDR log paths (${paths[0]})`);
  if (mountPath === "" || !paths.every((p) => p.startsWith(`${mountPath}/`))) {
    fail(`loaders: hdrfile "${hdrTemplate}" is not on the claim mounted at "${mountPath}"`);
  }

  // The live metrics must be reachable by a scraper: a port other pods can reach, declared.
  const metrics = args.find((a) => a.startsWith("prometheus="))?.slice("prometheus=".length);
  if (metrics !== undefined) {
    const [, host = "", port = ""] = /^(?:(.*):)?(\d+)$/.exec(metrics) ?? [];
    if (host !== "0.0.0.0" && host !== "[::]") {
      fail(
        `loaders: prometheus="${metrics}" binds "${
          host || "127.0.0.1"
        }", not reachable by a scraper`,
      );
    }
    if (!(loader.ports ?? []).some((p) => String(p.containerPort) === port)) {
      fail(`loaders: prometheus port ${port} is not a containerPort`);
    }
  }

  const mergeSpec = others[0]?.spec;
  if ((mergeSpec?.completions ?? 1) !== 1) fail("merge: more than one completion");
  const mergePod = mergeSpec?.template?.spec;
  if (mergePod?.restartPolicy !== "Never") {
    fail(`merge: restartPolicy "${mergePod?.restartPolicy}"`);
  }
  const merge = mergePod?.containers?.[0] ?? {};
  const mergeMountPath = claimMountPath(mergePod, claim) ?? "";
  if (mergeMountPath === "") fail(`merge: claim "${claim}" is not mounted`);
  const mergeEnv = containerEnv(merge, 0);
  if (mergeEnv.LOADERS !== String(count)) {
    fail(`merge: LOADERS "${mergeEnv.LOADERS}" differs from completions ${count}`);
  }
  if (mergeEnv.STRESS !== (loader.command ?? []).join(" ")) {
    fail(`merge: STRESS "${mergeEnv.STRESS}" is not the loaders' command`);
  }
  if (merge.image !== loader.image) fail(`merge: image "${merge.image}" differs from the loaders'`);
  const [shell, flag, script = ""] = merge.command ?? [];
  if (shell !== "sh" || flag !== "-c") fail("merge: not run by sh -c (the glob needs a shell)");
  if (!/^exec \$STRESS merge "\$@" /m.test(script)) fail('merge: no `exec $STRESS merge "$@"`');
  const glob = `${mergeMountPath}${hdrTemplate.slice(mountPath.length)}`.replace(INDEX_REF, "*");
  if (!script.includes(`set -- ${glob}\n`)) fail(`merge: does not read the loaders' "${glob}"`);
  const pattern = globRegExp(glob);
  const read = paths.map((p) => `${mergeMountPath}${p.slice(mountPath.length)}`);
  if (!read.every((p) => pattern.test(p))) fail(`merge: "${glob}" misses loaders' logs`);
  for (const output of script.matchAll(/--(?:output|json) (\S+)/g)) {
    if (pattern.test(output[1])) fail(`merge: its output "${output[1]}" matches "${glob}"`);
  }

  for (const o of objects.filter((o) => o.kind === "Pod")) {
    if (claimMountPath(o.spec, claim) === undefined) {
      fail(`pod "${o.metadata?.name}": claim "${claim}" is not mounted`);
    }
  }
  for (const c of [loader, merge]) {
    if (!/:[\w.-]+$/.test(c.image ?? "") || c.image?.endsWith(":latest")) {
      fail(`image "${c.image}" is not pinned to a version`);
    }
  }
  return { problems, count, loader, mountPath, hdrTemplate, merge, mergeMountPath };
}

const files = await loadManifests();
const VARIANTS = { package: variantObjects(files, ""), binary: variantObjects(files, "binary/") };

Deno.test("deploy/kubernetes manifests parse as Kubernetes objects", () => {
  assert.deepEqual([...files.keys()].sort(), [
    "binary/loaders-job.yaml",
    "binary/merge-job.yaml",
    "loaders-job.yaml",
    "merge-job.yaml",
    "pvc.yaml",
    "results-pod.yaml",
  ]);
  for (const [path, objects] of files) {
    assert.equal(objects.length, 1, path);
    assert.ok(objects[0].kind && objects[0].apiVersion && objects[0].metadata?.name, path);
  }
});

for (const [variant, objects] of Object.entries(VARIANTS)) {
  Deno.test(`checkDeployment() finds no problem in the ${variant} variant`, () => {
    const deployment = checkDeployment(objects);
    assert.deepEqual(deployment.problems, []);
    assert.equal(deployment.count, 10);
  });
}

Deno.test("the binary variant differs from the package variant only in image and tool", () => {
  const pkg = checkDeployment(VARIANTS.package);
  const bin = checkDeployment(VARIANTS.binary);
  assert.deepEqual(pkg.loader.command, ["deno", "run", "-A", "jsr:@team/stress@0.1.0/cli"]);
  assert.deepEqual(bin.loader.command, ["/usr/local/bin/stress"]);
  function strip(objects: readonly K8sObject[]): K8sObject[] {
    const copy = structuredClone(objects) as K8sObject[];
    for (const o of copy) {
      for (const c of o.spec?.template?.spec?.containers ?? []) {
        delete c.image;
        if (c.command?.[0] !== "sh") delete c.command;
        for (const v of c.env ?? []) if (v.name === "STRESS") delete v.value;
      }
    }
    return copy.sort((a, b) => (a.metadata?.name ?? "").localeCompare(b.metadata?.name ?? ""));
  }
  assert.deepEqual(strip(VARIANTS.binary), strip(VARIANTS.package));
});

/** A copy of the package variant changed by `edit` (given the loaders Job and the merge Job). */
function broken(edit: (loaders: K8sObject, merge: K8sObject, claim: K8sObject) => void) {
  const copy = structuredClone(VARIANTS.package) as K8sObject[];
  const loaders = copy.find((o) => o.spec?.completionMode === "Indexed")!;
  const merge = copy.find((o) => o.kind === "Job" && o !== loaders)!;
  const claim = copy.find((o) => o.kind === "PersistentVolumeClaim")!;
  edit(loaders, merge, claim);
  return checkDeployment(copy).problems;
}

function loaderOf(job: K8sObject): Container {
  return job.spec!.template!.spec!.containers![0];
}

function replaceArg(job: K8sObject, from: RegExp, to: string): void {
  const container = loaderOf(job);
  const i = container.args!.findIndex((a) => from.test(a));
  assert.ok(i >= 0, `no argument matches ${from}`);
  container.args![i] = container.args![i].replace(from, to);
}

const BREAKAGES: [
  string,
  (loaders: K8sObject, merge: K8sObject, claim: K8sObject) => void,
  RegExp,
][] = [
  ["completions != --shards", (l) => (l.spec!.completions = 8), /completions 8/],
  ["--shards != completions", (l) => replaceArg(l, /^10$/, "9"), /--shards "9"/],
  ["parallelism != completions", (l) => (l.spec!.parallelism = 5), /parallelism 5/],
  ["a NonIndexed loaders Job", (l) => (l.spec!.completionMode = "NonIndexed"), /Indexed Job/],
  [
    "restartPolicy OnFailure",
    (l) => (l.spec!.template!.spec!.restartPolicy = "OnFailure"),
    /restartPolicy/,
  ],
  ["no JOB_COMPLETION_INDEX env", (l) => (loaderOf(l).env = []), /JOB_COMPLETION_INDEX/],
  ["an hdrfile without the index", (l) => replaceArg(l, /-\$\(\w+\)/, ""), /does not contain/],
  ["an explicit --shard", (l) => replaceArg(l, /^--shards$/, "--shard"), /--shard I\/N/],
  [
    "logs off the volume",
    (l) => replaceArg(l, /^hdrfile=\/results/, "hdrfile=/tmp"),
    /not on the claim/,
  ],
  ["logs the merge does not read", (l) => replaceArg(l, /loader-/, "run/loader-"), /does not read/],
  [
    "the merge on another claim",
    (_, m) => (m.spec!.template!.spec!.volumes![0].persistentVolumeClaim!.claimName = "other"),
    /merge: claim/,
  ],
  [
    "a ReadWriteOnce claim",
    (_l, _m, c) => (c.spec!.accessModes = ["ReadWriteOnce"]),
    /ReadWriteMany/,
  ],
  [
    "LOADERS != completions",
    (_, m) => (loaderOf(m).env!.find((v) => v.name === "LOADERS")!.value = "9"),
    /LOADERS "9"/,
  ],
  [
    "a merge glob that reads its own output",
    (_, m) => {
      const c = loaderOf(m);
      c.command![2] = c.command![2].replaceAll("loader-*.hdr", "*.hdr");
    },
    /does not read/,
  ],
  ["an unpinned image", (l) => (loaderOf(l).image = "denoland/deno:latest"), /not pinned/],
  [
    "metrics on the pod's loopback",
    (l) => replaceArg(l, /^prometheus=0\.0\.0\.0:/, "prometheus="),
    /not reachable by a scraper/,
  ],
  ["an undeclared metrics port", (l) => (loaderOf(l).ports = []), /not a containerPort/],
];

for (const [what, edit, expected] of BREAKAGES) {
  Deno.test(`checkDeployment() reports ${what}`, () => {
    const problems = broken(edit);
    assert.ok(problems.some((p) => expected.test(p)), problems.join("\n") || "no problem found");
  });
}

for (const [variant, objects] of Object.entries(VARIANTS)) {
  Deno.test(`every loader's command line of the ${variant} variant passes --dry-run`, async () => {
    const { count, loader } = checkDeployment(objects);
    const whole = parseStressArgs(takeShardFlags(loader.args!, { [INDEX_VAR]: "0" }).args);
    assert.equal(whole.population.kind, "seq");
    assert.equal(whole.command.stop.kind, "count");
    const seeds: [number, number][] = [];
    let total = 0;
    const hdrFiles = new Set<string>();
    for (let i = 0; i < count; i++) {
      const env = containerEnv(loader, i);
      const args = loader.args!.map((a) => expandVars(a, env));
      assert.ok(args.every((a) => !a.includes("$(")), `unexpanded variable in ${args.join(" ")}`);
      const io = new BufferedIo();
      const code = await main([...args, "--dry-run"], {
        io,
        env,
        signal: new AbortController().signal,
      });
      assert.equal(code, 0, io.stderr.join("\n"));
      const shard = new RegExp(`^Shard ${i}/${count}: n=(\\d+), seeds (\\d+)\\.\\.(\\d+)`).exec(
        io.stdout[0],
      );
      assert.ok(shard, io.stdout[0]);
      total += Number(shard[1]);
      seeds.push([Number(shard[2]), Number(shard[3])]);
      assert.ok(io.stdout.includes("******************** Stress Settings ********************"));
      const settings = parseStressArgs(takeShardFlags(args, env).args);
      hdrFiles.add(settings.log.hdrFile!);
      assert.ok(settings.log.hdrFile!.includes(`-${i}.`), settings.log.hdrFile!);
    }
    assert.equal(hdrFiles.size, count);
    // The shards' slices are contiguous and cover the one population, each seed once.
    const population = whole.population.kind === "seq" ? whole.population : null;
    assert.equal(seeds[0][0], population!.min);
    for (let i = 1; i < count; i++) assert.equal(seeds[i][0], seeds[i - 1][1] + 1);
    assert.equal(seeds[count - 1][1], population!.max);
    assert.equal(total, whole.command.stop.kind === "count" ? whole.command.stop.n : NaN);
  });
}

/** Runs a shell script as the merge Job's container does: `sh -c SCRIPT` with its env. */
async function runScript(
  script: string,
  env: Record<string, string>,
): Promise<{ code: number; out: string; err: string }> {
  const output = await new Deno.Command("sh", { args: ["-c", script], env, cwd: ROOT_PATH })
    .output();
  const decoder = new TextDecoder();
  return {
    code: output.code,
    out: decoder.decode(output.stdout),
    err: decoder.decode(output.stderr),
  };
}

Deno.test("the merge Job's script merges the loaders' HDR logs the tool wrote", async () => {
  const { count, loader, mountPath, hdrTemplate, merge, mergeMountPath } = checkDeployment(
    VARIANTS.package,
  );
  const dir = await Deno.makeTempDir({ prefix: "stress_k8s_" });
  try {
    // Each loader's log at the path its pod writes, with the claim's root at `dir`.
    for (let i = 0; i < count; i++) {
      const path = dir + expandVars(hdrTemplate, containerEnv(loader, i)).slice(mountPath.length);
      const io = new BufferedIo();
      const args = ["write", `n=${20 * count}`, "no-warmup", "-rate", "threads=2"];
      args.push("-node", "synthetic:fixed(100)", "-log", `hdrfile=${path}`, "interval=100ms");
      const code = await main([...args, "--shard", `${i}/${count}`], {
        io,
        signal: new AbortController().signal,
      });
      assert.equal(code, 0, io.stderr.join("\n"));
    }
    const script = merge.command![2].replaceAll(`${mergeMountPath}/`, `${dir}/`);
    const env = { ...containerEnv(merge, 0), STRESS: `${Deno.execPath()} run -A ${MAIN_PATH}` };
    const ok = await runScript(script, env);
    assert.equal(ok.code, 0, ok.err);
    assert.match(ok.out, /^Results:$/m);
    assert.match(
      ok.out,
      new RegExp(`^Total partitions +: +${20 * count} \\[WRITE: ${20 * count}\\]$`, "m"),
    );
    const json = JSON.parse(await Deno.readTextFile(`${dir}/merged.json`));
    assert.equal(json.total.ops, 20 * count);
    assert.equal(json.merge.loaders.length, count);
    assert.match(await Deno.readTextFile(`${dir}/merged.hdr`), /^#\[BaseTime: /m);

    // One loader's log missing: the script refuses instead of merging nine.
    const first = dir + expandVars(hdrTemplate, containerEnv(loader, 0)).slice(mountPath.length);
    await Deno.remove(first);
    const missing = await runScript(script, env);
    assert.equal(missing.code, 2);
    assert.match(missing.err, new RegExp(`found ${count - 1} .*, expected ${count}`));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
