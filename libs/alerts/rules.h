// The alert rules (QueueStalled, IngestHttpErrors, YouTubeThrottled, JobsDead), evaluated from what the database holds,
// so any process (whichever one leads, libs/alerts/leader.h) reaches the same answer.
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
//                               within `window` whose error names a YouTube
//                               HTTP status of that class (4xx, 5xx).
//
// IngestHttpErrors and what is stored: no column or event field holds the
// HTTP status of a failed attempt. Each failed attempt does leave an outbox
// event (report-sync-error, or report-sync-failed when it was the last) with
// stage "ingest", its reason code and its error line, and the error line is
// where the status survives: the Data API's errors end in Response::describe()
// ("HTTP 503 from https://..."), yt-dlp's carry its "ERROR:" line ("HTTP
// Error 403: Forbidden"). The rule reads the status out of that text. The
// reason codes alone cannot tell 4xx from 5xx (data_api_failed and
// ytdlp_failed cover both). Throttling (429, the bot check) is not a failed
// attempt at all: it pauses ingest and fires YouTubeThrottled instead. The
// exact fix is a structured http_status on the error, carried into the event
// data like `reason` is (libs/youtube, libs/stage); then only this rule's
// statement changes.
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

struct Thresholds {
  std::chrono::seconds queue_stall{std::chrono::minutes(10)};  // ALERT_QUEUE_STALL
  int ingest_errors = 3;                                       // ALERT_INGEST_ERRORS
  std::chrono::seconds window{std::chrono::minutes(10)};       // ALERT_WINDOW
};

// Every alert active now, sorted by alertname then labels. Reads only (jobs,
// events, pauses); needs this library's and libs/store's statements prepared.
std::vector<Alert> evaluate(pqxx::transaction_base& tx, const Thresholds& thresholds);

}  // namespace td::alerts
