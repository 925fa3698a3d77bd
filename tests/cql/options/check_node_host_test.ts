import assert from "node:assert/strict";
import { OptionError } from "../../../lib/errors.ts";
import { checkNodeHost } from "../../../lib/cql/options/check_node_host.ts";
import { parseStressArgs } from "../../../lib/cql/options/parse_stress_args.ts";
import { nodeHostsOf } from "../../../lib/cql/driver/cql_settings.ts";

Deno.test("checkNodeHost() accepts hosts, host:port, [IPv6]:port and bare IPv6", () => {
  for (const host of ["127.0.0.1", "db-1:9042", "localhost:65535", "[::1]", "[::1]:9042", "::1"]) {
    checkNodeHost(host, "-node");
  }
});

Deno.test("checkNodeHost() refuses an empty name and a port outside 1..65535", () => {
  const cases: [string, RegExp][] = [
    ["127.0.0.1:", /"127\.0\.0\.1:" has an invalid port ""/],
    ["127.0.0.1:abc", /has an invalid port "abc"/],
    ["127.0.0.1:0", /has an invalid port "0"/],
    ["127.0.0.1:99999", /has an invalid port "99999"/],
    ["127.0.0.1:+1", /has an invalid port "\+1"/],
    ["[::1]:", /has an invalid port ""/],
    [":9042", /":9042" has no host name/],
  ];
  for (const [host, pattern] of cases) {
    assert.throws(() => checkNodeHost(host, "-node file"), OptionError, host);
    assert.throws(() => checkNodeHost(host, "-node file"), pattern);
  }
});

Deno.test("parseStressArgs() refuses a -node port the connection would ignore or reject", () => {
  // Before, 127.0.0.1:abc and :0 connected on -port native= and :99999 failed in the driver.
  for (const node of ["127.0.0.1:abc", "127.0.0.1:0", "127.0.0.1:99999", "127.0.0.1:9042,h:"]) {
    assert.throws(
      () => parseStressArgs(["write", "n=10", "-node", node]),
      (error) => error instanceof OptionError && error.option === "-node",
      node,
    );
  }
  const ok = parseStressArgs(["write", "n=10", "-node", "127.0.0.1:9042,synthetic:fixed(5)"]);
  assert.deepEqual(ok.node.hosts, ["127.0.0.1:9042", "synthetic:fixed(5)"]);
});

Deno.test("nodeHostsOf() refuses a -node file= line with a bad port", async () => {
  const file = await Deno.makeTempFile({ suffix: ".txt" });
  try {
    await Deno.writeTextFile(file, "# hosts\n127.0.0.1:9042\n127.0.0.2:abc\n");
    const settings = parseStressArgs(["write", "n=10", "-node", `file=${file}`]);
    assert.throws(
      () => nodeHostsOf(settings),
      (error) => error instanceof OptionError && error.option === "-node file",
    );
    await Deno.writeTextFile(file, "127.0.0.1:9042\n[::1]:9043 # v6\n");
    assert.deepEqual(nodeHostsOf(settings), ["127.0.0.1:9042", "[::1]:9043"]);
    // A host list beside file= is ignored, as cassandra-stress's SettingsNode ignores it.
    const both = parseStressArgs(["write", "n=10", "-node", `file=${file}`, "127.0.0.9"]);
    assert.deepEqual(nodeHostsOf(both), ["127.0.0.1:9042", "[::1]:9043"]);
  } finally {
    await Deno.remove(file);
  }
});
