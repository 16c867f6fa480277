// A summary stored from a later summarizer than the first is not a
// quiet success. With a provider answering 401 (a wrong LLM_API_KEY) the
// extractive summary is stored as before, and with it, in the same
// transaction, one summary-fallback event and the summary_fallbacks counter
// by (from, to, reason); the report shows the variant's `fallback`.
#include <doctest/doctest.h>

#include <set>

#include "fixtures.h"
#include "metrics/metrics.h"
#include "mock_llm.h"
#include "store/report.h"
#include "store/summaries.h"
#include "summarize/extractive.h"
#include "summarize/openai.h"
#include "support/helpers.h"

using namespace td::summarize_test;
using namespace std::chrono_literals;
namespace sz = td::summarize;

namespace {

const std::string kAuthFallbacks =
    td::metrics::labelled_name("summary_fallbacks", {{"from", "openai"}, {"to", "extractive"}, {"reason", "llm_auth"}});

}  // namespace

TEST_CASE("FallbackAuth: a 401 from the provider stores extractive with one summary-fallback event and a counter") {
  MockLlm mock([](const std::string&, int, httplib::Response& res) {
    res.status = 401;
    res.set_content(R"({"error": {"message": "Incorrect API key provided"}})", "application/json");
  });
  td::test::TestDatabase db("sum_fb401");
  auto c = td::test::migrated_connection(db.url());
  const std::string vid = "yt:fbfbfbfbfb1";
  add_video(*c, {vid, {"comprehensive", "audio"}, 12});
  auto a = enqueue(*c, vid, "comprehensive");
  auto b = enqueue(*c, vid, "audio");
  {
    Running r(db.url(), openai_then_extractive(mock, "wrong-key"));
    REQUIRE(wait_idle(*c));
  }
  REQUIRE_MESSAGE(job_status(*c, a) == "done", job_error(*c, a));
  REQUIRE_MESSAGE(job_status(*c, b) == "done", job_error(*c, b));
  CHECK(mock.requests() == 2);  // one per variant: auth errors are not retried

  auto fallbacks = events(*c, "summary-fallback");
  REQUIRE(fallbacks.size() == 2);  // exactly one per stored summary
  std::set<std::string> variants;
  for (const auto& e : fallbacks) {
    variants.insert(e.data["variant"].get<std::string>());
    CHECK(e.data["video_id"] == vid);
    CHECK(e.data["from"] == "openai");
    CHECK(e.data["to"] == "extractive");
    CHECK(e.data["reason"] == "llm_auth");
    CHECK(e.data["revision"] == 1);
  }
  CHECK(variants == std::set<std::string>{"audio", "comprehensive"});
  // Committed with the summary it is about: the same transaction wrote both rows.
  CHECK(count(*c,
              "SELECT count(*) FROM events e JOIN summaries s ON s.video_id = e.video_id AND s.variant = "
              "e.data->>'variant' WHERE e.type = 'summary-fallback' AND e.xmin::text = s.xmin::text") == 2);

  CHECK(counter(*c, kAuthFallbacks) == 2);
  CHECK(counter(*c, "summarize_success") == 2);
  {
    pqxx::read_transaction tx(*c);
    auto snap = td::metrics::snapshot(tx);
    auto list = snap.labelled("summary_fallbacks");
    REQUIRE(list.size() == 1);
    CHECK(list[0].value == 2);
    CHECK(list[0].labels == td::metrics::Labels{{"from", "openai"}, {"to", "extractive"}, {"reason", "llm_auth"}});

    auto report = td::store::build_report(tx, vid);
    REQUIRE(report);
    auto& vs = (*report)["summary"]["variants"];
    REQUIRE(vs.size() == 2);
    for (const auto& v : vs) {
      CHECK(v["provider"] == "extractive");
      REQUIRE_MESSAGE(v.contains("fallback"), v.dump());
      CHECK(v["fallback"] ==
            json{{"from", "openai"}, {"to", "extractive"}, {"reason", "llm_auth"}, {"stage", "summarize"}});
    }
  }
}

TEST_CASE("FallbackNone: the first summarizer's accepted answer emits no summary-fallback and counts none") {
  td::test::TestDatabase scratch("sum_fbok_src");
  auto sc = td::test::migrated_connection(scratch.url());
  const std::string vid = "yt:fbfbfbfbfb2";
  auto in = add_video(*sc, {vid, {"comprehensive"}, 12});
  auto good = sz::ExtractiveSummarizer().summarize(in, td::parse_variant("comprehensive"), {}).text;
  MockLlm mock([&](const std::string&, int, httplib::Response& res) { MockLlm::answer(res, good); });

  td::test::TestDatabase db("sum_fbok");
  auto c = td::test::migrated_connection(db.url());
  add_video(*c, {vid, {"comprehensive"}, 12});
  auto id = enqueue(*c, vid, "comprehensive");
  {
    Running r(db.url(), openai_then_extractive(mock, "wrong-key"));
    REQUIRE(wait_idle(*c));
  }
  REQUIRE_MESSAGE(job_status(*c, id) == "done", job_error(*c, id));
  CHECK(events(*c, "summary-fallback").empty());
  CHECK(count(*c, "SELECT count(*) FROM metric_counters WHERE name LIKE 'summary_fallbacks{%'") == 0);
  pqxx::read_transaction tx(*c);
  auto report = td::store::build_report(tx, vid);
  REQUIRE(report);
  CHECK((*report)["summary"]["variants"][0]["provider"] == "openai");
  CHECK_FALSE((*report)["summary"]["variants"][0].contains("fallback"));
}

TEST_CASE("FallbackRecord: summary_fallback reads from, to and reason off the guardrail record") {
  using td::store::summary_fallback;
  CHECK_FALSE(summary_fallback(json::object()));
  CHECK_FALSE(summary_fallback(json{{"attempts", json::array({{{"summarizer", "extractive"}, {"ok", true}}})},
                                    {"accepted", {{"summarizer", "extractive"}}}}));
  // A QA failure names the first failed check.
  auto qa = summary_fallback(
      json{{"attempts", json::array({{{"summarizer", "openai"},
                                      {"ok", false},
                                      {"failed", json::array({{{"check", "word_range"}, {"reason", "too short"}}})}},
                                     {{"summarizer", "openai"}, {"strict", true}, {"ok", false}},
                                     {{"summarizer", "extractive"}, {"ok", true}}})},
           {"accepted", {{"summarizer", "extractive"}}}});
  REQUIRE(qa);
  CHECK(*qa == json{{"from", "openai"}, {"to", "extractive"}, {"reason", "word_range"}});
  // The strict re-run of the first summarizer passing is no fallback.
  CHECK_FALSE(summary_fallback(json{
      {"attempts", json::array({{{"summarizer", "openai"}, {"ok", false}}, {{"summarizer", "openai"}, {"ok", true}}})},
      {"accepted", {{"summarizer", "openai"}, {"strict", true}}}}));
}
