// What failed summarize jobs announce: report-sync-error while retrying,
// report-sync-failed when giving up, and a failed reprocess request.
#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>

#include "common/errors.h"
#include "fixtures.h"
#include "queue/queue.h"
#include "store/reprocess.h"
#include "store/summaries.h"
#include "summarize/extractive.h"
#include "support/helpers.h"

using namespace td::summarize_test;
namespace sz = td::summarize;

namespace {

// Named "extractive" so the chain appends no real one behind it: the chain
// then fails as a whole while this one fails.
class FlakySummarizer final : public sz::Summarizer {
 public:
  explicit FlakySummarizer(std::atomic<int>& failures_left) : failures_left_(failures_left) {}
  std::string name() const override { return "extractive"; }
  sz::SummaryOutput summarize(const sz::SummaryInput& in, const td::Variant& v, const sz::Attempt& a) override {
    if (failures_left_.fetch_sub(1) > 0) throw td::TransientError("llm_unavailable", "provider down (test)");
    return real_.summarize(in, v, a);
  }

 private:
  std::atomic<int>& failures_left_;
  sz::ExtractiveSummarizer real_;
};

// A defect of our own code meeting this input: the same input meets it on
// every attempt. Also named "extractive" so it is the whole chain.
class BuggySummarizer final : public sz::Summarizer {
 public:
  explicit BuggySummarizer(std::atomic<int>& calls) : calls_(calls) {}
  std::string name() const override { return "extractive"; }
  sz::SummaryOutput summarize(const sz::SummaryInput&, const td::Variant&, const sz::Attempt&) override {
    ++calls_;
    sz::SummaryOutput out;
    out.text = std::vector<std::string>{}.at(3);  // throws std::out_of_range
    return out;
  }

 private:
  std::atomic<int>& calls_;
};

}  // namespace

TEST_CASE("NoTranscript: permanent at once, report-sync-failed with the reason, summarize_failure counted") {
  td::test::TestDatabase db("sum_notr");
  auto c = td::test::migrated_connection(db.url());
  const std::string vid = "yt:eeeeeeeeeee";
  add_video(*c, {vid, {"comprehensive"}, 12, "en", /*transcript=*/false});
  auto id = enqueue(*c, vid, "comprehensive");
  const std::string gone = "yt:fffffffffff";  // no video row at all
  auto id2 = enqueue(*c, gone, "bullet-points");
  Running r(db.url());
  REQUIRE(wait_idle(*c));
  CHECK(job_status(*c, id) == "dead");
  CHECK(job_status(*c, id2) == "dead");
  CHECK(job_error(*c, id).rfind("no_transcript: ", 0) == 0);
  CHECK(count(*c, "SELECT attempts FROM jobs WHERE id = " + std::to_string(id)) == 1);  // not retried
  auto failed = events(*c, "report-sync-failed");
  REQUIRE(failed.size() == 2);
  for (auto& e : failed) {
    CHECK(e.data["reason"] == "no_transcript");
    CHECK(e.data["stage"] == "summarize");
    CHECK(e.data["attempt"] == 1);
  }
  CHECK(events(*c, "report-sync-error").empty());
  CHECK(events(*c, "report-updated").empty());
  CHECK(counter(*c, "summarize_failure") == 2);
  CHECK(count(*c, "SELECT count(*) FROM events WHERE type = 'report-sync-failed' AND video_id = '" + vid + "'") == 1);
}

TEST_CASE("UnknownVariant: bad_payload, dead at once, the raw name in report-sync-failed") {
  td::test::TestDatabase db("sum_unk");
  auto c = td::test::migrated_connection(db.url());
  const std::string vid = "yt:ggggggggggg";
  add_video(*c, {vid, {"comprehensive"}, 12});
  int64_t id, id2;
  {
    pqxx::work tx(*c);
    td::queue::Queue q;
    id = q.enqueue(tx, {"summarize", json{{"video_id", vid}, {"variant", "haiku"}}.dump(), {}}).id;
    id2 = q.enqueue(tx, {"summarize", json{{"video_id", vid}, {"variant", "bullet-points:advanced"}}.dump(), {}}).id;
    tx.commit();
  }
  Running r(db.url());
  REQUIRE(wait_idle(*c));
  CHECK(job_status(*c, id) == "dead");
  CHECK(job_status(*c, id2) == "dead");
  CHECK(job_error(*c, id).rfind("bad_payload: unknown variant 'haiku'", 0) == 0);
  auto failed = events(*c, "report-sync-failed");
  REQUIRE(failed.size() == 2);
  std::vector<std::string> names;
  for (auto& e : failed) {
    names.push_back(e.data["variant"]);
    CHECK(e.data["reason"] == "bad_payload");
  }
  std::sort(names.begin(), names.end());
  CHECK(names == std::vector<std::string>{"bullet-points:advanced", "haiku"});
  CHECK(count(*c, "SELECT count(*) FROM summaries") == 0);
}

TEST_CASE("Retry: a failing chain announces report-sync-error per attempt, then stores on success") {
  td::test::TestDatabase db("sum_retry");
  auto c = td::test::migrated_connection(db.url());
  const std::string vid = "yt:hhhhhhhhhhh";
  add_video(*c, {vid, {"comprehensive"}, 12});
  auto id = enqueue(*c, vid, "comprehensive");
  std::atomic<int> failures_left{2};
  td::summarize_stage::Config cfg;
  cfg.make_chain = [&] { return sz::GuardrailChain({std::make_shared<FlakySummarizer>(failures_left)}); };
  Running r(db.url(), cfg);
  REQUIRE(wait_idle(*c));
  CHECK(job_status(*c, id) == "done");
  auto errors = events(*c, "report-sync-error");
  REQUIRE(errors.size() == 2);
  CHECK(errors[0].data["attempt"] == 1);
  CHECK(errors[1].data["attempt"] == 2);
  CHECK(errors[0].data["reason"] == "summary_failed");
  CHECK(errors[0].data["variant"] == "comprehensive");
  CHECK(errors[0].data["error"].get<std::string>().find("provider down") != std::string::npos);
  CHECK(events(*c, "report-updated").size() == 1);
  CHECK(events(*c, "report-synced").size() == 1);
  CHECK(events(*c, "report-sync-failed").empty());
  CHECK(counter(*c, "summarize_failure") == 0);
  CHECK(counter(*c, "summarize_success") == 1);
}

TEST_CASE(
    "FailureEvents: every summarize failure says stage, variant, reason, error and attempts; jobs.reason keeps the code") {
  td::test::TestDatabase db("sum_fields");
  auto c = td::test::migrated_connection(db.url());
  const std::string vid = "yt:hhhhhhhhhh2";
  add_video(*c, {vid, {"audio-fr:beginner"}, 12});
  auto id = enqueue(*c, vid, "audio-fr:beginner");
  std::atomic<int> failures_left{1000};
  td::summarize_stage::Config cfg;
  cfg.make_chain = [&] { return sz::GuardrailChain({std::make_shared<FlakySummarizer>(failures_left)}); };
  Running r(db.url(), cfg);
  REQUIRE(wait_idle(*c));
  CHECK(job_status(*c, id) == "dead");
  int max_attempts = static_cast<int>(count(*c, "SELECT max_attempts FROM jobs WHERE id = " + std::to_string(id)));
  auto errors = events(*c, "report-sync-error");
  auto failed = events(*c, "report-sync-failed");
  REQUIRE(failed.size() == 1);
  REQUIRE(errors.size() == static_cast<size_t>(max_attempts - 1));
  errors.push_back(failed[0]);
  for (size_t i = 0; i < errors.size(); ++i) {
    const auto& d = errors[i].data;
    CAPTURE(i);
    CHECK(d["stage"] == "summarize");
    CHECK(d["video_id"] == vid);
    CHECK(d["variant"] == "audio-fr:beginner");
    CHECK(d["reason"] == "summary_failed");
    CHECK(d["error"].get<std::string>().find("provider down") != std::string::npos);
    CHECK(d["attempt"] == static_cast<int>(i + 1));
    CHECK(d["max_attempts"] == max_attempts);
    CHECK(d["job_id"] == id);
  }
  pqxx::read_transaction tx(*c);
  CHECK(tx.exec_params("SELECT reason FROM jobs WHERE id = $1", id)[0][0].as<std::string>() == "summary_failed");
}

TEST_CASE("Deterministic: an exception from our own code is permanent for the input, dead after one attempt") {
  td::test::TestDatabase db("sum_bug");
  auto c = td::test::migrated_connection(db.url());
  const std::string vid = "yt:jjjjjjjjjjj";
  add_video(*c, {vid, {"comprehensive"}, 12});
  auto id = enqueue(*c, vid, "comprehensive");
  std::atomic<int> calls{0};
  td::summarize_stage::Config cfg;
  cfg.make_chain = [&] { return sz::GuardrailChain({std::make_shared<BuggySummarizer>(calls)}); };
  Running r(db.url(), cfg);
  REQUIRE(wait_idle(*c));
  CHECK(job_status(*c, id) == "dead");
  CHECK(count(*c, "SELECT attempts FROM jobs WHERE id = " + std::to_string(id)) == 1);
  CHECK(calls == 1);  // no strict re-run, no retry
  CHECK(job_error(*c, id).rfind("summary_failed: ", 0) == 0);
  CHECK(events(*c, "report-sync-error").empty());
  auto failed = events(*c, "report-sync-failed");
  REQUIRE(failed.size() == 1);
  CHECK(failed[0].data["reason"] == "summary_failed");
  CHECK(failed[0].data["error"].get<std::string>().find("vector") != std::string::npos);
}

TEST_CASE("ReprocessError: a variant that gives up fails the request once, with reprocess-error") {
  td::test::TestDatabase db("sum_reperr");
  auto c = td::test::migrated_connection(db.url());
  const std::string vid = "yt:iiiiiiiiiii";
  add_video(*c, {vid, {"comprehensive", "bullet-points"}, 12, "en", /*transcript=*/false});
  Running r(db.url());
  auto rid = reprocess(*c, vid, {"comprehensive", "bullet-points"}, false);
  REQUIRE(wait_idle(*c));
  {
    pqxx::work tx(*c);
    auto req = td::store::lock_reprocess(tx, rid);
    REQUIRE(req);
    CHECK(req->status == "error");
    REQUIRE(req->error);
    CHECK(req->error->find("no_transcript") != std::string::npos);
  }
  CHECK(events(*c, "report-sync-failed").size() == 2);
  auto errs = events(*c, "reprocess-error");
  REQUIRE(errs.size() == 1);  // the second failure finds the request no longer pending
  CHECK(errs[0].data["reprocess_id"] == rid);
  CHECK(errs[0].data["reason"] == "no_transcript");
  CHECK(events(*c, "reprocess-requested").size() == 2);
  CHECK(counter(*c, "reprocess_failure") == 1);
  CHECK(counter(*c, "summarize_failure") == 2);
}
