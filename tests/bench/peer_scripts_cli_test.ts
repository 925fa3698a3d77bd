// Bad input of bench/cql_peers.ts and scripts/cross_check.ts: one `error:` line, exit 2, nothing
// on stdout, and no node started (these fail before any connection).
import assert from "node:assert/strict";

const decoder = new TextDecoder();

async function run(script: string, args: string[]) {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", new URL(`../../${script}`, import.meta.url).pathname, ...args],
    stdout: "piped",
    stderr: "piped",
  }).output();
  return {
    code: output.code,
    stdout: decoder.decode(output.stdout),
    stderr: decoder.decode(output.stderr),
  };
}

const cases: [string, string[], string][] = [
  ["scripts/cross_check.ts", [], "error: --cassandra-stress PATH is required\n"],
  [
    "scripts/cross_check.ts",
    ["--cassandra-stress", "/nonexistent/cassandra-stress", "--port", "9042"],
    "error: --cassandra-stress: no file at /nonexistent/cassandra-stress\n",
  ],
  [
    "scripts/cross_check.ts",
    ["--cassandra-stress", "x", "--node", "db1.example", "--port", "9042"],
    'error: --node is "db1.example": loopback only\n',
  ],
  [
    "scripts/cross_check.ts",
    ["--cassandra-stress", "x", "--n", "0"],
    'error: --n is "0", expected a whole number >= 1\n',
  ],
  [
    "bench/cql_peers.ts",
    ["--threads", "many"],
    'error: --threads is "many", expected a whole number >= 1\n',
  ],
  [
    "bench/cql_peers.ts",
    ["--port", "9042", "--latte", "/nonexistent/latte"],
    "error: --latte: no file at /nonexistent/latte\n",
  ],
  [
    "bench/cql_peers.ts",
    ["--node", "db2.example"],
    'error: --node is "db2.example": loopback only\n',
  ],
];

for (const [script, args, stderr] of cases) {
  Deno.test(`${script} ${args.join(" ")}: ${stderr.trim()}`, async () => {
    const result = await run(script, args);
    assert.deepEqual(result, { code: 2, stdout: "", stderr });
  });
}
