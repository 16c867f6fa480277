#include "summarize/units.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <unordered_set>

#include "summarize/text.h"

namespace td::summarize {

namespace {

const std::unordered_set<std::string> kFillers = {"um", "umm", "uh", "uhh", "uhm", "erm", "hmm", "mm", "mhm",
                                                  "euh", "heu", "ehm"};
const std::unordered_set<std::string> kTagWords = {"music", "applause", "laughter", "laughs", "inaudible",
                                                   "musique", "applaudissements", "rires", "música", "aplausos",
                                                   "risas", "silence", "noise", "foreign"};
const std::unordered_set<std::string> kAbbrev = {"mr.", "mrs.", "ms.", "dr.", "prof.", "st.", "vs.", "e.g.",
                                                 "i.e.", "approx.", "no.", "fig.", "m.", "mme.", "sr.", "sra."};
// Words that open a new sentence in unpunctuated speech, and words that
// open a clause: the best and second-best places to cut a run.
const std::unordered_set<std::string> kOpeners = {
    "so", "now", "okay", "ok", "honestly", "remember", "alright", "anyway", "basically", "actually", "well",
    "alors", "donc", "bon", "ensuite", "entonces", "bueno", "pues", "luego"};
const std::unordered_set<std::string> kMarkers = {
    "and", "but", "because", "then", "which", "when", "if", "or", "also", "where", "while", "although",
    "however", "et", "mais", "parce", "puis", "quand", "car", "y", "pero", "porque", "cuando", "aunque"};
// A piece cut after one of these ends mid-phrase ("... to that cause for."),
// and one cut before the second list starts mid-clause ("Shall have a new
// birth ..."): best_cut() never cuts there while another place is in reach.
const std::unordered_set<std::string> kNoEnd = {
    "a", "an", "the", "of", "to", "for", "in", "on", "at", "by", "with", "from", "into", "under", "over",
    "about", "above", "than", "as", "and", "or", "but", "that", "which", "who", "whom", "whose", "if",
    "because", "is", "are", "was", "were", "be", "been", "have", "has", "had", "do", "does", "did", "shall",
    "should", "will", "would", "can", "could", "may", "might", "must", "not", "our", "their", "its", "his",
    "her", "my", "your", "this", "these", "those", "we", "they", "i", "you", "he", "she",
    "le", "la", "les", "un", "une", "des", "de", "du", "au", "aux", "à", "en", "et", "ou", "que", "qui",
    "el", "los", "las", "una", "del", "al", "con", "por", "para", "y", "o"};
const std::unordered_set<std::string> kNoStart = {
    "shall", "should", "will", "would", "can", "could", "may", "might", "must", "not", "have", "has", "had",
    "is", "are", "was", "were", "be", "been", "of", "to", "than"};

bool clean_cut(const std::vector<Word>& w, size_t k) {
  return !kNoEnd.count(lower(strip_punct(w[k - 1].text))) && !kNoStart.count(lower(strip_punct(w[k].text)));
}

// Leading conjunctions dropped from a unit: "And so the cost fell." -> "The cost fell."
const std::unordered_set<std::string> kLeading = {"and", "so", "but", "or", "then", "okay", "ok", "well", "now",
                                                  "also", "like", "honestly", "basically", "actually", "anyway", "alright", "y", "pero", "entonces", "pues", "bueno", "et",
                                                  "mais", "donc", "alors", "bon", "ben"};

bool ends_sentence(const std::string& token) {
  std::string t = token;
  while (!t.empty() && (t.back() == '"' || t.back() == '\'' || t.back() == ')')) t.pop_back();
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

bool is_url(const std::string& token) { return contains_url(token) || lower(token).find(".com/") != std::string::npos; }

std::string scrub(std::string token) {
  // Characters that would read as markdown in a summary or be spoken aloud.
  token.erase(std::remove_if(token.begin(), token.end(),
                             [](char c) { return c == '*' || c == '#' || c == '`' || c == '|' || c == '_'; }),
              token.end());
  return token;
}

void push_tokens(CleanTranscript& out, const std::string& text, double start, double end, bool segment_start) {
  auto tokens = split_words(text);
  size_t n = tokens.size();
  for (size_t i = 0; i < n; ++i) {
    const std::string& tok = tokens[i];
    // [Music], [ Music ], (applause): skip the whole tag.
    if (tok.front() == '[' || tok.front() == '(') {
      char close = tok.front() == '[' ? ']' : ')';
      size_t j = i;
      std::string inner;
      while (j < n && j < i + 4) {
        inner += lower(strip_punct(tokens[j])) + " ";
        if (tokens[j].back() == close) break;
        ++j;
      }
      bool tag = j < n && j < i + 4 && tokens[j].back() == close;
      if (tag && (close == ']' || kTagWords.count(trim(inner)))) {
        i = j;
        continue;
      }
    }
    if (tok == "♪" || !is_word_token(tok) || is_url(tok)) continue;
    std::string key = lower(strip_punct(tok));
    if (kFillers.count(key)) continue;
    std::string clean = scrub(tok);
    if (clean.empty()) continue;
    if (!out.words.empty() && lower(out.words.back().text) == lower(clean)) continue;  // "the the"
    double t = n ? start + (end - start) * static_cast<double>(i) / n : start;
    out.words.push_back({clean, t, segment_start && i == 0});
  }
}

std::string finish_text(std::vector<std::string> tokens, bool& question) {
  // Drop leading conjunctions while a real clause remains.
  size_t lead = 0;
  while (lead < 2 && tokens.size() - lead > 4 && kLeading.count(lower(strip_punct(tokens[lead])))) ++lead;
  tokens.erase(tokens.begin(), tokens.begin() + lead);
  std::string text;
  for (auto& t : tokens) {
    if (!text.empty()) text += ' ';
    text += t;
  }
  while (!text.empty() && (text.back() == ',' || text.back() == ';' || text.back() == ':' || text.back() == '-'))
    text.pop_back();
  if (text.empty()) return text;
  char last = text.back();
  question = last == '?';
  bool terminal = last == '.' || last == '!' || last == '?' || last == '"' ||
                  (text.size() >= 3 && text.compare(text.size() - 3, 3, "\xE2\x80\xA6") == 0);
  if (!terminal) text += '.';
  return capitalize_first(text);
}

// Where to cut words[b, e) so the left piece is near `ideal` words long.
size_t best_cut(const std::vector<Word>& w, size_t b, size_t e, size_t ideal, int min_side) {
  double best_score = -1e9;
  size_t best = b + ideal;
  // Only cuts near the ideal point are worth scoring: an unpunctuated hour
  // is one run, and scanning all of it for every cut would be quadratic.
  size_t lo = b + min_side, hi = std::min(e, b + 2 * ideal + min_side);
  for (size_t k = lo; k + min_side <= hi; ++k) {  // cut before w[k]
    if (!clean_cut(w, k)) continue;
    const std::string& prev = w[k - 1].text;
    const std::string& next = w[k].text;
    std::string key = lower(strip_punct(next));
    double weight = 0;
    char pc = prev.empty() ? ' ' : prev.back();
    unsigned char nc = next.empty() ? ' ' : static_cast<unsigned char>(next[0]);
    if (pc == ',' || pc == ';' || pc == ':') weight = 3;
    else if (kOpeners.count(key)) weight = 2.5;
    else if (std::isupper(nc) && key != "i") weight = 2;
    else if (kMarkers.count(key)) weight = 1.5;
    else if (w[k].segment_start) weight = 0.5;
    else continue;
    double distance = std::abs(static_cast<double>(k - b) - static_cast<double>(ideal));
    double score = weight - distance / std::max<double>(ideal, 1) * 4;
    if (score > best_score) {
      best_score = score;
      best = k;
    }
  }
  if (best_score == -1e9) {
    // No natural boundary in reach: the clean cut nearest the ideal point.
    for (size_t d = 0; d <= ideal; ++d) {
      if (b + ideal + d + min_side <= e && clean_cut(w, b + ideal + d)) return b + ideal + d;
      if (ideal >= d + min_side && clean_cut(w, b + ideal - d)) return b + ideal - d;
    }
  }
  return std::clamp(best, b + 1, e - 1);
}

void emit(const CleanTranscript& t, size_t b, size_t e, int max_words, int min_words, std::vector<Unit>& out,
          bool whole) {
  // Greedy left to right: cut pieces near 80% of max_words (or halves when
  // the run is less than two units long), preferring natural boundaries.
  while (e > b) {
    size_t len = e - b;
    if (len <= static_cast<size_t>(max_words)) break;
    size_t ideal = len <= static_cast<size_t>(2 * max_words) ? len / 2 : static_cast<size_t>(max_words * 0.8);
    size_t cut = best_cut(t.words, b, e, ideal, std::max(3, min_words));
    if (cut - b > static_cast<size_t>(max_words)) {
      cut = b + max_words;
      // Step back off a dangling word while the piece keeps half its length.
      for (size_t k = cut; k > b + std::max<size_t>(1, max_words / 2); --k)
        if (clean_cut(t.words, k)) {
          cut = k;
          break;
        }
    }
    emit(t, b, cut, max_words, min_words, out, false);
    b = cut;
    whole = false;
  }
  if (e - b < static_cast<size_t>(min_words)) return;
  std::vector<std::string> tokens;
  tokens.reserve(e - b);
  for (size_t i = b; i < e; ++i) tokens.push_back(t.words[i].text);
  Unit u;
  u.text = finish_text(tokens, u.question);
  u.tokens = split_words(u.text);
  u.words = static_cast<int>(u.tokens.size());
  u.start = t.words[b].time;
  u.whole = whole;
  if (u.words >= min_words) out.push_back(std::move(u));
}

}  // namespace

CleanTranscript clean_transcript(const SummaryInput& input, const std::string& language, int duration_seconds) {
  CleanTranscript out;
  out.language = language;
  out.duration = duration_seconds;
  if (!input.segments.empty()) {
    for (size_t i = 0; i < input.segments.size(); ++i) {
      double start = input.segments[i].start_seconds;
      double end = i + 1 < input.segments.size() ? input.segments[i + 1].start_seconds : start + 4;
      push_tokens(out, input.segments[i].text, start, std::max(start, end), true);
    }
  } else {
    push_tokens(out, input.text, 0, 0, false);
    // Without timings, spread the words evenly over the duration.
    size_t n = out.words.size();
    for (size_t i = 0; i < n; ++i) out.words[i].time = duration_seconds * static_cast<double>(i) / n;
  }
  if (out.duration <= 0 && !out.words.empty()) out.duration = out.words.back().time + 1;
  return out;
}

std::vector<Unit> make_units(const CleanTranscript& t, int max_words, int min_words) {
  std::vector<Unit> out;
  size_t start = 0;
  for (size_t i = 0; i < t.words.size(); ++i) {
    if (ends_sentence(t.words[i].text)) {
      emit(t, start, i + 1, max_words, min_words, out, true);
      start = i + 1;
    }
  }
  if (start < t.words.size()) emit(t, start, t.words.size(), max_words, min_words, out, true);
  return out;
}

}  // namespace td::summarize
