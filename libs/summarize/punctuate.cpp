#include "summarize/punctuate.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstring>
#include <limits>

#include "summarize/lexicon.h"
#include "summarize/text.h"

namespace td::summarize {

namespace {

constexpr double kForbidden = -std::numeric_limits<double>::infinity();

// Pauses (seconds beyond what the word itself takes) that make a boundary.
// Measured on the speeches in tests/speeches (boundary_bench): sentence ends
// mostly pause 0.4-1.2 s, commas 0.15-0.4 s, hesitations anywhere.
constexpr double kSentencePause = 0.36;
constexpr double kClausePause = 0.17;
constexpr double kHugePause = 1.2;  // ends a sentence however short it is
constexpr double kListPause = 0.9;
constexpr double kSplitEvidence = 0.45;  // before "and"/"or": a sentence end only when this long

bool ends_with_mark(const std::string& w) {
  if (w.empty()) return false;
  char c = w.back();
  return c == '.' || c == '!' || c == '?' || c == ',' || c == ';' || c == ':';
}

bool is_vowel_at(const std::string& w, size_t& i) {
  unsigned char c = w[i];
  if (c < 0x80) return c != 0 && std::strchr("aeiouyAEIOUY", c) != nullptr;
  if (c == 0xC3 && i + 1 < w.size()) {
    unsigned char d = w[++i];
    // ç Ç ñ Ñ are consonants; the other Latin-1 letters here are accented vowels.
    return d != 0xA7 && d != 0x87 && d != 0xB1 && d != 0x91;
  }
  return false;
}

// Vowel groups, with English and French silent endings ("ignorance",
// "misère", "parlent") left out and digits read out ("1962": four
// syllables or so): close enough to syllables for pacing.
double syllables(const std::string& w, const std::string& language) {
  int n = 0, digits = 0;
  bool in = false;
  for (size_t i = 0; i < w.size(); ++i) {
    if (std::isdigit(static_cast<unsigned char>(w[i]))) ++digits;
    bool v = is_vowel_at(w, i);
    if (v && !in) ++n;
    in = v;
  }
  std::string k = lower(strip_punct(w));
  auto ends = [&](const char* e) {
    size_t len = std::strlen(e);
    return k.size() > len + 1 && k.compare(k.size() - len, len, e) == 0;
  };
  if (n > 1 && (language == "en" || language == "fr") && (ends("e") || ends("es")) && !ends("le") && !ends("ee")) --n;
  if (n > 1 && language == "fr" && ends("ent")) --n;
  return std::max(1.0, n + digits * 1.3);
}

double median(std::vector<double> v) {
  if (v.empty()) return 0;
  auto mid = v.begin() + static_cast<long>(v.size() / 2);
  std::nth_element(v.begin(), mid, v.end());
  return *mid;
}

struct Gaps {
  bool timed = false;
  std::vector<double> pause;  // pause[i]: after words[i]; 0 when unknown
};

Gaps measure(const std::vector<Word>& w, const std::string& language) {
  Gaps g;
  size_t n = w.size();
  g.pause.assign(n, 0);
  std::vector<double> per_syllable;
  for (size_t i = 0; i + 1 < n; ++i) {
    if (!w[i].timed || !w[i + 1].timed) continue;
    double gap = w[i + 1].time - w[i].time;
    if (gap > 0 && gap < 5) per_syllable.push_back(gap / syllables(w[i].text, language));
  }
  if (per_syllable.size() < 20) return g;
  // Most gaps hold no pause, so the median is the speaker's pace.
  double pace = median(per_syllable);
  g.timed = true;
  for (size_t i = 0; i + 1 < n; ++i) {
    if (!w[i].timed || !w[i + 1].timed) continue;
    g.pause[i] = std::max(0.0, w[i + 1].time - w[i].time - pace * syllables(w[i].text, language));
  }
  return g;
}

class Restorer {
 public:
  Restorer(std::vector<Word>& words, const std::string& language, const PunctuateOptions& o) : w_(words), o_(o) {
    for (auto& x : w_) keys_.push_back(lower(strip_punct(x.text)));
    gaps_ = measure(w_, language);
  }

  void run() {
    if (gaps_.timed) mark_pauses();
    split_long_runs(gaps_.timed ? o_.max_sentence_words : std::min(o_.max_sentence_words, 25));
  }

 private:
  // What the words say about a boundary after words[i]; kForbidden where
  // nobody would put one.
  double lexical(size_t i) const {
    if (lexicon::never_ends(keys_[i]) || lexicon::never_starts(keys_[i + 1])) return kForbidden;
    double s = 0;
    if (lexicon::opens_sentence(keys_[i + 1])) s += 0.12;
    else if (lexicon::opens_clause(keys_[i + 1])) s += 0.05;
    return s;
  }

  // Speakers also pause inside sentences: before a preposition or "that"
  // (hesitation, emphasis) and before "and"/"or" (lists). A pause there is a
  // comma unless it is much longer than a sentence end's.
  double sentence_threshold(size_t i) const {
    const std::string& next = keys_[i + 1];
    if (lexicon::subordinates(next)) return kHugePause;
    if (lexicon::coordinates(next)) return kListPause;
    return kSentencePause;
  }

  // A short pause before a preposition is hesitation more often than a
  // comma ("a city noted, for progress").
  double clause_threshold(size_t i) const {
    return lexicon::subordinates(keys_[i + 1]) ? 2 * kClausePause : kClausePause;
  }

  void mark_pauses() {
    size_t start = 0, last_comma = 0;
    for (size_t i = 0; i + 1 < w_.size(); ++i) {
      if (ends_with_mark(w_[i].text)) {
        if (w_[i].text.back() != ',') start = i + 1;
        continue;
      }
      double lex = lexical(i);
      if (lex == kForbidden) continue;
      double p = gaps_.pause[i] + lex;
      size_t len = i + 1 - start;

      if (p >= sentence_threshold(i) &&
          (len >= static_cast<size_t>(o_.min_sentence_words) || gaps_.pause[i] >= kHugePause)) {
        w_[i].text += '.';
        start = last_comma = i + 1;
      } else if (p >= clause_threshold(i) && len >= 3 && i + 1 - last_comma >= 3) {
        w_[i].text += ',';
        last_comma = i + 1;
      }
    }
  }

  // A candidate's strength for splitting an over-long run: its pause as a
  // share of what would have made it a sentence end here, plus what the
  // words say. Below kSplitEvidence there is no reason to split at all.
  double strength(size_t i) const {
    double lex = lexical(i);
    if (lex == kForbidden) return kForbidden;
    double s = (gaps_.pause[i] + lex) / sentence_threshold(i);
    if (w_[i].text.back() == ',' && !lexicon::subordinates(keys_[i + 1])) s += 0.3;
    if (!gaps_.timed) {
      // Words alone: openers, then clause markers, then caption line starts.
      s = lex * 4 + (w_[i + 1].segment_start ? 0.3 : 0);
      if (lexicon::opens_sentence(keys_[i + 1])) s += 0.5;
    }
    return s;
  }

  void split_long_runs(int max_words) {
    size_t start = 0;
    for (size_t i = 0; i < w_.size(); ++i) {
      char c = w_[i].text.empty() ? ' ' : w_[i].text.back();
      bool end = c == '.' || c == '!' || c == '?' || i + 1 == w_.size();
      if (!end) continue;
      split(start, i + 1, max_words);
      start = i + 1;
    }
  }

  // Splits words[b, e) at its strongest allowed boundary until every part
  // is at most max_words; a run with no allowed boundary stays whole.
  void split(size_t b, size_t e, int max_words) {
    if (e - b <= static_cast<size_t>(max_words)) return;
    size_t margin = static_cast<size_t>(std::max(o_.min_sentence_words, 5));
    double best = kForbidden;
    size_t at = 0;
    double mid = (b + e) / 2.0;
    for (size_t i = b + margin - 1; i + margin < e; ++i) {
      double s = strength(i);
      // Without timings a caption line start is evidence enough.
      if (s == kForbidden || s < (gaps_.timed ? kSplitEvidence : 0.3)) continue;
      // Prefer the middle a little, so parts come out of similar length.
      s -= std::abs(static_cast<double>(i) - mid) / static_cast<double>(e - b);
      if (s > best) {
        best = s;
        at = i;
      }
    }
    if (best == kForbidden) return;
    std::string& t = w_[at].text;
    if (!t.empty() && (t.back() == ',' || t.back() == ';' || t.back() == ':')) t.pop_back();
    t += '.';
    split(b, at + 1, max_words);
    split(at + 1, e, max_words);
  }

  std::vector<Word>& w_;
  const PunctuateOptions& o_;
  std::vector<std::string> keys_;
  Gaps gaps_;
};

}  // namespace

bool needs_punctuation(const std::vector<Word>& words) {
  if (words.size() < 30) return false;
  size_t ends = 0;
  for (auto& w : words) {
    if (w.text.empty()) continue;
    std::string t = w.text;
    while (!t.empty() && (t.back() == '"' || t.back() == '\'' || t.back() == ')')) t.pop_back();
    if (!t.empty() && (t.back() == '.' || t.back() == '!' || t.back() == '?')) ++ends;
  }
  return ends * 60 < words.size();
}

void restore_punctuation(std::vector<Word>& words, const std::string& language, const PunctuateOptions& o) {
  if (words.size() < 2) return;
  Restorer(words, language, o).run();
}

}  // namespace td::summarize
