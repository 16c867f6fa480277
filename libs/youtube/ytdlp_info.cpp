#include "youtube/ytdlp_info.h"
#include "youtube/link.h"

#include <algorithm>
#include <cmath>
#include <cstdint>

#include <spdlog/spdlog.h>

#include "common/errors.h"
#include "youtube/utf8.h"

namespace td::youtube {

namespace {

// ordered: "then YouTube's order" for caption tracks needs the order yt-dlp printed.
using json = nlohmann::ordered_json;

std::string str(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::optional<int64_t> count(const json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end()) return std::nullopt;
  if (it->is_number_unsigned()) {
    auto u = it->get<uint64_t>();
    return u <= static_cast<uint64_t>(INT64_MAX) ? std::optional<int64_t>(static_cast<int64_t>(u)) : std::nullopt;
  }
  if (it->is_number_integer()) return it->get<int64_t>();
  if (it->is_number_float()) {
    double d = it->get<double>();
    if (std::isfinite(d) && d >= 0 && d < 9e18) return static_cast<int64_t>(std::llround(d));
  }
  return std::nullopt;
}

std::vector<std::string> strings(const json& j, const char* key) {
  std::vector<std::string> out;
  auto it = j.find(key);
  if (it == j.end() || !it->is_array()) return out;
  for (auto& v : *it)
    if (v.is_string()) out.push_back(v.get<std::string>());
  return out;
}

std::string iso_date(const std::string& yyyymmdd) {
  if (yyyymmdd.size() != 8 || yyyymmdd.find_first_not_of("0123456789") != std::string::npos) return "";
  return yyyymmdd.substr(0, 4) + "-" + yyyymmdd.substr(4, 2) + "-" + yyyymmdd.substr(6, 2);
}

std::string best_thumbnail(const json& info) {
  auto direct = str(info, "thumbnail");
  if (!direct.empty()) return direct;
  // thumbnails[] is sorted worst to best by yt-dlp (by "preference").
  auto it = info.find("thumbnails");
  if (it == info.end() || !it->is_array()) return "";
  for (auto t = it->rbegin(); t != it->rend(); ++t) {
    if (t->is_object()) {
      auto url = str(*t, "url");
      if (!url.empty()) return url;
    }
  }
  return "";
}

void add_tracks(const json& info, const char* key, bool automatic, std::vector<CaptionTrack>& out) {
  auto it = info.find(key);
  if (it == info.end() || !it->is_object()) return;
  for (auto& [lang, formats] : it->items()) {
    if (!formats.is_array()) continue;
    CaptionTrack t{utf8::sanitize(lang), automatic, false, {}};
    for (auto& f : formats) {
      if (!f.is_object()) continue;
      auto ext = str(f, "ext");
      if (!ext.empty()) t.formats.push_back(ext);
      // yt-dlp lists every auto-translation target; their URLs carry tlang=.
      if (automatic && str(f, "url").find("tlang=") != std::string::npos) t.translated = true;
    }
    out.push_back(std::move(t));
  }
}

std::string live_status(const json& info) {
  auto s = str(info, "live_status");
  if (!s.empty()) return s;
  auto flag = [&](const char* k) {
    auto it = info.find(k);
    return it != info.end() && it->is_boolean() && it->get<bool>();
  };
  if (flag("is_live")) return "is_live";
  if (flag("was_live")) return "was_live";
  return "";
}

}  // namespace

VideoMetadata parse_ytdlp_info(std::string_view json_text, const std::string& requested_id) {
  json info = json::parse(utf8::sanitize_json_text(json_text), nullptr, /*allow_exceptions=*/false);
  if (info.is_discarded() || !info.is_object()) {
    auto head = utf8::sanitize(json_text.substr(0, 80));
    throw td::TransientError("ytdlp_bad_output", "yt-dlp printed something that is not a JSON object: '" + head + "'");
  }
  auto type = str(info, "_type");
  if (type == "playlist" || type == "multi_video") {
    throw td::PermanentError("bad_link", video_key(requested_id) + " resolved to a playlist, not a single video");
  }
  VideoMetadata m;
  m.id = requested_id;
  auto reported = str(info, "id");
  if (!reported.empty() && reported != requested_id) {
    spdlog::warn("video=yt:{} yt-dlp reported id {}; keeping the requested one", requested_id,
                 utf8::sanitize(reported));
  }
  m.title = str(info, "title");
  if (m.title.empty()) m.title = str(info, "fulltitle");
  m.description = str(info, "description");
  m.channel = str(info, "channel");
  if (m.channel.empty()) m.channel = str(info, "uploader");
  m.channel_id = str(info, "channel_id");
  m.duration_s = count(info, "duration");
  m.upload_date = iso_date(str(info, "upload_date"));
  m.view_count = count(info, "view_count");
  m.like_count = count(info, "like_count");
  m.comment_count = count(info, "comment_count");
  m.tags = strings(info, "tags");
  m.categories = strings(info, "categories");
  m.thumbnail = best_thumbnail(info);
  m.language = str(info, "language");
  if (auto it = info.find("chapters"); it != info.end() && it->is_array()) {
    for (auto& c : *it) {
      if (!c.is_object()) continue;
      Chapter ch;
      if (auto s = c.find("start_time"); s != c.end() && s->is_number()) ch.start_s = s->get<double>();
      if (auto e = c.find("end_time"); e != c.end() && e->is_number()) ch.end_s = e->get<double>();
      ch.title = str(c, "title");
      m.chapters.push_back(std::move(ch));
    }
  }
  m.live_status = live_status(info);
  std::vector<CaptionTrack> tracks;
  add_tracks(info, "subtitles", false, tracks);
  add_tracks(info, "automatic_captions", true, tracks);
  // Keep the listing small: the ~150 auto-translation targets are only worth
  // remembering when no untranslated auto track exists.
  bool has_untranslated =
      std::any_of(tracks.begin(), tracks.end(), [](auto& t) { return t.automatic && !t.translated; });
  if (has_untranslated) std::erase_if(tracks, [](auto& t) { return t.translated; });
  m.captions = std::move(tracks);
  m.source = "yt-dlp";
  normalize(m);
  return m;
}

}  // namespace td::youtube
