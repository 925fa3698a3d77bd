/**
 * The inline CSS and JavaScript of the live page (private to {@link ./live_page.ts}).
 *
 * @module
 */

/**
 * The inline style sheet of the live page.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { LIVE_PAGE_STYLE } from "./_live_page_assets.ts";
 * assert.ok(LIVE_PAGE_STYLE.includes("#state.running"));
 * ```
 */
export const LIVE_PAGE_STYLE: string = `
:root { --fg: #1d2330; --muted: #667085; --line: #e4e7ec; --bg: #f6f7f9; --card: #fff;
  --accent: #2f6fed; --bad: #d92d20; --good: #12b76a; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.4 system-ui, -apple-system, "Segoe UI", sans-serif;
  color: var(--fg); background: var(--bg); }
header { display: flex; flex-wrap: wrap; align-items: center; gap: 24px; padding: 12px 20px;
  background: #101828; color: #fff; }
header h1 { font-size: 18px; margin: 0 12px 0 0; font-weight: 600; }
.figure { display: flex; flex-direction: column; }
.figure .label { font-size: 11px; text-transform: uppercase; letter-spacing: .05em;
  color: #98a2b3; }
.figure .value { font-size: 18px; font-variant-numeric: tabular-nums; }
#state { display: inline-block; padding: 2px 10px; border-radius: 10px; background: #475467;
  font-size: 13px; text-transform: uppercase; }
#state.running { background: var(--good); } #state.stopping { background: #f79009; }
#state.stopped { background: var(--bad); }
main { padding: 16px 20px; display: grid; gap: 16px; }
section { background: var(--card); border: 1px solid var(--line); border-radius: 8px;
  padding: 12px 16px; }
section h2 { font-size: 14px; margin: 0 0 8px; }
form { display: flex; flex-wrap: wrap; gap: 12px; align-items: flex-end; }
label { display: flex; flex-direction: column; font-size: 12px; color: var(--muted); gap: 2px; }
input { width: 120px; padding: 5px 8px; border: 1px solid var(--line); border-radius: 6px;
  font: inherit; }
button { padding: 6px 18px; border: 0; border-radius: 6px; font: inherit; color: #fff;
  cursor: pointer; }
button:disabled { opacity: .45; cursor: default; }
#start { background: var(--accent); } #stop { background: var(--bad); }
#message { color: var(--bad); min-height: 1.4em; margin: 6px 0 0; }
.charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(360px, 1fr)); gap: 16px; }
canvas { width: 100%; height: 220px; display: block; }
table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; }
th, td { text-align: right; padding: 4px 8px; border-bottom: 1px solid var(--line); }
th:first-child, td:first-child { text-align: left; }
th { font-size: 12px; color: var(--muted); font-weight: 600; }
td.bad { color: var(--bad); }
`;

/**
 * The inline client script of the live page: polling, rendering, the canvas chart function
 * and the start/stop buttons. `__POLL_MS__` is replaced by the poll interval. Written without
 * template literals so it can live in this string.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { LIVE_PAGE_SCRIPT } from "./_live_page_assets.ts";
 * assert.ok(LIVE_PAGE_SCRIPT.includes("var POLL_MS = __POLL_MS__;"));
 * ```
 */
export const LIVE_PAGE_SCRIPT: string = `
"use strict";
var POLL_MS = __POLL_MS__;
var MAX_POINTS = 3600;
var since = 0;
var epoch = -1;
var points = [];
var state = "idle";
var pollTimer = 0;
var selectedOp = "";
var knownOps = {};
// This page's id in its polls: the server waits for each open page to fetch the end state.
var PAGE_ID = Math.random().toString(36).slice(2);
var RUN_MODE = document.body.getAttribute("data-mode") === "run";
var $ = function (id) { return document.getElementById(id); };

// A point's value of key: the total's, or the selected op type's (users are always the total).
function pointValue(point, key) {
  if (selectedOp === "" || key === "users") return point[key];
  var ops = point.byOp || [];
  for (var i = 0; i < ops.length; i++) if (ops[i].name === selectedOp) return ops[i][key];
  return null;
}

function addOp(name) {
  if (knownOps[name]) return;
  knownOps[name] = true;
  var option = document.createElement("option");
  option.value = name;
  option.textContent = name;
  $("op-select").appendChild(option);
}

function fmt(n, digits) {
  if (n === null || n === undefined || !isFinite(n)) return "-";
  if (digits === undefined) digits = Math.abs(n) >= 100 ? 0 : Math.abs(n) >= 10 ? 1 : 2;
  return Number(n).toLocaleString("en-US", { maximumFractionDigits: digits,
    minimumFractionDigits: 0 });
}

function niceStep(range, ticks) {
  var raw = range / ticks;
  var mag = Math.pow(10, Math.floor(Math.log10(raw)));
  var norm = raw / mag;
  var step = norm <= 1 ? 1 : norm <= 2 ? 2 : norm <= 5 ? 5 : 10;
  return step * mag;
}

function clockLabel(ms) {
  var d = new Date(ms);
  function two(v) { return (v < 10 ? "0" : "") + v; }
  return two(d.getHours()) + ":" + two(d.getMinutes()) + ":" + two(d.getSeconds());
}

// Draws lines on a canvas: series = [{ label, color, key }], over the points' atMs.
function drawChart(canvas, series, unit) {
  var ratio = window.devicePixelRatio || 1;
  var width = canvas.clientWidth || 400;
  var height = canvas.clientHeight || 220;
  if (canvas.width !== Math.round(width * ratio)) canvas.width = Math.round(width * ratio);
  if (canvas.height !== Math.round(height * ratio)) canvas.height = Math.round(height * ratio);
  var ctx = canvas.getContext("2d");
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  ctx.clearRect(0, 0, width, height);
  var left = 56, right = 12, top = 24, bottom = 26;
  var plotW = Math.max(10, width - left - right);
  var plotH = Math.max(10, height - top - bottom);
  var n = points.length;
  var maxY = 0;
  for (var i = 0; i < n; i++) {
    for (var s = 0; s < series.length; s++) {
      var v = pointValue(points[i], series[s].key);
      if (typeof v === "number" && isFinite(v) && v > maxY) maxY = v;
    }
  }
  var step = niceStep(maxY > 0 ? maxY : 1, 4);
  var topY = Math.max(step, Math.ceil((maxY > 0 ? maxY : 1) / step) * step);
  var t0 = n > 0 ? points[0].atMs : 0;
  var t1 = n > 1 ? points[n - 1].atMs : t0 + 1000;
  if (t1 <= t0) t1 = t0 + 1000;
  function x(t) { return left + (t - t0) / (t1 - t0) * plotW; }
  function y(v) { return top + plotH - v / topY * plotH; }

  ctx.font = "11px system-ui, sans-serif";
  ctx.lineWidth = 1;
  ctx.strokeStyle = "#e4e7ec";
  ctx.fillStyle = "#667085";
  ctx.textAlign = "right";
  ctx.textBaseline = "middle";
  for (var g = 0; g <= topY + step / 2; g += step) {
    var gy = Math.round(y(g)) + 0.5;
    ctx.beginPath(); ctx.moveTo(left, gy); ctx.lineTo(left + plotW, gy); ctx.stroke();
    ctx.fillText(fmt(g), left - 6, gy);
  }
  ctx.save();
  ctx.translate(12, top + plotH / 2);
  ctx.rotate(-Math.PI / 2);
  ctx.textAlign = "center";
  ctx.fillText(unit, 0, 0);
  ctx.restore();
  ctx.strokeStyle = "#98a2b3";
  ctx.beginPath();
  ctx.moveTo(left + 0.5, top); ctx.lineTo(left + 0.5, top + plotH + 0.5);
  ctx.lineTo(left + plotW, top + plotH + 0.5); ctx.stroke();
  ctx.textAlign = "center";
  ctx.textBaseline = "top";
  if (n > 0) {
    var labels = Math.max(2, Math.min(6, Math.floor(plotW / 90)));
    for (var k = 0; k < labels; k++) {
      var t = t0 + (t1 - t0) * k / (labels - 1);
      ctx.textAlign = k === 0 ? "left" : k === labels - 1 ? "right" : "center";
      ctx.fillText(clockLabel(t), x(t), top + plotH + 6);
    }
  } else {
    ctx.fillText("no data yet", left + plotW / 2, top + plotH / 2);
  }
  var lx = left;
  ctx.textAlign = "left";
  ctx.textBaseline = "middle";
  for (var s2 = 0; s2 < series.length; s2++) {
    var sr = series[s2];
    ctx.fillStyle = sr.color;
    ctx.fillRect(lx, 8, 12, 3);
    ctx.fillStyle = "#1d2330";
    ctx.fillText(sr.label, lx + 16, 10);
    lx += 24 + ctx.measureText(sr.label).width;
    ctx.strokeStyle = sr.color;
    ctx.lineWidth = 1.6;
    ctx.beginPath();
    var started = false;
    for (var p = 0; p < n; p++) {
      var val = pointValue(points[p], sr.key);
      if (typeof val !== "number" || !isFinite(val)) { started = false; continue; }
      var px = x(points[p].atMs), py = y(val);
      if (started) ctx.lineTo(px, py); else { ctx.moveTo(px, py); started = true; }
      if (n === 1) ctx.arc(px, py, 2, 0, 2 * Math.PI);
    }
    ctx.stroke();
  }
  canvas.setAttribute("data-points", String(n));
  canvas.setAttribute("data-op", selectedOp);
}

function drawAll() {
  drawChart($("chart-rps"), [
    { label: "requests/s", color: "#2f6fed", key: "requestsPerSec" },
    { label: "failures/s", color: "#d92d20", key: "failuresPerSec" },
  ], "per second");
  drawChart($("chart-latency"), [
    { label: "p50", color: "#12b76a", key: "p50Ms" },
    { label: "p95", color: "#f79009", key: "p95Ms" },
    { label: "p99", color: "#7a5af8", key: "p99Ms" },
  ], "ms");
  drawChart($("chart-users"), [{ label: "users", color: "#101828", key: "users" }], "users");
}

function cell(row, text, cls) {
  var td = document.createElement("td");
  td.textContent = text;
  if (cls) td.className = cls;
  row.appendChild(td);
}

function renderTables(snap) {
  var body = $("endpoints").querySelector("tbody");
  body.textContent = "";
  snap.endpoints.forEach(function (e) {
    var tr = document.createElement("tr");
    cell(tr, e.name);
    cell(tr, fmt(e.requests, 0));
    cell(tr, fmt(e.failures, 0), e.failures > 0 ? "bad" : "");
    cell(tr, fmt(e.p50Ms)); cell(tr, fmt(e.p95Ms)); cell(tr, fmt(e.p99Ms));
    body.appendChild(tr);
  });
  if (snap.endpoints.length === 0) {
    var empty = document.createElement("tr");
    cell(empty, "no requests yet");
    empty.firstChild.colSpan = 6;
    body.appendChild(empty);
  }
  var fbody = $("failures-by-kind").querySelector("tbody");
  fbody.textContent = "";
  snap.failuresByKind.forEach(function (f) {
    var tr = document.createElement("tr");
    cell(tr, f.kind); cell(tr, fmt(f.count, 0), "bad");
    fbody.appendChild(tr);
  });
  if (snap.failuresByKind.length === 0) {
    var none = document.createElement("tr");
    cell(none, "no failures"); cell(none, "");
    fbody.appendChild(none);
  }
}

function render(snap) {
  state = snap.state;
  var badge = $("state");
  badge.textContent = snap.state;
  badge.className = snap.state;
  document.body.setAttribute("data-state", snap.state);
  var t = snap.totals;
  $("requests").textContent = fmt(t.requests, 0);
  $("failures").textContent = fmt(t.failures, 0) + (t.requests > 0
    ? " (" + fmt(100 * t.failures / t.requests, 1) + "%)" : "");
  $("rps").textContent = fmt(t.requestsPerSec, 1);
  $("users").textContent = fmt(t.users, 0);
  if ($("start")) $("start").disabled = state === "running" || state === "stopping";
  $("stop").disabled = state !== "running";
  if (snap.message) $("message").textContent = snap.message;
  renderTables(snap);
  snap.endpoints.forEach(function (e) { addOp(e.name); });
  snap.points.forEach(function (p) { (p.byOp || []).forEach(function (o) { addOp(o.name); }); });
}

var busy = false;
var again = false;
function poll() {
  if (busy) { again = true; return Promise.resolve(); }
  busy = true;
  clearTimeout(pollTimer);
  return fetch("/api/stats?since=" + since + "&page=" + PAGE_ID, { cache: "no-store" })
    .then(function (r) { if (!r.ok) throw new Error("HTTP " + r.status); return r.json(); })
    .then(function (snap) {
      if (snap.epoch !== epoch) {
        var stale = since !== 0;
        epoch = snap.epoch; points = []; since = 0;
        if (stale) { again = true; return; }
      }
      var skip = Math.max(0, since - snap.fromIndex);
      points = points.concat(snap.points.slice(skip));
      if (points.length > MAX_POINTS) points = points.slice(points.length - MAX_POINTS);
      since = Math.max(since, snap.nextIndex);
      render(snap);
      drawAll();
      $("connection").textContent = "";
    })
    .catch(function (err) { $("connection").textContent = "cannot reach the server: " + err; })
    .then(function () {
      busy = false;
      if (again) { again = false; return poll(); }
      // A run the command line started has ended for good: its server is closing.
      if (RUN_MODE && state === "stopped") return;
      pollTimer = setTimeout(poll, POLL_MS);
    });
}

function post(path, body) {
  $("message").textContent = "";
  return fetch(path, { method: "POST", headers: { "content-type": "application/json" },
    body: JSON.stringify(body) })
    .then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (data) {
        if (!r.ok) $("message").textContent = data.error || ("HTTP " + r.status);
      });
    })
    .catch(function (err) { $("message").textContent = String(err); })
    .then(poll);
}

$("controls").addEventListener("submit", function (event) {
  event.preventDefault();
  if (!$("start")) return;
  var body = { users: Number($("users-input").value),
    spawnRate: Number($("spawn-rate-input").value) };
  var rate = $("rate-input").value.trim();
  if (rate !== "") body.rate = Number(rate);
  $("start").disabled = true;
  post("/api/start", body);
});
$("stop").addEventListener("click", function () {
  $("stop").disabled = true;
  post("/api/stop", {});
});
$("op-select").addEventListener("change", function () {
  selectedOp = $("op-select").value;
  drawAll();
});
window.addEventListener("resize", drawAll);
drawAll();
poll();
`;
