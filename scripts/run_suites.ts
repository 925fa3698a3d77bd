/**
 * `deno task test`: runs the three test suites one after another (the core and every wing but
 * the embedded node; the embedded node's own tests, with `--expose-gc`; the embedded-node command
 * tests) and always all three, so a failure in the first never hides the others. Prints one line
 * per failed suite at the end and exits 1 when any failed.
 *
 * @module
 */

// deno-lint-ignore-file no-console

/**
 * The suites: a name and the arguments of `deno test`. The first runs the JSDoc examples
 * (`--doc`) of `lib/` and of the package's entry files, so that every example of an export in
 * deno.json runs.
 */
export const SUITES: readonly { name: string; args: string[] }[] = [
  {
    name: "core and wings",
    args: [
      "--doc",
      "--parallel",
      "--ignore=tests/embedded,tests/cql_node,tests/cassandra",
      "tests/",
      "lib/",
      "mod.ts",
      "main.ts",
    ],
  },
  { name: "embedded node", args: ["--v8-flags=--expose-gc", "--parallel", "tests/cql_node/"] },
  { name: "embedded-node commands", args: ["--parallel", "tests/embedded/"] },
];

async function runSuite(args: string[], extra: string[]): Promise<number> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["test", "-A", ...extra, ...args],
    stdin: "null",
  }).spawn();
  return (await child.status).code;
}

/** Runs every suite; resolves with 0 when all passed, else 1. */
export async function runSuites(extra: string[]): Promise<number> {
  const failed: string[] = [];
  for (const suite of SUITES) {
    const code = await runSuite(suite.args, extra);
    if (code !== 0) failed.push(`${suite.name} (exit ${code})`);
  }
  for (const name of failed) console.error(`suite failed: ${name}`);
  return failed.length === 0 ? 0 : 1;
}

if (import.meta.main) Deno.exit(await runSuites(Deno.args));
