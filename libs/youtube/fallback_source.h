// MetadataSource that asks a primary source (yt-dlp) and, when it fails, a
// secondary one (the Data API, only when YOUTUBE_API_KEY is set).
//
// The secondary is not asked when the primary's answer is final for the
// video whatever the source: bad_link, live_not_finished. For every other
// failure it is, because a user-supplied transcript only needs best-effort
// metadata (an age-restricted video fails in yt-dlp but not in the API).
//
// When both fail, the error thrown is chosen so the job does the right thing:
//   primary Throttled                -> Throttled (the lead pauses replicas;
//                                       on_throttled also fired)
//   primary permanent                -> primary's PermanentError
//   secondary says not_found         -> PermanentError not_found
//   otherwise                        -> TransientError, both messages
// An error thrown as it came keeps its HTTP status; one joining both
// messages keeps the primary's (whose message leads), else the secondary's
// (never a QuotaExceeded's).
// A secondary QuotaExceeded never decides the outcome: the quota is not the
// video's fault. When the secondary succeeds after a throttled primary, the
// metadata is returned and on_throttled still fires so the lead can pause.
#pragma once

#include <functional>
#include <memory>

#include "youtube/errors.h"
#include "youtube/metadata.h"

namespace td::youtube {

class FallbackMetadataSource final : public MetadataSource {
 public:
  using ThrottleHook = std::function<void(const Throttled&)>;
  FallbackMetadataSource(std::shared_ptr<MetadataSource> primary, std::shared_ptr<MetadataSource> secondary,
                         ThrottleHook on_throttled = {});
  VideoMetadata fetch(const std::string& video_id) override;
  std::string name() const override;

 private:
  std::shared_ptr<MetadataSource> primary_;
  std::shared_ptr<MetadataSource> secondary_;  // may be null
  ThrottleHook on_throttled_;
};

// yt-dlp (YTDLP_PATH, ...) with the Data API behind it when YOUTUBE_API_KEY is set.
std::shared_ptr<MetadataSource> metadata_source_from_env(FallbackMetadataSource::ThrottleHook on_throttled = {});

}  // namespace td::youtube
