// From a raw transcript to scoreable units. Auto-captions usually come
// without punctuation or capitals, with [Music] tags and fillers; the
// cleaner drops the noise, keeps each word's time (the caption's own word
// timings when it has them), and gives unpunctuated speech its sentence and
// clause boundaries (punctuate.h) and lowercase speech its capitals
// (casing.h). make_units() then cuts the word stream into sentences.
//
// A unit always starts and ends where the source has a sentence or clause
// boundary, never at a word count: a sentence longer than max_words is split
// at its clause boundaries (, ; : and dashes) into pieces that each read as
// a statement (a clause opening with "that", "which", a preposition or an
// article belongs to the piece before it), and a sentence without such a
// place stays whole, longer than max_words; callers filter by length.
#pragma once

#include <string>
#include <vector>

#include "summarize/summarizer.h"

namespace td::summarize {

struct Word {
  std::string text;
  double time = 0;
  bool segment_start = false;
  bool timed = false;  // time is the caption's own word timing, not an estimate
};

struct CleanTranscript {
  std::vector<Word> words;
  std::string language;     // ISO code, may be ""
  double duration = 0;      // seconds
  bool punctuated = false;  // sentence boundaries were restored (the source had none)
  bool cased = false;       // capitals were restored (the source was lowercase)
};

CleanTranscript clean_transcript(const SummaryInput& input, const std::string& language, int duration_seconds);

struct Unit {
  std::string text;                 // capitalized, ends with . ! or ?
  std::vector<std::string> tokens;  // the words of text
  int words = 0;
  double start = 0;
  bool question = false;
  bool whole = false;          // a complete sentence of the transcript, not a clause piece of a longer one
  bool prefix = false;         // the opening statement of the unit before it (same start), which is too long
  size_t first = 0, last = 0;  // the words [first, last) of CleanTranscript::words it was made from
  // It shows a verb (an auxiliary, a modal, "to", a past tense in -ed): a
  // restored "sentence" without one is usually a phrase cut off by a pause
  // ("On the new frontier of science and space.").
  bool has_verb = false;
};

// Units made from some of the same words (a prefix and its sentence): a
// summary takes at most one of them.
inline bool overlaps(const Unit& a, const Unit& b) { return a.first < b.last && b.first < a.last; }

// Units of at least min_words words in transcript order; shorter sentences
// are dropped. Units longer than max_words are whole sentences (or clause
// pieces) that had no boundary to split at; such a unit may be followed by
// its prefix: its opening words up to a clause boundary (prefix = true).
std::vector<Unit> make_units(const CleanTranscript& t, int max_words, int min_words = 4);

}  // namespace td::summarize
