// Shared by the tts service tests: a Worker running the tts stage on a
// thread, seeding helpers and readers for jobs, rows, events and counters.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

#include "store/audio.h"
#include "store/pipeline.h"
#include "support/helpers.h"
#include "tts/engine.h"
#include "tts_stage.h"
#include "worker/worker.h"

namespace td::tts_service_test {

// Wraps an engine and counts synthesize() calls: "no new synthesis" is
// checked here, not inferred from the rows.
class CountingEngine final : public tts::TtsEngine {
 public:
  explicit CountingEngine(std::unique_ptr<tts::TtsEngine> inner) : inner_(std::move(inner)) {}
  tts::SpeechPlan plan(const tts::SpeechRequest& r) const override { return inner_->plan(r); }
  tts::Mp3Audio synthesize(const std::string& script, const tts::SpeechRequest& r) override {
    int n = ++calls;
    if (before) before(n);
    return inner_->synthesize(script, r);
  }
  std::atomic<int> calls{0};
  // Runs first in every call (1-based call number): tests throw from it or
  // change the database while "speaking". Set before the worker starts.
  std::function<void(int)> before;

 private:
  std::unique_ptr<tts::TtsEngine> inner_;
};

// A tts Worker on a thread; stops and joins on destruction.
class RunningStage {
 public:
  RunningStage(const std::string& url, std::shared_ptr<tts::TtsEngine> engine,
               std::shared_ptr<store::AudioStore> store);
  ~RunningStage();

 private:
  tts_stage::TtsStage stage_;
  std::unique_ptr<worker::Worker> worker_;
  std::thread thread_;
};

std::shared_ptr<CountingEngine> espeak_engine();

// A video asking for `variants`, and one summary revision per (variant, text).
void seed_video(pqxx::connection& c, const std::string& video_id, const std::vector<std::string>& variants);
int seed_summary(pqxx::connection& c, const std::string& video_id, const std::string& variant, const std::string& text,
                 const std::string& language = "en");

int64_t enqueue_tts(pqxx::connection& c, const store::TtsRequest& r);
// Waits (up to 60 s) for the job to reach done or dead; returns the status.
std::string wait_finished(pqxx::connection& c, int64_t job_id);
std::string last_error(pqxx::connection& c, int64_t job_id);

struct EventRow {
  std::string type;
  nlohmann::json data;
};
std::vector<EventRow> events(pqxx::connection& c);
using td::test::counter;
using td::test::histogram_count;
std::vector<store::AudioRecord> audio_rows(pqxx::connection& c, const std::string& video_id);
std::string load(pqxx::connection& c, const store::AudioRecord& rec, const std::string& audio_dir = "");

// A fresh empty directory under /tmp, removed with its files on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::string& path() const { return path_; }
  std::vector<std::string> files() const;

 private:
  std::string path_;
};

extern const std::string kEnglishScript;

}  // namespace td::tts_service_test
