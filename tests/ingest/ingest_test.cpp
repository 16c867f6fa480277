// The ingest stage against a real Postgres, the fake yt-dlp
// (tests/youtube/fake-yt-dlp) and a loopback Data API.
#include <doctest/doctest.h>

#include <atomic>
#include <fstream>
#include <sstream>
#include <thread>

#include "catalog/catalog.h"
#include "common/process.h"
#include "events/outbox.h"
#include "ingest_stage.h"
#include "ingest_worker.h"
#include "metrics/metrics.h"
#include "store/pauses.h"
#include "store/pipeline.h"
#include "store/transcripts.h"
#include "store/videos.h"
#include "support/helpers.h"
#include "support/pg.h"
#include "youtube/data_api_source.h"
#include "youtube/fallback_source.h"
#include "youtube/mock_data_api.h"
#include "youtube/ytdlp_source.h"

using namespace std::chrono_literals;
using td::queue::Queue;

namespace {

td::youtube::YtDlpConfig fake_ytdlp(std::vector<std::string> env = {}) {
  td::youtube::YtDlpConfig c;
  c.path = td::test::source_path("tests/youtube/fake-yt-dlp");
  c.timeout = 3s;
  c.extra_env = std::move(env);
  return c;
}

// Counts the stage's calls to its TranscriptSource: a reused transcript
// makes none.
class CountingTranscripts : public td::youtube::TranscriptSource {
 public:
  CountingTranscripts(std::shared_ptr<td::youtube::TranscriptSource> inner, std::atomic<int>& calls)
      : inner_(std::move(inner)), calls_(calls) {}
  td::youtube::Transcript fetch(const td::youtube::VideoMetadata& video) override {
    ++calls_;
    return inner_->fetch(video);
  }

 private:
  std::shared_ptr<td::youtube::TranscriptSource> inner_;
  std::atomic<int>& calls_;
};

struct Harness {
  td::test::TestDatabase db{"ingest"};
  std::atomic<int> transcript_fetches{0};  // over every stage() of this harness
  std::unique_ptr<pqxx::connection> conn = td::test::migrated_connection(db.url());
  std::string log_file = "/tmp/td-ytdlp-" + std::to_string(getpid()) + "-" + db.name() + ".log";

  std::shared_ptr<td::ingest::IngestStage> stage(std::vector<std::string> env = {},
                                                 std::shared_ptr<td::youtube::MetadataSource> metadata = nullptr) {
    env.push_back("FAKE_YTDLP_LOG=" + log_file);
    auto cfg = fake_ytdlp(env);
    if (!metadata) metadata = std::make_shared<td::youtube::YtDlpSource>(cfg);
    td::ingest::Config config;
    config.default_variants = {"comprehensive", "audio"};
    config.throttle_backoff = {10min, 1h, 0.0};
    auto transcripts = std::make_shared<CountingTranscripts>(std::make_shared<td::youtube::YtDlpTranscriptSource>(cfg),
                                                             transcript_fetches);
    return std::make_shared<td::ingest::IngestStage>(metadata, transcripts, config);
  }

  // A worker running the stage until destroyed.
  struct Running {
    std::shared_ptr<td::ingest::IngestStage> stage;  // outlives the worker
    td::worker::Worker worker;
    std::thread thread;
    Running(const std::string& url, std::shared_ptr<td::ingest::IngestStage> s)
        : stage(s), worker(td::ingest::test::make_ingest_worker(url, *s)) {
      thread = std::thread([this] { worker.run(); });
      REQUIRE(td::test::eventually([this] { return worker.ready(); }, 10s));
    }
    ~Running() {
      worker.stop();
      thread.join();
    }
  };

  int64_t submit(const std::string& video, std::vector<std::string> variants = {},
                 std::optional<std::string> transcript = std::nullopt, bool refresh = false) {
    Queue q;
    pqxx::work tx(*conn);
    auto job =
        td::store::enqueue_ingest(tx, q, {video, "https://youtu.be/" + video.substr(3), variants, transcript, refresh});
    tx.commit();
    return job.id;
  }
  std::string status(int64_t id) {
    pqxx::read_transaction tx(*conn);
    return Queue().status(tx, id).value_or("missing");
  }
  std::string last_error(int64_t id) {
    pqxx::read_transaction tx(*conn);
    auto r = tx.exec_params("SELECT coalesce(last_error, '') FROM jobs WHERE id = $1", id);
    return r[0][0].as<std::string>();
  }
  bool finished(int64_t id) {
    auto s = status(id);
    return s == "done" || s == "dead";
  }
  std::vector<td::events::Event> events() {
    td::events::Reader r;
    return r.read_after(*conn, 0);
  }
  int64_t counter(const std::string& name) {
    pqxx::read_transaction tx(*conn);
    return td::metrics::snapshot(tx).counter(name);
  }
  int ytdlp_calls(const std::string& kind) {
    std::ifstream in(log_file);
    std::string line;
    int n = 0;
    while (std::getline(in, line)) {
      bool captions =
          line.find("--write-subs") != std::string::npos || line.find("--write-auto-subs") != std::string::npos;
      if ((kind == "captions") == captions) ++n;
    }
    return n;
  }
  ~Harness() { std::remove(log_file.c_str()); }
};

}  // namespace

TEST_CASE("Ingest: a video with manual captions is stored and its summary jobs queued in one step") {
  Harness h;
  Harness::Running w(h.db.url(), h.stage());
  auto job = h.submit("yt:tdManualEn1", {"comprehensive", "audio-fr:beginner"});
  REQUIRE(td::test::eventually([&] { return h.finished(job); }, 20s));
  REQUIRE(h.status(job) == "done");

  pqxx::read_transaction tx(*h.conn);
  auto video = td::store::get_video(tx, "yt:tdManualEn1");
  REQUIRE(video);
  CHECK(video->title.value_or("").find("Immune System") != std::string::npos);
  CHECK_FALSE(video->metadata_missing);
  CHECK(video->requested_variants == std::vector<std::string>{"comprehensive", "audio-fr:beginner"});
  auto t = td::store::get_transcript(tx, "yt:tdManualEn1");
  REQUIRE(t);
  CHECK(t->source == "manual");
  CHECK(t->language == std::optional<std::string>("en"));
  CHECK(t->word_count > 30);
  CHECK(t->segments.size() > 3);
  CHECK(t->segments[1]["start_ms"].get<int64_t>() > 0);
  auto jobs = tx.exec("SELECT payload::jsonb ->> 'variant', dedup_key FROM jobs WHERE kind = 'summarize' ORDER BY id");
  REQUIRE(jobs.size() == 2);
  CHECK(jobs[0][0].as<std::string>() == "comprehensive");
  CHECK(jobs[1][0].as<std::string>() == "audio-fr:beginner");
  CHECK(jobs[0][1].as<std::string>() == "summarize:yt:tdManualEn1:comprehensive");
  tx.commit();

  auto ev = h.events();
  REQUIRE(ev.size() == 1);
  CHECK(ev[0].type == "report-updated");
  CHECK(ev[0].data["stage"] == "ingested");
  CHECK(h.counter("ingest_success") == 1);
}

TEST_CASE("Ingest: metadata comes from the cache within its TTL; submitting again queues nothing new") {
  Harness h;
  Harness::Running w(h.db.url(), h.stage());
  auto first = h.submit("yt:tdManualEn1");
  REQUIRE(td::test::eventually([&] { return h.finished(first); }, 20s));
  CHECK(h.ytdlp_calls("metadata") == 1);
  {
    // Pretend the summaries exist: a second submit must not redo them.
    pqxx::work tx(*h.conn);
    tx.exec("UPDATE jobs SET status = 'done', finished_at = now() WHERE kind = 'summarize'");
    tx.exec(
        "INSERT INTO summaries (video_id, variant, revision, text, provider) "
        "VALUES ('yt:tdManualEn1', 'comprehensive', 1, 'x', 'extractive')");
    tx.commit();
  }
  auto second = h.submit("yt:tdManualEn1");
  REQUIRE(second != first);
  REQUIRE(td::test::eventually([&] { return h.finished(second); }, 20s));
  CHECK(h.status(second) == "done");
  CHECK(h.ytdlp_calls("metadata") == 1);  // no outside call: the cache answered
  pqxx::read_transaction tx(*h.conn);
  // comprehensive exists; only audio (no summary yet) is queued again.
  CHECK(tx.exec("SELECT count(*) FROM jobs WHERE kind = 'summarize' AND status = 'queued'")[0][0].as<int>() == 1);
}

TEST_CASE("Ingest: no captions is a permanent no_transcript failure, nothing half-written") {
  Harness h;
  Harness::Running w(h.db.url(), h.stage());
  auto job = h.submit("yt:tdNoCapt001");
  REQUIRE(td::test::eventually([&] { return h.finished(job); }, 20s));
  CHECK(h.status(job) == "dead");
  CHECK(h.last_error(job).rfind("no_transcript: ", 0) == 0);
  pqxx::read_transaction tx(*h.conn);
  CHECK_FALSE(td::store::get_transcript(tx, "yt:tdNoCapt001"));
  CHECK(tx.exec("SELECT count(*) FROM jobs WHERE kind = 'summarize'")[0][0].as<int>() == 0);
  tx.commit();
  auto ev = h.events();
  REQUIRE(ev.size() == 1);
  CHECK(ev[0].type == "report-sync-failed");
  CHECK(ev[0].data["reason"] == "no_transcript");
  CHECK(ev[0].video_id == std::optional<std::string>("yt:tdNoCapt001"));
  CHECK(h.counter("ingest_failure") == 1);
}

TEST_CASE("FailureEvents: an ingest that gives up says stage, reason, error and attempts; jobs.reason keeps the code") {
  Harness h;
  Harness::Running w(h.db.url(), h.stage());
  auto job = h.submit("yt:tdNoCapt001");
  REQUIRE(td::test::eventually([&] { return h.finished(job); }, 20s));
  auto ev = h.events();
  REQUIRE(ev.size() == 1);
  CHECK(ev[0].type == "report-sync-failed");
  const auto& d = ev[0].data;
  CHECK(d["stage"] == "ingest");
  CHECK(d["reason"] == "no_transcript");
  CHECK(d["video_id"] == "yt:tdNoCapt001");
  CHECK(d["error"].get<std::string>().rfind("no_transcript: ", 0) == 0);
  CHECK(d["attempt"] == 1);
  CHECK(d["max_attempts"].get<int>() >= 1);
  CHECK(d["job_id"] == job);
  pqxx::read_transaction tx(*h.conn);
  CHECK(tx.exec_params("SELECT reason FROM jobs WHERE id = $1", job)[0][0].as<std::string>() == "no_transcript");
}

TEST_CASE("Ingest: a live stream that has not ended is refused with live_not_finished") {
  Harness h;
  Harness::Running w(h.db.url(), h.stage());
  auto job = h.submit("yt:tdLiveNow01");
  REQUIRE(td::test::eventually([&] { return h.finished(job); }, 20s));
  CHECK(h.status(job) == "dead");
  CHECK(h.last_error(job).rfind("live_not_finished: ", 0) == 0);
}

TEST_CASE("Ingest: YouTube throttling pauses every replica; jobs wait without failing") {
  Harness h;
  Harness::Running w(
      h.db.url(),
      h.stage({"FAKE_YTDLP_STDERR=ERROR: [youtube] tdManualEn1: Sign in to confirm you\xE2\x80\x99re not a bot. "
               "Use --cookies-from-browser or --cookies for the authentication."}));
  auto job = h.submit("yt:tdManualEn1");
  pqxx::connection c(h.db.url());
  td::catalog::prepare(c);
  REQUIRE(td::test::eventually(
      [&] {
        pqxx::read_transaction tx(c);
        return td::store::active_pause(tx, td::ingest::kYoutubePause).has_value();
      },
      20s));
  REQUIRE(td::test::eventually([&] { return h.status(job) == "queued"; }, 10s));
  auto other = h.submit("yt:tdAutoRoll1");
  std::this_thread::sleep_for(800ms);
  CHECK(h.status(other) == "queued");  // not failed
  pqxx::read_transaction tx(*h.conn);
  auto rows = tx.exec("SELECT id, attempts, run_at > now() + interval '5 minutes', last_error FROM jobs ORDER BY id");
  for (const auto& r : rows) {
    CHECK(r[1].as<int>() == 0);
    CHECK(r[2].as<bool>());
    CHECK(r[3].as<std::string>().find("youtube throttled") == 0);
  }
  tx.commit();
  CHECK(h.counter("ingest_failure") == 0);

  // And an operator sees it.
  auto out = td::process::run({td::test::bin_path("tubedigest"), "jobs", "--database-url", h.db.url()});
  CHECK(out.ok());
  CHECK(out.out.find("PAUSED: youtube until") != std::string::npos);
}

TEST_CASE("Ingest: a user transcript needs no captions and survives missing metadata") {
  Harness h;
  Harness::Running w(h.db.url(), h.stage());
  auto job = h.submit("yt:abcdefghijk", {"key-insights"},
                      std::string("WEBVTT\n\n00:00:01.000 --> 00:00:04.000\nFirst we talk about the soil in this "
                                  "garden and why it matters so much for the plants we grow.\n\n"
                                  "00:00:04.000 --> 00:00:09.000\nThen about water, roots and the weather, which "
                                  "decide what the harvest will look like at the end of the summer.\n"));
  REQUIRE(td::test::eventually([&] { return h.finished(job); }, 20s));
  REQUIRE(h.status(job) == "done");
  pqxx::read_transaction tx(*h.conn);
  auto video = td::store::get_video(tx, "yt:abcdefghijk");
  REQUIRE(video);
  CHECK(video->metadata_missing);  // the fake yt-dlp does not know this video
  auto t = td::store::get_transcript(tx, "yt:abcdefghijk");
  REQUIRE(t);
  CHECK(t->source == "user");
  CHECK(t->segments.size() == 2);
  CHECK(t->segments[1]["start_ms"] == 4000);
  CHECK(t->language == std::optional<std::string>("en"));  // detected: neither the user nor YouTube said
}

TEST_CASE("Ingest: when yt-dlp fails, the Data API supplies the metadata") {
  Harness h;
  td::youtube::testing::MockDataApi api;  // knows ids starting with "api"
  std::vector<std::string> env = {"FAKE_YTDLP_STDERR=ERROR: something unexpected", "FAKE_YTDLP_LOG=" + h.log_file};
  auto ytdlp = std::make_shared<td::youtube::YtDlpSource>(fake_ytdlp(env));
  td::youtube::DataApiConfig cfg;
  cfg.base = api.base();
  cfg.key = "test-key";
  auto metadata =
      std::make_shared<td::youtube::FallbackMetadataSource>(ytdlp, std::make_shared<td::youtube::DataApiSource>(cfg));
  Harness::Running w(h.db.url(), h.stage(env, metadata));
  auto job = h.submit("yt:apiVideo001", {"comprehensive"}, std::string("A transcript the user pasted, about music."));
  REQUIRE(td::test::eventually([&] { return h.finished(job); }, 20s));
  CHECK(h.status(job) == "done");
  CHECK(api.calls() == 1);
  pqxx::read_transaction tx(*h.conn);
  auto video = td::store::get_video(tx, "yt:apiVideo001");
  REQUIRE(video);
  CHECK(video->metadata["source"] == "data-api");
  CHECK_FALSE(video->metadata_missing);
  CHECK(video->title.value_or("").find("Never Gonna Give You Up") != std::string::npos);
  CHECK(video->duration_s == std::optional<double>(213));
}

TEST_CASE("Ingest: malformed yt-dlp output and a hanging yt-dlp end in clear job errors, never a crash") {
  Harness h;
  std::string bad = "/tmp/td-bad-json-" + std::to_string(getpid());
  {
    std::ofstream out(bad, std::ios::binary);
    out << "{\"id\": \"tdManualEn1\", \"title\": \"\xff\xfe broken";
  }
  {
    Harness::Running w(h.db.url(), h.stage({"FAKE_YTDLP_STDOUT_FILE=" + bad}));
    Queue q;
    pqxx::work tx(*h.conn);
    auto job = q.enqueue(tx, {"ingest", R"({"video_id":"yt:tdManualEn1","url":"x"})", {.max_attempts = 2}}).id;
    tx.commit();
    REQUIRE(td::test::eventually([&] { return h.finished(job); }, 20s));
    CHECK(h.status(job) == "dead");
    CHECK_FALSE(h.last_error(job).empty());
  }
  {
    Harness::Running w(h.db.url(), h.stage({"FAKE_YTDLP_HANG=1"}));
    Queue q;
    pqxx::work tx(*h.conn);
    auto job = q.enqueue(tx, {"ingest", R"({"video_id":"yt:tdAutoRoll1","url":"x"})", {.max_attempts = 1}}).id;
    tx.commit();
    REQUIRE(td::test::eventually([&] { return h.finished(job); }, 30s));
    CHECK(h.status(job) == "dead");
    CHECK(h.last_error(job).find("timed out") != std::string::npos);
  }
  std::remove(bad.c_str());
  pqxx::read_transaction tx(*h.conn);
  CHECK_FALSE(td::store::get_video(tx, "yt:tdAutoRoll1").value_or(td::store::Video{}).metadata_missing);
  CHECK_FALSE(td::store::get_transcript(tx, "yt:tdAutoRoll1"));
}

TEST_CASE("Ingest: two replicas racing on one video store one video and one set of jobs") {
  Harness h;
  Harness::Running a(h.db.url(), h.stage());
  Harness::Running b(h.db.url(), h.stage());
  // Two jobs for the same video without a dedup key, as two gateways
  // enqueueing in the same instant before either committed could produce.
  Queue q;
  std::vector<int64_t> ids;
  {
    pqxx::work tx(*h.conn);
    for (int i = 0; i < 2; ++i)
      ids.push_back(
          q.enqueue(tx, {"ingest",
                         R"({"video_id":"yt:tdAutoRoll1","url":"x","variants":["comprehensive","bullet-points"]})",
                         {}})
              .id);
    tx.commit();
  }
  REQUIRE(td::test::eventually([&] { return h.finished(ids[0]) && h.finished(ids[1]); }, 30s));
  CHECK(h.status(ids[0]) == "done");
  CHECK(h.status(ids[1]) == "done");
  pqxx::read_transaction tx(*h.conn);
  CHECK(tx.exec("SELECT count(*) FROM videos")[0][0].as<int>() == 1);
  CHECK(tx.exec("SELECT count(*) FROM transcripts")[0][0].as<int>() == 1);
  CHECK(tx.exec("SELECT count(*) FROM jobs WHERE kind = 'summarize'")[0][0].as<int>() == 2);
  auto t = td::store::get_transcript(tx, "yt:tdAutoRoll1");
  REQUIRE(t);
  CHECK(t->source == "auto");
}

TEST_CASE("tubedigest submit: several URLs queue together; a bad one or a stray argument queues nothing") {
  Harness h;
  const auto cli = td::test::bin_path("tubedigest");
  auto jobs = [&] {
    pqxx::read_transaction tx(*h.conn);
    return tx.exec("SELECT count(*) FROM jobs WHERE kind = 'ingest'")[0][0].as<int>();
  };
  auto bad = td::process::run(
      {cli, "submit", "--database-url", h.db.url(), "https://youtu.be/tdManualEn1", "https://example.com/watch?v=x"});
  CHECK(bad.exit_code == 1);
  CHECK(bad.err.find("not a YouTube") != std::string::npos);
  CHECK(jobs() == 0);
  auto stray = td::process::run({cli, "report", "--database-url", h.db.url(), "yt:tdManualEn1", "extra"});
  CHECK(stray.exit_code == 1);
  CHECK(stray.err.find("unexpected argument 'extra'") != std::string::npos);

  auto ok = td::process::run({cli, "submit", "--database-url", h.db.url(), "--variants", "comprehensive",
                              "https://youtu.be/tdManualEn1", "tdAutoRoll1"});
  CHECK(ok.ok());
  CHECK(ok.out.find("yt:tdManualEn1 queued") != std::string::npos);
  CHECK(ok.out.find("yt:tdAutoRoll1 queued") != std::string::npos);
  CHECK(jobs() == 2);
  auto two_files = td::process::run(
      {cli, "submit", "--database-url", h.db.url(), "--transcript-file", "/dev/null", "tdManualEn1", "tdAutoRoll1"});
  CHECK(two_files.exit_code == 1);
  CHECK(two_files.err.find("one URL") != std::string::npos);
}

TEST_CASE("Ingest: variants asked for while the video's ingest job is pending are not lost") {
  Harness h;
  const int64_t first = h.submit("yt:tdManualEn1", {"comprehensive"});
  // The same video again before any worker ran: the pending job is reused.
  const int64_t again = h.submit("yt:tdManualEn1", {"audio-fr:beginner", "comprehensive"});
  CHECK(again == first);
  Harness::Running w(h.db.url(), h.stage());
  REQUIRE(td::test::eventually([&] { return h.finished(first); }, 20s));
  REQUIRE(h.status(first) == "done");
  pqxx::read_transaction tx(*h.conn);
  auto rows = tx.exec("SELECT payload::jsonb->>'variant' FROM jobs WHERE kind = 'summarize' ORDER BY 1");
  std::vector<std::string> queued;
  for (const auto& r : rows) queued.push_back(r[0].as<std::string>());
  CHECK(queued == std::vector<std::string>{"audio-fr:beginner", "comprehensive"});
}

TEST_CASE("Ingest: a submit that lands after a finished ingest queues a new one for its new variants") {
  Harness h;
  Harness::Running w(h.db.url(), h.stage());
  const int64_t first = h.submit("yt:tdManualEn1", {"comprehensive"});
  REQUIRE(td::test::eventually([&] { return h.finished(first); }, 20s));
  const int64_t second = h.submit("yt:tdManualEn1", {"key-insights"});
  CHECK(second != first);
  REQUIRE(td::test::eventually([&] { return h.finished(second); }, 20s));
  pqxx::read_transaction tx(*h.conn);
  // comprehensive is queued once (the second ingest sees its job pending or
  // its summary stored), key-insights once.
  auto rows =
      tx.exec("SELECT payload::jsonb->>'variant', count(*) FROM jobs WHERE kind = 'summarize' GROUP BY 1 ORDER BY 1");
  REQUIRE(rows.size() == 2);
  CHECK(rows[0][0].as<std::string>() == "comprehensive");
  CHECK(rows[1][0].as<std::string>() == "key-insights");
  CHECK(rows[0][1].as<int>() == 1);
  CHECK(rows[1][1].as<int>() == 1);
}

namespace {

// The report-updated events' transcript_from, oldest first.
std::vector<std::string> transcript_paths(Harness& h) {
  std::vector<std::string> out;
  for (const auto& e : h.events())
    if (e.type == "report-updated") out.push_back(e.data.value("transcript_from", "?"));
  return out;
}

// Marks the stored transcript so a test can tell a reused row from a new one.
void mark_stored_transcript(pqxx::connection& c, const std::string& video, const std::string& text) {
  pqxx::work tx(c);
  tx.exec_params(
      "UPDATE transcripts SET text = $2, word_count = 3, created_at = now() - interval '1 hour' "
      "WHERE video_id = $1",
      video, text);
  tx.commit();
}

}  // namespace

TEST_CASE("Ingest: a video submitted again reuses its stored transcript without calling the transcript source") {
  Harness h;
  Harness::Running w(h.db.url(), h.stage());
  const int64_t first = h.submit("yt:tdManualEn1", {"comprehensive"});
  REQUIRE(td::test::eventually([&] { return h.finished(first); }, 20s));
  REQUIRE(h.status(first) == "done");
  CHECK(h.transcript_fetches == 1);
  CHECK(h.ytdlp_calls("captions") == 1);
  mark_stored_transcript(*h.conn, "yt:tdManualEn1", "the stored words");

  const int64_t second = h.submit("yt:tdManualEn1", {"comprehensive", "key-insights"});
  REQUIRE(second != first);
  REQUIRE(td::test::eventually([&] { return h.finished(second); }, 20s));
  CHECK(h.status(second) == "done");
  CHECK(h.transcript_fetches == 1);       // the source was not asked again
  CHECK(h.ytdlp_calls("captions") == 1);  // no caption download
  CHECK(h.ytdlp_calls("metadata") == 1);  // and the metadata came from the cache
  {
    pqxx::read_transaction tx(*h.conn);
    auto t = td::store::get_transcript(tx, "yt:tdManualEn1");
    REQUIRE(t);
    CHECK(t->text == "the stored words");  // the row as it was, not rewritten
    CHECK(t->source == "manual");
    // Marked as stored now: GET /api/metrics' last_ingest_at moves as before.
    CHECK(tx.exec("SELECT created_at > now() - interval '1 minute' FROM transcripts")[0][0].as<bool>());
    // The new variant is queued from the reused transcript.
    CHECK(
        tx
            .exec(
                "SELECT count(*) FROM jobs WHERE kind = 'summarize' AND payload::jsonb->>'variant' = 'key-insights'")[0]
                                                                                                                     [0]
            .as<int>() == 1);
  }
  CHECK(transcript_paths(h) == std::vector<std::string>{"fetched", "stored"});
  CHECK(h.counter("ingest_transcript_fetched") == 1);
  CHECK(h.counter("ingest_transcript_stored") == 1);
  CHECK(h.counter("ingest_success") == 2);
}

TEST_CASE("Ingest: refresh fetches metadata and captions again and replaces the stored transcript") {
  Harness h;
  Harness::Running w(h.db.url(), h.stage());
  const int64_t first = h.submit("yt:tdManualEn1");
  REQUIRE(td::test::eventually([&] { return h.finished(first); }, 20s));
  REQUIRE(h.status(first) == "done");
  mark_stored_transcript(*h.conn, "yt:tdManualEn1", "the stored words");

  const int64_t refresh = h.submit("yt:tdManualEn1", {}, std::nullopt, /*refresh=*/true);
  REQUIRE(td::test::eventually([&] { return h.finished(refresh); }, 20s));
  CHECK(h.status(refresh) == "done");
  CHECK(h.transcript_fetches == 2);
  CHECK(h.ytdlp_calls("captions") == 2);
  CHECK(h.ytdlp_calls("metadata") == 2);  // a refresh skips the metadata cache
  {
    pqxx::read_transaction tx(*h.conn);
    auto t = td::store::get_transcript(tx, "yt:tdManualEn1");
    REQUIRE(t);
    CHECK(t->text != "the stored words");
    CHECK(t->word_count > 30);
    auto p =
        nlohmann::json::parse(tx.exec_params1("SELECT payload FROM jobs WHERE id = $1", refresh)[0].as<std::string>());
    CHECK(p["refresh"] == true);
  }
  CHECK(transcript_paths(h) == std::vector<std::string>{"fetched", "fetched"});
  CHECK(h.counter("ingest_transcript_fetched") == 2);
  CHECK(h.counter("ingest_transcript_stored") == 0);
}

TEST_CASE("Ingest: a user transcript replaces the stored one, and is reused by the next plain submit") {
  Harness h;
  Harness::Running w(h.db.url(), h.stage());
  const int64_t first = h.submit("yt:tdManualEn1");
  REQUIRE(td::test::eventually([&] { return h.finished(first); }, 20s));
  const std::string mine = "My own notes about this video, written down by hand for the summary.";
  const int64_t user = h.submit("yt:tdManualEn1", {}, mine);
  REQUIRE(td::test::eventually([&] { return h.finished(user); }, 20s));
  CHECK(h.status(user) == "done");
  const int64_t plain = h.submit("yt:tdManualEn1");
  REQUIRE(td::test::eventually([&] { return h.finished(plain); }, 20s));
  CHECK(h.status(plain) == "done");
  CHECK(h.transcript_fetches == 1);
  pqxx::read_transaction tx(*h.conn);
  auto t = td::store::get_transcript(tx, "yt:tdManualEn1");
  REQUIRE(t);
  CHECK(t->source == "user");
  CHECK(t->text == mine);
  tx.commit();
  CHECK(transcript_paths(h) == std::vector<std::string>{"fetched", "user", "stored"});
  CHECK(h.counter("ingest_transcript_user") == 1);
}

TEST_CASE("Ingest: a stored transcript and cached metadata need no YouTube call, so a pause does not hold the job") {
  Harness h;
  {
    Harness::Running w(h.db.url(), h.stage());
    const int64_t first = h.submit("yt:tdManualEn1");
    REQUIRE(td::test::eventually([&] { return h.finished(first); }, 20s));
    REQUIRE(h.status(first) == "done");
  }
  {
    pqxx::work tx(*h.conn);
    td::store::set_pause(tx, td::ingest::kYoutubePause, 1h, "test: throttled");
    tx.commit();
  }
  Harness::Running w(h.db.url(), h.stage());
  const int64_t again = h.submit("yt:tdManualEn1", {"key-insights"});
  const int64_t fetch = h.submit("yt:tdAutoRoll1");  // needs YouTube: waits
  REQUIRE(td::test::eventually([&] { return h.finished(again); }, 20s));
  CHECK(h.status(again) == "done");
  std::this_thread::sleep_for(500ms);
  CHECK(h.status(fetch) == "queued");
  CHECK(h.transcript_fetches == 1);
  CHECK(h.ytdlp_calls("metadata") == 1);
  CHECK(h.ytdlp_calls("captions") == 1);
}

TEST_CASE("Ingest: a refresh queues beside a pending plain ingest; two refreshes share one job") {
  Harness h;
  const int64_t plain = h.submit("yt:tdManualEn1");
  const int64_t refresh = h.submit("yt:tdManualEn1", {}, std::nullopt, true);
  const int64_t refresh_again = h.submit("yt:tdManualEn1", {}, std::nullopt, true);
  CHECK(refresh != plain);          // not folded into a job that would reuse the stored transcript
  CHECK(refresh_again == refresh);  // a pending refresh is the same job
  CHECK(h.submit("yt:tdManualEn1") == plain);
  Harness::Running w(h.db.url(), h.stage());
  REQUIRE(td::test::eventually([&] { return h.finished(plain) && h.finished(refresh); }, 30s));
  CHECK(h.status(plain) == "done");
  CHECK(h.status(refresh) == "done");
  pqxx::read_transaction tx(*h.conn);
  CHECK(tx.exec("SELECT count(*) FROM transcripts")[0][0].as<int>() == 1);
  CHECK(tx.exec("SELECT count(*) FROM jobs WHERE kind = 'summarize'")[0][0].as<int>() == 2);
}

TEST_CASE("Ingest: a job whose refresh is not a boolean dies with bad_payload") {
  Harness h;
  Harness::Running w(h.db.url(), h.stage());
  Queue q;
  pqxx::work tx(*h.conn);
  auto job = q.enqueue(tx, {"ingest", R"({"video_id":"yt:tdManualEn1","url":"x","refresh":"yes"})", {}}).id;
  tx.commit();
  REQUIRE(td::test::eventually([&] { return h.finished(job); }, 20s));
  CHECK(h.status(job) == "dead");
  CHECK(h.last_error(job).rfind("bad_payload: ", 0) == 0);
  CHECK(h.last_error(job).find("refresh") != std::string::npos);
  CHECK(h.transcript_fetches == 0);
}

TEST_CASE("tubedigest submit --refresh carries the refresh in the ingest job; without it there is none") {
  Harness h;
  const auto cli = td::test::bin_path("tubedigest");
  auto plain = td::process::run({cli, "submit", "--database-url", h.db.url(), "tdManualEn1"});
  REQUIRE(plain.ok());
  CHECK(plain.out.find("(refresh)") == std::string::npos);
  auto refresh = td::process::run({cli, "submit", "--database-url", h.db.url(), "--refresh", "tdManualEn1"});
  REQUIRE(refresh.ok());
  CHECK(refresh.out.find("yt:tdManualEn1 queued") != std::string::npos);
  CHECK(refresh.out.find("(refresh)") != std::string::npos);
  auto help = td::process::run({cli, "submit", "--help"});
  CHECK(help.out.find("--refresh") != std::string::npos);

  pqxx::read_transaction tx(*h.conn);
  auto rows = tx.exec("SELECT payload, dedup_key FROM jobs WHERE kind = 'ingest' ORDER BY id");
  REQUIRE(rows.size() == 2);
  CHECK_FALSE(nlohmann::json::parse(rows[0][0].as<std::string>()).contains("refresh"));
  CHECK(rows[0][1].as<std::string>() == "ingest:yt:tdManualEn1");
  CHECK(nlohmann::json::parse(rows[1][0].as<std::string>())["refresh"] == true);
  CHECK(rows[1][1].as<std::string>() == "ingest-refresh:yt:tdManualEn1");
}
