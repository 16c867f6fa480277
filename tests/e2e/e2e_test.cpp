// End to end: submit over HTTP and follow a video through ingest, summarize
// and tts to its report, its MP3 and its events; reprocess it; all with the
// real executables (one and two replicas of each worker).
#include <doctest/doctest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>
#include <thread>

#include <nlohmann/json.hpp>

#include "stack_support.h"
#include "summarize/transcript_gen.h"
#include "support/captions.h"
#include "support/helpers.h"
#include "support/pg.h"
#include "tts/mp3_decode.h"

using namespace std::chrono_literals;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

using td::test::free_port;
using td::test::get_json;

const std::string kVideo = "e2eLecture1";
const std::string kKey = "yt:" + kVideo;
const std::string kToken = "e2e-reprocess-secret";

// A fixture directory for the fake yt-dlp: a 10-minute lecture with manual
// English captions, under a video id of its own.
std::string make_fixtures() {
  auto dir = fs::temp_directory_path() / ("td-e2e-fixtures-" + std::to_string(getpid()));
  fs::create_directories(dir / kVideo / "subs");
  std::ifstream in(td::test::source_path("tests/youtube/fixtures/tdManualEn1/info.json"));
  json info = json::parse(in);
  std::string text = info.dump();
  for (size_t at; (at = text.find("tdManualEn1")) != std::string::npos;) text.replace(at, 11, kVideo);
  info = json::parse(text);
  info["duration"] = 600;
  info["title"] = "A ten-minute lecture for the end-to-end test";
  std::ofstream(dir / kVideo / "info.json") << info.dump();
  auto lecture = td::summarize::testing::generate_transcript({.minutes = 10, .language = "en", .seed = 7});
  std::ofstream vtt(dir / kVideo / "subs" / "en.vtt");
  vtt << "WEBVTT\nKind: captions\nLanguage: en\n\n";
  for (size_t i = 0; i < lecture.segments.size(); ++i) {
    auto start = static_cast<int64_t>(lecture.segments[i].start_seconds * 1000);
    int64_t end = i + 1 < lecture.segments.size() ? static_cast<int64_t>(lecture.segments[i + 1].start_seconds * 1000)
                                                  : start + 3000;
    vtt << td::test::vtt_timestamp(start) << " --> " << td::test::vtt_timestamp(end) << "\n"
        << lecture.segments[i].text << "\n\n";
  }
  return dir.string();
}

// Reads an SSE stream on a thread and keeps every event.
class SseRecorder {
 public:
  SseRecorder(int port, const std::string& path) : client_("127.0.0.1", port) {
    client_.set_read_timeout(2, 0);
    thread_ = std::thread([this, path] {
      while (!stop_) {
        client_.Get(path.c_str(), [this](const char* data, size_t len) {
          std::lock_guard<std::mutex> lock(mu_);
          buffer_.append(data, len);
          parse();
          return !stop_.load();
        });
      }
    });
  }
  ~SseRecorder() {
    stop_ = true;
    client_.stop();
    thread_.join();
  }
  std::vector<json> events() {
    std::lock_guard<std::mutex> lock(mu_);
    return events_;
  }
  bool has(const std::string& type) {
    for (const auto& e : events())
      if (e["type"] == type) return true;
    return false;
  }

 private:
  void parse() {
    size_t end;
    while ((end = buffer_.find("\n\n")) != std::string::npos) {
      std::string block = buffer_.substr(0, end);
      buffer_.erase(0, end + 2);
      json e = json::object();
      std::istringstream lines(block);
      std::string line;
      while (std::getline(lines, line)) {
        if (line.rfind("id: ", 0) == 0) e["id"] = std::stoll(line.substr(4));
        else if (line.rfind("event: ", 0) == 0) e["type"] = line.substr(7);
        else if (line.rfind("data: ", 0) == 0) e["data"] = json::parse(line.substr(6));
      }
      if (e.contains("type")) events_.push_back(e);
    }
  }
  httplib::Client client_;
  std::thread thread_;
  std::atomic<bool> stop_{false};
  std::mutex mu_;
  std::string buffer_;
  std::vector<json> events_;
};

struct Stack {
  td::test::TestDatabase db{"e2e"};
  std::string fixtures = make_fixtures();
  int port = free_port();
  std::unique_ptr<td::test::Services> services;

  explicit Stack(int replicas) {
    std::vector<std::string> env = {"DATABASE_URL=" + db.url(),
                                    "YTDLP_PATH=" + td::test::source_path("tests/youtube/fake-yt-dlp"),
                                    "FAKE_YTDLP_FIXTURES=" + fixtures,
                                    "GATEWAY_LISTEN=127.0.0.1:" + std::to_string(port),
                                    "REPROCESS_AUTH_TOKEN=" + kToken,
                                    "WORKER_POLL_INTERVAL=1s",
                                    "SSE_HEARTBEAT_S=1",
                                    "SSE_METRICS_INTERVAL=1s",
                                    "LOG_LEVEL=warn",
                                    "PROMPTS_DIR=" + td::test::source_path("prompts")};
    services = std::make_unique<td::test::Services>(env, port, replicas);
  }
  ~Stack() {
    services.reset();
    fs::remove_all(fixtures);
  }
};

json report(httplib::Client& c) { return get_json(c, "/api/reports/" + kKey); }

// /api/metrics is cached for about a second (METRICS_CACHE_TTL): wait for a
// counter to reach a value instead of reading it once.
bool counter_becomes(httplib::Client& c, const std::string& name, int64_t value) {
  return td::test::eventually(
      [&] {
        auto m = get_json(c, "/api/metrics");
        return m["counters"].value(name, int64_t{0}) == value;
      },
      10s);
}

const json* variant(const json& rep, const std::string& name) {
  for (const auto& v : rep["summary"]["variants"])
    if (v["variant"] == name) return &v;
  return nullptr;
}

int count_type(const std::vector<json>& events, const std::string& type) {
  int n = 0;
  for (const auto& e : events) n += e["type"] == type;
  return n;
}

size_t index_of(const std::vector<json>& events, const std::string& type) {
  for (size_t i = 0; i < events.size(); ++i)
    if (events[i]["type"] == type) return i;
  return events.size();
}

void run_stack(int replicas) {
  Stack stack(replicas);
  httplib::Client c("127.0.0.1", stack.port);
  c.set_read_timeout(30, 0);
  SseRecorder sse(stack.port, "/api/report-events?video_id=" + kKey + "&batch=0");
  std::this_thread::sleep_for(300ms);

  const std::vector<std::string> variants = {"comprehensive", "bullet-points", "key-insights", "audio",
                                             "audio-es:beginner"};
  json submit = {{"url", "https://www.youtube.com/watch?v=" + kVideo + "&t=42s&si=abc"}, {"variants", variants}};
  auto r = c.Post("/api/submit", submit.dump(), "application/json");
  REQUIRE(r);
  INFO(r->body);
  REQUIRE(r->status == 202);
  auto accepted = json::parse(r->body);
  CHECK(accepted["video_id"] == kKey);
  CHECK(accepted["job_id"].get<int64_t>() > 0);
  // Pasting it again while pending gives the same job.
  auto again = c.Post("/api/submit", submit.dump(), "application/json");
  REQUIRE(again);
  CHECK(json::parse(again->body)["job_id"] == accepted["job_id"]);

  json rep;
  REQUIRE(td::test::eventually(
      [&] {
        rep = report(c);
        int audio = 0;
        for (const auto& v : rep["summary"]["variants"]) audio += v.contains("audio_url");
        return rep["summary"]["variants"].size() == variants.size() && audio == 2;
      },
      180s));

  // The report.
  CHECK(rep["video"]["title"] == "A ten-minute lecture for the end-to-end test");
  CHECK(rep["transcript"]["source"] == "manual");
  CHECK(rep["transcript"]["words"].get<int>() > 1000);
  for (const auto& name : variants) {
    auto* v = variant(rep, name);
    REQUIRE(v);
    CHECK((*v)["revision"] == 1);
    CHECK((*v)["word_count"].get<int>() > 20);
  }
  auto* comprehensive = variant(rep, "comprehensive");
  int words = (*comprehensive)["word_count"].get<int>();
  CHECK(words >= 150);  // a 10-minute video: 150-220 words (220-350 from 10 min)
  CHECK(words <= 350);
  CHECK((*variant(rep, "audio-es:beginner"))["language"] == "es");
  for (const auto& j : rep["jobs"]) CHECK(j["status"] == "done");

  // The MP3: valid, as long as the report says, seekable.
  auto* audio = variant(rep, "audio");
  std::string url = (*audio)["audio_url"].get<std::string>();
  CHECK(url == "/api/audio/" + kKey + "/audio.mp3");
  auto mp3 = c.Get(url.c_str());
  REQUIRE(mp3);
  REQUIRE(mp3->status == 200);
  CHECK(mp3->get_header_value("Content-Type") == "audio/mpeg");
  auto decoded = td::tts::test::decode_mp3(mp3->body);
  CHECK(decoded.seconds() == doctest::Approx((*audio)["duration"].get<double>()).epsilon(0.05));
  CHECK(decoded.seconds() > 30);
  CHECK(decoded.rms() > 300);
  auto part = c.Get(url.c_str(), {{"Range", "bytes=100-1099"}});
  REQUIRE(part);
  CHECK(part->status == 206);
  CHECK(part->body == mp3->body.substr(100, 1000));
  auto etag = mp3->get_header_value("ETag");
  auto cached = c.Get(url.c_str(), {{"If-None-Match", etag}});
  REQUIRE(cached);
  CHECK(cached->status == 304);

  // Reprocess: refused without the token, then new revisions; the unchanged
  // audio script reuses its MP3 unless regeneration is asked for.
  json body = {{"video_id", kKey}, {"summary_types", {"comprehensive", "audio"}}, {"regenerate_audio", false}};
  auto denied = c.Post("/api/reprocess", {{"X-Reprocess-Token", "wrong"}}, body.dump(), "application/json");
  REQUIRE(denied);
  CHECK(denied->status == 403);
  auto metrics_before = get_json(c, "/api/metrics");
  auto sched = c.Post("/api/reprocess", {{"X-Reprocess-Token", kToken}}, body.dump(), "application/json");
  REQUIRE(sched);
  INFO(sched->body);
  REQUIRE(sched->status == 202);
  CHECK(json::parse(sched->body)["status"] == "scheduled");
  REQUIRE(td::test::eventually([&] { return count_type(sse.events(), "reprocess-complete") == 1; }, 120s));
  rep = report(c);
  CHECK((*variant(rep, "comprehensive"))["revision"] == 2);
  CHECK((*variant(rep, "audio"))["revision"] == 2);
  CHECK((*variant(rep, "bullet-points"))["revision"] == 1);
  CHECK(counter_becomes(c, "audio_reused", metrics_before["counters"].value("audio_reused", int64_t{0}) + 1));
  auto generated = metrics_before["counters"].value("audio_generated", int64_t{0});

  body["regenerate_audio"] = true;
  body["summary_types"] = {"audio"};
  sched = c.Post("/api/reprocess", {{"X-Reprocess-Token", kToken}}, body.dump(), "application/json");
  REQUIRE(sched);
  REQUIRE(sched->status == 202);
  REQUIRE(td::test::eventually([&] { return count_type(sse.events(), "reprocess-complete") == 2; }, 120s));
  CHECK(counter_becomes(c, "audio_generated", generated + 1));
  CHECK((*variant(report(c), "audio"))["revision"] == 3);

  // Counters, exact across replicas.
  CHECK(counter_becomes(c, "ingest_success", 1));
  CHECK(counter_becomes(c, "summarize_success", 5 + 2 + 1));
  CHECK(counter_becomes(c, "tts_success", 2 + 1 + 1));
  CHECK(counter_becomes(c, "reprocess_requested", 2));
  CHECK(counter_becomes(c, "reprocess_success", 2));
  CHECK(counter_becomes(c, "summarize_failure", 0));
  CHECK(counter_becomes(c, "sse_clients_total", 1));
  CHECK(td::test::eventually([&] { return get_json(c, "/api/metrics")["sse_clients_current"] == 1; }, 10s));

  // The stream told the whole story, in order, with increasing ids.
  auto events = sse.events();
  REQUIRE(!events.empty());
  CHECK(events.front()["type"] == "report-updated");
  CHECK(events.front()["data"]["stage"] == "ingested");
  for (size_t i = 1; i < events.size(); ++i) CHECK(events[i]["id"].get<int64_t>() > events[i - 1]["id"].get<int64_t>());
  for (const auto& e : events) {
    CHECK(e["data"]["video_id"] == kKey);
    CHECK(e["data"].contains("at"));
  }
  CHECK(count_type(events, "report-updated") >= 1 + 5);
  CHECK(count_type(events, "audio-ready") >= 2);
  size_t synced = index_of(events, "report-synced"), audio_synced = index_of(events, "audio-synced");
  REQUIRE(synced < events.size());
  REQUIRE(audio_synced < events.size());
  CHECK(synced < audio_synced);
  CHECK(index_of(events, "audio-ready") < audio_synced);
  CHECK(count_type(events, "reprocess-scheduled") == 2);
  CHECK(count_type(events, "reprocess-requested") >= 2);
}

}  // namespace

TEST_CASE("EndToEnd: one replica of each service") { run_stack(1); }

TEST_CASE("EndToEnd: two replicas of each worker") { run_stack(2); }
