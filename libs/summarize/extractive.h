// The offline summarizer: no model, no network. It scores transcript
// sentences (TF-IDF centrality, ranking.h), picks them with MMR across equal
// time sections so the whole video is covered, and shapes them into each
// variant's format and word range (spec.h). For audio-fr / audio-es, or a
// SUMMARY_LANGUAGE different from the transcript's, it translates the chosen
// sentences through a Translator (Apertium by default) and records which
// engine did it. Levels: beginner units are cut to short sentences and end
// with about 8 glossary terms, intermediate about 6, advanced none.
//
// A transcript too short for the variant's range yields a shorter output
// flagged "short_source"; nothing is ever repeated to reach a length.
// Failure: td::PermanentError for an empty transcript or when translation is
// needed and impossible (Apertium missing: the message names the packages).
#pragma once

#include <memory>

#include "summarize/summarizer.h"
#include "summarize/translator.h"

namespace td::summarize {

class ExtractiveSummarizer final : public Summarizer {
 public:
  static constexpr const char* kVersion = "extractive.v1";
  static constexpr const char* kModel = "tfidf-centrality-mmr";

  explicit ExtractiveSummarizer(std::shared_ptr<Translator> translator = std::make_shared<ApertiumTranslator>());
  std::string name() const override { return "extractive"; }
  SummaryOutput summarize(const SummaryInput& input, const Variant& variant, const Attempt& attempt) override;

 private:
  std::shared_ptr<Translator> translator_;
};

}  // namespace td::summarize
