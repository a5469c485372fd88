#include "ops/status_page.h"

namespace lyn::ops {

namespace {

constexpr std::string_view kPage = R"HTML(<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>lynguine server</title>
<style>
  :root { --bg:#f5f6f8; --card:#fff; --ink:#1d2433; --muted:#6b7385; --line:#e2e5eb;
          --accent:#2f6fde; --accent2:#e0801f; --ok:#1f9d55; --bad:#d64545; }
  * { box-sizing: border-box; }
  body { margin:0; font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;
         background:var(--bg); color:var(--ink); }
  header { display:flex; align-items:baseline; gap:16px; padding:16px 28px;
           background:var(--ink); color:#fff; }
  header h1 { margin:0; font-size:20px; font-weight:600; letter-spacing:.2px; }
  header .sub { color:#aab3c5; font-size:13px; }
  header .dot { width:10px; height:10px; border-radius:50%; background:var(--ok);
                display:inline-block; margin-right:6px; }
  header .dot.down { background:var(--bad); }
  main { padding:20px 28px; max-width:1200px; }
  .grid { display:grid; grid-template-columns:repeat(auto-fill,minmax(160px,1fr)); gap:12px; }
  .card { background:var(--card); border:1px solid var(--line); border-radius:8px; padding:12px 14px; }
  .card .label { color:var(--muted); font-size:12px; text-transform:uppercase; letter-spacing:.5px; }
  .card .value { font-size:22px; font-weight:600; margin-top:2px; font-variant-numeric:tabular-nums; }
  .card .note { color:var(--muted); font-size:12px; }
  .charts { display:grid; grid-template-columns:1fr 1fr; gap:12px; margin-top:12px; }
  .charts .card h2, .table h2 { margin:0 0 8px; font-size:14px; font-weight:600; }
  canvas { width:100%; height:220px; display:block; }
  table { width:100%; border-collapse:collapse; font-variant-numeric:tabular-nums; }
  th, td { text-align:left; padding:5px 8px; border-bottom:1px solid var(--line); }
  th { color:var(--muted); font-weight:500; font-size:12px; }
  td.num, th.num { text-align:right; }
  .table { margin-top:12px; }
  footer { color:var(--muted); font-size:12px; padding:0 28px 20px; }
  code { font-size:12px; }
</style>
</head>
<body>
<header>
  <h1><span class="dot" id="alive"></span>lynguine server</h1>
  <span class="sub">version <b id="version">&ndash;</b> &middot; pid <b id="pid">&ndash;</b></span>
  <span class="sub" id="updated">loading&hellip;</span>
</header>
<main>
  <div class="grid">
    <div class="card"><div class="label">Uptime</div><div class="value" id="uptime">&ndash;</div></div>
    <div class="card"><div class="label">Idle timeout</div><div class="value" id="idle">&ndash;</div>
      <div class="note" id="idle-note"></div></div>
    <div class="card"><div class="label">Sessions</div><div class="value" id="sessions">&ndash;</div></div>
    <div class="card"><div class="label">Requests</div><div class="value" id="requests">&ndash;</div>
      <div class="note" id="errors"></div></div>
    <div class="card"><div class="label">Cache hit rate</div><div class="value" id="cache-rate">&ndash;</div>
      <div class="note"><span id="cache-hits">&ndash;</span> hits &middot; <span id="cache-misses">&ndash;</span> misses</div></div>
    <div class="card"><div class="label">Memory (RSS)</div><div class="value" id="rss">&ndash;</div></div>
  </div>
  <div class="charts">
    <div class="card"><h2>Latency distribution (all API requests since start)</h2>
      <canvas id="hist" width="560" height="220"></canvas></div>
    <div class="card"><h2>Latency over time (p50 <span style="color:var(--accent)">&#9632;</span>
      p95 <span style="color:var(--accent2)">&#9632;</span>, per refresh)</h2>
      <canvas id="trend" width="560" height="220"></canvas></div>
  </div>
  <div class="card table"><h2>Endpoints</h2>
    <table><thead><tr><th>endpoint</th><th class="num">requests</th><th class="num">mean</th>
      <th class="num">p95</th></tr></thead><tbody id="endpoints"></tbody></table></div>
</main>
<footer>Refreshed every 2 s from <code>/api/status</code>, <code>/api/sessions</code> and
  <code>/metrics</code>. API description: <a href="/api/openapi.json">/api/openapi.json</a>.</footer>
<script>
"use strict";
const REFRESH_MS = 2000;
// The page's own polling is left out of the latency figures.
const OWN = new Set(["/", "/metrics", "/api/openapi.json"]);
let previous = null;          // last histogram snapshot (for per-refresh deltas)
const trend = [];             // {p50, p95} in ms, one per refresh

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
function one(samples, name) {
  const s = samples.find(x => x.name === name);
  return s ? s.value : NaN;
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
function leLabel(le) {
  if (!isFinite(le)) return ">10s";
  const r = x => String(+x.toPrecision(3));
  return le < 0.001 ? r(le * 1e6) + "\u00b5s" : le < 1 ? r(le * 1e3) + "ms" : r(le) + "s";
}
function drawHistogram(buckets) {
  const {ctx, w, h} = setupCanvas($("hist"));
  const per = buckets.map((b, i) => [b[0], b[1] - (i ? buckets[i - 1][1] : 0)]);
  const max = Math.max(1, ...per.map(b => b[1]));
  const left = 36, bottom = 34, top = 8, bw = (w - left - 8) / Math.max(1, per.length);
  ctx.strokeStyle = "#e2e5eb"; ctx.fillStyle = "#6b7385";
  for (let g = 0; g <= 4; g++) {
    const y = top + (h - top - bottom) * (1 - g / 4);
    ctx.beginPath(); ctx.moveTo(left, y); ctx.lineTo(w - 8, y); ctx.stroke();
    ctx.fillText(String(Math.round(max * g / 4)), 2, y + 4);
  }
  per.forEach(([le, c], i) => {
    const bh = (h - top - bottom) * c / max, x = left + i * bw;
    ctx.fillStyle = "#2f6fde"; ctx.fillRect(x + 2, h - bottom - bh, bw - 4, bh);
    ctx.save(); ctx.fillStyle = "#6b7385"; ctx.translate(x + bw / 2 + 3, h - bottom + 6);
    ctx.rotate(Math.PI / 4); ctx.fillText(leLabel(le), 0, 0); ctx.restore();
  });
  if (!per.length) { ctx.fillStyle = "#6b7385"; ctx.fillText("no API requests yet", left + 10, h / 2); }
}
function drawTrend() {
  const {ctx, w, h} = setupCanvas($("trend"));
  const left = 52, bottom = 18, top = 8;
  const vals = trend.flatMap(p => [p.p50, p.p95]).filter(isFinite);
  const max = Math.max(0.01, ...vals) * 1.15;
  ctx.strokeStyle = "#e2e5eb"; ctx.fillStyle = "#6b7385";
  for (let g = 0; g <= 4; g++) {
    const y = top + (h - top - bottom) * (1 - g / 4);
    ctx.beginPath(); ctx.moveTo(left, y); ctx.lineTo(w - 8, y); ctx.stroke();
    ctx.fillText(fmtMs(max * g / 4), 2, y + 4);
  }
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
  ctx.fillStyle = "#6b7385";
  ctx.fillText(trend.length ? "last " + n + " refreshes \u2192 now" : "first point after the next refresh", left, h - 4);
}

function renderEndpoints(h) {
  const rows = Object.entries(h).filter(([e]) => !OWN.has(e)).sort((a, b) => b[1].count - a[1].count);
  $("endpoints").innerHTML = "";
  for (const [e, v] of rows) {
    const tr = document.createElement("tr");
    const cells = [e, String(v.count), fmtMs(1000 * v.sum / v.count), fmtMs(1000 * quantile(v.buckets, 0.95))];
    cells.forEach((t, i) => { const td = document.createElement("td"); td.textContent = t;
                              if (i) td.className = "num"; tr.appendChild(td); });
    $("endpoints").appendChild(tr);
  }
}

async function getJson(url) { const r = await fetch(url, {cache: "no-store"}); return r.json(); }

async function refresh() {
  try {
    const [status, sessions, metricsText] = await Promise.all([
      getJson("/api/status"), getJson("/api/sessions").catch(() => null),
      fetch("/metrics", {cache: "no-store"}).then(r => r.text())]);
    show("version", status.version, status.version);
    show("pid", String(status.pid), status.pid);
    show("uptime", fmtDuration(status.uptime_seconds), status.uptime_seconds);
    const idle = status.idle_timeout || {};
    if (idle.enabled) {
      show("idle", fmtDuration(idle.remaining_seconds) + " left", idle.remaining_seconds);
      $("idle-note").textContent = "exits after " + fmtDuration(idle.timeout_seconds) + " without requests";
    } else {
      show("idle", "never", -1);
      $("idle-note").textContent = "no idle timeout";
    }
    if (status.memory) show("rss", status.memory.rss_mb.toFixed(1) + " MB", status.memory.rss_mb);
    if (sessions && typeof sessions.total_sessions === "number")
      show("sessions", String(sessions.total_sessions), sessions.total_sessions);

    const samples = parseMetrics(metricsText);
    const hits = one(samples, "lynguine_cache_hits_total"), misses = one(samples, "lynguine_cache_misses_total");
    show("cache-hits", String(hits), hits);
    show("cache-misses", String(misses), misses);
    const rate = hits + misses > 0 ? hits / (hits + misses) : NaN;
    show("cache-rate", isFinite(rate) ? (100 * rate).toFixed(1) + "%" : "\u2013", isFinite(rate) ? rate : "");
    const reqs = samples.filter(s => s.name === "lynguine_requests_total");
    const total = reqs.reduce((a, s) => a + s.value, 0);
    const errors = reqs.filter(s => +s.labels.status >= 400).reduce((a, s) => a + s.value, 0);
    show("requests", String(total), total);
    $("errors").textContent = errors + " answered 4xx/5xx";

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
    document.body.dataset.loaded = "1";
  } catch (e) {
    $("alive").className = "dot down";
    $("updated").textContent = "server unreachable (" + e + ")";
  }
}
refresh();
setInterval(refresh, REFRESH_MS);
</script>
</body>
</html>
)HTML";

}  // namespace

std::string_view status_page_html() {
  return kPage;
}

}  // namespace lyn::ops
