// GET /: the dashboard. One static page (HTML + plain JS, no build step)
// compiled into the binary. It lists reports, submits links, plays audio and
// keeps its cards current from /api/report-events (EventSource resumes with
// Last-Event-ID by itself); the event types it listens to are generated
// from events::kAllTypes. A badge beside the title counts the firing alerts
// (their names on hover): read from /api/alerts at load and after a reset,
// then kept current by alert-firing / alert-resolved events; "no alerts"
// in grey while none fire. Text from videos and alerts is only ever set
// through textContent or title, never as HTML.
#include <string>

#include "events/types.h"
#include "gateway/api.h"
#include "httpserve/routes.h"

namespace td::gateway {

namespace {

const char* kPage = R"HTML(<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>tubedigest</title>
<style>
body{font:15px/1.45 system-ui,sans-serif;margin:0 auto;max-width:60rem;padding:1rem;color:#222}
h1{font-size:1.4rem;margin:.2rem 0 1rem} form,.bar{display:flex;gap:.5rem;flex-wrap:wrap;align-items:center;margin-bottom:.8rem}
input[type=text],input[type=password]{flex:1;min-width:12rem;padding:.4rem} button{padding:.4rem .8rem;cursor:pointer}
.card{border:1px solid #ddd;border-radius:6px;padding:.7rem .9rem;margin:.6rem 0}
.card h2{font-size:1.05rem;margin:0 0 .3rem} .muted{color:#777;font-size:.85rem}
.badge{display:inline-block;font-size:.75rem;border-radius:3px;padding:0 .35rem;margin:0 .25rem .25rem 0;background:#eef}
.badge.done{background:#dfd} .badge.dead{background:#fdd} .badge.running{background:#ffd} .badge.fallback{background:#fed7aa}
.variant{margin:.5rem 0;padding-top:.4rem;border-top:1px dashed #eee} .variant pre{white-space:pre-wrap;font:inherit;margin:.3rem 0}
#status{font-size:.8rem} #msg{color:#a00}
#alerts{font-size:.75rem;font-weight:normal;border-radius:3px;padding:.1rem .45rem;margin-left:.4rem;vertical-align:middle}
#alerts.calm{color:#777;background:#f3f3f3} #alerts.firing{color:#fff;background:#c0392b;cursor:help}
</style></head><body>
<h1>tubedigest <span id="status" class="muted">connecting…</span><span id="alerts" class="calm" hidden></span></h1>
<form id="submit">
  <input type="text" id="url" placeholder="YouTube link" required>
  <label><input type="checkbox" name="v" value="comprehensive" checked>comprehensive</label>
  <label><input type="checkbox" name="v" value="bullet-points" checked>bullet-points</label>
  <label><input type="checkbox" name="v" value="key-insights" checked>key-insights</label>
  <label><input type="checkbox" name="v" value="audio" checked>audio</label>
  <label><input type="checkbox" name="v" value="audio-fr">audio-fr</label>
  <label><input type="checkbox" name="v" value="audio-es">audio-es</label>
  <button>Submit</button>
</form>
<div class="bar"><input type="text" id="q" placeholder="Search title, channel or id">
  <input type="password" id="token" placeholder="API token (if set)" style="flex:0 1 12rem"></div>
<div id="msg"></div><div id="list"></div><button id="more" hidden>More</button>
<script>
"use strict";
const $ = s => document.querySelector(s);
const el = (tag, cls, text) => { const e = document.createElement(tag); if (cls) e.className = cls; if (text != null) e.textContent = text; return e; };
let cursor = null;
$("#token").value = localStorage.getItem("tdToken") || "";
$("#token").onchange = () => { localStorage.setItem("tdToken", $("#token").value); if (readAuth) { connect(true); load(true); loadAlerts(); } };
function headers() { const h = {"Content-Type": "application/json"}; const t = $("#token").value; if (t) h.Authorization = "Bearer " + t; return h; }
// With API_AUTH_READS=on reads answer 401 without the token. EventSource and
// <audio> cannot send headers, so their URLs carry it as access_token, but
// only once the gateway asked for it: an open gateway never sees it in a URL.
let readAuth = false;
function withToken(u) { const t = $("#token").value; return readAuth && t ? u + (u.includes("?") ? "&" : "?") + "access_token=" + encodeURIComponent(t) : u; }
async function get(u) {
  const res = await fetch(u, {headers: headers()});
  if (res.status === 401 && !readAuth) { readAuth = true; connect(true); }
  if (res.status === 401) say("enter the API token to see reports");
  return res;
}
function say(text) { $("#msg").textContent = text || ""; }

// A fallback's line: "summary: openai → extractive (llm_auth)"; the audio's too when it fell back.
function fallbackText(s) {
  const one = f => (f.stage === "tts" ? "audio: " : "summary: ") + f.from + " \u2192 " + f.to + " (" + f.reason + ")";
  const parts = [one(s.fallback)];
  if (s.audio_fallback && s.fallback.stage !== "tts") parts.push(one(s.audio_fallback));
  return parts.join("; ");
}

function card(r) {
  const c = el("div", "card"); c.id = "card-" + r.video_id;
  const v = r.video || {};
  c.append(el("h2", null, v.title || r.video_id));
  c.append(el("div", "muted", [r.video_id, v.channel, r.updated_at].filter(Boolean).join(" · ")));
  const b = el("div");
  for (const [st, n] of Object.entries(r.job_counts || {})) b.append(el("span", "badge " + st, st + ": " + n));
  for (const s of (r.summary || {}).variants || []) {
    const vb = el("span", "badge done", s.variant + " r" + s.revision); b.append(vb);
    if (s.fallback) { vb.classList.add("fallback"); vb.textContent += " · fallback"; vb.title = fallbackText(s); }
  }
  c.append(b);
  const details = el("div"); const open = el("button", null, "Show");
  open.onclick = async () => {
    if (details.childElementCount) { details.replaceChildren(); open.textContent = "Show"; return; }
    const res = await get("/api/reports/" + encodeURIComponent(r.video_id)); if (!res.ok) return say("report: " + res.status);
    const full = await res.json();
    for (const s of full.summary.variants) {
      const d = el("div", "variant"); d.append(el("strong", null, s.variant), el("span", "muted", "  revision " + s.revision + ", " + s.word_count + " words"));
      if (s.fallback) { const fb = el("span", "badge fallback", "fallback"); fb.title = fallbackText(s); d.append(" ", fb, el("span", "muted", " " + fallbackText(s))); }
      if (s.audio_url) { const a = el("audio"); a.controls = true; a.preload = "none"; a.src = withToken(s.audio_url); d.append(el("br"), a); }
      d.append(el("pre", null, s.text)); details.append(d);
    }
    open.textContent = "Hide";
  };
  const del = el("button", null, "Delete");
  del.onclick = async () => {
    if (!confirm("Delete " + r.video_id + "?")) return;
    const res = await fetch("/api/reports/" + encodeURIComponent(r.video_id), {method: "DELETE", headers: headers()});
    if (!res.ok) say("delete: " + ((await res.json()).error || res.status));
  };
  c.append(open, " ", del, details);
  return c;
}

async function load(reset) {
  if (reset) { cursor = null; $("#list").replaceChildren(); }
  const p = new URLSearchParams({limit: "20"}); if ($("#q").value) p.set("q", $("#q").value); if (cursor) p.set("cursor", cursor);
  const res = await get("/api/reports?" + p); if (!res.ok) return res.status === 401 || say("list: " + res.status);
  const page = await res.json();
  for (const r of page.items) $("#list").append(card(r));
  cursor = page.next_cursor; $("#more").hidden = !cursor;
}

async function refresh(id) {
  const old = document.getElementById("card-" + id);
  const res = await get("/api/reports/" + encodeURIComponent(id));
  if (res.status === 404) { if (old) old.remove(); return; }
  if (!res.ok) return;
  const p = new URLSearchParams({q: id, limit: "1"});
  const page = await (await get("/api/reports?" + p)).json();
  if (!page.items.length) return;
  const fresh = card(page.items[0]);
  if (old) old.replaceWith(fresh); else $("#list").prepend(fresh);
}

// Firing alerts by fingerprint -> "QueueStalled{kind=ingest}".
const firing = new Map();
function alertTitle(a) {
  const labels = Object.entries(a.labels || {}).map(([k, v]) => k + "=" + v).join(",");
  return a.alertname + (labels ? "{" + labels + "}" : "");
}
function showAlerts() {
  const b = $("#alerts"); b.hidden = false;
  if (!firing.size) { b.className = "calm"; b.textContent = "no alerts"; b.title = ""; return; }
  b.className = "firing"; b.textContent = firing.size + (firing.size === 1 ? " alert firing" : " alerts firing");
  b.title = [...firing.values()].sort().join("\n");
}
// Events that arrive while the list is being fetched are applied again on
// top of it: the list may predate them.
let during = null;
async function loadAlerts() {
  const mine = during = [];
  let body = null;
  try { const res = await get("/api/alerts?resolved_within=0s"); if (res.ok) body = await res.json(); } catch (e) {}
  if (during !== mine) return;  // a newer load is on its way
  during = null;
  if (!body) return;
  firing.clear();
  for (const a of body.alerts) if (a.status === "firing") firing.set(a.fingerprint, alertTitle(a));
  for (const [t, d] of mine) applyAlert(t, d);
  showAlerts();
}
function applyAlert(t, d) { if (t === "alert-firing") firing.set(d.fingerprint, alertTitle(d)); else firing.delete(d.fingerprint); }
function alertEvent(t, d) { if (during) during.push([t, d]); applyAlert(t, d); showAlerts(); }

$("#submit").onsubmit = async e => {
  e.preventDefault(); say("");
  const variants = [...document.querySelectorAll("input[name=v]:checked")].map(i => i.value);
  const res = await fetch("/api/submit", {method: "POST", headers: headers(), body: JSON.stringify({url: $("#url").value, variants})});
  const body = await res.json();
  if (!res.ok) return say(body.error || res.status);
  $("#url").value = ""; refresh(body.video_id);
};
$("#q").oninput = () => { clearTimeout(window.qt); window.qt = setTimeout(() => load(true), 250); };
$("#more").onclick = () => load(false);

// Filled from events::kAllTypes when the gateway builds the page.
const types = @EVENT_TYPES@;
// The browser reconnects by itself (with Last-Event-ID) after a dropped
// connection, but gives up for good after any answer but 200, such as the 503
// past SSE_MAX_CLIENTS: then open a new stream from the last id seen, or
// reload the list when no event came yet.
let lastId = "", es = null;
function connect(again) {
  if (es) es.close();
  const me = es = new EventSource(withToken("/api/report-events" + (lastId ? "?last_event_id=" + encodeURIComponent(lastId) : "")));
  const seen = m => { if (m.lastEventId) lastId = m.lastEventId; };
  for (const t of types) me.addEventListener(t, m => {
    seen(m);
    const d = JSON.parse(m.data); $("#status").textContent = "live · " + t + " " + (d.video_id || "");
    if (t === "alert-firing" || t === "alert-resolved") return alertEvent(t, d);
    if (!d.video_id) return;
    if (t === "report-deleted") { const c = document.getElementById("card-" + d.video_id); if (c) c.remove(); } else refresh(d.video_id);
  });
  me.addEventListener("reset", m => { seen(m); load(true); loadAlerts(); });
  me.onopen = () => { $("#status").textContent = "live"; if (again && !lastId) { load(true); loadAlerts(); } again = false; };
  me.onerror = () => {
    $("#status").textContent = "reconnecting…";
    if (me.readyState === EventSource.CLOSED) setTimeout(() => { if (es === me) connect(true); }, 5000);
  };
}
connect(false);
load(true);
loadAlerts();
</script></body></html>
)HTML";

// The event types as a JavaScript array literal. The names are plain
// lowercase words and hyphens, so they need no escaping inside quotes.
std::string event_types_js() {
  std::string out = "[";
  for (auto t : events::kAllTypes) {
    if (out.size() > 1) out += ',';
    out.append("\"").append(t).append("\"");
  }
  return out + "]";
}

// kPage with its placeholder filled; built once, on first use.
const std::string& page() {
  static const std::string built = [] {
    std::string p = kPage;
    const std::string mark = "@EVENT_TYPES@";
    p.replace(p.find(mark), mark.size(), event_types_js());
    return p;
  }();
  return built;
}

}  // namespace

void install_dashboard(httpserve::Router& r) {
  r.get("/", [](const httplib::Request&, httplib::Response& res) {
    res.set_header("Cache-Control", "no-cache");
    res.set_header("X-Content-Type-Options", "nosniff");
    res.set_content(page(), "text/html; charset=utf-8");
  });
}

}  // namespace td::gateway
