#include "youtube/ytdlp_source.h"

#include <stdlib.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <system_error>

#include <spdlog/spdlog.h>

#include "common/env.h"
#include "common/errors.h"
#include "common/process.h"
#include "youtube/errors.h"
#include "youtube/link.h"
#include "youtube/subtitles.h"
#include "youtube/track_choice.h"
#include "youtube/ytdlp_errors.h"
#include "youtube/ytdlp_info.h"

namespace fs = std::filesystem;

namespace td::youtube {

namespace {

std::vector<std::string> split_words(const std::string& s) {
  std::istringstream in(s);
  std::vector<std::string> out;
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

void require_id(const std::string& id) {
  if (!is_valid_video_id(id))
    throw td::PermanentError("bad_link", "not a YouTube video id: '" + id.substr(0, 40) + "'");
}

// Runs yt-dlp; a yt-dlp that cannot be started is a deployment problem, not
// the video's: transient, with the path in the message.
td::process::Result run_ytdlp(const YtDlpConfig& c, std::vector<std::string> args, const std::string& id,
                              size_t max_stdout) {
  std::vector<std::string> argv{c.path,          "--ignore-config",           "--skip-download",
                                "--no-playlist", "--ignore-no-formats-error", "--no-progress"};
  argv.insert(argv.end(), args.begin(), args.end());
  argv.insert(argv.end(), c.extra_args.begin(), c.extra_args.end());
  argv.push_back("--");
  argv.push_back(watch_url(id));
  td::process::Options o;
  o.timeout = c.timeout;
  o.max_stdout = max_stdout;
  o.extra_env = c.extra_env;
  try {
    return td::process::run(argv, o);
  } catch (const std::system_error& e) {
    throw td::TransientError("ytdlp_missing", "cannot run yt-dlp '" + c.path + "' (set YTDLP_PATH): " + e.what());
  }
}

// Removes the caption download directory whatever happens.
struct TempDir {
  fs::path path;
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "td-captions-XXXXXX").string();
    if (!mkdtemp(tmpl.data())) {
      throw td::TransientError("tmpdir",
                               "cannot create a temporary directory under " + fs::temp_directory_path().string());
    }
    path = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};

bool safe_language_key(const std::string& lang) {
  // --sub-langs takes regular expressions: only plain language keys are passed.
  return !lang.empty() && lang.size() <= 35 &&
         std::all_of(lang.begin(), lang.end(), [](unsigned char c) { return std::isalnum(c) || c == '-' || c == '_'; });
}

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

YtDlpConfig YtDlpConfig::from_env() {
  YtDlpConfig c;
  c.path = env::get_or("YTDLP_PATH", c.path);
  c.extra_args = split_words(env::get_or("YTDLP_EXTRA_ARGS", ""));
  c.timeout = env::get_duration("YTDLP_TIMEOUT", c.timeout);
  return c;
}

YtDlpSource::YtDlpSource(YtDlpConfig config) : config_(std::move(config)) {}

VideoMetadata YtDlpSource::fetch(const std::string& id) {
  require_id(id);
  auto r = run_ytdlp(config_, {"--dump-single-json"}, id, config_.max_json_bytes);
  if (!r.ok()) throw_ytdlp_failure(r, id, "metadata");
  if (r.stdout_truncated) {
    throw td::PermanentError("metadata_too_large", "yt-dlp metadata for yt:" + id + " is larger than " +
                                                       std::to_string(config_.max_json_bytes) + " bytes");
  }
  if (r.out.find_first_not_of(" \r\n\t") == std::string::npos) {
    if (stderr_shows_throttle(r.err)) {
      throw Throttled("yt-dlp metadata for yt:" + id + ": throttled (empty output)", std::nullopt,
                      ytdlp_throttle_status(r.err));
    }
    throw td::TransientError("ytdlp_bad_output", "yt-dlp metadata for yt:" + id + " printed nothing");
  }
  return parse_ytdlp_info(r.out, id);
}

YtDlpTranscriptSource::YtDlpTranscriptSource(YtDlpConfig config) : config_(std::move(config)) {}

Transcript YtDlpTranscriptSource::fetch(const VideoMetadata& given) {
  require_id(given.id);
  require_finished(given);
  VideoMetadata video = given;
  if (!video.captions) {
    auto listed = YtDlpSource(config_).fetch(video.id);
    require_finished(listed);
    video.captions = listed.captions;
    if (video.language.empty()) video.language = listed.language;
  }
  auto ranked = rank_tracks(*video.captions, video_language(video));
  if (ranked.empty()) {
    throw td::PermanentError("no_transcript", video_key(video.id) + " has no captions, neither uploaded nor automatic");
  }
  std::string tried;
  size_t attempts = 0;
  for (auto& track : ranked) {
    if (attempts == config_.max_tracks_tried) break;
    if (!safe_language_key(track.language)) continue;
    ++attempts;
    if (auto t = try_track(video.id, track)) return std::move(*t);
    tried += (tried.empty() ? "" : ", ") + track.language + (track.automatic ? " (auto)" : " (manual)");
  }
  throw td::PermanentError("no_transcript", video_key(video.id) + ": no caption track had any text (tried " +
                                                (tried.empty() ? std::string("none") : tried) + ")");
}

std::optional<Transcript> YtDlpTranscriptSource::try_track(const std::string& id, const CaptionTrack& track) {
  TempDir dir;
  bool has_json3 = std::find(track.formats.begin(), track.formats.end(), "json3") != track.formats.end();
  bool has_vtt = std::find(track.formats.begin(), track.formats.end(), "vtt") != track.formats.end();
  std::string format = has_json3 || !has_vtt ? "json3/vtt" : "vtt";
  std::string step = "captions " + track.language + (track.automatic ? " (auto)" : "");
  auto r = run_ytdlp(config_,
                     {track.automatic ? "--write-auto-subs" : "--write-subs", "--sub-langs", track.language,
                      "--sub-format", format, "-o", (dir.path / "%(id)s.%(ext)s").string()},
                     id, 1024 * 1024);
  if (!r.ok()) throw_ytdlp_failure(r, id, step);

  // yt-dlp names the file <id>.<lang>.<ext>; prefer json3 when both exist.
  std::optional<fs::path> chosen;
  for (const char* ext : {".json3", ".vtt"}) {
    for (auto& entry : fs::directory_iterator(dir.path)) {
      if (entry.is_regular_file() && entry.path().filename().string().ends_with(ext)) chosen = entry.path();
    }
    if (chosen) break;
  }
  if (!chosen) {
    if (stderr_shows_throttle(r.err)) {
      throw Throttled("yt-dlp " + step + " for yt:" + id + ": throttled, no file written", std::nullopt,
                      ytdlp_throttle_status(r.err));
    }
    spdlog::warn("video=yt:{} yt-dlp wrote no caption file for {}", id, step);
    return std::nullopt;
  }
  if (fs::file_size(*chosen) > config_.max_caption_bytes) {
    spdlog::warn("video=yt:{} caption file for {} is larger than {} bytes; skipped", id, step,
                 config_.max_caption_bytes);
    return std::nullopt;
  }
  std::string body = read_file(*chosen);
  std::vector<Segment> segments;
  try {
    segments = chosen->extension() == ".json3" ? parse_json3(body) : parse_webvtt(body);
  } catch (const td::TransientError& e) {
    spdlog::warn("video=yt:{} {}: {}", id, step, e.what());
    return std::nullopt;
  }
  if (segments.empty()) return std::nullopt;
  return make_transcript(std::move(segments), track_language(track), track.automatic ? "auto" : "manual");
}

}  // namespace td::youtube
