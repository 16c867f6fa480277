#include "youtube/metadata.h"
#include "youtube/link.h"

#include <spdlog/spdlog.h>

#include "common/errors.h"
#include "youtube/utf8.h"

namespace td::youtube {

namespace {

template <class T>
nlohmann::json opt(const std::optional<T>& v) {
  return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
}

template <class T>
std::optional<T> opt_from(const nlohmann::json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return std::nullopt;
  return it->get<T>();
}

std::string str_from(const nlohmann::json& j, const char* key) {
  auto it = j.find(key);
  return it == j.end() || !it->is_string() ? std::string() : it->get<std::string>();
}

}  // namespace

nlohmann::json to_json(const VideoMetadata& m) {
  nlohmann::json chapters = nlohmann::json::array();
  for (auto& c : m.chapters) chapters.push_back({{"start_s", c.start_s}, {"end_s", c.end_s}, {"title", c.title}});
  nlohmann::json j = {
      {"id", m.id},
      {"title", m.title},
      {"description", m.description},
      {"description_truncated", m.description_truncated},
      {"channel", m.channel},
      {"channel_id", m.channel_id},
      {"duration_s", opt(m.duration_s)},
      {"upload_date", m.upload_date},
      {"view_count", opt(m.view_count)},
      {"like_count", opt(m.like_count)},
      {"comment_count", opt(m.comment_count)},
      {"tags", m.tags},
      {"categories", m.categories},
      {"thumbnail", m.thumbnail},
      {"language", m.language},
      {"chapters", chapters},
      {"live_status", m.live_status},
      {"source", m.source},
  };
  if (m.captions) {
    nlohmann::json caps = nlohmann::json::array();
    for (auto& t : *m.captions) {
      caps.push_back(
          {{"language", t.language}, {"automatic", t.automatic}, {"translated", t.translated}, {"formats", t.formats}});
    }
    j["captions"] = caps;
  } else {
    j["captions"] = nullptr;
  }
  return j;
}

VideoMetadata metadata_from_json(const nlohmann::json& j) {
  try {
    if (!j.is_object() || !j.contains("id")) throw std::invalid_argument("not a metadata object");
    VideoMetadata m;
    m.id = j.at("id").get<std::string>();
    m.title = str_from(j, "title");
    m.description = str_from(j, "description");
    m.description_truncated = j.value("description_truncated", false);
    m.channel = str_from(j, "channel");
    m.channel_id = str_from(j, "channel_id");
    m.duration_s = opt_from<int64_t>(j, "duration_s");
    m.upload_date = str_from(j, "upload_date");
    m.view_count = opt_from<int64_t>(j, "view_count");
    m.like_count = opt_from<int64_t>(j, "like_count");
    m.comment_count = opt_from<int64_t>(j, "comment_count");
    m.tags = j.value("tags", std::vector<std::string>{});
    m.categories = j.value("categories", std::vector<std::string>{});
    m.thumbnail = str_from(j, "thumbnail");
    m.language = str_from(j, "language");
    for (auto& c : j.value("chapters", nlohmann::json::array())) {
      m.chapters.push_back({c.value("start_s", 0.0), c.value("end_s", 0.0), c.value("title", "")});
    }
    m.live_status = str_from(j, "live_status");
    m.source = str_from(j, "source");
    if (auto it = j.find("captions"); it != j.end() && it->is_array()) {
      std::vector<CaptionTrack> caps;
      for (auto& t : *it) {
        caps.push_back({t.at("language").get<std::string>(), t.value("automatic", false), t.value("translated", false),
                        t.value("formats", std::vector<std::string>{})});
      }
      m.captions = std::move(caps);
    }
    return m;
  } catch (const nlohmann::json::exception& e) {
    throw td::TransientError("bad_cached_metadata", std::string("stored metadata is unreadable: ") + e.what());
  } catch (const std::invalid_argument& e) {
    throw td::TransientError("bad_cached_metadata", std::string("stored metadata is unreadable: ") + e.what());
  }
}

VideoMetadata minimal_metadata(const std::string& video_id) {
  VideoMetadata m;
  m.id = video_id;
  m.source = "none";
  return m;
}

bool metadata_missing(const VideoMetadata& m) { return m.source == "none"; }

void require_finished(const VideoMetadata& m) {
  if (m.live_status == "is_live") {
    throw td::PermanentError("live_not_finished",
                             video_key(m.id) + " is live right now; submit it again after the stream ends");
  }
  if (m.live_status == "is_upcoming") {
    throw td::PermanentError("live_not_finished",
                             video_key(m.id) + " is a scheduled stream or premiere that has not started");
  }
}

bool cacheable(const VideoMetadata& m) {
  return m.live_status != "is_live" && m.live_status != "is_upcoming" && m.live_status != "post_live";
}

void normalize(VideoMetadata& m) {
  auto clean = [](std::string& s, size_t cap, bool* cut = nullptr) { s = utf8::truncate(utf8::sanitize(s), cap, cut); };
  clean(m.title, kMaxTitleChars);
  bool cut = false;
  size_t original_bytes = m.description.size();
  clean(m.description, kMaxDescriptionChars, &cut);
  if (cut) {
    m.description_truncated = true;
    spdlog::info("video=yt:{} description cut from {} bytes to {} characters", m.id, original_bytes,
                 kMaxDescriptionChars);
  }
  clean(m.channel, 500);
  clean(m.channel_id, 100);
  clean(m.thumbnail, 2000);
  clean(m.language, 35);
  clean(m.upload_date, 10);
  if (m.tags.size() > kMaxTags) m.tags.resize(kMaxTags);
  for (auto& t : m.tags) clean(t, 200);
  for (auto& c : m.categories) clean(c, 200);
  for (auto& c : m.chapters) clean(c.title, 500);
}

}  // namespace td::youtube
