// The OpenAI-compatible summarizer and the guardrail chain against a
// loopback mock server: good answers, empty, too short, wrong language,
// 429 with Retry-After, 500, too slow, trickled, malformed JSON, 401, 404,
// map-reduce.
#include <doctest/doctest.h>
#include <httplib.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <sstream>

#include <atomic>
#include <cstdlib>
#include <functional>
#include <mutex>
#include <thread>

#include <nlohmann/json.hpp>

#include "common/errors.h"
#include "mock_llm_server.h"
#include "summarize/chain.h"
#include "summarize/extractive.h"
#include "summarize/notes.h"
#include "summarize/openai.h"
#include "summarize/qa.h"
#include "summarize/text.h"
#include "test_text.h"
#include "transcript_gen.h"

using namespace td::summarize;
using namespace std::chrono_literals;
using json = nlohmann::json;

using td::summarize::testing::answer;
using td::summarize::testing::chat;
using td::summarize::testing::MockLlm;
using td::summarize::testing::Request;

namespace {

const char* kFrench =
    "Le prix des panneaux solaires a beaucoup baissé depuis dix ans. Les batteries stockent l'énergie de midi pour "
    "la soirée. Les éoliennes en mer produisent surtout en hiver. Le réseau a besoin de nouvelles lignes. Les pompes "
    "à chaleur chauffent bien les maisons même quand il fait froid. Les voitures électriques coûtent de moins en "
    "moins cher. L'hydrogène vert sert surtout à l'industrie lourde. Les centrales nucléaires produisent une "
    "électricité stable. ";

struct Fixture {
  MockLlm mock;
  std::vector<std::chrono::milliseconds> sleeps;
  SummaryInput input;

  Fixture() {
    testing::GenOptions g;
    g.minutes = 20;  // comprehensive range 220-350
    input = testing::generate_transcript(g);
  }
  OpenAiConfig config() {
    OpenAiConfig c;
    c.base_url = mock.base_url();
    c.api_key = "test-key";
    c.model = "mock-model";
    c.timeout = 2s;
    c.max_attempts = 3;
    c.backoff = td::Backoff{100ms, 400ms, 0.0};
    c.chunk_tokens = 100000;
    return c;
  }
  std::shared_ptr<OpenAiSummarizer> openai(OpenAiConfig c) {
    return std::make_shared<OpenAiSummarizer>(c, [this](std::chrono::milliseconds d) { sleeps.push_back(d); });
  }
  ChainResult run(const char* variant = "comprehensive") {
    GuardrailChain chain({openai(config())});
    return chain.run(input, td::parse_variant(variant));
  }
};

bool has_failed_check(const json& attempt, const std::string& check) {
  if (!attempt.contains("failed")) return false;
  for (auto& f : attempt["failed"])
    if (f["check"] == check) return true;
  return false;
}

}  // namespace

TEST_CASE("chain: a good answer from the provider is accepted at once") {
  Fixture f;
  f.mock.on([](const Request&, int, httplib::Response& res) { answer(res, english_words(260)); });
  auto r = f.run();
  CHECK(r.output.provider == "openai");
  CHECK(r.output.model == "mock-model-1");
  CHECK(r.output.prompt_version == "comprehensive.v2");
  CHECK(r.guardrail["accepted"]["summarizer"] == "openai");
  CHECK(r.guardrail["accepted"]["strict"] == false);
  CHECK(r.guardrail["attempts"].size() == 1);
  CHECK(r.guardrail["language"]["expected"] == "en");
  CHECK(r.guardrail["language"]["detected"] == "en");
  auto reqs = f.mock.requests();
  REQUIRE(reqs.size() == 1);
  CHECK(reqs[0].body["model"] == "mock-model");
  CHECK(reqs[0].user.find("Between 220 and 350 words") != std::string::npos);
  CHECK(reqs[0].user.find("{{") == std::string::npos);
  CHECK(f.mock.auth() == "Bearer test-key");
}

TEST_CASE("chain: an empty answer is retried strictly, then extractive takes over") {
  Fixture f;
  f.mock.on([](const Request&, int, httplib::Response& res) { answer(res, ""); });
  auto r = f.run();
  CHECK(r.output.provider == "extractive");
  auto& a = r.guardrail["attempts"];
  REQUIRE(a.size() == 3);
  CHECK(a[0]["summarizer"] == "openai");
  CHECK(a[0]["strict"] == false);
  CHECK(has_failed_check(a[0], "not_empty"));
  CHECK(a[1]["strict"] == true);
  CHECK(has_failed_check(a[1], "not_empty"));
  CHECK(a[2]["summarizer"] == "extractive");
  CHECK(a[2]["ok"] == true);
  auto reqs = f.mock.requests();
  REQUIRE(reqs.size() == 2);
  CHECK_FALSE(reqs[0].strict());
  CHECK(reqs[1].strict());
}

TEST_CASE("chain: a too-short answer passes on the strict re-run, which is told why") {
  Fixture f;
  f.mock.on([](const Request& r, int, httplib::Response& res) {
    answer(res, r.strict() ? english_words(260) : english_words(90));
  });
  auto r = f.run();
  CHECK(r.output.provider == "openai");
  CHECK(r.guardrail["accepted"]["strict"] == true);
  CHECK(has_failed_check(r.guardrail["attempts"][0], "word_range"));
  auto reqs = f.mock.requests();
  REQUIRE(reqs.size() == 2);
  CHECK(reqs[1].user.find("word_range") != std::string::npos);
}

TEST_CASE("chain: an answer in the wrong language is never stored") {
  Fixture f;
  std::string french;
  for (int i = 0; i < 3; ++i) french += kFrench;
  f.mock.on([&](const Request&, int, httplib::Response& res) { answer(res, french); });
  auto r = f.run();
  CHECK(r.output.provider == "extractive");
  CHECK(has_failed_check(r.guardrail["attempts"][0], "language"));
  CHECK(has_failed_check(r.guardrail["attempts"][1], "language"));
  CHECK(r.guardrail["language"]["detected"] == "en");
}

TEST_CASE("chain: a refusal is rejected") {
  Fixture f;
  f.mock.on([](const Request&, int, httplib::Response& res) {
    answer(res, "I'm sorry, but I can't help with summarizing this content.");
  });
  auto r = f.run();
  CHECK(r.output.provider == "extractive");
  CHECK(has_failed_check(r.guardrail["attempts"][0], "no_refusal"));
}

TEST_CASE("openai: 429 waits for Retry-After, then succeeds") {
  Fixture f;
  f.mock.on([](const Request&, int n, httplib::Response& res) {
    if (n == 1) {
      res.status = 429;
      res.set_header("Retry-After", "2");
      res.set_content(R"({"error":"slow down"})", "application/json");
      return;
    }
    answer(res, english_words(260));
  });
  auto r = f.run();
  CHECK(r.output.provider == "openai");
  REQUIRE(f.sleeps.size() == 1);
  CHECK(f.sleeps[0] == 2000ms);
  CHECK(f.mock.requests().size() == 2);
}

TEST_CASE("openai: 503 with Retry-After is honoured like a 429") {
  Fixture f;
  f.mock.on([](const Request&, int n, httplib::Response& res) {
    if (n == 1) {
      res.status = 503;
      res.set_header("Retry-After", "3");
      res.set_content("model is loading", "text/plain");
      return;
    }
    answer(res, english_words(260));
  });
  auto r = f.run();
  CHECK(r.output.provider == "openai");
  REQUIRE(f.sleeps.size() == 1);
  CHECK(f.sleeps[0] == 3000ms);
}

TEST_CASE("openai: 500s are retried with capped backoff, then the chain moves on") {
  Fixture f;
  f.mock.on([](const Request&, int, httplib::Response& res) {
    res.status = 500;
    res.set_content("upstream exploded", "text/plain");
  });
  auto r = f.run();
  CHECK(r.output.provider == "extractive");
  CHECK(f.mock.requests().size() == 3);  // max_attempts; no strict re-run after an error
  REQUIRE(f.sleeps.size() == 2);
  CHECK(f.sleeps[0] == 100ms);
  CHECK(f.sleeps[1] == 200ms);
  auto& a0 = r.guardrail["attempts"][0];
  CHECK(a0["reason"] == "llm_unavailable");
  CHECK(a0["permanent"] == false);
  CHECK(a0["error"].get<std::string>() == "LLM provider failed 3 times, last: HTTP 500 from " + f.mock.base_url() +
                                              "/chat/completions: upstream exploded");
}

TEST_CASE("openai: an answer slower than LLM_TIMEOUT counts as a failed attempt") {
  Fixture f;
  f.mock.on([](const Request&, int, httplib::Response& res) {
    std::this_thread::sleep_for(900ms);
    answer(res, english_words(260));
  });
  auto c = f.config();
  c.timeout = 250ms;
  c.max_attempts = 2;
  GuardrailChain chain({f.openai(c)});
  auto start = std::chrono::steady_clock::now();
  auto r = chain.run(f.input, td::parse_variant("comprehensive"));
  CHECK(std::chrono::steady_clock::now() - start < 5s);
  CHECK(r.output.provider == "extractive");
  CHECK(r.guardrail["attempts"][0]["reason"] == "llm_unavailable");
  CHECK(r.guardrail["attempts"][0]["error"].get<std::string>() ==
        "LLM provider failed 2 times, last: timed out after 0.25 s waiting for " + f.mock.base_url() +
            "/chat/completions");
  CHECK(f.mock.requests().size() == 2);
}

TEST_CASE("openai: an answer trickled past LLM_TIMEOUT is cut at it, not accepted late") {
  Fixture f;
  // Each piece comes well within the timeout; the whole takes 4 s.
  f.mock.on([](const Request&, int, httplib::Response& res) {
    auto body = std::make_shared<std::string>(chat(english_words(260)));
    res.set_chunked_content_provider("application/json", [body](size_t offset, httplib::DataSink& sink) {
      if (offset >= body->size()) {
        sink.done();
        return true;
      }
      std::this_thread::sleep_for(500ms);
      size_t n = std::min(body->size() - offset, body->size() / 8 + 1);
      return sink.is_writable() && sink.write(body->data() + offset, n);
    });
  });
  auto c = f.config();
  c.timeout = 1500ms;
  c.max_attempts = 1;
  OpenAiSummarizer direct(c, [](std::chrono::milliseconds) {});
  auto start = std::chrono::steady_clock::now();
  CHECK_THROWS_WITH_AS(direct.complete("s", "u"),
                       ("LLM provider failed 1 times, last: timed out after 1.5 s waiting for " + f.mock.base_url() +
                        "/chat/completions")
                           .c_str(),
                       td::TransientError);
  CHECK(std::chrono::steady_clock::now() - start < 3s);
}

TEST_CASE("openai: malformed JSON is a clear error and the chain moves on") {
  Fixture f;
  f.mock.on([](const Request&, int, httplib::Response& res) {
    res.set_content("{\"choices\": [ {\"message\": ", "application/json");
  });
  auto r = f.run();
  CHECK(r.output.provider == "extractive");
  CHECK(r.guardrail["attempts"][0]["reason"] == "llm_malformed");
  CHECK(r.guardrail["attempts"][0]["error"].get<std::string>().find("not JSON") != std::string::npos);

  f.mock.on(
      [](const Request&, int, httplib::Response& res) { res.set_content(R"({"choices": []})", "application/json"); });
  OpenAiSummarizer direct(f.config());
  CHECK_THROWS_WITH_AS(direct.complete("s", "u"), doctest::Contains("choices[0].message.content"), td::TransientError);
}

TEST_CASE("openai: 401 is permanent and not retried") {
  Fixture f;
  f.mock.on([](const Request&, int, httplib::Response& res) {
    res.status = 401;
    res.set_content(R"({"error":"bad key"})", "application/json");
  });
  auto r = f.run();
  CHECK(r.output.provider == "extractive");
  CHECK(f.mock.requests().size() == 1);
  CHECK(f.sleeps.empty());
  CHECK(r.guardrail["attempts"][0]["reason"] == "llm_auth");
  CHECK(r.guardrail["attempts"][0]["permanent"] == true);
  CHECK(r.guardrail["attempts"][0]["error"].get<std::string>() ==
        "LLM provider refused the request: HTTP 401 from " + f.mock.base_url() +
            "/chat/completions: {\"error\":\"bad key\"}; check LLM_API_KEY for " + f.mock.base_url());
}

TEST_CASE("openai: a permanent provider error is logged at error level once per process, then at debug") {
  Fixture f;
  f.mock.on([](const Request&, int, httplib::Response& res) {
    res.status = 404;
    res.set_content(R"({"error":"model 'mock-model' not found"})", "application/json");
  });
  std::ostringstream log;
  auto previous = spdlog::default_logger();
  auto capture = std::make_shared<spdlog::logger>("capture", std::make_shared<spdlog::sinks::ostream_sink_mt>(log));
  capture->set_level(spdlog::level::debug);
  capture->set_pattern("%l %v");
  spdlog::set_default_logger(capture);
  struct Restore {
    std::shared_ptr<spdlog::logger> l;
    ~Restore() { spdlog::set_default_logger(l); }
  } restore{previous};

  OpenAiSummarizer a(f.config(), [](std::chrono::milliseconds) {});
  OpenAiSummarizer b(f.config(), [](std::chrono::milliseconds) {});  // another job, same process
  CHECK_THROWS_WITH_AS(a.complete("s", "u"), doctest::Contains("check LLM_MODEL ('mock-model')"), td::PermanentError);
  CHECK_THROWS_AS(b.complete("s", "u"), td::PermanentError);
  CHECK_THROWS_AS(a.complete("s", "u"), td::PermanentError);
  std::string text = log.str();
  size_t first = text.find("error LLM provider rejected the request: HTTP 404 from " + f.mock.base_url());
  CHECK(first != std::string::npos);
  CHECK(text.find("error LLM provider", first + 1) == std::string::npos);  // once
  size_t debugs = 0;
  for (size_t at = text.find("debug LLM provider rejected"); at != std::string::npos;
       at = text.find("debug LLM provider rejected", at + 1))
    ++debugs;
  CHECK(debugs == 2);
  CHECK(f.mock.requests().size() == 3);  // no retries
}

TEST_CASE("openai: a long transcript is map-reduced within the chunk budget") {
  Fixture f;
  f.mock.on([](const Request& r, int n, httplib::Response& res) {
    if (r.user.find("This is part ") != std::string::npos)
      answer(res, "Notes number " + std::to_string(n) + ": solar, storage and grids were discussed.");
    else answer(res, english_words(260));
  });
  auto c = f.config();
  c.chunk_tokens = 1000;  // ~4,000 characters per request
  auto llm = f.openai(c);
  auto out = llm->summarize(f.input, td::parse_variant("comprehensive"), {});
  auto reqs = f.mock.requests();
  size_t chars = transcript_text(f.input).size();
  CHECK(reqs.size() >= chars / 4000 + 1);
  for (auto& r : reqs) CHECK(r.user.size() < 4000 + 2500);  // chunk + prompt text
  CHECK(out.prompt_version == "comprehensive.v2+chunk-notes");
  CHECK(reqs.back().user.find("Notes number 1:") != std::string::npos);
  CHECK(reqs.back().user.find("This is part") == std::string::npos);
}

TEST_CASE("openai: chunk notes are made once per transcript, in its language, and read by every variant") {
  Fixture f;
  f.input.transcript_language = "en";
  f.mock.on([](const Request& r, int n, httplib::Response& res) {
    if (r.user.find("This is part ") != std::string::npos)
      answer(res, "Notes number " + std::to_string(n) + ": solar, storage and grids were discussed.");
    else answer(res, english_words(260));
  });
  auto c = f.config();
  c.chunk_tokens = 1000;
  auto llm = f.openai(c);
  MemoryNotesStore store;
  f.input.notes_store = &store;
  auto chunk_requests = [&] {
    int n = 0;
    for (auto& r : f.mock.requests()) n += r.user.find("This is part ") != std::string::npos;
    return n;
  };

  auto first = llm->summarize(f.input, td::parse_variant("comprehensive"), {});
  int chunks = chunk_requests();
  REQUIRE(chunks >= 2);
  CHECK(store.size() == static_cast<size_t>(chunks));
  CHECK(first.usage.notes_made == chunks);
  CHECK(first.usage.notes_reused == 0);
  CHECK(first.usage.requests == chunks + 1);
  CHECK(first.usage.prompt_tokens == 1000 * (chunks + 1));
  CHECK(first.usage.completion_tokens > 0);
  // Written in the transcript's language, whatever the variant asks for.
  for (auto& r : f.mock.requests())
    if (r.user.find("This is part ") != std::string::npos) CHECK(r.user.find("English") != std::string::npos);

  for (const char* v : {"bullet-points", "audio-fr:beginner", "comprehensive"}) {
    CAPTURE(v);
    auto out = llm->summarize(f.input, td::parse_variant(v), {});
    CHECK(out.usage.notes_made == 0);
    CHECK(out.usage.notes_reused == chunks);
    CHECK(out.usage.requests == 1);  // the reduce step only
  }
  CHECK(chunk_requests() == chunks);
  // The reduce step reads the kept notes.
  CHECK(f.mock.requests().back().user.find("Notes number 1:") != std::string::npos);

  // Another model asks again: its notes are its own.
  auto other = c;
  other.model = "another-model";
  auto out = f.openai(other)->summarize(f.input, td::parse_variant("comprehensive"), {});
  CHECK(out.usage.notes_made == chunks);
  CHECK(chunk_requests() == 2 * chunks);
}

TEST_CASE("openai: empty chunk notes are a failed attempt and never kept") {
  Fixture f;
  f.input.transcript_language = "en";
  f.mock.on([](const Request& r, int, httplib::Response& res) {
    answer(res, r.user.find("This is part ") != std::string::npos ? "" : english_words(260));
  });
  auto c = f.config();
  c.chunk_tokens = 1000;
  MemoryNotesStore store;
  f.input.notes_store = &store;
  CHECK_THROWS_AS(f.openai(c)->summarize(f.input, td::parse_variant("comprehensive"), {}), td::TransientError);
  CHECK(store.size() == 0);
}

TEST_CASE("chain: extractive is always the last resort, and total failure says why") {
  Fixture f;
  f.mock.on([](const Request&, int, httplib::Response& res) {
    res.status = 401;
    res.set_content("no", "text/plain");
  });
  GuardrailChain plain({f.openai(f.config())});
  CHECK(plain.names() == std::vector<std::string>{"openai", "extractive"});

  // Extractive cannot write audio-fr without Apertium: nothing is acceptable.
  auto broken = std::make_shared<ExtractiveSummarizer>(std::make_shared<ApertiumTranslator>("/nonexistent/apertium"));
  GuardrailChain chain({f.openai(f.config()), broken});
  json record;
  try {
    chain.run(f.input, td::parse_variant("audio-fr"), &record);
    FAIL("expected an error");
  } catch (const td::PermanentError& e) {
    CHECK(e.reason() == "summary_failed");
    std::string msg = e.what();
    CHECK(msg.find("openai") != std::string::npos);
    CHECK(msg.find("apertium") != std::string::npos);
  }
  CHECK(record["attempts"].size() == 2);

  // A provider that may come back makes the whole failure transient.
  f.mock.on([](const Request&, int, httplib::Response& res) { res.status = 503; });
  CHECK_THROWS_AS(chain.run(f.input, td::parse_variant("audio-fr")), td::TransientError);
}

TEST_CASE("chain: short transcripts are flagged short_source in the record") {
  Fixture f;
  testing::GenOptions g;
  g.minutes = 2;
  f.input = testing::generate_transcript(g);
  f.mock.on([](const Request&, int, httplib::Response& res) { answer(res, ""); });
  auto r = f.run("comprehensive");
  CHECK(r.output.provider == "extractive");
  CHECK(r.guardrail["flags"] == json::array({"short_source"}));
}

TEST_CASE("SUMMARIZER builds the chain; openai needs its settings") {
  unsetenv("LLM_BASE_URL");
  unsetenv("LLM_MODEL");
  CHECK_THROWS_AS(summarizers_from("openai,extractive"), td::PermanentError);
  CHECK_THROWS_AS(summarizers_from("gpt5"), td::PermanentError);
  setenv("LLM_BASE_URL", "http://127.0.0.1:9/v1", 1);
  setenv("LLM_MODEL", "m", 1);
  auto list = summarizers_from("openai, extractive");
  REQUIRE(list.size() == 2);
  CHECK(list[0]->name() == "openai");
  unsetenv("LLM_BASE_URL");
  unsetenv("LLM_MODEL");
}

TEST_CASE("chain: a chatty preamble and sign-off are stripped before QA and never stored") {
  Fixture f;
  std::string body = english_words(260);
  f.mock.on([&](const Request&, int, httplib::Response& res) {
    answer(res, "<think>The user wants a summary.</think>\nSure! Here's a comprehensive summary of the video:\n\n" +
                    body + "\n\nI hope this helps! Let me know if you need any changes.");
  });
  auto r = f.run();
  CHECK(r.output.provider == "openai");
  CHECK(r.output.text == body);
  CHECK(f.mock.requests().size() == 1);
}

TEST_CASE("chain: a preamble in the middle is rejected by no_chatter, then extractive takes over") {
  Fixture f;
  std::string half = english_words(130);
  f.mock.on([&](const Request&, int, httplib::Response& res) {
    answer(res, half + "\n\nHere is the second part of the summary:\n\n" + half);
  });
  auto r = f.run();
  CHECK(r.output.provider == "extractive");
  CHECK(has_failed_check(r.guardrail["attempts"][0], "no_chatter"));
  CHECK(has_failed_check(r.guardrail["attempts"][1], "no_chatter"));
}

TEST_CASE("chain: markdown headings and bold in bullet points are rejected") {
  Fixture f;
  f.mock.on([](const Request&, int, httplib::Response& res) {
    std::string text = "# Summary\n\n## Main points\n\n";
    for (int i = 0; i < 12; ++i)
      text += "- **Point " + std::to_string(i + 1) + "** solar panels became much cheaper in the decade.\n";
    answer(res, text + "\nBottom line: clean energy got cheap.");
  });
  auto r = f.run("bullet-points");
  CHECK(r.output.provider == "extractive");
  CHECK(has_failed_check(r.guardrail["attempts"][0], "bullet_markup"));
}

TEST_CASE("openai: a cut-off answer (finish_reason length) is a failed attempt; extractive writes the summary") {
  Fixture f;
  f.mock.on(
      [](const Request&, int, httplib::Response& res) { answer(res, english_words(240) + " and then", "length"); });
  auto r = f.run();
  CHECK(r.output.provider == "extractive");
  auto& a = r.guardrail["attempts"];
  REQUIRE(a.size() == 2);
  CHECK(a[0]["summarizer"] == "openai");
  CHECK(a[0]["ok"] == false);
  CHECK(a[0]["reason"] == "truncated");
  CHECK(a[0]["permanent"] == true);
  CHECK(a[0]["error"].get<std::string>().find("finish_reason") != std::string::npos);
  CHECK(a[1]["summarizer"] == "extractive");
  CHECK(a[1]["ok"] == true);
  CHECK(f.mock.requests().size() == 1);  // not retried: the same budget cuts it again
}

TEST_CASE("openai: max_tokens is sized from the variant's word range and the language") {
  CHECK(max_tokens_for(350, "en") == 350 * 2 + 256);
  CHECK(max_tokens_for(350, "fr") == 350 * 3 + 256);
  CHECK(max_tokens_for(350, "") == 350 * 3 + 256);
  Fixture f;
  f.mock.on([](const Request&, int, httplib::Response& res) { answer(res, english_words(260)); });
  f.run("comprehensive");  // 20 minutes: 220-350 words
  f.run("bullet-points");  // at most 330 words
  auto c = f.config();
  c.max_tokens = 4096;  // LLM_MAX_TOKENS
  GuardrailChain fixed({f.openai(c)});
  fixed.run(f.input, td::parse_variant("comprehensive"));
  c.max_tokens = 0;  // send none
  GuardrailChain none({f.openai(c)});
  none.run(f.input, td::parse_variant("comprehensive"));
  auto reqs = f.mock.requests();
  REQUIRE(reqs.size() >= 4);
  CHECK(reqs[0].body["max_tokens"] == 350 * 2 + 256);
  CHECK(reqs[1].body["max_tokens"] == 330 * 2 + 256);
  CHECK(reqs[reqs.size() - 2].body["max_tokens"] == 4096);
  CHECK_FALSE(reqs.back().body.contains("max_tokens"));

  setenv("LLM_BASE_URL", "http://127.0.0.1:9/v1", 1);
  setenv("LLM_MODEL", "m", 1);
  CHECK(OpenAiConfig::from_env().max_tokens == -1);
  setenv("LLM_MAX_TOKENS", "8000", 1);
  CHECK(OpenAiConfig::from_env().max_tokens == 8000);
  unsetenv("LLM_MAX_TOKENS");
  unsetenv("LLM_BASE_URL");
  unsetenv("LLM_MODEL");
}
