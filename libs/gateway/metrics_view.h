// GET /api/metrics (JSON) and GET /metrics (Prometheus text 0.0.4): one
// snapshot of the shared metrics tables, the queue, the newest ingest, the
// firing alerts and the pauses in force, rendered both ways.
//
// Cost: a snapshot is seven small statements (metric shard sums, the queue's
// per-kind counts over its partial indexes, one gauge scan, the newest
// transcript by index, the live yt-dlp versions, the firing alerts by the
// alerts table's status index, the pauses in force: a handful of rows), none
// of which reads finished jobs or old events, so it stays cheap with a
// million rows in `jobs`. It is still kept for `ttl` (METRICS_CACHE_TTL,
// 1 s) so a scraper storm or a dashboard per user costs one query set per
// second per replica; concurrent requests for an expired snapshot wait for
// one refresh rather than each running it.
//
// JSON keys (a contract with dashboards and scripts; README lists them):
//   counters {name: n} (every contract counter, 0 when never bumped, plus any
//   other stored counter), sse_clients_current, timings {ingest, summarize, tts,
//   queue_wait: {count, p50, p95, max}} in seconds, queues {kind: {queued,
//   retrying, running, dead, oldest_queued_age_s}} (ingest, summarize, tts
//   always present), last_ingest_at / last_ingest_video (null before the
//   first ingest), ytdlp {version (what most live ingest processes run; null
//   before any reported), versions [{version, processes, checked_at}]},
//   generated_at, summary_fallbacks and tts_fallbacks
//   ([{from, to, reason, count}], [] before the first fallback; labelled
//   counters are not repeated under counters), alerts (the firing ones:
//   [{fingerprint, alertname, labels, summary (annotations.summary or ""),
//   starts_at}], [] when none fire), alert_notifications ([{receiver, result,
//   count}], like the fallbacks).
//
// Prometheus only (no JSON key): tubedigest_alerts_firing{alertname,<the
// alert's labels>} 1 per firing alert, tubedigest_build_info{version},
// tubedigest_youtube_paused{pause} 1 per pause in force (those two listed
// even when empty), tubedigest_ingest_http_errors_total{status_class} (4xx
// and 5xx always, so increase() sees the first error), and
// tubedigest_http_requests_total{route,code} (a series per route template
// and status answered, over all gateways; gateway.h says how it is counted).
#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "alerts/state.h"
#include "common/clock.h"
#include "metrics/metrics.h"
#include "queue/queue.h"
#include "store/pauses.h"
#include "store/tool_versions.h"

namespace td::gateway {

class ConnectionPool;

struct MetricsData {
  metrics::Snapshot snapshot;
  std::vector<queue::KindStats> queues;
  std::optional<std::string> last_ingest_video;
  std::optional<Clock::time_point> last_ingest_at;
  std::vector<store::ToolVersion> ytdlp;   // most widely run first
  std::vector<alerts::AlertState> alerts;  // the firing ones
  std::vector<store::Pause> pauses;        // in force
  std::string build_version;               // kBuildVersion (the generated build_version.h)
  Clock::time_point generated_at{};
};

// The counter names README's metrics table lists; always present in the JSON.
const std::vector<std::string>& contract_counters();

nlohmann::json metrics_json(const MetricsData& d);
std::string metrics_prometheus(const MetricsData& d);

class MetricsView {
 public:
  MetricsView(ConnectionPool& pool, std::chrono::milliseconds ttl);

  struct Rendered {
    std::string json;
    std::string prometheus;
  };
  // Throws DatabaseUnavailable when it cannot refresh.
  std::shared_ptr<const Rendered> get();

 private:
  ConnectionPool& pool_;
  const std::chrono::milliseconds ttl_;
  std::mutex refresh_mu_;  // one refresh at a time
  std::mutex mu_;
  std::shared_ptr<const Rendered> current_;
  std::chrono::steady_clock::time_point expires_{};
};

}  // namespace td::gateway
