#include <doctest/doctest.h>

#include <cctype>
#include <fstream>
#include <sstream>

#include "common/errors.h"
#include "common/process.h"
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

// Whether `apertium <mode>` (with its marks, no -u) knows every word of
// each line: the lines go as paragraphs, one process call. Returns the
// translations, or the line with a marked word in *marked.
std::vector<std::string> apertium_marked(const std::vector<std::string>& lines, const std::string& mode,
                                         std::string* marked) {
  td::process::Options o;
  for (auto& l : lines) o.stdin_data += l + "\n\n";
  auto r = td::process::run({"apertium", mode}, o);
  REQUIRE_MESSAGE(r.ok(), r.describe());
  std::vector<std::string> out;
  for (auto& l : nonempty_lines(r.out)) {
    for (auto& w : split_words(l))
      if ((w[0] == '*' || w[0] == '#' || w[0] == '@') && marked->empty()) *marked = l;
    out.push_back(l);
  }
  return out;
}

std::string read_gettysburg() {
  const char* dir = std::getenv("TUBEDIGEST_SOURCE_DIR");
  std::ifstream f(std::string(dir ? dir : ".") + "/tests/summarize/gettysburg.txt");
  REQUIRE(f);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

struct Term {
  std::string term, source;
};

// "Lutté : en anglais, struggled." -> {"lutté", "struggled"}
std::vector<Term> glossary_of(const std::string& text, const std::string& marker) {
  std::vector<Term> out;
  for (auto& l : nonempty_lines(text)) {
    auto at = l.find(marker);
    if (at == std::string::npos) continue;
    std::string term = l.substr(0, at), source = l.substr(at + marker.size());
    while (!term.empty() && term.back() == ' ') term.pop_back();
    out.push_back({lower(strip_punct(term)), strip_punct(source)});
  }
  return out;
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

TEST_CASE("apertium: words a step of the route could not translate are reported per piece, unmarked") {
  ApertiumTranslator t;
  REQUIRE(t.installed());
  // "living" is Spanish "viviente", which es-fr does not know; "xyzzyq" no step knows.
  auto fr = t.translate({"The living and the dead.", "", "Follow @user in C# today.", "xyzzyq"}, "en", "fr");
  REQUIRE(fr.pieces.size() == 4);
  REQUIRE(fr.unknown.size() == 4);
  CHECK(fr.pieces[1].empty());
  CHECK(fr.unknown[1].empty());
  REQUIRE_FALSE(fr.unknown[0].empty());
  for (auto& w : fr.unknown[0]) CHECK(fr.pieces[0].find(w) != std::string::npos);  // passed through as it was
  CHECK(fr.unknown[3] == std::vector<std::string>{"xyzzyq"});
  CHECK(fr.pieces[3] == "xyzzyq");
  for (auto& p : fr.pieces) CHECK(p.find('*') == std::string::npos);
  // Literal signs before a word are not marks and come back as they were.
  CHECK(fr.pieces[2].find("C#") != std::string::npos);
  auto at = fr.pieces[2].find('@');
  REQUIRE(at != std::string::npos);
  CHECK(std::isalpha(static_cast<unsigned char>(fr.pieces[2][at + 1])));
  CHECK(fr.unknown[2].empty());

  auto es = t.translate({"The living and the dead.", "nobly"}, "en", "es");
  REQUIRE(es.unknown.size() == 2);
  CHECK(es.unknown[0].empty());
  CHECK(es.unknown[1] == std::vector<std::string>{"nobly"});
  CHECK(es.pieces[1] == "nobly");
}

// Found on the Gettysburg Address: "Viviente : en anglais, living." was a
// Spanish word es-fr passed through. Each term is checked independently:
// its English source must go through every mode unmarked and end as the term.
TEST_CASE("beginner glossaries of a real speech hold only words of the output language") {
  std::string speech = read_gettysburg();
  SummaryInput in;
  in.text = speech;
  in.segments = {{0, speech}};
  in.duration_seconds = 130;
  in.transcript_language = "en";
  ExtractiveSummarizer ex;
  struct Case {
    const char* variant;
    const char* marker;
    std::vector<std::string> modes;
  } cases[] = {{"audio-fr:beginner", " : en anglais, ", {"eng-spa", "es-fr"}},
               {"audio-es:beginner", ": en inglés, ", {"eng-spa"}}};
  for (auto& c : cases) {
    CAPTURE(c.variant);
    auto out = ex.summarize(in, td::parse_variant(c.variant), {});
    auto terms = glossary_of(out.text, c.marker);
    CAPTURE(out.text);
    REQUIRE_FALSE(terms.empty());
    std::vector<std::string> lines;
    for (auto& t : terms) lines.push_back(t.source);
    for (auto& mode : c.modes) {
      std::string marked;
      lines = apertium_marked(lines, mode, &marked);
      CHECK_MESSAGE(marked.empty(), "apertium " << mode << " could not translate: " << marked);
      REQUIRE(lines.size() == terms.size());
    }
    for (size_t i = 0; i < terms.size(); ++i) {
      CHECK(lower(strip_punct(lines[i])) == terms[i].term);
      if (c.modes.size() > 1) CHECK(terms[i].term != "viviente");  // Spanish, not French
    }
  }
}
