// What each variant must look like, described once. The extractive
// summarizer shapes its output from these entries, the OpenAI summarizer
// fills its prompt placeholders from them, the QA checks (qa.h) enforce them
// and the tests read them. Adding a variant = adding one entry to the table
// in spec.cpp (plus its prompt file under prompts/).
#pragma once

#include <climits>
#include <string>
#include <vector>

#include "variants/variants.h"

namespace td::summarize {

enum class Format {
  prose,     // paragraphs
  bullets,   // "- " lines, then a one-sentence bottom line
  insights,  // "**Headline**: one or two sentences" per insight
  script,    // plain spoken text: no markdown, no bullets, no URLs
};

struct WordRange {
  int min = 0;
  int max = 0;
};

// The range (and the item count the extractive summarizer aims for) for
// videos shorter than up_to_seconds; the last band has up_to_seconds = INT_MAX.
struct DurationBand {
  int up_to_seconds = INT_MAX;
  WordRange words;
  int target_items = 0;
};

// Per-level rules for the language-learning variants (audio-fr, audio-es).
struct LevelRule {
  std::string cefr;            // "A2-B1"
  int glossary_terms = 0;      // vocabulary terms explained at the end
  int max_sentence_words = 0;  // the extractive summarizer splits longer sentences; 0 = no limit
};

struct VariantSpec {
  std::string base;  // the td::Variant base name
  Format format = Format::prose;
  std::vector<DurationBand> bands;
  int min_items = 0, max_items = 0;  // bullets or insights
  int max_item_words = 0;            // words per bullet; 0 = no limit
  int max_headline_words = 0;        // insights
  bool bottom_line = false;
  bool fixed_language = false;                 // true: Variant::target_language(); false: SUMMARY_LANGUAGE
  LevelRule beginner, intermediate, advanced;  // used when Variant::is_multilingual()
  std::vector<std::string> checks;             // names of QA checks (qa.cpp) run on every output
  std::string description;                     // one line for prompts and docs
};

const std::vector<VariantSpec>& all_specs();
// Throws std::invalid_argument for a base without an entry (a programming error:
// td::parse_variant already refused unknown names).
const VariantSpec& spec_for(const std::string& base);
inline const VariantSpec& spec_for(const Variant& v) { return spec_for(v.base); }

const DurationBand& band_for(const VariantSpec& spec, int duration_seconds);
// The level rule that applies; an all-zero rule for variants without levels.
LevelRule level_rule(const VariantSpec& spec, const Variant& variant);

// A summary may take at most this share of the transcript's words: beyond it an
// extract would be most of the source, and an abstract would be padding.
inline constexpr double kMaxSourceShare = 0.33;

// What one output must meet for one input: the band's range, relaxed when
// the transcript cannot fill it (then short_source is set and the output is
// expected to be shorter, never padded).
struct Target {
  WordRange words;
  int min_items = 0, max_items = 0;
  int target_items = 0;
  bool short_source = false;
  int source_words = 0;
};

Target target_for(const VariantSpec& spec, const Variant& variant, int duration_seconds, int source_words);

}  // namespace td::summarize
