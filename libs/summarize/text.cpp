#include "summarize/text.h"

#include <algorithm>
#include <cctype>
#include <unordered_set>

namespace td::summarize {

namespace {

bool is_space(unsigned char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }
bool is_wordish(unsigned char c) { return std::isalnum(c) || c >= 0x80; }

// Multi-byte punctuation that should not stick to terms: « » “ ” ‘ ’ … – —
const char* const kUtf8Punct[] = {"\xC2\xAB",     "\xC2\xBB",     "\xE2\x80\x9C", "\xE2\x80\x9D",
                                  "\xE2\x80\x98", "\xE2\x80\x99", "\xE2\x80\xA6", "\xE2\x80\x93",
                                  "\xE2\x80\x94", "\xC2\xBF",     "\xC2\xA1"};

bool starts_with(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }
bool ends_with(std::string_view s, std::string_view p) {
  return s.size() >= p.size() && s.substr(s.size() - p.size()) == p;
}

const std::unordered_set<std::string>& stopwords(const std::string& language) {
  static const std::unordered_set<std::string> en = {
      "a",      "about",  "actually", "after",     "again",    "all",     "also",  "am",      "an",    "and",
      "any",    "are",    "around",   "as",        "at",       "back",    "be",    "because", "been",  "before",
      "being",  "but",    "by",       "can",       "could",    "did",     "do",    "does",    "doing", "don't",
      "down",   "each",   "even",     "every",     "few",      "for",     "from",  "get",     "gets",  "getting",
      "go",     "going",  "gonna",    "got",       "had",      "has",     "have",  "having",  "he",    "her",
      "here",   "him",    "his",      "how",       "i",        "i'm",     "if",    "in",      "into",  "is",
      "it",     "it's",   "its",      "just",      "kind",     "know",    "like",  "lot",     "make",  "many",
      "me",     "more",   "most",     "much",      "my",       "need",    "no",    "not",     "now",   "of",
      "off",    "oh",     "ok",       "okay",      "on",       "one",     "only",  "or",      "other", "our",
      "out",    "over",   "pretty",   "really",    "right",    "said",    "same",  "say",     "see",   "she",
      "should", "so",     "some",     "something", "sort",     "still",   "such",  "sure",    "take",  "than",
      "that",   "that's", "the",      "their",     "them",     "then",    "there", "there's", "these", "they",
      "thing",  "things", "think",    "this",      "those",    "through", "to",    "too",     "up",    "us",
      "very",   "want",   "was",      "way",       "we",       "we're",   "well",  "were",    "what",  "when",
      "where",  "which",  "while",    "who",       "why",      "will",    "with",  "would",   "yeah",  "yes",
      "you",    "you're", "your",     "let's",     "want",     "um",      "uh",    "wanna",   "stuff", "basically",
      "mean",   "look",   "come",     "remember",  "honestly", "two",     "three", "first",   "also",  "another",
      "go",     "guys",   "today",    "welcome"};
  static const std::unordered_set<std::string> fr = {
      "a",     "à",     "au",      "aux",   "avec", "ce",   "ces",   "c'est", "cette", "dans",  "de",
      "des",   "du",    "elle",    "en",    "est",  "et",   "été",   "être",  "il",    "ils",   "je",
      "la",    "le",    "les",     "leur",  "lui",  "mais", "me",    "même",  "mes",   "moi",   "mon",
      "ne",    "nos",   "notre",   "nous",  "on",   "ou",   "où",    "par",   "pas",   "pour",  "qu",
      "que",   "qui",   "sa",      "se",    "ses",  "son",  "sont",  "sur",   "ta",    "te",    "tes",
      "toi",   "ton",   "tu",      "un",    "une",  "vos",  "votre", "vous",  "y",     "donc",  "alors",
      "aussi", "très",  "plus",    "tout",  "tous", "fait", "faire", "comme", "bien",  "peu",   "ça",
      "cela",  "si",    "quand",   "avoir", "ont",  "sont", "était", "peut",  "d'un",  "d'une", "l'on",
      "qu'il", "n'est", "c'était", "voilà", "bon",  "euh",  "oui",   "non",   "chose", "choses"};
  static const std::unordered_set<std::string> es = {
      "a",       "al",    "algo",   "con",    "como", "de",    "del",   "el",    "ella",   "en",       "es",    "esa",
      "ese",     "eso",   "esta",   "este",   "esto", "está",  "están", "fue",   "ha",     "han",      "hay",   "la",
      "las",     "le",    "les",    "lo",     "los",  "más",   "me",    "mi",    "muy",    "no",       "nos",   "o",
      "para",    "pero",  "por",    "porque", "que",  "qué",   "se",    "si",    "sí",     "sin",      "su",    "sus",
      "también", "te",    "tu",     "un",     "una",  "uno",   "y",     "ya",    "yo",     "entonces", "bueno", "pues",
      "todo",    "todos", "cuando", "donde",  "ser",  "son",   "era",   "tiene", "tienen", "puede",    "hacer", "cosa",
      "cosas",   "vamos", "ahora",  "aquí",   "así",  "sobre", "entre", "hasta", "desde"};
  static const std::unordered_set<std::string> none;
  if (language == "en") return en;
  if (language == "fr") return fr;
  if (language == "es") return es;
  return none;
}

}  // namespace

std::string trim(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && is_space(s[b])) ++b;
  while (e > b && is_space(s[e - 1])) --e;
  return std::string(s.substr(b, e - b));
}

std::vector<std::string> split_words(std::string_view text) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && is_space(text[i])) ++i;
    size_t start = i;
    while (i < text.size() && !is_space(text[i])) ++i;
    if (i > start) out.emplace_back(text.substr(start, i - start));
  }
  return out;
}

bool is_word_token(std::string_view token) {
  return std::any_of(token.begin(), token.end(), [](unsigned char c) { return is_wordish(c); });
}

int count_words(std::string_view text) {
  int n = 0;
  size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && is_space(text[i])) ++i;
    bool word = false;
    while (i < text.size() && !is_space(text[i])) {
      if (is_wordish(static_cast<unsigned char>(text[i]))) word = true;
      ++i;
    }
    n += word;
  }
  return n;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (size_t i = 0; i < out.size(); ++i) {
    unsigned char c = out[i];
    if (c < 0x80) {
      out[i] = static_cast<char>(std::tolower(c));
    } else if (c == 0xC3 && i + 1 < out.size()) {
      unsigned char d = out[i + 1];
      if (d >= 0x80 && d <= 0x9E && d != 0x97) out[i + 1] = static_cast<char>(d + 0x20);
      ++i;
    }
  }
  return out;
}

std::string capitalize_first(std::string s) {
  for (size_t i = 0; i < s.size(); ++i) {
    unsigned char c = s[i];
    if (c < 0x80 && std::isalpha(c)) {
      s[i] = static_cast<char>(std::toupper(c));
      return s;
    }
    if (c == 0xC3 && i + 1 < s.size()) {
      unsigned char d = s[i + 1];
      if (d >= 0xA0 && d <= 0xBE && d != 0xB7) s[i + 1] = static_cast<char>(d - 0x20);
      return s;
    }
    if (is_wordish(c)) return s;
  }
  return s;
}

std::string strip_punct(std::string_view token) {
  bool changed = true;
  while (changed && !token.empty()) {
    changed = false;
    while (!token.empty() && static_cast<unsigned char>(token.front()) < 0x80 &&
           std::ispunct(static_cast<unsigned char>(token.front()))) {
      token.remove_prefix(1);
      changed = true;
    }
    while (!token.empty() && static_cast<unsigned char>(token.back()) < 0x80 &&
           std::ispunct(static_cast<unsigned char>(token.back()))) {
      token.remove_suffix(1);
      changed = true;
    }
    for (const char* p : kUtf8Punct) {
      if (starts_with(token, p)) {
        token.remove_prefix(std::string_view(p).size());
        changed = true;
      }
      if (ends_with(token, p)) {
        token.remove_suffix(std::string_view(p).size());
        changed = true;
      }
    }
  }
  return std::string(token);
}

std::string term_key(std::string_view token, const std::string& language) {
  std::string t = lower(strip_punct(token));
  // Light plural folding: enough to merge "battery"/"batteries"-style pairs in
  // the common cases without a stemmer dependency.
  if (language == "en" || language == "fr" || language == "es") {
    if (t.size() > 4 && t.back() == 's' && t[t.size() - 2] != 's') t.pop_back();
  }
  return t;
}

bool is_stopword(const std::string& lowered, const std::string& language) {
  return stopwords(language).count(lowered) > 0;
}

std::vector<std::string> split_sentences(std::string_view text) {
  std::vector<std::string> out;
  size_t start = 0;
  // Closing quotes and brackets after the mark stay with its sentence: «cometh." Fondly».
  auto closer_at = [&](size_t j) -> size_t {
    if (j < text.size() && (text[j] == '"' || text[j] == '\'' || text[j] == ')')) return 1;
    for (std::string_view q : {"\xE2\x80\x9D", "\xE2\x80\x99", "\xC2\xBB"})
      if (text.substr(j, q.size()) == q) return q.size();
    return 0;
  };
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    bool end = false;
    if (c == '.' || c == '!' || c == '?') {
      size_t j = i + 1;
      while (size_t n = closer_at(j)) j += n;
      end = j == text.size() || is_space(text[j]);
      if (end) i = j - 1;
    }
    if (!end && c == '\n' && i + 1 < text.size() && text[i + 1] == '\n') end = true;
    if (end) {
      auto s = trim(text.substr(start, i + 1 - start));
      if (count_words(s) > 0) out.push_back(s);
      start = i + 1;
    }
  }
  auto s = trim(text.substr(start));
  if (count_words(s) > 0) out.push_back(s);
  return out;
}

bool contains_url(std::string_view text) {
  std::string l = lower(text);
  return l.find("http://") != std::string::npos || l.find("https://") != std::string::npos ||
         l.find("www.") != std::string::npos;
}

std::vector<std::string> nonempty_lines(std::string_view text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= text.size()) {
    size_t nl = text.find('\n', start);
    if (nl == std::string_view::npos) nl = text.size();
    auto line = trim(text.substr(start, nl - start));
    if (!line.empty()) out.push_back(line);
    start = nl + 1;
  }
  return out;
}

void append_sep(std::string& out, std::string_view sep, std::string_view piece) {
  if (!out.empty()) out.append(sep);
  out.append(piece);
}

}  // namespace td::summarize
