#include "youtube/data_api_source.h"

#include "common/time_format.h"

#include <cstdint>
#include <ctime>
#include <map>

#include <spdlog/spdlog.h>

#include "common/env.h"
#include "common/errors.h"
#include "common/http_client.h"
#include "youtube/errors.h"
#include "youtube/iso_duration.h"
#include "youtube/link.h"
#include "youtube/pacific_time.h"
#include "youtube/utf8.h"

namespace td::youtube {

namespace {

using json = nlohmann::json;

std::string str(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// Statistics are decimal strings; numbers are accepted too, anything else is "unknown".
std::optional<int64_t> stat(const json& stats, const char* key) {
  auto it = stats.find(key);
  if (it == stats.end()) return std::nullopt;
  if (it->is_number_unsigned() && it->get<uint64_t>() <= static_cast<uint64_t>(INT64_MAX)) return it->get<int64_t>();
  if (!it->is_string()) return std::nullopt;
  auto s = it->get<std::string>();
  if (s.empty() || s.size() > 18 || s.find_first_not_of("0123456789") != std::string::npos) return std::nullopt;
  return std::stoll(s);
}

// Google's error reasons: {"error":{"code":403,"errors":[{"reason":"quotaExceeded",...}],"message":...}}
std::string error_reason(const json& body) {
  if (!body.is_object() || !body.contains("error") || !body["error"].is_object()) return "";
  auto& err = body["error"];
  if (auto it = err.find("errors"); it != err.end() && it->is_array()) {
    for (auto& e : *it) {
      if (e.is_object() && !str(e, "reason").empty()) return str(e, "reason");
    }
  }
  if (auto it = err.find("details"); it != err.end() && it->is_array()) {
    for (auto& d : *it) {
      if (d.is_object() && !str(d, "reason").empty()) return str(d, "reason");
    }
  }
  return str(err, "status");
}

std::string best_thumbnail(const json& snippet) {
  auto it = snippet.find("thumbnails");
  if (it == snippet.end() || !it->is_object()) return "";
  for (const char* size : {"maxres", "standard", "high", "medium", "default"}) {
    if (auto t = it->find(size); t != it->end() && t->is_object() && !str(*t, "url").empty()) return str(*t, "url");
  }
  return "";
}

VideoMetadata map_item(const json& item, const std::string& id) {
  VideoMetadata m;
  m.id = id;
  m.source = "data-api";
  json snippet = item.value("snippet", json::object());
  json details = item.value("contentDetails", json::object());
  json stats = item.value("statistics", json::object());
  if (!snippet.is_object()) snippet = json::object();
  if (!details.is_object()) details = json::object();
  if (!stats.is_object()) stats = json::object();
  m.title = str(snippet, "title");
  m.description = str(snippet, "description");
  m.channel = str(snippet, "channelTitle");
  m.channel_id = str(snippet, "channelId");
  auto published = str(snippet, "publishedAt");  // "2009-10-25T06:57:33Z"
  if (published.size() >= 10 && published[4] == '-' && published[7] == '-') m.upload_date = published.substr(0, 10);
  if (auto it = snippet.find("tags"); it != snippet.end() && it->is_array()) {
    for (auto& t : *it)
      if (t.is_string()) m.tags.push_back(t.get<std::string>());
  }
  if (auto cat = str(snippet, "categoryId"); !cat.empty()) m.categories.push_back(youtube_category_name(cat));
  m.thumbnail = best_thumbnail(snippet);
  m.language = str(snippet, "defaultAudioLanguage");
  if (m.language.empty()) m.language = str(snippet, "defaultLanguage");
  auto live = str(snippet, "liveBroadcastContent");
  m.live_status = live == "live" ? "is_live" : live == "upcoming" ? "is_upcoming" : live == "none" ? "not_live" : "";
  auto duration = parse_iso_duration(str(details, "duration"));
  // PT0S is what a live stream reports: no duration yet, not "zero seconds".
  bool live_now = m.live_status == "is_live" || m.live_status == "is_upcoming";
  if (duration && !(*duration == 0 && live_now)) m.duration_s = duration;
  m.view_count = stat(stats, "viewCount");
  m.like_count = stat(stats, "likeCount");
  m.comment_count = stat(stats, "commentCount");
  normalize(m);
  return m;
}

}  // namespace

std::optional<DataApiConfig> DataApiConfig::from_env() {
  auto key = env::get("YOUTUBE_API_KEY");
  if (!key) return std::nullopt;
  DataApiConfig c;
  c.key = *key;
  c.base = env::get_or("YOUTUBE_API_BASE", c.base);
  c.timeout = env::get_duration("YOUTUBE_API_TIMEOUT", c.timeout);
  return c;
}

DataApiSource::DataApiSource(DataApiConfig config, std::shared_ptr<const td::Clock> clock)
    : config_(std::move(config)), clock_(clock ? std::move(clock) : std::make_shared<td::SystemClock>()) {}

std::optional<std::chrono::system_clock::time_point> DataApiSource::quota_blocked_until() const {
  std::lock_guard lock(mu_);
  if (quota_reset_ && clock_->now() < *quota_reset_) return quota_reset_;
  return std::nullopt;
}

VideoMetadata DataApiSource::fetch(const std::string& id) {
  if (!is_valid_video_id(id))
    throw td::PermanentError("bad_link", "not a YouTube video id: '" + id.substr(0, 40) + "'");
  if (auto until = quota_blocked_until()) {
    throw QuotaExceeded("YouTube Data API quota is spent until " + td::iso8601(*until), *until);
  }
  td::http::Request req;
  req.url = td::http::join_url(config_.base, "videos") + "?part=snippet,contentDetails,statistics&id=" + id +
            "&key=" + http::percent_encode(config_.key);
  req.timeout = config_.timeout;
  req.connect_timeout = std::min(config_.timeout, req.connect_timeout);
  req.max_body = 4 * 1024 * 1024;
  req.headers["Accept"] = "application/json";
  auto resp = td::http::send(req);
  // The key is in the URL's query: describe() shows the URL without its query.
  std::string what = "YouTube Data API videos.list for yt:" + id;
  if (resp.status == 0) throw td::TransientError("data_api_unreachable", what + ": " + resp.describe());

  json body = json::parse(utf8::sanitize_json_text(resp.body), nullptr, /*allow_exceptions=*/false);
  bool is_json = !body.is_discarded() && body.is_object();
  if (resp.status == 200) {
    if (!is_json)
      throw td::TransientError("data_api_bad_response", what + ": the answer is not JSON: " + resp.describe());
    auto items = body.find("items");
    if (items == body.end() || !items->is_array()) {
      throw td::TransientError("data_api_bad_response", what + ": the answer has no items array");
    }
    for (auto& item : *items) {
      if (item.is_object() && str(item, "id") == id) return map_item(item, id);
    }
    throw td::PermanentError("not_found",
                             video_key(id) + " does not exist or is private (the Data API does not list it)");
  }
  std::string reason = is_json ? error_reason(body) : "";
  if (resp.status == 403 && (reason == "quotaExceeded" || reason == "dailyLimitExceeded")) {
    auto reset = next_pacific_midnight(clock_->now());
    bool first = false;
    {
      std::lock_guard lock(mu_);
      first = !quota_reset_ || *quota_reset_ != reset;
      quota_reset_ = reset;
    }
    if (first) {
      spdlog::warn(
          "YouTube Data API quota exceeded; not calling it again until {} (midnight Pacific); yt-dlp continues",
          td::iso8601(reset));
    }
    throw QuotaExceeded(what + ": quota exceeded until " + td::iso8601(reset), reset, resp.status);
  }
  // From here on every error is an HTTP answer other than 200: it carries
  // the status (a 200 with a bad body above carries none: that answer was
  // not an HTTP error).
  if (resp.retryable() || reason == "rateLimitExceeded" || reason == "userRateLimitExceeded") {
    throw td::TransientError("data_api_failed", what + ": " + resp.describe(), resp.status);
  }
  if (resp.status == 400 || resp.status == 401 || resp.status == 403) {
    throw td::TransientError(
        "data_api_auth",
        what + ": refused (" + (reason.empty() ? "no reason" : reason) + "), check YOUTUBE_API_KEY: " + resp.describe(),
        resp.status);
  }
  throw td::TransientError("data_api_failed", what + ": " + resp.describe(), resp.status);
}

std::string youtube_category_name(const std::string& id) {
  static const std::map<std::string, std::string> names = {{"1", "Film & Animation"},
                                                           {"2", "Autos & Vehicles"},
                                                           {"10", "Music"},
                                                           {"15", "Pets & Animals"},
                                                           {"17", "Sports"},
                                                           {"18", "Short Movies"},
                                                           {"19", "Travel & Events"},
                                                           {"20", "Gaming"},
                                                           {"21", "Videoblogging"},
                                                           {"22", "People & Blogs"},
                                                           {"23", "Comedy"},
                                                           {"24", "Entertainment"},
                                                           {"25", "News & Politics"},
                                                           {"26", "Howto & Style"},
                                                           {"27", "Education"},
                                                           {"28", "Science & Technology"},
                                                           {"29", "Nonprofits & Activism"},
                                                           {"30", "Movies"},
                                                           {"31", "Anime/Animation"},
                                                           {"32", "Action/Adventure"},
                                                           {"33", "Classics"},
                                                           {"34", "Comedy"},
                                                           {"35", "Documentary"},
                                                           {"36", "Drama"},
                                                           {"37", "Family"},
                                                           {"38", "Foreign"},
                                                           {"39", "Horror"},
                                                           {"40", "Sci-Fi/Fantasy"},
                                                           {"41", "Thriller"},
                                                           {"42", "Shorts"},
                                                           {"43", "Shows"},
                                                           {"44", "Trailers"}};
  auto it = names.find(id);
  return it == names.end() ? id : it->second;
}

}  // namespace td::youtube
