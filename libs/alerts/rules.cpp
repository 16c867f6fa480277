#include "alerts/rules.h"

#include <algorithm>
#include <cstdint>
#include <string>
#include <tuple>

#include "alerts/statements.h"
#include "common/time_format.h"
#include "events/types.h"
#include "store/pauses.h"

namespace td::alerts {

const Statement kRuleStatements[] = {
    // $1: queue_stall in seconds. The waiting side reads the partial index
    // jobs_claimable; the finished side reads jobs_finished by time.
    // Columns: kind, waiting, oldest_age_s.
    {"td_alert_queue_stalled", R"SQL(
SELECT w.kind, w.waiting, extract(epoch FROM now() - w.oldest)::float8
  FROM (SELECT kind, count(*) AS waiting, min(run_at) AS oldest FROM jobs
         WHERE status IN ('queued', 'failed') AND run_at <= now() GROUP BY kind) w
 WHERE w.oldest < now() - $1 * interval '1 second'
   AND NOT EXISTS (SELECT 1 FROM jobs d
                    WHERE d.status = 'done' AND d.kind = w.kind AND d.finished_at >= now() - $1 * interval '1 second')
 ORDER BY w.kind)SQL"},
    // $1: window in seconds (jobs_dead index). Columns: kind, dead, newest
    // job ids (up to 10, newest first), last_error and reason of the newest.
    {"td_alert_jobs_dead", R"SQL(
SELECT kind, count(*),
       array_to_string((array_agg(id ORDER BY finished_at DESC, id DESC))[1:10], ','),
       (array_agg(coalesce(last_error, '') ORDER BY finished_at DESC, id DESC))[1],
       (array_agg(coalesce(reason, '') ORDER BY finished_at DESC, id DESC))[1]
  FROM jobs WHERE status = 'dead' AND finished_at >= now() - $1 * interval '1 second'
 GROUP BY kind ORDER BY kind)SQL"},
    // $1: window in seconds, $2: threshold, $3/$4: the two failure event
    // types (libs/events/types.h). The status is the event's http_status
    // field (see rules.h); events without it do not count. The window reads
    // events_created; the rest filters those rows. Columns: status_class,
    // attempts, last error, video ids (up to 20).
    {"td_alert_ingest_http", R"SQL(
SELECT class::text || 'xx', count(*),
       (array_agg(error ORDER BY id DESC))[1],
       array_to_string((array_agg(DISTINCT video_id))[1:20], ',')
  FROM (SELECT id, video_id, data->>'error' AS error,
               CASE WHEN jsonb_typeof(data->'http_status') = 'number'
                    THEN (data->>'http_status')::int / 100 END AS class
          FROM events
         WHERE created_at >= now() - $1 * interval '1 second' AND type IN ($3, $4) AND data->>'stage' = 'ingest') e
 WHERE class IN (4, 5)
 GROUP BY class HAVING count(*) >= $2
 ORDER BY class)SQL"},
    // $1: window in seconds, $2: threshold, $3/$4: summary-fallback and
    // tts-fallback. Columns: stage, from, outputs, the newest one's reason
    // and `to`, video ids (up to 20).
    {"td_alert_fallbacks", R"SQL(
SELECT CASE WHEN type = $3 THEN 'summarize' ELSE 'tts' END, data->>'from', count(*),
       (array_agg(coalesce(data->>'reason', '') ORDER BY id DESC))[1],
       (array_agg(coalesce(data->>'to', '') ORDER BY id DESC))[1],
       array_to_string((array_agg(DISTINCT video_id))[1:20], ',')
  FROM events
 WHERE created_at >= now() - $1 * interval '1 second' AND type IN ($3, $4) AND data->>'from' IS NOT NULL
 GROUP BY 1, 2 HAVING count(*) >= $2
 ORDER BY 1, 2)SQL"},
};
const size_t kRuleStatementCount = std::size(kRuleStatements);

namespace {

std::string seconds_text(double s) { return std::to_string(static_cast<int64_t>(s)) + "s"; }

}  // namespace

std::vector<Alert> evaluate(pqxx::transaction_base& tx, const Thresholds& t) {
  std::vector<Alert> out;
  const auto stall = static_cast<int64_t>(t.queue_stall.count());
  const auto window = static_cast<int64_t>(t.window.count());

  for (const auto& r : tx.exec_prepared("td_alert_queue_stalled", stall)) {
    out.push_back({kQueueStalled,
                   {{"kind", r[0].as<std::string>()}},
                   {{"summary", "jobs of kind " + r[0].as<std::string>() + " are waiting and none finished for " +
                                    seconds_text(static_cast<double>(stall))},
                    {"waiting", r[1].as<std::string>()},
                    {"oldest_wait", seconds_text(r[2].as<double>())}}});
  }

  for (const auto& r : tx.exec_prepared("td_alert_jobs_dead", window)) {
    Labels ann{{"summary", r[1].as<std::string>() + " job(s) of kind " + r[0].as<std::string>() +
                               " went dead in the last " + seconds_text(static_cast<double>(window))},
               {"dead", r[1].as<std::string>()},
               {"job_ids", r[2].as<std::string>()},
               {"last_error", r[3].as<std::string>()}};
    if (auto reason = r[4].as<std::string>(); !reason.empty()) ann["reason"] = reason;
    out.push_back({kJobsDead, {{"kind", r[0].as<std::string>()}}, std::move(ann)});
  }

  for (const auto& p : store::active_pauses(tx)) {
    out.push_back({kYouTubeThrottled,
                   {{"pause", p.name}},
                   {{"summary", "YouTube calls are paused cluster-wide (" + p.name + ")"},
                    {"reason", p.reason},
                    {"until", iso8601(p.until)},
                    {"hits", std::to_string(p.hits)}}});
  }

  for (const auto& r : tx.exec_prepared("td_alert_ingest_http", window, t.ingest_errors,
                                        events::type::report_sync_error, events::type::report_sync_failed)) {
    out.push_back(
        {kIngestHttpErrors,
         {{"status_class", r[0].as<std::string>()}},
         {{"summary", r[1].as<std::string>() + " ingest attempt(s) failed with YouTube HTTP " + r[0].as<std::string>() +
                          " in the last " + seconds_text(static_cast<double>(window))},
          {"attempts", r[1].as<std::string>()},
          {"last_error", r[2].as<std::string>()},
          {"video_ids", r[3].is_null() ? "" : r[3].as<std::string>()}}});
  }

  for (const auto& r : tx.exec_prepared("td_alert_fallbacks", window, t.fallbacks, events::type::summary_fallback,
                                        events::type::tts_fallback)) {
    const auto stage = r[0].as<std::string>(), from = r[1].as<std::string>(), n = r[2].as<std::string>();
    out.push_back(
        {kProviderFallbacks,
         {{"stage", stage}, {"from", from}},
         {{"summary", n + (stage == "summarize" ? " summaries" : " audio outputs") + " in the last " +
                          seconds_text(static_cast<double>(window)) + " came from a fallback: " + from + " failed"},
          {"outputs", n},
          {"reason", r[3].as<std::string>()},
          {"to", r[4].as<std::string>()},
          {"video_ids", r[5].is_null() ? "" : r[5].as<std::string>()}}});
  }

  std::sort(out.begin(), out.end(), [](const Alert& a, const Alert& b) {
    return std::tie(a.alertname, a.labels) < std::tie(b.alertname, b.labels);
  });
  return out;
}

}  // namespace td::alerts
