// A video's transcript as stored: timed segments plus the joined text, the
// language and where it came from; and the TranscriptSource seam.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "youtube/metadata.h"

namespace td::youtube {

struct Segment {
  int64_t start_ms = 0;
  std::string text;
  // When each whitespace-separated word of text was spoken, from the word
  // timings of automatic captions (WebVTT inline <00:00:01.230> stamps, json3
  // tOffsetMs). One entry per word of text, or empty when the track has no
  // word timings (manual captions, SRT, pasted text); a segment of one word
  // is timed by its own start, whatever the track.
  std::vector<int64_t> word_ms;
  bool operator==(const Segment&) const = default;
};

struct Transcript {
  std::vector<Segment> segments;
  std::string text;      // segments joined with single spaces (plain user text: as given, cleaned)
  std::string language;  // caption track language ("en", "pt-BR"); empty when unknown
  std::string source;    // "manual" | "auto" | "user"
  bool timed = true;     // false for plain-text user transcripts: start_ms are all 0
  bool operator==(const Transcript&) const = default;
};

nlohmann::json to_json(const Transcript& t);
// The segments as stored in transcripts.segments: [{"start_ms", "text", "word_ms"?}].
nlohmann::json segments_to_json(const Transcript& t);
Transcript transcript_from_json(const nlohmann::json& j);

// Builds a Transcript from parsed segments. Throws td::PermanentError
// ("no_transcript") when no segment has any text.
Transcript make_transcript(std::vector<Segment> segments, std::string language, std::string source);

class TranscriptSource {
 public:
  virtual ~TranscriptSource() = default;
  // The best transcript for `video` (see track_choice.h for the order).
  // Throws td::PermanentError("no_transcript") when the video has none,
  // td::PermanentError("live_not_finished") for a live/upcoming stream,
  // Throttled when YouTube refuses us, td::TransientError otherwise.
  virtual Transcript fetch(const VideoMetadata& video) = 0;
};

// A transcript the user supplied (tubedigest submit --transcript-file, the
// API). WebVTT or SRT when it looks like one (timed segments), otherwise
// plain text. Source "user". Throws td::PermanentError("no_transcript") when
// it is empty.
Transcript user_transcript(std::string_view text, std::string language = "");

}  // namespace td::youtube
