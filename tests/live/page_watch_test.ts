// The end of a run with its live page open: close() waits until each polling page has fetched
// the end state, and no longer than that.
import assert from "node:assert/strict";
import { BufferedIo } from "../../lib/cli/command_io.ts";
import { LiveEndpoints } from "../../lib/live/live_endpoints.ts";

async function startPage(): Promise<
  { live: LiveEndpoints; poll: (id: string) => Promise<string> }
> {
  const io = new BufferedIo();
  const live = await LiveEndpoints.start({
    command: "write",
    title: "stress write",
    prometheus: null,
    web: { hostname: "127.0.0.1", port: 0 },
    names: { prometheus: "-log prometheus", web: "-log web" },
  }, io);
  assert.ok(live !== null);
  const url = /http:\/\/[\d.]+:\d+\//.exec(io.stderr.join("\n"))?.[0];
  assert.ok(url !== undefined, io.stderr.join("\n"));
  const poll = async (id: string) => {
    const response = await fetch(new URL(`/api/stats?since=0&page=${id}`, url));
    return (await response.json()).state as string;
  };
  return { live, poll };
}

Deno.test("LiveEndpoints.close() waits until a polling page has fetched the end state", async () => {
  const { live, poll } = await startPage();
  assert.equal(await poll("tab"), "running");
  let closed = false;
  const closing = live.close().then(() => (closed = true));
  assert.equal(closed, false);
  assert.equal(await poll("tab"), "stopped");
  await closing;
});

Deno.test("LiveEndpoints.close() does not wait for a page that already got the end", async () => {
  const { live, poll } = await startPage();
  assert.equal(await poll("tab"), "running");
  live.runEnded();
  assert.equal(await poll("tab"), "stopped"); // the page polls no more
  const before = performance.now();
  await live.close();
  assert.ok(performance.now() - before < 1000, `close() took ${performance.now() - before} ms`);
});
