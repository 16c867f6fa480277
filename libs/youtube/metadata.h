// What is kept about a video, whichever source produced it, and the
// MetadataSource seam the ingest service calls.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "youtube/link.h"

namespace td::youtube {

// Stored descriptions are capped (a 5 MB description is spam, not content);
// description_truncated says when the cap cut one.
constexpr size_t kMaxDescriptionChars = 20000;
constexpr size_t kMaxTitleChars = 1000;
constexpr size_t kMaxTags = 200;

struct Chapter {
  double start_s = 0;
  double end_s = 0;
  std::string title;
  bool operator==(const Chapter&) const = default;
};

// One caption track YouTube offers. No URL: those are signed and expire
// within hours, so they must not be cached; the transcript is fetched by
// asking yt-dlp for the language.
struct CaptionTrack {
  std::string language;              // yt-dlp's key: "en", "pt-BR", "en-orig"
  bool automatic = false;            // speech recognition, not uploaded by the author
  bool translated = false;           // machine translation of another track (auto only)
  std::vector<std::string> formats;  // "json3", "vtt", ...
  bool operator==(const CaptionTrack&) const = default;
};

struct VideoMetadata {
  std::string id;  // 11 characters; the key is video_key(id), "yt:" + id
  std::string title;
  std::string description;
  bool description_truncated = false;
  std::string channel;
  std::string channel_id;
  std::optional<int64_t> duration_s;  // nullopt while live or unknown
  std::string upload_date;            // "YYYY-MM-DD", empty when unknown
  std::optional<int64_t> view_count;
  std::optional<int64_t> like_count;  // nullopt when the owner hides likes
  std::optional<int64_t> comment_count;
  std::vector<std::string> tags;
  std::vector<std::string> categories;
  std::string thumbnail;
  std::string language;  // BCP-47-ish ("en", "pt-BR"); empty when unknown
  std::vector<Chapter> chapters;
  std::string live_status;  // not_live | was_live | is_live | is_upcoming | post_live | "" (unknown)
  // nullopt: this source cannot list captions (Data API); the transcript
  // source then lists them itself.
  std::optional<std::vector<CaptionTrack>> captions;
  std::string source;  // "yt-dlp" | "data-api" | "none" (see minimal_metadata)

  std::string key() const { return video_key(id); }
  bool operator==(const VideoMetadata&) const = default;
};

nlohmann::json to_json(const VideoMetadata& m);
// Throws td::TransientError("bad_cached_metadata") when `j` is not an object
// from to_json (e.g. a cache row written by an incompatible version).
VideoMetadata metadata_from_json(const nlohmann::json& j);

// What is stored when every source failed but the user supplied the
// transcript: the id, source "none" (= metadata missing).
VideoMetadata minimal_metadata(const std::string& video_id);
bool metadata_missing(const VideoMetadata& m);

// Throws td::PermanentError("live_not_finished") for live or upcoming
// streams: their transcript does not exist yet.
void require_finished(const VideoMetadata& m);

// Whether a cache may keep this for its full TTL. Live/upcoming/post-live
// metadata changes within minutes (the stream ends, captions appear).
bool cacheable(const VideoMetadata& m);

class MetadataSource {
 public:
  virtual ~MetadataSource() = default;
  // Throws td::PermanentError (bad id, private, removed, not found ...),
  // Throttled, QuotaExceeded, or td::TransientError for anything retryable.
  virtual VideoMetadata fetch(const std::string& video_id) = 0;
  virtual std::string name() const = 0;
};

// Applies the caps above and sanitizes every string; sources call it last.
void normalize(VideoMetadata& m);

}  // namespace td::youtube
