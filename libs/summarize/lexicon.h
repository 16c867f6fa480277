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
// Subjects that open an independent clause: "..., we can not dedicate".
bool subject(const std::string& key);
// Coordinating conjunctions of lists: "and", "or", "et", "y".
bool coordinates(const std::string& key);
// Words that show a clause has its verb: copulas, auxiliaries, modals and
// the infinitive marker ("is", "can", "to"; "est", "peut"; "es", "puede").
// Without a part-of-speech tagger this is how a piece is known to be a
// statement ("We are engaged in a great civil war") rather than a noun
// phrase ("The brave men, living and dead").
bool verb_sign(const std::string& key, const std::string& language);
// Leading words a unit may drop ("And so the cost fell." -> "The cost fell.").
bool droppable_lead(const std::string& key);

}  // namespace td::summarize::lexicon
