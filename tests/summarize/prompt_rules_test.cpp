// Prompts, QA and README state the same rules: for every variant,
// level and duration band, the prompt the OpenAI summarizer really sends (to a
// loopback mock) names every number QA enforces, as spec.h/target_for define
// it, and README.md's variants table states the same ranges. Also the prompt's
// details: no "" for a missing title, the language in words
// and by code.
#include <doctest/doctest.h>
#include <httplib.h>

#include <algorithm>
#include <climits>
#include <cstdlib>
#include <fstream>
#include <mutex>
#include <regex>
#include <set>
#include <sstream>
#include <thread>

#include <nlohmann/json.hpp>

#include "summarize/openai.h"
#include "summarize/prompts.h"
#include "summarize/qa.h"
#include "summarize/spec.h"
#include "summarize/text.h"
#include "support/helpers.h"
#include "variants/variants.h"

#include "mock_llm_server.h"

using namespace td::summarize;
using namespace std::chrono_literals;
using json = nlohmann::json;
using td::Variant;

namespace {

struct SentPrompt {
  std::string system, user;
};

// Answers every chat request with one fixed sentence: only what was sent matters here.
struct PromptCatcher {
  testing::MockLlm mock;
  PromptCatcher() {
    mock.on([](const testing::Request&, int, httplib::Response& res) { testing::answer(res, "A summary."); });
  }
  SentPrompt last() {
    auto r = mock.requests().back();
    return {r.system, r.user};
  }
  std::string base_url() const { return mock.base_url(); }
};

// Long enough that no band's range is relaxed for a short source, and free of
// digits: the checks below look for numbers in what surrounds it.
const std::string& long_transcript() {
  static const std::string text = [] {
    std::string out;
    for (int i = 0; i < 400; ++i) append_sep(out, " ", "The speaker explains another point about the new power grid.");
    return out;
  }();
  return text;
}

SentPrompt render(PromptCatcher& llm, const Variant& variant, int duration, const std::string& title, bool strict) {
  OpenAiConfig c;
  c.base_url = llm.base_url();
  c.model = "mock";
  c.timeout = 5s;
  c.max_attempts = 1;
  c.chunk_tokens = 1000000;
  OpenAiSummarizer summarizer(c, [](std::chrono::milliseconds) {});
  SummaryInput input;
  input.text = long_transcript();
  input.title = title;
  input.duration_seconds = duration;
  input.transcript_language = "en";
  Attempt attempt;
  attempt.strict = strict;
  if (strict) attempt.previous_failures = {"word_range: 12 words, expected more"};
  summarizer.summarize(input, variant, attempt);
  auto sent = llm.last();
  // Only the prompt's own text: the transcript must not state a rule for it.
  if (size_t at = sent.user.find(input.text); at != std::string::npos)
    sent.user.replace(at, input.text.size(), "<transcript>");
  return sent;
}

// `n` as a number of its own: 12 is not stated by "120".
bool states_number(const std::string& text, int n) {
  std::regex re("(^|[^0-9])" + std::to_string(n) + "([^0-9]|$)");
  return std::regex_search(text, re);
}

// A duration inside each band of the spec.
std::vector<int> band_durations(const VariantSpec& spec) {
  std::vector<int> out;
  int low = 0;
  for (auto& b : spec.bands) {
    out.push_back(b.up_to_seconds == INT_MAX ? low + 3600 : (low + b.up_to_seconds) / 2);
    low = b.up_to_seconds == INT_MAX ? low : b.up_to_seconds;
  }
  return out;
}

std::vector<Variant> variants_of(const VariantSpec& spec) {
  auto v = td::parse_variant(spec.base);
  if (!v.is_multilingual()) return {v};
  std::vector<Variant> out;
  for (const char* level : {":beginner", ":intermediate", ":advanced"})
    out.push_back(td::parse_variant(spec.base + level));
  return out;
}

// Every number QA enforces for this request, named for the failure message.
std::vector<std::pair<std::string, int>> enforced_numbers(const VariantSpec& spec, const Variant& v, const Target& t) {
  std::vector<std::pair<std::string, int>> out = {{"min_words", t.words.min}, {"max_words", t.words.max}};
  if (t.max_items > 0) {
    out.push_back({"min_items", t.min_items});
    out.push_back({"max_items", t.max_items});
  }
  if (spec.max_item_words > 0) out.push_back({"max_item_words", spec.max_item_words});
  if (spec.max_headline_words > 0) out.push_back({"max_headline_words", spec.max_headline_words});
  auto rule = level_rule(spec, v);
  if (rule.max_sentence_words > 0) out.push_back({"max_sentence_words", rule.max_sentence_words});
  return out;
}

bool runs(const VariantSpec& spec, const std::string& check) {
  return std::find(spec.checks.begin(), spec.checks.end(), check) != spec.checks.end();
}

std::string dashes_to_hyphens(std::string s) {
  for (size_t p = s.find("\xE2\x80\x93"); p != std::string::npos; p = s.find("\xE2\x80\x93", p)) s.replace(p, 3, "-");
  return s;
}

std::string range(int a, int b) { return std::to_string(a) + "-" + std::to_string(b); }

}  // namespace

TEST_CASE("every prompt states every number QA enforces, for every variant, level and duration band") {
  PromptCatcher llm;
  for (auto& spec : all_specs()) {
    for (auto& v : variants_of(spec)) {
      for (int duration : band_durations(spec)) {
        CAPTURE(v.name());
        CAPTURE(duration);
        auto target = target_for(spec, v, duration, count_words(long_transcript()));
        REQUIRE_FALSE(target.short_source);
        auto sent = render(llm, v, duration, "Power grids", false);
        auto strict = render(llm, v, duration, "Power grids", true);
        REQUIRE(strict.user.rfind(sent.user, 0) == 0);
        std::string strict_part = strict.user.substr(sent.user.size());
        for (auto& text : {sent.system, sent.user, strict.user}) {
          CHECK(text.find("{{") == std::string::npos);
          CHECK(text.find("[[") == std::string::npos);
        }
        for (auto& [what, n] : enforced_numbers(spec, v, target)) {
          CAPTURE(what);
          CAPTURE(n);
          CHECK(states_number(sent.user, n));
          CHECK(states_number(strict_part, n));
        }
        auto rule = level_rule(spec, v);
        if (!rule.cefr.empty()) CHECK(sent.user.find(rule.cefr) != std::string::npos);
        if (rule.glossary_terms > 0) {
          CHECK(states_number(sent.user, rule.glossary_terms));
          CHECK(sent.user.find("vocabulary") != std::string::npos);
        } else {
          CHECK(sent.user.find("vocabulary") == std::string::npos);
        }
        if (spec.bottom_line)
          CHECK(sent.user.find(bottom_line_label(v.target_language().empty() ? "en" : v.target_language())) !=
                std::string::npos);
        if (runs(spec, "plain_speech")) CHECK(sent.user.find("no URLs") != std::string::npos);
        if (runs(spec, "no_repetition")) CHECK(sent.user.find("Never repeat") != std::string::npos);
      }
    }
  }
}

TEST_CASE("the prompt names the language in words and by code, and leaves out a missing title") {
  PromptCatcher llm;
  for (auto& spec : all_specs()) {
    for (auto& v : variants_of(spec)) {
      CAPTURE(v.name());
      std::string code = v.target_language().empty() ? "en" : v.target_language();
      auto titled = render(llm, v, 300, "Power grids", false);
      CHECK(titled.user.find("\"Power grids\"") != std::string::npos);
      CHECK(titled.user.find(language_in_words(code)) != std::string::npos);
      CHECK(titled.user.find("ISO code \"" + code + "\"") != std::string::npos);
      auto untitled = render(llm, v, 300, "", false);
      CHECK(untitled.user.find("\"\"") == std::string::npos);
      CHECK(untitled.user.find("the video (") != std::string::npos);
    }
  }
}

TEST_CASE("fill_placeholders: one pass, optional and conditional sections") {
  // A value is not scanned again: a transcript quoting a placeholder stays as it is.
  CHECK(fill_placeholders("{{transcript}} by {{title}}", {{"transcript", "says {{title}}"}, {"title", "T"}}) ==
        "says {{title}} by T");
  CHECK(fill_placeholders("the video[[ \"{{title}}\"]].", {{"title", ""}}) == "the video.");
  CHECK(fill_placeholders("the video[[ \"{{title}}\"]].", {{"title", "X"}}) == "the video \"X\".");
  std::string levels = "a\n[[level=beginner:- short]]\n[[level!=beginner:- long]]\nb";
  CHECK(fill_placeholders(levels, {{"level", "beginner"}}) == "a\n- short\nb");
  CHECK(fill_placeholders(levels, {{"level", "advanced"}}) == "a\n- long\nb");
  CHECK(fill_placeholders("in {{language_name}}[[ (ISO code \"{{language_code}}\")]]", {{"language", "fr"}}) ==
        "in French (ISO code \"fr\")");
  CHECK(fill_placeholders("in {{language_name}}[[ (ISO code \"{{language_code}}\")]]",
                          {{"language", "the same as the transcript"}}) == "in the language of the transcript");
  CHECK(fill_placeholders("{{transcript_label}}:", {}) == "Transcript:");
  CHECK(fill_placeholders("{{transcript_label}}:", {{"transcript_label", "Notes"}}) == "Notes:");
  CHECK(fill_placeholders("{{unknown}}", {}) == "{{unknown}}");
}

TEST_CASE("README's variants table states the spec's ranges and no others") {
  std::vector<std::string> rows;
  for (const auto& line : td::test::readme_table("| Variant | What |")) rows.push_back(dashes_to_hyphens(line));
  REQUIRE(rows.size() >= 2);
  for (auto& spec : all_specs()) {
    CAPTURE(spec.base);
    std::string row;
    for (auto& r : rows) {
      std::string first_cell = r.substr(0, r.find('|', 1));
      if (first_cell.find("`" + spec.base + "`") != std::string::npos) row = r;
    }
    REQUIRE_FALSE(row.empty());
    CAPTURE(row);
    std::set<std::string> allowed;
    int low_minutes = 0;
    for (auto& b : spec.bands) {
      CHECK(row.find(range(b.words.min, b.words.max)) != std::string::npos);
      allowed.insert(range(b.words.min, b.words.max));
      if (b.up_to_seconds != INT_MAX) {
        if (low_minutes > 0) allowed.insert(range(low_minutes, b.up_to_seconds / 60));  // "for 10-30 min"
        low_minutes = b.up_to_seconds / 60;
      }
    }
    if (spec.max_items > 0) {
      CHECK(row.find(range(spec.min_items, spec.max_items)) != std::string::npos);
      allowed.insert(range(spec.min_items, spec.max_items));
    }
    if (spec.max_item_words > 0)
      CHECK(row.find("at most " + std::to_string(spec.max_item_words) + " words") != std::string::npos);
    if (spec.max_headline_words > 0)
      CHECK(row.find("at most " + std::to_string(spec.max_headline_words) + " words") != std::string::npos);
    if (spec.bottom_line) CHECK(row.find("Bottom line") != std::string::npos);
    if (td::parse_variant(spec.base).is_multilingual()) {
      for (auto& [name, rule] : {std::pair<std::string, const LevelRule&>{"beginner", spec.beginner},
                                 {"intermediate", spec.intermediate},
                                 {"advanced", spec.advanced}}) {
        CAPTURE(name);
        size_t at = row.find("`:" + name + "`");
        REQUIRE(at != std::string::npos);
        std::string part = row.substr(at, row.find(')', at) - at);
        CHECK(part.find(rule.cefr) != std::string::npos);
        if (rule.max_sentence_words > 0)
          CHECK(part.find("at most " + std::to_string(rule.max_sentence_words) + " words") != std::string::npos);
        if (rule.glossary_terms > 0) CHECK(part.find("~" + std::to_string(rule.glossary_terms)) != std::string::npos);
        else CHECK(part.find("no glossary") != std::string::npos);
      }
    }
    static const std::regex range_re(R"((\d+)-(\d+))");
    for (std::sregex_iterator it(row.begin(), row.end(), range_re), end; it != end; ++it) {
      CAPTURE(it->str());
      CHECK(allowed.count(it->str()) == 1);
    }
  }
}
