#include "summarize/units.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstring>
#include <unordered_set>

#include "summarize/casing.h"
#include "summarize/lexicon.h"
#include "summarize/punctuate.h"
#include "summarize/text.h"

namespace td::summarize {

namespace {

const std::unordered_set<std::string> kFillers = {"um", "umm", "uh",  "uhh", "uhm", "erm", "hmm",
                                                  "mm", "mhm", "euh", "heu", "ehm", "ehh", "mmm"};
const std::unordered_set<std::string> kTagWords = {"music",   "applause",         "laughter", "laughs", "inaudible",
                                                   "musique", "applaudissements", "rires",    "música", "aplausos",
                                                   "risas",   "silence",          "noise",    "foreign"};
const std::unordered_set<std::string> kAbbrev = {"mr.",  "mrs.",    "ms.", "dr.",  "prof.", "st.",  "vs.", "e.g.",
                                                 "i.e.", "approx.", "no.", "fig.", "m.",    "mme.", "sr.", "sra."};
const char* const kDashes[] = {"\xE2\x80\x94", "\xE2\x80\x93"};  // — –

std::string key_of(const std::string& token) { return lower(strip_punct(token)); }

bool ends_sentence(const std::string& token) {
  std::string t = token;
  if (t.size() > 3 && t.compare(t.size() - 2, 2, "--") == 0 && t[t.size() - 3] == '.') t.erase(t.size() - 2);
  // Closing quotes and brackets after the mark: fin.» end.” (done.)
  for (bool more = true; more && !t.empty();) {
    more = false;
    if (t.back() == '"' || t.back() == '\'' || t.back() == ')') {
      t.pop_back();
      more = true;
    }
    for (std::string q : {"\xC2\xBB", "\xE2\x80\x9D", "\xE2\x80\x99"})
      if (t.size() > q.size() && t.compare(t.size() - q.size(), q.size(), q) == 0) {
        t.erase(t.size() - q.size());
        more = true;
      }
  }
  if (t.size() >= 3 && t.compare(t.size() - 3, 3, "\xE2\x80\xA6") == 0) return true;
  if (t.empty()) return false;
  char c = t.back();
  if (c == '!' || c == '?') return true;
  if (c != '.') return false;
  if (kAbbrev.count(lower(t))) return false;
  // "U.S." style initialisms: a dot inside a short token.
  if (t.size() <= 5 && t.find('.') < t.size() - 1) return false;
  return true;
}

// "dedicate—", "dedicate --", "us –": a dash closing a clause.
bool ends_with_dash(const std::string& t) {
  for (auto* d : kDashes)
    if (t.size() >= 3 && t.compare(t.size() - 3, 3, d) == 0) return true;
  if (t.size() >= 2 && t.compare(t.size() - 2, 2, "--") == 0) return true;
  return t.size() >= 2 && t.compare(t.size() - 2, 2, " -") == 0;
}

// Removes trailing clause punctuation: , ; : and dashes with their spaces.
void strip_clause_end(std::string& text) {
  while (!text.empty()) {
    char c = text.back();
    if (c == ',' || c == ';' || c == ':' || c == '-' || c == ' ') text.pop_back();
    else if (ends_with_dash(text)) text.erase(text.size() - 3);
    else break;
  }
}

// A clause ends after this token: , ; : or a dash.
bool ends_clause(const std::string& t) {
  if (t.empty()) return false;
  char c = t.back();
  return c == ',' || c == ';' || c == ':' || ends_with_dash(t);
}

bool is_url(const std::string& token) { return contains_url(token) || lower(token).find(".com/") != std::string::npos; }

std::string scrub(std::string token) {
  // Characters that would read as markdown in a summary or be spoken aloud.
  token.erase(std::remove_if(token.begin(), token.end(),
                             [](char c) { return c == '*' || c == '#' || c == '`' || c == '|' || c == '_'; }),
              token.end());
  return token;
}

// "us—that" -> "us—" "that": a dash inside a token is a clause boundary.
std::vector<std::string> split_dashes(const std::vector<std::string>& tokens) {
  std::vector<std::string> out;
  for (auto& tok : tokens) {
    std::string rest = tok;
    while (true) {
      size_t at = std::string::npos;
      for (auto* d : kDashes) at = std::min(at, rest.find(d));
      size_t len = 3;
      if (size_t ascii = rest.find("--"); ascii != std::string::npos && ascii < at) at = ascii, len = 2;
      if (at == std::string::npos || at == 0 || at + len >= rest.size()) break;
      out.push_back(rest.substr(0, at + len));
      rest = rest.substr(at + len);
    }
    out.push_back(rest);
  }
  return out;
}

// Appends the words of one caption segment (or the whole text). times holds
// one start per token when the captions timed each word; otherwise the
// segment's span [start, end) is shared out evenly.
void push_tokens(CleanTranscript& out, const std::string& text, double start, double end, bool segment_start,
                 const std::vector<double>* times) {
  auto raw = split_words(text);
  bool timed = times && times->size() == raw.size();
  std::vector<std::string> tokens;
  std::vector<double> at;
  for (size_t i = 0; i < raw.size(); ++i) {
    double t = timed ? (*times)[i] : start + (end - start) * static_cast<double>(i) / raw.size();
    for (auto& piece : split_dashes({raw[i]})) {
      tokens.push_back(piece);
      at.push_back(t);
    }
  }
  size_t n = tokens.size();
  bool first = segment_start;
  for (size_t i = 0; i < n; ++i) {
    const std::string& tok = tokens[i];
    // [Music], [ Music ], (applause): skip the whole tag.
    if (tok.front() == '[' || tok.front() == '(') {
      char close = tok.front() == '[' ? ']' : ')';
      size_t j = i;
      std::string inner;
      while (j < n && j < i + 4) {
        inner += key_of(tokens[j]) + " ";
        if (tokens[j].back() == close) break;
        ++j;
      }
      bool tag = j < n && j < i + 4 && tokens[j].back() == close;
      if (tag && (close == ']' || kTagWords.count(trim(inner)))) {
        i = j;
        continue;
      }
    }
    // ">>" marks a change of speaker in YouTube's captions: whatever was
    // being said ended there.
    if (tok == ">>" || tok == "&gt;&gt;" || tok == "-->") {
      if (!out.words.empty() && !ends_sentence(out.words.back().text)) {
        strip_clause_end(out.words.back().text);
        out.words.back().text += '.';
      }
      continue;
    }
    // French spacing puts "?" "!" ";" ":" apart ("des faits ? Voilà"): the
    // mark belongs to the word before.
    if ((tok == "?" || tok == "!" || tok == ";" || tok == ":" || tok == "?!" || tok == "...") && !out.words.empty()) {
      if (!ends_clause(out.words.back().text) && !ends_sentence(out.words.back().text)) out.words.back().text += tok;
      continue;
    }
    if (tok == "\xE2\x99\xAA" || !is_word_token(tok) || is_url(tok)) {
      // A lone dash between words ("dedicate -- we") closes a clause: it
      // stays, on the word before it.
      bool dash = tok == "-" || tok == "--" || tok == "\xE2\x80\x94" || tok == "\xE2\x80\x93";
      if (dash && !out.words.empty() && !ends_clause(out.words.back().text)) out.words.back().text += " " + tok;
      continue;
    }
    if (kFillers.count(key_of(tok))) continue;
    std::string clean = scrub(tok);
    if (clean.empty()) continue;
    // A stutter ("the the") is said once; some words do come twice ("that that nation").
    static const std::unordered_set<std::string> doubles = {"that", "had", "is", "do", "very", "no", "so", "bye"};
    if (!out.words.empty() && lower(out.words.back().text) == lower(clean) && !doubles.count(key_of(clean))) continue;
    out.words.push_back({clean, at[i], first, timed});
    first = false;
  }
}

std::string finish_text(std::vector<std::string> tokens, bool& question) {
  // Drop leading conjunctions while a real clause remains.
  size_t lead = 0;
  while (lead < 2 && tokens.size() - lead > 4 && lexicon::droppable_lead(key_of(tokens[lead]))) ++lead;
  tokens.erase(tokens.begin(), tokens.begin() + lead);
  std::string text;
  for (auto& t : tokens) append_sep(text, " ", t);
  strip_clause_end(text);
  if (text.empty()) return text;
  char last = text.back();
  question = last == '?';
  bool terminal = ends_sentence(split_words(text).back()) || last == '"';
  if (!terminal) text += '.';
  return capitalize_first(text);
}

// Whether a clause that is not the sentence's first can stand as a
// statement of its own: it opens (after "and", "but", "so") with a subject,
// or with a coordinator followed by anything but a subordinating word or an
// article. "that we here highly resolve ...", "a new nation", "testing
// whether ..." and "for the people" lean on the clause before them.
bool independent(const std::vector<Word>& w, size_t b, size_t e) {
  size_t i = b;
  bool coordinated = false;
  while (i < e && i < b + 2 && lexicon::droppable_lead(key_of(w[i].text))) {
    ++i;
    coordinated = true;
  }
  if (e - i < 4) return false;
  std::string k = key_of(w[i].text);
  if (lexicon::subject(k)) return true;
  if (!coordinated) return false;
  if (lexicon::subordinates(k) || lexicon::never_starts(k) || lexicon::never_ends(k)) return false;
  // Participles open dependent phrases: "testing whether", "conceived in".
  auto ends = [&](const char* s) {
    size_t n = std::strlen(s);
    return k.size() > n + 2 && k.compare(k.size() - n, n, s) == 0;
  };
  return !(ends("ing") || ends("ed"));
}

Unit make_unit(const CleanTranscript& t, size_t b, size_t e, bool whole) {
  std::vector<std::string> tokens;
  tokens.reserve(e - b);
  for (size_t i = b; i < e; ++i) tokens.push_back(t.words[i].text);
  Unit u;
  u.text = finish_text(tokens, u.question);
  u.tokens = split_words(u.text);
  u.words = static_cast<int>(u.tokens.size());
  u.start = t.words[b].time;
  u.whole = whole;
  u.first = b;
  u.last = e;
  for (size_t i = b; i < e && !u.has_verb; ++i) {
    std::string k = key_of(t.words[i].text);
    u.has_verb = lexicon::verb_sign(k, t.language) ||
                 (t.language == "en" && k.size() > 4 && k.compare(k.size() - 2, 2, "ed") == 0);
  }
  return u;
}

// One sentence words[b, e) as units: whole when it fits, else its clause
// pieces, each opening with an independent clause and holding the dependent
// ones that follow it.
// Whether words[b, ...) opens with a subordinate clause ("When in the
// Course of human events, ...", "If we fail, ..."): such a piece cannot end
// at its first comma.
bool opens_subordinate(const std::vector<Word>& w, size_t b, size_t e) {
  size_t i = b;
  while (i < e && i < b + 2 && lexicon::droppable_lead(key_of(w[i].text))) ++i;
  return i < e && lexicon::subordinates(key_of(w[i].text));
}

// What may follow a statement at a comma and lean on it: a participle or
// a subordinating word ("..., testing whether", "..., that all men").
bool leans_back(const std::string& key) {
  static const std::unordered_set<std::string> openers = {"that",    "which", "where", "while", "whereas", "as",
                                                          "because", "since", "so",    "qui",   "que",     "où",
                                                          "parce",   "car",   "que",   "donde", "porque",  "pues"};
  if (openers.count(key)) return true;
  auto ends = [&](const char* s) {
    size_t n = std::strlen(s);
    return key.size() > n + 2 && key.compare(key.size() - n, n, s) == 0;
  };
  return !lexicon::never_ends(key) && (ends("ing") || ends("ed"));
}

// The longest start of words[b, e) within max_words that closes as a
// statement: it has a verb sign, ends at a clause boundary on a word a
// clause can end on, and what follows leans back on it. "We hold these
// truths to be self-evident, that all men ..." -> "We hold these truths to
// be self-evident."; 0 when there is none of at least min_words.
size_t statement_prefix(const std::vector<Word>& w, size_t b, size_t e, int max_words, int min_words,
                        const std::string& language) {
  if (opens_subordinate(w, b, e)) return 0;
  size_t best = 0;
  bool verb = false;
  for (size_t k = b + 1; k < e && k - b <= static_cast<size_t>(max_words); ++k) {
    verb = verb || lexicon::verb_sign(key_of(w[k - 1].text), language);
    if (k - b < static_cast<size_t>(min_words) || !verb || !ends_clause(w[k - 1].text)) continue;
    if (lexicon::never_ends(key_of(w[k - 1].text)) || !leans_back(key_of(w[k].text))) continue;
    best = k;
  }
  return best;
}

void emit_sentence(const CleanTranscript& t, size_t b, size_t e, int max_words, int min_words, std::vector<Unit>& out) {
  std::vector<size_t> starts{b};  // piece starts
  if (e - b > static_cast<size_t>(max_words)) {
    for (size_t k = b + 1; k < e; ++k) {
      if (!ends_clause(t.words[k - 1].text)) continue;
      size_t clause_end = k + 1;
      while (clause_end < e && !ends_clause(t.words[clause_end - 1].text)) ++clause_end;
      if (k - starts.back() < static_cast<size_t>(min_words)) continue;
      if (opens_subordinate(t.words, starts.back(), k)) continue;
      // After a semicolon a new statement starts ("... todas las cosas
      // comunes; a nadie le era necesario ..."), unless it subordinates.
      char mark = t.words[k - 1].text.back();
      bool after_semicolon =
          mark == ';' && !opens_subordinate(t.words, k, clause_end) && !lexicon::never_starts(key_of(t.words[k].text));
      if (after_semicolon || independent(t.words, k, clause_end)) starts.push_back(k);
    }
    // A last piece too short to stand joins the one before.
    if (starts.size() > 1 && e - starts.back() < static_cast<size_t>(min_words)) starts.pop_back();
  }
  bool whole = starts.size() == 1;
  for (size_t p = 0; p < starts.size(); ++p) {
    size_t pb = starts[p], pe = p + 1 < starts.size() ? starts[p + 1] : e;
    if (pe - pb < static_cast<size_t>(min_words)) continue;
    Unit u = make_unit(t, pb, pe, whole);
    if (u.words >= min_words) out.push_back(std::move(u));
    // A piece still too long also offers its opening statement, for
    // variants that need short units (bullets, beginners' scripts).
    if (pe - pb > static_cast<size_t>(max_words))
      if (size_t k = statement_prefix(t.words, pb, pe, max_words, std::max(min_words, 6), t.language); k > 0) {
        Unit prefix = make_unit(t, pb, k, false);
        prefix.prefix = true;
        out.push_back(std::move(prefix));
      }
  }
}

}  // namespace

CleanTranscript clean_transcript(const SummaryInput& input, const std::string& language, int duration_seconds) {
  CleanTranscript out;
  out.language = language;
  out.duration = duration_seconds;
  if (!input.segments.empty()) {
    for (size_t i = 0; i < input.segments.size(); ++i) {
      const auto& seg = input.segments[i];
      double start = seg.start_seconds;
      double end = i + 1 < input.segments.size() ? input.segments[i + 1].start_seconds : start + 4;
      push_tokens(out, seg.text, start, std::max(start, end), true, &seg.word_starts);
    }
  } else {
    push_tokens(out, input.text, 0, 0, false, nullptr);
    // Without timings, spread the words evenly over the duration.
    size_t n = out.words.size();
    for (size_t i = 0; i < n; ++i) out.words[i].time = duration_seconds * static_cast<double>(i) / n;
  }
  if (out.duration <= 0 && !out.words.empty()) out.duration = out.words.back().time + 1;
  if (needs_punctuation(out.words)) {
    restore_punctuation(out.words, language);
    out.punctuated = true;
  }
  if (needs_case(out.words)) {
    restore_case(out.words, language);
    out.cased = true;
  }
  if (out.punctuated) {
    // Restored sentences start with a capital, as the ones units finish do.
    bool start = true;
    for (auto& w : out.words) {
      if (start) w.text = capitalize_first(w.text);
      start = ends_sentence(w.text);
    }
  }
  return out;
}

// "sans pain ! tant que ...": an exclamation or question mark followed by
// a lowercase word goes on with the same sentence (in a text that has its
// own capitals; restored ones are all sentence ends).
bool continues_after(const CleanTranscript& t, size_t i) {
  if (t.cased || i + 1 >= t.words.size()) return false;
  char mark = t.words[i].text.back();
  if (mark != '!' && mark != '?') return false;
  unsigned char c = static_cast<unsigned char>(t.words[i + 1].text[0]);
  return std::islower(c) ||
         (c == 0xC3 && t.words[i + 1].text.size() > 1 && static_cast<unsigned char>(t.words[i + 1].text[1]) >= 0xA0);
}

std::vector<Unit> make_units(const CleanTranscript& t, int max_words, int min_words) {
  std::vector<Unit> out;
  size_t start = 0;
  for (size_t i = 0; i < t.words.size(); ++i) {
    if (ends_sentence(t.words[i].text) && !continues_after(t, i)) {
      emit_sentence(t, start, i + 1, max_words, min_words, out);
      start = i + 1;
    }
  }
  if (start < t.words.size()) emit_sentence(t, start, t.words.size(), max_words, min_words, out);
  return out;
}

}  // namespace td::summarize
