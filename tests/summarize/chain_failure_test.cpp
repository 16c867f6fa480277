// Which failures of a summarizer the guardrail chain treats as transient
// (the job is retried later) and which as permanent for this input (the next
// summarizer runs at once, and if none succeeds the job is not retried).
#include <doctest/doctest.h>

#include <algorithm>
#include <functional>
#include <memory>
#include <new>
#include <set>
#include <stdexcept>
#include <system_error>
#include <type_traits>

#include <nlohmann/json.hpp>

#include "common/errors.h"
#include "summarize/chain.h"
#include "summarize/extractive.h"
#include "summarize/text.h"
#include "test_text.h"

using namespace td::summarize;
using json = nlohmann::json;

namespace {

// Throws what `fail` throws, counting its calls. Named "extractive" by
// default so the chain appends no real one behind it.
class ThrowingSummarizer final : public Summarizer {
 public:
  ThrowingSummarizer(std::function<void()> fail, std::string name = "extractive")
      : fail_(std::move(fail)), name_(std::move(name)) {}
  std::string name() const override { return name_; }
  SummaryOutput summarize(const SummaryInput&, const td::Variant&, const Attempt&) override {
    ++calls;
    fail_();
    return {};
  }
  int calls = 0;

 private:
  std::function<void()> fail_;
  std::string name_;
};

SummaryInput english_input() {
  SummaryInput in;
  in.text = english_words(900);
  in.transcript_language = "en";
  in.duration_seconds = 360;
  return in;
}

// run() over one summarizer that throws what `fail` throws; returns the
// attempt record after checking the summarizer was called once (an exception
// is never followed by a strict re-run).
template <class Expected>
json run_expecting(std::function<void()> fail, const std::string& reason) {
  auto s = std::make_shared<ThrowingSummarizer>(std::move(fail));
  GuardrailChain chain({s});
  json record;
  try {
    chain.run(english_input(), td::parse_variant("comprehensive"), &record);
    FAIL("expected an error");
  } catch (const Expected& e) {
    CHECK(e.reason() == "summary_failed");
  }
  CHECK(s->calls == 1);
  REQUIRE(record["attempts"].size() == 1);
  CHECK(record["attempts"][0]["reason"] == reason);
  CHECK(record["attempts"][0]["permanent"] == std::is_same_v<Expected, td::PermanentError>);
  return record;
}

}  // namespace

TEST_CASE("chain: a TransientError (provider down, timeout, crashed helper) fails the run transiently") {
  run_expecting<td::TransientError>([] { throw td::TransientError("llm_unavailable", "provider down (test)"); },
                                    "llm_unavailable");
  run_expecting<td::TransientError>(
      [] { throw td::TransientError("translation_failed", "apertium eng-spa failed: timed out after 120s"); },
      "translation_failed");
}

TEST_CASE("chain: a PermanentError fails the run permanently") {
  run_expecting<td::PermanentError>([] { throw td::PermanentError("translator_missing", "no apertium (test)"); },
                                    "translator_missing");
}

TEST_CASE("chain: an exception from our own code is deterministic for this input, so permanent") {
  auto r = run_expecting<td::PermanentError>([] { throw std::out_of_range("vector::_M_range_check (test)"); },
                                             "internal_error");
  CHECK(r["attempts"][0]["error"].get<std::string>().find("_M_range_check") != std::string::npos);
  run_expecting<td::PermanentError>([] { throw std::logic_error("unreachable (test)"); }, "internal_error");
  run_expecting<td::PermanentError>([] { throw std::invalid_argument("no summary spec (test)"); }, "internal_error");
  run_expecting<td::PermanentError>([] { json j = json::parse("{not json"); }, "internal_error");
  run_expecting<td::PermanentError>([] { throw 42; }, "internal_error");
}

TEST_CASE("chain: the machine running short (memory, processes) is transient") {
  run_expecting<td::TransientError>([] { throw std::bad_alloc(); }, "out_of_memory");
  run_expecting<td::TransientError>(
      [] { throw std::system_error(std::make_error_code(std::errc::resource_unavailable_try_again), "fork"); },
      "system_error");
}

TEST_CASE("chain: after any exception the next summarizer runs at once, without a strict re-run") {
  for (auto fail : std::vector<std::function<void()>>{
           [] { throw td::TransientError("llm_unavailable", "down"); },
           [] { throw td::PermanentError("llm_auth", "refused"); },
           [] { throw std::out_of_range("bug"); },
       }) {
    auto first = std::make_shared<ThrowingSummarizer>(fail, "openai");
    GuardrailChain chain({first, std::make_shared<ExtractiveSummarizer>()});
    auto r = chain.run(english_input(), td::parse_variant("comprehensive"));
    CHECK(first->calls == 1);
    REQUIRE(r.guardrail["attempts"].size() == 2);
    CHECK(r.guardrail["attempts"][0]["summarizer"] == "openai");
    CHECK(r.guardrail["attempts"][0]["strict"] == false);
    CHECK(r.guardrail["attempts"][1]["summarizer"] == "extractive");
    CHECK(r.guardrail["accepted"]["summarizer"] == "extractive");
  }
}

TEST_CASE("chain: one transient attempt makes the whole failure transient; only permanent ones make it permanent") {
  auto transient =
      std::make_shared<ThrowingSummarizer>([] { throw td::TransientError("llm_unavailable", "down"); }, "openai");
  auto bug = std::make_shared<ThrowingSummarizer>([] { throw std::out_of_range("bug"); });
  auto permanent =
      std::make_shared<ThrowingSummarizer>([] { throw td::PermanentError("llm_auth", "refused"); }, "openai");
  auto v = td::parse_variant("comprehensive");
  CHECK_THROWS_AS(GuardrailChain({transient, bug}).run(english_input(), v), td::TransientError);
  CHECK_THROWS_AS(GuardrailChain({permanent, bug}).run(english_input(), v), td::PermanentError);
}

TEST_CASE("classify_failure: the rule, case by case") {
  auto of = [](auto e) { return classify_failure(std::make_exception_ptr(e)); };
  CHECK_FALSE(of(td::TransientError("llm_rate_limited", "x")).permanent);
  CHECK(of(td::TransientError("llm_rate_limited", "x")).reason == "llm_rate_limited");
  CHECK(of(td::PermanentError("empty_transcript", "x")).permanent);
  CHECK(of(td::PermanentError("empty_transcript", "x")).reason == "empty_transcript");
  CHECK(of(std::out_of_range("x")).permanent);
  CHECK(of(std::runtime_error("x")).permanent);
  CHECK(of(std::out_of_range("x")).reason == "internal_error");
  CHECK_FALSE(of(std::bad_alloc()).permanent);
  CHECK_FALSE(of(std::system_error(std::make_error_code(std::errc::too_many_files_open))).permanent);
  CHECK(of(std::string("not an exception class")).permanent);
}

namespace {

// Returns a fixed text, named as asked.
class FixedSummarizer final : public Summarizer {
 public:
  FixedSummarizer(std::string text, std::string name, std::string language = "en")
      : text_(std::move(text)), name_(std::move(name)), language_(std::move(language)) {}
  std::string name() const override { return name_; }
  SummaryOutput summarize(const SummaryInput&, const td::Variant&, const Attempt&) override {
    ++calls;
    SummaryOutput out;
    out.text = text_;
    out.language = language_;
    out.provider = name_;
    return out;
  }
  int calls = 0;

 private:
  std::string text_, name_, language_;
};

}  // namespace

// Found on a channel outro repeated for minutes: every variant died with
// summary_failed. The source has three distinct sentences; the output is
// those, flagged, and never the same sentence twice.
TEST_CASE("chain: a repetitive transcript gets a short extract flagged below_spec, not a dead job") {
  SummaryInput in;
  const char* lines[] = {"Subscribe to the channel for more videos like this one.",
                         "Please subscribe to the channel for more videos.",
                         "Thanks for watching and subscribe for more videos."};
  for (int i = 0; i < 120; ++i) {
    in.text += std::string(lines[i % 3]) + " ";
    if (i % 10 == 0) in.text += "Today we talk about solar panels and how they turn sunlight into electricity. ";
  }
  in.transcript_language = "en";
  in.duration_seconds = 600;
  GuardrailChain chain({std::make_shared<ExtractiveSummarizer>()});
  for (auto name : {"comprehensive", "bullet-points", "key-insights", "audio"}) {
    CAPTURE(name);
    ChainResult r;
    REQUIRE_NOTHROW(r = chain.run(in, td::parse_variant(name)));
    auto flags = r.output.flags;
    CHECK(std::find(flags.begin(), flags.end(), "below_spec") != flags.end());
    REQUIRE(r.guardrail["accepted"].contains("below_spec"));
    for (auto& f : r.guardrail["accepted"]["below_spec"]) {
      std::string check = f["check"];
      CHECK((check == "word_range" || check == "bullet_count" || check == "insight_count"));
    }
    auto sentences = split_sentences(r.output.text);
    std::set<std::string> seen(sentences.begin(), sentences.end());
    CHECK(seen.size() == sentences.size());
  }
}

TEST_CASE("chain: below_spec is for the last resort's shape only, never for what a text says") {
  auto in = english_input();
  auto variant = td::parse_variant("comprehensive");
  // Too short, from the last resort: kept, flagged.
  auto short_text = std::make_shared<FixedSummarizer>("Solar panels got cheap. Batteries followed them.", "extractive");
  auto kept = GuardrailChain({short_text}).run(in, variant);
  CHECK(kept.guardrail["flags"].dump().find("below_spec") != std::string::npos);
  CHECK(short_text->calls == 2);  // the strict re-run came first
  // Too short from a summarizer before the last: the next one is asked.
  auto llm = std::make_shared<FixedSummarizer>("Solar panels got cheap.", "openai");
  auto last = std::make_shared<FixedSummarizer>("Batteries followed them.", "extractive");
  auto r = GuardrailChain({llm, last}).run(in, variant);
  CHECK(r.guardrail["accepted"]["summarizer"] == "extractive");
  CHECK(llm->calls == 2);
  // Wrong language: a content failure, never kept.
  auto french = std::make_shared<FixedSummarizer>(
      "Les panneaux solaires sont devenus bon marché et les batteries ont suivi, partout dans le monde entier.",
      "extractive", "fr");
  CHECK_THROWS_AS(GuardrailChain({french}).run(in, variant), td::PermanentError);
}
