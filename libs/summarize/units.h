// From a raw transcript to scoreable units. Auto-captions usually come
// without punctuation, with [Music] tags and fillers; the cleaner drops the
// noise and keeps each word's time, and make_units() cuts the word stream
// into sentences, splitting any longer than max_words at commas, discourse
// markers ("so", "because", "mais", "pero") or caption boundaries, so an
// hour of unpunctuated speech still becomes short pseudo-sentences.
#pragma once

#include <string>
#include <vector>

#include "summarize/summarizer.h"

namespace td::summarize {

struct Word {
  std::string text;
  double time = 0;
  bool segment_start = false;
};

struct CleanTranscript {
  std::vector<Word> words;
  std::string language;  // ISO code, may be ""
  double duration = 0;   // seconds
};

CleanTranscript clean_transcript(const SummaryInput& input, const std::string& language, int duration_seconds);

struct Unit {
  std::string text;  // capitalized, ends with . ! or ?
  std::vector<std::string> tokens;  // the words of text
  int words = 0;
  double start = 0;
  bool question = false;
  bool whole = false;  // a complete sentence of the transcript, not a piece cut from a longer run
};

// Units of min_words..max_words words in transcript order; shorter fragments are dropped.
std::vector<Unit> make_units(const CleanTranscript& t, int max_words, int min_words = 4);

}  // namespace td::summarize
