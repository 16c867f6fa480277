#include <doctest/doctest.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "common/errors.h"
#include "summarize/extractive.h"
#include "summarize/language.h"
#include "summarize/qa.h"
#include "summarize/spec.h"
#include "summarize/text.h"
#include "transcript_gen.h"

using namespace td::summarize;

namespace {

// Fails the test when the output does not meet its variant's spec for this input.
std::vector<QaFailure> check_against_spec(const SummaryInput& in, const td::Variant& v, const SummaryOutput& out,
                                          const std::string& lang) {
  const auto& spec = spec_for(v);
  auto target = target_for(spec, v, effective_duration(in), count_words(transcript_text(in)));
  return run_checks(QaContext{&spec, v, target, lang, out.text});
}

std::string describe(const std::vector<QaFailure>& f) {
  std::string s;
  for (auto& x : f) append_sep(s, "; ", x.describe());
  return s;
}

const char* kTextVariants[] = {"comprehensive", "bullet-points", "key-insights", "audio"};

// Where in the transcript (0..1) a summary sentence came from, by a
// five-word window from its middle; -1 when not found (translated, cut).
double position_of(const std::string& sentence, const std::string& transcript_lower) {
  auto words = split_words(sentence);
  if (words.size() < 7) return -1;
  std::string probe;
  for (size_t i = 2; i < 7; ++i) append_sep(probe, " ", lower(strip_punct(words[i])));
  auto p = transcript_lower.find(probe);
  return p == std::string::npos ? -1 : static_cast<double>(p) / transcript_lower.size();
}

}  // namespace

TEST_CASE("extractive: every text variant and audio of a 1-hour transcript meets its spec") {
  for (bool captions : {false, true}) {
    testing::GenOptions g;
    g.minutes = 60;
    g.auto_captions = captions;
    auto in = testing::generate_transcript(g);
    ExtractiveSummarizer ex;
    for (const char* name : kTextVariants) {
      CAPTURE(name);
      CAPTURE(captions);
      auto v = td::parse_variant(name);
      auto out = ex.summarize(in, v, {});
      auto failures = check_against_spec(in, v, out, "en");
      CHECK_MESSAGE(failures.empty(), describe(failures));
      CHECK(out.flags.empty());
      CHECK(out.provider == "extractive");
      CHECK(out.prompt_version == ExtractiveSummarizer::kVersion);
      CHECK(out.language == "en");
    }
  }
}

TEST_CASE("extractive: comprehensive covers the whole video, not only its start") {
  testing::GenOptions g;
  g.minutes = 60;
  auto in = testing::generate_transcript(g);
  std::string all = lower(transcript_text(in));
  ExtractiveSummarizer ex;
  auto out = ex.summarize(in, td::parse_variant("comprehensive"), {});
  bool quarter[4] = {false, false, false, false};
  int found = 0;
  for (auto& s : split_sentences(out.text)) {
    double p = position_of(s, all);
    if (p < 0) continue;
    ++found;
    quarter[std::min(3, static_cast<int>(p * 4))] = true;
  }
  CHECK(found >= 10);
  CHECK((quarter[0] && quarter[1] && quarter[2] && quarter[3]));
}

TEST_CASE("extractive: a 2-minute clip gets shorter outputs flagged short_source, never padding") {
  testing::GenOptions g;
  g.minutes = 2;
  auto in = testing::generate_transcript(g);
  int source_words = count_words(transcript_text(in));
  ExtractiveSummarizer ex;
  int flagged = 0;
  for (const char* name : kTextVariants) {
    CAPTURE(name);
    auto v = td::parse_variant(name);
    auto out = ex.summarize(in, v, {});
    auto failures = check_against_spec(in, v, out, "en");  // includes no_repetition
    CHECK_MESSAGE(failures.empty(), describe(failures));
    const auto& band = band_for(spec_for(v), in.duration_seconds);
    bool is_short = std::find(out.flags.begin(), out.flags.end(), "short_source") != out.flags.end();
    if (is_short) {
      ++flagged;
      CHECK(count_words(out.text) <= std::max(30.0, source_words * kMaxSourceShare) + 20);  // + spoken frame
    } else {
      CHECK(count_words(out.text) >= band.words.min);
    }
  }
  CHECK(flagged >= 2);  // at least comprehensive and audio cannot be filled from ~300 words
}

TEST_CASE("extractive: a French transcript gets French summaries without any setting") {
  testing::GenOptions g;
  g.minutes = 25;
  g.language = "fr";
  auto in = testing::generate_transcript(g);
  ExtractiveSummarizer ex;
  for (const char* name : kTextVariants) {
    CAPTURE(name);
    auto v = td::parse_variant(name);
    auto out = ex.summarize(in, v, {});
    CHECK(out.language == "fr");
    CHECK(out.translated_by.empty());
    auto d = detect_language(out.text);
    CHECK(d.code == "fr");
    auto failures = check_against_spec(in, v, out, "fr");
    CHECK_MESSAGE(failures.empty(), describe(failures));
  }
  auto bullets = ex.summarize(in, td::parse_variant("bullet-points"), {});
  CHECK(bullets.text.find("En résumé: ") != std::string::npos);
}

TEST_CASE("extractive: an empty transcript is a permanent error") {
  SummaryInput in;
  in.text = "[Music] [Applause]";
  ExtractiveSummarizer ex;
  CHECK_THROWS_AS(ex.summarize(in, td::parse_variant("comprehensive"), {}), td::PermanentError);
}

TEST_CASE("extractive: all text variants of a 1-hour transcript take well under a second") {
  testing::GenOptions g;
  g.minutes = 60;
  auto in = testing::generate_transcript(g);
  in.transcript_language = "en";
  ExtractiveSummarizer ex;
  auto start = std::chrono::steady_clock::now();
  for (const char* name : {"comprehensive", "bullet-points", "key-insights"})
    ex.summarize(in, td::parse_variant(name), {});
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count();
  MESSAGE("three text variants of 1 hour: " << ms << " ms");
  CHECK(ms < 1000);
}

// A real speech, not generated: long sentences joined by dashes, 272 words,
// under two minutes spoken. (Public domain: Lincoln, 1863.)
TEST_CASE("extractive: real short speeches meet every variant's spec (short_source), never fail") {
  std::ifstream in_file(std::string(std::getenv("TUBEDIGEST_SOURCE_DIR") ? std::getenv("TUBEDIGEST_SOURCE_DIR") : ".") +
                        "/tests/summarize/gettysburg.txt");
  REQUIRE(in_file);
  std::stringstream ss;
  ss << in_file.rdbuf();
  const std::string speech = ss.str();
  const std::string tiny =
      "Thank you all for coming tonight. We built this library together over ten long years. "
      "It will stay open every day of the week, and it belongs to every one of you.";
  // The captions of tests/youtube's tdManualEn1 fixture under its long title:
  // the spoken intro and outro alone would fill the audio script's budget.
  const std::vector<Segment> clip_segments{
      {0.48, "Every second of your life, you are under attack."},
      {3.2, "Billions of bacteria, viruses & fungi are trying to make you their home."},
      {6.9, "So our bodies have developed a super complex micro-army."},
      {10.1, "It's the immune system > everything else."},
      {130, "The front line is your skin."}};
  const std::string clip = [&] {
    std::string s;
    for (auto& seg : clip_segments) append_sep(s, " ", seg.text);
    return s;
  }();
  for (const std::string* source : {&speech, &tiny, &clip}) {
    const std::string& text = *source;
    SummaryInput in;
    in.text = text;
    if (source == &clip) in.title = "How the Immune System Actually Works – IMMUNE";
    in.segments = {{0, text}};
    in.duration_seconds = 130;
    if (source == &clip) {
      in.segments = clip_segments;
      in.duration_seconds = 754;
    }
    in.transcript_language = "en";
    ExtractiveSummarizer ex;
    for (const char* name : kTextVariants) {
      auto v = td::parse_variant(name);
      auto out = ex.summarize(in, v, {});
      auto failures = check_against_spec(in, v, out, "en");
      CHECK_MESSAGE(failures.empty(), std::string(name)
                                          << " from " << count_words(text) << " words: " << describe(failures) << "\n"
                                          << out.text);
      CHECK(std::find(out.flags.begin(), out.flags.end(), "short_source") != out.flags.end());
    }
  }
}
