// The handler with an OpenAI-compatible provider first in the chain (a
// loopback mock): what gets stored, and the guardrail record of the attempts.
#include <doctest/doctest.h>

#include <map>
#include <mutex>
#include <thread>
#include "fixtures.h"
#include "mock_llm.h"

#include "store/summaries.h"
#include "store/transcripts.h"
#include "summarize/extractive.h"
#include "summarize/openai.h"
#include "support/helpers.h"

using namespace td::summarize_test;
using namespace std::chrono_literals;
namespace sz = td::summarize;

namespace {

td::store::Summary run_one(const std::string& prefix, const std::string& vid, const MockLlm& mock) {
  td::test::TestDatabase db(prefix);
  auto c = td::test::migrated_connection(db.url());
  add_video(*c, {vid, {"comprehensive"}, 12});
  auto id = enqueue(*c, vid, "comprehensive");
  Running r(db.url(), openai_then_extractive(mock));
  REQUIRE(wait_idle(*c));
  REQUIRE_MESSAGE(job_status(*c, id) == "done", job_error(*c, id));
  CHECK(events(*c, "report-synced").size() == 1);
  pqxx::read_transaction tx(*c);
  auto s = td::store::current_summary(tx, vid, "comprehensive");
  REQUIRE(s);
  return *s;
}

}  // namespace

TEST_CASE("LlmDown: 500s from the provider fall back to extractive; the record shows both attempts") {
  MockLlm mock([](const std::string&, int, httplib::Response& res) {
    res.status = 500;
    res.set_content("upstream exploded", "text/plain");
  });
  auto s = run_one("sum_llm500", "yt:jjjjjjjjjjj", mock);
  CHECK(mock.requests() == 2);  // max_attempts, no strict re-run after an error
  CHECK(s.provider == "extractive");
  auto& attempts = s.guardrail["attempts"];
  REQUIRE(attempts.size() == 2);
  CHECK(attempts[0]["summarizer"] == "openai");
  CHECK(attempts[0]["ok"] == false);
  CHECK(attempts[0]["reason"] == "llm_unavailable");
  CHECK(attempts[0]["error"].get<std::string>() ==
        "LLM provider failed 2 times, last: HTTP 500 from " + mock.base_url() + "/chat/completions: upstream exploded");
  CHECK(attempts[1]["summarizer"] == "extractive");
  CHECK(attempts[1]["ok"] == true);
  CHECK(s.guardrail["accepted"]["summarizer"] == "extractive");
}

TEST_CASE("LlmWrongLanguage: a French answer for an English video is re-run strictly, then replaced") {
  const std::string french =
      "Le prix des panneaux solaires a beaucoup baissé depuis dix ans et les batteries stockent l'énergie de midi "
      "pour la soirée. Les éoliennes en mer produisent surtout en hiver, et le réseau a besoin de nouvelles lignes. ";
  MockLlm mock([&](const std::string&, int, httplib::Response& res) {
    std::string text;
    while (text.size() < 1800) text += french;
    MockLlm::answer(res, text);
  });
  auto s = run_one("sum_llmfr", "yt:kkkkkkkkkkk", mock);
  CHECK(s.provider == "extractive");
  CHECK(s.language == "en");
  auto& attempts = s.guardrail["attempts"];
  REQUIRE(attempts.size() == 3);
  CHECK(attempts[0]["strict"] == false);
  CHECK(attempts[1]["strict"] == true);
  bool language_failed = false;
  for (auto& f : attempts[1]["failed"]) language_failed = language_failed || f["check"] == "language";
  CHECK(language_failed);
}

TEST_CASE("LlmGood: an acceptable answer is stored with provider, model and prompt version") {
  // The provider answers with a text that meets the spec: the extractive
  // summary of the same transcript, so the test does not hard-code prose.
  td::test::TestDatabase scratch("sum_llmok_src");
  auto sc = td::test::migrated_connection(scratch.url());
  auto in = add_video(*sc, {"yt:lllllllllll", {"comprehensive"}, 12});
  auto good = sz::ExtractiveSummarizer().summarize(in, td::parse_variant("comprehensive"), {}).text;
  MockLlm mock([&](const std::string&, int, httplib::Response& res) { MockLlm::answer(res, good); });
  auto s = run_one("sum_llmok", "yt:lllllllllll", mock);
  CHECK(mock.requests() == 1);
  CHECK(s.provider == "openai");
  CHECK(s.model == "mock-model-1");
  CHECK(s.prompt_version == "comprehensive.v2");
  CHECK(s.text == sz::clean_model_text(good));
  CHECK(s.guardrail["attempts"].size() == 1);
}

TEST_CASE("LlmChatty: a preamble and sign-off around a good answer are not stored") {
  td::test::TestDatabase scratch("sum_llmwrap_src");
  auto sc = td::test::migrated_connection(scratch.url());
  auto in = add_video(*sc, {"yt:mmmmmmmmmmm", {"comprehensive"}, 12});
  auto good = sz::ExtractiveSummarizer().summarize(in, td::parse_variant("comprehensive"), {}).text;
  MockLlm mock([&](const std::string&, int, httplib::Response& res) {
    MockLlm::answer(res, "Sure! Here is a comprehensive summary of the video:\n\n" + good +
                             "\n\nI hope this helps! Let me know if you need anything else.");
  });
  auto s = run_one("sum_llmwrap", "yt:mmmmmmmmmmm", mock);
  CHECK(mock.requests() == 1);
  CHECK(s.provider == "openai");
  CHECK(s.text == sz::clean_model_text(good));
  CHECK(s.text.find("Sure!") == std::string::npos);
  CHECK(s.text.find("I hope this helps") == std::string::npos);
}

TEST_CASE("LlmTruncated: an answer cut off at max_tokens falls back to extractive; the record says truncated") {
  td::test::TestDatabase scratch("sum_llmcut_src");
  auto sc = td::test::migrated_connection(scratch.url());
  auto in = add_video(*sc, {"yt:nnnnnnnnnnn", {"comprehensive"}, 12});
  auto good = sz::ExtractiveSummarizer().summarize(in, td::parse_variant("comprehensive"), {}).text;
  // All the words and the sentences pass every check: only finish_reason
  // says the end is missing.
  MockLlm mock([&](const std::string&, int, httplib::Response& res) { MockLlm::answer(res, good, "length"); });
  auto s = run_one("sum_llmcut", "yt:nnnnnnnnnnn", mock);
  CHECK(mock.requests() == 1);
  CHECK(s.provider == "extractive");
  auto& attempts = s.guardrail["attempts"];
  REQUIRE(attempts.size() == 2);
  CHECK(attempts[0]["summarizer"] == "openai");
  CHECK(attempts[0]["ok"] == false);
  CHECK(attempts[0]["reason"] == "truncated");
  CHECK(attempts[1]["summarizer"] == "extractive");
  CHECK(s.guardrail["accepted"]["summarizer"] == "extractive");
}

TEST_CASE(
    "LlmNotesOnce: a long transcript's chunk notes are made once, shared by every variant, replica and reprocess") {
  td::test::TestDatabase db("sum_llmnotes");
  auto c = td::test::migrated_connection(db.url());
  const std::string vid = "yt:nnnnnnnnnnn";
  const std::vector<std::string> variants = {"comprehensive", "bullet-points", "key-insights", "audio"};
  add_video(*c, {vid, variants, 60});  // ~9,000 words: several chunks at 4,500 tokens
  std::mutex mu;
  std::map<std::string, int> chunk_asks;  // chunk prompt -> times asked
  MockLlm mock([&](const std::string& user, int n, httplib::Response& res) {
    if (user.rfind("This is part ", 0) == 0) {
      {
        std::lock_guard<std::mutex> lock(mu);
        ++chunk_asks[user];
      }
      std::this_thread::sleep_for(200ms);  // long enough for the other slots to want the same chunk
      MockLlm::answer(res, "Notes " + std::to_string(n) + ": the speaker compared solar panels, batteries and grids.");
    } else {
      res.status = 500;  // the reduce answers do not matter here: extractive writes the text
    }
  });
  auto chunk_requests = [&] {
    std::lock_guard<std::mutex> lock(mu);
    int total = 0;
    for (auto& [prompt, times] : chunk_asks) total += times;
    return std::pair<int, int>{total, static_cast<int>(chunk_asks.size())};
  };
  for (auto& v : variants) enqueue(*c, vid, v);
  {
    // Two replicas of two slots each: all four variants want the notes at once.
    Running a(db.url(), openai_then_extractive(mock, "", 4500), 2);
    Running b(db.url(), openai_then_extractive(mock, "", 4500), 2);
    REQUIRE(wait_idle(*c));
  }
  auto [asked, distinct] = chunk_requests();
  REQUIRE(distinct >= 2);
  CHECK(asked == distinct);  // each chunk asked once, not once per variant
  CHECK(count(*c, "SELECT count(*) FROM chunk_notes WHERE video_id = '" + vid + "'") == distinct);

  // A reprocess of every variant reads the kept notes.
  reprocess(*c, vid, variants, false);
  {
    Running r(db.url(), openai_then_extractive(mock, "", 4500), 2);
    REQUIRE(wait_idle(*c));
  }
  CHECK(chunk_requests().first == distinct);

  // A transcript with other text drops them; the same text keeps them.
  {
    pqxx::work tx(*c);
    auto t = *td::store::get_transcript(tx, vid);
    td::store::upsert_transcript(tx, t);
    tx.commit();
  }
  CHECK(count(*c, "SELECT count(*) FROM chunk_notes WHERE video_id = '" + vid + "'") == distinct);
  {
    pqxx::work tx(*c);
    auto t = *td::store::get_transcript(tx, vid);
    t.text += " And one more sentence.";
    td::store::upsert_transcript(tx, t);
    tx.commit();
  }
  CHECK(count(*c, "SELECT count(*) FROM chunk_notes WHERE video_id = '" + vid + "'") == 0);
}
