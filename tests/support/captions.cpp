#include "support/captions.h"

#include "common/quote.h"
#include "youtube/utf8.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>
#include <unordered_set>

#include <nlohmann/json.hpp>

namespace fs = std::filesystem;

namespace td::test {

namespace {

// --- UTF-8, just enough for Latin-script text ---

std::vector<char32_t> decode(std::string_view s) {
  std::vector<char32_t> out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    auto c = static_cast<unsigned char>(s[i]);
    char32_t cp;
    size_t n;
    if (c < 0x80) cp = c, n = 1;
    else if ((c >> 5) == 0x6) cp = c & 0x1F, n = 2;
    else if ((c >> 4) == 0xE) cp = c & 0x0F, n = 3;
    else if ((c >> 3) == 0x1E) cp = c & 0x07, n = 4;
    else {
      out.push_back(0xFFFD);
      ++i;
      continue;
    }
    if (i + n > s.size()) {
      out.push_back(0xFFFD);
      break;
    }
    for (size_t k = 1; k < n; ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
    out.push_back(cp);
    i += n;
  }
  return out;
}

void encode(char32_t cp, std::string& out) { td::youtube::utf8::append(cp, out); }

bool is_space(char32_t c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v' || c == 0xA0 || c == 0x2007 ||
         c == 0x2009 || c == 0x202F;
}
bool is_digit(char32_t c) { return c >= '0' && c <= '9'; }
bool is_letter(char32_t c) {
  if (c < 0x80) return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  if (c == 0xAA || c == 0xB5 || c == 0xBA) return true;
  if (c >= 0xC0 && c <= 0x24F) return c != 0xD7 && c != 0xF7;
  if (c >= 0x370 && c < 0x2000) return true;   // Greek, Cyrillic and the like
  if (c >= 0x3040 && c < 0xFE30) return true;  // CJK
  return false;
}
bool is_word_char(char32_t c) { return is_letter(c) || is_digit(c); }

char32_t to_lower(char32_t c) {
  if (c >= 'A' && c <= 'Z') return c + 32;
  if (c >= 0xC0 && c <= 0xDE && c != 0xD7) return c + 32;
  if ((c >= 0x100 && c <= 0x137) || (c >= 0x14A && c <= 0x177)) return c % 2 == 0 ? c + 1 : c;
  if ((c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17E)) return c % 2 == 1 ? c + 1 : c;
  if (c == 0x178) return 0xFF;
  return c;
}

// Marks that open a quotation or a Spanish question/exclamation.
bool is_opener(char32_t c) {
  return c == 0xAB || c == 0x201C || c == 0x2018 || c == 0x201E || c == 0xBF || c == 0xA1 || c == '(' || c == '[';
}
bool is_closer(char32_t c) {
  return c == '"' || c == '\'' || c == 0x201D || c == 0x2019 || c == 0xBB || c == ')' || c == ']';
}
bool is_dash(char32_t c) { return c == 0x2014 || c == 0x2013; }

size_t utf8_length(std::string_view s) {
  size_t n = 0;
  for (char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

// The code points of `written` with trailing spaces and closing quotes/brackets taken off.
std::vector<char32_t> without_closers(std::string_view written) {
  auto cps = decode(written);
  while (!cps.empty() && (is_space(cps.back()) || is_closer(cps.back()))) cps.pop_back();
  return cps;
}

// The punctuation after the last letter or digit, closers taken off.
std::vector<char32_t> trailing_punct(std::string_view written) {
  auto cps = without_closers(written);
  size_t k = cps.size();
  while (k > 0 && !is_word_char(cps[k - 1])) --k;
  std::vector<char32_t> tail;
  for (size_t i = k; i < cps.size(); ++i)
    if (!is_space(cps[i]) && !is_closer(cps[i])) tail.push_back(cps[i]);
  return tail;
}

bool starts_with_opener(std::string_view written) {
  auto cps = decode(written);
  return !cps.empty() && (is_opener(cps.front()) || cps.front() == '"' || is_dash(cps.front()));
}

// The first letter or digit of a token.
char32_t first_word_char(std::string_view token) {
  for (char32_t c : decode(token))
    if (is_word_char(c)) return c;
  return 0;
}

const std::unordered_set<std::string> kAbbreviations = {"mr",  "mrs",  "ms",  "dr", "st",  "jr",  "sr",
                                                        "sra", "srta", "srs", "m",  "mm",  "mme", "mlle",
                                                        "mgr", "d",    "dña", "ud", "uds", "vd",  "vds"};

// Prepositions, conjunctions and relative words: where speakers hesitate,
// take a breath or pause for emphasis when no punctuation asks for it.
const std::unordered_set<std::string>& function_words(const std::string& language) {
  static const std::unordered_set<std::string> en = {
      "of",      "to",      "in",      "on",    "at",   "by", "for",     "with",  "from",  "into",   "upon",    "about",
      "against", "through", "without", "and",   "but",  "or", "nor",     "that",  "which", "who",    "whom",    "whose",
      "because", "if",      "when",    "while", "than", "as", "whether", "where", "until", "though", "although"};
  static const std::unordered_set<std::string> fr = {
      "de",   "du",   "des",  "à",      "au",     "aux",    "en",      "dans", "par",  "pour", "sur",
      "sous", "avec", "sans", "contre", "devant", "envers", "et",      "ou",   "mais", "que",  "qu'il",
      "qui",  "car",  "dont", "comme",  "quand",  "si",     "lorsque", "tant", "où",   "ni"};
  static const std::unordered_set<std::string> es = {
      "de",    "del",   "a",     "al",     "en",     "con", "por",    "para",  "sin",  "sobre",
      "entre", "hasta", "desde", "y",      "e",      "o",   "u",      "ni",    "pero", "sino",
      "que",   "quien", "como",  "cuando", "porque", "si",  "aunque", "donde", "cuyo", "cuya"};
  if (language.starts_with("fr")) return fr;
  if (language.starts_with("es")) return es;
  return en;
}

// Vowel groups, with the silent final "e" of English and French left out.
int syllables(const std::string& spoken, const std::string& language) {
  static const std::u32string vowels = U"aeiouyàâäáéèêëíìîïóòôöúùûüÿæœý";
  auto cps = decode(spoken);
  int digits = 0, groups = 0;
  bool in_vowel = false;
  std::u32string letters;
  for (char32_t c : cps) {
    if (is_digit(c)) ++digits;
    if (!is_letter(c)) {
      in_vowel = false;
      continue;
    }
    letters += c;
    bool v = vowels.find(c) != std::u32string::npos;
    if (v && !in_vowel) ++groups;
    in_vowel = v;
  }
  if (groups > 1 && (language.starts_with("en") || language.starts_with("fr"))) {
    auto ends = [&](std::u32string_view suffix) {
      return letters.size() > suffix.size() &&
             letters.compare(letters.size() - suffix.size(), suffix.size(), suffix) == 0;
    };
    bool consonant_le =
        ends(U"le") && letters.size() >= 3 && vowels.find(letters[letters.size() - 3]) == std::u32string::npos;
    if (ends(U"e") && !(language.starts_with("en") && consonant_le)) --groups;
    else if (language.starts_with("fr") && ends(U"es")) --groups;
    else if (language.starts_with("en") && ends(U"ed") && !ends(U"ted") && !ends(U"ded")) --groups;
  }
  int s = std::max(groups, 0) + static_cast<int>(std::lround(1.5 * digits));
  return std::max(1, s);
}

// Uniform draws straight from the Mersenne Twister, whose output the standard
// fixes; the std:: distributions may differ between standard libraries.
class Rng {
 public:
  explicit Rng(uint32_t seed) : gen_(seed) {}
  double uniform() { return gen_() / 4294967296.0; }
  double range(double a, double b) { return a + (b - a) * uniform(); }
  bool chance(double p) { return uniform() < p; }
  int range_int(int a, int b) { return a + static_cast<int>(uniform() * (b - a + 1)); }

 private:
  std::mt19937 gen_;
};

std::string filler_for(const std::string& language, Rng& rng) {
  if (language.starts_with("fr")) return "euh";
  if (language.starts_with("es")) return "eh";
  return rng.chance(0.7) ? "uh" : "um";
}
std::string music_tag(const std::string& language) {
  if (language.starts_with("fr")) return "[Musique]";
  if (language.starts_with("es")) return "[Música]";
  return "[Music]";
}
std::string applause_tag(const std::string& language) {
  if (language.starts_with("fr")) return "[Applaudissements]";
  if (language.starts_with("es")) return "[Aplausos]";
  return "[Applause]";
}

// A line the rolling formats would read as YouTube's repetition of `previous`.
bool ambiguous_line(const std::string& previous, const std::string& line) {
  return !previous.empty() && (line == previous || line.starts_with(previous + " "));
}

struct Line {
  size_t begin, end;  // words[begin, end)
};

std::string join_spoken(const CaptionTrack& t, size_t b, size_t e) {
  std::string s;
  for (size_t i = b; i < e; ++i) {
    if (i > b) s += ' ';
    s += t.words[i].spoken;
  }
  return s;
}

// The rolling lines of the automatic tracks: 28-42 characters each, drawn per
// line; a tag alone on its line.
std::vector<Line> auto_lines(const CaptionTrack& t) {
  Rng rng(t.seed ^ 0x85EBCA6Bu);
  std::vector<Line> lines;
  std::string previous;
  size_t i = 0, n = t.words.size();
  while (i < n) {
    if (t.words[i].noise == CaptionWord::Noise::tag) {
      lines.push_back({i, i + 1});
      previous = t.words[i].spoken;
      ++i;
      continue;
    }
    size_t limit = static_cast<size_t>(rng.range_int(28, 42));
    size_t j = i, length = 0;
    while (j < n && t.words[j].noise != CaptionWord::Noise::tag) {
      size_t add = utf8_length(t.words[j].spoken) + (j > i ? 1 : 0);
      if (j > i && length + add > limit) break;
      length += add;
      ++j;
    }
    while (j - i > 1 && ambiguous_line(previous, join_spoken(t, i, j))) --j;
    lines.push_back({i, j});
    previous = join_spoken(t, i, j);
    i = j;
  }
  return lines;
}

void write_file(const fs::path& path, const std::string& contents) {
  fs::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary);
  out << contents;
  if (!out.flush()) throw std::runtime_error("cannot write " + path.string());
}

}  // namespace

// --- Text helpers ---

std::string spoken_form(std::string_view token) {
  auto cps = decode(token);
  for (auto& c : cps)
    if (c == 0x2019 || c == 0x2018) c = '\'';
  std::string out;
  for (size_t i = 0; i < cps.size(); ++i) {
    char32_t c = cps[i];
    if (is_word_char(c)) {
      encode(to_lower(c), out);
      continue;
    }
    bool between_word = i > 0 && i + 1 < cps.size() && is_word_char(cps[i - 1]) && is_word_char(cps[i + 1]);
    bool between_digits = i > 0 && i + 1 < cps.size() && is_digit(cps[i - 1]) && is_digit(cps[i + 1]);
    if ((c == '\'' || c == '-') && between_word) out += static_cast<char>(c);
    else if ((c == '.' || c == ',') && between_digits) out += static_cast<char>(c);
  }
  return out;
}

std::vector<TextToken> text_tokens(std::string_view text) {
  // 1. Whitespace-separated pieces, remembering line breaks between them.
  struct Raw {
    std::string text;
    bool newline_after = false;
  };
  std::vector<Raw> raw;
  std::string current;
  for (char32_t c : decode(text)) {
    if (is_space(c)) {
      if (!current.empty()) raw.push_back({std::move(current), false}), current.clear();
      if (c == '\n' && !raw.empty()) raw.back().newline_after = true;
      continue;
    }
    encode(c, current);
  }
  if (!current.empty()) raw.push_back({std::move(current), false});

  // 2. "forward--and", "sun—almost": split after the dash.
  std::vector<Raw> split;
  for (auto& r : raw) {
    auto cps = decode(r.text);
    std::string piece;
    for (size_t i = 0; i < cps.size(); ++i) {
      encode(cps[i], piece);
      bool dash_end = (is_dash(cps[i]) || (cps[i] == '-' && i > 0 && cps[i - 1] == '-')) && i + 1 < cps.size() &&
                      is_word_char(cps[i + 1]);
      bool word_before = false;
      for (size_t k = 0; k < i; ++k) word_before |= is_word_char(cps[k]);
      if (dash_end && word_before) split.push_back({std::move(piece), false}), piece.clear();
    }
    split.push_back({std::move(piece), r.newline_after});
  }

  // 3. Punctuation-only pieces join their word: openers the next one, the rest the previous one.
  std::vector<TextToken> out;
  std::string prefix;
  for (auto& r : split) {
    auto cps = decode(r.text);
    bool word = std::any_of(cps.begin(), cps.end(), is_word_char);
    if (word) {
      out.push_back({prefix.empty() ? r.text : prefix + " " + r.text, r.newline_after});
      prefix.clear();
      continue;
    }
    bool opening = is_opener(cps.front()) || (is_dash(cps.front()) && (out.empty() || out.back().paragraph_end));
    if (opening || out.empty()) {
      prefix += (prefix.empty() ? "" : " ") + r.text;
    } else {
      out.back().written += " " + r.text;
      out.back().paragraph_end = out.back().paragraph_end || r.newline_after;
    }
  }
  if (!prefix.empty() && !out.empty()) out.back().written += " " + prefix;
  return out;
}

bool ends_with_terminal(std::string_view written) {
  auto cps = without_closers(written);
  if (cps.empty()) return false;
  char32_t last = cps.back();
  if (last == '!' || last == '?' || last == 0x2026) return true;
  if (last != '.') return false;
  if (cps.size() >= 3 && cps[cps.size() - 2] == '.' && cps[cps.size() - 3] == '.') return true;  // "..."
  // The word before the dot: an abbreviation or initial does not end a sentence.
  size_t b = 0;
  while (b + 1 < cps.size() && !is_word_char(cps[b])) ++b;
  if (b + 1 >= cps.size()) return true;  // a dot after no word at all ("».")
  std::u32string core(cps.begin() + static_cast<long>(b), cps.end() - 1);
  std::string lowered;
  for (char32_t c : core) encode(to_lower(c), lowered);
  if (kAbbreviations.count(lowered)) return false;
  if (core.size() == 1 && is_letter(core[0])) return false;
  if (core.size() <= 4 && core.find('.') != std::u32string::npos) return false;  // "U.S."
  return true;
}

int letter_case(std::string_view token) {
  for (char32_t c : decode(token)) {
    if (is_digit(c)) return 0;
    if (is_letter(c)) return to_lower(c) != c ? 1 : -1;
  }
  return 0;
}

std::vector<CaptionWord> CaptionTrack::text_words() const {
  std::vector<CaptionWord> out;
  for (auto& w : words)
    if (w.noise == CaptionWord::Noise::none) out.push_back(w);
  return out;
}

// --- The timing model (see the header for the numbers) ---

CaptionTrack make_track(std::string_view text, const std::string& language, const CaptionOptions& options) {
  auto tokens = text_tokens(text);
  size_t n = tokens.size();
  std::vector<CaptionWord> words(n);
  for (size_t i = 0; i < n; ++i) {
    words[i].written = tokens[i].written;
    words[i].spoken = spoken_form(tokens[i].written);
    words[i].paragraph_end = tokens[i].paragraph_end;
    words[i].capitalized = letter_case(tokens[i].written) > 0;
  }
  for (size_t i = 0; i < n; ++i) {
    auto& w = words[i];
    if (ends_with_terminal(w.written)) {
      if (i + 1 == n) {
        w.sentence_end = true;
      } else {
        char32_t next = first_word_char(words[i + 1].written);
        w.sentence_end = is_digit(next) || (is_letter(next) && to_lower(next) != next);
      }
    }
    w.sentence_initial = i == 0 || words[i - 1].sentence_end;
    auto prev_tail = i > 0 ? trailing_punct(words[i - 1].written) : std::vector<char32_t>{};
    w.clause_initial = (!prev_tail.empty() && prev_tail.back() == ':') || starts_with_opener(w.written);
  }
  if (n > 0) words.back().sentence_end = true;

  CaptionTrack track;
  track.language = language;
  track.seed = options.seed;
  if (n == 0) return track;

  Rng rng(options.seed);
  double rate = options.words_per_minute > 0 ? options.words_per_minute : rng.range(130, 170);
  double lead_in = rng.range(0.2, 1.5);
  const auto& fwords = function_words(language);

  // Gaps after each word, in seconds.
  std::vector<double> gap(n, 0.0);
  std::vector<bool> hesitation(n, false);
  int since_pause = 0, breath_at = rng.range_int(14, 24);
  for (size_t i = 0; i + 1 < n; ++i) {
    const auto& w = words[i];
    auto tail = trailing_punct(w.written);
    char32_t last = tail.empty() ? 0 : tail.back();
    bool medium = last == ';' || last == ':' || last == '-' || is_dash(last) || last == 0x2026 || last == '!' ||
                  last == '?' || (tail.size() >= 3 && last == '.' && tail[tail.size() - 2] == '.') ||
                  starts_with_opener(words[i + 1].written);
    double g;
    if (w.paragraph_end) {
      g = w.sentence_end ? rng.range(0.9, 1.8) : rng.range(0.6, 1.2);
    } else if (w.sentence_end) {
      g = rng.chance(0.15) ? rng.range(0.08, 0.30) : 0.4 + 0.8 * std::pow(rng.uniform(), 1.5);
    } else if (last == ',') {
      g = rng.chance(0.30) ? rng.range(0.03, 0.12) : rng.range(0.12, 0.50);
    } else if (medium) {
      g = rng.chance(0.15) ? rng.range(0.05, 0.15) : rng.range(0.20, 0.70);
    } else {
      bool before_function_word = fwords.count(words[i + 1].spoken) > 0;
      if (rng.chance(before_function_word ? 0.12 : 0.035)) {
        g = rng.range(0.3, 0.9);
        hesitation[i] = true;
      } else if (since_pause >= breath_at &&
                 (since_pause >= breath_at + 6 || rng.chance(before_function_word ? 0.5 : 0.25))) {
        g = rng.range(0.30, 0.60);
      } else {
        g = rng.range(0.0, 0.04);
      }
    }
    gap[i] = g;
    if (g >= 0.3) {
      since_pause = 0;
      breath_at = rng.range_int(14, 24);
    } else {
      ++since_pause;
    }
  }

  // Word durations: syllable weight x jitter, longer before a pause, scaled to the rate.
  std::vector<double> weight(n);
  double total_weight = 0, total_gap = 0;
  for (size_t i = 0; i < n; ++i) {
    double jitter = rng.range(0.85, 1.15);
    weight[i] = (syllables(words[i].spoken, language) + 0.4) * jitter * (gap[i] >= 0.25 ? 1.15 : 1.0);
    total_weight += weight[i];
    total_gap += gap[i];
  }
  double target = static_cast<double>(n) * 60.0 / rate;
  double k = std::clamp((target - total_gap) / total_weight, 0.10, 0.30);

  // Lay the words out in time; noise draws come from a stream of their own.
  Rng noise_rng(options.seed ^ 0x9E3779B9u);
  auto ms = [](double s) { return static_cast<int64_t>(std::llround(s * 1000)); };
  auto noise_word = [&](std::string text, CaptionWord::Noise kind, double start, double end) {
    CaptionWord w;
    w.written = w.spoken = std::move(text);
    w.noise = kind;
    w.start_ms = ms(start);
    w.end_ms = ms(end);
    return w;
  };
  double t = lead_in;
  if (options.noise) {
    double music = noise_rng.range(2.0, 5.0);
    track.words.push_back(noise_word(music_tag(language), CaptionWord::Noise::tag, 0.0, music));
    t += music;
  }
  for (size_t i = 0; i < n; ++i) {
    auto& w = words[i];
    double d = std::max(0.09, k * weight[i]);
    w.start_ms = ms(t);
    w.end_ms = ms(t + d);
    track.words.push_back(w);
    if (i + 1 == n) break;
    double g = gap[i], extra = 0;
    if (options.noise && hesitation[i] && noise_rng.chance(0.30)) {
      double start = t + d + 0.35 * g;
      track.words.push_back(noise_word(filler_for(language, noise_rng), CaptionWord::Noise::filler, start,
                                       start + std::min(0.35 * g, 0.3)));
    }
    if (options.noise && w.sentence_end && noise_rng.chance(0.04)) {
      double start = t + d + 0.25 * g, length = noise_rng.range(1.5, 4.0);
      track.words.push_back(noise_word(applause_tag(language), CaptionWord::Noise::tag, start, start + length));
      extra = length;
    }
    t += d + g + extra;
  }
  track.duration_ms = track.words.back().end_ms;
  const auto& first = words.front();
  const auto& last = words.back();
  double minutes = static_cast<double>(last.end_ms - first.start_ms) / 60000.0;
  track.words_per_minute = minutes > 0 ? static_cast<double>(n) / minutes : 0;
  return track;
}

// --- Renderings ---

std::string auto_vtt(const CaptionTrack& t) {
  auto lines = auto_lines(t);
  std::string out = "WEBVTT\nKind: captions\nLanguage: " + t.language + "\n\n";
  const std::string settings = " align:start position:0%\n";
  for (size_t k = 0; k < lines.size(); ++k) {
    auto [b, e] = lines[k];
    int64_t start = t.words[b].start_ms;
    int64_t end = k + 1 < lines.size() ? t.words[lines[k + 1].begin].start_ms - 10 : t.words[e - 1].end_ms;
    out += vtt_timestamp(start) + " --> " + vtt_timestamp(end) + settings;
    out += (k == 0 ? std::string(" ") : join_spoken(t, lines[k - 1].begin, lines[k - 1].end)) + "\n";
    std::string stamped = t.words[b].spoken;
    for (size_t i = b + 1; i < e; ++i)
      stamped += "<" + vtt_timestamp(t.words[i].start_ms) + "><c> " + t.words[i].spoken + "</c>";
    out += stamped + "\n\n";
    if (k + 1 < lines.size()) {
      out += vtt_timestamp(end) + " --> " + vtt_timestamp(end + 10) + settings;
      out += join_spoken(t, b, e) + "\n \n\n";
    }
  }
  return out;
}

std::string auto_json3(const CaptionTrack& t) {
  using json = nlohmann::ordered_json;
  auto lines = auto_lines(t);
  json doc = json::object();
  doc["wireMagic"] = "pb3";
  doc["pens"] = json::array({json::object()});
  json style = json::object();
  style["mhModeHint"] = 2;
  style["juJustifCode"] = 0;
  style["sdScrollDir"] = 3;
  doc["wsWinStyles"] = json::array({json::object(), style});
  json position = json::object();
  position["apPoint"] = 6;
  position["ahHorPos"] = 20;
  position["avVerPos"] = 100;
  position["rcRows"] = 2;
  position["ccCols"] = 40;
  doc["wpWinPositions"] = json::array({json::object(), position});
  json events = json::array();
  json window = json::object();
  window["tStartMs"] = 0;
  window["dDurationMs"] = t.duration_ms;
  window["id"] = 1;
  window["wpWinPosId"] = 1;
  window["wsWinStyleId"] = 1;
  events.push_back(window);
  auto start_of = [&](size_t k) { return t.words[lines[k].begin].start_ms; };
  for (size_t k = 0; k < lines.size(); ++k) {
    auto [b, e] = lines[k];
    int64_t start = start_of(k);
    // A line stays on screen, as the top one, until the line after next appears.
    int64_t gone = k + 2 < lines.size() ? start_of(k + 2) : t.duration_ms;
    json event = json::object();
    event["tStartMs"] = start;
    event["dDurationMs"] = std::max<int64_t>(gone - start, 1);
    event["wWinId"] = 1;
    json segs = json::array();
    for (size_t i = b; i < e; ++i) {
      json seg = json::object();
      seg["utf8"] = (i == b ? "" : " ") + t.words[i].spoken;
      if (i > b) seg["tOffsetMs"] = t.words[i].start_ms - start;
      if (t.words[i].noise != CaptionWord::Noise::tag) seg["acAsrConf"] = 0;
      segs.push_back(seg);
    }
    event["segs"] = segs;
    events.push_back(event);
    if (k + 1 < lines.size()) {
      json append = json::object();
      int64_t at = start_of(k + 1) - 10;
      append["tStartMs"] = at;
      append["dDurationMs"] = std::max<int64_t>(gone - at, 1);
      append["wWinId"] = 1;
      append["aAppend"] = 1;
      json nl = json::object();
      nl["utf8"] = "\n";
      append["segs"] = json::array({nl});
      events.push_back(append);
    }
  }
  doc["events"] = events;
  return doc.dump() + "\n";
}

std::string manual_vtt(const CaptionTrack& t) {
  using Words = std::vector<size_t>;  // indices into t.words
  const size_t kWidth = 42;
  auto text_of = [&](const Words& idx) {
    std::string s;
    for (size_t i : idx) s += (s.empty() ? "" : " ") + t.words[i].written;
    return s;
  };
  std::vector<std::vector<Words>> cues;  // cues of lines of words
  std::vector<Words> cue;
  Words line;
  std::string previous_line;  // the last line written, across cues

  // A line is written unless the rolling merge would take it for a repeat of
  // the one before; then its last words start the next line instead.
  auto finish_line = [&]() {
    Words carry;
    while (line.size() > 1 && ambiguous_line(previous_line, text_of(line))) {
      carry.insert(carry.begin(), line.back());
      line.pop_back();
    }
    if (!line.empty()) {
      previous_line = text_of(line);
      cue.push_back(line);
    }
    line = carry;
  };
  auto emit_cue = [&]() {
    if (!cue.empty()) cues.push_back(cue);
    cue.clear();
  };
  auto finish_cue = [&]() {
    finish_line();
    emit_cue();
    if (!line.empty()) {  // carried words: a cue of their own
      finish_line();
      emit_cue();
    }
  };

  for (size_t i = 0; i < t.words.size(); ++i) {
    const auto& w = t.words[i];
    if (w.noise == CaptionWord::Noise::filler) continue;
    if (w.noise == CaptionWord::Noise::tag) {
      finish_cue();
      cues.push_back({{i}});
      previous_line = w.written;
      continue;
    }
    size_t next = i + 1;
    while (next < t.words.size() && t.words[next].noise == CaptionWord::Noise::filler) ++next;
    bool long_pause = next < t.words.size() && t.words[next].start_ms - w.end_ms >= 1500;
    if (!line.empty() && utf8_length(text_of(line)) + 1 + utf8_length(w.written) > kWidth) {
      // A full cue would leave this word, which closes the next one, alone
      // on it: captioners take the word before it down too.
      Words moved;
      if (cue.size() == 1 && line.size() > 2 && (w.sentence_end || long_pause)) {
        moved.push_back(line.back());
        line.pop_back();
      }
      finish_line();
      if (cue.size() >= 2) emit_cue();
      line.insert(line.end(), moved.begin(), moved.end());
    }
    line.push_back(i);
    size_t chars = utf8_length(text_of(line));
    for (auto& l : cue) chars += utf8_length(text_of(l)) + 1;
    if ((w.sentence_end && chars >= 20) || long_pause) finish_cue();
  }
  finish_cue();

  std::string out = "WEBVTT\nKind: captions\nLanguage: " + t.language + "\n\n";
  for (size_t c = 0; c < cues.size(); ++c) {
    int64_t start = t.words[cues[c].front().front()].start_ms;
    int64_t end = t.words[cues[c].back().back()].end_ms + 300;
    if (c + 1 < cues.size()) end = std::min(end, t.words[cues[c + 1].front().front()].start_ms);
    end = std::max(end, start + 1);
    out += vtt_timestamp(start) + " --> " + vtt_timestamp(end) + "\n";
    for (auto& l : cues[c]) {
      out += escape_html(text_of(l));  // WebVTT escapes as HTML does
      out += '\n';
    }
    out += "\n";
  }
  return out;
}

void write_tracks(const CaptionTrack& track, const std::string& dir, const WriteOptions& options) {
  using json = nlohmann::ordered_json;
  fs::path root(dir);
  const std::string& lang = track.language;
  std::string id = options.video_id.empty() ? "caption-fixture" : options.video_id;
  std::string base = "https://www.youtube.com/api/timedtext?v=" + id;
  json automatic = json::array(), manual = json::array();
  auto format = [&](const std::string& ext, bool asr) {
    json f = json::object();
    f["ext"] = ext;
    f["url"] = base + (asr ? "&caps=asr&kind=asr" : "") + "&lang=" + lang + "&fmt=" + ext;
    f["name"] = asr ? lang + " (Original)" : lang;
    return f;
  };
  if (options.auto_json3) {
    write_file(root / "auto" / (lang + "-orig.json3"), auto_json3(track));
    automatic.push_back(format("json3", true));
  }
  if (options.auto_vtt) {
    write_file(root / "auto" / (lang + "-orig.vtt"), auto_vtt(track));
    automatic.push_back(format("vtt", true));
  }
  if (options.manual) {
    write_file(root / "subs" / (lang + ".vtt"), manual_vtt(track));
    manual.push_back(format("vtt", false));
  }
  if (options.video_id.empty()) return;
  json info = json::object();
  info["id"] = id;
  info["title"] = options.title;
  info["description"] = "Caption tracks generated by tests/support/captions.h";
  info["channel"] = "tubedigest fixtures";
  info["channel_id"] = "UCtubedigestFixtures0000";
  info["duration"] = static_cast<double>(track.duration_ms) / 1000.0;
  info["upload_date"] = "20240101";
  info["language"] = lang;
  info["live_status"] = "not_live";
  info["webpage_url"] = "https://www.youtube.com/watch?v=" + id;
  info["subtitles"] = json::object();
  if (!manual.empty()) info["subtitles"][lang] = manual;
  info["automatic_captions"] = json::object();
  if (!automatic.empty()) info["automatic_captions"][lang + "-orig"] = automatic;
  info["_type"] = "video";
  write_file(root / "info.json", info.dump(1) + "\n");
}

// --- The speeches ---

std::vector<Speech> load_speeches(const std::string& dir) {
  std::string root = dir;
  if (root.empty()) {
    const char* env = std::getenv("TUBEDIGEST_SOURCE_DIR");
    root = std::string(env && *env ? env : TD_SOURCE_DIR) + "/tests/speeches";
  }
  std::vector<Speech> out;
  std::error_code ec;
  for (auto& lang_dir : fs::directory_iterator(root, ec)) {
    if (!lang_dir.is_directory()) continue;
    for (auto& file : fs::directory_iterator(lang_dir.path())) {
      if (file.path().extension() != ".txt") continue;
      std::ifstream in(file.path(), std::ios::binary);
      std::ostringstream s;
      s << in.rdbuf();
      std::string language = lang_dir.path().filename().string();
      out.push_back({language + "/" + file.path().stem().string(), language, s.str()});
    }
  }
  if (out.empty()) throw std::runtime_error("no speeches under " + root + " (<lang>/*.txt)");
  std::sort(out.begin(), out.end(), [](auto& a, auto& b) { return a.name < b.name; });
  return out;
}

unsigned seed_for(std::string_view name) {
  uint32_t h = 2166136261u;
  for (char c : name) {
    h ^= static_cast<unsigned char>(c);
    h *= 16777619u;
  }
  return h;
}

std::string vtt_timestamp(int64_t ms) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%02lld:%02lld:%02lld.%03lld", static_cast<long long>(ms / 3600000),
                static_cast<long long>(ms / 60000 % 60), static_cast<long long>(ms / 1000 % 60),
                static_cast<long long>(ms % 1000));
  return buf;
}

}  // namespace td::test
