// Shared by the summarize service tests: a database with videos and
// transcripts made by the store's own functions, a Worker running the
// summarize handler, and readers for what the handler left behind.
#pragma once

#include <atomic>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

#include "summarize/summarizer.h"
#include "summarize_stage.h"
#include "support/helpers.h"
#include "support/pg.h"
#include "worker/worker.h"

namespace td::summarize_test {

using json = nlohmann::json;

struct Event {
  int64_t id;
  std::string type;
  json data;
};

struct VideoSpec {
  std::string id;  // "yt:" + 11 characters
  std::vector<std::string> requested;
  int minutes = 12;
  std::string language = "en";
  bool transcript = true;
};

// The input the handler should build for this video (for QA checks).
summarize::SummaryInput add_video(pqxx::connection& c, const VideoSpec& v);

// Enqueues through store::enqueue_summarize; returns the job id.
int64_t enqueue(pqxx::connection& c, const std::string& video, const std::string& variant,
                std::optional<int64_t> reprocess_id = std::nullopt, bool regenerate_audio = false);
// A reprocess request, with summarize jobs for each variant (as the gateway does).
int64_t reprocess(pqxx::connection& c, const std::string& video, const std::vector<std::string>& variants,
                  bool regenerate_audio);

std::vector<Event> events(pqxx::connection& c, const std::string& type = "");
std::string job_status(pqxx::connection& c, int64_t id);
std::string job_error(pqxx::connection& c, int64_t id);
// True once no summarize job is queued, running or waiting for a retry.
bool summarize_idle(pqxx::connection& c);
bool wait_idle(pqxx::connection& c);
using td::test::counter;
using td::test::histogram_count;
int64_t count(pqxx::connection& c, const std::string& sql);

// Runs a Worker with the summarize handler on a thread; stops it on destruction.
struct Running {
  std::unique_ptr<summarize_stage::SummarizeStage> stage;  // outlives the worker
  std::unique_ptr<worker::Worker> worker;
  std::thread thread;
  explicit Running(const std::string& url, summarize_stage::Config config = {}, int concurrency = 2);
  ~Running();
};

// The extractive chain with SUMMARY_LANGUAGE=auto (what the service runs by default).
summarize_stage::Config extractive_config();

}  // namespace td::summarize_test
