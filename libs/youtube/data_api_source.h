// YouTube Data API v3 videos.list as a MetadataSource: the fallback when
// yt-dlp fails and YOUTUBE_API_KEY is set.
//
//   GET {YOUTUBE_API_BASE}/videos?part=snippet,contentDetails,statistics&id=ID&key=KEY
//
// Costs 1 quota unit per call (10,000 a day by default). When Google answers
// 403 quotaExceeded, this source remembers it until the next midnight Pacific
// time (when the quota resets), logs that once, and throws QuotaExceeded
// without calling until then; other sources keep working. The memory is per
// process: after a restart at most one more call finds out again.
//
// Mapping: statistics arrive as strings ("123") or not at all (hidden likes
// -> like_count nullopt); contentDetails.duration is ISO-8601 ("PT0S" while
// live -> nullopt); snippet.liveBroadcastContent live/upcoming -> is_live /
// is_upcoming; categoryId -> its English name; the largest thumbnail; the
// language from defaultAudioLanguage, else defaultLanguage. No chapters and
// no caption listing (captions stays nullopt).
//
// Errors: empty items -> PermanentError not_found (private, removed or never
// existed); 403 quotaExceeded/dailyLimitExceeded -> QuotaExceeded; 400/401/403
// key problems -> TransientError data_api_auth (a config fault must not kill
// the user's job); 429, 5xx, HTML or unparsable bodies, connection failures
// -> TransientError. Every error from an answer other than 200 (the quota's
// 403 included) carries its status (td::JobError::http_status()); a 200 whose
// body is wrong, a connection failure and the remembered quota carry none.
#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "common/clock.h"
#include "youtube/metadata.h"

namespace td::youtube {

struct DataApiConfig {
  std::string base = "https://www.googleapis.com/youtube/v3";   // YOUTUBE_API_BASE
  std::string key;                                              // YOUTUBE_API_KEY
  std::chrono::milliseconds timeout{std::chrono::seconds(15)};  // YOUTUBE_API_TIMEOUT
  // nullopt when YOUTUBE_API_KEY is unset: the Data API is then not used.
  static std::optional<DataApiConfig> from_env();
};

class DataApiSource final : public MetadataSource {
 public:
  explicit DataApiSource(DataApiConfig config, std::shared_ptr<const td::Clock> clock = nullptr);
  VideoMetadata fetch(const std::string& video_id) override;
  std::string name() const override { return "data-api"; }

  // When the quota is known to be spent: the instant it resets.
  std::optional<std::chrono::system_clock::time_point> quota_blocked_until() const;

 private:
  DataApiConfig config_;
  std::shared_ptr<const td::Clock> clock_;
  mutable std::mutex mu_;
  std::optional<std::chrono::system_clock::time_point> quota_reset_;
};

// Category id ("27") -> English name ("Education"); the id itself when unknown.
std::string youtube_category_name(const std::string& id);

}  // namespace td::youtube
