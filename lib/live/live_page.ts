/**
 * The live web page of `stress checkout load --web`: one self-contained HTML document (inline
 * CSS and JavaScript, charts drawn on `<canvas>` by a small inline function), so it works
 * offline. Pure: it only builds a string.
 *
 * @module
 */

import { LIVE_PAGE_SCRIPT, LIVE_PAGE_STYLE } from "./_live_page_assets.ts";

/** Options of {@linkcode livePageHtml}. */
export interface LivePageOptions {
  /** The page title, shown in the header and the browser tab (HTML-escaped). */
  title: string;
  /**
   * How often the page polls `GET /api/stats`, in milliseconds.
   *
   * @default {1000}
   */
  pollIntervalMs?: number;
  /**
   * The values the start form shows first (the command line's), e.g. `{ users: 1000,
   * spawnRate: 100 }`; a `rate` fills the open-model field.
   *
   * @default {{ users: 10, spawnRate: 1 }}
   */
  defaults?: { users: number; spawnRate: number; rate?: number };
  /**
   * `load` for a load test the page starts and stops (`checkout load --web`): the start form,
   * users and endpoints. `run` for a run the command line started (`-log web=`): only the stop
   * button, threads and op types.
   *
   * @default {"load"}
   */
  mode?: "load" | "run";
}

/** The words of each mode. */
const WORDS = {
  load: {
    requests: "requests",
    users: "users",
    usersTitle: "Users",
    rateTitle: "Requests and failures per second",
    endpoints: "Endpoints",
    endpoint: "Endpoint",
    count: "Requests",
  },
  run: {
    requests: "ops",
    users: "threads",
    usersTitle: "Threads",
    rateTitle: "Operations and errors per second",
    endpoints: "Op types",
    endpoint: "Op type",
    count: "Ops",
  },
} as const;

/** A finite number as an attribute value (anything else becomes 1). */
function number(value: number): string {
  return Number.isFinite(value) ? String(value) : "1";
}

/** The form of `run` mode: the run started with the command, so only Stop. */
const STOP_ONLY = '<form id="controls"><button id="stop" type="button" disabled>Stop</button>' +
  "</form>";

/** The start form of `load` mode, filled with the command line's values. */
function startForm(defaults: { users: number; spawnRate: number; rate?: number }): string {
  return `<form id="controls">
<label>Users <input id="users-input" type="number" min="1" step="1" value="${
    number(defaults.users)
  }" required></label>
<label>Spawn rate (users/s)
<input id="spawn-rate-input" type="number" min="0.001" step="any" value="${
    number(defaults.spawnRate)
  }" required></label>
<label>Rate (req/s, open model)
<input id="rate-input" type="number" min="0.001" step="any" placeholder="closed model"${
    defaults.rate === undefined ? "" : ` value="${number(defaults.rate)}"`
  }></label>
<button id="start" type="submit">Start</button>
<button id="stop" type="button" disabled>Stop</button>
</form>`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * Returns the complete live page: a header with the state and totals, start/stop controls,
 * an op type selector (`all` or one op type or endpoint: the charts show its lines), three
 * charts (requests/s and failures/s, latency p50/p95/p99, users), an endpoint table and a
 * failures table. In `run` mode the start form is left out (the run is already going) and
 * the words are the run's (ops, threads, op types). It polls `GET /api/stats?since=N`, posts
 * `POST /api/start` with `{users, spawnRate, rate?}` and `POST /api/stop`. Everything is
 * inline: no external requests.
 *
 * Stable element ids: `#state`, `#requests`, `#rps`, `#failures`, `#users`, `#stop`,
 * `#start`, `#users-input`, `#spawn-rate-input`, `#rate-input` (not in `run` mode),
 * `#op-select`, `#message`, `#chart-rps`, `#chart-latency`, `#chart-users` (each with
 * `data-points`, the number of points drawn, and `data-op`, the op type drawn or empty),
 * `#endpoints` and `#failures-by-kind`.
 *
 * @param options The title, the poll interval, the form's defaults and the mode.
 * @returns The HTML document.
 * @throws {RangeError} When the poll interval is not a positive number.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { livePageHtml } from "./live_page.ts";
 *
 * const html = livePageHtml({ title: "checkout <load>" });
 * assert.ok(html.startsWith("<!doctype html>"));
 * assert.ok(html.includes("checkout &#60;load&#62;"));
 * assert.ok(html.includes('id="chart-rps"'));
 * assert.ok(!/(src|href)="https?:/.test(html)); // nothing external
 *
 * const run = livePageHtml({ title: "stress write", mode: "run" });
 * assert.ok(run.includes('id="stop"') && !run.includes('id="start"'));
 * ```
 */
export function livePageHtml(options: LivePageOptions): string {
  const pollIntervalMs = options.pollIntervalMs ?? 1000;
  const defaults = options.defaults ?? { users: 10, spawnRate: 1 };
  if (!Number.isFinite(pollIntervalMs) || pollIntervalMs <= 0) {
    throw new RangeError(
      `Cannot build live page: poll interval "${pollIntervalMs}" is invalid, expected a number > 0`,
    );
  }
  const mode = options.mode ?? "load";
  const words = WORDS[mode];
  const title = escapeHtml(options.title);
  const figure = (id: string, label: string, value: string): string =>
    `<div class="figure"><span class="label">${label}</span>` +
    `<span class="value" id="${id}">${value}</span></div>`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<style>${LIVE_PAGE_STYLE}</style>
</head>
<body data-state="idle" data-mode="${mode}">
<header>
<h1>${title}</h1>
<div class="figure"><span class="label">state</span><span id="state" class="idle">idle</span></div>
${figure("requests", words.requests, "0")}
${figure("failures", "failures", "0")}
${figure("rps", mode === "load" ? "current RPS" : "current ops/s", "0")}
${figure("users", words.users, "0")}
<span id="connection"></span>
</header>
<main>
<section>
${mode === "load" ? startForm(defaults) : STOP_ONLY}
<p id="message"></p>
</section>
<section><label>Op type <select id="op-select"><option value="">all</option></select>
</label></section>
<div class="charts">
<section><h2>${words.rateTitle}</h2>
<canvas id="chart-rps" data-points="0"></canvas></section>
<section><h2>Latency percentiles (ms)</h2>
<canvas id="chart-latency" data-points="0"></canvas></section>
<section><h2>${words.usersTitle}</h2><canvas id="chart-users" data-points="0"></canvas></section>
</div>
<section><h2>${words.endpoints}</h2>
<table id="endpoints"><thead><tr><th>${words.endpoint}</th><th>${words.count}</th><th>Failures</th>
<th>p50 ms</th><th>p95 ms</th><th>p99 ms</th></tr></thead><tbody></tbody></table></section>
<section><h2>Failures by kind</h2>
<table id="failures-by-kind"><thead><tr><th>Kind</th><th>Count</th></tr></thead><tbody></tbody>
</table></section>
</main>
<script>${LIVE_PAGE_SCRIPT.replace("__POLL_MS__", String(pollIntervalMs))}</script>
</body>
</html>
`;
}
