// Function words that decide where speech may be cut: the one list the unit
// splitter (units.cpp) and the boundary restorer (punctuate.cpp) share.
// Keys are lowercased and punctuation-stripped (text.h lower(strip_punct(w))).
// English, French and Spanish; other languages get no lexical help and rely
// on pauses and punctuation alone.
#pragma once

#include <string>

namespace td::summarize::lexicon {

// A clause never ends on these: articles, prepositions, conjunctions,
// auxiliaries, possessives ("... the last full." / "... to that cause for.").
bool never_ends(const std::string& key);
// A clause never starts with these: "shall have a new birth", "of the people".
bool never_starts(const std::string& key);
// Words that typically open a new sentence in unpunctuated speech ("so", "now", "alors").
bool opens_sentence(const std::string& key);
// Discourse markers that open a clause ("and", "because", "mais", "porque").
bool opens_clause(const std::string& key);
// Words that make what follows depend on what came before: a piece starting
// with one ("that we here highly resolve ...", "which they ...") is not a
// statement on its own.
bool subordinates(const std::string& key);
// Leading words a unit may drop ("And so the cost fell." -> "The cost fell.").
bool droppable_lead(const std::string& key);

}  // namespace td::summarize::lexicon
