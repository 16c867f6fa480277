#include "gateway/metrics_view.h"

#include <cmath>

#include "gateway/db_pool.h"
#include "httpserve/prometheus.h"
#include "store/pipeline.h"
#include "store/report.h"
#include "store/transcripts.h"
#include "tubedigest/build_version.h"

namespace td::gateway {

const std::vector<std::string>& contract_counters() {
  static const std::vector<std::string> names{
      "ingest_success", "ingest_failure", "summarize_success", "summarize_failure", "tts_success", "tts_failure",
      "audio_generated", "audio_reused", "reprocess_requested", "reprocess_success", "reprocess_failure",
      "sse_clients_total", "sse_events_broadcast", "sse_events_failed",
      // where each ingest's transcript came from.
      "ingest_transcript_stored", "ingest_transcript_fetched", "ingest_transcript_user",
      // the Telegram bot (libs/telegram); 0 without one.
      "telegram_updates", "telegram_messages_sent", "telegram_send_errors", "telegram_refusals"};
  return names;
}

namespace {

const std::pair<const char*, const char*> kTimings[] = {{"ingest", "ingest_seconds"},
                                                        {"summarize", "summarize_seconds"},
                                                        {"tts", "tts_seconds"},
                                                        {"queue_wait", "queue_wait_seconds"}};

const char* kKinds[] = {store::kIngestKind, store::kSummarizeKind, store::kTtsKind};

double finite_or_zero(double v) { return std::isfinite(v) ? v : 0.0; }

// Labelled counter families (metrics::labelled_name), each shown
// as a list in the JSON and as one labelled family in Prometheus.
const struct {
  const char* family;
  const char* help;
} kLabelledFamilies[] = {
    {"summary_fallbacks", "Summaries stored from a later summarizer than the first, by from, to and reason."},
    {"tts_fallbacks", "Audio spoken by the fallback engine, by from, to and reason."},
    {"alert_notifications", "Alert notifications, by receiver and result (sent, failed, dead)."},
};

// Labelled counter families shown in Prometheus only. `always` lists label
// sets written at 0 before their first increment: a rate or increase() in
// Prometheus needs a sample before the first error to see it.
const struct {
  const char* family;
  const char* help;
  std::vector<metrics::Labels> always;
} kPrometheusFamilies[] = {
    {"ingest_http_errors",
     "Failed YouTube HTTP requests of the ingest stage, by status class.",
     {{{"status_class", "4xx"}}, {{"status_class", "5xx"}}}},
    {"http_requests", "HTTP requests answered by the gateways, by route template and status code.", {}},
};

}  // namespace

nlohmann::json metrics_json(const MetricsData& d) {
  nlohmann::json counters = nlohmann::json::object();
  for (const auto& name : contract_counters()) counters[name] = d.snapshot.counter(name);
  for (const auto& [name, v] : d.snapshot.counters)
    if (!metrics::is_labelled(name)) counters[name] = v;

  nlohmann::json timings = nlohmann::json::object();
  for (const auto& [key, hist] : kTimings) {
    metrics::Histogram h;
    if (auto it = d.snapshot.histograms.find(hist); it != d.snapshot.histograms.end()) h = it->second;
    timings[key] = {{"count", h.count},
                    {"p50", h.count ? finite_or_zero(h.quantile(0.5)) : 0.0},
                    {"p95", h.count ? finite_or_zero(h.quantile(0.95)) : 0.0},
                    {"max", finite_or_zero(h.max)}};
  }

  nlohmann::json queues = nlohmann::json::object();
  auto queue_json = [](const queue::KindStats& s) {
    return nlohmann::json{{"queued", s.queued},
                          {"retrying", s.retrying},
                          {"running", s.running},
                          {"dead", s.dead},
                          {"oldest_queued_age_s", s.oldest_queued_age_s}};
  };
  for (const char* k : kKinds) queues[k] = queue_json(queue::KindStats{k});
  for (const auto& s : d.queues) queues[s.kind] = queue_json(s);

  double sse_current = 0;
  if (auto it = d.snapshot.gauges.find("sse_clients_current"); it != d.snapshot.gauges.end()) sse_current = it->second;

  nlohmann::json ytdlp_versions = nlohmann::json::array();
  for (const auto& v : d.ytdlp)
    ytdlp_versions.push_back(
        {{"version", v.version}, {"processes", v.processes}, {"checked_at", store::iso8601(v.checked_at)}});
  nlohmann::json ytdlp = {{"version", d.ytdlp.empty() ? nlohmann::json() : nlohmann::json(d.ytdlp.front().version)},
                          {"versions", ytdlp_versions}};

  nlohmann::json out = {
      {"counters", counters},
      {"sse_clients_current", static_cast<int64_t>(std::llround(sse_current))},
      {"timings", timings},
      {"queues", queues},
      {"last_ingest_at", d.last_ingest_at ? nlohmann::json(store::iso8601(*d.last_ingest_at)) : nlohmann::json()},
      {"last_ingest_video", d.last_ingest_video ? nlohmann::json(*d.last_ingest_video) : nlohmann::json()},
      {"ytdlp", ytdlp},
      {"generated_at", store::iso8601(d.generated_at)}};
  nlohmann::json firing = nlohmann::json::array();
  for (const auto& a : d.alerts) {
    auto summary = a.alert.annotations.find("summary");
    firing.push_back({{"fingerprint", a.fingerprint},
                      {"alertname", a.alert.alertname},
                      {"labels", a.alert.labels},
                      {"summary", summary == a.alert.annotations.end() ? "" : summary->second},
                      {"starts_at", store::iso8601(a.starts_at)}});
  }
  out["alerts"] = std::move(firing);
  // [{from, to, reason, count}], [] before the first.
  for (const auto& f : kLabelledFamilies) {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& c : d.snapshot.labelled(f.family)) {
      nlohmann::json item = nlohmann::json::object();
      for (const auto& [k, v] : c.labels) item[k] = v;
      item["count"] = c.value;
      list.push_back(std::move(item));
    }
    out[f.family] = std::move(list);
  }
  return out;
}

namespace {

// Counters whose names are variants of one family become one family with
// labels ("ingest_success" -> stage_jobs_total{stage="ingest",outcome="success"}).
struct CounterFamily {
  const char* family;
  const char* help;
  httpserve::Labels labels;
};

std::optional<CounterFamily> family_of(const std::string& name) {
  for (const char* stage : {"ingest", "summarize", "tts"}) {
    for (const char* outcome : {"success", "failure"}) {
      if (name == std::string(stage) + "_" + outcome)
        return CounterFamily{
            "stage_jobs", "Jobs finished by each stage, by outcome.", {{"stage", stage}, {"outcome", outcome}}};
    }
  }
  if (name == "audio_generated")
    return CounterFamily{"audio", "Audio variants stored, by how.", {{"result", "generated"}}};
  if (name == "audio_reused") return CounterFamily{"audio", "Audio variants stored, by how.", {{"result", "reused"}}};
  for (const char* what : {"requested", "success", "failure"}) {
    if (name == std::string("reprocess_") + what)
      return CounterFamily{"reprocess", "Reprocess requests, by stage reached.", {{"event", what}}};
  }
  for (const char* from : {"stored", "fetched", "user"}) {
    if (name == std::string("ingest_transcript_") + from)
      return CounterFamily{"ingest_transcripts",
                           "Ingests by where the transcript came from: reused from the store, fetched, the user's.",
                           {{"from", from}}};
  }
  if (name == "sse_clients_total") return CounterFamily{"sse_clients", "SSE clients accepted, over all gateways.", {}};
  if (name == "sse_events_broadcast")
    return CounterFamily{"sse_events",
                         "SSE events, over all gateways: broadcast once per gateway, failed per client.",
                         {{"result", "broadcast"}}};
  if (name == "sse_events_failed")
    return CounterFamily{"sse_events",
                         "SSE events, over all gateways: broadcast once per gateway, failed per client.",
                         {{"result", "failed"}}};
  if (name == "telegram_updates")
    return CounterFamily{"telegram_updates", "Telegram updates the bot's poller received.", {}};
  if (name == "telegram_messages_sent")
    return CounterFamily{"telegram_messages", "Bot API calls of the Telegram bot, by result.", {{"result", "sent"}}};
  if (name == "telegram_send_errors")
    return CounterFamily{"telegram_messages", "Bot API calls of the Telegram bot, by result.", {{"result", "error"}}};
  if (name == "telegram_refusals")
    return CounterFamily{"telegram_refusals", "Telegram messages from users not allowed, answered with a refusal.", {}};
  return std::nullopt;
}

bool valid_metric_name(const std::string& n) {
  if (n.empty() || (n[0] >= '0' && n[0] <= '9')) return false;
  for (char c : n)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_')) return false;
  return true;
}

}  // namespace

std::string metrics_prometheus(const MetricsData& d) {
  httpserve::PrometheusWriter w("tubedigest_");
  std::map<std::string, int64_t> counters;
  for (const auto& name : contract_counters()) counters[name] = d.snapshot.counter(name);
  for (const auto& [name, v] : d.snapshot.counters) counters[name] = v;
  // Contract families first, in a stable order; then anything else stored.
  for (const auto& name : contract_counters()) {
    auto f = family_of(name);
    w.counter(f->family, f->help, static_cast<double>(counters[name]), f->labels);
  }
  for (const auto& [name, v] : counters) {
    if (family_of(name) || !valid_metric_name(name)) continue;
    w.counter(name, "Counter " + name + ".", static_cast<double>(v));
  }
  // tubedigest_summary_fallbacks_total{from,to,reason}, tubedigest_tts_fallbacks_total{...}:
  // a series per label set seen (none before the first fallback).
  for (const auto& f : kLabelledFamilies)
    for (const auto& c : d.snapshot.labelled(f.family))
      w.counter(f.family, f.help, static_cast<double>(c.value), c.labels);
  for (const auto& f : kPrometheusFamilies) {
    auto stored = d.snapshot.labelled(f.family);
    for (const auto& labels : f.always) {
      bool seen = false;
      for (const auto& c : stored) seen = seen || c.labels == labels;
      if (!seen) w.counter(f.family, f.help, 0, labels);
    }
    for (const auto& c : stored) w.counter(f.family, f.help, static_cast<double>(c.value), c.labels);
  }

  double sse_current = 0;
  if (auto it = d.snapshot.gauges.find("sse_clients_current"); it != d.snapshot.gauges.end()) sse_current = it->second;
  w.gauge("sse_clients_current", "Open SSE streams, summed over live gateways.", sse_current);

  const auto& bounds = metrics::bucket_bounds();
  std::vector<double> finite(bounds.begin(), bounds.end() - 1);  // the last bound is +Inf
  auto histogram = [&](const std::string& family, const std::string& help, const std::string& stored,
                       const httpserve::Labels& labels) {
    metrics::Histogram h;
    if (auto it = d.snapshot.histograms.find(stored); it != d.snapshot.histograms.end()) h = it->second;
    std::vector<uint64_t> cumulative(finite.size(), 0);
    uint64_t running = 0;
    for (size_t i = 0; i < finite.size(); ++i) {
      if (i < h.counts.size()) running += static_cast<uint64_t>(h.counts[i]);
      cumulative[i] = running;
    }
    w.histogram(family, help, finite, cumulative, h.sum, static_cast<uint64_t>(h.count), labels);
  };
  for (const char* stage : {"ingest", "summarize", "tts"})
    histogram("stage_duration_seconds", "Time a stage spent on one job.", std::string(stage) + "_seconds",
              {{"stage", stage}});
  histogram("queue_wait_seconds", "Time from a job's run_at to its claim.", "queue_wait_seconds", {});
  histogram("tts_audio_seconds", "Length of the synthesized audio.", "tts_audio_seconds", {});

  std::vector<queue::KindStats> queues;
  for (const char* k : kKinds) {
    queue::KindStats s{k};
    for (const auto& q : d.queues)
      if (q.kind == k) s = q;
    queues.push_back(s);
  }
  for (const auto& q : d.queues) {
    bool known = false;
    for (const char* k : kKinds) known = known || q.kind == k;
    if (!known) queues.push_back(q);
  }
  for (const auto& q : queues) {
    const char* help = "Jobs per kind and state (finished jobs are not counted).";
    w.gauge("queue_jobs", help, static_cast<double>(q.queued), {{"kind", q.kind}, {"state", "queued"}});
    w.gauge("queue_jobs", help, static_cast<double>(q.retrying), {{"kind", q.kind}, {"state", "retrying"}});
    w.gauge("queue_jobs", help, static_cast<double>(q.running), {{"kind", q.kind}, {"state", "running"}});
    w.gauge("queue_jobs", help, static_cast<double>(q.dead), {{"kind", q.kind}, {"state", "dead"}});
  }
  for (const auto& q : queues)
    w.gauge("queue_oldest_queued_age_seconds", "Age of the oldest job waiting to run.", q.oldest_queued_age_s,
            {{"kind", q.kind}});
  if (d.last_ingest_at) {
    double t = std::chrono::duration<double>(d.last_ingest_at->time_since_epoch()).count();
    w.gauge("last_ingest_timestamp_seconds", "When the newest transcript was stored (Unix time).", t);
  }
  for (const auto& v : d.ytdlp)
    w.gauge("ytdlp_info", "Live ingest processes per yt-dlp version they run.", static_cast<double>(v.processes),
            {{"version", v.version}});

  const char* firing_help = "1 per firing alert of the built-in evaluator, with its alertname and labels.";
  w.declare_gauge("alerts_firing", firing_help);
  for (const auto& a : d.alerts) {
    httpserve::Labels labels{{"alertname", a.alert.alertname}};
    // Our rules' labels are plain names; one that is not (or that would
    // repeat alertname) is left out rather than breaking the whole page.
    for (const auto& [k, v] : a.alert.labels)
      if (k != "alertname" && httpserve::PrometheusWriter::valid_label_name(k)) labels.emplace_back(k, v);
    w.gauge("alerts_firing", firing_help, 1, labels);
  }
  const char* paused_help = "1 per cluster-wide pause of YouTube calls in force (store pauses), by its name.";
  w.declare_gauge("youtube_paused", paused_help);
  for (const auto& p : d.pauses) w.gauge("youtube_paused", paused_help, 1, {{"pause", p.name}});
  w.gauge("build_info", "The version this gateway was built from (project version + git describe).", 1,
          {{"version", d.build_version.empty() ? "unknown" : d.build_version}});
  return w.str();
}

MetricsView::MetricsView(ConnectionPool& pool, std::chrono::milliseconds ttl) : pool_(pool), ttl_(ttl) {}

std::shared_ptr<const MetricsView::Rendered> MetricsView::get() {
  auto fresh = [&]() -> std::shared_ptr<const Rendered> {
    std::lock_guard lk(mu_);
    if (current_ && std::chrono::steady_clock::now() < expires_) return current_;
    return nullptr;
  };
  if (auto r = fresh()) return r;
  std::lock_guard refresh(refresh_mu_);
  if (auto r = fresh()) return r;  // another request refreshed it meanwhile

  MetricsData d;
  pool_.run([&](pqxx::connection& c) {
    pqxx::read_transaction tx(c);
    d.snapshot = metrics::snapshot(tx);
    d.queues = queue::Queue().stats(tx);
    if (auto t = store::newest_transcript(tx)) {
      d.last_ingest_video = t->video_id;
      d.last_ingest_at = t->created_at;
    }
    d.ytdlp = store::tool_versions(tx, "yt-dlp");
    d.alerts.clear();
    for (auto& a : alerts::list(tx, std::chrono::seconds(0)))
      if (a.status == "firing") d.alerts.push_back(std::move(a));
    d.pauses = store::active_pauses(tx);
  });
  d.build_version = kBuildVersion;
  d.generated_at = std::chrono::system_clock::now();
  auto r = std::make_shared<Rendered>();
  r->json = metrics_json(d).dump();
  r->prometheus = metrics_prometheus(d);
  std::lock_guard lk(mu_);
  current_ = r;
  expires_ = std::chrono::steady_clock::now() + ttl_;
  return r;
}

}  // namespace td::gateway
