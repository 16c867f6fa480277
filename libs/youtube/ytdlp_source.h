// yt-dlp as a subprocess: metadata (MetadataSource) and captions
// (TranscriptSource).
//
// Every run is argv-exec'd through td::process::run (never a shell) with a
// deadline after which the whole process group is killed, and bounded
// stdout/stderr. yt-dlp only ever sees the canonical watch URL, never what the
// user typed.
//
// Metadata:  yt-dlp --ignore-config --dump-single-json --skip-download
//              --no-playlist --ignore-no-formats-error --no-progress
//              [YTDLP_EXTRA_ARGS] -- https://www.youtube.com/watch?v=ID
//   --ignore-no-formats-error keeps metadata and the caption listing coming
//   when YouTube hides the media formats (upcoming streams, "n" challenges);
//   we never download media anyway.
// Captions:  yt-dlp ... --skip-download --write-subs|--write-auto-subs
//              --sub-langs LANG --sub-format json3/vtt -o TMP/%(id)s.%(ext)s URL
//   into a fresh temporary directory that is removed afterwards. yt-dlp turns
//   a failed caption download into "ERROR: Unable to download video
//   subtitles ...: HTTP Error 429" (exit 1), which classifies as Throttled.
// Warnings are left on (no --no-warnings): stdout carries only the JSON, and
// stderr is what tells a throttled run from a video without captions.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "youtube/metadata.h"
#include "youtube/transcript.h"

namespace td::youtube {

struct YtDlpConfig {
  std::string path = "yt-dlp";          // YTDLP_PATH
  std::vector<std::string> extra_args;  // YTDLP_EXTRA_ARGS, split on whitespace (e.g. --cookies FILE)
  std::chrono::milliseconds timeout{std::chrono::seconds(60)};  // YTDLP_TIMEOUT ("90s", "2m")
  size_t max_json_bytes = 32 * 1024 * 1024;  // larger output is refused (metadata_too_large), not parsed
  size_t max_caption_bytes = 32 * 1024 * 1024;
  size_t max_tracks_tried = 3;         // caption tracks tried before giving up with no_transcript
  std::vector<std::string> extra_env;  // "NAME=value" for the child (tests drive the fake yt-dlp with it)

  static YtDlpConfig from_env();
};

class YtDlpSource final : public MetadataSource {
 public:
  explicit YtDlpSource(YtDlpConfig config = YtDlpConfig::from_env());
  VideoMetadata fetch(const std::string& video_id) override;
  std::string name() const override { return "yt-dlp"; }

 private:
  YtDlpConfig config_;
};

class YtDlpTranscriptSource final : public TranscriptSource {
 public:
  explicit YtDlpTranscriptSource(YtDlpConfig config = YtDlpConfig::from_env());
  // When video.captions is nullopt (metadata from the Data API or an old
  // cache row), lists the tracks with one metadata run first. Refuses
  // live/upcoming streams (live_not_finished) before any download.
  Transcript fetch(const VideoMetadata& video) override;

 private:
  // The track's transcript, or nullopt when yt-dlp wrote no usable file.
  std::optional<Transcript> try_track(const std::string& video_id, const CaptionTrack& track);
  YtDlpConfig config_;
};

}  // namespace td::youtube
