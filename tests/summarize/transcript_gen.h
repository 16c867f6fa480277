// A realistic transcript generator for tests and the benchmark: a lecture
// that moves through topics, each with its own vocabulary, spoken at about
// 150 words per minute and cut into caption segments of 6-12 words with start
// times. The "auto-caption" style drops punctuation and capitals and sprinkles
// [Music] tags and fillers, as YouTube's automatic captions do. Seeded, so a
// failing test reproduces.
#pragma once

#include <string>

#include "summarize/summarizer.h"

namespace td::summarize::testing {

struct GenOptions {
  int minutes = 60;
  std::string language = "en";  // "en" or "fr"
  bool auto_captions = false;   // unpunctuated, lowercase, with [Music] and fillers
  unsigned seed = 42;
};

SummaryInput generate_transcript(const GenOptions& options);

}  // namespace td::summarize::testing
