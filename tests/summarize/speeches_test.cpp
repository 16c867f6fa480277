// Every variant of every real speech in tests/speeches, as a user would
// submit it: pasted, with manual captions, and with automatic captions
// (lowercase, unpunctuated, timed word by word; tests/support/captions.h).
// Each output must pass its spec (the guardrail chain's QA checks, so no
// job would die) and be made of whole units: every sentence taken from the
// source starts and ends at one of the source's sentence or clause
// boundaries (whole_units.h). For automatic captions the boundaries are the
// restored ones (punctuate.h); how well those match the original
// punctuation is measured in bench/ (boundary_bench), not asserted here.
#include <doctest/doctest.h>

#include <map>

#include "summarize/chain.h"
#include "summarize/extractive.h"
#include "summarize/qa.h"
#include "summarize/units.h"
#include "support/captions.h"
#include "whole_units.h"
#include "youtube/subtitles.h"

using namespace td::summarize;

namespace {

SummaryInput from_segments(const std::vector<td::youtube::Segment>& segs, const std::string& language) {
  SummaryInput in;
  in.transcript_language = language;
  for (auto& s : segs) {
    Segment seg{s.start_ms / 1000.0, s.text, {}};
    for (auto ms : s.word_ms) seg.word_starts.push_back(ms / 1000.0);
    in.segments.push_back(std::move(seg));
    in.text += (in.text.empty() ? "" : " ") + s.text;
  }
  return in;
}

struct Form {
  std::string name;
  SummaryInput input;
  std::string source;  // the text units must come from: the original, or the restored captions
};

std::vector<Form> forms_of(const td::test::Speech& sp) {
  std::vector<Form> out;
  SummaryInput pasted;
  pasted.text = sp.text;
  pasted.transcript_language = sp.language;
  out.push_back({"pasted", pasted, sp.text});
  auto track = td::test::make_track(sp.text, sp.language, {td::test::seed_for(sp.name)});
  out.push_back(
      {"manual", from_segments(td::youtube::parse_webvtt(td::test::manual_vtt(track)), sp.language), sp.text});
  auto automatic = from_segments(td::youtube::parse_webvtt(td::test::auto_vtt(track)), sp.language);
  auto clean = clean_transcript(automatic, sp.language, 0);
  std::string restored;
  for (auto& w : clean.words) restored += (restored.empty() ? "" : " ") + w.text;
  out.push_back({"auto", automatic, restored});
  return out;
}

// The sentences of an output that come from the source (frames, glossary
// lines and headlines left out), in the output's language.
std::vector<std::string> taken_sentences(const std::string& text, const VariantSpec& spec) {
  std::vector<std::string> out;
  auto add = [&](const std::string& s) {
    for (auto& x : split_sentences(s)) out.push_back(x);
  };
  switch (spec.format) {
    case Format::prose: add(text); break;
    case Format::bullets: {
      auto doc = parse_bullets(text);
      for (auto& b : doc.bullets) add(b);
      if (doc.bottom_line) add(*doc.bottom_line);
      break;
    }
    case Format::insights:
      for (auto& in : parse_insights(text)) add(in.body);
      break;
    case Format::script: {
      // Intro paragraph, content paragraphs, then the glossary and outro.
      std::vector<std::string> paragraphs;
      size_t start = 0;
      while (start < text.size()) {
        size_t end = text.find("\n\n", start);
        if (end == std::string::npos) end = text.size();
        paragraphs.push_back(text.substr(start, end - start));
        start = end + 2;
      }
      for (size_t i = 1; i + 1 < paragraphs.size(); ++i) {
        if (paragraphs[i].find('\n') != std::string::npos) continue;  // the glossary block
        add(paragraphs[i]);
      }
      break;
    }
  }
  return out;
}

bool ends_cleanly(const std::string& sentence) {
  auto words = split_words(sentence);
  if (words.empty()) return false;
  std::string last = words.back();
  char c = last.back();
  if (c != '.' && c != '!' && c != '?' && c != '"' && last.find("\xC2\xBB") == std::string::npos) return false;
  return true;
}

}  // namespace

TEST_CASE("speeches: every variant of every speech, pasted, manual and auto captions, passes its spec in whole units") {
  GuardrailChain chain({std::make_shared<ExtractiveSummarizer>()});
  const std::vector<std::string> variants = {
      "comprehensive",     "bullet-points",     "key-insights",          "audio",   "audio-fr:beginner", "audio-fr",
      "audio-fr:advanced", "audio-es:beginner", "audio-es:intermediate", "audio-es"};
  int outputs = 0, checked = 0, below_spec = 0;
  for (auto& sp : td::test::load_speeches()) {
    for (auto& form : forms_of(sp)) {
      auto src = testing::source_words(form.source);
      for (auto& name : variants) {
        auto variant = td::parse_variant(name);
        // Learner variants of a speech in their own language are covered by
        // the plain audio variant; the ones that translate are the test.
        CAPTURE(sp.name);
        CAPTURE(form.name);
        CAPTURE(name);
        ChainResult r;
        try {
          r = chain.run(form.input, variant);
        } catch (const std::exception& e) {
          FAIL_CHECK(std::string(e.what()));  // a dead job
          continue;
        }
        ++outputs;
        auto text = r.output.text;
        CAPTURE(text);
        // Within its spec, or (a source without the material) flagged so.
        bool below = r.guardrail["accepted"].contains("below_spec");
        below_spec += below;
        if (below) {
          MESSAGE("below spec: " << sp.name << " " << form.name << " " << name << ": "
                                 << r.guardrail["accepted"]["below_spec"].dump());
          // Only where the source has no more of the material: Cervantes'
          // 40-word sentences, and the 271 words of the Gettysburg Address.
          CHECK((sp.name.rfind("es/cervantes", 0) == 0 || sp.name == "en/lincoln_gettysburg_1863"));
        }
        const auto& spec = spec_for(variant);
        bool translated = !r.output.translated_by.empty();
        for (auto& sentence : taken_sentences(text, spec)) {
          CAPTURE(sentence);
          CHECK(ends_cleanly(sentence));
          if (!translated) {
            CHECK(testing::is_whole_unit(sentence, src));
            ++checked;
          }
        }
        if (spec.format == Format::insights) {
          for (auto& in : parse_insights(text)) {
            CAPTURE(in.headline);
            // A headline is a phrase of its own unit, of more than one word.
            CHECK(count_words(in.headline) >= 2);
            auto body = testing::source_words(in.body);
            bool inside = false;
            auto head = split_words(lower(in.headline));
            for (size_t i = 0; i + head.size() <= body.keys.size() && !inside; ++i) {
              bool m = true;
              for (size_t k = 0; k < head.size() && m; ++k) m = body.keys[i + k] == strip_punct(head[k]);
              inside = m;
            }
            CHECK(inside);
          }
        }
      }
    }
  }
  CHECK(outputs == 7 * 3 * 10);
  CHECK(below_spec <= 12);
  CHECK(checked > 1000);
}
