#include "ops/status_page.h"

namespace lyn::ops {

namespace {

constexpr std::string_view kPage = R"HTML(<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>lynguine server</title>
<link rel="icon" href="data:,">
<style>
  :root { --bg:#f5f6f8; --card:#fff; --ink:#1d2433; --muted:#6b7385; --line:#e2e5eb;
          --accent:#2f6fde; --accent2:#e0801f; --ok:#1f9d55; --bad:#d64545; }
  * { box-sizing: border-box; }
  body { margin:0; font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;
         background:var(--bg); color:var(--ink); }
  header { display:flex; flex-wrap:wrap; align-items:baseline; gap:4px 16px; padding:14px 24px;
           background:var(--ink); color:#fff; }
  header h1 { margin:0; font-size:20px; font-weight:600; letter-spacing:.2px; }
  header .sub { color:#aab3c5; font-size:13px; }
  header .dot { width:10px; height:10px; border-radius:50%; background:var(--ok);
                display:inline-block; margin-right:6px; }
  header .dot.down { background:var(--bad); }
  main { padding:16px 24px; max-width:1200px; }
  .grid { display:grid; grid-template-columns:repeat(auto-fill,minmax(150px,1fr)); gap:12px; }
  .card { background:var(--card); border:1px solid var(--line); border-radius:8px; padding:12px 14px;
          min-width:0; }
  .card .label { color:var(--muted); font-size:12px; text-transform:uppercase; letter-spacing:.5px; }
  .card .value { font-size:22px; font-weight:600; margin-top:2px; font-variant-numeric:tabular-nums; }
  .card .note { color:var(--muted); font-size:12px; }
  .card h2 { margin:0 0 8px; font-size:14px; font-weight:600; }
  .serving { margin-bottom:12px; }
  .serving dl { display:grid; grid-template-columns:max-content 1fr; gap:4px 16px; margin:0; }
  .serving dt { color:var(--muted); }
  .serving dd { margin:0; overflow-wrap:anywhere; font-family:ui-monospace,monospace; font-size:13px; }
  .charts { display:grid; grid-template-columns:1fr 1fr; gap:12px; margin-top:12px; }
  canvas { width:100%; max-width:100%; height:220px; display:block; }
  .scroll { overflow-x:auto; }
  table { width:100%; border-collapse:collapse; font-variant-numeric:tabular-nums; }
  th, td { text-align:left; padding:5px 8px; border-bottom:1px solid var(--line); }
  td { overflow-wrap:anywhere; }
  th { color:var(--muted); font-weight:500; font-size:12px; }
  td.num, th.num { text-align:right; white-space:nowrap; }
  td.empty { color:var(--muted); }
  td.nowrap { white-space:nowrap; }
  .table { margin-top:12px; }
  footer { color:var(--muted); font-size:12px; padding:0 24px 20px; }
  code { font-size:12px; }
  #login { max-width:420px; }
  #login input { width:100%; font:inherit; padding:6px 8px; margin:8px 0; border:1px solid var(--line);
                 border-radius:6px; }
  button { font:inherit; padding:5px 14px; border-radius:6px; border:1px solid var(--accent);
           background:var(--accent); color:#fff; cursor:pointer; }
  button.quiet { background:none; color:var(--accent); }
  #login-message { color:var(--bad); }
  [hidden] { display:none !important; }
  @media (max-width: 720px) {
    header { padding:12px; }
    main { padding:12px; }
    footer { padding:0 12px 16px; }
    .charts { grid-template-columns:1fr; }
    .grid { grid-template-columns:repeat(2,minmax(0,1fr)); gap:8px; }
    .card .value { font-size:18px; }
  }
</style>
</head>
<body>
<header>
  <h1><span class="dot" id="alive"></span>lynguine server</h1>
  <span class="sub">version <b id="version">&ndash;</b> &middot; pid <b id="pid">&ndash;</b></span>
  <span class="sub" id="updated">loading&hellip;</span>
</header>
<main>
  <section class="card" id="login" hidden>
    <h2>This server requires a token</h2>
    <form id="login-form" autocomplete="off">
      <label for="token-input">Token or API key. It stays in this tab (sessionStorage) and goes
        in an Authorization header, never in a URL. The server's own token is the
        <code>token</code> of its record, <code>server-PID.json</code> in your state
        directory (<code>&lt;state dir&gt;/token</code> with <code>--auth-token auto</code>).</label>
      <input id="token-input" type="password" spellcheck="false">
      <button type="submit" id="login-button">Sign in</button>
      <span id="login-message"></span>
    </form>
  </section>
  <div id="content">
  <section class="card serving"><h2>Serving</h2><dl>
    <dt>Root</dt><dd id="root">&ndash;</dd>
    <dt>Address</dt><dd id="address">&ndash;</dd>
    <dt>Security</dt><dd id="security">&ndash;</dd>
    <dt>State dir</dt><dd id="state-dir">&ndash;</dd>
  </dl></section>
  <div class="grid">
    <div class="card"><div class="label">Uptime</div><div class="value" id="uptime">&ndash;</div></div>
    <div class="card"><div class="label">Idle timeout</div><div class="value" id="idle">&ndash;</div>
      <div class="note" id="idle-note"></div></div>
    <div class="card"><div class="label">Requests</div><div class="value" id="requests">&ndash;</div>
      <div class="note"><span id="errors">&ndash;</span> answered 4xx/5xx</div></div>
    <div class="card"><div class="label">Sessions</div><div class="value" id="sessions">&ndash;</div></div>
    <div class="card"><div class="label">Cache hit rate</div><div class="value" id="cache-rate">&ndash;</div>
      <div class="note"><span id="cache-hits">&ndash;</span> hits &middot; <span id="cache-misses">&ndash;</span> misses</div></div>
    <div class="card"><div class="label">Cache memory</div><div class="value" id="cache-bytes">&ndash;</div>
      <div class="note"><span id="cache-entries">&ndash;</span> files &middot; of <span id="cache-budget">&ndash;</span></div></div>
    <div class="card"><div class="label">Memory (RSS)</div><div class="value" id="rss">&ndash;</div></div>
  </div>
  <div class="charts">
    <div class="card"><h2>Latency distribution (API requests since start)</h2>
      <canvas id="hist" width="560" height="220"></canvas></div>
    <div class="card"><h2>Latency over time (p50 <span style="color:var(--accent)">&#9632;</span>
      p95 <span style="color:var(--accent2)">&#9632;</span>, per refresh)</h2>
      <canvas id="trend" width="560" height="220"></canvas></div>
  </div>
  <div class="card table"><h2>Sessions</h2><div class="scroll">
    <table><thead><tr><th>interface</th><th class="num">rows &times; cols</th><th class="num">age</th>
      <th class="num">idle</th><th class="num">memory</th></tr></thead>
      <tbody id="session-rows"></tbody></table></div></div>
  <div class="card table"><h2>Last errors</h2><div class="scroll">
    <table><thead><tr><th>when</th><th class="num">status</th><th>request</th><th>reason</th></tr></thead>
      <tbody id="error-rows"></tbody></table></div></div>
  <div class="card table"><h2>Endpoints</h2><div class="scroll">
    <table><thead><tr><th>endpoint</th><th class="num">requests</th><th class="num">mean</th>
      <th class="num">p95</th></tr></thead><tbody id="endpoints"></tbody></table></div></div>
  </div>
</main>
<footer>Refreshed every 2 s from <code>/api/status</code>, <code>/api/server</code>,
  <code>/api/sessions</code> and <code>/metrics</code>; these polls are not counted as requests
  or as activity.
  API description: <a href="/api/openapi.json">/api/openapi.json</a>.
  <button class="quiet" id="sign-out" hidden>Forget the token</button></footer>
<script>
"use strict";
const REFRESH_MS = 2000;
const TOKEN_KEY = "lynguine-token";
// The page's own pages are left out of the latency figures.
const OWN = new Set(["/", "/metrics", "/api/openapi.json"]);
let previous = null;          // last histogram snapshot (for per-refresh deltas)
const trend = [];             // {p50, p95} in ms, one per refresh
let timer = null, polls = 0;

function $(id) { return document.getElementById(id); }
function show(id, text, raw) {
  const el = $(id); el.textContent = text;
  if (raw !== undefined) el.dataset.value = String(raw);
}
function fmtDuration(s) {
  if (s < 10) return s.toFixed(1) + "s";
  s = Math.floor(s);
  const d = Math.floor(s / 86400), h = Math.floor(s % 86400 / 3600),
        m = Math.floor(s % 3600 / 60), r = s % 60;
  if (d) return d + "d " + h + "h";
  if (h) return h + "h " + m + "m";
  if (m) return m + "m " + r + "s";
  return r + "s";
}
function fmtMs(ms) {
  if (!isFinite(ms)) return "\u2013";
  return ms < 1 ? (ms * 1000).toFixed(0) + " \u00b5s" : ms.toFixed(ms < 10 ? 2 : 1) + " ms";
}
function fmtBytes(b) {
  if (!isFinite(b)) return "\u2013";
  const units = ["B", "KiB", "MiB", "GiB"];
  let i = 0;
  while (b >= 1024 && i < units.length - 1) { b /= 1024; i++; }
  return (i ? b.toFixed(1) : String(b)) + " " + units[i];
}

// The token: in this tab's sessionStorage only, sent as a header, never in a URL.
function token() { return sessionStorage.getItem(TOKEN_KEY) || ""; }
function pollHeaders() {
  const h = {"X-Lynguine-Poll": "status-page"};
  const t = token();
  if (t) h["Authorization"] = "Bearer " + t;
  return h;
}
class NeedToken extends Error {}
async function poll(url) {
  const r = await fetch(url, {cache: "no-store", headers: pollHeaders(), credentials: "omit"});
  if (r.status === 401) throw new NeedToken(url);
  if (!r.ok) throw new Error(url + " answered " + r.status);
  return r;
}
function showLogin(message) {
  if (timer) { clearInterval(timer); timer = null; }
  $("login").hidden = false;
  $("content").hidden = true;
  $("login-message").textContent = message;
  $("alive").className = "dot down";
  $("updated").textContent = "sign in to see this server";
  document.body.dataset.login = "1";
  $("token-input").focus();
}
$("login-form").addEventListener("submit", ev => {
  ev.preventDefault();
  const t = $("token-input").value.trim();
  $("token-input").value = "";
  if (!t) return;
  sessionStorage.setItem(TOKEN_KEY, t);
  start();
});
$("sign-out").addEventListener("click", () => {
  sessionStorage.removeItem(TOKEN_KEY);
  location.reload();
});

// Prometheus text -> [{name, labels, value}]
function parseMetrics(text) {
  const out = [];
  for (const line of text.split("\n")) {
    if (!line || line[0] === "#") continue;
    const m = line.match(/^([a-zA-Z_:][\w:]*)(?:\{(.*)\})?\s+(\S+)$/);
    if (!m) continue;
    const labels = {};
    if (m[2]) for (const l of m[2].matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]] = l[2];
    out.push({name: m[1], labels, value: parseFloat(m[3])});
  }
  return out;
}
// endpoint -> {buckets: [[le, cumulative]...], sum, count}
function histograms(samples) {
  const h = {};
  const get = e => h[e] || (h[e] = {buckets: [], sum: 0, count: 0});
  for (const s of samples) {
    const e = s.labels.endpoint;
    if (s.name === "lynguine_request_duration_seconds_bucket")
      get(e).buckets.push([s.labels.le === "+Inf" ? Infinity : parseFloat(s.labels.le), s.value]);
    else if (s.name === "lynguine_request_duration_seconds_sum") get(e).sum = s.value;
    else if (s.name === "lynguine_request_duration_seconds_count") get(e).count = s.value;
  }
  return h;
}
// Cumulative buckets of the API endpoints, added up.
function combined(h) {
  let total = null;
  for (const [e, v] of Object.entries(h)) {
    if (OWN.has(e)) continue;
    if (!total) total = v.buckets.map(b => [b[0], 0]);
    v.buckets.forEach((b, i) => { total[i][1] += b[1]; });
  }
  return total || [];
}
// Quantile (seconds) from cumulative buckets, interpolated within a bucket.
function quantile(buckets, q) {
  const n = buckets.length ? buckets[buckets.length - 1][1] : 0;
  if (!n) return NaN;
  const rank = q * n;
  let prevLe = 0, prevC = 0;
  for (const [le, c] of buckets) {
    if (c >= rank) {
      if (!isFinite(le)) return prevLe;
      return prevLe + (le - prevLe) * (c - prevC > 0 ? (rank - prevC) / (c - prevC) : 0);
    }
    prevLe = le; prevC = c;
  }
  return prevLe;
}

function setupCanvas(c) {
  const ratio = window.devicePixelRatio || 1, w = c.clientWidth || c.width, hgt = c.clientHeight || c.height;
  c.width = w * ratio; c.height = hgt * ratio;
  const ctx = c.getContext("2d"); ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  ctx.clearRect(0, 0, w, hgt); ctx.font = "11px system-ui, sans-serif";
  return {ctx, w, h: hgt};
}
// Draws text and keeps its box (for the overlap test: canvas data-labels).
function label(ctx, boxes, text, x, y) {
  const w = ctx.measureText(text).width;
  ctx.fillText(text, x, y);
  boxes.push([Math.round(x * 10) / 10, Math.round((y - 9) * 10) / 10, Math.round(w * 10) / 10, 11]);
}
// Y-axis labels and grid lines; the left margin fits the widest label.
function yAxis(ctx, w, h, top, bottom, max, fmt, boxes) {
  const texts = [0, 1, 2, 3, 4].map(g => fmt(max * g / 4));
  const left = Math.ceil(Math.max(...texts.map(t => ctx.measureText(t).width))) + 8;
  ctx.strokeStyle = "#e2e5eb"; ctx.fillStyle = "#6b7385";
  texts.forEach((t, g) => {
    const y = top + (h - top - bottom) * (1 - g / 4);
    ctx.beginPath(); ctx.moveTo(left, y); ctx.lineTo(w - 8, y); ctx.stroke();
    label(ctx, boxes, t, 2, y + 4);
  });
  return left;
}
function leLabel(le) {
  if (!isFinite(le)) return "more";
  const r = x => String(+x.toPrecision(3));
  return le < 0.001 ? r(le * 1e6) + "\u00b5s" : le < 1 ? r(le * 1e3) + "ms" : r(le) + "s";
}
function drawHistogram(buckets) {
  const c = $("hist"), {ctx, w, h} = setupCanvas(c), boxes = [];
  const per = buckets.map((b, i) => [b[0], b[1] - (i ? buckets[i - 1][1] : 0)]);
  // Counts: a multiple of 4 on top, so that every grid line is a whole number.
  const max = 4 * Math.max(1, Math.ceil(Math.max(0, ...per.map(b => b[1])) / 4));
  const bottom = 22, top = 8;
  const left = yAxis(ctx, w, h, top, bottom, max, v => String(Math.round(v)), boxes);
  const bw = (w - left - 8) / Math.max(1, per.length);
  // Bucket labels, horizontal, every k-th so that none overlaps the next.
  const widest = Math.max(0, ...per.map(b => ctx.measureText(leLabel(b[0])).width));
  const k = Math.max(1, Math.ceil((widest + 6) / bw));
  per.forEach(([le, n], i) => {
    const bh = (h - top - bottom) * n / max, x = left + i * bw;
    ctx.fillStyle = "#2f6fde"; ctx.fillRect(x + 1, h - bottom - bh, Math.max(1, bw - 2), bh);
    if (i % k === 0) {
      const t = leLabel(le), tw = ctx.measureText(t).width;
      const lx = Math.min(Math.max(left, x + bw / 2 - tw / 2), w - tw - 2);
      ctx.fillStyle = "#6b7385"; label(ctx, boxes, t, lx, h - bottom + 14);
    }
  });
  if (!per.length) { ctx.fillStyle = "#6b7385"; label(ctx, boxes, "no API requests yet", left + 10, h / 2); }
  c.dataset.labels = JSON.stringify(boxes);
}
function drawTrend() {
  const c = $("trend"), {ctx, w, h} = setupCanvas(c), boxes = [];
  const bottom = 20, top = 8;
  const vals = trend.flatMap(p => [p.p50, p.p95]).filter(isFinite);
  const max = Math.max(0.01, ...vals) * 1.15;
  const left = yAxis(ctx, w, h, top, bottom, max, fmtMs, boxes);
  const n = 60, x = i => left + (w - left - 8) * i / (n - 1);
  const y = v => top + (h - top - bottom) * (1 - v / max);
  for (const [key, color] of [["p50", "#2f6fde"], ["p95", "#e0801f"]]) {
    ctx.strokeStyle = color; ctx.fillStyle = color; ctx.lineWidth = 2; ctx.beginPath();
    let started = false;
    trend.forEach((p, i) => {
      const xi = x(n - trend.length + i), v = p[key];
      if (!isFinite(v)) { started = false; return; }
      if (!started) { ctx.moveTo(xi, y(v)); started = true; } else ctx.lineTo(xi, y(v));
      ctx.fillRect(xi - 2, y(v) - 2, 4, 4);
    });
    ctx.stroke();
  }
  ctx.lineWidth = 1; ctx.fillStyle = "#6b7385";
  label(ctx, boxes, trend.length ? "last " + n + " refreshes \u2192 now"
                                 : "a point for each refresh that saw requests", left, h - 5);
  c.dataset.labels = JSON.stringify(boxes);
}

function fillRows(id, rows, empty, numeric, nowrap = []) {
  const body = $(id);
  body.textContent = "";
  if (!rows.length) {
    const tr = document.createElement("tr"), td = document.createElement("td");
    td.colSpan = 5; td.className = "empty"; td.textContent = empty;
    tr.appendChild(td); body.appendChild(tr);
    return;
  }
  for (const cells of rows) {
    const tr = document.createElement("tr");
    cells.forEach((t, i) => {
      const td = document.createElement("td"); td.textContent = t;
      if (numeric.includes(i)) td.className = "num";
      else if (nowrap.includes(i)) td.className = "nowrap";
      tr.appendChild(td);
    });
    body.appendChild(tr);
  }
}
function renderEndpoints(h) {
  const rows = Object.entries(h).filter(([e]) => !OWN.has(e)).sort((a, b) => b[1].count - a[1].count)
    .map(([e, v]) => [e, String(v.count), fmtMs(1000 * v.sum / v.count), fmtMs(1000 * quantile(v.buckets, 0.95))]);
  fillRows("endpoints", rows, "no API requests yet", [1, 2, 3]);
}
function renderSessions(list) {
  const rows = (list || []).map(s => [s.interface_file || "\u2013",
    (s.shape || []).join(" \u00d7 "), fmtDuration(s.age_seconds || 0), fmtDuration(s.idle_seconds || 0),
    (s.memory_mb || 0).toFixed(2) + " MB"]);
  fillRows("session-rows", rows, "no sessions", [1, 2, 3, 4]);
}
function renderErrors(errors) {
  const rows = (errors || []).map(e => [new Date(e.at * 1000).toLocaleTimeString([], {hour12: false}), String(e.status),
    e.method ? e.method + " " + e.path : "(refused)", e.reason || ""]);
  fillRows("error-rows", rows, "no errors", [1], [0]);
}
const SECURITY = {token: "token (Authorization: Bearer)", "api-keys": "API keys",
                  none: "none: any local user may use it",
                  socket: "Unix socket: your user only"};

async function refresh() {
  try {
    // /api/status first: without the token, one refusal, not four.
    const status = await poll("/api/status").then(r => r.json());
    const [server, sessions, metricsText] = await Promise.all([
      poll("/api/server").then(r => r.json()), poll("/api/sessions").then(r => r.json()),
      poll("/metrics").then(r => r.text())]);
    polls++;
    show("version", status.version, status.version);
    show("pid", String(status.pid), status.pid);
    const serving = server.serving || {};
    show("root", serving.root || "\u2013", serving.root);
    show("address", serving.url || "\u2013", serving.url);
    show("security", (SECURITY[serving.auth] || serving.auth || "\u2013") + (serving.tls ? " \u00b7 TLS" : ""),
         serving.auth);
    show("state-dir", serving.state_dir || "\u2013", serving.state_dir);
    show("uptime", fmtDuration(status.uptime_seconds), status.uptime_seconds);
    const idle = status.idle_timeout || {};
    if (idle.enabled) {
      show("idle", fmtDuration(idle.remaining_seconds) + " left", idle.remaining_seconds);
      $("idle-note").textContent = "idle " + fmtDuration(idle.idle_seconds) + "; exits after " +
        fmtDuration(idle.timeout_seconds) + " without requests";
    } else {
      show("idle", "never", -1);
      $("idle-note").textContent = "no idle timeout";
    }
    if (status.memory) show("rss", status.memory.rss_mb.toFixed(1) + " MB", status.memory.rss_mb);
    const act = server.activity || {};
    if (polls === 1) document.body.dataset.firstPollAt = String(act.now);
    document.body.dataset.lastActiveAt = String(act.last_active_at);
    document.body.dataset.polls = String(polls);

    show("sessions", String(sessions.total_sessions), sessions.total_sessions);
    renderSessions(sessions.sessions);

    const cache = server.cache || {};
    show("cache-hits", String(cache.hits), cache.hits);
    show("cache-misses", String(cache.misses), cache.misses);
    const rate = typeof cache.hit_rate === "number" ? cache.hit_rate : NaN;
    show("cache-rate", isFinite(rate) ? (100 * rate).toFixed(1) + "%" : "\u2013", isFinite(rate) ? rate : "");
    show("cache-bytes", fmtBytes(cache.bytes), cache.bytes);
    show("cache-entries", String(cache.entries), cache.entries);
    show("cache-budget", fmtBytes(cache.budget_bytes), cache.budget_bytes);
    renderErrors(server.recent_errors);

    const samples = parseMetrics(metricsText);
    const reqs = samples.filter(s => s.name === "lynguine_requests_total");
    const total = reqs.reduce((a, s) => a + s.value, 0);
    const errors = reqs.filter(s => +s.labels.status >= 400).reduce((a, s) => a + s.value, 0);
    show("requests", String(total), total);
    show("errors", String(errors), errors);

    const h = histograms(samples), now = combined(h);
    // One point per refresh, from the requests answered since the last one.
    if (previous && previous.length === now.length) {
      const delta = now.map((b, i) => [b[0], b[1] - previous[i][1]]);
      if (delta.length && delta[delta.length - 1][1] > 0) {  // no requests: no point
        trend.push({p50: 1000 * quantile(delta, 0.5), p95: 1000 * quantile(delta, 0.95)});
        if (trend.length > 60) trend.shift();
      }
    }
    previous = now;
    drawHistogram(now);
    drawTrend();
    renderEndpoints(h);
    $("alive").className = "dot";
    $("updated").textContent = "updated " + new Date().toLocaleTimeString();
    $("sign-out").hidden = !token();
    document.body.dataset.loaded = "1";
  } catch (e) {
    if (e instanceof NeedToken) {
      showLogin(token() ? "That token was refused; try again." : "");
      return;
    }
    $("alive").className = "dot down";
    $("updated").textContent = "server unreachable or refusing (" + e.message + ")";
  } finally {
    // The page's own layout, for the tests: does anything overflow the window?
    const root = document.documentElement;
    document.body.dataset.scrollWidth = String(root.scrollWidth);
    document.body.dataset.clientWidth = String(root.clientWidth);
  }
}
function start() {
  $("login").hidden = true;
  $("content").hidden = false;
  document.body.dataset.login = "";
  refresh();
  if (!timer) timer = setInterval(refresh, REFRESH_MS);
}
start();
</script>
</body>
</html>
)HTML";

}  // namespace

std::string_view status_page_html() {
  return kPage;
}

bool is_status_page_poll(std::string_view method, std::string_view target,
                         std::string_view poll_header) {
  if (poll_header != kStatusPollValue || method != "GET") return false;
  std::string_view path = target.substr(0, target.find('?'));
  return path == "/api/status" || path == "/api/server" || path == "/api/sessions" ||
         path == "/metrics";
}

}  // namespace lyn::ops
