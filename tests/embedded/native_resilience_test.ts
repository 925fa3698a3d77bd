// The native data path when a node goes away without closing its connections: a connection whose
// requests keep timing out unanswered (a node that stopped answering, a connection left half
// open) is closed after 64 of them, as cassandra-driver's defunctReadTimeoutThreshold does, and
// the pool opens a new one, so the run resumes instead of timing out every op until its end.
import assert from "node:assert/strict";
import { executed, prepared, result } from "./_cql_faults.ts";
import { runAgainst, startNode } from "./_cql_run.ts";
import { TcpProxy } from "./_tcp_proxy.ts";

Deno.test("native path: a half-open connection is replaced once its requests time out unanswered", async () => {
  const node = await startNode();
  const proxy = new TcpProxy(node.port);
  try {
    const workers = Math.min(navigator.hardwareConcurrency, 8);
    let done = false;
    const run = runAgainst(null, [
      ...["write", "duration=5s", "no-warmup", "-rate", "threads=8"],
      ...["-errors", "ignore", "retries=0", "-mode", "native", "cql3", "requestTimeout=100"],
    ], { nodeArgs: ["-node", "127.0.0.1", "-port", `native=${proxy.port}`] })
      .finally(() => done = true);
    let frozen: { accepted: number; executed: number } | null = null;
    while (!done) {
      if (frozen === null && prepared(node) >= workers && executed(node) > 1000) {
        proxy.freeze();
        frozen = { accepted: proxy.accepted, executed: executed(node) };
      }
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const { code, out, err } = await run;
    const text = [...out, ...err].join("\n");
    assert.ok(frozen !== null, `never froze:\n${text}`);
    assert.equal(code, 0, text);
    assert.ok(out.includes("END"), text);
    // The ops in flight when the connections froze, and those sent on them before they closed.
    assert.ok(result(out, "Total errors") > 64, text);
    assert.ok(proxy.accepted > frozen.accepted, `no new connection:\n${text}`);
    assert.ok(executed(node) > frozen.executed + 1000, `no op after the freeze:\n${text}`);
  } finally {
    await proxy.close();
    await node.close();
  }
});
