#include "fixtures.h"

#include <doctest/doctest.h>

#include <chrono>

#include "catalog/catalog.h"
#include "metrics/metrics.h"
#include "store/pipeline.h"
#include "store/reprocess.h"
#include "store/transcripts.h"
#include "store/videos.h"
#include "summarize/text.h"
#include "summarize/transcript_gen.h"
#include "support/helpers.h"

using namespace std::chrono_literals;

namespace td::summarize_test {

summarize::SummaryInput add_video(pqxx::connection& c, const VideoSpec& v) {
  summarize::testing::GenOptions g;
  g.minutes = v.minutes;
  g.language = v.language;
  g.seed = static_cast<unsigned>(std::hash<std::string>{}(v.id));
  auto in = summarize::testing::generate_transcript(g);
  in.transcript_language = v.language;
  pqxx::work tx(c);
  store::Video video;
  video.id = v.id;
  video.url = "https://www.youtube.com/watch?v=" + v.id.substr(3);
  video.title = in.title;
  video.duration_s = in.duration_seconds;
  video.requested_variants = v.requested;
  store::upsert_video(tx, video);
  if (v.transcript) {
    store::TranscriptRow t;
    t.video_id = v.id;
    t.language = v.language;
    t.source = "auto";
    t.text = summarize::transcript_text(in);
    t.segments = json::array();
    for (const auto& s : in.segments)
      t.segments.push_back({{"start_ms", static_cast<int64_t>(s.start_seconds * 1000)}, {"text", s.text}});
    t.word_count = summarize::count_words(t.text);
    store::upsert_transcript(tx, t);
  }
  tx.commit();
  return in;
}

int64_t enqueue(pqxx::connection& c, const std::string& video, const std::string& variant,
                std::optional<int64_t> reprocess_id, bool regenerate_audio) {
  pqxx::work tx(c);
  queue::Queue q;
  auto e = store::enqueue_summarize(tx, q, {video, variant, reprocess_id, regenerate_audio});
  tx.commit();
  return e.id;
}

int64_t reprocess(pqxx::connection& c, const std::string& video, const std::vector<std::string>& variants,
                  bool regenerate_audio) {
  pqxx::work tx(c);
  queue::Queue q;
  auto r = store::open_reprocess(tx, video, variants, regenerate_audio);
  std::vector<int64_t> ids;
  for (const auto& v : variants)
    ids.push_back(store::enqueue_summarize(tx, q, {video, v, r.request.id, regenerate_audio}).id);
  store::set_reprocess_jobs(tx, r.request.id, ids);
  tx.commit();
  return r.request.id;
}

std::vector<Event> events(pqxx::connection& c, const std::string& type) {
  pqxx::read_transaction tx(c);
  std::vector<Event> out;
  for (const auto& r : tx.exec("SELECT id, type, data::text FROM events ORDER BY id")) {
    Event e{r[0].as<int64_t>(), r[1].as<std::string>(), json::parse(r[2].as<std::string>())};
    if (type.empty() || e.type == type) out.push_back(e);
  }
  return out;
}

std::string job_status(pqxx::connection& c, int64_t id) {
  pqxx::read_transaction tx(c);
  auto r = tx.exec_params("SELECT status FROM jobs WHERE id = $1", id);
  return r.empty() ? "missing" : r[0][0].as<std::string>();
}

std::string job_error(pqxx::connection& c, int64_t id) {
  pqxx::read_transaction tx(c);
  auto r = tx.exec_params("SELECT coalesce(last_error, '') FROM jobs WHERE id = $1", id);
  return r.empty() ? "" : r[0][0].as<std::string>();
}

int64_t count(pqxx::connection& c, const std::string& sql) {
  pqxx::read_transaction tx(c);
  return tx.exec(sql)[0][0].as<int64_t>();
}

bool summarize_idle(pqxx::connection& c) {
  return count(c, "SELECT count(*) FROM jobs WHERE kind = 'summarize' AND status IN ('queued', 'running', 'failed')") ==
         0;
}

bool wait_idle(pqxx::connection& c) {
  return test::eventually([&] { return summarize_idle(c); }, 60s);
}

summarize_stage::Config extractive_config() { return summarize_stage::config_from("extractive", "auto"); }

Running::Running(const std::string& url, summarize_stage::Config config, int concurrency) {
  worker::Options o;
  o.database_url = url;
  o.kinds = {"summarize"};
  o.concurrency = concurrency;
  o.poll_interval = 200ms;
  o.maintenance_interval = 0ms;
  o.shutdown_deadline = 5s;
  o.retry_backoff = {50ms, 200ms, 0.0};
  o.prepare = catalog::prepare;
  if (!config.make_chain) config = extractive_config();
  stage = std::make_unique<summarize_stage::SummarizeStage>(std::move(config));
  auto handler = td::stage::install(*stage, o);
  worker = std::make_unique<worker::Worker>(o, handler);
  thread = std::thread([this] { worker->run(); });
  REQUIRE(test::eventually([this] { return worker->ready(); }, 10s));
}

Running::~Running() {
  worker->stop();
  if (thread.joinable()) thread.join();
}

}  // namespace td::summarize_test
