// YouTube's HTTP errors from the fake yt-dlp to the IngestHttpErrors alert:
// the status yt-dlp names on its ERROR line rides the td::JobError, the
// worker's Failure and the failure event's data (http_status), is counted in
// ingest_http_errors{status_class}, and the alert rule reads it from the
// events. The ingest stage runs in-process on a worker, as in ingest_test.cpp.
#include <doctest/doctest.h>

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "alerts/rules.h"
#include "catalog/catalog.h"
#include "events/outbox.h"
#include "ingest_stage.h"
#include "ingest_worker.h"
#include "metrics/metrics.h"
#include "stage/failure.h"
#include "support/helpers.h"
#include "support/pg.h"
#include "youtube/ytdlp_source.h"

using namespace std::chrono_literals;

namespace {

// A worker running the ingest stage over a fake yt-dlp that fails every call
// with `stderr_text`, until destroyed.
struct FailingIngest {
  std::shared_ptr<td::ingest::IngestStage> stage;
  td::worker::Worker worker;
  std::thread thread;

  FailingIngest(const std::string& url, const std::string& stderr_text)
      : stage(make_stage(stderr_text)), worker(td::ingest::test::make_ingest_worker(url, *stage)) {
    thread = std::thread([this] { worker.run(); });
    REQUIRE(td::test::eventually([this] { return worker.ready(); }, 10s));
  }
  ~FailingIngest() {
    worker.stop();
    thread.join();
  }

  static std::shared_ptr<td::ingest::IngestStage> make_stage(const std::string& stderr_text) {
    td::youtube::YtDlpConfig cfg;
    cfg.path = td::test::source_path("tests/youtube/fake-yt-dlp");
    cfg.timeout = 3s;
    cfg.extra_env = {"FAKE_YTDLP_STDERR=" + stderr_text};
    td::ingest::Config config;
    config.default_variants = {"comprehensive"};
    config.throttle_backoff = {10min, 1h, 0.0};
    return std::make_shared<td::ingest::IngestStage>(std::make_shared<td::youtube::YtDlpSource>(cfg),
                                                     std::make_shared<td::youtube::YtDlpTranscriptSource>(cfg), config);
  }
};

struct Harness {
  td::test::TestDatabase db{"ingest_http"};
  // Migrated, with every statement prepared (catalog::prepare): the alert
  // rules' among them.
  std::unique_ptr<pqxx::connection> conn = td::test::migrated_connection(db.url());

  // One ingest job per video, each allowed one attempt, so each video makes
  // exactly one failed attempt (its report-sync-failed).
  std::vector<int64_t> submit(const std::vector<std::string>& videos) {
    td::queue::Queue q;
    pqxx::work tx(*conn);
    std::vector<int64_t> ids;
    for (const auto& v : videos) {
      std::string payload = R"({"video_id":")" + v + R"(","url":"https://youtu.be/)" + v.substr(3) + R"("})";
      ids.push_back(q.enqueue(tx, {"ingest", payload, {.max_attempts = 1}}).id);
    }
    tx.commit();
    return ids;
  }
  bool all_dead(const std::vector<int64_t>& ids) {
    pqxx::read_transaction tx(*conn);
    td::queue::Queue q;
    for (auto id : ids)
      if (q.status(tx, id).value_or("") != "dead") return false;
    return true;
  }
  // The failure events' http_status by video (-1: the field is missing).
  std::map<std::string, int> statuses() {
    std::map<std::string, int> out;
    for (const auto& e : td::events::Reader().read_after(*conn, 0)) {
      if (e.type != "report-sync-failed" && e.type != "report-sync-error") continue;
      CHECK(e.data["stage"] == "ingest");
      out[e.video_id.value_or("")] = e.data.contains("http_status") && e.data["http_status"].is_number_integer()
                                         ? e.data["http_status"].get<int>()
                                         : -1;
    }
    return out;
  }
  int64_t http_errors(const std::string& status_class) {
    pqxx::read_transaction tx(*conn);
    return td::metrics::snapshot(tx).counter(
        td::metrics::labelled_name(td::stage::kIngestHttpErrors, {{"status_class", status_class}}));
  }
  // The IngestHttpErrors alerts by status_class, as the evaluator sees them.
  std::map<std::string, td::alerts::Alert> alerts() {
    pqxx::read_transaction tx(*conn);
    td::alerts::Thresholds t;
    t.ingest_errors = 3;
    std::map<std::string, td::alerts::Alert> out;
    for (auto& a : td::alerts::evaluate(tx, t))
      if (a.alertname == td::alerts::kIngestHttpErrors) out.emplace(a.labels.at("status_class"), a);
    return out;
  }
};

}  // namespace

TEST_CASE("IngestHttpErrors: yt-dlp's HTTP 403 and 503 reach the failure events, the counter and the alert") {
  Harness h;
  {
    FailingIngest w(h.db.url(), "ERROR: [youtube] x: Unable to download webpage: HTTP Error 403: Forbidden");
    auto jobs = h.submit({"yt:http403vid1", "yt:http403vid2"});
    REQUIRE(td::test::eventually([&] { return h.all_dead(jobs); }, 20s));
    CHECK(h.alerts().empty());  // two attempts: under the threshold of 3
    auto third = h.submit({"yt:http403vid3"});
    REQUIRE(td::test::eventually([&] { return h.all_dead(third); }, 20s));
  }
  CHECK(h.statuses() ==
        std::map<std::string, int>{{"yt:http403vid1", 403}, {"yt:http403vid2", 403}, {"yt:http403vid3", 403}});
  CHECK(h.http_errors("4xx") == 3);
  CHECK(h.http_errors("5xx") == 0);
  auto fired = h.alerts();
  REQUIRE(fired.count("4xx") == 1);
  CHECK(fired.count("5xx") == 0);
  CHECK(fired.at("4xx").annotations.at("attempts") == "3");
  CHECK(fired.at("4xx").annotations.at("video_ids") == "yt:http403vid1,yt:http403vid2,yt:http403vid3");
  CHECK(fired.at("4xx").annotations.at("last_error").find("HTTP Error 403: Forbidden") != std::string::npos);

  // A YouTube answering 503 fires the 5xx alert of its own beside it.
  {
    FailingIngest w(h.db.url(), "ERROR: [youtube] x: Unable to download API page: HTTP Error 503: Service Unavailable");
    auto jobs = h.submit({"yt:http503vid1", "yt:http503vid2", "yt:http503vid3"});
    REQUIRE(td::test::eventually([&] { return h.all_dead(jobs); }, 20s));
  }
  auto statuses = h.statuses();
  CHECK(statuses.size() == 6);
  CHECK(statuses["yt:http503vid1"] == 503);
  CHECK(statuses["yt:http503vid3"] == 503);
  CHECK(h.http_errors("4xx") == 3);
  CHECK(h.http_errors("5xx") == 3);
  fired = h.alerts();
  REQUIRE(fired.count("4xx") == 1);
  REQUIRE(fired.count("5xx") == 1);
  CHECK(fired.at("4xx").annotations.at("attempts") == "3");
  CHECK(fired.at("5xx").annotations.at("attempts") == "3");
  CHECK(fired.at("5xx").annotations.at("video_ids") == "yt:http503vid1,yt:http503vid2,yt:http503vid3");
}

TEST_CASE("IngestHttpErrors: failures that are no HTTP answer carry no http_status and count nowhere") {
  Harness h;
  {
    FailingIngest w(h.db.url(), "ERROR: [youtube] x: Unable to extract initial player response");
    auto jobs = h.submit({"yt:noStatus001", "yt:noStatus002", "yt:noStatus003"});
    REQUIRE(td::test::eventually([&] { return h.all_dead(jobs); }, 20s));
  }
  CHECK(h.statuses() ==
        std::map<std::string, int>{{"yt:noStatus001", -1}, {"yt:noStatus002", -1}, {"yt:noStatus003", -1}});
  CHECK(h.http_errors("4xx") == 0);
  CHECK(h.http_errors("5xx") == 0);
  CHECK(h.alerts().empty());
}
