/**
 * `stress checkout` against a service whose accept queue is tiny and slow: Python's
 * `http.server` (`ThreadingHTTPServer`, HTTP/1.0, listen backlog 5) with a pause before each
 * accept. With 100 requests in flight, each on a new connection, the accept queue is full most
 * of the time. Before connections were opened one handshake at a time, the kernel dropped the
 * requests of connections it had already answered, and `checkout consistency` aborted during
 * populate with a timeout.
 *
 * @module
 */

import assert from "node:assert/strict";
import { captureIo } from "./_capture_io.ts";
import { checkoutConsistencyCommand } from "../../lib/checkout/checkout_consistency.ts";
import { checkoutLoadCommand } from "../../lib/checkout/checkout_load.ts";
import {
  hasPython,
  type PythonCheckoutService,
  type PythonServiceOptions,
  startPythonCheckoutService,
} from "./_python_checkout_service.ts";

async function withPython<T>(
  options: PythonServiceOptions,
  fn: (service: PythonCheckoutService) => Promise<T>,
): Promise<T> {
  const service = await startPythonCheckoutService(options);
  try {
    return await fn(service);
  } finally {
    await service.close();
  }
}

const verdictOf = (lines: string[]) => lines.find((l) => l.startsWith("Verdict:")) ?? "";

Deno.test({
  name: "checkout consistency with 100 in flight passes a correct http.server service (backlog 5)",
  ignore: !hasPython,
  async fn() {
    await withPython({ mode: "correct", acceptDelayMs: 1 }, async (service) => {
      const io = captureIo();
      const code = await checkoutConsistencyCommand(["--gateway", service.url, "--seed", "4"], io);
      assert.equal(code, 0, io.lines.join("\n"));
      assert.match(verdictOf(io.lines), /^Verdict: CONSISTENT/);
      assert.ok(
        io.lines.includes(
          "checkout consistency: 1 item (stock 100, price 1), 1000 users (credit 1), 1000 checkouts, 100 in flight, seed 4",
        ),
      );
      assert.ok(
        io.lines.some((l) => l.includes("100 acknowledged (2xx), 900 refused (4xx), 0 unknown")),
      );
      const stats = await service.stats();
      assert.deepEqual([stats.items, stats.users, stats.orders], [1, 1000, 1000]);
    });
  },
});

Deno.test({
  name: "checkout consistency with 100 in flight catches a racy http.server service (backlog 5)",
  ignore: !hasPython,
  async fn() {
    await withPython({ mode: "racy", acceptDelayMs: 1, raceDelayMs: 50 }, async (service) => {
      const io = captureIo();
      const code = await checkoutConsistencyCommand(
        [
          "--gateway",
          service.url,
          "--seed",
          "4",
          "--users",
          "300",
          "--checkouts",
          "300",
          "--stock",
          "30",
        ],
        io,
      );
      assert.equal(code, 1, io.lines.join("\n"));
      assert.match(verdictOf(io.lines), /^Verdict: INCONSISTENT: \d+ violations/);
      assert.ok(
        io.lines.some((l) => /^ {2}- (oversold|stock_not_conserved|money_not_conserved):/.test(l)),
        io.lines.join("\n"),
      );
      assert.ok(
        io.lines.some((l) => l.includes(" 0 unknown (5xx or transport error)")),
        io.lines.join("\n"),
      );
    });
  },
});

Deno.test({
  name:
    "checkout consistency sends again the setup requests whose connection the service never accepted, and no more",
  ignore: !hasPython,
  async fn() {
    await withPython({ mode: "correct", acceptDelayMs: 1 }, async (service) => {
      await service.pause();
      let resumed: Promise<void> | null = null;
      const io = captureIo((line) => {
        if (
          resumed === null && line.startsWith("populate: ") && line.includes("to send again so far")
        ) {
          resumed = service.resume();
        }
      });
      const code = await checkoutConsistencyCommand(
        [
          "--gateway",
          service.url,
          "--seed",
          "4",
          "--users",
          "200",
          "--checkouts",
          "200",
          "--stock",
          "20",
          "--connect-timeout",
          "300ms",
        ],
        io,
      );
      await resumed;
      assert.equal(code, 0, io.lines.join("\n"));
      const progress = io.lines.find((l) =>
        l.startsWith("populate: ") && l.includes("to send again so far")
      );
      assert.match(
        progress ?? "",
        /: the connection failed before anything was sent \(last: connect_timeout, no connection to 127\.0\.0\.1:\d+ within 300 ms\)$/,
      );
      assert.match(
        io.lines.find((l) => l.startsWith("populate: 1 item and 200 users in")) ?? "",
        /, \d+ requests? sent again after a failed connection$/,
      );
      assert.match(verdictOf(io.lines), /^Verdict: CONSISTENT/);
      // Nothing was created twice: a request sent again had not reached the service.
      const stats = await service.stats();
      assert.deepEqual([stats.items, stats.users, stats.orders], [1, 200, 200]);
    });
  },
});

Deno.test({
  name:
    "checkout load sends --init again after a failed connection, and counts connect timeouts during the load",
  ignore: !hasPython,
  async fn() {
    await withPython({ mode: "correct", acceptDelayMs: 1 }, async (service) => {
      await service.pause();
      const commands: Promise<void>[] = [];
      let rows = 0;
      const io = captureIo((line) => {
        if (
          line.startsWith("init: ") && line.includes("to send again so far") &&
          commands.length === 0
        ) {
          commands.push(service.resume());
        }
        // The first interval's total row pauses the service, the second resumes it.
        if (line.endsWith(" total") && ++rows <= 2) {
          commands.push(rows === 1 ? service.pause() : service.resume());
        }
      });
      const dir = await Deno.makeTempDir({ prefix: "checkout_small_backlog_" });
      try {
        const code = await checkoutLoadCommand([
          "--gateway",
          service.url,
          "--init",
          "--init-items=50",
          "--init-users=50",
          "--init-orders=50",
          "--users=20",
          "--spawn-rate=1000",
          "--duration=4s",
          "--wait-time=none",
          "--connect-timeout=300ms",
          "--json",
          `${dir}/run.json`,
        ], io);
        await Promise.all(commands);
        assert.equal(commands.length, 3, io.lines.join("\n"));
        assert.equal(code, 1, io.lines.join("\n"));
        assert.match(
          io.lines.find((l) => l.startsWith("init: 50 users")) ?? "",
          /, \d+ requests? sent again after a failed connection$/,
        );
        const json = JSON.parse(await Deno.readTextFile(`${dir}/run.json`));
        // Only the connects the paused service did not answer failed, each counted once.
        assert.deepEqual(
          json.failures.map((f: { kind: string }) => f.kind),
          ["connect timeout"],
          io.lines.join("\n"),
        );
        assert.ok(json.failures[0].count > 0);
        assert.equal(json.total.failures, json.failures[0].count);
        assert.equal(json.settings.connectTimeoutMs, 300);
        const stats = await service.stats();
        assert.deepEqual([stats.items, stats.users, stats.orders], [50, 50, 50]);
      } finally {
        await Deno.remove(dir, { recursive: true });
      }
    });
  },
});
