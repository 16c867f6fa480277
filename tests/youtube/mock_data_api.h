// A loopback stand-in for the YouTube Data API v3 videos.list endpoint.
// Serves canned items by id; `mode` switches it to the failures Google
// produces (quota, 500, HTML, bad key). Counts the calls it gets.
#pragma once

#include <httplib.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>

namespace td::youtube::testing {

class MockDataApi {
 public:
  enum class Mode { normal, quota, server_error, html, bad_key, rate_limit };

  MockDataApi() {
    server_.Get("/youtube/v3/videos",
                [this](const httplib::Request& req, httplib::Response& res) { handle(req, res); });
    port_ = server_.bind_to_any_port("127.0.0.1");
    if (port_ <= 0) throw std::runtime_error("mock Data API: cannot bind");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    for (int i = 0; i < 500 && !server_.is_running(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  ~MockDataApi() {
    server_.stop();
    thread_.join();
  }
  MockDataApi(const MockDataApi&) = delete;
  MockDataApi& operator=(const MockDataApi&) = delete;

  std::string base() const { return "http://127.0.0.1:" + std::to_string(port_) + "/youtube/v3"; }
  int calls() const { return calls_; }
  void set_mode(Mode m) { mode_ = m; }
  std::string last_query() {
    std::lock_guard lock(mu_);
    return last_query_;
  }

  static nlohmann::json item(const std::string& id) {
    using nlohmann::json;
    json snippet = {
        {"publishedAt", "2009-10-25T06:57:33Z"},
        {"channelId", "UCuAXFkgsw1L7xaCfnd5JJOw"},
        {"title", "Rick Astley - Never Gonna Give You Up (Official Music Video)"},
        {"description", "The official video for \u201cNever Gonna Give You Up\u201d by Rick Astley"},
        {"thumbnails",
         {{"default", {{"url", "https://i.ytimg.com/vi/" + id + "/default.jpg"}, {"width", 120}, {"height", 90}}},
          {"high", {{"url", "https://i.ytimg.com/vi/" + id + "/hqdefault.jpg"}, {"width", 480}, {"height", 360}}},
          {"maxres",
           {{"url", "https://i.ytimg.com/vi/" + id + "/maxresdefault.jpg"}, {"width", 1280}, {"height", 720}}}}},
        {"channelTitle", "Rick Astley"},
        {"tags", {"rick astley", "Never Gonna Give You Up", "rickroll"}},
        {"categoryId", "10"},
        {"liveBroadcastContent", "none"},
        {"defaultLanguage", "en"},
        {"localized", {{"title", "Rick Astley - Never Gonna Give You Up"}, {"description", "..."}}},
        {"defaultAudioLanguage", "en-US"}};
    json details = {{"duration", "PT3M33S"},      {"dimension", "2d"},       {"definition", "hd"},
                    {"caption", "true"},          {"licensedContent", true}, {"contentRating", json::object()},
                    {"projection", "rectangular"}};
    json stats = {
        {"viewCount", "1500000000"}, {"likeCount", "17000000"}, {"favoriteCount", "0"}, {"commentCount", "2300000"}};
    if (id == "apiLong0001") details["duration"] = "P1DT2H";
    if (id == "apiNoLikes1") {
      stats.erase("likeCount");
      stats.erase("commentCount");
    }
    if (id == "apiLiveNow1") {
      snippet["liveBroadcastContent"] = "live";
      details["duration"] = "PT0S";
    }
    return {{"kind", "youtube#video"},   {"etag", "x"},        {"id", id}, {"snippet", snippet},
            {"contentDetails", details}, {"statistics", stats}};
  }

 private:
  void handle(const httplib::Request& req, httplib::Response& res) {
    ++calls_;
    {
      std::lock_guard lock(mu_);
      last_query_.clear();
      for (auto& [k, v] : req.params) last_query_ += k + "=" + v + "&";
    }
    using nlohmann::json;
    switch (mode_.load()) {
      case Mode::quota:
        res.status = 403;
        res.set_content(
            R"({"error":{"code":403,"message":"The request cannot be completed because you have exceeded your <a href=\"/youtube/v3/getting-started#quota\">quota</a>.","errors":[{"message":"The request cannot be completed because you have exceeded your quota.","domain":"youtube.quota","reason":"quotaExceeded"}]}})",
            "application/json");
        return;
      case Mode::server_error:
        res.status = 500;
        res.set_content(
            R"({"error":{"code":500,"message":"Internal error encountered.","errors":[{"message":"Internal error encountered.","domain":"global","reason":"backendError"}],"status":"INTERNAL"}})",
            "application/json");
        return;
      case Mode::html:
        res.status = 200;
        res.set_content("<!DOCTYPE html><html><head><title>Sorry...</title></head><body>unusual traffic</body></html>",
                        "text/html");
        return;
      case Mode::bad_key:
        res.status = 400;
        res.set_content(
            R"({"error":{"code":400,"message":"API key not valid. Please pass a valid API key.","errors":[{"message":"API key not valid. Please pass a valid API key.","domain":"global","reason":"badRequest"}],"status":"INVALID_ARGUMENT","details":[{"@type":"type.googleapis.com/google.rpc.ErrorInfo","reason":"API_KEY_INVALID","domain":"googleapis.com"}]}})",
            "application/json");
        return;
      case Mode::rate_limit:
        res.status = 403;
        res.set_content(
            R"({"error":{"code":403,"message":"rate","errors":[{"reason":"rateLimitExceeded","domain":"youtube.quota"}]}})",
            "application/json");
        return;
      case Mode::normal: break;
    }
    json body = {{"kind", "youtube#videoListResponse"},
                 {"etag", "e"},
                 {"items", json::array()},
                 {"pageInfo", {{"totalResults", 0}, {"resultsPerPage", 0}}}};
    auto id = req.get_param_value("id");
    if (id.starts_with("api") && id != "apiMissing1") {
      body["items"].push_back(item(id));
      body["pageInfo"]["totalResults"] = 1;
    }
    res.set_content(body.dump(), "application/json; charset=UTF-8");
  }

  httplib::Server server_;
  std::thread thread_;
  int port_ = 0;
  std::atomic<int> calls_{0};
  std::atomic<Mode> mode_{Mode::normal};
  std::mutex mu_;
  std::string last_query_;
};

}  // namespace td::youtube::testing
