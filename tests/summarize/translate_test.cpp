#include <doctest/doctest.h>

#include "common/errors.h"
#include "summarize/extractive.h"
#include "summarize/language.h"
#include "summarize/qa.h"
#include "summarize/spec.h"
#include "summarize/text.h"
#include "summarize/translator.h"
#include "transcript_gen.h"

using namespace td::summarize;

namespace {

int lines_containing(const std::string& text, const std::string& needle) {
  int n = 0;
  for (auto& l : nonempty_lines(text)) n += l.find(needle) != std::string::npos;
  return n;
}

}  // namespace

TEST_CASE("apertium routes: direct, through Spanish, and none") {
  ApertiumTranslator t;
  REQUIRE_MESSAGE(t.installed(), "apertium is needed for this test (apt-get install apertium apertium-eng-spa apertium-fr-es)");
  CHECK(*t.route("en", "es") == std::vector<std::string>{"eng-spa"});
  CHECK(*t.route("en", "fr") == std::vector<std::string>{"eng-spa", "es-fr"});
  CHECK(t.route("en", "en")->empty());
  CHECK_FALSE(t.route("de", "es").has_value());
  try {
    t.require("de", "es");
    FAIL("expected an error");
  } catch (const td::PermanentError& e) {
    CHECK(e.reason() == "no_translation_route");
    CHECK(std::string(e.what()).find("SUMMARIZER=openai") != std::string::npos);
  }
  auto tr = t.translate({"The company reduced its costs.", "", "Solar panels are cheaper every year."}, "en", "es");
  REQUIRE(tr.pieces.size() == 3);
  CHECK(tr.pieces[1].empty());
  CHECK(tr.pieces[0].find("empresa") != std::string::npos);
  CHECK(tr.engine == "apertium eng-spa");
}

TEST_CASE("audio-es and audio-fr from English come out in Spanish and French, by level") {
  testing::GenOptions g;
  g.minutes = 30;
  auto in = testing::generate_transcript(g);
  ExtractiveSummarizer ex;
  struct Case {
    const char* variant;
    const char* lang;
    const char* glossary_marker;
    int min_terms, max_terms;
  } cases[] = {{"audio-es:beginner", "es", ": en inglés,", 5, 8},
               {"audio-es", "es", ": en inglés,", 3, 6},
               {"audio-fr:advanced", "fr", ": en anglais,", 0, 0},
               {"audio-fr:beginner", "fr", ": en anglais,", 5, 8}};
  for (auto& c : cases) {
    CAPTURE(c.variant);
    auto v = td::parse_variant(c.variant);
    auto out = ex.summarize(in, v, {});
    CHECK(out.language == c.lang);
    CHECK(out.translated_by.rfind("apertium eng-spa", 0) == 0);
    if (std::string(c.lang) == "fr") CHECK(out.translated_by == "apertium eng-spa>es-fr");
    auto d = detect_language(out.text);
    CHECK(d.code == c.lang);
    int terms = lines_containing(out.text, c.glossary_marker);
    CHECK(terms >= c.min_terms);
    CHECK(terms <= c.max_terms);
    const auto& spec = spec_for(v);
    auto target = target_for(spec, v, in.duration_seconds, count_words(transcript_text(in)));
    auto failures = run_checks(QaContext{&spec, v, target, c.lang, out.text});
    std::string why;
    for (auto& f : failures) append_sep(why, "; ", f.describe());
    CHECK_MESSAGE(failures.empty(), why);
  }
}

TEST_CASE("beginner scripts use shorter sentences than advanced ones") {
  testing::GenOptions g;
  g.minutes = 30;
  auto in = testing::generate_transcript(g);
  ExtractiveSummarizer ex;
  auto avg = [](const std::string& text) {
    auto s = split_sentences(text);
    return static_cast<double>(count_words(text)) / s.size();
  };
  auto beginner = ex.summarize(in, td::parse_variant("audio-es:beginner"), {});
  auto advanced = ex.summarize(in, td::parse_variant("audio-es:advanced"), {});
  CHECK(avg(beginner.text) < avg(advanced.text));
}

TEST_CASE("SUMMARY_LANGUAGE different from the transcript translates text variants too") {
  testing::GenOptions g;
  g.minutes = 15;
  auto in = testing::generate_transcript(g);
  in.summary_language = "es";
  ExtractiveSummarizer ex;
  auto out = ex.summarize(in, td::parse_variant("bullet-points"), {});
  CHECK(out.language == "es");
  CHECK(detect_language(out.text).code == "es");
  CHECK(out.text.find("En resumen: ") != std::string::npos);
  CHECK(parse_bullets(out.text).bullets.size() >= 10);
}

TEST_CASE("without Apertium the multilingual variants fail with what to install") {
  testing::GenOptions g;
  g.minutes = 5;
  auto in = testing::generate_transcript(g);
  ExtractiveSummarizer ex(std::make_shared<ApertiumTranslator>("/nonexistent/apertium"));
  try {
    ex.summarize(in, td::parse_variant("audio-fr"), {});
    FAIL("expected an error");
  } catch (const td::PermanentError& e) {
    CHECK(e.reason() == "translator_missing");
    std::string msg = e.what();
    CHECK(msg.find("apertium-eng-spa") != std::string::npos);
    CHECK(msg.find("apertium-fr-es") != std::string::npos);
    CHECK(msg.find("LLM_BASE_URL") != std::string::npos);
  }
  // The same input in its own language needs no translator.
  CHECK_NOTHROW(ex.summarize(in, td::parse_variant("audio"), {}));
}
