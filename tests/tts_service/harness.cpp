#include "harness.h"

#include <doctest/doctest.h>
#include <stdlib.h>

#include <algorithm>
#include <filesystem>

#include "catalog/catalog.h"
#include "metrics/metrics.h"
#include "queue/queue.h"
#include "store/summaries.h"
#include "store/videos.h"
#include "support/helpers.h"
#include "tts/espeak_engine.h"

using namespace std::chrono_literals;

namespace td::tts_service_test {

const std::string kEnglishScript =
    "Solar panels turn sunlight into electricity. Prices fell by ninety percent in ten years. "
    "Batteries now store the power for the evening, and homes sell the surplus back to the grid. "
    "The speaker expects rooftop solar to supply a third of all homes by the end of the decade.";

RunningStage::RunningStage(const std::string& url, std::shared_ptr<tts::TtsEngine> engine,
                           std::shared_ptr<store::AudioStore> store)
    : stage_(std::move(engine), std::move(store)) {
  worker::Options o;
  o.database_url = url;
  o.kinds = {store::kTtsKind};
  o.concurrency = 1;
  o.poll_interval = 200ms;
  o.maintenance_interval = 0ms;
  o.shutdown_deadline = 10s;
  o.retry_backoff = {50ms, 200ms, 0.0};
  o.prepare = catalog::prepare;
  auto handler = td::stage::install(stage_, o);
  worker_ = std::make_unique<worker::Worker>(o, handler);
  thread_ = std::thread([this] { worker_->run(); });
  REQUIRE(test::eventually([this] { return worker_->ready(); }, 10s));
}

RunningStage::~RunningStage() {
  worker_->stop();
  if (thread_.joinable()) thread_.join();
}

std::shared_ptr<CountingEngine> espeak_engine() {
  return std::make_shared<CountingEngine>(std::make_unique<tts::EspeakEngine>(tts::EspeakOptions{}));
}

void seed_video(pqxx::connection& c, const std::string& video_id, const std::vector<std::string>& variants) {
  pqxx::work tx(c);
  store::Video v;
  v.id = video_id;
  v.url = "https://www.youtube.com/watch?v=" + video_id.substr(3);
  v.title = "Test video";
  v.requested_variants = variants;
  store::upsert_video(tx, v);
  tx.commit();
}

int seed_summary(pqxx::connection& c, const std::string& video_id, const std::string& variant, const std::string& text,
                 const std::string& language) {
  pqxx::work tx(c);
  store::lock_video(tx, video_id);
  store::Summary s;
  s.video_id = video_id;
  s.variant = variant;
  s.text = text;
  s.language = language;
  s.word_count = int(std::count(text.begin(), text.end(), ' ')) + 1;
  s.provider = "test";
  auto stored = store::insert_summary_once(tx, s);
  tx.commit();
  return stored.summary.revision;
}

int64_t enqueue_tts(pqxx::connection& c, const store::TtsRequest& r) {
  queue::Queue q;
  pqxx::work tx(c);
  auto e = store::enqueue_tts(tx, q, r);
  tx.commit();
  return e.id;
}

std::string wait_finished(pqxx::connection& c, int64_t job_id) {
  std::string status;
  test::eventually(
      [&] {
        pqxx::read_transaction tx(c);
        status = tx.exec_params("SELECT status FROM jobs WHERE id = $1", job_id)[0][0].as<std::string>();
        return status == "done" || status == "dead";
      },
      60s);
  return status;
}

std::string last_error(pqxx::connection& c, int64_t job_id) {
  pqxx::read_transaction tx(c);
  auto f = tx.exec_params("SELECT last_error FROM jobs WHERE id = $1", job_id)[0][0];
  return f.is_null() ? "" : f.as<std::string>();
}

std::vector<EventRow> events(pqxx::connection& c) {
  pqxx::read_transaction tx(c);
  std::vector<EventRow> out;
  for (const auto& r : tx.exec("SELECT type, data::text FROM events ORDER BY id"))
    out.push_back({r[0].as<std::string>(), nlohmann::json::parse(r[1].as<std::string>())});
  return out;
}

std::vector<store::AudioRecord> audio_rows(pqxx::connection& c, const std::string& video_id) {
  pqxx::read_transaction tx(c);
  std::vector<store::AudioRecord> out;
  for (const auto& r : tx.exec_params("SELECT id FROM audio WHERE video_id = $1 ORDER BY id", video_id)) {
    auto rec = store::audio_by_job(
        tx, tx.exec_params("SELECT job_id FROM audio WHERE id = $1", r[0].as<int64_t>())[0][0].as<int64_t>());
    REQUIRE(rec);
    out.push_back(*rec);
  }
  return out;
}

std::string load(pqxx::connection& c, const store::AudioRecord& rec, const std::string& audio_dir) {
  pqxx::read_transaction tx(c);
  return store::load_audio(tx, rec, audio_dir);
}

TempDir::TempDir() {
  char tmpl[] = "/tmp/td-tts-service-XXXXXX";
  REQUIRE(::mkdtemp(tmpl) != nullptr);
  path_ = tmpl;
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

std::vector<std::string> TempDir::files() const {
  std::vector<std::string> out;
  for (const auto& e : std::filesystem::directory_iterator(path_)) out.push_back(e.path().filename().string());
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace td::tts_service_test
