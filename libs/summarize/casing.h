// Capitals for lowercase speech. Automatic captions write "i", "venus" and
// "united states of america"; this restores
//   - "I" and its contractions (English),
//   - words a spelling dictionary always writes capitalised: Debian's
//     Hunspell dictionaries (hunspell-en-us, hunspell-fr, hunspell-es) list
//     "Venus", "Houston", "Texas", "España"; a word the dictionary also
//     knows in lowercase stays lowercase ("rice", "moon", French "dieu"),
//     unless the dictionary marks the name as one and the lowercase word
//     only comes from an ending ("Paris", not "paris", bets),
//   - a few multiword names the dictionary cannot know ("United States").
// Sentence starts are capitalised where units are finished (units.cpp).
// The dictionary folder is HUNSPELL_DIR (default /usr/share/hunspell); when
// no dictionary for the language is there, only the rules above apply and a
// warning is logged once per language.
#pragma once

#include <string>
#include <vector>

#include "summarize/units.h"

namespace td::summarize {

// True when the words are (almost) all lowercase: under 1 in 100 has a capital.
bool needs_case(const std::vector<Word>& words);

void restore_case(std::vector<Word>& words, const std::string& language);

// The dictionary's spelling of a word that is always capitalised ("venus"
// -> "Venus"), or "" (exposed for tests).
std::string proper_spelling(const std::string& lowered, const std::string& language);

}  // namespace td::summarize
