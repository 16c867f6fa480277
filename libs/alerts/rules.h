// The alert rules, evaluated from what the database holds, so any process
// (whichever one leads, libs/alerts/leader.h) reaches the same answer.
//
//   QueueStalled{kind}          claimable jobs of the kind (queued, or failed
//                               and due: run_at <= now) of which the oldest has
//                               waited longer than queue_stall, and no job of
//                               the kind finished (done) within queue_stall.
//   JobsDead{kind}              a job of the kind went dead within `window`.
//   YouTubeThrottled{pause}     a cluster-wide pause (libs/store/pauses.h) is
//                               in force: 'youtube', 'youtube-api-quota', ...
//   IngestHttpErrors{status_class}
//                               at least ingest_errors failed ingest attempts
//                               within `window` that YouTube answered with an
//                               HTTP status of that class (4xx, 5xx).
//   ProviderFallbacks{stage, from}
//                               at least `fallbacks` outputs of the stage
//                               (summarize, tts) within `window` were stored
//                               from a fallback because the first choice
//                               `from` failed (the summary-fallback and
//                               tts-fallback events): an expired LLM key or a
//                               speech API that is down degrades every output
//                               quietly, without a single failed job.
//
// IngestHttpErrors and what is stored: each failed ingest attempt leaves an
// outbox event (report-sync-error, or report-sync-failed when it was the
// last) with stage "ingest", its reason code, its error line and, when the
// failure came from an HTTP answer of YouTube, http_status: the number
// libs/youtube put on the td::JobError (the Data API's response status,
// the "HTTP Error 403" of yt-dlp's ERROR line), carried by worker::Failure
// into the event's data (libs/stage/failure.h). The rule reads that field,
// never the error text: the text is for people, and a message cut to its
// first line or joined from two sources need not quote the status. Events
// without the field (a timeout, a parse error, events written before the
// field existed) do not count. The reason codes alone
// cannot tell 4xx from 5xx (data_api_failed and ytdlp_failed cover both).
// Throttling (429, the bot check) is not a failed attempt at all: it pauses
// ingest and fires YouTubeThrottled instead. The same attempts are counted
// in ingest_http_errors{status_class} (libs/metrics), in the transaction
// that writes the event.
#pragma once

#include <chrono>
#include <vector>

#include <pqxx/pqxx>

#include "alerts/alert.h"

namespace td::alerts {

inline constexpr const char* kQueueStalled = "QueueStalled";
inline constexpr const char* kJobsDead = "JobsDead";
inline constexpr const char* kYouTubeThrottled = "YouTubeThrottled";
inline constexpr const char* kIngestHttpErrors = "IngestHttpErrors";
inline constexpr const char* kProviderFallbacks = "ProviderFallbacks";

struct Thresholds {
  std::chrono::seconds queue_stall{std::chrono::minutes(10)};  // ALERT_QUEUE_STALL
  int ingest_errors = 3;                                       // ALERT_INGEST_ERRORS
  std::chrono::seconds window{std::chrono::minutes(10)};       // ALERT_WINDOW
  int fallbacks = 3;                                           // ALERT_FALLBACKS
};

// Every alert active now, sorted by alertname then labels. Reads only (jobs,
// events, pauses); needs this library's and libs/store's statements prepared.
std::vector<Alert> evaluate(pqxx::transaction_base& tx, const Thresholds& thresholds);

}  // namespace td::alerts
