// Sentence and clause boundaries for speech that arrives without any:
// YouTube's automatic captions are lowercase words with no punctuation.
//
// Speakers pause where sentences end. With word timings (json3 tOffsetMs,
// WebVTT inline stamps) each gap between two words is compared with what the
// first word should take to say at this speaker's pace (syllables times the
// median seconds per syllable), and what is left over is the pause. A long
// pause is a sentence end, a medium one a clause boundary (a comma), unless
// the words around it forbid it: nobody ends a sentence on "the" or starts
// one with "of" (lexicon.h), so a pause there is hesitation. Runs still too
// long for a sentence (a speaker who never stops) are split at their
// strongest boundary candidate, recursively; without timings that is the
// only rule, scored on words alone. The figures this reaches on real
// speeches are in bench/README.md (boundary_bench).
//
// Text that already has punctuation (pasted transcripts, manual captions)
// keeps its own: needs_punctuation() says which is which.
#pragma once

#include <string>
#include <vector>

#include "summarize/units.h"

namespace td::summarize {

// True when the words carry (almost) no sentence punctuation: fewer than one
// . ! ? per 60 words over a text of at least 30 words.
bool needs_punctuation(const std::vector<Word>& words);

struct PunctuateOptions {
  int max_sentence_words = 50;  // longer runs are split at their best candidate, if any has some evidence
  int min_sentence_words = 4;   // no boundary closer than this to the last one (unless the pause is huge)
};

// Appends "." (sentence end) or "," (clause boundary) to the words after
// which a boundary is restored. Case is left to restore_case() (casing.h).
void restore_punctuation(std::vector<Word>& words, const std::string& language, const PunctuateOptions& o = {});

}  // namespace td::summarize
