// Failure kinds specific to YouTube, on top of td::PermanentError /
// td::TransientError (common/errors.h).
//
// Both classes below derive from td::TransientError so a caller that knows
// nothing about them still retries the job. The ingest service catches them
// first because they are not about one video:
//   Throttled      YouTube refused us (HTTP 429, "Sign in to confirm you're
//                  not a bot"). Every replica shares the IP/cookies, so the
//                  lead pauses ALL ingest replicas for a backoff period (state
//                  in Postgres) and re-queues the job without counting it as a
//                  failure. retry_after() is YouTube's hint when it gave one.
//   QuotaExceeded  The Data API key's daily quota is spent. DataApiSource
//                  remembers this itself until resets_at() (next midnight
//                  Pacific) and stops calling; the fallback keeps using yt-dlp.
//
// HTTP status (td::JobError::http_status()): every error of this library
// that comes from an HTTP answer of YouTube carries its status: the Data
// API's when it was not 200 (data_api_source.h), the "HTTP Error NNN" of
// yt-dlp's ERROR line (ytdlp_errors.h); the fallback keeps the status of the
// error it throws (fallback_source.h). Throttled and QuotaExceeded keep theirs
// too (429, the Data API's 403), though neither is a failed attempt; a bot
// check is a page, not a status, and has none.
//
// Permanent reasons used by this library (PermanentError::reason()):
//   bad_link, not_found, private, unavailable, age_restricted, members_only,
//   geo_blocked, live_not_finished, no_transcript, metadata_too_large.
#pragma once

#include <chrono>
#include <exception>
#include <optional>
#include <string>

#include "common/errors.h"

namespace td::youtube {

class Throttled : public td::TransientError {
 public:
  explicit Throttled(const std::string& message, std::optional<std::chrono::milliseconds> retry_after = std::nullopt,
                     std::optional<int> http_status = std::nullopt)
      : td::TransientError("throttled", message, http_status), retry_after_(retry_after) {}
  const std::optional<std::chrono::milliseconds>& retry_after() const { return retry_after_; }

 private:
  std::optional<std::chrono::milliseconds> retry_after_;
};

class QuotaExceeded : public td::TransientError {
 public:
  QuotaExceeded(const std::string& message, std::chrono::system_clock::time_point resets_at,
                std::optional<int> http_status = std::nullopt)
      : td::TransientError("quota_exceeded", message, http_status), resets_at_(resets_at) {}
  std::chrono::system_clock::time_point resets_at() const { return resets_at_; }

 private:
  std::chrono::system_clock::time_point resets_at_;
};

// True when the error means "YouTube is throttling this host": pause every
// replica instead of failing the job.
bool is_throttle(const std::exception& e);
bool is_throttle(const std::exception_ptr& e);

// The PermanentError reason when `e` is permanent, otherwise nullopt.
std::optional<std::string> permanent_reason(const std::exception& e);

}  // namespace td::youtube
