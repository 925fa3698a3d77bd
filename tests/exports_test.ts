// The package's subpath exports (deno.json "exports"): each entry loads and gives what a user
// imports it for.
import assert from "node:assert/strict";

const config = JSON.parse(await Deno.readTextFile(new URL("../deno.json", import.meta.url)));
const exportsMap: Record<string, string> = config.exports;

/** What each subpath is for: a name it must export. */
const EXPECTED: Record<string, string> = {
  ".": "parseStressArgs",
  "./cli": "main",
  "./options": "parseStressArgs",
  "./rate-schedule": "RateSchedule",
  "./rendezvous": "RendezvousDispatcher",
  "./percentile": "exactPercentile",
  "./histogram": "LatencyHistogram",
  "./hdr-codec": "encodeCompressedBase64",
  "./hdr-log": "formatHdrLogInterval",
  "./hdr-log-reader": "readHdrLog",
};

Deno.test("deno.json exports every subpath the README lists, and only those", () => {
  assert.deepEqual(Object.keys(exportsMap).sort(), Object.keys(EXPECTED).sort());
});

for (const [subpath, file] of Object.entries(exportsMap)) {
  Deno.test(`@team/stress${subpath === "." ? "" : subpath.slice(1)} exports ${EXPECTED[subpath]}`, async () => {
    const module = await import(new URL(`../${file}`, import.meta.url).href);
    assert.equal(typeof module[EXPECTED[subpath]], "function");
  });
}

Deno.test("deno task test runs the JSDoc examples of every module deno.json exports", async () => {
  const { SUITES } = await import("../scripts/run_suites.ts");
  const docPaths = SUITES.filter((suite) => suite.args.includes("--doc"))
    .flatMap((suite) => suite.args.filter((arg) => !arg.startsWith("-")));
  const covered = (file: string) =>
    docPaths.some((path) => path.endsWith("/") ? file.startsWith(path) : file === path);
  const files = Object.values(exportsMap).map((file) => file.replace(/^\.\//, ""));
  assert.deepEqual(files.filter((file) => !covered(file)), []);
});
